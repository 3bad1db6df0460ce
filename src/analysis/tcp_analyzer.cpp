#include "analysis/tcp_analyzer.hpp"

#include <algorithm>

namespace tcplens {

namespace {

using namespace analysis_flag;

constexpr std::uint16_t kSynFinRst = tcp_flag::syn | tcp_flag::fin | tcp_flag::rst;
constexpr std::uint16_t kSynAck = tcp_flag::syn | tcp_flag::ack;
constexpr std::uint32_t kDupAckSentinel = 0xffffffff;  // tshark's "-1" in an unsigned counter

// Sequence-space comparisons, modulo 2^32.
bool seq_gt(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(b - a) < 0;
}
bool seq_lt(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) < 0;
}
bool seq_le(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) <= 0;
}

// Time gaps compared as tshark does, unsigned: when time runs backwards the gap is huge.
std::uint64_t gap(std::int64_t now, std::int64_t then) {
  return static_cast<std::uint64_t>(now - then);
}

// The stream of a frame (docs/analysis.md, "Streams"): a pure SYN whose ISN differs from the
// one its direction already has opens a new stream on the same 4-tuple; nothing else does.
Connection& select_connection(ConnectionTable& table, const Segment& s, Verdict& v) {
  FlowKey key = FlowKey::of(s);
  Connection* c = table.find(key);
  if (c == nullptr) c = table.revive(key);
  if (c == nullptr) {
    v.new_stream = true;
    return table.open(key, s);
  }
  if ((s.flags & kSynAck) == tcp_flag::syn) {
    Direction& fwd = c->dir[c->direction_of(s)];
    if (syn_starts_new_stream(s, fwd.base_set, fwd.base_seq)) {
      v.new_stream = true;
      v.flags |= reused_ports;
      return table.open(key, s);
    }
    // The same SYN again: forget segments beyond the contiguous data (tshark issue 17616).
    if (fwd.base_set) fwd.nextseq = fwd.maxseqtobeacked;
  } else if ((s.flags & kSynAck) == kSynAck) {
    Direction& fwd = c->dir[c->direction_of(s)];
    if (fwd.base_set && s.seq != fwd.base_seq) {
      fwd.base_seq = s.seq;  // a new ISN from the responder re-bases, in the same stream
      v.flags |= reused_ports;
    }
  }
  return *c;
}

// Walks rev's unacknowledged segments with this frame's raw ACK number, newest first. The ACK
// flag is not consulted, as in tshark.
void process_ack(std::uint32_t ack, std::int64_t now, Direction& rev, Verdict& v) {
  auto& list = rev.unacked;
  std::size_t keep = list.size();  // list[keep..] are removed at the end, order kept
  for (std::size_t i = list.size(); i-- > 0;) {
    UnackedSegment& u = list[i];
    bool remove = false;
    if (ack == u.nextseq) {
      v.acked_frame = u.frame;
      v.ack_rtt_ns = now - u.ts_ns;  // the eldest exact match wins: it is met last
      remove = true;
    } else if (seq_gt(ack, u.seq) && seq_le(ack, u.nextseq)) {
      u.seq = ack;  // partly acknowledged: keep the rest
    } else if (!seq_gt(u.nextseq, ack)) {
      remove = true;  // older and covered
    }
    if (remove) {
      u.frame = 0;  // mark; compacted below
      --keep;
    }
  }
  if (keep != list.size()) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].frame != 0) list[out++] = list[i];
    }
    list.resize(out);
  }
  v.has_ack_rtt = v.acked_frame != 0 && v.ack_rtt_ns != 0;  // an RTT of exactly 0 is not printed
}

