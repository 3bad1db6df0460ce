#include "render/frame_writer.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <string_view>
#include <utility>

#include "render/fields.hpp"

namespace tcplens {

namespace {

struct FlagColumn {
  std::string_view name;
  std::uint32_t mask;     // set when any of these bits is
  std::string_view cell;  // what tshark -T fields prints when set
};

// In tshark's column order. duplicate_ack prints "1,1": the field sits twice in tshark's tree.
constexpr std::array<FlagColumn, 14> kFlagColumns{{
    // tshark adds the retransmission item for fast and spurious retransmissions too.
    {"retransmission", analysis_flag::any_retransmission, "1"},
    {"fast_retransmission", analysis_flag::fast_retransmission, "1"},
    {"spurious_retransmission", analysis_flag::spurious_retransmission, "1"},
    {"out_of_order", analysis_flag::out_of_order, "1"},
    {"lost_segment", analysis_flag::lost_segment, "1"},
    {"ack_lost_segment", analysis_flag::ack_lost_segment, "1"},
    {"duplicate_ack", analysis_flag::duplicate_ack, "1,1"},
    {"zero_window", analysis_flag::zero_window, "1"},
    {"zero_window_probe", analysis_flag::zero_window_probe, "1"},
    {"zero_window_probe_ack", analysis_flag::zero_window_probe_ack, "1"},
    {"window_full", analysis_flag::window_full, "1"},
    {"window_update", analysis_flag::window_update, "1"},
    {"keep_alive", analysis_flag::keep_alive, "1"},
    {"keep_alive_ack", analysis_flag::keep_alive_ack, "1"},
}};

// Rows are written through a cursor into a buffer on the stack, then appended to the output in
// one go: a character at a time into a std::string costs a capacity check each.
// "00" to "99": numbers are written two digits at a time.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

// tcp.flags.str a nibble at a time: each of the 16 patterns of four flag bits as its letters and
// middle dots (U+00B7, two bytes in UTF-8), at most 8 bytes.
struct FlagNibble {
  std::array<char, 8> text;
  std::uint8_t size;
};
constexpr std::array<std::array<FlagNibble, 16>, 3> kFlagNibbles = [] {
  constexpr char kLetters[] = "RRRNCEUAPRSF";  // bit 11 first
  std::array<std::array<FlagNibble, 16>, 3> t{};
  for (int n = 0; n < 3; ++n) {
    for (int v = 0; v < 16; ++v) {
      FlagNibble& e = t[n][v];
      e.size = 0;
      for (int i = 0; i < 4; ++i) {
        if (v & (8 >> i)) {
          e.text[e.size++] = kLetters[4 * n + i];
        } else {
          e.text[e.size++] = '\xc2';
          e.text[e.size++] = '\xb7';
        }
      }
    }
  }
  return t;
}();

struct Cursor {
  char* p;

