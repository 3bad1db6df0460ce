// `tcplens explain`: a connection's story told in prose, every number taken from its record.
#pragma once

#include <string>
#include <vector>

#include "story/connection_record.hpp"
#include "story/messages.hpp"

namespace tcplens {

// The story of `records[i]`; the other records give context (refused attempts before it).
std::string explain(const std::vector<ConnectionRecord>& records, std::size_t i, Language lang);

// A state's and a verdict's name for people (in English, the summary's names).
std::string state_text(ConnectionState s, Language lang);
std::string verdict_text(DiagnosisVerdict v, Language lang);

// Linux's default give-up time for a segment never acknowledged: tcp_retries2 = 15 with
// TCP_RTO_MIN 200 ms and TCP_RTO_MAX 120 s gives 924.6 s (net/ipv4/tcp_timer.c).
double linux_give_up_seconds(int retries2 = 15);

}  // namespace tcplens
