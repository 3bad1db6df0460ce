// `tcplens frames`: one row per TCP frame, tshark's 23 columns (or JSON Lines).
#pragma once

#include "cli/pipeline.hpp"
#include "render/frame_writer.hpp"

namespace tcplens {

struct FramesOptions {
  InputOptions input;
  FrameFormat format = FrameFormat::tsv;
  bool quiet = false;
};

int run_frames(const FramesOptions& options, const RunContext& ctx);

}  // namespace tcplens
