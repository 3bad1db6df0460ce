// `tcplens frames --threads N`: connections sharded by a flow hash over N analysers, each on its
// own thread, with the same output, byte for byte, as one analyser. The reading thread reads and
// decodes, and deals each frame to its connection's shard (flow/shard.hpp); each shard analyses
// and renders its own connections' frames, numbering their streams itself; the reading thread
// puts the rows back in frame order, each shard's stream numbers replaced by the global ones
// (streams numbered in the order their first frames come, as one analyser numbers them).
#pragma once

#include "cli/frames_command.hpp"

namespace tcplens {

int run_frames_sharded(const FramesOptions& options, unsigned threads, const RunContext& ctx);

}  // namespace tcplens
