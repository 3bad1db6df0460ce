// `frames --threads N`: connections sharded by a flow hash (flow/shard.hpp) over N
// analysers, each on its own thread, with the same output, byte for byte, as one analyser.
// The reading thread is shard 0: it decodes every frame, analyses its own connections' frames at
// once and queues the others' decoded segments in batches for their shards' threads.
// Each shard numbers its own streams; the last shard's thread also merges each batch's rows in
// frame order and writes them, with global stream numbers in place of the shards' own.
#pragma once

#include "engine/pipeline.hpp"
#include "render/frame_writer.hpp"
#include "render/output_buffer.hpp"

namespace tcplens {

// Writes every TCP frame's row (the 23 columns, or `fields`: render/fields.hpp) to `out` in frame
// order; `headed` says whether the TSV header went out (with the first row). `fields` (may be null:
// the 23 columns) must ask for tcp.stream at most once.
RunResult sharded_frames(const InputOptions& input, FrameFormat format, const FieldLayout* fields,
                         unsigned threads, OutputBuffer& out, bool& headed, const RunContext& ctx);

}  // namespace tcplens
