// Words for one segment, shared by `print` (tcpdump's line) and `ladder` (an arrow's label):
// tcpdump's flag letters and Wireshark's names for the analysis verdicts.
#pragma once

#include <cstdint>
#include <string>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"

namespace tcplens {

// tcpdump's notation: "S", "S.", "P.", "F.", "R", "." , "none".
std::string tcpdump_flags(std::uint16_t flags);
// "SYN,ACK", "PSH,ACK", … as Wireshark's Info column lists them.
std::string flag_names(std::uint16_t flags);
// Wireshark's words, e.g. "TCP Retransmission", "TCP Dup ACK 8#3"; comma-separated; empty if none.
std::string verdict_words(const Verdict& v);
// tcpdump's option list for what we decoded: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7".
std::string option_list(const TcpOptions& o);

}  // namespace tcplens
