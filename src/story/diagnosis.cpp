#include "story/diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <tuple>

#include "story/connection_record.hpp"
#include "story/messages.hpp"

namespace tcplens {

namespace {

constexpr std::size_t kMaxIntervals = 64;
constexpr std::size_t kMaxFlightSamples = 256;   // per direction: 2 KiB
constexpr std::int64_t kMinRtoNs = 200'000'000;  // Linux's TCP_RTO_MIN
// A resend this long after the sender's last transmission (and at least 1.5 RTT) was sent by a
// timer: Linux's shortest probe timeout is 2 × SRTT + 2 jiffies.
constexpr std::int64_t kMinTimerNs = 4'000'000;
constexpr std::int64_t kRttCapNs = std::int64_t{1} << 59;  // 18 years: products stay in range

bool rel_lt(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) < 0;
}
bool rel_le(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) <= 0;
}

// Adds [l, r) to a sorted list of disjoint intervals, merging neighbours.
template <typename Interval>
void merge_into(std::vector<Interval>& list, std::uint32_t l, std::uint32_t r) {
  if (!rel_lt(l, r)) return;
  // In place (this runs for every SACK block): the intervals before [l, r) stay, those that
  // touch it are folded into it, the rest follow.
  std::size_t first = 0;
  while (first < list.size() && rel_lt(list[first].right, l)) ++first;
  std::size_t last = first;
  while (last < list.size() && !rel_lt(r, list[last].left)) {
    if (rel_lt(list[last].left, l)) l = list[last].left;
    if (rel_lt(r, list[last].right)) r = list[last].right;
    ++last;
  }
  if (last > first) {
    list[first] = {l, r};
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(first + 1),
               list.begin() + static_cast<std::ptrdiff_t>(last));
  } else {
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(first), Interval{l, r});
  }
  if (list.size() > kMaxIntervals) {
    list.erase(list.begin(), list.end() - static_cast<std::ptrdiff_t>(kMaxIntervals));
  }
}

double share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

double sec(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

std::int64_t capped(std::int64_t rtt) {
  return std::min(rtt, kRttCapNs);
}

const char* side_name(int i) {
  return i == 0 ? "client" : "server";
}

}  // namespace

std::string_view to_string(DiagnosisVerdict v) {
  switch (v) {
    case DiagnosisVerdict::healthy:
      return "healthy";
    case DiagnosisVerdict::refused:
      return "refused";
    case DiagnosisVerdict::unanswered:
      return "unanswered";
    case DiagnosisVerdict::peer_unreachable:
      return "peer-unreachable";
    case DiagnosisVerdict::loss_limited:
      return "loss-limited";
    case DiagnosisVerdict::receive_window_limited:
      return "receive-window-limited";
    case DiagnosisVerdict::zero_window_stalled:
      return "zero-window-stalled";
    case DiagnosisVerdict::sender_limited:
      return "sender-limited";
    case DiagnosisVerdict::ecn_limited:
      return "ecn-limited";
    case DiagnosisVerdict::application_limited:
      return "application-limited";
  }
  return "healthy";
}

std::string_view to_string(StallCause c) {
  switch (c) {
    case StallCause::tail_loss_probe:
      return "tail-loss-probe";
    case StallCause::retransmission_timeout:
      return "retransmission-timeout";
    case StallCause::zero_window:
      return "zero-window";
    case StallCause::receive_window:
      return "receive-window";
    case StallCause::peer_silent:
      return "peer-silent";
    case StallCause::application:
      return "application";
    case StallCause::handshake:
      return "handshake";
  }
  return "application";
}

std::string_view to_string(Ending e) {
  switch (e) {
    case Ending::open:
      return "open";
    case Ending::fin:
      return "fin";
    case Ending::rst_after_fin:
      return "rst-after-fin";
    case Ending::rst:
      return "rst";
  }
  return "open";
}

bool troubled(DiagnosisVerdict v) {
  return v != DiagnosisVerdict::healthy && v != DiagnosisVerdict::application_limited;
}

std::uint64_t DiagnosisTracker::in_flight(const Flow& f) const {
  std::uint32_t una = f.una_known ? f.una : 1;
  if (!rel_lt(una, f.next)) return 0;
  std::uint64_t outstanding = f.next - una;
  std::uint64_t sacked = 0;
  for (const auto& iv : f.sacked) {
    if (rel_le(iv.right, una)) continue;
    std::uint32_t l = rel_lt(iv.left, una) ? una : iv.left;
    sacked += iv.right - l;
  }
  return outstanding > sacked ? outstanding - sacked : 0;
}

bool DiagnosisTracker::handshake_timed() const {
  return syn_ns_ != kNever && synack_ns_ != kNever && hs_ack_ns_ != kNever &&
         syn_ns_ <= synack_ns_ && synack_ns_ <= hs_ack_ns_;
}

