#include "cli/records.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "story/story_builder.hpp"

namespace tcplens {

RunResult stream_records(const InputOptions& input, const RunContext& ctx,
                         const std::function<void(ConnectionRecord&&)>& emit,
                         const std::function<void(const ConnectionRecord&)>& on_end) {
  TcpAnalyzer analyzer;
  StoryBuilder story;
  std::map<std::uint32_t, ConnectionRecord> waiting;
  std::uint32_t next = 0;
  auto release = [&] {
    for (auto it = waiting.begin(); it != waiting.end() && it->first == next;
         it = waiting.erase(it), ++next) {
      emit(std::move(it->second));
    }
  };
  auto hand_on = [&](ConnectionRecord&& r) {
    if (on_end) on_end(r);
    std::uint32_t stream = r.stream;
    waiting.emplace(stream, std::move(r));
  };
  // Long-idle connections are looked for as capture time passes a sixteenth of the timeout
  // (at most every second): a walk over the live connections, not a cost per frame.
  const std::int64_t idle = input.idle_timeout_ns;
  const std::int64_t sweep_step = std::max<std::int64_t>(idle / 16, 1'000'000'000);
  std::optional<std::int64_t> next_sweep;
  auto sweep_idle = [&](std::int64_t now) {
    if (!next_sweep) next_sweep = now + sweep_step;
    if (now < *next_sweep) return false;
    next_sweep = now + sweep_step;
    const std::int64_t before = now - idle;
    analyzer.retire_idle(before);
    std::vector<ConnectionRecord> idle_records = story.take_idle(now, before);
    for (auto& r : idle_records) hand_on(std::move(r));
    return !idle_records.empty();
  };
  auto sink = [&](const AnalysedFrame& f) {
    story.add(*f.segment, *f.verdict, f.ts_ns);
    std::vector<ConnectionRecord> ended = story.take_ended();
    bool any = !ended.empty();
    for (auto& r : ended) {
      // What ends a connection is one of its own frames: its analysis state goes too.
      if (r.stream == f.verdict->stream) analyzer.retire(*f.verdict->connection);
      hand_on(std::move(r));
    }
    // After this frame is told: the connection it belongs to is not idle.
    if (idle > 0) any |= sweep_idle(f.ts_ns);
    if (any) release();
    return true;
  };
  RunResult result = run_pipeline(input, analyzer, sink, ctx);
  for (auto& r : story.finish()) hand_on(std::move(r));
  for (auto& [stream, r] : waiting) emit(std::move(r));  // streams never seen leave gaps
  return result;
}

}  // namespace tcplens
