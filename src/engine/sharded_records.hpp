// `tcplens summary --threads N`: connection records built and rendered by N shards of the
// connections (by a flow hash, flow/shard.hpp), each on its own thread, handed to `emit` as
// text in stream order, with the same stream numbers and contents as stream_records gives them,
// record for record.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "engine/pipeline.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

// Where a rendered record's stream number lies in its text, and the width it is right-aligned
// in (0: none): a shard renders with its own stream numbers, the global ones go in their place.
struct StreamField {
  std::size_t begin = 0;
  std::size_t end = 0;
  int width = 0;
};

// Renders a record at the end of `out` (on its shard's thread), noting its stream field
// (offsets from where the record starts); returns a flag handed on with the text (summary:
// troubled).
using RecordRender =
    std::function<bool(const ConnectionRecord&, std::string& out, StreamField& field)>;
// Receives each record's text, in stream order (on one of the shards' threads).
using RenderedEmit = std::function<void(std::string_view text, bool flag)>;

// As stream_records (cli/records.hpp) for an input that is not live, over `threads` shards.
RunResult stream_records_sharded(const InputOptions& input, const RunContext& ctx, unsigned threads,
                                 const RecordRender& render, const RenderedEmit& emit);

}  // namespace tcplens
