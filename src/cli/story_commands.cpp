#include "cli/story_commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "render/output_buffer.hpp"
#include "render/summary_writer.hpp"
#include "story/story_builder.hpp"

namespace tcplens {

namespace {

// Reads the input through the engine into one record per connection.
std::vector<ConnectionRecord> collect_records(const InputOptions& input, const RunContext& ctx,
                                              RunResult& result) {
  TcpAnalyzer analyzer;
  StoryBuilder story;
  auto sink = [&](const AnalysedFrame& f) {
    story.add(*f.segment, *f.verdict, f.ts_ns);
    return true;
  };
  result = run_pipeline(input, analyzer, sink, ctx);
  return story.finish();
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
  std::vector<ConnectionRecord> records = collect_records(options.input, ctx, result);
  if (nothing_read(result)) return result.exit_status;
  OutputBuffer out(STDOUT_FILENO);
  if (options.json) {
    for (const auto& r : records) {
      append_summary_json(out.raw(), r);
      out.put('\n');
      out.maybe_flush();
    }
  } else {
    append_summary_table(out.raw(), records);
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
