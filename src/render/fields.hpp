// `tcplens frames -e FIELD`: tshark's fields of a TCP frame by tshark 4.0's names, printed as
// `tshark -T fields` prints them (-E header, separator, occurrence, aggregator, quote), or as
// JSON with a type per field. The registry is public so that other front ends (the Python
// module) can list the names and render one frame's values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "render/frame_writer.hpp"

namespace tcplens {

// What a field's values are: JSON numbers (integer, real: seconds), true/false, or strings.
enum class FieldType : std::uint8_t { integer, real, boolean, text };

struct FieldSpec {
  std::string_view name;  // tshark's
  FieldType type;
};

using FieldId = std::uint16_t;  // an index into field_specs()

// Every field tcplens computes, in a fixed order.
std::span<const FieldSpec> field_specs();

enum class FieldLookup : std::uint8_t {
  found,         // `id` is set
  not_computed,  // tshark 4.0 has it (frame, eth, ip, ipv6, tcp …), tcplens does not compute it
  unknown,       // no such field in tshark 4.0's frame, link, IP or TCP protocols
};
FieldLookup find_field(std::string_view name, FieldId& id);

// How many values (tshark's occurrences) the field has in this frame; 0: tshark prints nothing.
std::size_t field_occurrences(FieldId id, const FrameRow& row);
// Appends value `i` (< field_occurrences) as `tshark -T fields` prints it.
void append_field_text(std::string& out, FieldId id, const FrameRow& row, std::size_t i);
// Appends the field as a JSON value: null when absent, a boolean field true or false, one value
// as itself, several as an array.
void append_field_json(std::string& out, FieldId id, const FrameRow& row);

// tshark's -E options.
enum class Occurrence : std::uint8_t { first, last, all };
struct FieldOutput {
  bool header = false;
  char separator = '\t';
  Occurrence occurrence = Occurrence::all;
  char aggregator = ',';
  char quote = 0;  // 0 (none), '"' or '\''
};
// Applies one -E option ("header=y", "separator=/t" …) as tshark reads it; false with `error`
// set when tshark would refuse it.
bool set_field_option(std::string_view option, FieldOutput& output, std::string& error);

struct FieldLayout {
  std::vector<FieldId> ids;
  FieldOutput output;

  // How many times tcp.stream is asked for (sharded output puts global numbers in one place).
  [[nodiscard]] std::size_t stream_columns() const;
};

// The layout of `-e NAME … -E OPTION …`; false with `error` set (naming the field or option)
// when a name is unknown, not computed by tcplens, or an option is not tshark's.
bool make_field_layout(std::span<const std::string> names, std::span<const std::string> options,
                       FieldLayout& layout, std::string& error);

// The header line (the field names), written only when output.header is set.
void append_fields_header(std::string& out, const FieldLayout& layout);
// One frame's row, with its newline. `digits` (optional) gets where the first tcp.stream value
// went, or begin == end == npos when none was written.
void append_fields_tsv_row(std::string& out, const FieldLayout& layout, const FrameRow& row,
                           StreamDigits* digits = nullptr);
void append_fields_json_row(std::string& out, const FieldLayout& layout, const FrameRow& row,
                            StreamDigits* digits = nullptr);

}  // namespace tcplens
