// `tcplens summary`: one record per connection, as JSON Lines or a readable table.
#pragma once

#include <string>
#include <vector>

#include "story/connection_record.hpp"

namespace tcplens {

// One JSON object (no newline), the schema of docs/summary-json.md.
void append_summary_json(std::string& out, const ConnectionRecord& r);
// A fixed-width table, one line per connection, with a header line: the troubled connections
// first (marked "!"), each group in stream order.
void append_summary_table(std::string& out, const std::vector<ConnectionRecord>& records);
// Rows only, in the order given (live output appends them as connections end).
void append_summary_rows(std::string& out, const std::vector<ConnectionRecord>& records);

}  // namespace tcplens
