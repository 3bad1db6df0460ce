// `tcplens print`: one line per TCP frame in tcpdump -nn's style, with relative numbers and the
// analysis verdicts appended in brackets.
#pragma once

#include <cstdint>
#include <string>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"

namespace tcplens {

void append_print_line(std::string& out, std::int64_t ts_ns, const Segment& s, const Verdict& v);

}  // namespace tcplens
