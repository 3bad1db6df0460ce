// The analysis of one TCP frame: what tshark's tcp.stream, tcp.seq/ack and tcp.analysis.* say.
#pragma once

#include <cstdint>

namespace tcplens {

struct Connection;

namespace analysis_flag {
inline constexpr std::uint32_t retransmission = 1u << 0;
inline constexpr std::uint32_t fast_retransmission = 1u << 1;
inline constexpr std::uint32_t spurious_retransmission = 1u << 2;
inline constexpr std::uint32_t out_of_order = 1u << 3;
inline constexpr std::uint32_t lost_segment = 1u << 4;
inline constexpr std::uint32_t ack_lost_segment = 1u << 5;
inline constexpr std::uint32_t duplicate_ack = 1u << 6;
inline constexpr std::uint32_t zero_window = 1u << 7;
inline constexpr std::uint32_t zero_window_probe = 1u << 8;
inline constexpr std::uint32_t zero_window_probe_ack = 1u << 9;
inline constexpr std::uint32_t window_full = 1u << 10;
inline constexpr std::uint32_t window_update = 1u << 11;
inline constexpr std::uint32_t keep_alive = 1u << 12;
inline constexpr std::uint32_t keep_alive_ack = 1u << 13;
inline constexpr std::uint32_t reused_ports = 1u << 14;
// Any of the retransmission family.
inline constexpr std::uint32_t any_retransmission =
    retransmission | fast_retransmission | spurious_retransmission;
}  // namespace analysis_flag

struct Verdict {
  std::uint32_t stream = 0;
  int direction = 0;          // 0: from the stream's first sender
  std::uint32_t rel_seq = 0;  // tcp.seq
  std::uint32_t rel_ack = 0;  // tcp.ack
  std::uint32_t flags = 0;    // analysis_flag::*
  std::uint64_t window = 0;   // window size after scaling (tcp.window_size)
  std::int64_t rto_ns = 0;    // tcp.analysis.rto, when has_rto
  std::uint64_t rto_frame = 0;
  std::int64_t ack_rtt_ns = 0;  // tcp.analysis.ack_rtt, when has_ack_rtt
  std::uint64_t acked_frame = 0;
  std::int32_t dupack_num = 0;
  std::uint64_t dupack_frame = 0;
  // The facts behind `frames -e` (render/fields.hpp), tshark's names in the comments.
  std::int64_t stream_time_ns = 0;    // tcp.time_relative: since the stream's first frame
  std::int64_t stream_delta_ns = 0;   // tcp.time_delta: since the stream's previous frame
  std::int64_t initial_rtt_ns = 0;    // tcp.analysis.initial_rtt when has_analysis; 0 unknown
  std::uint32_t ack_base = 0;         // the peer's base sequence (relative SACK edges)
  std::uint32_t bytes_in_flight = 0;  // tcp.analysis.bytes_in_flight, when has_bytes_in_flight
  std::uint32_t push_bytes_sent = 0;  // tcp.analysis.push_bytes_sent, when has_push_bytes_sent
  std::int8_t window_scale = -1;      // the sender's scale when this frame came (kScale*, or shift)
  std::uint8_t completeness = 0;      // tcp.completeness: the stream's bits before this frame
  bool has_bytes_in_flight = false;
  bool has_push_bytes_sent = false;
  // tshark keeps analysis data for this frame (a flag, an ACKed segment or bytes in flight):
  // only then does it print tcp.analysis.initial_rtt.
  bool has_analysis = false;
  bool has_rto = false;
  bool has_ack_rtt = false;
  bool new_stream = false;       // this frame opened its stream
  bool analysis_hidden = false;  // tshark prints no analysis (header cut by the snaplen)
  Connection* connection = nullptr;
};

}  // namespace tcplens
