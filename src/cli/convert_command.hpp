// `tcplens convert IN... -w OUT.pcap`: any input (tcpdump text above all) written as a capture,
// so tshark or Wireshark can check what tcplens read.
#pragma once

#include "engine/pipeline.hpp"

namespace tcplens {

int run_convert(const InputOptions& input, const std::string& out_path, bool quiet,
                const RunContext& ctx);

}  // namespace tcplens