std::int64_t DiagnosisTracker::rtt() const {
  const auto& a = flow_[0].out.min_ack_rtt_ns;
  const auto& b = flow_[1].out.min_ack_rtt_ns;
  // Each direction's data to its ACK covers the part of the path beyond the capture point.
  const std::int64_t acks = capped(a.value_or(0)) + capped(b.value_or(0));
  if (handshake_timed()) {
    // SYN to the handshake's ACK is a whole round trip wherever the capture is, but a slow
    // accept can stretch it: ACK RTTs that are a real part of it (not the near end's) and
    // shorter win.
    const std::int64_t hs = capped(hs_ack_ns_ - syn_ns_);
    const std::int64_t far = std::max(capped(a.value_or(0)), capped(b.value_or(0)));
    return std::min(far > hs / 10 && acks < hs ? acks : hs, kRttCapNs >> 4);
  }
  // At most 2^55 ns (a year): thresholds of ten round trips stay in range.
  return std::min(acks, kRttCapNs >> 4);
}

std::int64_t DiagnosisTracker::silent_from(const Flow& f) {
  return std::max({f.last_from_peer_ns, f.last_timer_ns, f.outstanding_since_ns});
}

std::int64_t DiagnosisTracker::stall_threshold() const {
  return std::max(kMinRtoNs, 2 * rtt());
}

int DiagnosisTracker::near_dir() const {
  if (handshake_timed()) {
    const std::int64_t leg1 = synack_ns_ - syn_ns_, leg2 = hs_ack_ns_ - synack_ns_;
    if (leg2 < leg1 / 10 && leg1 > 1'000'000) return syn_dir_;
    if (leg1 < leg2 / 10 && leg2 > 1'000'000) return 1 - syn_dir_;
  }
  const auto& r0 = flow_[0].out.min_ack_rtt_ns;  // direction 0's data, acknowledged by 1
  const auto& r1 = flow_[1].out.min_ack_rtt_ns;
  if (r0 && r1) {
    // In double: an RTT from timestamps decades apart (a damaged capture) times 10 would
    // overflow int64_t.
    const double a = static_cast<double>(*r0), b = static_cast<double>(*r1);
    if (b * 10 < a && *r0 > 1'000'000) return 0;
    if (a * 10 < b && *r1 > 1'000'000) return 1;
  }
  return -1;
}

bool DiagnosisTracker::receiver_side(int d) const {
  return near_dir() == 1 - d;
}

void DiagnosisTracker::add_stall(int from, std::int64_t start, std::int64_t end, StallCause cause) {
  if (end - start <= stall_threshold()) return;
  ++stalls_total_;
  if (stalls_.size() < kMaxStalls) stalls_.push_back({from, start, end - start, cause});
}

void DiagnosisTracker::flush_pending(Flow& f, bool timer_driven) {
  TimeBreakdown& t = f.out.time;
  const TimeBreakdown& p = f.pending;
  t.zero_window += p.zero_window;
  if (timer_driven) {
    // Everything since the last transmission was the wait for the timer: loss time.
    t.retransmission_timer += p.total() - p.zero_window;
  } else {
    t.sending += p.sending;
    t.receive_window_limited += p.receive_window_limited;
    t.loss_recovery += p.loss_recovery;
    t.retransmission_timer += p.retransmission_timer;
    t.waiting_for_peer += p.waiting_for_peer;
    t.idle += p.idle;
  }
  f.pending = TimeBreakdown{};
}

void DiagnosisTracker::account(std::int64_t until) {
  const std::int64_t dt = until - last_ns_;
  if (dt <= 0) return;
  // The RTT is capped at 2^59 ns (18 years) first: four times a larger one (timestamps decades
  // apart in a damaged capture) would overflow, and so would last_from_peer_ns + threshold.
  const std::int64_t threshold = std::max(kMinRtoNs, 4 * capped(min_rtt_ns_));
  const std::int64_t round_trip = rtt();
  for (int d = 0; d < 2; ++d) {
    Flow& f = flow_[d];
    if (!f.started) continue;
    TimeBreakdown& t = f.pending;
    std::uint64_t flight = in_flight(f);
    if (f.peer_window_known && f.peer_window == 0) {
      t.zero_window += dt;
    } else if (flight > 0) {
      // Past an RTO with nothing from the peer (since the data went out, or the last timer
      // resend), the sender is only waiting.
      std::int64_t wait_from = std::max(silent_from(f) + threshold, last_ns_);
      std::int64_t waiting = std::clamp<std::int64_t>(until - wait_from, 0, dt);
      t.waiting_for_peer += waiting;
      std::int64_t rest = dt - waiting;
      if (f.in_recovery) {
        t.loss_recovery += rest;
      } else if (scale_known_ && f.peer_window_known &&
                 flight + std::max<std::uint32_t>(f.out.largest_segment, 536) >= f.peer_window) {
        // Less room than a segment of the size this sender sends (not the MSS option: 65495
        // on loopback, more than most windows).
        t.receive_window_limited += rest;
      } else {
        t.sending += rest;
      }
    } else if (receiver_side(d)) {
      // Next to the receiver everything is acknowledged as it arrives; for a round trip after
      // the last data the sender's ACK clock is still on the way, so it is still sending.
      std::int64_t clock = std::clamp<std::int64_t>(f.last_tx_ns + round_trip - last_ns_, 0, dt);
      t.sending += clock;
      t.idle += dt - clock;
    } else {
      t.idle += dt;
    }
  }
}

