#include "story/story_builder.hpp"

#include <algorithm>

namespace tcplens {

namespace {

constexpr std::size_t kMaxInFlight = 1 << 16;  // per direction
constexpr std::size_t kMaxRttSamples = 4096;   // per connection
// Acknowledged segments still remembered, so a resend after the ACK (the ACK was lost on the
// way) still joins the segment's episode.
constexpr std::size_t kAckedKept = 64;

// Relative sequence comparisons (wrap-safe).
bool rel_le(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) <= 0;
}
bool rel_lt(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) < 0;
}

constexpr std::array<std::uint32_t, kFlagNames.size()> kFlagBits{
    analysis_flag::any_retransmission,  // tshark's column counts fast and spurious too
    analysis_flag::fast_retransmission,   analysis_flag::spurious_retransmission,
    analysis_flag::out_of_order,          analysis_flag::lost_segment,
    analysis_flag::ack_lost_segment,      analysis_flag::duplicate_ack,
    analysis_flag::zero_window,           analysis_flag::zero_window_probe,
    analysis_flag::zero_window_probe_ack, analysis_flag::window_full,
    analysis_flag::window_update,         analysis_flag::keep_alive,
    analysis_flag::keep_alive_ack};

}  // namespace

void StoryBuilder::add(const Segment& s, const Verdict& v, std::int64_t ts) {
  if (v.stream < ended_.size() && ended_[v.stream]) {
    ++frames_after_end_;  // e.g. a last ACK or a second RST after the connection was reported
    return;
  }
  Tracker& t = trackers_[v.stream];
  ConnectionRecord& r = t.record;
  const int d = v.direction;
  const int p = 1 - d;
  SideFacts& me = r.side[d];
  SideFacts& peer = r.side[p];
  if (me.frames == 0 && peer.frames == 0) {
    r.stream = v.stream;
    r.start_ns = ts;
    const Connection& c = *v.connection;
    r.side[0].endpoint = c.first;
    r.side[1].endpoint = c.second;
  }
  r.end_ns = ts;
  ++me.frames;

  const std::uint32_t flags = v.analysis_hidden ? 0 : v.flags;
  for (std::size_t i = 0; i < kFlagBits.size(); ++i) {
    if (flags & kFlagBits[i]) ++r.flag_counts[i];
  }
  if (flags & analysis_flag::any_retransmission) ++r.retransmissions;
  if (flags & analysis_flag::keep_alive) ++me.keepalives;
  if (flags & analysis_flag::keep_alive_ack) ++me.keepalive_acks;

  const bool syn = s.has(tcp_flag::syn);
  const bool ack = s.has(tcp_flag::ack);
  if (syn) {
    if (!ack) {
      me.sent_syn = true;
      ++me.syns_sent;
      t.last_syn_ns = ts;
      if (t.client_direction < 0) t.client_direction = d;
    } else {
      me.sent_synack = true;
      if (t.client_direction < 0) t.client_direction = p;
    }
    me.isn = s.seq;
    me.syn_window = s.window;
    me.mss = s.options.mss;
    me.window_scale = s.options.window_scale;
    me.sack_permitted = s.options.sack_permitted;
    me.timestamps = s.options.has_timestamps;
  } else if (ack && t.last_syn_ns >= 0 && !r.handshake_rtt_ns &&
             (r.side[0].sent_synack || r.side[1].sent_synack)) {
    r.handshake_rtt_ns = ts - t.last_syn_ns;  // the most recent SYN to the first pure ACK
  }

  if (s.payload_len > 0) {
    std::uint64_t end = static_cast<std::uint64_t>(v.rel_seq) + s.payload_len;
    if (end >= 1 && end - 1 > me.bytes && end - 1 < (1ull << 32)) me.bytes = end - 1;
  }
  if (ack && v.rel_ack >= 1) {
    std::uint64_t acked = std::min<std::uint64_t>(v.rel_ack - 1, peer.bytes);
    peer.acked_bytes = std::max(peer.acked_bytes, acked);
    acknowledge(t, p, v.rel_ack);
    // The peer's latest turns that this ACK covers for the first time.
    for (std::size_t i = r.turns.size(); i-- > 0 && i + 4 >= r.turns.size();) {
      Turn& turn = r.turns[i];
      if (turn.from != static_cast<Side>(p) || turn.acked_ns >= 0) continue;
      if (!rel_le(turn.end_seq, v.rel_ack)) continue;
      turn.acked_ns = ts;
      turn.ack = v.rel_ack;
      turn.ack_with_data = s.payload_len > 0;
      turn.peer_window_raw = s.window;
      turn.peer_window = v.window;
    }
  }
  // Rounds: new data (not a resend, not a keep-alive) from one side until the other speaks.
  constexpr std::uint32_t kNotNew =
      analysis_flag::any_retransmission | analysis_flag::keep_alive | analysis_flag::out_of_order;
  if (s.payload_len > 0 && !(v.flags & kNotNew)) {
    const std::uint32_t end = v.rel_seq + s.payload_len;
    if (r.turns.empty() || r.turns.back().from != static_cast<Side>(d)) {
      ++r.turns_total;
      if (r.turns.size() < kMaxTurns) {
        r.turns.push_back(Turn{static_cast<Side>(d), ts, ts, v.rel_seq, end, 1});
      }
    } else if (r.turns.size() == r.turns_total) {
      Turn& turn = r.turns.back();
      turn.end_ns = ts;
      if (rel_lt(turn.end_seq, end)) turn.end_seq = end;
      ++turn.segments;
      // The turn grew past what was acknowledged: wait for the ACK that covers all of it.
      if (turn.acked_ns >= 0 && rel_lt(turn.ack, turn.end_seq)) turn.acked_ns = -1;
    }
  }
  if (s.has(tcp_flag::fin) && me.first_fin_ns < 0) {
    me.first_fin_ns = ts;
    peer.peer_fin_seen = true;
    peer.bytes_at_peer_fin = peer.bytes;
  }
  if (s.has(tcp_flag::rst) && me.first_rst_ns < 0) me.first_rst_ns = ts;
  if ((s.has(tcp_flag::fin) || s.has(tcp_flag::rst)) && !r.closed_by) {
    r.closed_by = static_cast<Side>(d);
    r.closed_with_rst = s.has(tcp_flag::rst) && !s.has(tcp_flag::fin);
  }

  // Zero-window stalls: from the first zero window until this side opens it again.
  DirectionTrack& mine = t.dir[d];
  if (!syn && !s.has(tcp_flag::rst) && !s.has(tcp_flag::fin)) {
    if (s.window == 0 && !mine.zero_window_open) {
      mine.zero_window_open = true;
      mine.zero_window_stall = r.zero_window_stalls.size();
      r.zero_window_stalls.push_back({static_cast<Side>(d), ts, -1});
    } else if (s.window != 0 && mine.zero_window_open) {
      mine.zero_window_open = false;
      r.zero_window_stalls[mine.zero_window_stall].end_ns = ts;
    }
  }

  if (v.has_ack_rtt && !v.analysis_hidden) {
    // A bounded, evenly thinned sample: the median stays representative on long connections.
    if (t.rtt_seen++ % t.rtt_stride == 0) {
      t.rtt_ns.push_back(v.ack_rtt_ns);
      if (t.rtt_ns.size() >= kMaxRttSamples) {
        for (std::size_t i = 0; i < t.rtt_ns.size() / 2; ++i) t.rtt_ns[i] = t.rtt_ns[2 * i];
        t.rtt_ns.resize(t.rtt_ns.size() / 2);
        t.rtt_stride *= 2;
      }
    }
    std::int64_t x = v.ack_rtt_ns;
    r.rtt_min_ns = r.rtt_min_ns ? std::min(*r.rtt_min_ns, x) : x;
    r.rtt_max_ns = r.rtt_max_ns ? std::max(*r.rtt_max_ns, x) : x;
  }

  track_segment(t, d, s, v, ts);
  t.diagnosis.add(s, v, ts);

  // The end: a RST, or the second FIN acknowledged (the FIN's sequence number is covered).
  if (!t.ended) {
    bool fins = r.side[0].first_fin_ns >= 0 && r.side[1].first_fin_ns >= 0;
    bool last_fin_acked = fins && ack && peer.first_fin_ns >= 0 &&
                          v.rel_ack >= peer.bytes + 2;  // data, then the FIN's own number
    if (s.has(tcp_flag::rst) || last_fin_acked) {
      t.ended = true;
      newly_ended_.push_back(v.stream);
    }
  }
}

