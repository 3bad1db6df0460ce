// `tcplens convert IN... -w OUT.pcap`: any input (tcpdump text above all) written as a capture,
// every frame of it (TCP or not), so tshark or Wireshark can check what tcplens read.
#pragma once

#include "cli/run_end.hpp"
#include "engine/pipeline.hpp"

namespace tcplens {

int run_convert(const InputOptions& input, const std::string& out_path,
                const AccountOptions& account, const RunContext& ctx);

}  // namespace tcplens