  void put(std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void put(char c) { *p++ = c; }
  void uint(std::uint64_t v) {
    // Written in place from its last digit: a digit count first, then pairs of digits.
    int n = 1;
    for (std::uint64_t t = v; t >= 10; t /= 10) ++n;
    char* q = p + n;
    p = q;
    while (v >= 100) {
      q -= 2;
      std::memcpy(q, &kDigitPairs[2 * (v % 100)], 2);
      v /= 100;
    }
    if (v >= 10) {
      std::memcpy(q - 2, &kDigitPairs[2 * v], 2);
    } else {
      q[-1] = static_cast<char>('0' + v);
    }
  }
  void seconds(std::int64_t ns) {
    std::uint64_t mag;
    if (ns < 0) {
      put('-');
      mag = static_cast<std::uint64_t>(-(ns + 1)) + 1;
    } else {
      mag = static_cast<std::uint64_t>(ns);
    }
    uint(mag / 1'000'000'000);
    put('.');
    auto frac = static_cast<std::uint32_t>(mag % 1'000'000'000);
    *p = static_cast<char>('0' + frac / 100'000'000);
    frac %= 100'000'000;
    for (int i = 7; i >= 1; i -= 2) {  // the other eight digits, in pairs from the right
      std::memcpy(p + i, &kDigitPairs[2 * (frac % 100)], 2);
      frac /= 100;
    }
    p += 9;
  }
  void flags_str(std::uint16_t flags) {
    for (int n = 0; n < 3; ++n) {
      const FlagNibble& e = kFlagNibbles[n][(flags >> (8 - 4 * n)) & 0xf];
      std::memcpy(p, e.text.data(), 8);  // the buffer has room; only `size` bytes count
      p += e.size;
    }
  }
};

// Longer than the longest row: a JSON row is at most about 930 bytes (20-digit numbers, every
// flag name, both times).
constexpr std::size_t kMaxRow = 1536;

}  // namespace

void append_flags_str(std::string& out, std::uint16_t flags) {
  char buf[24];
  Cursor c{buf};
  c.flags_str(flags);
  out.append(buf, c.p);
}

void append_seconds(std::string& out, std::int64_t ns) {
  char buf[32];
  Cursor c{buf};
  c.seconds(ns);
  out.append(buf, c.p);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[20];
  Cursor c{buf};
  c.uint(v);
  out.append(buf, c.p);
}

void FrameWriter::header() {
  append_frame_header(out_.raw(), format_, fields_);
}

void append_frame_header(std::string& out, FrameFormat format, const FieldLayout* fields) {
  if (format != FrameFormat::tsv) return;
  if (fields != nullptr) {
    append_fields_header(out, *fields);
  } else {
    append_tsv_header(out);
  }
}

void append_frame_row(std::string& out, FrameFormat format, const FieldLayout* fields,
                      const FrameRow& row, StreamDigits* digits) {
  if (fields != nullptr) {
    if (format == FrameFormat::tsv) {
      append_fields_tsv_row(out, *fields, row, digits);
    } else {
      append_fields_json_row(out, *fields, row, digits);
    }
  } else if (format == FrameFormat::tsv) {
    append_tsv_row(out, row, digits);
  } else {
    append_json_row(out, row, digits);
  }
}

void append_tsv_header(std::string& o) {
  o.append("frame.number\tframe.time_epoch\ttcp.stream\ttcp.flags.str\ttcp.seq\ttcp.ack\ttcp.len");
  for (const auto& col : kFlagColumns) {
    o.append("\ttcp.analysis.");
    o.append(col.name);
  }
  o.append("\ttcp.analysis.rto\ttcp.analysis.ack_rtt\n");
}

void FrameWriter::row(const FrameRow& row) {
  append_frame_row(out_.raw(), format_, fields_, row);
  out_.maybe_flush();
}

namespace {

// The seven leading fields (frame.number, frame.time_epoch, tcp.stream, tcp.flags.str, tcp.seq,
// tcp.ack, tcp.len), each written after its separator: what TSV and JSON rows share.
using HeadSeparators = std::array<std::string_view, 7>;
constexpr HeadSeparators kTsvHead = {"", "\t", "\t", "\t", "\t", "\t", "\t"};
constexpr HeadSeparators kJsonHead = {
    "{\"frame.number\":", ",\"frame.time_epoch\":", ",\"tcp.stream\":", ",\"tcp.flags.str\":\"",
    "\",\"tcp.seq\":",    ",\"tcp.ack\":",          ",\"tcp.len\":"};

// Writes the head; returns where the stream's digits lie in the buffer. The separators are a
// template argument so that each copy is of a size known when compiling.
template <const HeadSeparators& sep>
std::pair<const char*, const char*> put_head(Cursor& c, const FrameRow& r) {
  const Verdict& v = *r.verdict;
  c.put(sep[0]);
  c.uint(r.number);
  c.put(sep[1]);
  c.seconds(r.ts_ns);
  c.put(sep[2]);
  const char* stream_at = c.p;
  c.uint(v.stream);
  const char* stream_end = c.p;
  c.put(sep[3]);
  c.flags_str(r.segment->flags);
  c.put(sep[4]);
  c.uint(v.rel_seq);
  c.put(sep[5]);
  c.uint(v.rel_ack);
  c.put(sep[6]);
  c.uint(r.segment->payload_len);
  return {stream_at, stream_end};
}

// Appends the row built in `buf` up to the cursor, noting where its stream's digits went.
void append_row(std::string& o, const char* buf, const Cursor& c,
                std::pair<const char*, const char*> stream, StreamDigits* digits) {
  if (digits != nullptr) {
    digits->begin = o.size() + static_cast<std::size_t>(stream.first - buf);
    digits->end = o.size() + static_cast<std::size_t>(stream.second - buf);
  }
  o.append(buf, static_cast<std::size_t>(c.p - buf));
}

}  // namespace

void append_tsv_row(std::string& o, const FrameRow& r, StreamDigits* digits) {
  const Verdict& v = *r.verdict;
  char buf[kMaxRow];
  Cursor c{buf};
  const auto stream = put_head<kTsvHead>(c, r);
  const std::uint32_t shown = v.analysis_hidden ? 0 : v.flags;
  for (const auto& col : kFlagColumns) {
    c.put('\t');
    if (shown & col.mask) {
      std::memcpy(c.p, "1,1", 3);  // every cell is "1" or "1,1": a fixed copy, then its length
      c.p += col.cell.size();
    }
  }
  c.put('\t');
  if (v.has_rto && !v.analysis_hidden) c.seconds(v.rto_ns);
  c.put('\t');
  if (v.has_ack_rtt && !v.analysis_hidden) c.seconds(v.ack_rtt_ns);
  c.put('\n');
  append_row(o, buf, c, stream, digits);
}

void append_json_row(std::string& o, const FrameRow& r, StreamDigits* digits) {
  const Verdict& v = *r.verdict;
  char buf[kMaxRow];
  Cursor c{buf};
  const auto stream = put_head<kJsonHead>(c, r);
  const std::uint32_t shown = v.analysis_hidden ? 0 : v.flags;
  for (const auto& col : kFlagColumns) {
    c.put(",\"tcp.analysis.");
    c.put(col.name);
    c.put((shown & col.mask) ? std::string_view("\":true") : std::string_view("\":false"));
  }
  c.put(",\"tcp.analysis.rto\":");
  if (v.has_rto && !v.analysis_hidden) {
    c.seconds(v.rto_ns);
  } else {
    c.put("null");
  }
  c.put(",\"tcp.analysis.ack_rtt\":");
  if (v.has_ack_rtt && !v.analysis_hidden) {
    c.seconds(v.ack_rtt_ns);
  } else {
    c.put("null");
  }
  c.put("}\n");
  append_row(o, buf, c, stream, digits);
}

}  // namespace tcplens
