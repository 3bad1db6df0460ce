#include "story/diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "story/connection_record.hpp"

namespace tcplens {

namespace {

constexpr std::size_t kMaxIntervals = 64;
constexpr std::int64_t kMinRtoNs = 200'000'000;  // Linux's TCP_RTO_MIN

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
    case DiagnosisVerdict::application_limited:
      return "application-limited";
    case DiagnosisVerdict::reset:
      return "reset";
  }
  return "healthy";
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

void DiagnosisTracker::account(std::int64_t until) {
  const std::int64_t dt = until - last_ns_;
  if (dt <= 0) return;
  // The RTT is capped at 2^59 ns (18 years) first: four times a larger one (timestamps decades
  // apart in a damaged capture) would overflow, and so would last_from_peer_ns + threshold.
  const std::int64_t threshold =
      std::max(kMinRtoNs, 4 * std::min(min_rtt_ns_, std::int64_t{1} << 59));
  for (Flow& f : flow_) {
    if (!f.started) continue;
    TimeBreakdown& t = f.out.time;
    std::uint64_t flight = in_flight(f);
    if (f.peer_window_known && f.peer_window == 0) {
      t.zero_window += dt;
    } else if (flight > 0) {
      // Past an RTO with nothing from the peer, the sender is only waiting (backing off).
      std::int64_t wait_from = std::max(f.last_from_peer_ns + threshold, last_ns_);
      std::int64_t waiting = std::clamp<std::int64_t>(until - wait_from, 0, dt);
      t.waiting_for_peer += waiting;
      std::int64_t rest = dt - waiting;
      if (f.in_recovery) {
        t.loss_recovery += rest;
      } else if (f.peer_window_known &&
                 flight + std::max<std::uint32_t>(f.mss, 536) >= f.peer_window) {
        t.receive_window_limited += rest;
      } else {
        t.sending += rest;
      }
    } else {
      t.idle += dt;
    }
  }
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
      if (f.out.hole_fills + f.out.spurious_proven > 0 || f.in_recovery) ++f.out.spurious_proven;
      continue;
    }
    ++f.out.sack_blocks;
    merge_into(f.sacked, l, r);
  }
  // Gaps between the cumulative ACK and the SACKed ranges: holes the peer is missing.
  std::uint32_t from = ack_rel;
  for (const auto& iv : f.sacked) {
    if (rel_le(iv.right, from)) continue;
    if (rel_lt(from, iv.left)) {
      bool known = std::any_of(f.holes.begin(), f.holes.end(),
                               [&](const Interval& h) { return h.left == from; });
      if (!known) {
        ++f.out.holes;
        merge_into(f.holes, from, iv.left);
      }
    }
    from = iv.right;
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

  // As the receiver of the other side's data: its progress, window and SACKs.
  theirs.last_from_peer_ns = ts;
  if (s.has(tcp_flag::ack)) {
    theirs.base = s.ack - v.rel_ack;
    theirs.base_known = true;
    if (!theirs.una_known || rel_lt(theirs.una, v.rel_ack)) {
      theirs.una = v.rel_ack;
      theirs.una_known = true;
      auto below = [&](const Interval& iv) { return rel_le(iv.right, theirs.una); };
      theirs.sacked.erase(std::remove_if(theirs.sacked.begin(), theirs.sacked.end(), below),
                          theirs.sacked.end());
      theirs.holes.erase(std::remove_if(theirs.holes.begin(), theirs.holes.end(), below),
                         theirs.holes.end());
      if (theirs.in_recovery && rel_le(theirs.recovery_point, theirs.una)) {
        theirs.in_recovery = false;
      }
    }
    learn_sack(theirs, s, v.rel_ack);
  }
  if (!s.has(tcp_flag::rst)) {
    theirs.peer_window = v.window;
    theirs.peer_window_known = true;
  }
  if (s.has(tcp_flag::syn) && s.options.mss) theirs.mss = s.options.mss;
  if (v.has_ack_rtt && !v.analysis_hidden && v.ack_rtt_ns > 0) {
    auto& m = theirs.out.min_ack_rtt_ns;
    m = m ? std::min(*m, v.ack_rtt_ns) : v.ack_rtt_ns;
    min_rtt_ns_ = min_rtt_ns_ == 0 ? v.ack_rtt_ns : std::min(min_rtt_ns_, v.ack_rtt_ns);
  }

  // As the sender of its own data.
  const bool keep_alive = (v.flags & analysis_flag::keep_alive) != 0;
  if (s.payload_len > 0 && !keep_alive) {
    if (!mine.started) {
      mine.started = true;
      mine.out.carried_data = true;
      mine.out.first_data_ns = ts;
      if (mine.last_from_peer_ns == 0) mine.last_from_peer_ns = ts;
    }
    const std::uint32_t end = v.rel_seq + s.payload_len;
    if (rel_lt(mine.next, end) || mine.next == 0) mine.next = end;
    mine.out.largest_segment = std::max(mine.out.largest_segment, s.payload_len);
    if (v.flags & analysis_flag::any_retransmission) {
      if (!mine.in_recovery) {
        mine.in_recovery = true;
        mine.recovery_point = mine.next;
      }
      for (auto& h : mine.holes) {
        if (rel_le(h.left, v.rel_seq) && rel_lt(v.rel_seq, h.right)) {
          ++mine.out.hole_fills;
          h.left = std::min(end, h.right);  // the rest of the hole, if any, stays
          break;
        }
      }
    }
    mine.out.max_in_flight = std::max(mine.out.max_in_flight, in_flight(mine));
  }
}

