// `tcplens summary`: one record per connection (a table, or JSON Lines with --json).
#pragma once

#include "cli/pipeline.hpp"

namespace tcplens {

struct SummaryOptions {
  InputOptions input;
  bool json = false;
  bool quiet = false;
};

int run_summary(const SummaryOptions& options, const RunContext& ctx);

}  // namespace tcplens
