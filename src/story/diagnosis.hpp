// Why was this connection slow: where each direction's time went, SACK-aware bytes in flight,
// the capture's vantage point and offload, and one verdict. Rules: docs/diagnosis.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"

namespace tcplens {

struct ConnectionRecord;

// Where one direction's active time went (nanoseconds); the six sum to its active time.
struct TimeBreakdown {
  std::int64_t sending = 0;                 // data in flight, window open
  std::int64_t receive_window_limited = 0;  // in flight within one MSS of the peer's window
  std::int64_t zero_window = 0;             // the peer's window is 0
  std::int64_t loss_recovery = 0;           // first retransmission until the ACK covering it
  std::int64_t waiting_for_peer = 0;        // data unacknowledged, nothing arriving (RTO backoff)
  std::int64_t idle = 0;                    // nothing in flight, window open
  std::int64_t total() const {
    return sending + receive_window_limited + zero_window + loss_recovery + waiting_for_peer + idle;
  }
};

struct DirectionDiagnosis {
  bool carried_data = false;
  std::int64_t first_data_ns = 0;
  TimeBreakdown time;
  std::uint64_t max_in_flight = 0;  // bytes, SACKed bytes excluded
  std::uint32_t largest_segment = 0;
  std::uint64_t sack_blocks = 0;      // SACK blocks the peer sent about this direction's data
  std::uint64_t dsack_blocks = 0;     // of those, duplicate-SACK reports (RFC 2883)
  std::uint64_t holes = 0;            // gaps the SACK blocks revealed
  std::uint64_t hole_fills = 0;       // retransmissions into a revealed gap
  std::uint64_t spurious_proven = 0;  // retransmissions a D-SACK showed were not needed
  std::optional<std::int64_t> min_ack_rtt_ns;  // of this direction's data, at the capture point
};

enum class DiagnosisVerdict : std::uint8_t {
  healthy,
  refused,
  unanswered,
  peer_unreachable,
  loss_limited,
  receive_window_limited,
  zero_window_stalled,
  application_limited,
  reset,
};
std::string_view to_string(DiagnosisVerdict v);
// True for every verdict but healthy and application-limited: the troubled connections.
bool troubled(DiagnosisVerdict v);

struct Diagnosis {
  std::array<DirectionDiagnosis, 2> dir;  // client → server, server → client (by Side)
  bool above_offload = false;
  std::uint32_t largest_segment = 0;
  std::optional<int> vantage;  // Side index of the endpoint the capture was next to
  DiagnosisVerdict verdict = DiagnosisVerdict::healthy;
  std::string reason;
};

// Follows one connection frame by frame (directions by the analysis' index until finish).
class DiagnosisTracker {
 public:
  void add(const Segment& s, const Verdict& v, std::int64_t ts_ns);
  // Closes the accounting at the connection's last frame and judges. `client_direction` maps
  // the analysis' directions to sides.
  Diagnosis finish(const ConnectionRecord& record, int client_direction);

 private:
  struct Interval {
    std::uint32_t left, right;  // relative sequence space of the sender
  };
  struct Flow {
    bool started = false;
    std::uint32_t next = 0;  // highest relative sequence end sent
    std::uint32_t una = 0;   // highest relative ACK from the peer
    bool una_known = false;
    std::uint64_t peer_window = 0;
    bool peer_window_known = false;
    std::uint32_t mss = 0;  // the peer's MSS option, or the largest segment seen
    bool in_recovery = false;
    std::uint32_t recovery_point = 0;
    std::int64_t last_from_peer_ns = 0;
    std::vector<Interval> sacked;  // above una, merged, at most kMaxSackIntervals
    std::vector<Interval> holes;   // gaps revealed by SACK, not yet filled or acknowledged
    DirectionDiagnosis out;
    std::uint32_t base = 0;  // absolute sequence of relative 0 (learned from the peer's ACKs)
    bool base_known = false;
  };

  void account(std::int64_t until);
  std::uint64_t in_flight(const Flow& f) const;
  void learn_sack(Flow& f, const Segment& s, std::uint32_t ack_rel);

  Flow flow_[2];
  std::int64_t last_ns_ = 0;
  bool any_ = false;
  std::int64_t min_rtt_ns_ = 0;  // any direction, for the RTO threshold
};

}  // namespace tcplens