void StoryBuilder::mark_ended(std::uint32_t stream) {
  if (stream >= ended_.size()) ended_.resize(stream + 1, false);
  ended_[stream] = true;
}

void StoryBuilder::sort_by_stream(std::vector<ConnectionRecord>& records) {
  std::sort(
      records.begin(), records.end(),
      [](const ConnectionRecord& a, const ConnectionRecord& b) { return a.stream < b.stream; });
}

std::vector<ConnectionRecord> StoryBuilder::take_ended() {
  std::vector<ConnectionRecord> out;
  for (std::uint32_t stream : newly_ended_) {
    auto it = trackers_.find(stream);
    if (it == trackers_.end()) continue;
    out.push_back(complete(it->second));
    trackers_.erase(it);
    mark_ended(stream);
  }
  newly_ended_.clear();
  return out;
}

std::vector<ConnectionRecord> StoryBuilder::take_idle(std::int64_t now_ns, std::int64_t before_ns) {
  std::vector<ConnectionRecord> out;
  for (auto it = trackers_.begin(); it != trackers_.end();) {
    if (it->second.record.end_ns >= before_ns) {
      ++it;
      continue;
    }
    const std::uint32_t stream = it->first;
    it->second.record.released_idle_ns = now_ns;
    out.push_back(complete(it->second));
    it = trackers_.erase(it);
    mark_ended(stream);
  }
  sort_by_stream(out);
  return out;
}

