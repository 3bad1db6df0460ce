// Why was this connection slow: where each direction's time went, SACK-aware bytes in flight,
// the capture's vantage point and offload, and one verdict. Rules: docs/diagnosis.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"

namespace tcplens {

struct ConnectionRecord;

// Where one direction's active time went (nanoseconds); the seven sum to its active time.
struct TimeBreakdown {
  std::int64_t sending = 0;                 // data in flight, window open
  std::int64_t receive_window_limited = 0;  // in flight within one MSS of the peer's window
  std::int64_t zero_window = 0;             // the peer's window is 0
  std::int64_t loss_recovery = 0;           // loss known until the ACK covering it
  std::int64_t retransmission_timer = 0;    // last send until a timer-driven resend (TLP, RTO)
  std::int64_t waiting_for_peer = 0;        // data unacknowledged, nothing arriving (RTO backoff)
  std::int64_t idle = 0;                    // nothing in flight, window open
  std::int64_t total() const {
    return sending + receive_window_limited + zero_window + loss_recovery + retransmission_timer +
           waiting_for_peer + idle;
  }
};

// Why a direction's data stood still (docs/diagnosis.md, "Stalls").
enum class StallCause : std::uint8_t {
  tail_loss_probe,
  retransmission_timeout,
  zero_window,
  receive_window,
  peer_silent,
  application,
  handshake,
};
std::string_view to_string(StallCause c);

// A pause longer than max(200 ms, 2 × RTT) with data outstanding or wanted.
struct Stall {
  int from = 0;  // the side whose data stood still (analysis direction until finish, then Side)
  std::int64_t start_ns = 0;
  std::int64_t duration_ns = 0;
  StallCause cause = StallCause::application;
};

// RFC 3168 ECN as seen at the capture point.
struct EcnCounts {
  bool negotiated = false;     // SYN with ECE+CWR answered by a SYN/ACK with ECE
  std::uint64_t ce = 0;        // packets whose IP header says congestion experienced
  std::uint64_t ece_acks = 0;  // segments with ECE, handshake excluded
  std::uint64_t cwr = 0;       // segments with CWR, handshake excluded
};

// Bytes in flight after each new data segment, as a bounded, evenly thinned sample.
struct FlightSummary {
  std::uint64_t median = 0, p90 = 0, max = 0;
  std::uint64_t peer_window_median = 0;  // the peer's advertised window at those sends
  double at_max_share = 0;               // share of the sends with exactly `max` in flight
  std::uint64_t samples = 0;
};

struct DirectionDiagnosis {
  bool carried_data = false;
  std::int64_t first_data_ns = 0;
  std::int64_t last_data_ns = 0;
  TimeBreakdown time;
  std::uint64_t max_in_flight = 0;  // bytes, SACKed bytes excluded
  std::uint32_t largest_segment = 0;
  std::uint64_t bytes = 0;            // highest relative sequence reached
  std::uint64_t sack_blocks = 0;      // SACK blocks the peer sent about this direction's data
  std::uint64_t dsack_blocks = 0;     // of those, duplicate-SACK reports (RFC 2883)
  std::uint64_t holes = 0;            // gaps below data already received, each counted once
  std::uint64_t hole_fills = 0;       // of those, holes a resend went into
  std::uint64_t spurious_proven = 0;  // retransmissions a D-SACK showed were not needed
  std::uint64_t data_resends = 0;  // data segments starting below the highest sequence seen before
  std::uint64_t tail_loss_probes = 0;
  std::uint64_t retransmission_timeouts = 0;
  std::optional<std::int64_t> min_ack_rtt_ns;  // of this direction's data, at the capture point
  FlightSummary flight;
  // No handshake seen, so the peer's window scale is unknown: the scale the flight proves.
  std::optional<int> window_scale_at_least;
};

enum class DiagnosisVerdict : std::uint8_t {
  healthy,
  refused,
  unanswered,
  peer_unreachable,
  loss_limited,
  receive_window_limited,
  zero_window_stalled,
  sender_limited,
  ecn_limited,
  application_limited,
};
std::string_view to_string(DiagnosisVerdict v);
// True for every verdict but healthy and application-limited: the troubled connections.
bool troubled(DiagnosisVerdict v);

// How the connection ended, apart from why it was slow.
enum class Ending : std::uint8_t {
  open,           // neither FIN nor RST seen
  fin,            // FINs (one or both) and no RST
  rst_after_fin,  // a RST after a FIN: a common teardown (e.g. TLS close_notify, FIN, RST)
  rst,            // a RST with no FIN before it: the connection was aborted
};
std::string_view to_string(Ending e);

struct Diagnosis {
  std::array<DirectionDiagnosis, 2> dir;  // client → server, server → client (by Side)
  bool above_offload = false;
  std::uint32_t largest_segment = 0;
  std::optional<int> vantage;          // Side index of the endpoint the capture was next to
  std::optional<std::int64_t> rtt_ns;  // the round trip used for thresholds (see docs)
  bool window_scale_known = true;      // a handshake was seen
  EcnCounts ecn;
  std::vector<Stall> stalls;  // in time order, at most kMaxStalls
  std::uint64_t stalls_total = 0;
  Ending ending = Ending::open;
  std::string ending_text;  // one sentence on how it closed
  DiagnosisVerdict verdict = DiagnosisVerdict::healthy;
  std::string reason;
};

inline constexpr std::size_t kMaxStalls = 256;
// "Not yet": capture times may be negative (pcap allows times before 1970).
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

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
  struct Hole {
    std::uint32_t left, right;
    bool filled = false;  // a resend went into it (counted once)
  };
  struct FlightSample {
    std::uint32_t flight, peer_window;  // bytes, saturated at 4 GiB
  };
  struct Flow {
    bool started = false;
    bool next_known = false;
    std::uint32_t next = 0;  // highest relative sequence end sent
    std::uint32_t una = 0;   // highest relative ACK from the peer
    bool una_known = false;
    std::uint64_t peer_window = 0;
    bool peer_window_known = false;
    std::uint32_t mss = 0;  // the peer's MSS option, or the largest segment seen
    bool in_recovery = false;
    std::uint32_t recovery_point = 0;
    std::int64_t last_from_peer_ns = kNever;
    std::int64_t last_tx_ns = kNever;     // this side's last data transmission
    std::int64_t last_data_rx_ns = 0;     // as last_tx_ns, for the receiver-side grace
    std::int64_t zero_since_ns = kNever;  // the peer's window has been 0 since
    int timer_resends = 0;                // timer-driven resends since the ACK last advanced
    std::int64_t first_timer_gap_ns = 0;
    std::size_t first_timer_stall = SIZE_MAX;  // its stall, reclassified by the second one
    bool first_timer_probe = false;            // the first one was taken for a probe
    TimeBreakdown pending;                     // accounted since last_tx_ns, not yet in out.time
    std::vector<Interval> sacked;              // above una, merged, at most kMaxIntervals
    std::vector<Hole> holes;                   // gaps below received data, not yet acknowledged
    std::vector<FlightSample> flights;
    std::uint32_t flight_stride = 1;
    std::uint64_t flight_seen = 0;
    std::int64_t srtt_ns = 0;  // smoothed ACK RTT of this direction's data (RFC 6298's α)
    DirectionDiagnosis out;
    std::uint32_t base = 0;  // absolute sequence of relative 0 (learned from the peer's ACKs)
    bool base_known = false;
    bool sent_syn = false;
    std::int64_t last_syn_ns = kNever;
    bool syn_ece = false;  // its SYN asked for ECN
    bool sack_ok = false;  // its SYN or SYN/ACK permitted SACK
    std::uint64_t cwr_sent = 0;
    std::int64_t last_timer_ns = kNever;         // its last timer-driven resend
    std::int64_t outstanding_since_ns = kNever;  // data went out with nothing else in flight
    std::uint64_t peer_window_max = 0;
  };