// Checks 2-10 of tshark's tcp_analyze_sequence_number: the window and ACK family. Returns true
// when a zero window probe or its ACK, or a keep-alive ACK, ends them early.
void check_window_and_acks(const Segment& s, Direction& fwd, const Direction& rev,
                           std::uint64_t frame, Verdict& v) {
  const std::uint32_t seq = s.seq;
  const std::uint32_t len = s.payload_len;
  const std::uint32_t window = s.window;  // raw: only window-full scales
  const bool plain = (s.flags & kSynFinRst) == 0;
  std::uint32_t& f = v.flags;

  if (len == 1 && seq == fwd.nextseq && rev.window == 0) {
    f |= zero_window_probe;
    return;
  }
  if (window == 0 && plain) f |= zero_window;
  if (fwd.nextseq != 0 && seq_gt(seq, fwd.nextseq) && !s.has(tcp_flag::rst)) {
    f |= lost_segment;
    fwd.valid_bif = false;  // until the peer ACKs again
  }
  if ((len == 0 || len == 1) && seq == fwd.nextseq - 1 && plain) f |= keep_alive;

  const bool same_place = len == 0 && seq == fwd.nextseq && s.ack == fwd.lastack && plain;
  if (same_place && window != 0 && window != fwd.window) f |= window_update;
  if (len > 0 && rev.win_scale != kScaleUnknown && plain) {
    int shift = rev.is_first_ack || rev.win_scale < 0 ? 0 : rev.win_scale;
    if (seq + len == rev.lastack + (rev.window << shift)) f |= window_full;
  }
  if (same_place && window != 0 && window == fwd.window && (rev.lastsegmentflags & keep_alive)) {
    f |= keep_alive_ack;
    return;
  }
  if (same_place && window == 0 && fwd.window == 0 && (rev.lastsegmentflags & zero_window_probe)) {
    f |= zero_window_probe_ack;
    return;
  }
  if (same_place && window != 0 && window == fwd.window) {
    fwd.dupacknum = fwd.dupacknum == kDupAckSentinel ? 1 : fwd.dupacknum + 1;
    f |= duplicate_ack;
    v.dupack_num = static_cast<std::int32_t>(fwd.dupacknum);
    v.dupack_frame = fwd.lastnondupack;
  }
  (void)frame;
}

// Check 13: spurious, fast, out-of-order or plain retransmission.
void check_retransmission(const Segment& s, std::int64_t now, const Connection& c,
                          const Direction& fwd, const Direction& rev, Verdict& v) {
  const std::uint32_t seq = s.seq;
  const std::uint32_t len = s.payload_len;
  const bool syn_or_fin = s.has(tcp_flag::syn) || s.has(tcp_flag::fin);
  if (len == 0 && !syn_or_fin) return;
  if (v.flags & keep_alive) return;  // a keep-alive is never a retransmission
  bool not_advanced = fwd.nextseq != 0 && seq_lt(seq, fwd.nextseq);
  if (len > 1 && fwd.nextseq - 1 == seq) not_advanced = false;  // data after a window probe
  std::uint32_t& f = v.flags;

  if (len > 0 && rev.lastack != 0 && seq_le(seq + len, rev.lastack)) {
    f |= spurious_retransmission;
    return;
  }
  if (not_advanced && rev.dupacknum >= 2 && rev.lastack == seq &&
      gap(now, rev.lastack_time) < 20'000'000) {
    f |= fast_retransmission;
    return;
  }
  std::uint64_t threshold = c.first_rtt != 0 ? static_cast<std::uint64_t>(c.first_rtt) : 3'000'000;
  if (not_advanced && gap(now, fwd.nextseq_time) < threshold &&
      fwd.nextseq != seq + len + (syn_or_fin ? 1 : 0)) {
    f |= out_of_order;
    return;
  }
  if (not_advanced) {
    f |= retransmission;
    // The time since the first transmission: the eldest segment still unacknowledged.
    if (!fwd.unacked.empty()) {
      v.rto_ns = now - fwd.unacked.front().ts_ns;
      v.rto_frame = fwd.unacked.front().frame;
    } else {
      v.rto_ns = now - fwd.nextseq_time;
      v.rto_frame = fwd.nextseq_frame;
    }
    v.has_rto = v.rto_ns != 0;
  }
}

