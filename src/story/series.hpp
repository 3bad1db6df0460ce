// Per-frame points of chosen connections, for pictures (time-sequence, RTT, throughput graphs).
// Memory is bounded per connection: past the cap, plain frames are thinned evenly while every
// event (retransmission, zero window, SYN/FIN/RST, SACK) is kept.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"
#include "flow/connection.hpp"

namespace tcplens {

struct SeriesPoint {
  std::int64_t t_ns = 0;       // since the connection's first frame
  std::uint8_t direction = 0;  // the analysis' direction (0: the stream's first sender)
  std::uint16_t tcp_flags = 0;
  std::uint32_t flags = 0;  // analysis flags
  std::uint32_t seq = 0;    // relative
  std::uint32_t len = 0;
  std::uint32_t ack = 0;     // relative, when the ACK flag is set
  std::uint64_t window = 0;  // scaled
  std::int64_t ack_rtt_ns = -1;
  std::uint8_t sack_count = 0;
  std::array<std::pair<std::uint32_t, std::uint32_t>, 4> sack{};  // relative to the data's sender
  bool is_event() const;
};

struct ConnectionSeries {
  std::uint32_t stream = 0;
  Endpoint first, second;  // direction 0 is first → second
  std::int64_t start_ns = 0;
  std::vector<SeriesPoint> points;
  std::uint64_t thinned = 0;  // plain frames left out
};

inline constexpr std::size_t kMaxSeriesPoints = 200000;

class SeriesCollector {
 public:
  // Collects the given streams, or every stream when `streams` is empty.
  explicit SeriesCollector(std::set<std::uint32_t> streams = {}) : wanted_(std::move(streams)) {}
  void add(const Segment& s, const Verdict& v, std::int64_t ts_ns);
  std::map<std::uint32_t, ConnectionSeries>& series() { return series_; }

 private:
  struct Thinning {
    std::uint64_t seen = 0;
    std::uint64_t stride = 1;
  };
  std::set<std::uint32_t> wanted_;
  std::map<std::uint32_t, ConnectionSeries> series_;
  std::map<std::uint32_t, Thinning> thinning_;
};

}  // namespace tcplens
