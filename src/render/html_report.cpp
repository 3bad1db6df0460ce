#include "render/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "render/svg_graph.hpp"
#include "render/xml_escape.hpp"

namespace tcplens {

namespace {

constexpr const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:24px;color:#111;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:36px;border-top:1px solid #ccc;padding-top:16px}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #e4e4e4;text-align:right}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}th:hover{background:#e8e8e8}
td.t,th.t{text-align:left}tr.troubled td:first-child{border-left:4px solid #D55E00}
.verdict{font-weight:bold}.bad{color:#D55E00}.ok{color:#009E73}
pre{background:#f8f8f8;padding:10px;overflow-x:auto;font-size:12px;white-space:pre-wrap}
pre.ladder{white-space:pre}figure{margin:12px 0}.reason{font-size:15px}
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

std::string render_report(const ReportInput& in) {
  const auto& records = *in.records;
  const bool zh = in.lang == Language::zh;
  std::string h;
  h += fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">"
      "<title>tcplens report: {}</title><style>{}</style></head><body>\n",
      zh ? "zh" : "en", xml_escape(in.title), kStyle);
  h += fmt::format("<h1>tcplens report: {}</h1>\n<p>{} connections, {} troubled. {}</p>\n",
                   xml_escape(in.title), in.total, in.troubled_total, xml_escape(in.account));

  h +=
      "<h2>Connections</h2>\n<table id=\"overview\"><thead><tr><th>stream</th>"
      "<th class=\"t\">client</th><th class=\"t\">server</th><th class=\"t\">state</th>"
      "<th class=\"t\">verdict</th><th>duration (s)</th><th>bytes c&gt;s</th>"
      "<th>bytes s&gt;c</th><th>retransmissions</th><th>RTT (ms)</th></tr></thead><tbody>\n";
  for (const ConnectionRecord& r : records) {
    bool bad = troubled(r.diagnosis.verdict);
    double rtt_ms = r.path_rtt_ns() ? static_cast<double>(*r.path_rtt_ns()) / 1e6 : -1;
    h += fmt::format(
        "<tr{}><td>{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"t\">{}</td>"
        "<td class=\"t verdict {}\" "
        "title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td data-v=\"{}\">{}</td></tr>\n",
        bad ? " class=\"troubled\"" : "", r.stream, xml_escape(endpoint_text(r.client().endpoint)),
        xml_escape(endpoint_text(r.server().endpoint)), to_string(r.state), bad ? "bad" : "ok",
        xml_escape(r.diagnosis.reason), to_string(r.diagnosis.verdict),
        seconds_text(r.end_ns - r.start_ns), r.client().bytes, r.server().bytes, r.retransmissions,
        rtt_ms, rtt_ms < 0 ? "-" : fmt::format("{:.3f}", rtt_ms));
  }
  h += "</tbody></table>\n";
  if (in.total > records.size()) {
    h += fmt::format("<p>… and {} more connections (see <code>tcplens summary</code>).</p>\n",
                     in.total - records.size());
  }

  for (std::size_t i : in.detailed) {
    const auto& r = records[i];
    h += fmt::format(
        "<h2 id=\"stream-{0}\">Stream {0}: {1} → {2} — <span class=\"{3}\">{4}</span></h2>\n",
        r.stream, xml_escape(endpoint_text(r.client().endpoint)),
        xml_escape(endpoint_text(r.server().endpoint)),
        troubled(r.diagnosis.verdict) ? "bad" : "ok", to_string(r.diagnosis.verdict));
    h += fmt::format("<p class=\"reason\">{}</p>\n", xml_escape(r.diagnosis.reason));
    std::vector<ConnectionRecord> context;
    for (const auto& p : *in.refused) {
      if (p.stream < r.stream) context.push_back(p);
    }
    context.push_back(r);
    h += fmt::format("<pre class=\"explain\">{}</pre>\n",
                     xml_escape(explain(context, context.size() - 1, in.lang)));
    auto sit = in.series->find(r.stream);
    if (sit != in.series->end() && !sit->second.points.empty()) {
      const ConnectionSeries& cs = sit->second;
      int d = busier_direction(cs);
      std::string from = endpoint_text(d == 0 ? cs.first : cs.second);
      std::string to = endpoint_text(d == 0 ? cs.second : cs.first);
      GraphOptions g;
      g.direction = d;
      g.title = fmt::format("Stream {}: time-sequence, {} → {}", r.stream, from, to);
      h += "<figure>" + render_graph(cs, g) + "</figure>\n";
      g.kind = GraphKind::rtt;
      g.height = 300;
      g.title = fmt::format("Stream {}: ACK RTT of {} → {}", r.stream, from, to);
      h += "<figure>" + render_graph(cs, g) + "</figure>\n";
    }
    auto lit = in.ladders->find(r.stream);
    if (lit != in.ladders->end()) {
      h += fmt::format(
          "<details><summary>Ladder</summary><pre class=\"ladder\">{}</pre></details>\n",
          xml_escape(lit->second));
    }
  }
  h += fmt::format("<script>{}</script>\n</body></html>\n", kScript);
  return h;
}

}  // namespace tcplens
