#include "cli/frames_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace tcplens {

int run_frames(const FramesOptions& options, const RunContext& ctx) {
  OutputBuffer out(STDOUT_FILENO);
  FrameWriter writer(out, options.format);
  writer.header();
  TcpAnalyzer analyzer;
  auto sink = [&](const AnalysedFrame& f) {
    writer.row(FrameRow{f.number, f.ts_ns, f.segment, f.verdict});
    return !out.closed();
  };
  RunResult result = run_pipeline(options.input, analyzer, sink, ctx);
  out.flush();
  if (out.closed()) return out.failed() ? kExitUnreadable : kExitOk;  // reader went away: quietly
  if (!options.quiet && result.exit_status != kExitUsage) {
    fmt::print(stderr, "{}\n", account_line(result.account));
  }
  return result.exit_status;
}

}  // namespace tcplens
