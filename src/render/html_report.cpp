#include "render/html_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "render/story_html.hpp"
#include "render/svg_graph.hpp"
#include "render/xml_escape.hpp"

namespace tcplens {

namespace {

constexpr const char* kStyle = R"(
body{font-family:system-ui,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#111;max-width:1100px;line-height:1.4}
h1{font-size:22px}h2{font-size:18px;margin-top:36px;border-top:1px solid #ccc;padding-top:16px}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #e4e4e4;text-align:right}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}th:hover{background:#e8e8e8}
td.t,th.t{text-align:left}tr.troubled td:first-child{border-left:4px solid #D55E00}
tr.group td{background:#fbf7f2}td small{color:#555}
.verdict{font-weight:bold}.bad{color:#D55E00}.ok{color:#009E73}
.story{max-width:860px;font-size:15px}.story p{margin:6px 0}.story ul{margin:4px 0 8px;padding-left:22px}
.story li{margin:3px 0}.story .note{margin:2px 0 0;color:#444;font-size:14px}
.story strong.label{color:#333}.story hr.gap{border:0;border-top:1px dashed #ccc;margin:12px 0}
b.n{font-weight:600;color:#0b3d66}.no-graph,.group-note{color:#444;font-style:italic}
pre.ladder{background:#f8f8f8;padding:10px;overflow-x:auto;font-size:12px;white-space:pre}
figure{margin:12px 0}.reason{font-size:16px}
)";

// Sorts the overview table by the clicked column (numbers numerically), without any library.
constexpr const char* kScript = R"(
(function(){
  var table=document.getElementById('overview');
  if(!table)return;
  var heads=table.tHead.rows[0].cells;
  for(var i=0;i<heads.length;i++){(function(col){
    heads[col].addEventListener('click',function(){
      var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
      var asc=heads[col].getAttribute('data-dir')!=='asc';
      rows.sort(function(a,b){
        var x=a.cells[col].getAttribute('data-v')||a.cells[col].textContent;
        var y=b.cells[col].getAttribute('data-v')||b.cells[col].textContent;
        var nx=parseFloat(x),ny=parseFloat(y);
        var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:(x<y?-1:x>y?1:0);
        return asc?c:-c;});
      for(var k=0;k<rows.length;k++)body.appendChild(rows[k]);
      heads[col].setAttribute('data-dir',asc?'asc':'desc');
    });})(i);}
  document.body.setAttribute('data-graphs',String(document.querySelectorAll('figure svg').length));
})();
)";

std::string seconds_text(std::int64_t ns) {
  return fmt::format("{:.3f}", static_cast<double>(ns) / 1e9);
}

}  // namespace

std::vector<std::size_t> report_order(const std::vector<ConnectionRecord>& records) {
  std::vector<std::size_t> order(records.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& ra = records[a];
    const auto& rb = records[b];
    bool ta = troubled(ra.diagnosis.verdict), tb = troubled(rb.diagnosis.verdict);
    if (ta != tb) return ta;
    return ra.client().bytes + ra.server().bytes > rb.client().bytes + rb.server().bytes;
  });
  return order;
}

namespace {

// The record's facts the grouping and the group rows read (kept here, in one place).
struct GroupFacts {
  bool groupable = false;
  std::tuple<ConnectionState, DiagnosisVerdict, IpAddress, Endpoint> key;
  std::uint64_t retransmissions = 0;
  std::int64_t duration_ns = 0;
};
GroupFacts group_facts(const ConnectionRecord& r) {
  GroupFacts f;
  f.groupable = r.client().bytes == 0 && r.server().bytes == 0;
  f.key = {r.state, r.diagnosis.verdict, r.client().endpoint.addr, r.server().endpoint};
  f.retransmissions = r.retransmissions;
  f.duration_ns = r.end_ns - r.start_ns;
  return f;
}

// "2–6, 9, 13–15".
std::string stream_ranges(const std::vector<std::uint32_t>& streams) {
  std::string out;
  for (std::size_t i = 0; i < streams.size();) {
    std::size_t j = i;
    while (j + 1 < streams.size() && streams[j + 1] == streams[j] + 1) ++j;
    out += (out.empty() ? "" : ", ") + std::to_string(streams[i]);
    if (j > i) out += (j == i + 1 ? ", " : "–") + std::to_string(streams[j]);
    i = j + 1;
  }
  return out;
}

std::vector<std::uint32_t> group_streams(const ConnectionGroup& g,
                                         const std::vector<ConnectionRecord>& records) {
  std::vector<std::uint32_t> streams;
  for (std::size_t m : g.members) streams.push_back(records[m].stream);
  std::sort(streams.begin(), streams.end());
  return streams;
}

std::string group_label(const ConnectionGroup& g, const std::vector<ConnectionRecord>& records,
                        Language lang) {
  const ConnectionRecord& first = records[g.members.front()];
  std::string what = first.state == ConnectionState::unanswered
                         ? say(lang, Msg::group_unanswered_syn)
                     : first.state == ConnectionState::refused
                         ? say(lang, Msg::group_refused_syn)
                         : say(lang, Msg::group_without_data, state_text(first.state, lang));
  std::string label =
      say(lang, Msg::group_label, g.members.size(), what, endpoint_text(first.server().endpoint));
  auto retries = [&](std::uint64_t n) { return say_n(lang, Msg::count_retries, n, n); };
  // The retries, most frequent first, with their streams when they differ.
  std::map<std::uint64_t, std::vector<std::uint32_t>> by_retries;
  for (std::size_t m : g.members) {
    by_retries[group_facts(records[m]).retransmissions].push_back(records[m].stream);
  }
  if (by_retries.size() == 1) {
    std::uint64_t n = by_retries.begin()->first;
    return label + say(lang, Msg::group_separator) +
           (n == 0 ? say(lang, Msg::group_no_retry)
                   : say(lang, Msg::group_retries_each, retries(n)));
  }
  std::vector<std::pair<std::uint64_t, std::vector<std::uint32_t>>> kinds(by_retries.begin(),
                                                                          by_retries.end());
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    std::sort(kinds[k].second.begin(), kinds[k].second.end());
    label += say(lang,
                 k + 1 == kinds.size() && k > 0 ? Msg::group_separator_last : Msg::group_separator);
    label += k == 0 ? say(lang, Msg::group_retries_each_streams, retries(kinds[k].first),
                          stream_ranges(kinds[k].second))
                    : say(lang, Msg::group_retries_streams, kinds[k].first,
                          stream_ranges(kinds[k].second));
  }
  return label;
}

std::string overview_row(const ConnectionRecord& r, Language lang) {
  bool bad = troubled(r.diagnosis.verdict);
  double rtt_ms = r.path_rtt_ns() ? static_cast<double>(*r.path_rtt_ns()) / 1e6 : -1;
  return fmt::format(
      "<tr data-streams=\"{}\"{}><td>{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td><td "
      "class=\"t\">{}</td>"
      "<td class=\"t verdict {}\" "
      "title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td data-v=\"{}\">{}</td></tr>\n",
      r.stream, bad ? " class=\"troubled\"" : "", r.stream,
      xml_escape(endpoint_text(r.client().endpoint)),
      xml_escape(endpoint_text(r.server().endpoint)), xml_escape(state_text(r.state, lang)),
      bad ? "bad" : "ok", xml_escape(r.diagnosis.reason),
      xml_escape(verdict_text(r.diagnosis.verdict, lang)), seconds_text(r.end_ns - r.start_ns),
      r.client().bytes, r.server().bytes, r.retransmissions, rtt_ms,
      rtt_ms < 0 ? "-" : fmt::format("{:.3f}", rtt_ms));
}

// One row for a group: the streams, the ranges of what differs.
std::string group_row(const ConnectionGroup& g, const std::vector<ConnectionRecord>& records,
                      Language lang) {
  const ConnectionRecord& r = records[g.members.front()];
  std::int64_t d_lo = INT64_MAX, d_hi = INT64_MIN;
  std::uint64_t x_lo = UINT64_MAX, x_hi = 0;
  for (std::size_t m : g.members) {
    GroupFacts f = group_facts(records[m]);
    d_lo = std::min(d_lo, f.duration_ns);
    d_hi = std::max(d_hi, f.duration_ns);
    x_lo = std::min(x_lo, f.retransmissions);
    x_hi = std::max(x_hi, f.retransmissions);
  }
  auto range = [](const std::string& lo, const std::string& hi) {
    return lo == hi ? lo : lo + "–" + hi;
  };
  bool bad = troubled(r.diagnosis.verdict);
  return fmt::format(
      "<tr data-streams=\"{}\" class=\"group{}\" title=\"{}\"><td data-v=\"{}\">{} "
      "×<br><small>{}</small></td>"
      "<td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td>"
      "<td class=\"t verdict {}\" title=\"{}\">{}</td><td data-v=\"{}\">{}</td><td>0</td>"
      "<td>0</td><td data-v=\"{}\">{}</td><td data-v=\"-1\">-</td></tr>\n",
      fmt::join(group_streams(g, records), " "), bad ? " troubled" : "", xml_escape(g.label),
      r.stream, g.members.size(), stream_ranges(group_streams(g, records)),
      xml_escape(say(lang, Msg::report_group_ports, to_string(r.client().endpoint.addr),
                     g.members.size())),
      xml_escape(endpoint_text(r.server().endpoint)), xml_escape(state_text(r.state, lang)),
      bad ? "bad" : "ok", xml_escape(r.diagnosis.reason),
      xml_escape(verdict_text(r.diagnosis.verdict, lang)), seconds_text(d_hi),
      range(seconds_text(d_lo), seconds_text(d_hi)), x_hi,
      range(std::to_string(x_lo), std::to_string(x_hi)));
}

std::string figure(const std::string& kind, const std::string& svg) {
  return fmt::format("<figure data-kind=\"{}\">{}</figure>\n", kind, svg);
}

// The connection's graphs, or one line saying why a graph is not drawn.
std::string graphs(const ConnectionRecord& r, const ConnectionSeries& cs, Language lang) {
  int d = busier_direction(cs);
  std::string from = endpoint_text(d == 0 ? cs.first : cs.second);
  std::string to = endpoint_text(d == 0 ? cs.second : cs.first);
  if (graph_samples(cs, GraphKind::time_sequence, d) == 0) {
    return fmt::format("<p class=\"no-graph\">{}</p>\n",
                       xml_escape(say_n(lang, Msg::report_no_graphs, cs.points.size() + cs.thinned,
                                        cs.points.size() + cs.thinned)));
  }
  GraphOptions g;
  g.direction = d;
  g.lang = lang;
  g.title = say(lang, Msg::report_graph_time_sequence, r.stream, from, to);
  std::string h = figure("time-sequence", render_graph(cs, g));
  g.kind = GraphKind::rtt;
  // One sample is a number the story already tells, not a graph.
  if (std::size_t n = graph_samples(cs, GraphKind::rtt, d); n < 2) {
    return h + fmt::format("<p class=\"no-graph\">{}</p>\n",
                           xml_escape(say(lang, Msg::report_no_rtt_graph,
                                          say(lang, n == 0 ? Msg::report_no_rtt_none
                                                           : Msg::report_no_rtt_only_one),
                                          from, to)));
  }
  g.height = 300;
  g.title = say(lang, Msg::report_graph_rtt, r.stream, from, to);
  return h + figure("rtt", render_graph(cs, g));
}

}  // namespace

std::vector<ConnectionGroup> group_identical(const std::vector<ConnectionRecord>& records,
                                             Language lang) {
  std::vector<ConnectionGroup> groups;
  std::map<decltype(GroupFacts::key), std::size_t> open;
  for (std::size_t i = 0; i < records.size(); ++i) {
    GroupFacts f = group_facts(records[i]);
    if (f.groupable) {
      auto [it, fresh] = open.try_emplace(f.key, groups.size());
      if (!fresh) {
        groups[it->second].members.push_back(i);
        continue;
      }
    }
    groups.push_back(ConnectionGroup{{i}, {}});
  }
  for (auto& g : groups) {
    if (g.members.size() > 1) g.label = group_label(g, records, lang);
  }
  return groups;
}

std::string render_report(const ReportInput& in) {
  const auto& records = *in.records;
  const auto& groups = *in.groups;
  std::vector<const ConnectionGroup*> group_of(records.size(), nullptr);
  for (const auto& g : groups) {
    for (std::size_t m : g.members) group_of[m] = &g;
  }
  std::string h;
  const Language lang = in.lang;
  auto text = [&](Msg m) { return xml_escape(say(lang, m)); };
  const std::string title = xml_escape(say(lang, Msg::report_title, in.title));
  h += fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">"
      "<title>{}</title><style>{}</style></head><body>\n",
      catalogue(lang).code, title, kStyle);
  h += fmt::format("<h1>{}</h1>\n<p>{}</p>\n", title,
                   xml_escape(say_n(lang, Msg::report_counts, in.total, in.total, in.troubled_total,
                                    in.account)));

  h += "<h2>" + text(Msg::report_connections) + "</h2>\n";
  std::string grouped;
  for (const auto& g : groups) {
    if (g.members.size() < 2) continue;
    grouped += fmt::format("<li class=\"group-line\"><a href=\"#stream-{}\">{}</a></li>\n",
                           records[g.members.front()].stream, xml_escape(g.label));
  }
  if (!grouped.empty()) {
    h += "<p>" + text(Msg::report_groups_intro) + "</p>\n<ul class=\"groups\">" + grouped +
         "</ul>\n";
  }
  h += "<table id=\"overview\"><thead><tr>";
  // Left-aligned: the columns of text.
  for (auto [column, left] : {std::pair{Msg::report_column_stream, false},
                              {Msg::report_column_client, true},
                              {Msg::report_column_server, true},
                              {Msg::report_column_state, true},
                              {Msg::report_column_verdict, true},
                              {Msg::report_column_duration, false},
                              {Msg::report_column_bytes_client_to_server, false},
                              {Msg::report_column_bytes_server_to_client, false},
                              {Msg::report_column_retransmissions, false},
                              {Msg::report_column_rtt, false}}) {
    h += (left ? "<th class=\"t\">" : "<th>") + text(column) + "</th>";
  }
  h += "</tr></thead><tbody>\n";
  for (const auto& g : groups) {
    h += g.members.size() > 1 ? group_row(g, records, lang)
                              : overview_row(records[g.members.front()], lang);
  }
  h += "</tbody></table>\n";
  if (in.total > records.size()) {
    const std::size_t more = in.total - records.size();
    h += "<p>" + say_n(lang, Msg::report_more_rows, more, more, "<code>tcplens summary</code>") +
         "</p>\n";
  }

  for (std::size_t i : in.detailed) {
    const auto& r = records[i];
    const ConnectionGroup* g = group_of[i];
    bool many = g && g->members.size() > 1;
    std::string what = xml_escape(many ? say(lang, Msg::report_group_heading,
                                             stream_ranges(group_streams(*g, records)), g->label)
                                       : say(lang, Msg::report_stream_heading, r.stream,
                                             endpoint_text(r.client().endpoint),
                                             endpoint_text(r.server().endpoint)));
    h += fmt::format("<h2 id=\"stream-{}\">{} — <span class=\"{}\">{}</span></h2>\n", r.stream,
                     what, troubled(r.diagnosis.verdict) ? "bad" : "ok",
                     xml_escape(verdict_text(r.diagnosis.verdict, lang)));
    h += fmt::format("<p class=\"reason\">{}</p>\n", emphasise_quantities(r.diagnosis.reason));
    if (many) {
      // The label lists the retries by streams when they differ.
      std::set<std::uint64_t> retries;
      for (std::size_t m : g->members) retries.insert(records[m].retransmissions);
      h += fmt::format(
          "<p class=\"group-note\">{}</p>\n",
          xml_escape(say_n(
              lang, Msg::report_group_note, g->members.size() - 1, r.stream, g->members.size() - 1,
              retries.size() > 1 ? say(lang, Msg::report_group_note_retries_differ) : "")));
    }
    std::vector<ConnectionRecord> context;
    for (const auto& p : *in.refused) {
      if (p.stream < r.stream) context.push_back(p);
    }
    context.push_back(r);
    h += story_html(explain(context, context.size() - 1, in.lang));
    auto sit = in.series->find(r.stream);
    if (sit != in.series->end()) h += graphs(r, sit->second, lang);
    auto lit = in.ladders->find(r.stream);
    if (lit != in.ladders->end()) {
      h += fmt::format("<details><summary>{}</summary><pre class=\"ladder\">{}</pre></details>\n",
                       text(Msg::report_ladder), xml_escape(lit->second));
    }
  }
  h += fmt::format("<script>{}</script>\n</body></html>\n", kScript);
  return h;
}

}  // namespace tcplens
