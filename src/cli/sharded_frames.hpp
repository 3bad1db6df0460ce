// `tcplens frames --threads N`: connections sharded by a flow hash over N analysers, each on its
// own thread, with the same output, byte for byte, as one analyser. The reading thread reads,
// decodes and numbers the streams (flow/stream_numbering.hpp); each shard analyses and renders
// its own connections' frames; the reading thread puts the rows back in frame order.
#pragma once

#include "cli/frames_command.hpp"

namespace tcplens {

int run_frames_sharded(const FramesOptions& options, unsigned threads, const RunContext& ctx);

}  // namespace tcplens
