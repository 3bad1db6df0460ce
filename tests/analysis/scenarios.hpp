// Hand-built TCP conversations, one per analysis flag, shared by the analysis unit tests and
// the tshark cross-check (tests/analysis/tshark_crosscheck.sh runs tshark on the same bytes).
#pragma once

#include <string>
#include <vector>

#include "support/packet_builder.hpp"

namespace tcplens::test {

struct Step {
  bool from_client = true;
  double t = 0;           // seconds since the scenario's start
  std::uint32_t seq = 0;  // relative to the sender's ISN
  std::uint32_t ack = 0;  // relative to the receiver's ISN
  std::uint16_t flags = 0;
  std::uint32_t len = 0;
  std::uint16_t window = 1000;
  Bytes options{};
  std::uint16_t client_port = 40000;  // to vary the 4-tuple
  std::uint32_t client_isn = 1000;
};

struct Scenario {
  std::string name;
  std::vector<Step> steps;
};

// All the scenarios.
const std::vector<Scenario>& scenarios();

// The frames of a scenario as an Ethernet pcap image (microsecond timestamps).
Bytes scenario_pcap(const Scenario& s);

}  // namespace tcplens::test
