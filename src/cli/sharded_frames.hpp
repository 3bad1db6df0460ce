// `tcplens frames --threads N`: connections sharded by a flow hash (flow/shard.hpp) over N
// analysers, each on its own thread, with the same output, byte for byte, as one analyser.
// The reading thread is shard 0: it decodes every frame, analyses its own connections' frames at
// once and queues the others' decoded segments in batches for their shards' threads.
// Each shard numbers its own streams; the last shard's thread also merges each batch's rows in
// frame order and writes them, with global stream numbers in place of the shards' own.
#pragma once

#include "cli/frames_command.hpp"

namespace tcplens {

int run_frames_sharded(const FramesOptions& options, unsigned threads, const RunContext& ctx);

// The analysers a `frames` run gets: one for a live capture (its rows come out as frames come
// in, where sharded rows wait for a full batch; one analyser keeps up with a busy link); else
// `requested`, or when that is 0 (not given) all cores for capture files of 64 MiB or more in
// all, and one otherwise. Sharding pays only once there is enough to share: on small files (or
// connections that follow one another) starting threads and merging their rows cost more than
// they save; pipes, whose size is unknown, keep one analyser.
unsigned frame_threads(unsigned requested, const InputOptions& input);

}  // namespace tcplens
