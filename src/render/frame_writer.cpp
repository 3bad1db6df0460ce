#include "render/frame_writer.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

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

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out.append(p, static_cast<std::size_t>(end - p));
}

}  // namespace

void append_flags_str(std::string& out, std::uint16_t flags) {
  static constexpr char kLetters[] = "RRRNCEUAPRSF";
  for (int i = 0; i < 12; ++i) {
    if (flags & (1u << (11 - i))) {
      out.push_back(kLetters[i]);
    } else {
      out.append("\xc2\xb7");  // U+00B7 MIDDLE DOT
    }
  }
}

void append_seconds(std::string& out, std::int64_t ns) {
  std::uint64_t mag;
  if (ns < 0) {
    out.push_back('-');
    mag = static_cast<std::uint64_t>(-(ns + 1)) + 1;
  } else {
    mag = static_cast<std::uint64_t>(ns);
  }
  append_uint(out, mag / 1'000'000'000);
  out.push_back('.');
  std::uint64_t frac = mag % 1'000'000'000;
  char digits[9];
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out.append(digits, 9);
}

void FrameWriter::header() {
  if (format_ == FrameFormat::tsv) append_tsv_header(out_.raw());
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
  if (format_ == FrameFormat::tsv) {
    append_tsv_row(out_.raw(), row);
  } else {
    append_json_row(out_.raw(), row);
  }
  out_.maybe_flush();
}

void append_tsv_row(std::string& o, const FrameRow& r) {
  const Verdict& v = *r.verdict;
  append_uint(o, r.number);
  o.push_back('\t');
  append_seconds(o, r.ts_ns);
  o.push_back('\t');
  append_uint(o, v.stream);
  o.push_back('\t');
  append_flags_str(o, r.segment->flags);
  o.push_back('\t');
  append_uint(o, v.rel_seq);
  o.push_back('\t');
  append_uint(o, v.rel_ack);
  o.push_back('\t');
  append_uint(o, r.segment->payload_len);
  const std::uint32_t shown = v.analysis_hidden ? 0 : v.flags;
  for (const auto& col : kFlagColumns) {
    o.push_back('\t');
    if (shown & col.mask) o.append(col.cell);
  }
  o.push_back('\t');
  if (v.has_rto && !v.analysis_hidden) append_seconds(o, v.rto_ns);
  o.push_back('\t');
  if (v.has_ack_rtt && !v.analysis_hidden) append_seconds(o, v.ack_rtt_ns);
  o.push_back('\n');
}

void append_json_row(std::string& o, const FrameRow& r) {
  const Verdict& v = *r.verdict;
  o.append("{\"frame.number\":");
  append_uint(o, r.number);
  o.append(",\"frame.time_epoch\":");
  append_seconds(o, r.ts_ns);
  o.append(",\"tcp.stream\":");
  append_uint(o, v.stream);
  o.append(",\"tcp.flags.str\":\"");
  append_flags_str(o, r.segment->flags);
  o.append("\",\"tcp.seq\":");
  append_uint(o, v.rel_seq);
  o.append(",\"tcp.ack\":");
  append_uint(o, v.rel_ack);
  o.append(",\"tcp.len\":");
  append_uint(o, r.segment->payload_len);
  const std::uint32_t shown = v.analysis_hidden ? 0 : v.flags;
  for (const auto& col : kFlagColumns) {
    o.append(",\"tcp.analysis.");
    o.append(col.name);
    o.append((shown & col.mask) ? "\":true" : "\":false");
  }
  o.append(",\"tcp.analysis.rto\":");
  if (v.has_rto && !v.analysis_hidden) {
    append_seconds(o, v.rto_ns);
  } else {
    o.append("null");
  }
  o.append(",\"tcp.analysis.ack_rtt\":");
  if (v.has_ack_rtt && !v.analysis_hidden) {
    append_seconds(o, v.ack_rtt_ns);
  } else {
    o.append("null");
  }
  o.append("}\n");
}

}  // namespace tcplens
