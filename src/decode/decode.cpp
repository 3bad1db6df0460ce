#include "decode/decode.hpp"

#include <cstdio>

#include "decode/byte_reader.hpp"

namespace tcplens {

namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint8_t kProtoTcp = 6;
constexpr int kMaxIpv6ExtensionHeaders = 16;  // bounds a looping chain

// Where the IP datagram starts and which version it claims to be.
struct Network {
  std::size_t offset = 0;
  int version = 0;  // 4, 6 or 0 when unknown (raw IP: look at the version nibble)
};

bool is_vlan(std::uint16_t type) {
  return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

int version_of_ethertype(std::uint16_t type) {
  if (type == kEtherIpv4) return 4;
  if (type == kEtherIpv6) return 6;
  return -1;
}

// BSD loopback: the address family in the capturing host's byte order.
int version_of_bsd_family(std::uint32_t family) {
  if (family == 2) return 4;
  if (family == 24 || family == 28 || family == 30) return 6;
  return -1;
}

SkipReason locate_network(int link, ByteReader r, Network& net) {
  switch (link) {
    case link_type::ethernet: {
      if (!r.skip(12)) return SkipReason::truncated;
      std::uint16_t type = r.be16();
      while (r.ok() && is_vlan(type)) {
        r.skip(2);  // TCI
        type = r.be16();
      }
      if (!r.ok()) return SkipReason::truncated;
      net.version = version_of_ethertype(type);
      break;
    }
    case link_type::linux_sll: {
      if (!r.skip(14)) return SkipReason::truncated;
      std::uint16_t type = r.be16();
      if (!r.ok()) return SkipReason::truncated;
      net.version = version_of_ethertype(type);
      break;
    }
    case link_type::linux_sll2: {
      std::uint16_t type = r.be16();
      if (!r.skip(18)) return SkipReason::truncated;
      net.version = version_of_ethertype(type);
      break;
    }
    case link_type::null_bsd: {
      std::uint32_t family = r.le32();
      if (!r.ok()) return SkipReason::truncated;
      net.version = version_of_bsd_family(family);
      if (net.version < 0) {
        // Written on a big-endian host.
        family =
            (family >> 24) | ((family >> 8) & 0xff00) | ((family << 8) & 0xff0000) | (family << 24);
        net.version = version_of_bsd_family(family);
      }
      break;
    }
    case link_type::loop: {
      std::uint32_t family = r.be32();
      if (!r.ok()) return SkipReason::truncated;
      net.version = version_of_bsd_family(family);
      break;
    }
    case link_type::raw:
    case link_type::raw_openbsd:
    case link_type::raw_linktype:
      net.version = 0;
      break;
    case link_type::ipv4:
      net.version = 4;
      break;
    case link_type::ipv6:
      net.version = 6;
      break;
    default:
      return SkipReason::unsupported_link;
  }
  if (net.version < 0) return SkipReason::not_ip;
  net.offset = r.offset();
  if (net.version == 0) {
    if (!r.has(1)) return SkipReason::truncated;
    net.version = r.peek8(0) >> 4;
    if (net.version != 4 && net.version != 6) return SkipReason::not_ip;
  }
  return SkipReason::none;
}

// The IP payload: where TCP starts in the captured bytes and how long it was on the wire.
struct Transport {
  std::size_t offset = 0;
  std::uint32_t wire_len = 0;
};

SkipReason decode_ipv4(ByteReader r, std::uint32_t wire_remaining, Segment& seg, Transport& tp) {
  std::size_t start = r.offset();
  std::uint8_t vihl = r.u8();
  if (!r.ok()) return SkipReason::truncated;
  if ((vihl >> 4) != 4) return SkipReason::bad_ip_header;
  std::uint32_t header_len = (vihl & 0x0f) * 4u;
  if (header_len < 20) return SkipReason::bad_ip_header;
  const std::uint8_t tos = r.u8();
  std::uint32_t total_len = r.be16();
  r.skip(2);  // id
  std::uint16_t frag = r.be16();
  r.skip(1);  // TTL
  std::uint8_t proto = r.u8();
  r.skip(2);  // checksum
  auto src = r.take(4);
  auto dst = r.take(4);
  if (!r.ok()) return SkipReason::truncated;
  // As Wireshark: a total length of 0 (TSO) or past the frame means "the rest of the frame".
  if (total_len == 0 || total_len > wire_remaining) total_len = wire_remaining;
  if (total_len < header_len) return SkipReason::bad_ip_header;
  if ((frag & 0x3fff) != 0) return SkipReason::ip_fragment;  // MF set or offset non-zero
  if (proto != kProtoTcp) return SkipReason::not_tcp;
  seg.src.family = seg.dst.family = 4;
  seg.ecn = tos & 0x03;
  std::copy(src.begin(), src.end(), seg.src.bytes.begin());
  std::copy(dst.begin(), dst.end(), seg.dst.bytes.begin());
  tp.offset = start + header_len;
  tp.wire_len = total_len - header_len;
  return SkipReason::none;
}

SkipReason decode_ipv6(ByteReader r, std::uint32_t wire_remaining, Segment& seg, Transport& tp) {
  std::size_t start = r.offset();
  std::uint8_t v = r.u8();
  if (!r.ok()) return SkipReason::truncated;
  if ((v >> 4) != 6) return SkipReason::bad_ip_header;
  // The traffic class straddles the first two bytes; ECN is its low two bits.
  const std::uint8_t tc_low = r.u8();
  r.skip(2);
  std::uint32_t payload_len = r.be16();
  std::uint8_t next = r.u8();
  r.skip(1);  // hop limit
  auto src = r.take(16);
  auto dst = r.take(16);
  if (!r.ok()) return SkipReason::truncated;
  if (wire_remaining < 40) return SkipReason::truncated;
  if (payload_len == 0 || payload_len > wire_remaining - 40) payload_len = wire_remaining - 40;
  std::uint32_t consumed = 0;
  for (int i = 0; i < kMaxIpv6ExtensionHeaders && next != kProtoTcp; ++i) {
    std::uint32_t ext_len = 0;
    std::uint8_t following = r.peek8(0);
    if (!r.has(2)) return SkipReason::truncated;
    switch (next) {
      case 0:   // hop-by-hop
      case 43:  // routing
      case 60:  // destination options
        ext_len = (r.peek8(1) + 1u) * 8u;
        break;
      case 44: {  // fragment
        if (!r.has(8)) return SkipReason::truncated;
        std::uint16_t off_flags = static_cast<std::uint16_t>((r.peek8(2) << 8) | r.peek8(3));
        if ((off_flags & 0xfff9) != 0) return SkipReason::ip_fragment;  // offset or M set
        ext_len = 8;
        break;
      }
      case 51:  // authentication header
        ext_len = (r.peek8(1) + 2u) * 4u;
        break;
      default:
        return SkipReason::not_tcp;
    }
    if (!r.skip(ext_len)) return SkipReason::truncated;
    consumed += ext_len;
    if (consumed > payload_len) return SkipReason::bad_ip_header;
    next = following;
  }
  if (next != kProtoTcp) return SkipReason::not_tcp;
  seg.src.family = seg.dst.family = 6;
  seg.ecn = (tc_low >> 4) & 0x03;
  std::copy(src.begin(), src.end(), seg.src.bytes.begin());
  std::copy(dst.begin(), dst.end(), seg.dst.bytes.begin());
  tp.offset = r.offset();
  (void)start;
  tp.wire_len = payload_len - consumed;
  return SkipReason::none;
}

SkipReason decode_tcp(ByteReader r, std::uint32_t wire_len, Segment& seg) {
  // tshark needs 16 bytes (ports to window) to track a segment at all.
  seg.src_port = r.be16();
  seg.dst_port = r.be16();
  seg.seq = r.be32();
  seg.ack = r.be32();
  std::uint16_t off_flags = r.be16();
  seg.window = r.be16();
  if (!r.ok()) return SkipReason::truncated;
  seg.flags = off_flags & 0x0fff;
  seg.options = TcpOptions{};
  std::uint32_t header_len = (off_flags >> 12) * 4u;
  if (header_len < 20 || header_len > wire_len) return SkipReason::bad_tcp_header;
  seg.payload_len = wire_len - header_len;
  seg.header_len = static_cast<std::uint8_t>(header_len);
  // Checksum, urgent pointer and options must all be captured, or tshark shows no analysis;
  // it still reads the options captured whole.
  r.skip(2);  // checksum
  seg.urgent_pointer = r.be16();
  seg.checksum_cut = !r.ok();
  seg.header_cut = seg.checksum_cut || r.remaining() < header_len - 20;
  if (seg.checksum_cut) {
    seg.urgent_pointer = 0;
  } else {
    parse_tcp_options(r.take(std::min<std::size_t>(r.remaining(), header_len - 20)), seg.options);
  }
  return SkipReason::none;
}

}  // namespace

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::none:
      return "analysed";
    case SkipReason::unsupported_link:
      return "unsupported link type";
    case SkipReason::not_ip:
      return "not IP";
    case SkipReason::not_tcp:
      return "not TCP";
    case SkipReason::ip_fragment:
      return "IP fragment";
    case SkipReason::truncated:
      return "truncated";
    case SkipReason::bad_ip_header:
      return "bad IP header";
    case SkipReason::bad_tcp_header:
      return "bad TCP header";
    case SkipReason::count_:
      break;
  }
  return "unknown";
}