void DiagnosisTracker::note_hole(Flow& f, std::uint32_t left, std::uint32_t right) {
  if (!rel_lt(left, right)) return;
  // One hole is followed as it shrinks: a gap overlapping a known hole is that hole.
  for (Hole& h : f.holes) {
    if (rel_lt(left, h.right) && rel_lt(h.left, right)) {
      h.left = left;
      h.right = right;
      return;
    }
  }
  ++f.out.holes;
  auto at = std::find_if(f.holes.begin(), f.holes.end(),
                         [&](const Hole& h) { return rel_lt(left, h.left); });
  f.holes.insert(at, Hole{left, right, false});
  if (f.holes.size() > kMaxIntervals) f.holes.erase(f.holes.begin());
}

void DiagnosisTracker::learn_sack(Flow& f, const Segment& s, std::uint32_t ack_rel) {
  if (s.options.sack_count == 0 || !f.base_known) return;
  for (std::uint8_t i = 0; i < s.options.sack_count; ++i) {
    std::uint32_t l = s.options.sack[i].left - f.base;
    std::uint32_t r = s.options.sack[i].right - f.base;
    bool dsack = i == 0 && (rel_lt(l, ack_rel) || (s.options.sack_count > 1 &&
                                                   rel_le(s.options.sack[1].left - f.base, l) &&
                                                   rel_le(r, s.options.sack[1].right - f.base)));
    if (dsack) {
      // RFC 2883: the receiver got these bytes twice; a resend of them was not needed.
      ++f.out.dsack_blocks;
      if (f.out.data_resends > 0 || f.in_recovery) ++f.out.spurious_proven;
      continue;
    }
    ++f.out.sack_blocks;
    merge_into(f.sacked, l, r);
  }
  // Gaps between the cumulative ACK and the SACKed ranges: holes the peer is missing.
  std::uint32_t from = ack_rel;
  bool any = false;
  for (const auto& iv : f.sacked) {
    if (rel_le(iv.right, from)) continue;
    if (rel_lt(from, iv.left)) {
      note_hole(f, from, iv.left);
      any = true;
    }
    from = iv.right;
  }
  if (any && !f.in_recovery) {
    // The receiver has shown data missing: the sender knows of a loss from here on.
    f.in_recovery = true;
    f.recovery_point = f.next;
  }
}

