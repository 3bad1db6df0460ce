#include "capture/tcpdump_text.hpp"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "capture/file_reader.hpp"

namespace tcplens {

namespace {

constexpr int kLinkRaw = 101;  // LINKTYPE_RAW: the frames we synthesise start at the IP header

struct Address {
  std::uint8_t family = 4;
  std::array<std::uint8_t, 16> bytes{};
  std::uint16_t port = 0;
  friend auto operator<=>(const Address&, const Address&) = default;
};

struct TcpLine {
  std::int64_t ts_ns = 0;
  Address src, dst;
  std::uint16_t flags = 0;
  bool has_seq = false;
  std::uint32_t seq = 0;
  bool has_ack = false;
  std::uint32_t ack = 0;
  std::uint16_t window = 0;
  std::uint32_t length = 0;
  std::vector<std::uint8_t> options;
  std::string key;  // timestamp + text after it, for dropping repeated lines
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <typename T>
bool to_number(std::string_view s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// "HH:MM:SS.frac" (optionally after "YYYY-MM-DD ") at the start of `s`; returns the length used.
std::size_t parse_time(std::string_view s, std::int64_t date_s, std::int64_t& ts_ns) {
  std::size_t pos = 0;
  std::int64_t day = date_s;
  if (s.size() >= 11 && s[4] == '-' && s[7] == '-' && s[10] == ' ') {
    std::int64_t d;
    if (parse_date(std::string(s.substr(0, 10)), d)) {
      day = d;
      pos = 11;
    }
  }
  std::string_view t = s.substr(pos);
  if (t.size() < 9 || t[2] != ':' || t[5] != ':' || t[8] != '.') return 0;
  unsigned h, m, sec;  // unsigned: from_chars takes no sign
  if (!to_number(t.substr(0, 2), h) || !to_number(t.substr(3, 2), m) ||
      !to_number(t.substr(6, 2), sec) || h > 23 || m > 59 || sec > 60)
    return 0;
  std::size_t end = 9;
  while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end]))) ++end;
  std::string_view frac = t.substr(9, end - 9);
  if (frac.empty() || frac.size() > 9) return 0;
  std::int64_t ns = 0;
  to_number(frac, ns);
  for (std::size_t i = frac.size(); i < 9; ++i) ns *= 10;
  ts_ns = ((day + h * 3600 + m * 60 + sec) * 1'000'000'000) + ns;  // in range: see parse_date
  return pos + end;
}

// A name tcpdump printed instead of a number (no -nn): a stable made-up address or port.
std::uint32_t name_hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (char c : s) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
  return h;
}

bool parse_endpoint(std::string_view s, Address& a) {
  std::size_t dot = s.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == s.size()) return false;
  std::string host(s.substr(0, dot));
  std::string_view port = s.substr(dot + 1);
  if (!to_number(port, a.port)) {
    servent* se = getservbyname(std::string(port).c_str(), "tcp");
    a.port = se != nullptr ? ntohs(static_cast<std::uint16_t>(se->s_port))
                           : static_cast<std::uint16_t>(1024 + name_hash(port) % 60000);
  }
  in6_addr v6{};
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    a.family = 4;
    std::memcpy(a.bytes.data(), &v4, 4);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    a.family = 6;
    std::memcpy(a.bytes.data(), &v6, 16);
  } else {
    // A host name: 10.x.y.z made from its name, the same for every line.
    a.family = 4;
    std::uint32_t h = name_hash(host);
    a.bytes[0] = 10;
    a.bytes[1] = static_cast<std::uint8_t>(h >> 16);
    a.bytes[2] = static_cast<std::uint8_t>(h >> 8);
    a.bytes[3] = static_cast<std::uint8_t>(h | 1);
  }
  return true;
}

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}

