#include "cli/summary_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "render/output_buffer.hpp"
#include "render/summary_writer.hpp"
#include "story/story_builder.hpp"

namespace tcplens {

int run_summary(const SummaryOptions& options, const RunContext& ctx) {
  TcpAnalyzer analyzer;
  StoryBuilder story;
  auto sink = [&](const AnalysedFrame& f) {
    story.add(*f.segment, *f.verdict, f.ts_ns);
    return true;
  };
  RunResult result = run_pipeline(options.input, analyzer, sink, ctx);
  if (result.exit_status == kExitUsage ||
      (result.exit_status == kExitUnreadable && result.account.frames_read == 0)) {
    return result.exit_status;
  }
  std::vector<ConnectionRecord> records = story.finish();
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
  out.flush();
  if (out.closed()) return out.failed() ? kExitUnreadable : kExitOk;
  if (!options.quiet) fmt::print(stderr, "{}\n", account_line(result.account));
  return result.exit_status;
}

}  // namespace tcplens
