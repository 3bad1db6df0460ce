#include "cli/records.hpp"

#include <map>

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
  auto sink = [&](const AnalysedFrame& f) {
    story.add(*f.segment, *f.verdict, f.ts_ns);
    std::vector<ConnectionRecord> ended = story.take_ended();
    if (ended.empty()) return true;
    for (auto& r : ended) {
      // What ends a connection is one of its own frames: its analysis state goes too.
      if (r.stream == f.verdict->stream) analyzer.retire(*f.verdict->connection);
      if (on_end) on_end(r);
      std::uint32_t stream = r.stream;
      waiting.emplace(stream, std::move(r));
    }
    release();
    return true;
  };
  RunResult result = run_pipeline(input, analyzer, sink, ctx);
  for (auto& r : story.finish()) {
    if (on_end) on_end(r);
    std::uint32_t stream = r.stream;
    waiting.emplace(stream, std::move(r));
  }
  for (auto& [stream, r] : waiting) emit(std::move(r));  // streams never seen leave gaps
  return result;
}

}  // namespace tcplens
