#include "tcplens/render.hpp"

#include <fmt/format.h>

#include <map>

#include "api/run.hpp"
#include "render/summary_writer.hpp"
#include "render/svg_graph.hpp"
#include "story/narrative.hpp"
#include "story/series.hpp"
#include "story/story_builder.hpp"
#include "tcplens/records.hpp"

namespace tcplens::api {

std::string explain(const Inputs& inputs, std::optional<std::uint32_t> stream, Lang lang) {
  const Language language = lang == Lang::zh ? Language::zh : Language::en;
  // As `tcplens explain`: a story needs, of the connections before it, only the refused
  // attempts (the context it tells).
  std::vector<ConnectionRecord> refused;
  std::string out;
  std::size_t told = 0;
  std::uint64_t streams = 0;
  for_each_record(inputs, [&](Record&& r) {
    ++streams;
    if (!stream || r.stream == *stream) {
      std::vector<ConnectionRecord> context = refused;
      context.push_back(r);
      if (told++ > 0) out += '\n';
      out += tcplens::explain(context, context.size() - 1, language);
    }
    if (r.state == ConnectionState::refused) refused.push_back(std::move(r));
  });
  if (stream && told == 0) {
    throw std::out_of_range(
        fmt::format("no stream {} in the input ({} streams)", *stream, streams));
  }
  return out;
}

std::string summary_table(const Inputs& inputs) {
  std::vector<ConnectionRecord> records;
  for_each_record(inputs, [&](Record&& r) { records.push_back(std::move(r)); });
  std::string out;
  append_summary_table(out, records);
  return out;
}

std::string graph_svg(const Inputs& inputs, std::uint32_t stream, Graph kind, From from) {
  const InputOptions in = input_options(inputs);
  TcpAnalyzer analyzer;
  StoryBuilder story;
  SeriesCollector series({stream});
  auto sink = [&](const AnalysedFrame& f) {
    story.add(*f.segment, *f.verdict, f.ts_ns);
    series.add(*f.segment, *f.verdict, f.ts_ns);
    return true;
  };
  account_or_throw(run_pipeline(in, analyzer, sink, quiet_context()));
  auto it = series.series().find(stream);
  if (it == series.series().end()) {
    throw std::out_of_range(fmt::format("no stream {} in the input", stream));
  }
  const ConnectionSeries& cs = it->second;
  GraphOptions g;
  g.kind = kind == Graph::rtt          ? GraphKind::rtt
           : kind == Graph::throughput ? GraphKind::throughput
                                       : GraphKind::time_sequence;
  // Whose data, mapped onto the analysis' directions, and the title: as `tcplens graph`.
  int client_direction = 0;
  for (const auto& r : story.finish()) {
    if (r.stream == stream) client_direction = r.client().endpoint == cs.first ? 0 : 1;
  }
  g.direction = from == From::busier   ? busier_direction(cs)
                : from == From::client ? client_direction
                                       : 1 - client_direction;
  const std::string a = endpoint_text(g.direction == 0 ? cs.first : cs.second);
  const std::string b = endpoint_text(g.direction == 0 ? cs.second : cs.first);
  const char* what = kind == Graph::rtt          ? "ACK RTT"
                     : kind == Graph::throughput ? "goodput"
                                                 : "time-sequence";
  g.title = fmt::format("Stream {}: {}, {} → {}", stream, what, a, b);
  return render_graph(cs, g);
}

}  // namespace tcplens::api
