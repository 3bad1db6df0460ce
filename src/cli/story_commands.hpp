// The commands that tell connections' stories: `summary` (records) and `explain` (prose).
#pragma once

#include <optional>

#include "cli/run_end.hpp"
#include "engine/pipeline.hpp"
#include "story/narrative.hpp"

namespace tcplens {

struct SummaryOptions {
  InputOptions input;
  bool json = false;
  AccountOptions account;
  unsigned threads = 1;  // shards of the connections (cli/sharded_records.hpp); live: 1
  bool colour = false;   // the troubled rows' verdicts in red (a terminal)
};

struct ExplainOptions {
  InputOptions input;
  std::optional<std::uint32_t> stream;
  Language lang = Language::en;
  AccountOptions account;
};

int run_summary(const SummaryOptions& options, const RunContext& ctx);
int run_explain(const ExplainOptions& options, const RunContext& ctx);

}  // namespace tcplens
