// Builds one ConnectionRecord per stream from the engine's per-frame verdicts (the story's
// events). Memory per connection: its facts, the segments in flight, and a bounded RTT sample.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

class StoryBuilder {
 public:
  void add(const Segment& segment, const Verdict& verdict, std::int64_t ts_ns);
  // Records of the connections that ended (RST, or both FINs acknowledged) since the last call;
  // their state is released. Later frames of an ended stream are counted, not tracked.
  std::vector<ConnectionRecord> take_ended();
  // Records of the connections with no frame since `before_ns` (long idle), in stream order,
  // released as take_ended() releases them; `now_ns` is noted in each (released_idle_ns).
  std::vector<ConnectionRecord> take_idle(std::int64_t now_ns, std::int64_t before_ns);
  // The records of the streams not yet taken, in stream order. The builder is empty afterwards.
  std::vector<ConnectionRecord> finish();
  [[nodiscard]] std::uint64_t frames_after_end() const { return frames_after_end_; }

 private:
  // A segment sent and not yet acknowledged, by relative sequence (retransmission episodes).
  struct InFlight {
    std::uint32_t seq;
    std::uint32_t end;
    std::int64_t first_ns;
    std::int32_t episode;  // index into the record's episodes, -1 while sent once
  };
  struct DirectionTrack {
    std::vector<InFlight> in_flight;  // sorted by seq; [head, size) are live
    std::size_t head = 0;
    bool zero_window_open = false;
    std::size_t zero_window_stall = 0;
  };
  struct Tracker {
    ConnectionRecord record;  // sides indexed by analysis direction until finish()
    DirectionTrack dir[2];
    int client_direction = -1;
    std::int64_t last_syn_ns = -1;
    std::vector<std::int64_t> rtt_ns;
    std::uint32_t rtt_stride = 1;  // keep every stride-th sample once the cap is reached
    std::uint64_t rtt_seen = 0;
    DiagnosisTracker diagnosis;
    bool ended = false;
  };

  void track_segment(Tracker& t, int d, const Segment& s, const Verdict& v, std::int64_t ts);
  void acknowledge(Tracker& t, int d, std::uint32_t ack_rel);
  static ConnectionRecord complete(Tracker& t);
  // A stream taken (ended or idle): its later frames are counted, not tracked.
  void mark_ended(std::uint32_t stream);
  static void sort_by_stream(std::vector<ConnectionRecord>& records);

  std::unordered_map<std::uint32_t, Tracker> trackers_;  // live connections, by stream
  std::vector<bool> ended_;                              // one bit per stream: taken already
  std::vector<std::uint32_t> newly_ended_;
  std::uint64_t frames_after_end_ = 0;
};

}  // namespace tcplens
