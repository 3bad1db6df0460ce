// tcpdump 4.99's line for one TCP frame, as `tcpdump -nn -r FILE` prints it, from the frame's own
// bytes: the time, "IP"/"IP6", addresses and ports, flags, tcpdump's relative seq/ack (its rules,
// not tshark's), win, urg, every option as tcpdump names it (SACK blocks relative like seq and
// ack), and "length N". What tcpdump prints after that (its application-layer decoding) is not
// reproduced. Link-layer prefixes are not printed either (tcpdump -nn prints none for Ethernet,
// VLAN or SLL; for SLL2 it prints the capturing host's interface name, which we cannot know).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

#include "decode/segment.hpp"

namespace tcplens {

class TcpdumpLine {
 public:
  // tcpdump never forgets a connection's initial sequence numbers; we forget one after
  // `forget_after_ns` of capture time without a frame (0: never), so that memory follows the
  // connections alive. A connection silent that long and then resumed without a SYN is printed
  // with absolute numbers, where tcpdump would still print relative ones.
  explicit TcpdumpLine(std::int64_t forget_after_ns = 0) : forget_after_ns_(forget_after_ns) {}

  // Appends the line (no newline) for a decoded TCP frame: `frame` is the frame's captured bytes,
  // `wire_len` its length on the wire, `s` what the decoder made of it (its header offsets).
  void append(std::string& out, std::int64_t ts_ns, std::span<const std::uint8_t> frame,
              std::uint32_t wire_len, const Segment& s);

  // The connections whose initial sequence numbers are kept.
  [[nodiscard]] std::size_t tracked() const { return isn_.size(); }

 private:
  // tcpdump's key: both addresses and ports in one collating order, so both directions share it.
  struct Key {
    IpAddress src;
    IpAddress dst;
    std::uint32_t ports = 0;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  struct Isn {
    std::uint32_t seq = 0;  // of the side that comes first in the key
    std::uint32_t ack = 0;  // of the other side
    std::int64_t last_ns = 0;
  };

  void forget_idle(std::int64_t now_ns);
  void append_time(std::string& out, std::int64_t ts_ns);
  void append_tcp(std::string& out, std::int64_t ts_ns, std::span<const std::uint8_t> tcp,
                  std::uint32_t length, const Segment& s, bool ports_only);

  std::int64_t forget_after_ns_;
  std::int64_t next_sweep_ns_ = 0;
  std::unordered_map<Key, Isn, KeyHash> isn_;
  // The local time of day is worked out once per second of capture time.
  std::int64_t time_second_ = INT64_MIN;
  char time_prefix_[16] = {};
};

// tcpdump's flag letters for the low 8 bits, in its order: "S", "S.", "P.", "F.", "R", ".",
// "S.E", "SEW", "none".
std::string tcpdump_flags(std::uint16_t flags);

// An IPv6 address as tcpdump writes it (RFC 5952, with embedded IPv4 as a dotted quad).
std::string tcpdump_ip6(const IpAddress& addr);

}  // namespace tcplens
