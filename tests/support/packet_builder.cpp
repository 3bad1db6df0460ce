#include "support/packet_builder.hpp"

#include <arpa/inet.h>

#include <fstream>
#include <stdexcept>

namespace tcplens::test {

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}

static void put32le(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Bytes opt_mss(std::uint16_t mss) {
  Bytes b{2, 4};
  put16(b, mss);
  return b;
}
Bytes opt_wscale(std::uint8_t shift) {
  return {1, 3, 3, shift};
}
Bytes opt_sack_permitted() {
  return {1, 1, 4, 2};
}
Bytes opt_timestamps(std::uint32_t val, std::uint32_t ecr) {
  Bytes b{1, 1, 8, 10};
  put32(b, val);
  put32(b, ecr);
  return b;
}
Bytes opt_sack(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& blocks) {
  Bytes b{1, 1, 5, static_cast<std::uint8_t>(2 + 8 * blocks.size())};
  for (auto [l, r] : blocks) {
    put32(b, l);
    put32(b, r);
  }
  return b;
}
Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes tcp_header(const TcpSpec& t) {
  Bytes opts = t.options;
  while (opts.size() % 4 != 0) opts.push_back(0);
  Bytes b;
  put16(b, t.sport);
  put16(b, t.dport);
  put32(b, t.seq);
  put32(b, t.ack);
  auto words = static_cast<std::uint16_t>((20 + opts.size()) / 4);
  put16(b, static_cast<std::uint16_t>((words << 12) | (t.flags & 0x0fff)));
  put16(b, t.window);
  put16(b, 0);  // checksum (not verified, as tshark by default)
  put16(b, 0);
  b.insert(b.end(), opts.begin(), opts.end());
  b.resize(b.size() + t.payload, 0);
  return b;
}

Bytes ip_datagram(const TcpSpec& t) {
  Bytes tcp = tcp_header(t);
  Bytes b;
  if (t.src.find(':') == std::string::npos) {
    in_addr s{}, d{};
    if (inet_pton(AF_INET, t.src.c_str(), &s) != 1 || inet_pton(AF_INET, t.dst.c_str(), &d) != 1)
      throw std::invalid_argument("bad IPv4 address");
    b = {0x45, static_cast<std::uint8_t>(t.ecn & 3)};
    put16(b, static_cast<std::uint16_t>(20 + tcp.size()));
    put16(b, 1);       // id
    put16(b, 0x4000);  // DF
    b.push_back(64);
    b.push_back(6);
    put16(b, 0);
    const auto* sp = reinterpret_cast<const std::uint8_t*>(&s);
    const auto* dp = reinterpret_cast<const std::uint8_t*>(&d);
    b.insert(b.end(), sp, sp + 4);
    b.insert(b.end(), dp, dp + 4);
  } else {
    in6_addr s{}, d{};
    if (inet_pton(AF_INET6, t.src.c_str(), &s) != 1 || inet_pton(AF_INET6, t.dst.c_str(), &d) != 1)
      throw std::invalid_argument("bad IPv6 address");
    b = {0x60, static_cast<std::uint8_t>((t.ecn & 3) << 4), 0, 0};
    put16(b, static_cast<std::uint16_t>(tcp.size()));
    b.push_back(6);
    b.push_back(64);
    b.insert(b.end(), s.s6_addr, s.s6_addr + 16);
    b.insert(b.end(), d.s6_addr, d.s6_addr + 16);
  }
  b.insert(b.end(), tcp.begin(), tcp.end());
  return b;
}

Bytes ethernet_frame(const TcpSpec& t, const std::vector<std::uint16_t>& vlan_tpids) {
  Bytes b{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6};
  std::uint16_t vid = 100;
  for (auto tpid : vlan_tpids) {
    put16(b, tpid);
    put16(b, vid++);
  }
  bool v6 = t.src.find(':') != std::string::npos;
  put16(b, v6 ? 0x86dd : 0x0800);
  Bytes ip = ip_datagram(t);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}

Bytes pcap_file(int link_type, const std::vector<PcapRecord>& records, bool nanoseconds,
                std::uint32_t snaplen) {
  Bytes b;
  put32le(b, nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4);
  b.push_back(2);
  b.push_back(0);
  b.push_back(4);
  b.push_back(0);
  put32le(b, 0);
  put32le(b, 0);
  put32le(b, snaplen);
  put32le(b, static_cast<std::uint32_t>(link_type));
  for (const auto& r : records) {
    auto sec = static_cast<std::uint32_t>(r.ts_ns / 1'000'000'000);
    auto frac = static_cast<std::uint32_t>(r.ts_ns % 1'000'000'000);
    put32le(b, sec);
    put32le(b, nanoseconds ? frac : frac / 1000);
    put32le(b, static_cast<std::uint32_t>(r.bytes.size()));
    put32le(b, r.wire_len ? r.wire_len : static_cast<std::uint32_t>(r.bytes.size()));
    b.insert(b.end(), r.bytes.begin(), r.bytes.end());
  }
  return b;
}

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace tcplens::test
