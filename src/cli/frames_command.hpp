// `tcplens frames`: one row per TCP frame, tshark's 23 columns (or JSON Lines).
#pragma once

#include "cli/run_end.hpp"
#include "engine/pipeline.hpp"
#include "render/fields.hpp"
#include "render/frame_writer.hpp"

namespace tcplens {

struct FramesOptions {
  InputOptions input;
  FrameFormat format = FrameFormat::tsv;
  FieldLayout fields;  // -e: these fields; none: the 23 columns
  AccountOptions account;

  [[nodiscard]] const FieldLayout* field_layout() const {
    return fields.ids.empty() ? nullptr : &fields;
  }
};

int run_frames(const FramesOptions& options, const RunContext& ctx);
// The same with `threads` analysers (engine/sharded_frames.hpp), same bytes out.
int run_frames_sharded(const FramesOptions& options, unsigned threads, const RunContext& ctx);

// The end of a `frames` run, with one analyser or several: when something was read, the TSV
// header if no row brought it (`headed`) and the JSON account; then finish_run.
int finish_frames(OutputBuffer& out, const FramesOptions& options, bool headed,
                  const RunResult& result);

}  // namespace tcplens
