// `tcplens print`: one line per TCP frame exactly as `tcpdump -nn` prints it up to its
// "length N" (TcpdumpLine), then the analysis verdicts in brackets (coloured on a terminal).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"
#include "render/tcpdump_line.hpp"

namespace tcplens {

class PrintWriter {
 public:
  // `forget_after_ns`: see TcpdumpLine.
  explicit PrintWriter(bool colour, std::int64_t forget_after_ns = 0)
      : colour_(colour), line_(forget_after_ns) {}

  // Appends the frame's line. A frame not shown (another stream) must still be passed with
  // `show` false: tcpdump's relative numbers depend on every frame before.
  void add(std::string& out, std::int64_t ts_ns, std::span<const std::uint8_t> frame,
           std::uint32_t wire_len, const Segment& s, const Verdict& v, bool show = true);

 private:
  bool colour_;
  TcpdumpLine line_;
  std::string scratch_;
};

}  // namespace tcplens
