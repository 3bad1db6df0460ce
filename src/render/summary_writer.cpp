#include "render/summary_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "render/json.hpp"

namespace tcplens {

namespace {

void side_pair(JsonBuilder& j, std::string_view name, std::uint64_t c2s, std::uint64_t s2c) {
  j.key(name).begin_object();
  j.key("client_to_server").value(c2s);
  j.key("server_to_client").value(s2c);
  j.end_object();
}

void episode_json(JsonBuilder& j, const RetransmissionEpisode& e) {
  j.begin_object();
  j.key("from").value(to_string(e.from));
  j.key("seq").value(e.seq);
  j.key("len").value(e.len);
  j.key("sent").value(static_cast<std::uint64_t>(e.sends_ns.size()));
  j.key("first_s").seconds(e.sends_ns.front());
  j.key("intervals_s").begin_array();
  for (std::size_t i = 1; i < e.sends_ns.size(); ++i) j.seconds(e.sends_ns[i] - e.sends_ns[i - 1]);
  j.end_array();
  j.key("acked").value(e.acked);
  j.key("capped_s");
  if (e.capped_s) {
    j.number(*e.capped_s, 6);
  } else {
    j.null();
  }
  j.key("pattern").value(to_string(e.pattern));
  j.key("run_from").value(static_cast<std::uint64_t>(e.run_from));
  j.end_object();
}

void optional_seconds(JsonBuilder& j, const std::optional<std::int64_t>& ns) {
  if (ns) {
    j.seconds(*ns);
  } else {
    j.null();
  }
}

}  // namespace

std::string human_bytes(std::uint64_t b) {
  // As `ls -h` shows sizes, in powers of 1000: 999, 4.2k, 42k, 420k, 4.2M; the unit chosen by the
  // rounded value, so 999 960 is 1.0M, not 1000k.
  if (b < 1000) return fmt::format("{}", b);
  static constexpr const char* kUnits[] = {"k", "M", "G", "T", "P", "E"};
  double v = static_cast<double>(b);
  for (const char* unit : kUnits) {
    v /= 1000;
    const bool one_decimal = v < 9.95;
    if (one_decimal) return fmt::format("{:.1f}{}", v, unit);
    if (v < 999.5 || unit == kUnits[5]) return fmt::format("{:.0f}{}", v, unit);
  }
  return {};
}

namespace {

std::string human_seconds(std::int64_t ns) {
  double s = static_cast<double>(ns) / 1e9;
  if (s < 1e-3) return fmt::format("{:.0f}us", s * 1e6);
  if (s < 1) return fmt::format("{:.1f}ms", s * 1e3);
  return fmt::format("{:.2f}s", s);
}

void time_json(JsonBuilder& j, const DirectionDiagnosis& d) {
  if (!d.carried_data) {
    j.null();
    return;
  }
  const TimeBreakdown& t = d.time;
  j.begin_object();
  j.key("sending").seconds(t.sending);
  j.key("receive_window_limited").seconds(t.receive_window_limited);
  j.key("zero_window").seconds(t.zero_window);
  j.key("loss_recovery").seconds(t.loss_recovery);
  j.key("retransmission_timer").seconds(t.retransmission_timer);
  j.key("waiting_for_peer").seconds(t.waiting_for_peer);
  j.key("idle").seconds(t.idle);
  j.end_object();
}

// Per direction: what the sender did, counted from the packets.
void senders_json(JsonBuilder& j, const Diagnosis& d) {
  j.key("senders").begin_object();
  for (int i = 0; i < 2; ++i) {
    const DirectionDiagnosis& x = d.dir[i];
    j.key(i == 0 ? "client_to_server" : "server_to_client");
    if (!x.carried_data) {
      j.null();
      continue;
    }
    j.begin_object();
    j.key("data_resends").value(x.data_resends);
    j.key("tail_loss_probes").value(x.tail_loss_probes);
    j.key("retransmission_timeouts").value(x.retransmission_timeouts);
    j.key("flight").begin_object();
    j.key("median").value(x.flight.median);
    j.key("p90").value(x.flight.p90);
    j.key("max").value(x.flight.max);
    j.key("peer_window_median").value(x.flight.peer_window_median);
    j.end_object();
    j.key("window_scale_at_least");
    if (x.window_scale_at_least) {
      j.value(static_cast<std::uint64_t>(*x.window_scale_at_least));
    } else {
      j.null();
    }
    j.end_object();
  }
  j.end_object();
}

void diagnosis_json(JsonBuilder& j, const ConnectionRecord& r) {
  const Diagnosis& d = r.diagnosis;
  j.key("diagnosis").begin_object();
  j.key("verdict").value(to_string(d.verdict));
  j.key("reason").value(d.reason);
  j.key("ending").value(to_string(d.ending));
  j.key("ending_reason").value(d.ending_text);
  j.key("round_trip_s");
  optional_seconds(j, d.rtt_ns);
  j.key("stalls").begin_array();
  for (const Stall& s : d.stalls) {
    j.begin_object();
    j.key("from").value(s.from == 0 ? "client" : "server");
    j.key("start_s").seconds(s.start_ns - r.start_ns);
    j.key("duration_s").seconds(s.duration_ns);
    j.key("cause").value(to_string(s.cause));
    j.end_object();
  }
  j.end_array();
  j.key("stalls_total").value(d.stalls_total);
  j.key("ecn").begin_object();
  j.key("negotiated").value(d.ecn.negotiated);
  j.key("ce").value(d.ecn.ce);
  j.key("ece_acks").value(d.ecn.ece_acks);
  j.key("cwr").value(d.ecn.cwr);
  j.end_object();
  j.key("window_scale_known").value(d.window_scale_known);
  senders_json(j, d);
  j.key("time").begin_object();
  j.key("client_to_server");
  time_json(j, d.dir[0]);
  j.key("server_to_client");
  time_json(j, d.dir[1]);
  j.end_object();
  side_pair(j, "max_in_flight", d.dir[0].max_in_flight, d.dir[1].max_in_flight);
  j.key("sack").begin_object();
  for (int i = 0; i < 2; ++i) {
    const DirectionDiagnosis& x = d.dir[i];
    j.key(i == 0 ? "client_to_server" : "server_to_client").begin_object();
    j.key("blocks").value(x.sack_blocks);
    j.key("dsack_blocks").value(x.dsack_blocks);
    j.key("holes").value(x.holes);
    j.key("holes_filled_by_retransmission").value(x.hole_fills);
    j.key("spurious_retransmissions_proven").value(x.spurious_proven);
    j.end_object();
  }
  j.end_object();
  j.key("above_offload").value(d.above_offload);
  j.key("largest_segment").value(std::uint64_t{d.largest_segment});
  j.key("vantage");
  if (d.vantage) {
    j.value(*d.vantage == 0 ? "client" : "server");
  } else {
    j.null();
  }
  j.end_object();
}

}  // namespace

void append_summary_json(std::string& out, const ConnectionRecord& r) {
  JsonBuilder j(out);
  j.begin_object();
  j.key("stream").value(r.stream);
  j.key("start").seconds(r.start_ns);
  j.key("client").value(endpoint_text(r.client().endpoint));
  j.key("server").value(endpoint_text(r.server().endpoint));
  j.key("state").value(to_string(r.state));
  j.key("handshake");
  if (r.handshake) {
    j.begin_object();
    j.key("client_isn").value(r.client().isn);
    j.key("server_isn").value(r.server().isn);
    j.key("rtt_s");
    optional_seconds(j, r.handshake_rtt_ns);
    j.end_object();
  } else {
    j.null();
  }
  side_pair(j, "bytes", r.client().bytes, r.server().bytes);
  side_pair(j, "acked_bytes", r.client().acked_bytes, r.server().acked_bytes);
  j.key("roles_inferred").value(r.roles_inferred);
  j.key("bytes_from_data_seen").begin_object();
  j.key("client_to_server").value(r.client().bytes_from_data_seen);
  j.key("server_to_client").value(r.server().bytes_from_data_seen);
  j.end_object();
  j.key("retransmissions").value(r.retransmissions);
  j.key("retransmitted_segments").value(r.retransmitted_segments);
  j.key("retransmission_episodes").begin_array();
  for (const auto& e : r.episodes) episode_json(j, e);
  j.end_array();
  j.key("close").begin_object();
  j.key("by");
  if (r.closed_by) {
    j.value(to_string(*r.closed_by));
  } else {
    j.null();
  }
  j.key("how").value(!r.closed_by ? "open" : r.closed_with_rst ? "rst" : "fin");
  j.end_object();
  j.key("bytes_after_first_fin").value(r.bytes_after_first_fin());
  j.key("keepalives").begin_object();
  j.key("sent").value(r.client().keepalives + r.server().keepalives);
  j.key("answered").value(r.client().keepalive_acks + r.server().keepalive_acks);
  j.end_object();
  j.key("zero_window_stalls").begin_array();
  for (const auto& z : r.zero_window_stalls) {
    j.begin_object();
    j.key("from").value(to_string(z.from));
    j.key("start").seconds(z.start_ns);
    j.key("duration_s").seconds((z.end_ns >= 0 ? z.end_ns : r.end_ns) - z.start_ns);
    j.key("reopened").value(z.end_ns >= 0);
    j.end_object();
  }
  j.end_array();
  j.key("rtt_s").begin_object();
  for (Side from : {Side::client, Side::server}) {
    const RttStats& x = r.side[index(from)].rtt;
    j.key(from == Side::client ? "client_to_server" : "server_to_client");
    if (x.samples == 0) {
      j.null();
      continue;
    }
    j.begin_object();
    j.key("min").seconds(x.min_ns);
    j.key("median").seconds(x.median_ns);
    j.key("p95").seconds(x.p95_ns);
    j.key("samples").value(x.samples);
    j.end_object();
  }
  j.key("path");
  optional_seconds(j, r.path_rtt_ns());
  j.end_object();
  j.key("flags").begin_object();
  for (std::size_t i = 0; i < kFlagNames.size(); ++i) {
    if (r.flag_counts[i] != 0) j.key(kFlagNames[i]).value(r.flag_counts[i]);
  }
  j.end_object();
  j.key("duration_s").seconds(r.end_ns - r.start_ns);
  j.key("frames").value(r.client().frames + r.server().frames);
  j.key("released_idle_at");
  if (r.released_idle_ns) {
    j.seconds(*r.released_idle_ns);
  } else {
    j.null();
  }
  diagnosis_json(j, r);
  j.end_object();
}

namespace {

// The table's columns: header, right-aligned, the least width, the gap before the next column.
struct Column {
  std::string_view name;
  bool right;
  std::size_t min_width;
  std::string_view gap;
};
constexpr std::array<Column, kSummaryColumns> kColumns{{
    {"", false, 1, " "},
    {"stream", true, 6, "  "},
    {"client", false, 21, " "},  // an IPv4 endpoint, 255.255.255.255:65535
    {"server", false, 21, " "},
    {"state", false, 11, " "},
    {"duration", true, 8, " "},
    {"c>s", true, 6, " "},
    {"s>c", true, 6, " "},
    {"retx", true, 4, " "},
    {"rtt", true, 7, "  "},
    {"verdict", false, 0, ""},
}};

// The cells of one line of tab-separated cells.
std::array<std::string_view, kSummaryColumns> split_cells(std::string_view line) {
  std::array<std::string_view, kSummaryColumns> cells{};
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  for (std::size_t i = 0; i < kSummaryColumns; ++i) {
    std::size_t tab = i + 1 < kSummaryColumns ? line.find('\t') : std::string_view::npos;
    cells[i] = line.substr(0, tab);
    line = tab == std::string_view::npos ? std::string_view{} : line.substr(tab + 1);
  }
  return cells;
}

// Columns hold ASCII but for the endpoints' addresses, which are ASCII too: bytes are columns.
void append_cells(std::string& out, const std::array<std::string_view, kSummaryColumns>& cells,
                  const SummaryWidths& widths, bool colour) {
  for (std::size_t i = 0; i < kSummaryColumns; ++i) {
    const Column& c = kColumns[i];
    const std::size_t pad = widths[i] > cells[i].size() ? widths[i] - cells[i].size() : 0;
    const bool last = i + 1 == kSummaryColumns;
    if (c.right) out.append(pad, ' ');
    const bool paint = colour && last && !cells[0].empty() && cells[0][0] == '!';
    if (paint) out += "\033[31m";
    out += cells[i];
    if (paint) out += "\033[0m";
    if (!c.right && !last) out.append(pad, ' ');
    out += c.gap;
  }
  out += '\n';
}

}  // namespace

void append_summary_cells(std::string& out, const ConnectionRecord& r) {
  fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                 troubled(r.diagnosis.verdict) ? "!" : " ", r.stream,
                 endpoint_text(r.client().endpoint), endpoint_text(r.server().endpoint),
                 to_string(r.state), human_seconds(r.end_ns - r.start_ns),
                 human_bytes(r.client().bytes), human_bytes(r.server().bytes), r.retransmissions,
                 r.path_rtt_ns() ? human_seconds(*r.path_rtt_ns()) : std::string("-"),
                 to_string(r.diagnosis.verdict));
}