void parse_tcp_options(std::span<const std::uint8_t> options, TcpOptions& out) {
  ByteReader r(options);
  while (r.has(1)) {
    std::uint8_t kind = r.u8();
    if (kind == 0) break;     // end of options
    if (kind == 1) continue;  // no-op
    if (!r.has(1)) break;
    std::uint8_t len = r.u8();
    if (len < 2 || !r.has(len - 2u)) break;
    ByteReader body(r.take(len - 2u));
    switch (kind) {
      case 2:
        if (len == 4) out.mss = body.be16();
        break;
      case 3:
        if (len == 3) out.window_scale = static_cast<std::int8_t>(std::min<int>(body.u8(), 14));
        break;
      case 4:
        if (len == 2) out.sack_permitted = true;
        break;
      case 5: {
        std::uint8_t n = 0;
        while (body.has(8) && n < out.sack.size()) {
          out.sack[n].left = body.be32();
          out.sack[n].right = body.be32();
          ++n;
        }
        out.sack_count = n;
        break;
      }
      case 8:
        if (len == 10) {
          out.has_timestamps = true;
          out.ts_value = body.be32();
          out.ts_echo = body.be32();
        }
        break;
      default:
        break;
    }
  }
}

SkipReason decode_frame(int link, std::span<const std::uint8_t> bytes, std::uint32_t wire_len,
                        Segment& out) {
  if (wire_len < bytes.size()) wire_len = static_cast<std::uint32_t>(bytes.size());
  ByteReader frame(bytes);
  Network net;
  if (auto why = locate_network(link, frame, net); why != SkipReason::none) return why;
  ByteReader ip(bytes);
  ip.skip(net.offset);
  std::uint32_t wire_remaining = wire_len - static_cast<std::uint32_t>(net.offset);
  Transport tp;
  SkipReason why = net.version == 4 ? decode_ipv4(ip, wire_remaining, out, tp)
                                    : decode_ipv6(ip, wire_remaining, out, tp);
  if (why != SkipReason::none) return why;
  ByteReader tcp(bytes);
  tcp.skip(tp.offset);
  out.ip_offset = static_cast<std::uint32_t>(net.offset);
  out.tcp_offset = static_cast<std::uint32_t>(tp.offset);
  return decode_tcp(tcp, tp.wire_len, out);
}

std::string to_string(const IpAddress& addr) {
  char buf[64];
  if (addr.family == 4) {
    // By hand: snprintf was a fortieth of `summary` on captures of many short connections.
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      const unsigned b = addr.bytes[i];
      if (i > 0) *p++ = '.';
      if (b >= 100) *p++ = static_cast<char>('0' + b / 100);
      if (b >= 10) *p++ = static_cast<char>('0' + b / 10 % 10);
      *p++ = static_cast<char>('0' + b % 10);
    }
    return {buf, p};
  }
  // RFC 5952: longest run of two or more zero groups becomes "::".
  std::uint16_t g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = static_cast<std::uint16_t>((addr.bytes[2 * i] << 8) | addr.bytes[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = j;
  }
  std::string s;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (!s.empty() && s.back() != ':') s += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    s += buf;
  }
  return s;
}

}  // namespace tcplens
