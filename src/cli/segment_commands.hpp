// Commands that show segments: `print` (tcpdump-style lines) and `ladder` (sequence diagrams).
#pragma once

#include <optional>

#include "cli/run_end.hpp"
#include "engine/pipeline.hpp"

namespace tcplens {

struct SegmentViewOptions {
  InputOptions input;
  std::optional<std::uint32_t> stream;
  AccountOptions account;
  bool colour = false;
};

int run_print(const SegmentViewOptions& options, const RunContext& ctx);
int run_ladder(const SegmentViewOptions& options, const RunContext& ctx);

}  // namespace tcplens