SummaryWidths summary_widths() {
  SummaryWidths w{};
  for (std::size_t i = 0; i < kSummaryColumns; ++i) {
    w[i] = std::max(kColumns[i].min_width, kColumns[i].name.size());
  }
  return w;
}

void widen_summary(SummaryWidths& widths, std::string_view cells_line) {
  auto cells = split_cells(cells_line);
  for (std::size_t i = 0; i < kSummaryColumns; ++i) {
    widths[i] = std::max(widths[i], cells[i].size());
  }
}

void append_summary_header(std::string& out, const SummaryWidths& widths) {
  std::array<std::string_view, kSummaryColumns> names{};
  for (std::size_t i = 0; i < kSummaryColumns; ++i) names[i] = kColumns[i].name;
  append_cells(out, names, widths, false);
}

void append_summary_row(std::string& out, std::string_view cells_line, const SummaryWidths& widths,
                        bool colour) {
  append_cells(out, split_cells(cells_line), widths, colour);
}

void append_summary_legend(std::string& out) {
  out += "!: a troubled connection; its verdict says what went wrong (docs/diagnosis.md)\n";
}

void append_summary_table(std::string& out, const std::vector<std::string>& rows, bool colour) {
  SummaryWidths widths = summary_widths();
  for (const std::string& row : rows) widen_summary(widths, row);
  append_summary_header(out, widths);
  bool any_troubled = false;
  for (const std::string& row : rows) {
    append_summary_row(out, row, widths, colour);
    any_troubled = any_troubled || row.starts_with('!');
  }
  if (any_troubled) append_summary_legend(out);
}

void append_summary_table(std::string& out, const std::vector<ConnectionRecord>& records,
                          bool colour) {
  std::vector<const ConnectionRecord*> order;
  for (const auto& r : records) order.push_back(&r);
  std::stable_partition(order.begin(), order.end(),
                        [](const ConnectionRecord* r) { return troubled(r->diagnosis.verdict); });
  std::vector<std::string> rows(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) append_summary_cells(rows[i], *order[i]);
  append_summary_table(out, rows, colour);
}

}  // namespace tcplens