// tcpdump's option list: "mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7,sack 1 {a:b}".
std::vector<std::uint8_t> parse_options(std::string_view list) {
  std::vector<std::uint8_t> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = trim(list.substr(start, comma - start));
    start = comma + 1;
    std::istringstream in{std::string(item)};
    std::string word;
    in >> word;
    if (word == "nop") {
      out.push_back(1);
    } else if (word == "eol") {
      out.push_back(0);
    } else if (word == "mss") {
      std::uint32_t v = 0;
      in >> v;
      out.insert(out.end(), {2, 4});
      put16(out, static_cast<std::uint16_t>(v));
    } else if (word == "wscale") {
      unsigned v = 0;
      in >> v;
      out.insert(out.end(), {3, 3, static_cast<std::uint8_t>(v)});
    } else if (word == "sackOK") {
      out.insert(out.end(), {4, 2});
    } else if (word == "TS") {
      std::string val, ecr;
      std::uint32_t tv = 0, te = 0;
      in >> val >> tv >> ecr >> te;
      out.insert(out.end(), {8, 10});
      put32(out, tv);
      put32(out, te);
    } else if (word == "sack") {
      unsigned n = 0;
      in >> n;
      std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks;
      std::string block;
      while (in >> block && blocks.size() < 4) {
        std::size_t colon = block.find(':');
        if (block.size() < 5 || block.front() != '{' || colon == std::string::npos) break;
        std::uint32_t l = 0, r = 0;
        to_number(std::string_view(block).substr(1, colon - 1), l);
        to_number(std::string_view(block).substr(colon + 1, block.size() - colon - 2), r);
        blocks.emplace_back(l, r);
      }
      out.push_back(5);
      out.push_back(static_cast<std::uint8_t>(2 + 8 * blocks.size()));
      for (auto [l, r] : blocks) {
        put32(out, l);
        put32(out, r);
      }
    }
    if (comma == list.size()) break;
  }
  while (out.size() % 4 != 0) out.push_back(1);  // pad with no-ops
  if (out.size() > 40) out.resize(40);
  return out;
}

std::uint16_t parse_flags(std::string_view f) {
  std::uint16_t flags = 0;
  if (f == "none") return 0;
  for (char c : f) {
    switch (c) {
      case 'S':
        flags |= 0x002;
        break;
      case 'F':
        flags |= 0x001;
        break;
      case 'R':
        flags |= 0x004;
        break;
      case 'P':
        flags |= 0x008;
        break;
      case 'U':
        flags |= 0x020;
        break;
      case 'E':
        flags |= 0x040;
        break;
      case 'W':
        flags |= 0x080;
        break;
      case 'e':
        flags |= 0x100;
        break;
      case '.':
        flags |= 0x010;
        break;
      default:
        break;
    }
  }
  return flags;
}

// "SRC > DST: Flags [..], ..." — the TCP part of a line. False if it is not TCP.
bool parse_tcp_part(std::string_view s, TcpLine& line) {
  std::size_t gt = s.find(" > ");
  std::size_t colon = s.find(": Flags [");
  if (gt == std::string_view::npos || colon == std::string_view::npos || colon < gt) return false;
  std::string_view src = s.substr(0, gt);
  std::size_t src_start = src.rfind(' ');
  if (src_start != std::string_view::npos) src = src.substr(src_start + 1);
  if (!parse_endpoint(src, line.src) || !parse_endpoint(s.substr(gt + 3, colon - gt - 3), line.dst))
    return false;
  if (line.src.family != line.dst.family) return false;
  std::string_view rest = s.substr(colon + 9);
  std::size_t close = rest.find(']');
  if (close == std::string_view::npos) return false;
  line.flags = parse_flags(rest.substr(0, close));
  rest = rest.substr(close + 1);
  // Fields separated by ", "; the options list holds commas of its own.
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ',' || rest.front() == ' ')) rest.remove_prefix(1);
    if (rest.empty()) break;
    std::size_t end;
    if (rest.substr(0, 9) == "options [") {
      end = rest.find(']');
      if (end == std::string_view::npos) return false;
      line.options = parse_options(rest.substr(9, end - 9));
      rest.remove_prefix(end + 1);
      continue;
    }
    end = rest.find(", ");
    std::string_view item = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    std::size_t sp = item.find(' ');
    if (sp == std::string_view::npos) continue;
    std::string_view name = item.substr(0, sp);
    std::string_view value = item.substr(sp + 1);
    if (name == "seq") {
      std::size_t c = value.find(':');
      line.has_seq = to_number(value.substr(0, c), line.seq);
    } else if (name == "ack") {
      line.has_ack = to_number(value, line.ack);
    } else if (name == "win") {
      to_number(value, line.window);
    } else if (name == "length") {
      std::size_t stop = value.find_first_not_of("0123456789");
      to_number(value.substr(0, stop), line.length);
      break;  // what follows is the payload's own description
    }
  }
  return true;
}

