#include "analysis/tcp_analyzer.hpp"

namespace tcplens {

namespace {

using namespace analysis_flag;

constexpr std::uint16_t kSynFinRst = tcp_flag::syn | tcp_flag::fin | tcp_flag::rst;

// Sequence-space comparisons, modulo 2^32.
bool seq_gt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }
bool seq_lt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
bool seq_le(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) <= 0; }

// Chooses the stream of a frame: tshark starts a new one when a SYN (without ACK) arrives on a
// 4-tuple whose current connection opened with another initial sequence number.
Connection& select_connection(ConnectionTable& table, const Segment& s, bool& opened) {
  FlowKey key = FlowKey::of(s);
  Connection* c = table.find(key);
  opened = false;
  if (c == nullptr) {
    opened = true;
    return table.open(key, s);
  }
  if ((s.flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn) {
    const Direction& fwd = c->dir[c->direction_of(s)];
    if (fwd.base_set && s.seq != fwd.base_seq) {
      opened = true;
      return table.open(key, s);
    }
  }
  return *c;
}

void learn_window_scale(const Segment& s, Direction& fwd, Direction& rev) {
  if (!s.has(tcp_flag::syn)) return;
  if (s.options.window_scale >= 0) {
    fwd.win_scale = s.options.window_scale;
  } else {
    // No option on a SYN: scaling is off in both directions.
    fwd.win_scale = kScaleNotUsed;
    if (s.has(tcp_flag::ack)) rev.win_scale = kScaleNotUsed;
  }
  if (s.has(tcp_flag::ack) && rev.win_scale == kScaleNotUsed) fwd.win_scale = kScaleNotUsed;
}

std::uint32_t scaled_window(const Segment& s, const Direction& fwd) {
  // The SYN's own window is never scaled.
  if (s.has(tcp_flag::syn) || fwd.win_scale < 0) return s.window;
  return static_cast<std::uint32_t>(s.window) << fwd.win_scale;
}

// Walks rev's unacknowledged segments with this frame's ACK number (newest first).
void process_ack(std::uint32_t ack, std::int64_t now, Direction& rev, Verdict& v) {
  auto& list = rev.unacked;
  for (std::size_t i = list.size(); i-- > 0;) {
    UnackedSegment& u = list[i];
    if (ack == u.nextseq) {
      v.has_ack_rtt = true;
      v.ack_rtt_ns = now - u.ts_ns;
      v.acked_frame = u.frame;
    } else if (seq_gt(ack, u.seq) && seq_le(ack, u.nextseq)) {
      u.seq = ack;  // partly acknowledged: keep the rest
      continue;
    } else if (seq_gt(u.nextseq, ack)) {
      continue;  // not yet acknowledged
    }
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

}  // namespace

Verdict TcpAnalyzer::analyze(const Segment& s, std::int64_t now, std::uint64_t frame) {
  Verdict v;
  Connection& c = select_connection(table_, s, v.new_stream);
  v.connection = &c;
  v.stream = c.stream;
  v.direction = c.direction_of(s);
  Direction& fwd = c.dir[v.direction];
  Direction& rev = c.dir[1 - v.direction];
  ++c.frames;

  const std::uint32_t seq = s.seq;
  const std::uint32_t ack = s.ack;
  const std::uint32_t len = s.payload_len;
  const std::uint16_t flags = s.flags;

  // Handshake RTT: from the most recent SYN to the first ACK that is not a SYN/ACK.
  if ((flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn) c.syn_time = now;
  if ((flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::ack && c.first_rtt == 0 &&
      c.syn_time != 0) {
    c.first_rtt = now - c.syn_time;
  }

  learn_window_scale(s, fwd, rev);
  const std::uint32_t window = scaled_window(s, fwd);
  v.window = window;

  // 1. Base sequence numbers for relative numbering.
  if (!fwd.base_set) {
    fwd.base_seq = (flags & tcp_flag::syn) ? seq : seq - 1;
    fwd.base_set = true;
    if (flags & tcp_flag::syn) fwd.saw_syn = true;
  }
  if (!rev.base_set && (flags & tcp_flag::ack)) {
    rev.base_seq = ack - 1;
    rev.base_set = true;
  }

  std::uint32_t f = 0;
  bool skip_to_ack = false;

  // Zero window probe: one byte at the next expected sequence into a closed window.
  if (len == 1 && seq == fwd.nextseq && rev.window == 0 && rev.window_seen) {
    f |= zero_window_probe;
    skip_to_ack = true;
  }
  if (!skip_to_ack) {
    if (window == 0 && (flags & kSynFinRst) == 0) f |= zero_window;
    if (fwd.nextseq != 0 && seq_gt(seq, fwd.nextseq) && (flags & tcp_flag::rst) == 0)
      f |= lost_segment;
    if ((len == 0 || len == 1) && seq == fwd.nextseq - 1 && (flags & kSynFinRst) == 0)
      f |= keep_alive;
    if (len == 0 && window != 0 && window != fwd.window && seq == fwd.nextseq &&
        ack == fwd.lastack && (flags & kSynFinRst) == 0)
      f |= window_update;
    if (len > 0 && rev.win_scale != kScaleUnknown && (flags & kSynFinRst) == 0) {
      std::uint32_t shift = rev.win_scale >= 0 ? static_cast<std::uint32_t>(rev.win_scale) : 0;
      (void)shift;
      if (seq + len == rev.lastack + rev.window) f |= window_full;
    }
    bool repeats_ack = len == 0 && seq == fwd.nextseq && ack == fwd.lastack &&
                       (flags & kSynFinRst) == 0;
    if (repeats_ack && window != 0 && window == fwd.window &&
        (rev.lastsegmentflags & keep_alive)) {
      f |= keep_alive_ack;
      skip_to_ack = true;
    } else if (repeats_ack && window == 0 && window == fwd.window &&
               (rev.lastsegmentflags & zero_window_probe)) {
      f |= zero_window_probe_ack;
      skip_to_ack = true;
    } else if (repeats_ack && window != 0 && window == fwd.window) {
      fwd.dupacknum = fwd.dupacknum < 0 ? 1 : fwd.dupacknum + 1;
      f |= duplicate_ack;
      v.dupack_num = fwd.dupacknum;
      v.dupack_frame = fwd.lastnondupack;
    }
  }
  // Only a new ACK number ends a run of duplicate ACKs (data frames repeating it do not).
  if (ack != fwd.lastack) {
    fwd.lastnondupack = frame;
    fwd.dupacknum = 0;
  }
  if (!skip_to_ack) {
    if (rev.maxseqtobeacked != 0 && seq_gt(ack, rev.maxseqtobeacked) && (flags & tcp_flag::ack)) {
      f |= ack_lost_segment;
      rev.maxseqtobeacked = rev.nextseq;
    }
    if ((len > 0 || (flags & (tcp_flag::syn | tcp_flag::fin))) && !(f & keep_alive)) {
      bool not_advanced = fwd.nextseq != 0 && seq_lt(seq, fwd.nextseq);
      // Unsigned, as in tshark: when time runs backwards the gap is huge, not negative.
      auto since_dupack = static_cast<std::uint64_t>(now - rev.lastack_time);
      auto since_nextseq = static_cast<std::uint64_t>(now - fwd.nextseq_time);
      auto ooo_threshold = static_cast<std::uint64_t>(c.first_rtt != 0 ? c.first_rtt : 3'000'000);
      std::uint32_t end = seq + len;
      std::uint32_t end_with_flags = end + ((flags & (tcp_flag::syn | tcp_flag::fin)) ? 1 : 0);
      if (not_advanced && rev.dupacknum >= 2 && rev.lastack == seq && since_dupack < 20'000'000) {
        f |= fast_retransmission | retransmission;
      } else if (not_advanced && since_nextseq < ooo_threshold &&
                 fwd.nextseq != end_with_flags) {
        f |= out_of_order;
      } else if (len > 0 && rev.lastack != 0 && seq_le(end, rev.lastack)) {
        f |= spurious_retransmission | retransmission;
      } else if (not_advanced) {
        f |= retransmission;
        v.has_rto = true;
        // Time since the first transmission: the eldest segment still unacknowledged.
        if (!fwd.unacked.empty()) {
          v.rto_ns = now - fwd.unacked.front().ts_ns;
          v.rto_frame = fwd.unacked.front().frame;
        } else {
          v.rto_ns = now - fwd.nextseq_time;
          v.rto_frame = fwd.nextseq_frame;
        }
      }
    }
  }

  // Bookkeeping.
  std::uint32_t nextseq = seq + len;
  if ((len > 0 || (flags & (tcp_flag::syn | tcp_flag::fin))) &&
      fwd.unacked.size() < kMaxUnackedSegments) {
    if (flags & (tcp_flag::syn | tcp_flag::fin)) nextseq += 1;
    fwd.unacked.push_back({frame, now, seq, nextseq});
  }
  if ((seq_gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !(f & zero_window_probe)) {
    fwd.nextseq = nextseq;
    fwd.nextseq_frame = frame;
    fwd.nextseq_time = now;
  }
  if (fwd.maxseqtobeacked == 0 || seq == fwd.maxseqtobeacked) fwd.maxseqtobeacked = fwd.nextseq;

  process_ack(ack, now, rev, v);

  fwd.window = window;
  fwd.window_seen = true;
  fwd.lastack = ack;
  fwd.lastack_time = now;
  fwd.lastsegmentflags = f;
  if (flags & tcp_flag::fin) fwd.fin_seen = true;
  if (flags & tcp_flag::rst) fwd.rst_seen = true;

  v.flags = f;
  v.rel_seq = seq - fwd.base_seq;
  // Without the ACK flag tshark prints the raw field.
  v.rel_ack = (flags & tcp_flag::ack) ? ack - rev.base_seq : ack;
  return v;
}

}  // namespace tcplens