// tcp.analysis.bytes_in_flight and push_bytes_sent, after the ACK walk: the span of fwd's
// unacknowledged segments in relative numbers (SACK is not consulted), and the data since PSH.
void count_in_flight(const Segment& s, Direction& fwd, const Direction& rev, bool span,
                     Verdict& v) {
  const std::uint32_t len = s.payload_len;
  if (len == 0 || fwd.unacked.empty() || !fwd.valid_bif) return;
  v.has_analysis = true;
  if (span) {
    std::uint32_t first = fwd.unacked.front().seq - fwd.base_seq;
    std::uint32_t last = fwd.unacked.front().nextseq - fwd.base_seq;
    for (const UnackedSegment& u : fwd.unacked) {
      first = std::min(first, u.seq - fwd.base_seq);
      last = std::max(last, u.nextseq - fwd.base_seq);
    }
    const std::uint32_t in_flight = last - first - rev.sack_delivered;
    if (in_flight > 0 && in_flight < 2'000'000'000) {
      // SYN and FIN count in the span but are no bytes.
      v.bytes_in_flight = in_flight - (s.has(tcp_flag::syn) || s.has(tcp_flag::fin) ? 1 : 0);
      v.has_bytes_in_flight = v.bytes_in_flight != 0;
    }
  }
  const bool push = s.has(tcp_flag::psh);
  if (push != fwd.push_set_last) {
    fwd.push_bytes_sent = push ? fwd.push_bytes_sent + len : len;
  } else {
    fwd.push_bytes_sent = push ? len : fwd.push_bytes_sent + len;
  }
  fwd.push_set_last = push;
  v.push_bytes_sent = fwd.push_bytes_sent;
  v.has_push_bytes_sent = v.has_bytes_in_flight;  // tshark prints them together
}

namespace completeness {
inline constexpr std::uint8_t syn = 1;
inline constexpr std::uint8_t syn_ack = 2;
inline constexpr std::uint8_t ack = 4;
inline constexpr std::uint8_t data = 8;
inline constexpr std::uint8_t fin = 16;
inline constexpr std::uint8_t rst = 32;
}  // namespace completeness

// tcp.completeness after this frame. tshark prints the value from before it (one pass), except
// that a SYN reusing ports opens its new stream with the SYN bit already set.
void add_completeness(const Segment& s, bool first_frame, Connection& c) {
  const std::uint16_t syn_ack = s.flags & kSynAck;
  if (first_frame) {  // only a SYN counts in a stream's first frame
    if (syn_ack == tcp_flag::syn) {
      c.completeness |= completeness::syn;
      if (s.payload_len > 0) c.completeness |= completeness::data;
    }
    return;
  }
  if (syn_ack == kSynAck) c.completeness |= completeness::syn_ack;
  if (syn_ack == tcp_flag::ack) {
    c.completeness |= s.payload_len > 0 ? completeness::data : completeness::ack;
  }
  if (s.has(tcp_flag::fin) && s.has(tcp_flag::ack)) c.completeness |= completeness::fin;
  if (s.has(tcp_flag::rst)) c.completeness |= completeness::rst;
}

}  // namespace