void StoryBuilder::track_segment(Tracker& t, int d, const Segment& s, const Verdict& v,
                                 std::int64_t ts) {
  const bool syn = s.has(tcp_flag::syn);
  const bool fin = s.has(tcp_flag::fin);
  if (s.payload_len == 0 && !syn && !fin) return;
  if (v.flags & analysis_flag::keep_alive) return;  // a probe of the peer, not data
  DirectionTrack& dir = t.dir[d];
  auto& list = dir.in_flight;
  const std::uint32_t seq = v.rel_seq;
  const std::uint32_t end = seq + s.payload_len + (syn ? 1 : 0) + (fin ? 1 : 0);
  // Find the segment with this start among those in flight or acknowledged lately.
  std::size_t from = dir.head > kAckedKept ? dir.head - kAckedKept : 0;
  auto first = list.begin() + static_cast<std::ptrdiff_t>(from);
  auto it = std::lower_bound(first, list.end(), seq,
                             [](const InFlight& f, std::uint32_t x) { return rel_lt(f.seq, x); });
  if (it != list.end() && it->seq == seq) {
    ConnectionRecord& r = t.record;
    if (it->episode < 0) {
      it->episode = static_cast<std::int32_t>(r.episodes.size());
      RetransmissionEpisode e;
      e.from = static_cast<Side>(d);
      e.seq = seq;
      e.len = s.payload_len;
      e.syn = syn;
      e.sends_ns.push_back(it->first_ns);
      e.first_resend_fast = (v.flags & analysis_flag::fast_retransmission) != 0;
      r.episodes.push_back(std::move(e));
    }
    RetransmissionEpisode& e = r.episodes[static_cast<std::size_t>(it->episode)];
    e.sends_ns.push_back(ts);
    if (it - list.begin() < static_cast<std::ptrdiff_t>(dir.head)) e.acked = true;
    if (rel_lt(it->end, end)) it->end = end;
    return;
  }
  if (list.size() - dir.head >= kMaxInFlight) ++dir.head;  // forget the eldest
  // Appends go past the end; an old segment (seen again, never in flight here) sorts in place.
  if (it - list.begin() < static_cast<std::ptrdiff_t>(dir.head)) {
    it = list.begin() + static_cast<std::ptrdiff_t>(dir.head);
  }
  if (dir.head > 4096 + kAckedKept && dir.head * 2 > list.size()) {
    std::size_t drop = dir.head - kAckedKept;
    std::size_t pos = static_cast<std::size_t>(it - list.begin()) - drop;
    list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(drop));
    dir.head = kAckedKept;
    it = list.begin() + static_cast<std::ptrdiff_t>(pos);
  }
  list.insert(it, InFlight{seq, end, ts, -1});
}

