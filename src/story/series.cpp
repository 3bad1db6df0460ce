#include "story/series.hpp"

namespace tcplens {

bool SeriesPoint::is_event() const {
  constexpr std::uint32_t kEvents = analysis_flag::any_retransmission |
                                    analysis_flag::out_of_order | analysis_flag::lost_segment |
                                    analysis_flag::zero_window | analysis_flag::zero_window_probe |
                                    analysis_flag::keep_alive | analysis_flag::duplicate_ack;
  return (flags & kEvents) || (tcp_flags & (tcp_flag::syn | tcp_flag::fin | tcp_flag::rst)) ||
         sack_count > 0;
}

void SeriesCollector::add(const Segment& s, const Verdict& v, std::int64_t ts) {
  if (!wanted_.empty() && !wanted_.count(v.stream)) return;
  auto [it, fresh] = series_.try_emplace(v.stream);
  ConnectionSeries& cs = it->second;
  if (fresh) {
    cs.stream = v.stream;
    cs.first = v.connection->first;
    cs.second = v.connection->second;
    cs.start_ns = ts;
  }
  SeriesPoint p;
  p.t_ns = ts - cs.start_ns;
  p.direction = static_cast<std::uint8_t>(v.direction);
  p.tcp_flags = s.flags;
  p.flags = v.analysis_hidden ? 0 : v.flags;
  p.seq = v.rel_seq;
  p.len = s.payload_len;
  p.ack = s.has(tcp_flag::ack) ? v.rel_ack : 0;
  p.window = v.window;
  if (v.has_ack_rtt && !v.analysis_hidden) p.ack_rtt_ns = v.ack_rtt_ns;
  if (s.has(tcp_flag::ack) && s.options.sack_count) {
    // SACK blocks speak of the other direction's data: relative to its base (ack - rel_ack).
    std::uint32_t base = s.ack - v.rel_ack;
    p.sack_count = s.options.sack_count;
    for (std::uint8_t i = 0; i < s.options.sack_count; ++i) {
      p.sack[i] = {s.options.sack[i].left - base, s.options.sack[i].right - base};
    }
  }
  Thinning& th = thinning_[v.stream];
  bool keep = p.is_event() || (th.seen++ % th.stride == 0);
  if (!keep) {
    ++cs.thinned;
    return;
  }
  cs.points.push_back(p);
  if (cs.points.size() >= kMaxSeriesPoints) {
    // Halve the plain points, keep every event.
    std::vector<SeriesPoint> kept;
    kept.reserve(cs.points.size());
    std::uint64_t k = 0;
    for (const auto& q : cs.points) {
      if (q.is_event() || (k++ % 2 == 0)) {
        kept.push_back(q);
      } else {
        ++cs.thinned;
      }
    }
    cs.points = std::move(kept);
    th.stride *= 2;
  }
}

}  // namespace tcplens
