// `tcplens summary`: one record per connection, as JSON Lines or a readable table.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "story/connection_record.hpp"

namespace tcplens {

// One JSON object (no newline), the schema of docs/summary-json.md.
void append_summary_json(std::string& out, const ConnectionRecord& r);
// The table: one line per connection, columns sized to their cells (IPv6 endpoints included).
// A record is first rendered as one line of tab-separated cells (flag "!" or " ", stream, client,
// server, state, duration, c>s, s>c, retx, rtt, verdict), so that rows rendered anywhere (on a
// shard's thread) can be laid out once all widths are known.
inline constexpr std::size_t kSummaryColumns = 11;
using SummaryWidths = std::array<std::size_t, kSummaryColumns>;
void append_summary_cells(std::string& out, const ConnectionRecord& r);
// The least widths (the headers, an IPv4 endpoint), then widened to fit a row of cells.
SummaryWidths summary_widths();
void widen_summary(SummaryWidths& widths, std::string_view cells_line);
void append_summary_header(std::string& out, const SummaryWidths& widths);
// One row; `colour`: a troubled row's verdict in red.
void append_summary_row(std::string& out, std::string_view cells_line, const SummaryWidths& widths,
                        bool colour);
// The one line that says what "!" marks.
void append_summary_legend(std::string& out);
// The whole table of these rows of cells, in the order given: header, rows, the legend if a row
// is marked.
void append_summary_table(std::string& out, const std::vector<std::string>& rows, bool colour);
// The table of these records: the troubled first (marked "!"), each group in stream order.
void append_summary_table(std::string& out, const std::vector<ConnectionRecord>& records,
                          bool colour = false);
// Sizes as the table shows them: 999, 4.2k, 42k, 4.2M, 1.3G.
std::string human_bytes(std::uint64_t bytes);

}  // namespace tcplens
