// Link layer → IPv4/IPv6 → TCP header, in one pass over a frame's captured bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "decode/segment.hpp"

namespace tcplens {

// Why a frame is not analysed as TCP. Every frame read ends as `none` or one of these.
enum class SkipReason : std::uint8_t {
  none = 0,
  unsupported_link,  // a link type we do not decode
  not_ip,            // e.g. ARP, LLDP
  not_tcp,           // IP carrying UDP, ICMP, …
  ip_fragment,       // a fragment: only a reassembled datagram carries a whole TCP segment
  truncated,         // the capture stops before the headers we need end (snaplen, damage)
  bad_ip_header,     // IP version/header length impossible
  bad_tcp_header,    // TCP data offset under 5 words or past the segment
  count_
};

std::string_view to_string(SkipReason reason);

// Link types by their pcap LINKTYPE_/DLT_ numbers.
namespace link_type {
inline constexpr int null_bsd = 0;
inline constexpr int ethernet = 1;
inline constexpr int raw = 12;  // DLT_RAW on Linux
inline constexpr int raw_openbsd = 14;
inline constexpr int raw_linktype = 101;
inline constexpr int loop = 108;
inline constexpr int linux_sll = 113;
inline constexpr int ipv4 = 228;
inline constexpr int ipv6 = 229;
inline constexpr int linux_sll2 = 276;
}  // namespace link_type

// Decodes one frame. `wire_len` is the frame's original length (tcp.len counts bytes that the
// snaplen cut). On success fills `out` and returns SkipReason::none.
SkipReason decode_frame(int link, std::span<const std::uint8_t> bytes, std::uint32_t wire_len,
                        Segment& out);

// Parses TCP options; malformed trailing options are ignored as Wireshark does.
void parse_tcp_options(std::span<const std::uint8_t> options, TcpOptions& out);

}  // namespace tcplens
