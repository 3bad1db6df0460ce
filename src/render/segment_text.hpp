// Words for one segment, shared by `print` and `ladder` (an arrow's label): Wireshark's names
// for the flags and the analysis verdicts, and their colours on a terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"

namespace tcplens {

// "SYN,ACK", "PSH,ACK", … as Wireshark's Info column lists them.
std::string flag_names(std::uint16_t flags);
// Wireshark's words, e.g. "TCP Retransmission", "TCP Dup ACK 8#3"; comma-separated; empty if none.
std::string verdict_words(const Verdict& v);
// The terminal colour for a verdict's words (verdict_words): red when data was lost or resent,
// yellow otherwise; kColourReset ends it.
std::string_view verdict_colour(std::string_view words);
inline constexpr std::string_view kColourReset = "\033[0m";

}  // namespace tcplens
