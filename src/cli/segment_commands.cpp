#include "cli/segment_commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "render/ladder.hpp"
#include "render/output_buffer.hpp"
#include "render/print_writer.hpp"

namespace tcplens {

int run_print(const SegmentViewOptions& options, const RunContext& context) {
  OutputBuffer out(STDOUT_FILENO);
  RunContext ctx = context;
  LiveFlush live(out, options.input, ctx);
  TcpAnalyzer analyzer;
  PrintWriter printer(options.colour, options.input.idle_timeout_ns);
  auto sink = [&](const AnalysedFrame& f) {
    const bool show = !options.stream || f.verdict->stream == *options.stream;
    printer.add(out.raw(), f.ts_ns, f.raw->bytes, f.raw->wire_len, *f.segment, *f.verdict, show);
    if (!show) return true;
    out.maybe_flush();
    live.after_frame(f.ts_ns);
    return !out.closed();
  };
  RunResult result = run_pipeline(options.input, analyzer, sink, ctx);
  return finish_run(out, result, options.account);
}

int run_ladder(const SegmentViewOptions& options, const RunContext& ctx) {
  TcpAnalyzer analyzer;
  LadderWriter ladder(options.colour, options.stream);
  auto sink = [&](const AnalysedFrame& f) {
    ladder.add(*f.segment, *f.verdict, f.ts_ns);
    return true;
  };
  RunResult result = run_pipeline(options.input, analyzer, sink, ctx);
  OutputBuffer out(STDOUT_FILENO);
  if (options.stream && !ladder.found() && result.account.frames_read > 0) {
    fmt::print(stderr, "tcplens: ladder: no stream {} in the input\n", *options.stream);
    return kExitUsage;
  }
  ladder.finish(out.raw());
  return finish_run(out, result, options.account);
}

}  // namespace tcplens
