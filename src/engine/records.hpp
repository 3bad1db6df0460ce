// The engine's output as connection records: read, analyse, build each connection's record,
// release it as it ends.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>

#include "engine/pipeline.hpp"
#include "story/connection_record.hpp"
#include "story/story_builder.hpp"

namespace tcplens {

// When a record stream looks for long-idle connections and closed ones done lingering: each time
// capture time (the latest timestamp seen) enters a new step of a sixteenth of the shorter
// timeout (at most every second), steps counted from the epoch: a walk over the connections, not
// a cost per frame. A look's moment is a function of the timestamps alone, so a part of the
// frames read elsewhere (engine/cluster.hpp) can say where its frames enter a new step, and the
// looks of the whole are found from those few moments.
class IdleSchedule {
 public:
  IdleSchedule(std::int64_t idle_ns, std::int64_t linger_ns)
      : idle_ns_(std::max(idle_ns, linger_ns)),
        step_(std::max<std::int64_t>(shorter(idle_ns, linger_ns) / 16, 1'000'000'000)) {}
  // Whether a look is due after a frame stamped `now_ns` (never with a timeout of 0): the first
  // frame in a later step than every frame before it.
  bool due(std::int64_t now_ns) {
    if (idle_ns_ <= 0) return false;
    const std::int64_t step = step_of(now_ns);
    if (!last_step_) last_step_ = step;
    if (step <= *last_step_) return false;
    last_step_ = step;
    return true;
  }
  // The step `now_ns` lies in (floored: times before the epoch too).
  [[nodiscard]] std::int64_t step_of(std::int64_t now_ns) const {
    const std::int64_t q = now_ns / step_;
    return q - static_cast<std::int64_t>(now_ns % step_ < 0);
  }
  [[nodiscard]] bool active() const { return idle_ns_ > 0; }

 private:
  static std::int64_t shorter(std::int64_t a, std::int64_t b) {
    return a <= 0 ? b : b <= 0 ? a : std::min(a, b);
  }
  std::int64_t idle_ns_;
  std::int64_t step_;
  std::optional<std::int64_t> last_step_;
};

// The connections of a record stream (all, or one shard's): each analysed frame told to the
// story; records no more frames can join (their 4-tuple started a new stream, they lingered
// closed for `linger_ns`, or went idle) handed to `take`, their analysis state released. Both
// return whether any record was taken.
struct RecordMaker {
  TcpAnalyzer analyzer;
  StoryBuilder story;
  std::int64_t linger_ns = InputOptions{}.linger_ns;

  template <class Take>
  bool tell(const Segment& s, const Verdict& v, std::int64_t ts_ns, Take&& take) {
    story.add(s, v, ts_ns);
    // A new stream on the 4-tuple releases a record here (the analysis has moved on), and
    // without a linger (live captures) a connection as it closes.
    std::vector<ConnectionRecord> ended = story.take_ended();
    for (ConnectionRecord& r : ended) take(std::move(r));
    bool any = !ended.empty();
    if (linger_ns <= 0 && story.lingering() > 0) {
      any |= take_closed(std::numeric_limits<std::int64_t>::max(), take);
    }
    return any;
  }
  template <class Take>
  bool sweep(std::int64_t now_ns, std::int64_t idle_ns, Take&& take) {
    bool any = false;
    if (idle_ns > 0) {
      const std::int64_t before = now_ns - idle_ns;
      analyzer.retire_idle(before);
      std::vector<ConnectionRecord> idle = story.take_idle(now_ns, before);
      for (ConnectionRecord& r : idle) take(std::move(r));
      any = !idle.empty();
    }
    if (linger_ns > 0) any |= take_closed(now_ns - linger_ns, take);
    return any;
  }
  // The closed connections with no frame since `before_ns`, their analysis state released.
  template <class Take>
  bool take_closed(std::int64_t before_ns, Take&& take) {
    std::vector<ConnectionRecord> done = story.take_lingered(before_ns);
    for (ConnectionRecord& r : done) {
      const Endpoint& a = r.client().endpoint;
      const Endpoint& b = r.server().endpoint;
      analyzer.retire(a < b ? FlowKey{a, b} : FlowKey{b, a}, r.stream);
      take(std::move(r));
    }
    return !done.empty();
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