Diagnosis DiagnosisTracker::finish(const ConnectionRecord& r, int client_direction) {
  Diagnosis out;
  int c = client_direction < 0 ? 0 : client_direction;
  out.dir[0] = flow_[c].out;
  out.dir[1] = flow_[1 - c].out;
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
  // Vantage: the side whose ACKs come back at once for the other's data is the near one.
  const auto& rc = out.dir[0].min_ack_rtt_ns;  // client's data, acknowledged by the server
  const auto& rs = out.dir[1].min_ack_rtt_ns;
  if (rc && rs) {
    // In double: an RTT from timestamps decades apart (a damaged capture) times 10 would
    // overflow int64_t.
    const double c_rtt = static_cast<double>(*rc), s_rtt = static_cast<double>(*rs);
    if (s_rtt * 10 < c_rtt && *rc > 1'000'000) out.vantage = 0;
    if (c_rtt * 10 < s_rtt && *rs > 1'000'000) out.vantage = 1;
  }

  // The verdict: the first rule that holds (docs/diagnosis.md).
  auto active = [&](int i) { return out.dir[i].time.total(); };
  auto side_name = [](int i) { return i == 0 ? "client" : "server"; };
  if (r.state == ConnectionState::refused) {
    out.verdict = DiagnosisVerdict::refused;
    out.reason = fmt::format(
        "The SYN was answered by a RST after {:.6f} s: nothing listened on "
        "the port.",
        static_cast<double>(r.end_ns - r.start_ns) / 1e9);
    return out;
  }
  if (r.state == ConnectionState::unanswered) {
    out.verdict = DiagnosisVerdict::unanswered;
    out.reason = fmt::format("{} SYN(s) over {:.3f} s got no reply.", r.client().syns_sent,
                             static_cast<double>(r.end_ns - r.start_ns) / 1e9);
    return out;
  }
  for (int i = 0; i < 2; ++i) {
    const Flow& f = flow_[i == 0 ? c : 1 - c];
    bool unacked_at_end = f.started && rel_lt(f.una_known ? f.una : 1, f.next);
    const RetransmissionEpisode* last = nullptr;
    for (const auto& e : r.episodes) {
      if (index(e.from) == i && !e.acked && !e.syn) last = &e;
    }
    if (unacked_at_end && last && last->sends_ns.size() >= 3 &&
        share(out.dir[i].time.waiting_for_peer, active(i)) >= 0.5) {
      out.verdict = DiagnosisVerdict::peer_unreachable;
      out.reason = fmt::format(
          "The {}'s data from seq {} was never acknowledged: sent {} times with the timer "
          "backing off, {:.3f} s of its {:.3f} s waiting for a peer that stayed silent.",
          side_name(i), last->seq, last->sends_ns.size(),
          static_cast<double>(out.dir[i].time.waiting_for_peer) / 1e9,
          static_cast<double>(active(i)) / 1e9);
      return out;
    }
  }
  if (r.state == ConnectionState::reset) {
    out.verdict = DiagnosisVerdict::reset;
    bool by_client = r.closed_by && *r.closed_by == Side::client;
    out.reason = fmt::format("The {} ended the connection with a RST after {:.3f} s.",
                             by_client ? "client" : "server",
                             static_cast<double>(r.end_ns - r.start_ns) / 1e9);
    return out;
  }
  struct Candidate {
    DiagnosisVerdict verdict;
    int dir;
    double share;
  };
  // In priority order: the first kind of stall that took its share of a direction's time.
  std::optional<Candidate> best;
  for (DiagnosisVerdict v : {DiagnosisVerdict::zero_window_stalled, DiagnosisVerdict::loss_limited,
                             DiagnosisVerdict::receive_window_limited}) {
    for (int i = 0; i < 2; ++i) {
      if (!out.dir[i].carried_data) continue;
      const TimeBreakdown& t = out.dir[i].time;
      std::int64_t part = 0;
      double threshold = 0;
      if (v == DiagnosisVerdict::zero_window_stalled) {
        part = t.zero_window;
        threshold = 0.10;
      } else if (v == DiagnosisVerdict::loss_limited) {
        if (r.retransmissions == 0) continue;
        part = t.loss_recovery + t.waiting_for_peer;
        threshold = 0.10;
      } else {
        part = t.receive_window_limited;
        threshold = 0.25;
      }
      double sh = share(part, active(i));
      if (sh >= threshold && (!best || sh > best->share)) best = Candidate{v, i, sh};
    }
    if (best) break;
  }
  if (best) {
    out.verdict = best->verdict;
    const TimeBreakdown& t = out.dir[best->dir].time;
    std::string who = best->dir == 0 ? "client" : "server";
    std::string peer = best->dir == 0 ? "server" : "client";
    double total = static_cast<double>(active(best->dir)) / 1e9;
    switch (best->verdict) {
      case DiagnosisVerdict::zero_window_stalled:
        out.reason = fmt::format(
            "The {}'s window was zero for {:.3f} s of the {}'s {:.3f} s of "
            "sending ({:.0f} %): the receiving application did not read.",
            peer, static_cast<double>(t.zero_window) / 1e9, who, total, 100 * best->share);
        break;
      case DiagnosisVerdict::loss_limited:
        out.reason = fmt::format(
            "The {} spent {:.3f} s of {:.3f} s ({:.0f} %) recovering from loss ({} "
            "retransmissions{}).",
            who, static_cast<double>(t.loss_recovery + t.waiting_for_peer) / 1e9, total,
            100 * best->share, r.retransmissions,
            out.dir[best->dir].holes
                ? fmt::format(", {} holes shown by SACK", out.dir[best->dir].holes)
                : std::string());
        break;
      default:
        out.reason = fmt::format(
            "The {} had the {}'s whole advertised window in flight for "
            "{:.3f} s of {:.3f} s ({:.0f} %): the receiver's window, not the "
            "network, set the pace.",
            who, peer, static_cast<double>(t.receive_window_limited) / 1e9, total,
            100 * best->share);
        break;
    }
    return out;
  }
  // Application-limited: the main data direction (the one that sent more) was mostly idle, or
  // no data moved at all.
  bool any_data = out.dir[0].carried_data || out.dir[1].carried_data;
  int main_dir = r.server().bytes > r.client().bytes ? 1 : 0;
  if (!out.dir[main_dir].carried_data) main_dir = 1 - main_dir;
  double idle_share = share(out.dir[main_dir].time.idle, active(main_dir));
  if (!any_data || idle_share >= 0.5) {
    out.verdict = DiagnosisVerdict::application_limited;
    out.reason = any_data ? fmt::format(
                                "The {} had nothing in flight for {:.0f} % of its {:.3f} s: "
                                "the application had nothing more to send.",
                                side_name(main_dir), 100 * idle_share,
                                static_cast<double>(active(main_dir)) / 1e9)
                          : "No data was sent: the connection only carried its handshake, "
                            "keep-alives or its close.";
    return out;
  }
  out.verdict = DiagnosisVerdict::healthy;
  out.reason = fmt::format(
      "No stall: the {} had data in flight with the window open for {:.0f} % "
      "of its {:.3f} s.",
      side_name(main_dir), 100 * share(out.dir[main_dir].time.sending, active(main_dir)),
      static_cast<double>(active(main_dir)) / 1e9);
  return out;
}

}  // namespace tcplens
