// Commands that draw: `graph` (one SVG) and `report` (one self-contained HTML file).
#pragma once

#include <optional>
#include <string>

#include "cli/run_end.hpp"
#include "engine/pipeline.hpp"
#include "render/svg_graph.hpp"
#include "story/narrative.hpp"

namespace tcplens {

struct GraphCommandOptions {
  InputOptions input;
  std::uint32_t stream = 0;
  GraphKind kind = GraphKind::time_sequence;
  std::optional<std::string> from;  // "client" or "server": whose data; default the busier side
  std::string out_path;
  Language lang = Language::en;
  AccountOptions account;
};

struct ReportOptions {
  InputOptions input;
  std::string out_path;
  std::size_t top = 20;
  Language lang = Language::en;
  AccountOptions account;
};

int run_graph(const GraphCommandOptions& options, const RunContext& ctx);
int run_report(const ReportOptions& options, const RunContext& ctx);

}  // namespace tcplens
