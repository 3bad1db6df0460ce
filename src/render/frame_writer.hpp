// Per-frame output of `tcplens frames`: tshark's 23 TSV columns, or the same facts as JSON Lines.
#pragma once

#include <cstdint>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"
#include "render/output_buffer.hpp"

namespace tcplens {

enum class FrameFormat { tsv, json };

struct FrameRow {
  std::uint64_t number = 0;
  std::int64_t ts_ns = 0;
  const Segment* segment = nullptr;
  const Verdict* verdict = nullptr;
};

class FrameWriter {
 public:
  FrameWriter(OutputBuffer& out, FrameFormat format) : out_(out), format_(format) {}
  void header();
  void row(const FrameRow& row);

 private:
  OutputBuffer& out_;
  FrameFormat format_;
};

// Where a row's tcp.stream digits lie in the output (offsets into `out`): sharded analysis
// renders rows with a shard's own stream numbers and puts the global ones in their place.
struct StreamDigits {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// One row, appended to `out` (TSV with its newline, or one JSON object and newline).
void append_tsv_row(std::string& out, const FrameRow& row, StreamDigits* digits = nullptr);
void append_json_row(std::string& out, const FrameRow& row, StreamDigits* digits = nullptr);
// The TSV header line.
void append_tsv_header(std::string& out);

// tshark's tcp.flags.str: 12 characters, a letter per set bit, a middle dot for each clear one.
void append_flags_str(std::string& out, std::uint16_t flags);
// An unsigned integer in decimal.
void append_uint(std::string& out, std::uint64_t v);
// Seconds with nine decimals, as tshark prints times and durations.
void append_seconds(std::string& out, std::int64_t ns);

}  // namespace tcplens