Verdict TcpAnalyzer::analyze(const Segment& s, std::int64_t now, std::uint64_t frame) {
  Verdict v;
  Connection& c = select_connection(table_, s, v);
  v.connection = &c;
  v.stream = c.stream;
  v.direction = c.direction_of(s);
  Direction& fwd = c.dir[v.direction];
  Direction& rev = c.dir[1 - v.direction];
  const bool first_frame = c.frames == 0;
  if (first_frame) {
    c.first_ns = c.last_ns = now;
    if (v.flags & reused_ports) c.completeness = completeness::syn;
  }
  v.stream_time_ns = now - c.first_ns;
  v.stream_delta_ns = now - c.last_ns;
  v.completeness = c.completeness;
  add_completeness(s, first_frame && !(v.flags & reused_ports), c);
  ++c.frames;
  c.last_ns = now;

  const std::uint32_t seq = s.seq;
  const std::uint32_t ack = s.ack;
  const std::uint32_t len = s.payload_len;
  const std::uint16_t flags = s.flags;

  // Base sequence numbers for relative numbering.
  if (!fwd.base_set) {
    fwd.base_seq = s.has(tcp_flag::syn) ? seq : seq - 1;
    fwd.base_set = true;
  }
  if (!rev.base_set && s.has(tcp_flag::ack)) {
    rev.base_seq = ack - 1;
    rev.base_set = true;
  }
  if (s.has(tcp_flag::ack)) rev.valid_bif = true;

  check_window_and_acks(s, fwd, rev, frame, v);
  // Only a new ACK number ends a run of duplicate ACKs (data repeating it does not).
  if (ack != fwd.lastack) {
    fwd.lastnondupack = frame;
    fwd.dupacknum = 0;
  }
  if (rev.maxseqtobeacked != 0 && seq_gt(ack, rev.maxseqtobeacked) && s.has(tcp_flag::ack)) {
    v.has_analysis = true;  // even when no flag follows
    if (seq_lt(rev.maxseqtobeacked, rev.nextseq)) {
      rev.maxseqtobeacked = rev.nextseq;
      v.flags |= ack_lost_segment;
    } else {
      if (rev.dupacknum == 0) v.flags |= ack_lost_segment;  // one missing segment, told once
      rev.dupacknum = kDupAckSentinel;
    }
  }
  check_retransmission(s, now, c, fwd, rev, v);

  // Bookkeeping.
  std::uint32_t nextseq = seq + len;
  if ((len > 0 || (flags & (tcp_flag::syn | tcp_flag::fin))) &&
      fwd.unacked.size() < kMaxUnackedSegments) {
    if (flags & (tcp_flag::syn | tcp_flag::fin)) nextseq += 1;  // only here, as in tshark
    fwd.unacked.push_back({frame, now, seq, nextseq});
  }
  const bool probe = (v.flags & zero_window_probe) != 0;
  if ((seq_gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !probe) {
    fwd.nextseq = nextseq;
    fwd.nextseq_frame = frame;
    fwd.nextseq_time = now;
  }
  if ((seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !probe) {
    fwd.maxseqtobeacked = fwd.nextseq;
  }
  fwd.window = s.window;
  fwd.lastack = ack;
  fwd.lastack_time = now;
  fwd.lastsegmentflags = v.flags;
  process_ack(ack, now, rev, v);
  count_in_flight(s, fwd, rev, bytes_in_flight_, v);
  // tshark reads the options after the analysis: this frame's SACK counts from the next frame.
  fwd.sack_delivered = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(s.options.sack_count, 3); ++i) {
    fwd.sack_delivered += s.options.sack[i].right - s.options.sack[i].left;
  }

  // Outputs: relative numbers and the scaled window (the scale known before this frame).
  v.rel_seq = seq - fwd.base_seq;
  // Without the ACK flag tshark prints the raw field.
  v.rel_ack = s.has(tcp_flag::ack) ? ack - rev.base_seq : ack;
  v.window = (!s.has(tcp_flag::syn) && fwd.win_scale >= 0)
                 ? static_cast<std::uint64_t>(s.window) << fwd.win_scale
                 : s.window;
  v.window_scale = static_cast<std::int8_t>(fwd.win_scale);
  v.ack_base = rev.base_seq;

  // Handshake bookkeeping, after the analysis: it affects later frames only.
  if (s.has(tcp_flag::syn)) {
    if (!s.has(tcp_flag::ack)) c.syn_time = now;
    fwd.is_first_ack = true;
  }
  if ((flags & kSynAck) == tcp_flag::ack) {
    if (c.syn_time != 0 && c.first_rtt == 0) c.first_rtt = now - c.syn_time;
    fwd.is_first_ack = false;
  }
  // A window scale option captured whole counts even in a cut header; the check that follows
  // the options does not run when the header is cut.
  if (s.options.window_scale >= 0) fwd.win_scale = s.options.window_scale;
  if (!s.header_cut) {
    if (s.has(tcp_flag::syn)) {
      // A SYN without the option turns scaling off both ways.
      if (fwd.win_scale == kScaleUnknown) {
        fwd.win_scale = rev.win_scale = kScaleNotUsed;
      } else if (s.has(tcp_flag::ack) && rev.win_scale == kScaleNotUsed) {
        fwd.win_scale = kScaleNotUsed;
      }
    }
  }
  v.has_analysis = v.has_analysis || v.flags != 0 || v.acked_frame != 0;
  if (v.has_analysis) v.initial_rtt_ns = c.first_rtt;
  v.analysis_hidden = s.header_cut;
  return v;
}

}  // namespace tcplens