void DiagnosisTracker::send_data(int d, const Segment& s, const Verdict& v, std::int64_t ts) {
  Flow& f = flow_[d];
  // Data in a SYN (TCP Fast Open) follows the SYN's own sequence number.
  const std::uint32_t start = v.rel_seq + (s.has(tcp_flag::syn) ? 1 : 0);
  const std::uint32_t end = start + s.payload_len;
  const std::int64_t threshold = stall_threshold();
  if (!f.started) {
    f.started = true;
    f.out.carried_data = true;
    f.out.first_data_ns = ts;
    if (f.last_from_peer_ns == kNever) f.last_from_peer_ns = ts;
  }
  f.out.last_data_ns = ts;
  if (in_flight(f) == 0) f.outstanding_since_ns = ts;
  const bool resend = f.next_known && rel_lt(start, f.next);
  bool timer_driven = false;
  if (resend) {
    ++f.out.data_resends;
    for (Hole& h : f.holes) {
      if (rel_le(h.left, start) && rel_lt(start, h.right)) {
        if (!h.filled) ++f.out.hole_fills;
        h.filled = true;
        break;
      }
    }
    // Timer or ACKs? A fast or RACK resend follows the peer's ACKs at once (at the sender) or
    // about a round trip after the last data (at the receiver); a probe or timeout comes after
    // at least 2 × SRTT of silence from the sender.
    const std::int64_t srtt = std::min(std::max(rtt(), f.srtt_ns), kRttCapNs >> 4);
    const std::int64_t gap = f.last_tx_ns != kNever ? ts - f.last_tx_ns : 0;
    const std::int64_t peer_gap = ts - f.last_from_peer_ns;
    // With no round trip known yet, only a wait as long as the shortest RTO counts.
    const std::int64_t min_gap = srtt > 0 ? std::max(kMinTimerNs, srtt + srtt / 2) : kMinRtoNs;
    timer_driven = gap >= min_gap && peer_gap >= std::max<std::int64_t>(srtt / 2, 1'000'000);
    if (timer_driven) {
      const bool tail = end == f.next || rel_lt(f.next, end);
      StallCause cause = StallCause::retransmission_timeout;
      if (f.timer_resends == 0) {
        // Linux probes the tail (a SACK connection not in recovery) about 2 × SRTT after the
        // last send, plus TCP_RTO_MIN when one segment is out; the RTO comes after that.
        const bool sack_ok = !scale_known_ || (flow_[0].sack_ok && flow_[1].sack_ok);
        const std::int64_t probe_max = (2 * srtt + kMinRtoNs) * 13 / 10 + 20'000'000;
        if (sack_ok && tail && !f.in_recovery && gap <= probe_max) {
          cause = StallCause::tail_loss_probe;
        }
        f.first_timer_gap_ns = gap;
        f.first_timer_probe = cause == StallCause::tail_loss_probe;
        f.first_timer_stall = SIZE_MAX;
      } else if (f.timer_resends == 1 && f.first_timer_probe &&
                 static_cast<double>(gap) >= 1.6 * static_cast<double>(f.first_timer_gap_ns)) {
        // The second wait doubled the first: both were timeouts, backing off.
        if (f.first_timer_stall < stalls_.size()) {
          stalls_[f.first_timer_stall].cause = StallCause::retransmission_timeout;
        }
        --f.out.tail_loss_probes;
        ++f.out.retransmission_timeouts;
        f.first_timer_probe = false;
      }
      if (cause == StallCause::tail_loss_probe) {
        ++f.out.tail_loss_probes;
      } else {
        ++f.out.retransmission_timeouts;
      }
      ++f.timer_resends;
      f.last_timer_ns = ts;
      const std::size_t before = stalls_.size();
      add_stall(d, f.last_tx_ns, ts, cause);
      if (f.timer_resends == 1 && stalls_.size() > before) f.first_timer_stall = before;
    }
    if (!f.in_recovery) {
      f.in_recovery = true;
      f.recovery_point = f.next;
    }
  } else if (f.next_known && rel_lt(f.next, start)) {
    // Data above a gap: what is missing below it was lost before the capture point.
    note_hole(f, f.next, start);
    if (!f.in_recovery) {
      f.in_recovery = true;
      f.recovery_point = end;
    }
  }
  if (!timer_driven && f.last_tx_ns != kNever && ts - f.last_tx_ns > threshold &&
      f.pending.receive_window_limited * 2 >= ts - f.last_tx_ns) {
    add_stall(d, f.last_tx_ns, ts, StallCause::receive_window);
  }
  // The server's answer long after the client's request, nothing of its own outstanding.
  const Flow& peer = flow_[1 - d];
  const int server_dir = syn_dir_ >= 0 ? 1 - syn_dir_ : 1;
  if (d == server_dir && !resend && peer.last_tx_ns > f.last_tx_ns && in_flight(f) == 0) {
    add_stall(d, peer.last_tx_ns, ts, StallCause::application);
  }
  flush_pending(f, timer_driven);
  if (!f.next_known || rel_lt(f.next, end)) f.next = end;
  f.next_known = true;
  f.last_tx_ns = ts;
  f.out.largest_segment = std::max(f.out.largest_segment, s.payload_len);
  const std::uint64_t flight = in_flight(f);
  f.out.max_in_flight = std::max(f.out.max_in_flight, flight);
  if (!resend && f.peer_window_known && f.flight_seen++ % f.flight_stride == 0) {
    // A bounded, evenly thinned sample, as the story keeps its RTTs.
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint32_t>::max();
    f.flights.push_back({static_cast<std::uint32_t>(std::min(flight, kMax)),
                         static_cast<std::uint32_t>(std::min(f.peer_window, kMax))});
    if (f.flights.size() >= kMaxFlightSamples) {
      for (std::size_t i = 0; i < f.flights.size() / 2; ++i) f.flights[i] = f.flights[2 * i];
      f.flights.resize(f.flights.size() / 2);
      f.flight_stride *= 2;
    }
  }
}

