// The engine's output as connection records: read, analyse, build each connection's record,
// release it as it ends.
#pragma once

#include <functional>

#include "cli/pipeline.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

// Reads the input through the engine and hands every connection's record to `emit`, in stream
// order, as early as that order allows: a record waits only for the streams before it. Ended
// connections' state is released as they end, so memory follows the connections alive (and
// those waiting for an earlier, longer one). `on_end`, when given, sees each record as it ends
// (live captures report connections then).
RunResult stream_records(const InputOptions& input, const RunContext& ctx,
                         const std::function<void(ConnectionRecord&&)>& emit,
                         const std::function<void(const ConnectionRecord&)>& on_end = {});

}  // namespace tcplens
