// A TCP connection as tshark tracks it: one stream index, two directions of per-direction state.
#pragma once

#include <cstdint>
#include <vector>

#include "decode/segment.hpp"

namespace tcplens {

struct Endpoint {
  IpAddress addr;
  std::uint16_t port = 0;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

// A segment still waiting for its ACK (for ACK RTT and RTO).
struct UnackedSegment {
  std::uint64_t frame = 0;
  std::int64_t ts_ns = 0;
  std::uint32_t seq = 0;
  std::uint32_t nextseq = 0;
};

// As Wireshark (TCP_MAX_UNACKED_SEGMENTS): past this many unacknowledged segments a direction
// stops remembering new ones, which bounds memory when the ACKs are never seen.
inline constexpr std::size_t kMaxUnackedSegments = 10000;

// Window scale states besides a shift of 0..14.
inline constexpr int kScaleUnknown = -1;  // no SYN seen from this side
inline constexpr int kScaleNotUsed = -2;  // a SYN came without the option

// The state of one direction (sender → receiver): Wireshark's tcp_flow_t. Sequence and ACK
// numbers are raw (absolute); the relative ones exist only in the output.
struct Direction {
  std::uint32_t base_seq = 0;
  bool base_set = false;
  int win_scale = kScaleUnknown;
  bool is_first_ack = false;          // sent a SYN, and no pure ACK since (window not yet scaled)
  std::uint32_t window = 0xffffffff;  // last raw window field; "never sent" is all ones

  std::uint32_t nextseq = 0;  // highest seq + len seen; 0 = nothing yet (a quirk tshark keeps)
  std::uint64_t nextseq_frame = 0;
  std::int64_t nextseq_time = 0;
  std::uint32_t maxseqtobeacked = 0;
  std::uint32_t lastack = 0;  // raw ACK field of this side's last frame, ACK flag or not
  std::int64_t lastack_time = 0;
  std::uint32_t dupacknum = 0;  // unsigned as in tshark: "-1" (all ones) passes ">= 2"
  std::uint64_t lastnondupack = 0;
  std::uint32_t lastsegmentflags = 0;

  // Bytes in flight are counted only while valid: a lost segment stops it until the peer ACKs.
  bool valid_bif = true;
  bool push_set_last = false;         // the last data frame counted had PSH
  std::uint32_t push_bytes_sent = 0;  // bytes since the last PSH (tcp.analysis.push_bytes_sent)
  // Bytes in this side's latest SACK blocks (at most the first three), kept until the next SACK:
  // the peer's bytes in flight leave them out.
  std::uint32_t sack_delivered = 0;

  std::vector<UnackedSegment> unacked;  // oldest first
};

struct Connection {
  std::uint32_t stream = 0;
  Endpoint first;              // the endpoint that sent this stream's first frame: direction 0
  Endpoint second;             // its peer: direction 1
  std::int64_t syn_time = 0;   // most recent pure SYN (tshark's ts_mru_syn)
  std::int64_t first_rtt = 0;  // SYN → first pure ACK from either side; 0 until known
  std::uint64_t frames = 0;
  std::int64_t first_ns = 0;      // time of its first frame (tcp.time_relative)
  std::int64_t last_ns = 0;       // time of its latest frame (idle expiry, tcp.time_delta)
  std::uint8_t completeness = 0;  // tshark's tcp.completeness bits so far
  Direction dir[2];

  [[nodiscard]] int direction_of(const Segment& s) const {
    return (s.src == first.addr && s.src_port == first.port) ? 0 : 1;
  }
};

}  // namespace tcplens
