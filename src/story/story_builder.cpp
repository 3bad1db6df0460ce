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

bool StoryBuilder::note_start(std::vector<std::uint32_t>& starts, std::uint32_t seq) {
  auto it = std::lower_bound(starts.begin(), starts.end(), seq);
  if (it != starts.end() && *it == seq) return false;
  starts.insert(it, seq);
  return true;
}

void StoryBuilder::RttSample::add(std::int64_t x) {
  min_ns = seen == 0 ? x : std::min(min_ns, x);
  // A bounded, evenly thinned sample: the median stays representative on long connections.
  if (seen++ % stride == 0) {
    ns.push_back(x);
    if (ns.size() >= kMaxRttSamples) {
      for (std::size_t i = 0; i < ns.size() / 2; ++i) ns[i] = ns[2 * i];
      ns.resize(ns.size() / 2);
      stride *= 2;
    }
  }
}

RttStats StoryBuilder::RttSample::stats() {
  RttStats out;
  out.samples = seen;
  if (ns.empty()) return out;
  out.min_ns = min_ns;
  auto at = [&](std::size_t k) {
    auto it = ns.begin() + static_cast<std::ptrdiff_t>(k);
    std::nth_element(ns.begin(), it, ns.end());
    return *it;
  };
  out.median_ns = at(ns.size() / 2);
  out.p95_ns = at(std::min(ns.size() - 1, ns.size() * 95 / 100));
  return out;
}

void StoryBuilder::count_frame(ConnectionRecord& r, SideFacts& me, SideFacts& peer,
                               DataSpan& my_data, const DataSpan& peer_data, const Segment& s,
                               const Verdict& v, std::int64_t ts) {
  r.end_ns = ts;
  ++me.frames;
  if (s.has(tcp_flag::ack)) me.acked_peer = true;
  const std::uint32_t flags = v.analysis_hidden ? 0 : v.flags;
  for (std::size_t i = 0; i < kFlagBits.size(); ++i) {
    if (flags & kFlagBits[i]) ++r.flag_counts[i];
  }
  if (flags & analysis_flag::keep_alive) ++me.keepalives;
  if (flags & analysis_flag::keep_alive_ack) ++me.keepalive_acks;
  const bool syn = s.has(tcp_flag::syn);
  if (s.payload_len > 0 && !(flags & analysis_flag::keep_alive)) {
    // Data in a SYN (Fast Open) starts after the SYN's own sequence number.
    const std::uint32_t first = v.rel_seq + (syn ? 1 : 0);
    const std::uint32_t end = first + s.payload_len;
    if (!my_data.seen) {
      my_data.seen = true;
      if (!me.sent_syn && !me.sent_synack) {
        my_data.low = first;  // no SYN from this side: count from the first byte captured
        me.bytes_from_data_seen = true;
      }
      my_data.high = end;
    }
    if (rel_lt(first, my_data.low) && me.bytes_from_data_seen) my_data.low = first;
    if (rel_lt(my_data.high, end)) my_data.high = end;
    me.bytes = my_data.high - my_data.low;
  }
  if (s.has(tcp_flag::ack) && peer_data.seen && rel_lt(peer_data.low, v.rel_ack)) {
    const std::uint32_t covered = rel_lt(v.rel_ack, peer_data.high) ? v.rel_ack : peer_data.high;
    peer.acked_bytes = std::max<std::uint64_t>(peer.acked_bytes, covered - peer_data.low);
  }
  if (s.has(tcp_flag::fin) && me.first_fin_ns < 0) {
    me.first_fin_ns = ts;
    peer.peer_fin_seen = true;
    peer.bytes_at_peer_fin = peer.bytes;
  }
  if (s.has(tcp_flag::rst) && me.first_rst_ns < 0) me.first_rst_ns = ts;
  if ((s.has(tcp_flag::fin) || s.has(tcp_flag::rst)) && !r.closed_by) {
    r.closed_by = me.endpoint == r.side[0].endpoint ? Side::client : Side::server;
    r.closed_with_rst = s.has(tcp_flag::rst) && !s.has(tcp_flag::fin);
  }
}

