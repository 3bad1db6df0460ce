// Writes every hand-built scenario as DIR/NAME.pcap, for tshark to analyse the same bytes.
#include <cstdio>

#include "analysis/scenarios.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: dump_scenarios DIR\n");
    return 2;
  }
  for (const auto& sc : tcplens::test::scenarios()) {
    tcplens::test::write_file(std::string(argv[1]) + "/" + sc.name + ".pcap",
                              tcplens::test::scenario_pcap(sc));
  }
  return 0;
}
