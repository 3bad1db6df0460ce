#include "cli/convert_command.hpp"

#include <fmt/format.h>

#include "capture/pcap_writer.hpp"

namespace tcplens {

int run_convert(const InputOptions& input, const std::string& out_path, bool quiet,
                const RunContext& ctx) {
  PcapWriter writer;
  std::string error;
  if (!writer.open(out_path, error)) {
    fmt::print(stderr, "tcplens: {}: {}\n", out_path, error);
    return kExitUnreadable;
  }
  TcpAnalyzer analyzer;
  std::uint64_t mixed = 0;
  auto sink = [&](const AnalysedFrame& f) {
    if (!writer.write(*f.raw)) ++mixed;
    return true;
  };
  RunResult result = run_pipeline(input, analyzer, sink, ctx);
  if (!writer.close(error)) {
    fmt::print(stderr, "tcplens: {}: {}\n", out_path, error);
    return kExitUnreadable;
  }
  if (mixed != 0) {
    fmt::print(stderr, "tcplens: {}: {} frames of another link type left out (pcap holds one)\n",
               out_path, mixed);
  }
  if (!quiet) fmt::print(stderr, "{}\n", account_line(result.account));
  return result.exit_status;
}

}  // namespace tcplens
