#include "engine/records.hpp"

#include <map>

namespace tcplens {

RunResult stream_records(const InputOptions& input, const RunContext& ctx,
                         const std::function<void(ConnectionRecord&&)>& emit,
                         const std::function<void(const ConnectionRecord&)>& on_end) {
  RecordMaker maker;
  maker.linger_ns = input.linger_ns;
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
  IdleSchedule idle(input.idle_timeout_ns, input.linger_ns);
  auto sink = [&](const AnalysedFrame& f) {
    bool any = maker.tell(*f.segment, *f.verdict, f.ts_ns, hand_on);
    // After this frame is told: the connection it belongs to is not idle.
    if (idle.due(f.ts_ns)) any |= maker.sweep(f.ts_ns, input.idle_timeout_ns, hand_on);
    if (any) release();
    return true;
  };
  RunResult result = run_pipeline(input, maker.analyzer, sink, ctx);
  maker.story.finish_each(hand_on);
  result.account.frames_after_end = maker.story.frames_after_end();
  for (auto& [stream, r] : waiting) emit(std::move(r));  // streams never seen leave gaps
  return result;
}

}  // namespace tcplens
