#include "render/tcpdump_line.hpp"

#include <fmt/format.h>

#include <cstring>
#include <ctime>

namespace tcplens {

namespace {

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10, kUrg = 0x20;

// Bounds-checked big-endian reads at absolute offsets into what tcpdump may look at (the captured
// bytes, cut at the end of the IP datagram).
struct View {
  std::span<const std::uint8_t> b;
  [[nodiscard]] bool has(std::size_t at, std::size_t n) const {
    return at <= b.size() && n <= b.size() - at;
  }
  [[nodiscard]] std::uint8_t u8(std::size_t at) const { return b[at]; }
  [[nodiscard]] std::uint16_t be16(std::size_t at) const {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
  }
  [[nodiscard]] std::uint32_t be32(std::size_t at) const {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
           (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
  }
  [[nodiscard]] std::uint64_t be64(std::size_t at) const {
    return (std::uint64_t{be32(at)} << 32) | be32(at + 4);
  }
};

std::string ip4_text(const std::uint8_t* p) {
  IpAddress a;
  a.family = 4;
  std::memcpy(a.bytes.data(), p, 4);
  return to_string(a);
}

std::string address_text(const IpAddress& a) {
  return a.family == 6 ? tcpdump_ip6(a) : to_string(a);
}

void append_hex(std::string& out, std::span<const std::uint8_t> bytes) {
  for (std::uint8_t c : bytes) fmt::format_to(std::back_inserter(out), "{:02x}", c);
}

const char* option_name(std::uint8_t kind) {
  switch (kind) {
    case 0:
      return "eol";
    case 1:
      return "nop";
    case 2:
      return "mss";
    case 3:
      return "wscale";
    case 4:
      return "sackOK";
    case 5:
      return "sack";
    case 6:
      return "echo";
    case 7:
      return "echoreply";
    case 8:
      return "TS";
    case 11:
      return "cc";
    case 12:
      return "ccnew";
    case 13:
      return "";
    case 19:
      return "md5";
    case 20:
      return "scps";
    case 28:
      return "uto";
    case 29:
      return "tcp-ao";
    case 30:
      return "mptcp";
    case 34:
      return "tfo";
    case 254:
      return "exp";
    default:
      return nullptr;
  }
}

// How printing an option list ended: tcpdump's "bad:" and "trunc:" exits of tcp_print, and a
// read past the captured bytes (its GET_* macros jumping out of the whole packet).
enum class OptionsEnd { done, bad, check_failed, read_failed };

// tcpdump's print_tcp_fastopen_option.
void append_fastopen(std::string& out, std::span<const std::uint8_t> cookie, bool experimental) {
  if (experimental) out += "tfo";
  if (cookie.empty()) {
    out += " cookiereq";
  } else if (cookie.size() % 2 != 0 || cookie.size() < 4 || cookie.size() > 16) {
    out += " (invalid)";
  } else {
    out += " cookie ";
    append_hex(out, cookie);
  }
}

// tcpdump's mptcp_print: `o` is the whole option (kind and length included). False: "bad opt".
bool append_mptcp(std::string& out, std::span<const std::uint8_t> o, std::uint8_t tcp_flags) {
  auto it = std::back_inserter(out);
  const auto len = static_cast<unsigned>(o.size());
  if (len < 3) return false;
  View v{o};
  static constexpr const char* kNames[] = {"capable", "join", "dss",        "add-addr", "rem-addr",
                                           "prio",    "fail", "fast-close", "unknown"};
  unsigned subtype = std::min(v.u8(2) >> 4, 8);
  fmt::format_to(it, " {} {}", len, kNames[subtype]);
  const bool syn = (tcp_flags & kSyn) != 0;
  const std::uint8_t syn_ack = tcp_flags & (kSyn | kAck);
  switch (subtype) {
    case 0: {  // capable
      if (!((len == 12 || len == 4) && syn) && !((len == 20 || len == 22) && syn_ack == kAck))
        return false;
      unsigned version = v.u8(2) & 0xf;
      if (version > 1) {
        fmt::format_to(it, " Unknown Version ({})", version);
        return true;
      }
      fmt::format_to(it, " v{}", version);
      if (v.u8(3) & 0x80) out += " csum";
      if (len == 12 || len >= 20) {
        fmt::format_to(it, " {{0x{:x}", v.be64(4));
        if (len >= 20) fmt::format_to(it, ",0x{:x}", v.be64(12));
        out += '}';
      }
      return true;
    }
    case 1:  // join
      if (!(len == 12 && syn) && !(len == 16 && syn_ack == (kSyn | kAck)) &&
          !(len == 24 && (tcp_flags & kAck)))
        return false;
      if (len != 24) {
        if (v.u8(2) & 1) out += " backup";
        fmt::format_to(it, " id {}", v.u8(3));
      }
      if (len == 12) fmt::format_to(it, " token 0x{:x} nonce 0x{:x}", v.be32(4), v.be32(8));
      if (len == 16) fmt::format_to(it, " hmac 0x{:x} nonce 0x{:x}", v.be64(4), v.be32(12));
      if (len == 24) {
        out += " hmac 0x";
        append_hex(out, o.subspan(4, 20));
      }
      return true;
    case 2: {  // dss
      if (len < 4 || syn) return false;
      const std::uint8_t f = v.u8(3);
      if (f & 0x10) out += " fin";
      std::size_t at = 4;
      auto number = [&](bool wide) -> bool {
        const std::size_t n = wide ? 8 : 4;
        if (len - at < n) return false;
        if (wide) {
          fmt::format_to(it, "{}", v.be64(at));
        } else {
          fmt::format_to(it, "{}", v.be32(at));
        }
        at += n;
        return true;
      };
      if (f & 0x01) {
        out += " ack ";
        if (!number((f & 0x02) != 0)) return false;
      }
      if (f & 0x04) {
        out += " seq ";
        if (!number((f & 0x08) != 0)) return false;
        if (len - at < 4) return false;
        fmt::format_to(it, " subseq {}", v.be32(at));
        at += 4;
        if (len - at < 2) return false;
        fmt::format_to(it, " len {}", v.be16(at));
        at += 2;
        if (len - at >= 2) {
          fmt::format_to(it, " csum 0x{:x}", v.be16(at));
          at += 2;
        }
      }
      return at == len;
    }
    case 3: {  // add-addr
      const bool v4 = len == 8 || len == 10 || len == 16 || len == 18;
      const bool v6 = len == 20 || len == 22 || len == 28 || len == 30;
      if (!v4 && !v6) return false;
      static constexpr const char* kEcho[] = {"v1",     "v1-echo", nullptr, nullptr,
                                              "v0-ip4", nullptr,   "v0-ip6"};
      const unsigned e = v.u8(2) & 0xf;
      const char* echo = e < 7 ? kEcho[e] : nullptr;
      fmt::format_to(it, " {} id {}", echo ? echo : "[bad version/echo]", v.u8(3));
      if (v4) {
        fmt::format_to(it, " {}", ip4_text(o.data() + 4));
        if (len == 10 || len == 18) fmt::format_to(it, ":{}", v.be16(8));
        if (len == 16) fmt::format_to(it, " hmac 0x{:x}", v.be64(8));
        if (len == 18) fmt::format_to(it, " hmac 0x{:x}", v.be64(10));
      } else {
        IpAddress a;
        a.family = 6;
        std::memcpy(a.bytes.data(), o.data() + 4, 16);
        fmt::format_to(it, " {}", tcpdump_ip6(a));
        if (len == 22 || len == 30) fmt::format_to(it, ":{}", v.be16(20));
        if (len == 28) fmt::format_to(it, " hmac 0x{:x}", v.be64(20));
        if (len == 30) fmt::format_to(it, " hmac 0x{:x}", v.be64(22));
      }
      return true;
    }
    case 4:  // rem-addr
      if (len < 4) return false;
      out += " id";
      for (std::size_t i = 3; i < len; ++i) fmt::format_to(it, " {}", v.u8(i));
      return true;
    case 5:  // prio
      if (len != 3 && len != 4) return false;
      out += (v.u8(2) & 1) ? " backup" : " non-backup";
      if (len == 4) fmt::format_to(it, " id {}", v.u8(3));
      return true;
    case 6:  // fail
      if (len != 12) return false;
      fmt::format_to(it, " seq {}", v.be64(4));
      return true;
    case 7:  // fast-close
      if (len != 12) return false;
      fmt::format_to(it, " key 0x{:x}", v.be64(4));
      return true;
    default:
      return true;
  }
}

// The option list of tcp_print. `tcp` holds what may be read of the TCP segment; the options are
// at [20, header_len). `payload_captured`: the whole segment is there (for md5's remark). `rev`,
// `thseq`, `thack`: tcpdump's direction and initial numbers, for the SACK blocks.
OptionsEnd append_options(std::string& out, View tcp, unsigned header_len, bool payload_captured,
                          std::uint8_t flags, bool rev, std::uint32_t thseq, std::uint32_t thack,
                          char& ch, const char*& protocol) {
  auto it = std::back_inserter(out);
  unsigned hlen = header_len - 20;
  std::size_t cp = 20;
  out += ", options [";
  while (hlen > 0) {
    if (ch != '\0') out += ch;
    if (!tcp.has(cp, 1)) return OptionsEnd::read_failed;
    const std::uint8_t opt = tcp.u8(cp++);
    const bool no_length = opt == 0 || opt == 1;
    unsigned len = 1;
    if (!no_length) {
      if (!tcp.has(cp, 1)) return OptionsEnd::read_failed;
      len = tcp.u8(cp++);
      if (len < 2 || len > hlen) return OptionsEnd::bad;
      --hlen;
    }
    --hlen;
    unsigned datalen = 0;
    // tcpdump's LENCHECK: `n` bytes of option data must be within the header, and captured.
    auto lencheck = [&](unsigned n) {
      if (n > hlen) return OptionsEnd::bad;
      if (!tcp.has(cp, n)) return OptionsEnd::check_failed;
      return OptionsEnd::done;
    };
    const char* name = option_name(opt);
    if (name != nullptr) {
      out += name;
    } else {
      fmt::format_to(it, "unknown-{}", opt);
    }
    switch (opt) {
      case 2:  // mss
      case 3:  // wscale
        datalen = opt == 2 ? 2 : 1;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        fmt::format_to(it, " {}", opt == 2 ? tcp.be16(cp) : tcp.u8(cp));
        break;
      case 5:  // sack
        datalen = len - 2;
        if (datalen % 8 != 0) {
          out += " invalid sack";
        } else {
          fmt::format_to(it, " {} ", datalen / 8);
          for (unsigned i = 0; i < datalen; i += 8) {
            if (auto e = lencheck(i + 8); e != OptionsEnd::done) return e;
            const std::uint32_t base = rev ? thseq : thack;
            fmt::format_to(it, "{{{}:{}}}", tcp.be32(cp + i) - base, tcp.be32(cp + i + 4) - base);
          }
        }
        break;
      case 6:
      case 7:
      case 11:
      case 12:
      case 13:
        datalen = 4;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        fmt::format_to(it, " {}", tcp.be32(cp));
        break;
      case 8:  // timestamps
        datalen = 8;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        fmt::format_to(it, " val {} ecr {}", tcp.be32(cp), tcp.be32(cp + 4));
        break;
      case 19:  // md5 signature: tcpdump (with libcrypto) cannot check it without -M
        datalen = 16;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        out += payload_captured ? " shared secret not supplied with -M, can't check - "
                                : " snaplen too short, can't check - ";
        append_hex(out, tcp.b.subspan(cp, 16));
        break;
      case 20:  // scps
        datalen = 2;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        fmt::format_to(it, " cap {:02x} id {}", tcp.u8(cp), tcp.u8(cp + 1));
        break;
      case 29:  // tcp-ao
        datalen = len - 2;
        if (datalen < 2) {
          out += " (invalid)";
        } else {
          if (auto e = lencheck(1); e != OptionsEnd::done) return e;
          fmt::format_to(it, " keyid {}", tcp.u8(cp));
          if (auto e = lencheck(2); e != OptionsEnd::done) return e;
          fmt::format_to(it, " rnextkeyid {}", tcp.u8(cp + 1));
          if (datalen > 2) {
            out += " mac 0x";
            for (unsigned i = 2; i < datalen; ++i) {
              if (auto e = lencheck(i + 1); e != OptionsEnd::done) return e;
              fmt::format_to(it, "{:02x}", tcp.u8(cp + i));
            }
          }
        }
        break;
      case 0:
      case 1:
      case 4:
        break;
      case 28: {  // uto
        datalen = 2;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        unsigned uto = tcp.be16(cp);
        fmt::format_to(it, " 0x{:x} {}", uto, (uto & 1) ? (uto >> 1) * 60 : uto >> 1);
        break;
      }
      case 30:  // mptcp
        datalen = len - 2;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        protocol = "mptcp";
        if (!append_mptcp(out, tcp.b.subspan(cp - 2, len), flags)) return OptionsEnd::bad;
        break;
      case 34:  // tfo
        datalen = len - 2;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        out += ' ';
        append_fastopen(out, tcp.b.subspan(cp, datalen), false);
        break;
      case 254: {  // experimental (RFC 6994)
        datalen = len - 2;
        if (auto e = lencheck(datalen); e != OptionsEnd::done) return e;
        if (datalen < 2) return OptionsEnd::bad;
        const std::uint16_t magic = tcp.be16(cp);
        out += '-';
        if (magic == 0xf989) {
          append_fastopen(out, tcp.b.subspan(cp + 2, datalen - 2), true);
        } else {
          fmt::format_to(it, "{:04x}", magic);
        }
        break;
      }
      default:
        datalen = len - 2;
        if (datalen != 0) out += " 0x";
        for (unsigned i = 0; i < datalen; ++i) {
          if (auto e = lencheck(i + 1); e != OptionsEnd::done) return e;
          fmt::format_to(it, "{:02x}", tcp.u8(cp + i));
        }
        break;
    }
    cp += datalen;
    hlen -= datalen;
    unsigned seen = datalen + (no_length ? 1 : 2);
    if (seen != len) fmt::format_to(it, "[len {}]", len);
    ch = ',';
    if (opt == 0) break;
  }
  out += ']';
  return OptionsEnd::done;
}

}  // namespace

std::string tcpdump_flags(std::uint16_t f) {
  std::string s;
  static constexpr std::pair<std::uint8_t, char> kLetters[] = {
      {0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'},
      {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}};
  for (auto [bit, letter] : kLetters) {
    if (f & bit) s += letter;
  }
  return s.empty() ? "none" : s;
}

std::string tcpdump_ip6(const IpAddress& a) {
  const auto& b = a.bytes;
  auto zero = [&b](int from, int to) {
    for (int i = from; i < to; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  };
  // An IPv4-compatible (::a.b.c.d) or -mapped (::ffff:a.b.c.d) address keeps its dotted quad.
  if (zero(0, 12) && !zero(12, 14)) return "::" + ip4_text(b.data() + 12);
  if (zero(0, 10) && b[10] == 0xff && b[11] == 0xff) return "::ffff:" + ip4_text(b.data() + 12);
  return to_string(a);
}

std::size_t TcpdumpLine::KeyHash::operator()(const Key& k) const {
  std::uint64_t h = k.src.word(0) ^ (k.src.word(1) * 0x9e3779b97f4a7c15ULL);
  h ^= (k.dst.word(0) + 0x632be59bd9b4e019ULL) * 0xc2b2ae3d27d4eb4fULL;
  h ^= k.dst.word(1) * 0x165667b19e3779f9ULL;
  h ^= k.ports * 0x27d4eb2f165667c5ULL;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

void TcpdumpLine::forget_idle(std::int64_t now_ns) {
  if (forget_after_ns_ <= 0 || now_ns < next_sweep_ns_) return;
  // A sweep at most every tenth of the idle time: the cost of a sweep spread over many frames.
  next_sweep_ns_ = now_ns + forget_after_ns_ / 10;
  std::erase_if(isn_,
                [&](const auto& kv) { return now_ns - kv.second.last_ns > forget_after_ns_; });
}

void TcpdumpLine::append_time(std::string& out, std::int64_t ts_ns) {
  // tcpdump prints local time in microseconds (a nanosecond file's times cut, as libpcap does).
  std::int64_t second = ts_ns >= 0 ? ts_ns / 1'000'000'000 : (ts_ns + 1) / 1'000'000'000 - 1;
  auto us = static_cast<unsigned>((ts_ns - second * 1'000'000'000) / 1000);
  if (second != time_second_) {
    time_second_ = second;
    std::time_t t = second;
    std::tm tm{};
    localtime_r(&t, &tm);
    std::snprintf(time_prefix_, sizeof time_prefix_, "%02d:%02d:%02d.", tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
  }
  fmt::format_to(std::back_inserter(out), "{}{:06} ", time_prefix_, us);
}

void TcpdumpLine::append(std::string& out, std::int64_t ts_ns, std::span<const std::uint8_t> frame,
                         std::uint32_t wire_len, const Segment& s) {
  append_time(out, ts_ns);
  forget_idle(ts_ns);
  auto it = std::back_inserter(out);
  if (wire_len < frame.size()) wire_len = static_cast<std::uint32_t>(frame.size());
  if (s.ip_offset > frame.size() || s.tcp_offset < s.ip_offset) return;
  View ip{frame.subspan(s.ip_offset)};
  const std::uint32_t length = wire_len - s.ip_offset;  // on the wire, from the IP header on
  const std::size_t tcp_at = s.tcp_offset - s.ip_offset;
  bool ports_only = false;
  std::uint32_t tcp_length = 0;  // tcpdump's: from the IP header's lengths
  std::size_t datagram_end = 0;  // tcpdump reads nothing past the IP datagram
  if (s.src.family == 4) {
    out += "IP ";
    const unsigned hlen = (ip.u8(0) & 0x0f) * 4u;
    const unsigned len = ip.be16(2);
    if (length < len) fmt::format_to(it, "truncated-ip - {} bytes missing! ", len - length);
    if (len < hlen) {
      fmt::format_to(it, "bad-len {}", len);
      return;
    }
    datagram_end = len;
    tcp_length = len - hlen;
  } else {
    out += "IP6 ";
    const unsigned payload_len = ip.be16(4);
    std::uint32_t len = payload_len + 40;
    if (payload_len != 0 && length < len) {
      fmt::format_to(it, "truncated-ip6 - {} bytes missing!", len - length);
    }
    if (payload_len == 0) len = 40;
    datagram_end = len;
    tcp_length = len - static_cast<std::uint32_t>(std::min<std::size_t>(tcp_at, len));
    if (ip.u8(6) != 6) {
      // Extension headers: tcpdump names the addresses before them (their own text is not
      // reproduced here), and the TCP printer then only the ports.
      fmt::format_to(it, "{} > {}: ", tcpdump_ip6(s.src), tcpdump_ip6(s.dst));
      ports_only = true;
    }
  }
  View tcp{ip.b.first(std::min(ip.b.size(), datagram_end))};
  tcp.b = tcp_at <= tcp.b.size() ? tcp.b.subspan(tcp_at) : tcp.b.last(0);
  append_tcp(out, ts_ns, tcp.b, tcp_length, s, ports_only);
}

void TcpdumpLine::append_tcp(std::string& out, std::int64_t ts_ns,
                             std::span<const std::uint8_t> bytes, std::uint32_t length,
                             const Segment& s, bool ports_only) {
  auto it = std::back_inserter(out);
  View tcp{bytes};
  const std::string src = address_text(s.src), dst = address_text(s.dst);
  if (!tcp.has(0, 4)) {
    fmt::format_to(it, "{} > {}: [|tcp]", src, dst);
    return;
  }
  const std::uint16_t sport = tcp.be16(0), dport = tcp.be16(2);
  if (ports_only) {
    fmt::format_to(it, "{} > {}: ", sport, dport);
  } else {
    fmt::format_to(it, "{}.{} > {}.{}: ", src, sport, dst, dport);
  }
  if (!tcp.has(0, 20)) {
    out += " [|tcp]";
    return;
  }
  const unsigned hlen = (tcp.u8(12) >> 4) * 4u;
  if (hlen < 20) {
    fmt::format_to(it, " tcp {} [bad hdr length {} - too short, < 20]", length - hlen, hlen);
    return;
  }
  std::uint32_t seq = tcp.be32(4), ack = tcp.be32(8);
  const std::uint16_t win = tcp.be16(14), urp = tcp.be16(18);
  const std::uint8_t flags = tcp.u8(13);
  fmt::format_to(it, "Flags [{}]", tcpdump_flags(flags));

  bool rev = false;
  std::uint32_t thseq = 0, thack = 0;
  if (flags & kAck) {
    // tcpdump's conversation table: entered (or renewed by a SYN) with this frame's numbers
    // printed as they are; later frames print theirs relative to them.
    rev = sport > dport || (sport == dport && std::memcmp(s.src.bytes.data(), s.dst.bytes.data(),
                                                          s.src.family == 6 ? 16 : 4) > 0);
    Key key{rev ? s.dst : s.src, rev ? s.src : s.dst,
            rev ? (std::uint32_t{dport} << 16 | sport) : (std::uint32_t{sport} << 16 | dport)};
    auto [entry, fresh] = isn_.try_emplace(key);
    Isn& th = entry->second;
    if (fresh || (flags & kSyn)) {
      if (rev) {
        th.ack = seq, th.seq = ack - 1;
      } else {
        th.seq = seq, th.ack = ack - 1;
      }
    } else if (rev) {
      seq -= th.ack, ack -= th.seq;
    } else {
      seq -= th.seq, ack -= th.ack;
    }
    th.last_ns = ts_ns;
    thseq = th.seq;
    thack = th.ack;
  }
  if (hlen > length) {
    fmt::format_to(it, " [bad hdr length {} - too long, > {}]", hlen, length);
    return;
  }
  length -= hlen;
  if (length > 0 || (flags & (kSyn | kFin | kRst))) {
    fmt::format_to(it, ", seq {}", seq);
    if (length > 0) fmt::format_to(it, ":{}", seq + length);
  }
  if (flags & kAck) fmt::format_to(it, ", ack {}", ack);
  fmt::format_to(it, ", win {}", win);
  if (flags & kUrg) fmt::format_to(it, ", urg {}", urp);
  if (hlen > 20) {
    char ch = '\0';
    const char* protocol = "tcp";
    const bool whole = tcp.b.size() >= std::size_t{hlen} + length;
    switch (append_options(out, tcp, hlen, whole, flags, rev, thseq, thack, ch, protocol)) {
      case OptionsEnd::done:
        break;
      case OptionsEnd::bad:
        out += "[bad opt]";
        if (ch != '\0') out += ']';
        return;
      case OptionsEnd::check_failed:
        fmt::format_to(it, " [|{}]", protocol);
        if (ch != '\0') out += '>';
        return;
      case OptionsEnd::read_failed:
        fmt::format_to(it, " [|{}]", protocol);
        return;
    }
  }
  fmt::format_to(it, ", length {}", length);
}

}  // namespace tcplens