void StoryBuilder::release_previous(const FlowKey& key, std::uint32_t stream) {
  auto [at, fresh] = stream_of_.try_emplace(key, stream);
  if (fresh || at->second == stream) return;
  const std::uint32_t previous = at->second;
  at->second = stream;
  if (auto c = closed_.find(previous); c != closed_.end()) {
    released_.push_back(take_closed(c->second));
    closed_.erase(c);
  } else if (auto t = trackers_.find(previous); t != trackers_.end()) {
    released_.push_back(complete(t->second));
    trackers_.erase(t);
  } else {
    return;
  }
  mark_ended(previous);
}

void StoryBuilder::add(const Segment& s, const Verdict& v, std::int64_t ts) {
  if (v.new_stream) release_previous(FlowKey::of(s), v.stream);
  if (auto c = closed_.find(v.stream); c != closed_.end()) {
    add_after_close(c->second, s, v, ts);
    return;
  }
  if (v.stream < ended_.size() && ended_[v.stream]) {
    ++frames_after_end_;  // its record was taken after the linger or the idle timeout
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
    t.key = FlowKey::of(s);
    stream_of_.try_emplace(t.key, v.stream);
  }

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
      me.synack_ack = s.ack;
      if (t.client_direction < 0) t.client_direction = p;
    }
    me.isn = s.seq;
    me.syn_window = s.window;
    me.syn_data = s.payload_len;
    me.mss = s.options.mss;
    me.window_scale = s.options.window_scale;
    me.sack_permitted = s.options.sack_permitted;
    me.timestamps = s.options.has_timestamps;
  } else if (ack && t.last_syn_ns >= 0 && !r.handshake_rtt_ns &&
             (r.side[0].sent_synack || r.side[1].sent_synack)) {
    r.handshake_rtt_ns = ts - t.last_syn_ns;  // the most recent SYN to the first pure ACK
  }
  DirectionTrack& mine = t.dir[d];
  const bool fin = s.has(tcp_flag::fin);
  if (fin && me.first_fin_ns < 0) mine.fin_end = v.rel_seq + s.payload_len + (syn ? 1 : 0) + 1;
  count_frame(r, me, peer, mine.data, t.dir[p].data, s, v, ts);
  const bool keepalive = !v.analysis_hidden && (v.flags & analysis_flag::keep_alive);
  const bool resend = !keepalive && mine.reach.resend(v.rel_seq, s.payload_len, syn, fin);
  if (resend) {
    ++me.resends;
    if (note_start(mine.resent_starts, v.rel_seq)) ++me.resent_segments;
  }

  if (ack && v.rel_ack >= 1) {
    acknowledge(t, p, v.rel_ack);
    acknowledge_turns(r.turns, static_cast<Side>(p), s, v, ts);
  }
  // Rounds: new data (not a resend, not a keep-alive) from one side until the other speaks.
  constexpr std::uint32_t kNotNew =
      analysis_flag::any_retransmission | analysis_flag::keep_alive | analysis_flag::out_of_order;
  if (s.payload_len > 0 && !(v.flags & kNotNew) && !resend) {
    const std::uint32_t first = v.rel_seq + (syn ? 1 : 0);
    const std::uint32_t end = first + s.payload_len;
    if (r.turns.empty() || r.turns.back().from != static_cast<Side>(d)) {
      ++r.turns_total;
      if (r.turns.size() < kMaxTurns) {
        r.turns.push_back(Turn{static_cast<Side>(d), ts, ts, first, end, 1});
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

  // Zero-window stalls: from the first zero window until this side opens it again.
  if (!syn && !s.has(tcp_flag::rst) && !fin) {
    if (s.window == 0 && !mine.zero_window_open) {
      mine.zero_window_open = true;
      mine.zero_window_stall = r.zero_window_stalls.size();
      r.zero_window_stalls.push_back({static_cast<Side>(d), ts, -1});
    } else if (s.window != 0 && mine.zero_window_open) {
      mine.zero_window_open = false;
      r.zero_window_stalls[mine.zero_window_stall].end_ns = ts;
    }
  }

  // An ACK RTT on this frame measures the peer's data.
  if (v.has_ack_rtt && !v.analysis_hidden) t.dir[p].rtt.add(v.ack_rtt_ns);

  track_segment(t, d, s, v, ts);
  t.diagnosis.add(s, v, ts);

  // Closed: a RST, or the second FIN acknowledged (the FIN's own sequence number is covered).
  // It lingers: later frames (the last ACK, a resent FIN, a RST) still join the record.
  const bool fins = r.side[0].first_fin_ns >= 0 && r.side[1].first_fin_ns >= 0;
  const bool last_fin_acked = fins && ack && rel_le(t.dir[p].fin_end, v.rel_ack);
  if (s.has(tcp_flag::rst) || last_fin_acked) {
    Closed c;
    c.key = t.key;
    for (int i = 0; i < 2; ++i) {
      c.reach[i] = t.dir[i].reach;
      c.data[i] = t.dir[i].data;
      c.resent_starts[i] = std::move(t.dir[i].resent_starts);
    }
    c.record = complete(t, false);  // settles the client's direction, from the ports if need be
    c.client_direction = t.client_direction;
    c.diagnosis = std::move(t.diagnosis);
    trackers_.erase(v.stream);
    closed_.emplace(v.stream, std::move(c));
  }
}

void StoryBuilder::acknowledge_turns(std::vector<Turn>& turns, Side peer, const Segment& s,
                                     const Verdict& v, std::int64_t ts) {
  // The peer's latest turns that this ACK covers for the first time.
  for (std::size_t i = turns.size(); i-- > 0 && i + 4 >= turns.size();) {
    Turn& turn = turns[i];
    if (turn.from != peer || turn.acked_ns >= 0) continue;
    if (!rel_le(turn.end_seq, v.rel_ack)) {
      if (rel_lt(turn.first_seq, v.rel_ack) && rel_lt(turn.partial_ack, v.rel_ack)) {
        turn.partial_ack = v.rel_ack;
      }
      continue;
    }
    turn.acked_ns = ts;
    turn.ack_in_syn = s.has(tcp_flag::syn);
    turn.ack = v.rel_ack;
    turn.ack_with_data = s.payload_len > 0;
    turn.peer_window_raw = s.window;
    turn.peer_window = v.window;
  }
}

void StoryBuilder::add_after_close(Closed& c, const Segment& s, const Verdict& v, std::int64_t ts) {
  ConnectionRecord& r = c.record;
  const int d = v.direction;
  const int my_side = d == c.client_direction ? 0 : 1;
  SideFacts& me = r.side[my_side];
  SideFacts& peer = r.side[1 - my_side];
  const bool syn = s.has(tcp_flag::syn);
  const bool fin = s.has(tcp_flag::fin);
  count_frame(r, me, peer, c.data[d], c.data[1 - d], s, v, ts);
  // An ACK after the close (or after a RST) still tells how much of the peer's data arrived.
  if (s.has(tcp_flag::ack) && v.rel_ack >= 1) {
    acknowledge_turns(r.turns, static_cast<Side>(1 - my_side), s, v, ts);
    for (RetransmissionEpisode& e : r.episodes) {
      if (e.from != static_cast<Side>(my_side) && rel_le(e.seq + e.len, v.rel_ack)) e.acked = true;
    }
  }
  c.diagnosis.add(s, v, ts);
  const bool keepalive = !v.analysis_hidden && (v.flags & analysis_flag::keep_alive);
  if (keepalive || !c.reach[d].resend(v.rel_seq, s.payload_len, syn, fin)) return;
  ++me.resends;
  if (note_start(c.resent_starts[d], v.rel_seq)) ++me.resent_segments;
  // A resend of a segment already in an episode (a FIN resent after the close) joins it.
  for (RetransmissionEpisode& e : r.episodes) {
    if (e.from == static_cast<Side>(my_side) && e.seq == v.rel_seq && e.sends_ns.size() < 64) {
      e.sends_ns.push_back(ts);
      break;
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
  out.swap(released_);
  return out;
}

std::vector<ConnectionRecord> StoryBuilder::take_lingered(std::int64_t before_ns) {
  std::vector<ConnectionRecord> out;
  for (auto it = closed_.begin(); it != closed_.end();) {
    if (it->second.record.end_ns >= before_ns) {
      ++it;
      continue;
    }
    stream_of_.erase(it->second.key);
    mark_ended(it->first);
    out.push_back(take_closed(it->second));
    it = closed_.erase(it);
  }
  sort_by_stream(out);
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
    stream_of_.erase(it->second.key);
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

namespace {

// Without a SYN: the server is the side on a well-known port (below 1024), else the side not on
// an ephemeral-looking port (49152 and up, or Linux's 32768 and up), else the lower port.
int server_by_ports(std::uint16_t first, std::uint16_t second) {
  auto rank = [](std::uint16_t port) { return port < 1024 ? 0 : port < 32768 ? 1 : 2; };
  if (rank(first) != rank(second)) return rank(first) < rank(second) ? 0 : 1;
  return first <= second ? 0 : 1;
}

}  // namespace

ConnectionRecord StoryBuilder::take_closed(Closed& c) {
  settle(c.record);
  c.record.diagnosis = c.diagnosis.finish(c.record, c.client_direction);
  return std::move(c.record);
}

ConnectionRecord StoryBuilder::complete(Tracker& t, bool judge) {
  ConnectionRecord r = std::move(t.record);
  if (t.client_direction < 0) {
    r.roles_inferred = true;
    t.client_direction = 1 - server_by_ports(r.side[0].endpoint.port, r.side[1].endpoint.port);
  }
  for (int d = 0; d < 2; ++d) r.side[d].rtt = t.dir[d].rtt.stats();
  // Sides: swap when the client is the stream's second sender.
  if (t.client_direction == 1) {
    std::swap(r.side[0], r.side[1]);
    auto flip = [](Side s) { return other(s); };
    for (auto& e : r.episodes) e.from = flip(e.from);
    for (auto& z : r.zero_window_stalls) z.from = flip(z.from);
    for (auto& turn : r.turns) turn.from = flip(turn.from);
    if (r.closed_by) r.closed_by = flip(*r.closed_by);
  }
  r.handshake = r.side[0].sent_syn && r.side[1].sent_synack;
  if (!r.handshake) r.handshake_rtt_ns.reset();
  settle(r);
  if (judge) r.diagnosis = t.diagnosis.finish(r, t.client_direction);
  return r;
}

void StoryBuilder::settle(ConnectionRecord& r) {
  const SideFacts& c = r.side[0];
  const SideFacts& s = r.side[1];
  const bool rst = c.first_rst_ns >= 0 || s.first_rst_ns >= 0;
  const bool both_fin = c.first_fin_ns >= 0 && s.first_fin_ns >= 0;
  std::int64_t first_rst = c.first_rst_ns < 0   ? s.first_rst_ns
                           : s.first_rst_ns < 0 ? c.first_rst_ns
                                                : std::min(c.first_rst_ns, s.first_rst_ns);
  // A client's ACK proves the server answered, though none of its frames was captured.
  if (c.sent_syn && s.frames == 0 && !c.acked_peer) {
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
  r.retransmissions = c.resends + s.resends;
  r.retransmitted_segments = c.resent_segments + s.resent_segments;
}

std::vector<ConnectionRecord> StoryBuilder::finish() {
  std::vector<ConnectionRecord> out;
  out.reserve(trackers_.size() + closed_.size() + released_.size());
  finish_each([&](ConnectionRecord&& r) { out.push_back(std::move(r)); });
  return out;
}

}  // namespace tcplens