// tcpdump prints sequence numbers relative to a base it keeps per conversation (print-tcp.c):
// a frame with ACK set creates or, with SYN, renews the bases — its own side's is its seq, the
// other side's is its ack - 1 — and is printed absolute; later ACK frames are printed relative.
// Frames without ACK are always absolute.
class SequenceBases {
 public:
  void absolutise(TcpLine& l) {
    if (l.flags & 0x010) {
      auto key = l.src < l.dst ? std::make_pair(l.src, l.dst) : std::make_pair(l.dst, l.src);
      auto it = bases_.find(key);
      bool src_is_first = l.src < l.dst;
      if (it == bases_.end() || (l.flags & 0x002)) {
        if (!l.has_seq) l.seq = next_seq(l.src, 0);
        Bases b;
        (src_is_first ? b.first : b.second) = l.seq;
        (src_is_first ? b.second : b.first) = l.ack - 1;
        bases_[key] = b;
      } else {
        const Bases& b = it->second;
        std::uint32_t own = src_is_first ? b.first : b.second;
        std::uint32_t peer = src_is_first ? b.second : b.first;
        // A bare ACK prints no seq: it sits at the sender's next sequence number.
        l.seq = l.has_seq ? l.seq + own : next_seq(l.src, own);
        l.ack += peer;
      }
    } else if (!l.has_seq) {
      l.seq = next_seq(l.src, 0);
    }
    std::uint32_t end = l.seq + l.length + ((l.flags & 0x003) ? 1 : 0);
    auto [n, inserted] = next_.try_emplace(l.src, end);
    // A SYN starts the side's sequence space afresh; otherwise only forward moves count.
    if (!inserted && ((l.flags & 0x002) || static_cast<std::int32_t>(end - n->second) > 0)) {
      n->second = end;
    }
  }
  void reset() {
    bases_.clear();
    next_.clear();
  }

 private:
  std::uint32_t next_seq(const Address& a, std::uint32_t fallback) const {
    auto it = next_.find(a);
    return it == next_.end() ? fallback : it->second;
  }
  struct Bases {
    std::uint32_t first = 0;
    std::uint32_t second = 0;
  };
  std::map<std::pair<Address, Address>, Bases> bases_;
  std::map<Address, std::uint32_t> next_;  // highest absolute seq + len seen from each side
};

}  // namespace

bool parse_date(const std::string& text, std::int64_t& epoch_s) {
  unsigned uy, m, d;  // unsigned: from_chars takes no sign
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!to_number(std::string_view(text).substr(0, 4), uy) ||
      !to_number(std::string_view(text).substr(5, 2), m) ||
      !to_number(std::string_view(text).substr(8, 2), d) || m < 1 || m > 12 || d < 1 || d > 31)
    return false;
  // Capture times lie after 1970; nanoseconds since then fit in int64_t until April 2262.
  if (uy < 1970 || uy > 2261) return false;
  int y = static_cast<int>(uy);
  // Days from the civil date (Howard Hinnant's algorithm).
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  epoch_s = (static_cast<std::int64_t>(era) * 146097 + doe - 719468) * 86400;
  return true;
}

bool looks_like_capture(const std::uint8_t* p, std::size_t n) {
  if (compression_of(p, n) != Compression::none) return true;  // FileReader decompresses it
  if (n < 4) return false;
  std::uint32_t le = std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) |
                     (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
  for (std::uint32_t magic : {0xa1b2c3d4u, 0xa1b23c4du, 0x0a0d0d0au}) {
    if (le == magic || le == __builtin_bswap32(magic)) return true;
  }
  return false;
}

std::unique_ptr<TcpdumpText> TcpdumpText::open(const std::string& path, const TextOptions& options,
                                               std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read";
    return nullptr;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(path, ss.str(), options, error);
}

