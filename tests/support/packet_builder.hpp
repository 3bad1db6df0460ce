// Builds frames and capture files in memory for tests: Ethernet/SLL/raw IPv4 and IPv6 carrying
// TCP, with options. Values are written big-endian as on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "decode/segment.hpp"

namespace tcplens::test {

using Bytes = std::vector<std::uint8_t>;

struct TcpSpec {
  std::string src = "10.0.0.1";
  std::string dst = "10.0.0.2";
  std::uint16_t sport = 40000;
  std::uint16_t dport = 80;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = 0;  // tcp_flag::*
  std::uint16_t window = 65535;
  std::uint32_t payload = 0;  // payload bytes (zeros)
  Bytes options;              // raw TCP option bytes (padded to 4 by the builder)
  std::uint8_t ecn = 0;       // the IP header's ECN bits (3: CE)
};

void put16(Bytes& b, std::uint16_t v);
void put32(Bytes& b, std::uint32_t v);

// Option helpers.
Bytes opt_mss(std::uint16_t mss);
Bytes opt_wscale(std::uint8_t shift);
Bytes opt_sack_permitted();
Bytes opt_timestamps(std::uint32_t val, std::uint32_t ecr);
Bytes opt_sack(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& blocks);
Bytes concat(std::initializer_list<Bytes> parts);

Bytes tcp_header(const TcpSpec& t);
// An IPv4 or IPv6 datagram (chosen by the address syntax) carrying the TCP segment.
Bytes ip_datagram(const TcpSpec& t);
Bytes ethernet_frame(const TcpSpec& t, const std::vector<std::uint16_t>& vlan_tpids = {});

struct PcapRecord {
  std::int64_t ts_ns;
  Bytes bytes;
  std::uint32_t wire_len = 0;  // 0: same as bytes.size()
};

// A pcap file image (microsecond or nanosecond).
Bytes pcap_file(int link_type, const std::vector<PcapRecord>& records, bool nanoseconds = false,
                std::uint32_t snaplen = 262144);
void write_file(const std::string& path, const Bytes& bytes);

}  // namespace tcplens::test
