// Fuzz target: the story commands on one small capture file. CaptureFile reads the input from a
// memfd, each frame is decoded and analysed by TcpAnalyzer, and goes to a StoryBuilder (ended
// connections taken after every frame and retired from the analyser, as `stream_records` does,
// and long-idle ones released in one input in three), a SeriesCollector and per-stream
// LadderWriters. Every record is then rendered as summary JSON, told by explain() in one
// language and drawn by render_graph in one of its three kinds for one direction (chosen by the
// input's size and the record's index); finally render_report gets all the records, as
// `tcplens report` fills it (three of them in detail), for one input in four.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analysis/tcp_analyzer.hpp"
#include "capture/capture_file.hpp"
#include "decode/decode.hpp"
#include "fuzz_input.hpp"
#include "render/html_report.hpp"
#include "render/ladder.hpp"
#include "render/summary_writer.hpp"
#include "render/svg_graph.hpp"
#include "story/narrative.hpp"
#include "story/series.hpp"
#include "story/story_builder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tcplens;
  std::string error;
  auto file =
      CaptureFile::open_fd(fuzz::memfd_with(data, size), "fuzz", error, fuzz::read_chunk(size));
  if (!file) return 0;
  TcpAnalyzer analyzer;
  StoryBuilder story;
  SeriesCollector series;
  std::map<std::uint32_t, LadderWriter> ladders;
  std::map<std::uint32_t, ConnectionRecord> by_stream;  // emitted in stream order
  RawFrame raw;
  Segment segment;
  std::uint64_t number = 0;
  while (file->next(raw) == ReadStatus::frame) {
    ++number;
    if (decode_frame(raw.link_type, raw.bytes, raw.wire_len, segment) != SkipReason::none) {
      continue;
    }
    Verdict verdict = analyzer.analyze(segment, raw.ts_ns, number);
    story.add(segment, verdict, raw.ts_ns);
    series.add(segment, verdict, raw.ts_ns);
    ladders.try_emplace(verdict.stream, false, verdict.stream, 400)
        .first->second.add(segment, verdict, raw.ts_ns);
    for (auto& r : story.take_ended()) {
      // What ends a connection is one of its own frames: its analysis state goes too.
      if (r.stream == verdict.stream) analyzer.retire(*verdict.connection);
      std::uint32_t stream = r.stream;
      by_stream.emplace(stream, std::move(r));
    }
    // Idle release as stream_records does it, with a one-second timeout on every eighth frame
    // of one input in three (by size), so that connections come back after their release.
    if (size % 3 == 0 && number % 8 == 0) {
      const std::int64_t before = raw.ts_ns - 1'000'000'000;
      analyzer.retire_idle(before);
      for (auto& r : story.take_idle(raw.ts_ns, before)) {
        std::uint32_t stream = r.stream;
        by_stream.emplace(stream, std::move(r));
      }
    }
  }
  for (auto& r : story.finish()) {
    std::uint32_t stream = r.stream;
    by_stream.emplace(stream, std::move(r));
  }
  std::vector<ConnectionRecord> records;
  records.reserve(by_stream.size());
  for (auto& [stream, r] : by_stream) records.push_back(std::move(r));

  std::string out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const ConnectionRecord& r = records[i];
    out.clear();
    append_summary_json(out, r);
    // One language and one of the six graphs per record, picked by the input's size and the
    // record's place: across the corpus every view is drawn, and each input costs a sixth.
    std::size_t pick = size + i;
    out = explain(records, i, pick % 2 == 0 ? Language::en : Language::zh);
    auto it = series.series().find(r.stream);
    if (it == series.series().end()) continue;
    const ConnectionSeries& cs = it->second;
    int busier = busier_direction(cs);
    constexpr GraphKind kKinds[] = {GraphKind::time_sequence, GraphKind::rtt,
                                    GraphKind::throughput};
    GraphOptions g;
    g.kind = kKinds[pick % 3];
    g.direction = (pick / 3) % 2 == 0 ? busier : 1 - busier;
    g.title = "fuzz";
    out = render_graph(cs, g);
  }
  out.clear();
  append_summary_table(out, records);

  // The report, filled as run_report fills it (the pictures' data from the same pass), for one
  // input in four (by size): it costs more than all the rest, and its code is the same for all.
  if (size % 4 != 0) return 0;
  std::vector<ConnectionRecord> ordered;
  std::vector<ConnectionRecord> refused;
  std::size_t troubled_total = 0;
  for (std::size_t k : report_order(records)) {
    if (ordered.size() == kReportMaxRows) break;
    ordered.push_back(records[k]);
  }
  for (const auto& r : records) {
    troubled_total += troubled(r.diagnosis.verdict);
    if (r.state == ConnectionState::refused) refused.push_back(r);
  }
  std::vector<std::size_t> detailed;
  // Three in detail (tcplens report draws 20): the drawing is the same code for each.
  for (std::size_t k = 0; k < ordered.size() && k < 3; ++k) detailed.push_back(k);
  std::map<std::uint32_t, ConnectionSeries> chosen_series;
  std::map<std::uint32_t, std::string> chosen_ladders;
  for (std::size_t k : detailed) {
    std::uint32_t s = ordered[k].stream;
    auto it = series.series().find(s);
    if (it != series.series().end()) chosen_series[s] = it->second;
    auto lw = ladders.find(s);
    if (lw != ladders.end()) lw->second.finish(chosen_ladders[s]);
  }
  ReportInput in;
  in.title = "fuzz <input> & \"quotes\"";
  in.records = &ordered;
  in.total = records.size();
  in.troubled_total = troubled_total;
  in.refused = &refused;
  in.detailed = detailed;
  in.series = &chosen_series;
  in.ladders = &chosen_ladders;
  in.lang = size % 8 == 0 ? Language::en : Language::zh;  // either language
  in.account = "fuzz account";
  out = render_report(in);
  return 0;
}
