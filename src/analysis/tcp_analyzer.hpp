// Wireshark 4.0's TCP sequence analysis (packet-tcp.c, default preferences), frame by frame in
// file order. The rules and their order are documented in docs/analysis.md.
#pragma once

#include <cstdint>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"
#include "flow/connection_table.hpp"

namespace tcplens {

class TcpAnalyzer {
 public:
  // Analyses one TCP segment; `frame` is its frame number in the input (1-based).
  Verdict analyze(const Segment& segment, std::int64_t ts_ns, std::uint64_t frame);

  [[nodiscard]] ConnectionTable& connections() { return table_; }
  // Forgets an ended connection's analysis state (only stream numbering survives). Frames of it
  // seen later are analysed from fresh state: for the story, not for tshark-exact `frames`.
  void retire(const Connection& c) { table_.retire(c); }
  // Retires the 4-tuple's connection if it is still `stream`.
  void retire(const FlowKey& key, std::uint32_t stream) {
    if (Connection* c = table_.find(key); c != nullptr && c->stream == stream) table_.retire(*c);
  }
  // Retires the connections with no frame since `before_ns` (long idle), as retire() does.
  std::size_t retire_idle(std::int64_t before_ns) { return table_.retire_idle(before_ns); }

 private:
  ConnectionTable table_;
};

}  // namespace tcplens
