#include "cli/frames_command.hpp"

#include <unistd.h>

#include "engine/sharded_frames.hpp"

namespace tcplens {

int run_frames(const FramesOptions& options, const RunContext& context) {
  OutputBuffer out(STDOUT_FILENO);
  RunContext ctx = context;
  LiveFlush live(out, options.input, ctx);
  FrameWriter writer(out, options.format, options.field_layout());
  TcpAnalyzer analyzer(options.field_layout() != nullptr);
  // The header comes with the first row, or at the end when something was read: an input that
  // could not be opened leaves stdout empty.
  bool headed = false;
  auto sink = [&](const AnalysedFrame& f) {
    if (!headed) {
      writer.header();
      headed = true;
    }
    writer.row(FrameRow{f.number, f.ts_ns, f.segment, f.verdict,
                        static_cast<std::uint32_t>(f.raw->bytes.size()), f.raw->wire_len,
                        f.ts_ns - f.raw->first_ts_ns, f.ts_ns - f.raw->previous_ts_ns});
    live.after_frame(f.ts_ns);
    return !out.closed();
  };
  RunResult result = run_pipeline(options.input, analyzer, sink, ctx);
  return finish_frames(out, options, headed, result);
}

int run_frames_sharded(const FramesOptions& options, unsigned threads, const RunContext& ctx) {
  OutputBuffer out(STDOUT_FILENO);
  bool headed = false;
  RunResult result = sharded_frames(options.input, options.format, options.field_layout(), threads,
                                    out, headed, ctx);
  return finish_frames(out, options, headed, result);
}

int finish_frames(OutputBuffer& out, const FramesOptions& options, bool headed,
                  const RunResult& result) {
  if (result.account.frames_read + (result.exit_status == kExitOk) > 0 && !headed) {
    append_frame_header(out.raw(), options.format, options.field_layout());
  }
  return finish_run(out, result, options.account);
}

}  // namespace tcplens
