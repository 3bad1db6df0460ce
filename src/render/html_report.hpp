// `tcplens report`: one self-contained HTML file (inline CSS, SVG and a small inline script; no
// request to any network): an overview of every connection, troubled ones first, and for the
// most troubled ones their story, time-sequence graph, RTT graph and ladder.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "story/connection_record.hpp"
#include "story/narrative.hpp"
#include "story/series.hpp"

namespace tcplens {

// Connections in report order: troubled first, then by payload bytes, larger first.
std::vector<std::size_t> report_order(const std::vector<ConnectionRecord>& records);

// Connections that tell the same story, listed and told once: no data either way, the same
// state and verdict, the same client address and server endpoint ("9 × unanswered SYN to
// 203.0.113.94:80, 10 retries each"). Every record is in exactly one group; most groups have
// one member. In order of their first member.
struct ConnectionGroup {
  std::vector<std::size_t> members;  // indices into the records, in their order
  std::string label;                 // empty for a group of one
};
std::vector<ConnectionGroup> group_identical(const std::vector<ConnectionRecord>& records,
                                             Language lang = Language::en);

struct ReportInput {
  std::string title;  // e.g. the input names
  // The connections listed, already in report order (at most kReportMaxRows of `total`).
  const std::vector<ConnectionRecord>* records = nullptr;
  std::size_t total = 0;
  std::size_t troubled_total = 0;
  // Refused attempts, the context of the stories (explain() tells those before a connection).
  const std::vector<ConnectionRecord>* refused = nullptr;
  const std::vector<ConnectionGroup>* groups = nullptr;  // group_identical(*records)
  std::vector<std::size_t> detailed;  // indices into records, in order; one per group at most
  const std::map<std::uint32_t, ConnectionSeries>* series = nullptr;
  const std::map<std::uint32_t, std::string>* ladders = nullptr;  // by stream
  Language lang = Language::en;
  std::string account;  // the frame account line
};

std::string render_report(const ReportInput& in);

// How many overview rows the report lists at most (the rest are counted).
inline constexpr std::size_t kReportMaxRows = 5000;

}  // namespace tcplens