  void account(std::int64_t until);
  std::uint64_t in_flight(const Flow& f) const;
  void learn_sack(Flow& f, const Segment& s, std::uint32_t ack_rel);
  void note_hole(Flow& f, std::uint32_t left, std::uint32_t right);
  void flush_pending(Flow& f, bool timer_driven);
  void send_data(int d, const Segment& s, const Verdict& v, std::int64_t ts);
  void add_stall(int from, std::int64_t start, std::int64_t end, StallCause cause);
  std::int64_t rtt() const;      // the round trip for thresholds, 0 while unknown
  bool handshake_timed() const;  // SYN, SYN/ACK and the handshake's ACK seen, in order
  std::int64_t stall_threshold() const;
  // Since when the peer has been silent about data outstanding (the start of a silence).
  static std::int64_t silent_from(const Flow& f);
  bool receiver_side(int d) const;
  int near_dir() const;  // the analysis direction of the endpoint next to the capture, or -1  //
                         // the capture is next to the receiver of d's data

  Flow flow_[2];
  std::int64_t last_ns_ = 0;
  bool any_ = false;
  std::int64_t min_rtt_ns_ = 0;  // any direction, for the RTO threshold
  // The handshake's two legs: SYN → SYN/ACK and SYN/ACK → ACK (their sum is the RTT at any
  // capture point; the shorter one is near zero next to an endpoint).
  std::int64_t syn_ns_ = kNever, synack_ns_ = kNever, hs_ack_ns_ = kNever;
  int syn_dir_ = -1;
  EcnCounts ecn_;
  std::vector<Stall> stalls_;
  std::uint64_t stalls_total_ = 0;
  bool scale_known_ = false;  // SYN and SYN/ACK seen: the windows are scaled as negotiated
  std::int64_t fin_ns_ = kNever, rst_ns_ = kNever;  // the first FIN, the first RST
};

}  // namespace tcplens
