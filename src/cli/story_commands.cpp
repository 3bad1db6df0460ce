#include "cli/story_commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

#include "render/output_buffer.hpp"
#include "render/summary_writer.hpp"
#include "story/story_builder.hpp"

namespace tcplens {

namespace {

// Reads the input through the engine into one record per connection, in stream order. Ended
// connections' state is released as they end; `on_ended`, when given, sees each record then
// (live captures report connections as they end).
std::vector<ConnectionRecord> collect_records(
    const InputOptions& input, const RunContext& ctx, RunResult& result,
    const std::function<void(const ConnectionRecord&)>& on_ended = {}) {
  TcpAnalyzer analyzer;
  StoryBuilder story;
  std::vector<ConnectionRecord> done;
  auto sink = [&](const AnalysedFrame& f) {
    story.add(*f.segment, *f.verdict, f.ts_ns);
    for (auto& r : story.take_ended()) {
      if (on_ended) on_ended(r);
      done.push_back(std::move(r));
    }
    return true;
  };
  result = run_pipeline(input, analyzer, sink, ctx);
  std::vector<ConnectionRecord> rest = story.finish();
  if (on_ended) {
    for (const auto& r : rest) on_ended(r);
  }
  done.insert(done.end(), std::make_move_iterator(rest.begin()),
              std::make_move_iterator(rest.end()));
  std::sort(done.begin(), done.end(),
            [](const ConnectionRecord& a, const ConnectionRecord& b) { return a.stream < b.stream; });
  return done;
}

bool nothing_read(const RunResult& result) {
  return result.exit_status == kExitUsage ||
         (result.exit_status == kExitUnreadable && result.account.frames_read == 0);
}

int finish(OutputBuffer& out, const RunResult& result, bool quiet) {
  out.flush();
  if (out.closed()) return out.failed() ? kExitUnreadable : kExitOk;
  if (!quiet) fmt::print(stderr, "{}\n", account_line(result.account));
  return result.exit_status;
}

}  // namespace

int run_summary(const SummaryOptions& options, const RunContext& ctx) {
  RunResult result;
  OutputBuffer out(STDOUT_FILENO);
  // Live: each connection is printed when it ends (the rest on Ctrl-C), not in stream order.
  const bool live = !options.input.interface.empty();
  std::function<void(const ConnectionRecord&)> on_ended;
  if (live) {
    if (!options.json) append_summary_table(out.raw(), {});  // the header
    out.flush();
    on_ended = [&](const ConnectionRecord& r) {
      if (options.json) {
        append_summary_json(out.raw(), r);
        out.put('\n');
      } else {
        append_summary_rows(out.raw(), {r});
      }
      out.flush();
    };
  }
  std::vector<ConnectionRecord> records = collect_records(options.input, ctx, result, on_ended);
  if (nothing_read(result)) return result.exit_status;
  if (!live) {
    if (options.json) {
      for (const auto& r : records) {
        append_summary_json(out.raw(), r);
        out.put('\n');
        out.maybe_flush();
      }
    } else {
      append_summary_table(out.raw(), records);
    }
  }
  return finish(out, result, options.quiet);
}

int run_explain(const ExplainOptions& options, const RunContext& ctx) {
  RunResult result;
  std::vector<ConnectionRecord> records = collect_records(options.input, ctx, result);
  if (nothing_read(result)) return result.exit_status;
  OutputBuffer out(STDOUT_FILENO);
  bool found = false;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (options.stream && records[i].stream != *options.stream) continue;
    if (found) out.put('\n');
    found = true;
    out.append(explain(records, i, options.lang));
    out.maybe_flush();
  }
  if (options.stream && !found) {
    fmt::print(stderr, "tcplens: explain: no stream {} in the input ({} streams)\n",
               *options.stream, records.size());
    return kExitUsage;
  }
  return finish(out, result, options.quiet);
}

}  // namespace tcplens
