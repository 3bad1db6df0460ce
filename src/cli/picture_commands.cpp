#include "cli/picture_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "capture/output_file.hpp"
#include "engine/records.hpp"
#include "render/html_report.hpp"
#include "render/ladder.hpp"
#include "story/series.hpp"
#include "story/story_builder.hpp"

namespace tcplens {

namespace {

bool write_text(const std::string& path, const std::string& text) {
  std::string error;
  if (!write_whole_file(path, text, error)) {
    fmt::print(stderr, "tcplens: {}: {}\n", path, error);
    return false;
  }
  return true;
}

bool rereadable(const InputOptions& in) {
  if (!in.interface.empty()) return false;
  for (const auto& f : in.files) {
    if (f == "-") return false;
  }
  return true;
}

constexpr std::size_t kReportLadderFrames = 400;

}  // namespace

int run_graph(const GraphCommandOptions& o, const RunContext& ctx) {
  TcpAnalyzer analyzer;
  StoryBuilder story;
  SeriesCollector series({o.stream});
  auto sink = [&](const AnalysedFrame& f) {
    story.add(*f.segment, *f.verdict, f.ts_ns);
    series.add(*f.segment, *f.verdict, f.ts_ns);
    return true;
  };
  RunResult result = run_pipeline(o.input, analyzer, sink, ctx);
  if (result.account.frames_read == 0 && result.exit_status != kExitOk) {
    return end_unread(result, o.account);
  }
  auto it = series.series().find(o.stream);
  if (it == series.series().end()) {
    fmt::print(stderr, "tcplens: graph: no stream {} in the input\n", o.stream);
    return kExitUsage;
  }
  const ConnectionSeries& cs = it->second;
  std::vector<ConnectionRecord> records = story.finish();
  GraphOptions g;
  g.kind = o.kind;
  g.lang = o.lang;
  // Whose data: the client's or the server's, mapped onto the analysis' directions.
  int client_direction = 0;
  for (const auto& r : records) {
    if (r.stream == o.stream) client_direction = r.client().endpoint == cs.first ? 0 : 1;
  }
  if (o.from) {
    g.direction = *o.from == "client" ? client_direction : 1 - client_direction;
  } else {
    g.direction = busier_direction(cs);
  }
  std::string from = endpoint_text(g.direction == 0 ? cs.first : cs.second);
  std::string to = endpoint_text(g.direction == 0 ? cs.second : cs.first);
  const Msg title = o.kind == GraphKind::rtt          ? Msg::graph_title_rtt
                    : o.kind == GraphKind::throughput ? Msg::graph_title_goodput
                                                      : Msg::report_graph_time_sequence;
  g.title = say(o.lang, title, o.stream, from, to);
  // An empty graph would look like a measurement of nothing: say so and write no file.
  if (graph_samples(cs, o.kind, g.direction) == 0) {
    fmt::print(stderr,
               "tcplens: graph: stream {} has no {} for {} → {}: nothing to draw, {} not written\n",
               o.stream, graph_samples_name(o.kind), from, to, o.out_path);
    return kExitUnreadable;
  }
  if (!write_text(o.out_path, render_graph(cs, g))) return kExitUnreadable;
  return end_account(result, o.account);
}

int run_report(const ReportOptions& o, const RunContext& ctx) {
  // Pass 1: every connection's record. Only the first kReportMaxRows in report order are kept
  // (the overview lists no more, the detailed ones are the first of them), with the refused
  // attempts that the stories tell as context; and, when the input cannot be read twice, the
  // pictures' data for all connections.
  const bool two_pass = rereadable(o.input);
  SeriesCollector all_series;
  std::map<std::uint32_t, LadderWriter> all_ladders;
  std::vector<ConnectionRecord> kept;
  std::vector<ConnectionRecord> refused;
  std::size_t total = 0, troubled_total = 0;
  auto trim = [&] {
    std::vector<std::size_t> order = report_order(kept);
    std::vector<ConnectionRecord> best;
    for (std::size_t k = 0; k < order.size() && k < kReportMaxRows; ++k) {
      best.push_back(std::move(kept[order[k]]));
    }
    kept = std::move(best);
  };
  auto emit = [&](ConnectionRecord&& r) {
    ++total;
    troubled_total += troubled(r.diagnosis.verdict);
    if (r.state == ConnectionState::refused && refused.size() < kReportMaxRows)
      refused.push_back(r);
    kept.push_back(std::move(r));
    if (kept.size() >= 2 * kReportMaxRows) trim();
  };
  RunResult result;
  if (two_pass) {
    result = stream_records(o.input, ctx, emit);
  } else {
    TcpAnalyzer analyzer;
    StoryBuilder story;
    auto first = [&](const AnalysedFrame& f) {
      story.add(*f.segment, *f.verdict, f.ts_ns);
      all_series.add(*f.segment, *f.verdict, f.ts_ns);
      all_ladders.try_emplace(f.verdict->stream, false, f.verdict->stream, kReportLadderFrames)
          .first->second.add(*f.segment, *f.verdict, f.ts_ns);
      return true;
    };
    result = run_pipeline(o.input, analyzer, first, ctx);
    for (auto& r : story.finish()) emit(std::move(r));
  }
  if (result.account.frames_read == 0 && result.exit_status != kExitOk) {
    return end_unread(result, o.account);
  }
  trim();
  std::vector<ConnectionRecord>& records = kept;
  // The stories told in detail: the first `top` in report order, one for a group of identical
  // connections.
  std::vector<ConnectionGroup> groups = group_identical(records, o.lang);
  std::vector<std::size_t> detailed;
  for (const auto& g : groups) {
    if (detailed.size() < o.top) detailed.push_back(g.members.front());
  }
  std::sort(detailed.begin(), detailed.end());
  std::set<std::uint32_t> chosen;
  for (std::size_t i : detailed) chosen.insert(records[i].stream);

  // Pass 2: the chosen connections' points and ladders.
  std::map<std::uint32_t, ConnectionSeries> series;
  std::map<std::uint32_t, std::string> ladders;
  if (two_pass) {
    TcpAnalyzer again;
    SeriesCollector collector(chosen);
    std::map<std::uint32_t, LadderWriter> writers;
    for (std::uint32_t s : chosen) writers.try_emplace(s, false, s, kReportLadderFrames);
    auto second = [&](const AnalysedFrame& f) {
      if (!chosen.count(f.verdict->stream)) return true;
      collector.add(*f.segment, *f.verdict, f.ts_ns);
      writers.at(f.verdict->stream).add(*f.segment, *f.verdict, f.ts_ns);
      return true;
    };
    RunContext quiet = ctx;
    quiet.quiet = true;
    InputOptions input = o.input;
    input.write_file.clear();  // -w was written by the first pass
    run_pipeline(input, again, second, quiet);
    series = std::move(collector.series());
    for (auto& [s, w] : writers) w.finish(ladders[s]);
  } else {
    for (std::uint32_t s : chosen) {
      auto it = all_series.series().find(s);
      if (it != all_series.series().end()) series[s] = std::move(it->second);
      auto lw = all_ladders.find(s);
      if (lw != all_ladders.end()) lw->second.finish(ladders[s]);
    }
  }
  ReportInput in;
  in.total = total;
  in.troubled_total = troubled_total;
  in.refused = &refused;
  for (const auto& f : o.input.files) in.title += (in.title.empty() ? "" : ", ") + f;
  if (in.title.empty()) in.title = o.input.interface;
  in.records = &records;
  in.groups = &groups;
  in.detailed = detailed;
  in.series = &series;
  in.ladders = &ladders;
  in.lang = o.lang;
  in.account = account_line(result.account);
  if (!write_text(o.out_path, render_report(in))) return kExitUnreadable;
  return end_account(result, o.account);
}

}  // namespace tcplens
