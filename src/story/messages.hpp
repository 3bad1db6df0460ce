// The message catalogue: every sentence and word the stories and the report say to people, one
// table of templates per language (messages_<code>.cpp), looked up by (Language, Msg).
//
// Templates use fmt's positional slots, {0} {1} …, bare (no format spec: the code formats the
// numbers, so every language shows the same digits), so a language may reorder them. A message
// about a count has two forms, `one` and `other`, chosen by the language's plural rule; a
// language with one form leaves `one` empty. A new language is one enum entry below and one
// file messages_<code>.cpp specialising catalogue_of<>().
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcplens {

enum class Language { en, zh, count };
inline constexpr std::size_t kLanguages = static_cast<std::size_t>(Language::count);

enum class Msg : std::uint16_t {
  // Units: a number (already formatted) and its unit.
  unit_microseconds,
  unit_milliseconds,
  unit_seconds,
  // The two sides.
  side_client,
  side_server,
  // Connection states (the English ones are the summary's names).
  state_refused,
  state_unanswered,
  state_open,
  state_half_closed,
  state_closed,
  state_reset,
  state_midstream,
  // Verdicts (the English ones are the summary's names).
  verdict_healthy,
  verdict_refused,
  verdict_unanswered,
  verdict_peer_unreachable,
  verdict_loss_limited,
  verdict_receive_window_limited,
  verdict_zero_window_stalled,
  verdict_application_limited,
  verdict_sender_limited,
  verdict_ecn_limited,
  // What a side did during a stall.
  stall_tail_loss_probe,
  stall_retransmission_timeout,
  stall_zero_window,
  stall_receive_window,
  stall_peer_silent,
  stall_application,
  stall_handshake,
  // The first line.
  connection_header,
  roles_guessed,
  refused_before,
  // The handshake.
  handshake_refused,
  handshake_unanswered,
  handshake_only_client_frames,
  handshake_midstream,
  handshake_done,
  handshake_done_syn_data,
  handshake_rtt,
  handshake_done_end,
  option_mss,
  option_window_scale,
  option_no_window_scale,
  option_sack,
  option_no_sack,
  option_timestamps,
  option_no_timestamps,
  options_separator,
  options_line,
  // Windows.
  window_raw_unscaled,
  window_scaled,
  window_bytes,
  window_down,
  window_up,
  // The data, turn by turn.
  data_none,
  data_heading,
  count_turns,
  data_only_client,
  data_only_server,
  data_exchanges,
  data_server_first,
  data_server_first_exchanges,
  data_then_unanswered,
  data_then_after_close,
  turn_sent,
  turn_segments,
  turn_no_peer_frames,
  turn_partly_acked,
  turn_never_acked,
  ack_sum,
  ack_sum_with_fin,
  turn_acked,
  ack_carried_by_data,
  ack_bare,
  ack_in_synack,
  note_ack_of_data,
  turns_more,
  // Retransmissions.
  count_distinct_segments,
  count_frames,
  retransmissions_line,
  count_fast_retransmissions,
  count_finally_acked,
  episodes_summary,
  episode_what_syn,
  episode_what_fin,
  episode_what_segment,
  episode_line,
  episode_acked,
  episode_never_acked,
  pattern_fast,
  pattern_tail_loss_probe,
  pattern_backoff_all,
  pattern_backoff_from,
  pattern_capped,
  pattern_capped_linux,
  pattern_linear,
  pattern_linear_linux6,
  pattern_irregular,
  linux_give_up,
  linux_syn_retries,
  // Zero windows and keep-alives.
  zero_window,
  zero_window_reopened,
  zero_window_never_reopened,
  zero_window_probes,
  keepalives,
  // The ending.
  ending_first,
  ending_how_rst,
  ending_how_fin,
  ending_fin_seq,
  ending_fin_seq_no_data,
  ending_sentence_end,
  ending_idle_released,
  ending_closed,
  ending_half_closed,
  ending_reset,
  ending_open,
  bytes_after_fin,
  unacked_side_unseen,
  unacked_part,
  unacked_part_separator,
  unacked_line,
  all_acked,
  all_acked_one_side,
  // Stalls.
  stalls_all,
  stalls_longest,
  stall_item,
  stall_separator,
  stalls_end,
  ended_rst_after_fin,
  ended_rst,
  ended_rst_all_acked,
  // The diagnosis.
  diagnosis_verdict,
  time_sending,
  time_receive_window,
  time_zero_window,
  time_loss_recovery,
  time_retransmission_timer,
  time_waiting_for_peer,
  time_idle,
  time_separator,
  time_breakdown,
  sack_blocks,
  sack_holes,
  sack_hole_fills,
  sentence_end,
  count_dsack_blocks,
  count_retransmissions,
  dsack_line,
  above_offload,
  vantage,
  // The report (tcplens report): headings, table columns, groups, graphs.
  report_title,
  report_counts,
  report_connections,
  report_groups_intro,
  report_column_stream,
  report_column_client,
  report_column_server,
  report_column_state,
  report_column_verdict,
  report_column_duration,
  report_column_bytes_client_to_server,
  report_column_bytes_server_to_client,
  report_column_retransmissions,
  report_column_rtt,
  report_more_rows,
  report_group_heading,
  report_stream_heading,
  report_group_note,
  report_group_note_retries_differ,
  report_group_ports,
  report_ladder,
  report_no_graphs,
  report_graph_time_sequence,
  report_no_rtt_graph,
  report_no_rtt_none,
  report_no_rtt_only_one,
  report_graph_rtt,
  group_unanswered_syn,
  group_refused_syn,
  group_without_data,
  group_label,
  group_separator,
  group_separator_last,
  group_no_retry,
  count_retries,
  group_retries_each,
  group_retries_each_streams,
  group_retries_streams,
  // Graphs (svg_graph.cpp).
  graph_unit_microseconds,
  graph_unit_milliseconds,
  graph_unit_seconds,
  graph_unit_bytes,
  graph_unit_bytes_per_second,
  graph_axis,
  graph_time,
  graph_relative_sequence,
  graph_time_since_first_frame,
  graph_ack_rtt,
  graph_goodput,
  graph_zero_window_mark,
  graph_mark_from_sender,
  graph_mark_from_receiver,
  graph_mark_separator,
  graph_legend_data,
  graph_legend_retransmission,
  graph_legend_fast_retransmission,
  graph_legend_out_of_order,
  graph_legend_ack,
  graph_legend_window_edge,
  graph_legend_sack_block,
  graph_legend_zero_window,
  graph_zoom_title,
  graph_time_sequence_description,
  graph_thinned,
  graph_legend_rtt,
  graph_rtt_description,
  graph_legend_goodput,
  graph_goodput_description,
  graph_title_rtt,
  graph_title_goodput,
  count
};
inline constexpr std::size_t kMessages = static_cast<std::size_t>(Msg::count);

// One message's forms in one language: `one` empty where the language has no singular form.
struct MsgForms {
  std::string_view other;
  std::string_view one;
};
struct MsgEntry {
  Msg id;
  std::string_view other;
  std::string_view one = {};
};

struct Catalogue {
  std::string_view code;  // the --lang value, the HTML lang attribute
  bool (*is_singular)(std::uint64_t n);
  std::array<MsgForms, kMessages> forms;
};

// A language's table from its entries, in any order. Evaluated at compile time, so an id missing
// or given twice does not compile.
constexpr Catalogue make_catalogue(std::string_view code, bool (*is_singular)(std::uint64_t),
                                   std::initializer_list<MsgEntry> entries) {
  Catalogue c{code, is_singular, {}};
  std::array<bool, kMessages> seen{};
  for (const MsgEntry& e : entries) {
    const auto i = static_cast<std::size_t>(e.id);
    if (seen[i]) throw "a message given twice";
    seen[i] = true;
    c.forms[i] = MsgForms{e.other, e.one};
  }
  for (bool s : seen) {
    if (!s) throw "a message missing";
  }
  return c;
}

// Each language's file specialises this for its enum entry.
template <Language L>
const Catalogue& catalogue_of();

const Catalogue& catalogue(Language lang);
std::optional<Language> language_of_code(std::string_view code);
std::vector<std::string> language_codes();  // every language's code, in enum order

// The template of `id` in `lang` for a count `n` (the plural rule picks the form).
inline std::string_view message(Language lang, Msg id, std::uint64_t n = 2) {
  const Catalogue& c = catalogue(lang);
  const MsgForms& f = c.forms[static_cast<std::size_t>(id)];
  return !f.one.empty() && c.is_singular(n) ? f.one : f.other;
}

// The message filled in: `say` for a message without a count, `say_n` for one about `n`.
template <typename... T>
std::string say(Language lang, Msg id, const T&... args) {
  return fmt::vformat(message(lang, id), fmt::make_format_args(args...));
}
template <typename... T>
std::string say_n(Language lang, Msg id, std::uint64_t n, const T&... args) {
  return fmt::vformat(message(lang, id, n), fmt::make_format_args(args...));
}

}  // namespace tcplens
