// What the story knows about one connection: the facts `tcplens summary` prints and `explain`
// narrates, gathered from the engine's per-frame verdicts.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/connection.hpp"
#include "story/diagnosis.hpp"

namespace tcplens {

// Sides of a connection: the client sent the first SYN; without a SYN, the receiver of the first
// SYN/ACK; without either, the side on the well-known or lower, listening-looking port is the
// server (roles_inferred).
enum class Side : std::uint8_t { client = 0, server = 1 };
inline int index(Side s) {
  return static_cast<int>(s);
}
inline Side other(Side s) {
  return s == Side::client ? Side::server : Side::client;
}
std::string_view to_string(Side s);

enum class ConnectionState : std::uint8_t {
  refused,      // SYN answered by RST
  unanswered,   // SYNs and no reply
  open,         // still open at the end of the capture
  half_closed,  // one FIN only
  closed,       // FIN both ways
  reset,        // ended by RST after the handshake
  midstream,    // no handshake seen, not ended
};
std::string_view to_string(ConnectionState s);

enum class RetransmissionPattern : std::uint8_t {
  fast,                     // first resend was a fast retransmission
  exponential,              // each gap about twice the one before (RTO backoff)
  linear_then_exponential,  // three or more equal gaps, then doubling (Linux SYN retries)
  single,                   // sent twice
  irregular,
};
std::string_view to_string(RetransmissionPattern p);

struct RetransmissionEpisode {
  Side from = Side::client;
  std::uint32_t seq = 0;  // relative
  std::uint32_t len = 0;
  bool syn = false;
  std::vector<std::int64_t> sends_ns;  // every transmission, the first included
  bool acked = false;
  bool first_resend_fast = false;
  // Derived by classify_episode().
  RetransmissionPattern pattern = RetransmissionPattern::irregular;
  std::optional<double> capped_s;
  // exponential: the first gap of the doubling run (0: from the first resend; 1: after a first
  // probe, e.g. a tail-loss probe); linear_then_exponential: how many equal gaps came first.
  std::size_t run_from = 0;
  std::vector<double> intervals_s() const;
};

struct ZeroWindowStall {
  Side from = Side::client;  // the side whose window was zero
  std::int64_t start_ns = 0;
  std::int64_t end_ns = -1;  // -1: never reopened within the capture
};

// Analysis flag names as tshark spells them (without "tcp.analysis."), in column order.
inline constexpr std::array<std::string_view, 14> kFlagNames{"retransmission",
                                                             "fast_retransmission",
                                                             "spurious_retransmission",
                                                             "out_of_order",
                                                             "lost_segment",
                                                             "ack_lost_segment",
                                                             "duplicate_ack",
                                                             "zero_window",
                                                             "zero_window_probe",
                                                             "zero_window_probe_ack",
                                                             "window_full",
                                                             "window_update",
                                                             "keep_alive",
                                                             "keep_alive_ack"};

// A run of new data from one side before the other side sends data: one "round" of a
// request/response conversation, with the ACK that covered it.
struct Turn {
  Side from = Side::client;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::uint32_t first_seq = 0;  // relative
  std::uint32_t end_seq = 0;    // relative, one past the last byte
  std::uint32_t segments = 0;
  std::int64_t acked_ns = -1;     // the first ACK from the peer covering the whole turn
  std::uint32_t ack = 0;          // its relative ACK number
  bool ack_with_data = false;     // that ACK rode on the peer's own data
  bool ack_in_syn = false;        // that ACK was a SYN/ACK: its window is never scaled
  std::uint32_t partial_ack = 0;  // while not all acknowledged: the highest ACK inside the turn
  std::uint16_t peer_window_raw = 0;
  std::uint64_t peer_window = 0;  // after scaling
  std::uint64_t bytes() const { return end_seq - first_seq; }
};

// The resend rule every output uses (docs/summary-json.md, `retransmissions`): a segment that takes
// sequence space (data, SYN, FIN) and starts below the highest sequence already seen in its
// direction, at whichever end of the path the capture was made (at the receiver a resend fills a
// hole, and tshark often calls it out-of-order). A one-byte segment ending at that highest
// sequence is a keep-alive or a window probe, not a resend. One per direction, in relative
// sequence numbers, wrap-safe.
struct SequenceReach {
  bool seen = false;
  std::uint32_t highest = 0;  // one past the highest sequence number seen
  // Whether the segment is a resend; its end is noted either way.
  bool resend(std::uint32_t rel_seq, std::uint32_t payload_len, bool syn, bool fin);
};

// ACK RTTs of one side's data: tshark's tcp.analysis.ack_rtt on the other side's ACKs.
struct RttStats {
  std::uint64_t samples = 0;
  std::int64_t min_ns = 0, median_ns = 0, p95_ns = 0;  // valid when samples > 0; median and p95
                                                       // of at most 4096 evenly thinned samples
};

struct SideFacts {
  Endpoint endpoint;
  bool sent_syn = false;  // a pure SYN
  bool sent_synack = false;
  std::uint32_t isn = 0;  // raw ISN of its SYN or SYN/ACK
  std::uint32_t syns_sent = 0;
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;        // distinct payload bytes (highest sequence reached)
  std::uint64_t acked_bytes = 0;  // of those, acknowledged by the peer
  std::int64_t first_fin_ns = -1;
  std::int64_t first_rst_ns = -1;
  std::uint64_t bytes_at_peer_fin = 0;  // `bytes` when the peer's first FIN was seen
  bool peer_fin_seen = false;
  std::uint32_t mss = 0;
  int window_scale = -1;
  bool sack_permitted = false;
  bool timestamps = false;
  std::uint16_t syn_window = 0;  // raw window of its SYN or SYN/ACK
  std::uint32_t syn_data = 0;    // payload bytes its SYN carried (TCP Fast Open), relative 1…N
  std::uint32_t synack_ack = 0;  // raw ACK number of its SYN/ACK
  std::uint64_t keepalives = 0;
  std::uint64_t keepalive_acks = 0;  // answers this side sent to the peer's keep-alives
  bool acked_peer = false;    // sent an ACK: proof the peer sent something (its SYN/ACK at least)
  std::uint64_t resends = 0;  // segments this side resent (SequenceReach)
  std::uint64_t resent_segments = 0;  // distinct starting sequences among them
  // Relative sequence of the first payload byte captured: 1 with a SYN seen; without one the
  // byte counts start at the first data seen (bytes_from_data_seen).
  bool bytes_from_data_seen = false;
  RttStats rtt;  // this side's data acknowledged by the peer
};

struct ConnectionRecord {
  std::uint32_t stream = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::array<SideFacts, 2> side;  // by Side
  ConnectionState state = ConnectionState::midstream;
  bool handshake = false;  // SYN and SYN/ACK seen
  std::optional<std::int64_t> handshake_rtt_ns;
  bool roles_inferred = false;        // no SYN seen: client and server guessed from the ports
  std::uint64_t retransmissions = 0;  // resends seen, both sides (SequenceReach)
  std::uint64_t retransmitted_segments = 0;  // distinct segments among them
  std::vector<RetransmissionEpisode> episodes;
  std::optional<Side> closed_by;
  bool closed_with_rst = false;
  std::vector<ZeroWindowStall> zero_window_stalls;
  std::vector<Turn> turns;  // the first kMaxTurns
  std::uint64_t turns_total = 0;
  std::array<std::uint64_t, kFlagNames.size()> flag_counts{};
  Diagnosis diagnosis;
  // Reported before the end because it stayed idle: the capture time it was released at.
  std::optional<std::int64_t> released_idle_ns;

  const SideFacts& client() const { return side[0]; }
  const SideFacts& server() const { return side[1]; }
  // The RTT that describes the path: the larger of the two sides' median ACK RTTs (at a capture
  // near one end, that end's own ACKs take microseconds), else the handshake's.
  std::optional<std::int64_t> path_rtt_ns() const;
  std::uint64_t bytes_after_first_fin() const;
};

inline constexpr std::size_t kMaxTurns = 64;

// Time of day (UTC) as tcpdump prints it: "HH:MM:SS.uuuuuu".
std::string time_of_day(std::int64_t ns);

// "addr:port", IPv6 as "[addr]:port".
std::string endpoint_text(const Endpoint& e);

// Fills pattern and capped_s from the sends and the fast flag.
void classify_episode(RetransmissionEpisode& e);

}  // namespace tcplens