void DiagnosisTracker::add(const Segment& s, const Verdict& v, std::int64_t ts) {
  if (!any_) {
    any_ = true;
    last_ns_ = ts;
  }
  account(ts);
  last_ns_ = std::max(last_ns_, ts);
  const int d = v.direction;
  Flow& mine = flow_[d];        // the data this frame's sender sends
  Flow& theirs = flow_[1 - d];  // the data this frame acknowledges
  const bool syn = s.has(tcp_flag::syn);
  const bool ack = s.has(tcp_flag::ack);

  // The handshake: its round trip, resent SYNs, ECN negotiation, SACK.
  if (syn) {
    if (mine.last_syn_ns != kNever) add_stall(d, mine.last_syn_ns, ts, StallCause::handshake);
    mine.last_syn_ns = ts;
    mine.sack_ok = s.options.sack_permitted;
    if (!ack) {
      if (syn_dir_ < 0) syn_dir_ = d;
      syn_ns_ = ts;
      mine.syn_ece = s.has(tcp_flag::ece) && s.has(tcp_flag::cwr);
    } else {
      synack_ns_ = ts;
      if (syn_dir_ < 0) syn_dir_ = 1 - d;
      if (theirs.syn_ece && s.has(tcp_flag::ece) && !s.has(tcp_flag::cwr)) ecn_.negotiated = true;
      if (flow_[syn_dir_].last_syn_ns != kNever) scale_known_ = true;
    }
  } else {
    if (ack && d == syn_dir_ && synack_ns_ != kNever && hs_ack_ns_ == kNever) hs_ack_ns_ = ts;
    if (s.has(tcp_flag::ece)) ++ecn_.ece_acks;
    if (s.has(tcp_flag::cwr)) {
      ++ecn_.cwr;
      ++mine.cwr_sent;
    }
  }
  if (s.ecn == ip_ecn::ce) ++ecn_.ce;
  if (s.has(tcp_flag::fin) && fin_ns_ == kNever) fin_ns_ = ts;
  if (s.has(tcp_flag::rst) && rst_ns_ == kNever) rst_ns_ = ts;

  // As the receiver of the other side's data: its progress, window and SACKs.
  if (theirs.started && !syn) {
    // The peer was silent with this side's data outstanding and no timer explains it.
    if (in_flight(theirs) > 0 && theirs.zero_since_ns == kNever) {
      add_stall(1 - d, silent_from(theirs), ts, StallCause::peer_silent);
    }
  }
  theirs.last_from_peer_ns = ts;
  if (ack) {
    theirs.base = s.ack - v.rel_ack;
    theirs.base_known = true;
    if (!theirs.una_known || rel_lt(theirs.una, v.rel_ack)) {
      theirs.una = v.rel_ack;
      theirs.una_known = true;
      theirs.timer_resends = 0;
      auto below = [&](const Interval& iv) { return rel_le(iv.right, theirs.una); };
      theirs.sacked.erase(std::remove_if(theirs.sacked.begin(), theirs.sacked.end(), below),
                          theirs.sacked.end());
      theirs.holes.erase(std::remove_if(theirs.holes.begin(), theirs.holes.end(),
                                        [&](const Hole& h) { return rel_le(h.right, theirs.una); }),
                         theirs.holes.end());
      for (Hole& h : theirs.holes) {
        if (rel_lt(h.left, theirs.una)) h.left = theirs.una;
      }
      if (theirs.in_recovery && rel_le(theirs.recovery_point, theirs.una)) {
        theirs.in_recovery = false;
      }
    }
    learn_sack(theirs, s, v.rel_ack);
  }
  if (!s.has(tcp_flag::rst)) {
    theirs.peer_window = v.window;
    theirs.peer_window_known = true;
    if (!syn) theirs.peer_window_max = std::max<std::uint64_t>(theirs.peer_window_max, v.window);
    if (!syn && !s.has(tcp_flag::fin)) {
      if (v.window == 0 && theirs.zero_since_ns == kNever) {
        theirs.zero_since_ns = ts;
      } else if (v.window != 0 && theirs.zero_since_ns != kNever) {
        if (theirs.started) add_stall(1 - d, theirs.zero_since_ns, ts, StallCause::zero_window);
        theirs.zero_since_ns = kNever;
      }
    }
  }
  if (syn && s.options.mss) theirs.mss = s.options.mss;
  if (v.has_ack_rtt && !v.analysis_hidden && v.ack_rtt_ns > 0) {
    auto& m = theirs.out.min_ack_rtt_ns;
    m = m ? std::min(*m, v.ack_rtt_ns) : v.ack_rtt_ns;
    min_rtt_ns_ = min_rtt_ns_ == 0 ? v.ack_rtt_ns : std::min(min_rtt_ns_, v.ack_rtt_ns);
    const std::int64_t x = capped(v.ack_rtt_ns);
    theirs.srtt_ns = theirs.srtt_ns == 0 ? x : theirs.srtt_ns + (x - theirs.srtt_ns) / 8;
  }

  // As the sender of its own data.
  const bool keep_alive = (v.flags & analysis_flag::keep_alive) != 0;
  if (s.payload_len > 0 && !keep_alive) send_data(d, s, v, ts);
}

namespace {

// "1 SYN", "2 SYNs": the reasons are English, counted by English's plural rule.
std::string counted(std::uint64_t n, std::string_view one, std::string_view other) {
  return fmt::format("{} {}", n, catalogue(Language::en).is_singular(n) ? one : other);
}

// "0.241 s"; below a millisecond to the microsecond ("0.000412 s"), not "0.000 s".
std::string seconds(std::int64_t ns) {
  return ns > 0 && ns < 500'000 ? fmt::format("{:.6f} s", sec(ns))
                                : fmt::format("{:.3f} s", sec(ns));
}

// The non-zero counts, joined by ", ": "1 tail-loss probe", not "1 tail-loss probe, 0 timeouts".
std::string nonzero_counts(
    std::initializer_list<std::tuple<std::uint64_t, std::string_view, std::string_view>> counts) {
  std::string out;
  for (const auto& [n, one, other] : counts) {
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += counted(n, one, other);
  }
  return out;
}

FlightSummary summarize(std::vector<std::uint64_t> flights, std::vector<std::uint64_t> windows) {
  FlightSummary out;
  out.samples = flights.size();
  if (flights.empty()) return out;
  std::sort(flights.begin(), flights.end());
  std::sort(windows.begin(), windows.end());
  out.median = flights[flights.size() / 2];
  out.p90 = flights[flights.size() * 9 / 10];
  out.max = flights.back();
  out.peer_window_median = windows[windows.size() / 2];
  const auto at_max = std::count(flights.begin(), flights.end(), out.max);
  out.at_max_share = static_cast<double>(at_max) / static_cast<double>(flights.size());
  return out;
}

// "the client", "the server".
std::string the(int side) {
  return std::string("the ") + side_name(side);
}

}  // namespace