void StoryBuilder::acknowledge(Tracker& t, int d, std::uint32_t ack_rel) {
  DirectionTrack& dir = t.dir[d];
  auto& list = dir.in_flight;
  while (dir.head < list.size() && rel_le(list[dir.head].end, ack_rel)) {
    if (list[dir.head].episode >= 0) {
      t.record.episodes[static_cast<std::size_t>(list[dir.head].episode)].acked = true;
    }
    ++dir.head;
  }
}

ConnectionRecord StoryBuilder::complete(Tracker& t) {
  ConnectionRecord r = std::move(t.record);
  // Sides: swap when the client is the stream's second sender.
  if (t.client_direction == 1) {
    std::swap(r.side[0], r.side[1]);
    auto flip = [](Side s) { return other(s); };
    for (auto& e : r.episodes) e.from = flip(e.from);
    for (auto& z : r.zero_window_stalls) z.from = flip(z.from);
    for (auto& turn : r.turns) turn.from = flip(turn.from);
    if (r.closed_by) r.closed_by = flip(*r.closed_by);
  }
  const SideFacts& c = r.side[0];
  const SideFacts& s = r.side[1];
  r.handshake = c.sent_syn && s.sent_synack;
  if (!r.handshake) r.handshake_rtt_ns.reset();
  const bool rst = c.first_rst_ns >= 0 || s.first_rst_ns >= 0;
  const bool both_fin = c.first_fin_ns >= 0 && s.first_fin_ns >= 0;
  std::int64_t first_rst = c.first_rst_ns < 0   ? s.first_rst_ns
                           : s.first_rst_ns < 0 ? c.first_rst_ns
                                                : std::min(c.first_rst_ns, s.first_rst_ns);
  if (c.sent_syn && s.frames == 0) {
    r.state = ConnectionState::unanswered;
  } else if (c.sent_syn && !s.sent_synack && s.first_rst_ns >= 0 && c.bytes == 0) {
    r.state = ConnectionState::refused;
  } else if (rst && !(both_fin && std::max(c.first_fin_ns, s.first_fin_ns) < first_rst)) {
    r.state = ConnectionState::reset;
  } else if (both_fin) {
    r.state = ConnectionState::closed;
  } else if (c.first_fin_ns >= 0 || s.first_fin_ns >= 0) {
    r.state = ConnectionState::half_closed;
  } else if (r.handshake) {
    r.state = ConnectionState::open;
  } else {
    r.state = ConnectionState::midstream;
  }
  for (auto& e : r.episodes) classify_episode(e);
  std::stable_sort(r.episodes.begin(), r.episodes.end(),
                   [](const auto& a, const auto& b) { return a.sends_ns[0] < b.sends_ns[0]; });
  r.diagnosis = t.diagnosis.finish(r, t.client_direction);
  if (!t.rtt_ns.empty()) {
    auto mid = t.rtt_ns.begin() + static_cast<std::ptrdiff_t>(t.rtt_ns.size() / 2);
    std::nth_element(t.rtt_ns.begin(), mid, t.rtt_ns.end());
    r.rtt_median_ns = *mid;
  }
  return r;
}

std::vector<ConnectionRecord> StoryBuilder::finish() {
  std::vector<ConnectionRecord> out;
  out.reserve(trackers_.size());
  for (auto& [stream, t] : trackers_) out.push_back(complete(t));
  trackers_.clear();
  newly_ended_.clear();
  sort_by_stream(out);
  return out;
}

}  // namespace tcplens
