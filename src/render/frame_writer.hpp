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
  // For `frames -e` (render/fields.hpp) only.
  std::uint32_t cap_len = 0;
  std::uint32_t wire_len = 0;
  std::int64_t since_first_ns = 0;     // frame.time_relative
  std::int64_t since_previous_ns = 0;  // frame.time_delta
};

struct FieldLayout;

class FrameWriter {
 public:
  // With `fields` (render/fields.hpp) the rows hold those fields; else the 23 columns.
  FrameWriter(OutputBuffer& out, FrameFormat format, const FieldLayout* fields = nullptr)
      : out_(out), format_(format), fields_(fields) {}
  void header();
  void row(const FrameRow& row);

 private:
  OutputBuffer& out_;
  FrameFormat format_;
  const FieldLayout* fields_;
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
// A row of either kind: the 23 columns, or `fields` when not null (TSV or JSON by `format`).
void append_frame_row(std::string& out, FrameFormat format, const FieldLayout* fields,
                      const FrameRow& row, StreamDigits* digits = nullptr);
// The TSV header of either kind (none for JSON, nor for fields without -E header=y).
void append_frame_header(std::string& out, FrameFormat format, const FieldLayout* fields);

// tshark's tcp.flags.str: 12 characters, a letter per set bit, a middle dot for each clear one.
void append_flags_str(std::string& out, std::uint16_t flags);
// An unsigned integer in decimal.
void append_uint(std::string& out, std::uint64_t v);
// Seconds with nine decimals, as tshark prints times and durations.
void append_seconds(std::string& out, std::int64_t ns);

}  // namespace tcplens