std::unique_ptr<TcpdumpText> TcpdumpText::parse(const std::string& name, const std::string& text,
                                                const TextOptions& options, std::string& error) {
  std::vector<TcpLine> lines;
  SequenceBases bases;
  std::set<std::string> seen;
  std::size_t duplicates = 0;
  std::size_t non_tcp = 0;
  std::optional<std::int64_t> pending_ts;  // a -v first line waiting for its second
  std::string pending_key;
  std::int64_t last_ts = 0;
  bool any_packet = false;

  std::istringstream in(text);
  std::string raw_line;
  auto add = [&](TcpLine l) {
    if (!seen.insert(l.key).second) {
      ++duplicates;  // the same line quoted again (notes often repeat lines)
      return;
    }
    // A new tcpdump run starts when time jumps back: its relative numbers start afresh.
    if (l.ts_ns < last_ts) bases.reset();
    last_ts = l.ts_ns;
    bases.absolutise(l);
    lines.push_back(std::move(l));
  };
  while (std::getline(in, raw_line)) {
    std::string_view line = raw_line;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find("listening on ") != std::string_view::npos &&
        line.find("tcpdump") != std::string_view::npos) {
      bases.reset();
      last_ts = 0;
      pending_ts.reset();
      continue;
    }
    // The timestamp may follow a prompt or other text on the same line.
    std::size_t at = std::string_view::npos;
    std::int64_t ts = 0;
    std::size_t used = 0;
    for (std::size_t i = 0; i + 9 <= line.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(line[i]))) continue;
      if (i > 0 && std::isdigit(static_cast<unsigned char>(line[i - 1]))) continue;
      used = parse_time(line.substr(i), options.date_epoch_s, ts);
      if (used != 0) {
        at = i;
        break;
      }
    }
    if (at != std::string_view::npos) {
      std::string_view body = trim(line.substr(at + used));
      bool ip = body.substr(0, 3) == "IP " || body.substr(0, 4) == "IP6 ";
      if (!ip) {
        pending_ts.reset();
        continue;
      }
      any_packet = true;
      TcpLine l;
      l.ts_ns = ts;
      if (parse_tcp_part(body, l)) {
        l.key = std::string(line.substr(at));
        add(std::move(l));
        pending_ts.reset();
      } else if (body.find("proto TCP") != std::string_view::npos ||
                 body.find("next-header TCP") != std::string_view::npos) {
        pending_ts = ts;  // -v: the addresses and flags come on the next line
        pending_key = std::string(line.substr(at));
      } else {
        ++non_tcp;
        pending_ts.reset();
      }
      continue;
    }
    if (pending_ts) {
      TcpLine l;
      l.ts_ns = *pending_ts;
      if (parse_tcp_part(trim(line), l)) {
        l.key = pending_key + "\n" + std::string(trim(line));
        add(std::move(l));
      }
      pending_ts.reset();
    }
  }
  if (!any_packet) {
    error = "not a pcap or pcapng capture, nor tcpdump text";
    return nullptr;
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const TcpLine& a, const TcpLine& b) { return a.ts_ns < b.ts_ns; });

  auto out = std::unique_ptr<TcpdumpText>(new TcpdumpText());
  out->name_ = name;
  out->duplicates_ = duplicates;
  for (const TcpLine& l : lines) {
    std::vector<std::uint8_t> f;
    std::uint32_t tcp_len = 20 + static_cast<std::uint32_t>(l.options.size());
    if (l.src.family == 4) {
      f = {0x45, 0};
      put16(f, static_cast<std::uint16_t>(20 + tcp_len + l.length));
      put16(f, 0);
      put16(f, 0x4000);
      f.push_back(64);
      f.push_back(6);
      put16(f, 0);
      f.insert(f.end(), l.src.bytes.begin(), l.src.bytes.begin() + 4);
      f.insert(f.end(), l.dst.bytes.begin(), l.dst.bytes.begin() + 4);
    } else {
      f = {0x60, 0, 0, 0};
      put16(f, static_cast<std::uint16_t>(tcp_len + l.length));
      f.push_back(6);
      f.push_back(64);
      f.insert(f.end(), l.src.bytes.begin(), l.src.bytes.end());
      f.insert(f.end(), l.dst.bytes.begin(), l.dst.bytes.end());
    }
    put16(f, l.src.port);
    put16(f, l.dst.port);
    put32(f, l.seq);
    put32(f, (l.flags & 0x010) ? l.ack : 0);
    put16(f, static_cast<std::uint16_t>(((tcp_len / 4) << 12) | l.flags));
    put16(f, l.window);
    put32(f, 0);  // checksum, urgent pointer
    f.insert(f.end(), l.options.begin(), l.options.end());
    // The payload is not in the text: the frame is "cut" after the headers, as by a snaplen.
    Frame fr{l.ts_ns, static_cast<std::uint32_t>(f.size() + l.length), out->bytes_.size(),
             static_cast<std::uint32_t>(f.size())};
    out->bytes_.insert(out->bytes_.end(), f.begin(), f.end());
    out->frames_.push_back(fr);
  }
  (void)non_tcp;
  return out;
}

ReadStatus TcpdumpText::next(RawFrame& frame) {
  if (next_ >= frames_.size()) return ReadStatus::end;
  const Frame& f = frames_[next_++];
  frame.ts_ns = f.ts_ns;
  frame.wire_len = f.wire_len;
  frame.link_type = kLinkRaw;
  frame.bytes = std::span<const std::uint8_t>(bytes_.data() + f.offset, f.size);
  return ReadStatus::frame;
}

}  // namespace tcplens
