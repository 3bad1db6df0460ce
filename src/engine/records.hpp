// The engine's output as connection records: read, analyse, build each connection's record,
// release it as it ends.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>

#include "engine/pipeline.hpp"
#include "story/connection_record.hpp"
#include "story/story_builder.hpp"

namespace tcplens {

// When a record stream looks for long-idle connections: as capture time passes a sixteenth of
// the timeout (at most every second), a walk over the live connections, not a cost per frame.
class IdleSchedule {
 public:
  explicit IdleSchedule(std::int64_t idle_ns)
      : idle_ns_(idle_ns), step_(std::max<std::int64_t>(idle_ns / 16, 1'000'000'000)) {}
  // Whether a look is due after a frame stamped `now_ns` (never with a timeout of 0).
  bool due(std::int64_t now_ns) {
    if (idle_ns_ <= 0) return false;
    if (!next_) next_ = now_ns + step_;
    if (now_ns < *next_) return false;
    next_ = now_ns + step_;
    return true;
  }

 private:
  std::int64_t idle_ns_;
  std::int64_t step_;
  std::optional<std::int64_t> next_;
};

// The connections of a record stream (all, or one shard's): each analysed frame told to the
// story; records of the connections that end or go idle handed to `take`, their analysis state
// released. Both return whether any record was taken.
struct RecordMaker {
  TcpAnalyzer analyzer;
  StoryBuilder story;

  template <class Take>
  bool tell(const Segment& s, const Verdict& v, std::int64_t ts_ns, Take&& take) {
    story.add(s, v, ts_ns);
    std::vector<ConnectionRecord> ended = story.take_ended();
    for (ConnectionRecord& r : ended) {
      // What ends a connection is one of its own frames: its analysis state goes too.
      if (r.stream == v.stream) analyzer.retire(*v.connection);
      take(std::move(r));
    }
    return !ended.empty();
  }
  template <class Take>
  bool sweep(std::int64_t now_ns, std::int64_t idle_ns, Take&& take) {
    const std::int64_t before = now_ns - idle_ns;
    analyzer.retire_idle(before);
    std::vector<ConnectionRecord> idle = story.take_idle(now_ns, before);
    for (ConnectionRecord& r : idle) take(std::move(r));
    return !idle.empty();
  }
};

// Reads the input through the engine and hands every connection's record to `emit`, in stream
// order, as early as that order allows: a record waits only for the streams before it. Ended
// connections' state is released as they end, so memory follows the connections alive (and
// those waiting for an earlier, longer one). `on_end`, when given, sees each record as it ends
// (live captures report connections then).
RunResult stream_records(const InputOptions& input, const RunContext& ctx,
                         const std::function<void(ConnectionRecord&&)>& emit,
                         const std::function<void(const ConnectionRecord&)>& on_end = {});

}  // namespace tcplens