Diagnosis DiagnosisTracker::finish(const ConnectionRecord& r, int client_direction) {
  Diagnosis out;
  const int c = client_direction < 0 ? 0 : client_direction;
  auto side_of = [&](int dir) { return dir == c ? 0 : 1; };
  // The ends: outstanding data the peer never acknowledged, a window still shut.
  for (int d = 0; d < 2; ++d) {
    Flow& f = flow_[d];
    if (!f.started) continue;
    if (f.zero_since_ns != kNever) {
      add_stall(d, f.zero_since_ns, last_ns_, StallCause::zero_window);
    } else if (in_flight(f) > 0) {
      add_stall(d, silent_from(f), last_ns_, StallCause::peer_silent);
    }
    flush_pending(f, false);
  }
  for (int d = 0; d < 2; ++d) {
    Flow& f = flow_[d];
    std::vector<std::uint64_t> fl, win;
    fl.reserve(f.flights.size());
    win.reserve(f.flights.size());
    for (const auto& x : f.flights) {
      fl.push_back(x.flight);
      win.push_back(x.peer_window);
    }
    f.out.flight = summarize(std::move(fl), std::move(win));
    f.out.bytes = f.next_known ? f.next - 1 : 0;
    if (!scale_known_ && f.peer_window_max > 0 && f.out.max_in_flight > f.peer_window_max) {
      // The peer let this much be in flight: its raw window was scaled by at least 2^k.
      int k = 1;
      while (k < 14 && (f.peer_window_max << k) < f.out.max_in_flight) ++k;
      f.out.window_scale_at_least = k;
    }
  }
  out.dir[0] = flow_[c].out;
  out.dir[1] = flow_[1 - c].out;
  out.window_scale_known = scale_known_;
  out.ecn = ecn_;
  if (const std::int64_t rt = rtt(); rt > 0) out.rtt_ns = rt;
  std::stable_sort(stalls_.begin(), stalls_.end(),
                   [](const Stall& a, const Stall& b) { return a.start_ns < b.start_ns; });
  for (Stall& st : stalls_) st.from = side_of(st.from);
  out.stalls = stalls_;
  out.stalls_total = stalls_total_;
  // The negotiated MSS: the smaller of the two SYNs' options (either, if only one was seen).
  std::uint32_t mss = 0;
  for (const Flow& f : flow_) {
    if (f.mss != 0) mss = mss == 0 ? f.mss : std::min(mss, f.mss);
  }
  for (int i = 0; i < 2; ++i) {
    out.largest_segment = std::max(out.largest_segment, out.dir[i].largest_segment);
  }
  // A segment larger than that was cut into MSS-sized ones below the capture point.
  out.above_offload = mss != 0 && out.largest_segment > mss;
  if (const int near = near_dir(); near >= 0) out.vantage = side_of(near);

  // How it ended: a sentence of its own, apart from the verdict.
  const int closer = r.closed_by ? index(*r.closed_by) : 0;
  if (rst_ns_ != kNever) {
    out.ending = fin_ns_ != kNever && fin_ns_ <= rst_ns_ ? Ending::rst_after_fin : Ending::rst;
  } else if (fin_ns_ != kNever) {
    out.ending = Ending::fin;
  }
  switch (out.ending) {
    case Ending::open:
      out.ending_text = "It was still open at the end of the capture.";
      break;
    case Ending::fin:
      out.ending_text = fmt::format("{} closed it with a FIN.", the(closer));
      out.ending_text[0] = 'T';
      break;
    case Ending::rst_after_fin:
      out.ending_text = fmt::format(
          "It ended with a RST after the FIN{}, a usual teardown (a TLS close_notify, FIN and "
          "RST is one), not a failure.",
          r.closed_by ? fmt::format(" from {}", the(closer)) : std::string());
      break;
    case Ending::rst: {
      std::uint64_t unacked = 0;
      for (const auto& side : r.side)
        unacked += side.bytes - std::min(side.bytes, side.acked_bytes);
      out.ending_text = fmt::format("{} aborted it with a RST, no FIN before it{}.", the(closer),
                                    unacked ? fmt::format(", {} bytes unacknowledged", unacked)
                                            : std::string(", all data acknowledged"));
      out.ending_text[0] = 'T';
      break;
    }
  }

  // The verdict: refusals first, then the cause that cost the most time (docs/diagnosis.md).
  auto active = [&](int i) { return out.dir[i].time.total(); };
  const std::int64_t round_trip = out.rtt_ns.value_or(0);
  // No handshake: the window scale is unknown, and never read into a window limit.
  auto done = [&]() -> Diagnosis& {
    for (int i = 0; i < 2; ++i) {
      if (!out.dir[i].window_scale_at_least) continue;
      out.reason += fmt::format(
          " The window scale is unknown (no handshake seen); the {}'s flight of {} bytes shows "
          "the {}'s scale was at least {} (×{}).",
          side_name(i), out.dir[i].max_in_flight, side_name(1 - i),
          *out.dir[i].window_scale_at_least, 1 << *out.dir[i].window_scale_at_least);
    }
    return out;
  };
  if (r.state == ConnectionState::refused) {
    out.verdict = DiagnosisVerdict::refused;
    out.reason = fmt::format(
        "The SYN was answered by a RST after {:.6f} s: nothing listened on "
        "the port.",
        sec(r.end_ns - r.start_ns));
    return done();
  }
  if (r.state == ConnectionState::unanswered) {
    out.verdict = DiagnosisVerdict::unanswered;
    out.reason =
        fmt::format("{} over {:.3f} s got no reply.", counted(r.client().syns_sent, "SYN", "SYNs"),
                    sec(r.end_ns - r.start_ns));
    return done();
  }
  for (int i = 0; i < 2; ++i) {
    const Flow& f = flow_[i == 0 ? c : 1 - c];
    const TimeBreakdown& t = out.dir[i].time;
    const std::int64_t waited = t.retransmission_timer + t.waiting_for_peer;
    if (f.started && in_flight(f) > 0 && f.timer_resends >= 2 && share(waited, active(i)) >= 0.5) {
      out.verdict = DiagnosisVerdict::peer_unreachable;
      out.reason = fmt::format(
          "The {}'s data from seq {} was never acknowledged: sent {} times with the timer "
          "backing off, {:.3f} s of its {:.3f} s waiting for a peer that stayed silent.",
          side_name(i), f.una_known ? f.una : 1, f.timer_resends + 1, sec(waited), sec(active(i)));
      return done();
    }
  }
  struct Candidate {
    DiagnosisVerdict verdict;
    int dir;
    std::int64_t cost;
  };
  // The time each cause cost; among those past their share, the costliest is the verdict.
  std::optional<Candidate> best;
  for (int i = 0; i < 2; ++i) {
    const DirectionDiagnosis& x = out.dir[i];
    if (!x.carried_data) continue;
    const TimeBreakdown& t = x.time;
    const bool lost = x.data_resends > 0 || x.holes > 0;
    const Candidate cands[] = {
        {DiagnosisVerdict::zero_window_stalled, i, t.zero_window},
        {DiagnosisVerdict::loss_limited, i,
         lost ? t.loss_recovery + t.retransmission_timer + t.waiting_for_peer : 0},
        {DiagnosisVerdict::receive_window_limited, i, scale_known_ ? t.receive_window_limited : 0},
    };
    const double needed[] = {0.10, 0.05, 0.25};
    for (std::size_t k = 0; k < 3; ++k) {
      if (cands[k].cost <= 0 || share(cands[k].cost, active(i)) < needed[k]) continue;
      if (!best || cands[k].cost > best->cost) best = cands[k];
    }
  }
  if (best) {
    out.verdict = best->verdict;
    const int i = best->dir;
    const DirectionDiagnosis& x = out.dir[i];
    const TimeBreakdown& t = x.time;
    const char* who = side_name(i);
    const char* peer = side_name(1 - i);
    const double total = sec(active(i));
    const double pct = 100 * share(best->cost, active(i));
    switch (best->verdict) {
      case DiagnosisVerdict::zero_window_stalled:
        out.reason = fmt::format(
            "The {}'s window was zero for {:.3f} s of the {}'s {:.3f} s of "
            "sending ({:.0f} %): the receiving application did not read.",
            peer, sec(t.zero_window), who, total, pct);
        break;
      case DiagnosisVerdict::loss_limited: {
        const bool at_receiver = out.vantage && *out.vantage == 1 - i;
        const std::string timers =
            nonzero_counts({{x.tail_loss_probes, "tail-loss probe", "tail-loss probes"},
                            {x.retransmission_timeouts, "timeout", "timeouts"}});
        const std::pair<std::int64_t, std::string> spent[] = {
            {t.loss_recovery, seconds(t.loss_recovery) + " recovering"},
            {t.retransmission_timer,
             fmt::format("{} waiting for retransmission timers{}", seconds(t.retransmission_timer),
                         timers.empty() ? std::string() : fmt::format(" ({})", timers))},
            {t.waiting_for_peer, seconds(t.waiting_for_peer) + " with the peer silent"},
        };
        // Only the parts that took time: at least the millisecond shown, or, when the whole
        // loss is shorter, any.
        const bool any_ms = std::any_of(std::begin(spent), std::end(spent),
                                        [](const auto& x) { return x.first >= 500'000; });
        std::string parts;
        for (const auto& [ns, text] : spent) {
          if (ns < (any_ms ? 500'000 : 1)) continue;
          if (!parts.empty()) parts += ", ";
          parts += text;
        }
        out.reason = fmt::format(
            "The {} lost {} of its {} ({:.0f} %) to loss: {}; {}{}.", who, seconds(best->cost),
            seconds(active(i)), pct, parts,
            nonzero_counts(
                {{x.data_resends, "data resend", "data resends"}, {x.holes, "hole", "holes"}}),
            at_receiver ? " (captured next to the receiver: the gaps and their late fills show "
                          "the losses)"
                        : "");
        break;
      }
      default:
        out.reason = fmt::format(
            "The {} had the {}'s whole advertised window in flight for "
            "{:.3f} s of {:.3f} s ({:.0f} %): the receiver's window, not the "
            "network, set the pace.",
            who, peer, sec(t.receive_window_limited), total, pct);
        break;
    }
    return done();
  }
  // The main data direction: the one that sent more.
  bool any_data = out.dir[0].carried_data || out.dir[1].carried_data;
  int main_dir = out.dir[1].bytes > out.dir[0].bytes ? 1 : 0;
  if (!out.dir[main_dir].carried_data) main_dir = 1 - main_dir;
  const DirectionDiagnosis& m = out.dir[main_dir];
  const bool lost = m.data_resends > 0 || m.holes > 0;
  const Flow& mf = flow_[main_dir == 0 ? c : 1 - c];
  if (any_data && ecn_.negotiated && mf.cwr_sent > 0 && ecn_.ece_acks > 0 && !lost) {
    out.verdict = DiagnosisVerdict::ecn_limited;
    out.reason = fmt::format(
        "No loss, but the path marked congestion: {} seen, {} echoing them (ECE), and the {} "
        "cut its window {} (CWR) over {:.3f} s of sending.",
        counted(ecn_.ce, "CE-marked packet", "CE-marked packets"),
        counted(ecn_.ece_acks, "ACK", "ACKs"), side_name(main_dir),
        counted(mf.cwr_sent, "time", "times"), sec(active(main_dir)));
    return done();
  }
  const std::int64_t data_span = m.last_data_ns - m.first_data_ns;
  const FlightSummary& fl = m.flight;
  const bool at_receiver = out.vantage && *out.vantage == 1 - main_dir;
  if (any_data && !lost && !at_receiver && scale_known_ && round_trip >= 1'000'000 &&
      data_span >= 8 * round_trip && fl.samples >= 20 && fl.median > 0 &&
      fl.median * 2 <= fl.peer_window_median && fl.p90 <= 3 * fl.median &&
      share(m.time.idle, active(main_dir)) < 0.5) {
    // No loss and the window far open for many round trips, yet the flight stayed put: the
    // sender held itself back (send buffer, congestion window clamp, pacing).
    out.verdict = DiagnosisVerdict::sender_limited;
    const double rate = static_cast<double>(fl.median) / sec(round_trip);
    // The payload of a full segment (the MSS less the options), unless offload merged them.
    const std::uint32_t seg = out.above_offload ? mss : m.largest_segment;
    std::string shape;
    if (seg > 0 && fl.max % seg == 0 && fl.at_max_share >= 0.2) {
      shape = fmt::format(
          " The flight sat at exactly {} × {} bytes = {} in {:.0f} % of the sends: a congestion "
          "window clamped at {} segments (e.g. a route's `cwnd lock`) looks like this.",
          fl.max / seg, seg, fl.max, 100 * fl.at_max_share, fl.max / seg);
    } else {
      shape = fmt::format(
          " The flight varied (up to {} bytes) without a fixed segment count: the send buffer "
          "or pacing, more likely than a congestion window clamp.",
          fl.max);
    }
    out.reason = fmt::format(
        "The {} kept a steady {} bytes in flight (90th percentile {}) against a receive window "
        "of {} bytes, with no loss, over {:.3f} s ({:.0f} round trips of {:.3f} s): {} bytes "
        "per round trip is {:.0f} bytes/s.{}",
        side_name(main_dir), fl.median, fl.p90, fl.peer_window_median, sec(data_span),
        static_cast<double>(data_span) / static_cast<double>(round_trip), sec(round_trip),
        fl.median, rate, shape);
    return done();
  }
  const std::int64_t idle = m.time.idle;
  const double idle_share = share(idle, active(main_dir));
  const std::int64_t long_idle = std::max(kMinRtoNs, 10 * round_trip);
  if (!any_data || (idle_share >= 0.5 && idle >= long_idle)) {
    out.verdict = DiagnosisVerdict::application_limited;
    out.reason =
        any_data
            ? fmt::format(
                  "The {} had nothing in flight for {:.3f} s of its {:.3f} s ({:.0f} %; {}): the "
                  "application had nothing more to send.",
                  side_name(main_dir), sec(idle), sec(active(main_dir)), 100 * idle_share,
                  round_trip > 0
                      ? fmt::format("{:.0f} round trips of {:.6f} s",
                                    static_cast<double>(idle) / static_cast<double>(round_trip),
                                    sec(round_trip))
                      : std::string("round trip unknown"))
            : "No data was sent: the connection only carried its handshake, "
              "keep-alives or its close.";
    return done();
  }
  out.verdict = DiagnosisVerdict::healthy;
  out.reason = fmt::format(
      "No stall: the {} had data in flight with the window open for {:.0f} % "
      "of its {:.3f} s{}{}.",
      side_name(main_dir), 100 * share(m.time.sending, active(main_dir)), sec(active(main_dir)),
      m.data_resends ? fmt::format(", {} costing {:.3f} s",
                                   counted(m.data_resends, "data resend", "data resends"),
                                   sec(m.time.loss_recovery + m.time.retransmission_timer))
                     : std::string(", no loss"),
      std::string());
  return done();
}

}  // namespace tcplens
