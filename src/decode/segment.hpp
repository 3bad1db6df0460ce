// What the decoder hands to the flow stage: one TCP segment's header facts, no payload copy.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>

namespace tcplens {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  std::uint8_t family = 0;               // 4 or 6

  // As the defaults would compare (bytes in order, then family), in two 64-bit words: flow
  // tables compare addresses for every frame, and memcmp calls were a tenth of the time there.
  friend bool operator==(const IpAddress& x, const IpAddress& y) {
    return x.word(0) == y.word(0) && x.word(1) == y.word(1) && x.family == y.family;
  }
  friend std::strong_ordering operator<=>(const IpAddress& x, const IpAddress& y) {
    if (auto c = x.ordered_word(0) <=> y.ordered_word(0); c != 0) return c;
    if (auto c = x.ordered_word(1) <=> y.ordered_word(1); c != 0) return c;
    return x.family <=> y.family;
  }

  // The address bytes as two 64-bit words, i = 0 or 1 (host byte order: for hashing and
  // equality, not ordering).
  [[nodiscard]] std::uint64_t word(int i) const {
    std::uint64_t v;
    std::memcpy(&v, bytes.data() + 8 * i, sizeof v);
    return v;
  }

 private:
  // Big-endian: comparing these compares the bytes in order.
  [[nodiscard]] std::uint64_t ordered_word(int i) const { return __builtin_bswap64(word(i)); }
};

std::string to_string(const IpAddress& addr);

// TCP header flag bits as they sit in the low 12 bits of the data-offset/flags word.
namespace tcp_flag {
inline constexpr std::uint16_t fin = 0x001;
inline constexpr std::uint16_t syn = 0x002;
inline constexpr std::uint16_t rst = 0x004;
inline constexpr std::uint16_t psh = 0x008;
inline constexpr std::uint16_t ack = 0x010;
inline constexpr std::uint16_t urg = 0x020;
inline constexpr std::uint16_t ece = 0x040;
inline constexpr std::uint16_t cwr = 0x080;
inline constexpr std::uint16_t ae = 0x100;
}  // namespace tcp_flag

namespace ip_ecn {
inline constexpr std::uint8_t ce = 3;  // congestion experienced
}  // namespace ip_ecn

struct SackBlock {
  std::uint32_t left = 0;
  std::uint32_t right = 0;
};

struct TcpOptions {
  std::uint16_t mss = 0;          // 0: absent
  std::int8_t window_scale = -1;  // -1: absent, else the shift as sent
  bool sack_permitted = false;
  bool has_timestamps = false;
  std::uint8_t sack_count = 0;
  std::uint32_t ts_value = 0;
  std::uint32_t ts_echo = 0;
  std::array<SackBlock, 4> sack{};
};

struct Segment {
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = 0;        // 12 bits, tcp_flag::*
  std::uint16_t window = 0;       // raw field, unscaled
  std::uint32_t payload_len = 0;  // from the IP lengths, as tshark's tcp.len (even if not captured)
  std::uint16_t urgent_pointer = 0;
  std::uint8_t header_len = 0;  // bytes, from the data offset (tcp.hdr_len)
  TcpOptions options;
  // The capture cut the TCP header (options, or checksum onwards): tshark still tracks the
  // segment but prints no analysis for it; `options` holds those captured whole.
  bool header_cut = false;
  bool checksum_cut = false;  // cut before the urgent pointer ended: no checksum, no options
  // Where the IP and TCP headers start in the frame's captured bytes (for `print`, which reads
  // the headers as tcpdump does).
  std::uint32_t ip_offset = 0;
  std::uint32_t tcp_offset = 0;
  // The IP header's ECN codepoint (RFC 3168: the low two bits of the IPv4 TOS / IPv6 traffic
  // class): 0 not ECT, 1 ECT(1), 2 ECT(0), 3 CE (congestion experienced).
  std::uint8_t ecn = 0;

  [[nodiscard]] bool has(std::uint16_t f) const { return (flags & f) != 0; }
};

}  // namespace tcplens
