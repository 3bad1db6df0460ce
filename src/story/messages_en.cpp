// English: the catalogue's reference language (tests check every other one against it).
#include "story/messages.hpp"

namespace tcplens {

namespace {

constexpr bool singular(std::uint64_t n) {
  return n == 1;
}

// Each entry: id, the template (the plural form where there are two), then the singular form.
constexpr Catalogue kEnglish = make_catalogue(
    "en", singular,
    {
        {Msg::unit_microseconds, "{0} µs"},
        {Msg::unit_milliseconds, "{0} ms"},
        {Msg::unit_seconds, "{0} s"},
        {Msg::side_client, "client"},
        {Msg::side_server, "server"},
        {Msg::state_refused, "refused"},
        {Msg::state_unanswered, "unanswered"},
        {Msg::state_open, "open"},
        {Msg::state_half_closed, "half-closed"},
        {Msg::state_closed, "closed"},
        {Msg::state_reset, "reset"},
        {Msg::state_midstream, "midstream"},
        {Msg::verdict_healthy, "healthy"},
        {Msg::verdict_refused, "refused"},
        {Msg::verdict_unanswered, "unanswered"},
        {Msg::verdict_peer_unreachable, "peer-unreachable"},
        {Msg::verdict_loss_limited, "loss-limited"},
        {Msg::verdict_receive_window_limited, "receive-window-limited"},
        {Msg::verdict_zero_window_stalled, "zero-window-stalled"},
        {Msg::verdict_application_limited, "application-limited"},
        {Msg::verdict_sender_limited, "sender-limited"},
        {Msg::verdict_ecn_limited, "ecn-limited"},
        {Msg::stall_tail_loss_probe, "waited for a tail-loss probe"},
        {Msg::stall_retransmission_timeout, "waited for a retransmission timeout"},
        {Msg::stall_zero_window, "was held by a zero window"},
        {Msg::stall_receive_window, "was held by a full receive window"},
        {Msg::stall_peer_silent, "waited for a silent peer"},
        {Msg::stall_application, "waited for its application to answer"},
        {Msg::stall_handshake, "waited to resend its SYN or SYN/ACK"},

        // {0} stream, {1} client, {2} server, {3} frames, {4} duration, {5} start, {6} state.
        {Msg::connection_header,
         "Connection {0}: client {1} → server {2}, {3} frames over {4} from {5}; state: {6}.\n",
         "Connection {0}: client {1} → server {2}, {3} frame over {4} from {5}; state: {6}.\n"},
        {Msg::roles_guessed,
         "(Roles guessed from the ports, no SYN seen: the server is the side on port {0}.)\n"},
        // {0} stream, {1} time of the SYN, {2} until the RST, {3} until the new attempt.
        {Msg::refused_before,
         "Before it, an attempt from the same client port was refused (stream {0}): the SYN sent "
         "at {1} was answered by a RST {2} later — nothing was listening on the port then. The "
         "client tried again {3} later.\n"},

        // {0} client ISN, {1} ISN + 1.
        {Msg::handshake_refused,
         "The client's SYN (ISN {0}) was refused: the server answered with a RST acknowledging "
         "{1} = {0} + 1. Nothing listened on the port.\n"},
        // {0} SYNs, {1} ISN.
        {Msg::handshake_unanswered, "The client sent {0} SYNs (ISN {1}) and got no reply at all.\n",
         "The client sent {0} SYN (ISN {1}) and got no reply at all.\n"},
        {Msg::handshake_only_client_frames,
         "The capture holds only the client's frames, but its ACKs prove the server answered its "
         "SYN (ISN {0}).\n"},
        {Msg::handshake_midstream,
         "The capture starts mid-connection: no handshake was seen, so relative sequence numbers "
         "start where the capture first saw each direction (as tshark numbers them, a side's "
         "first ACK can set the other side's 1), byte counts run from the lowest data byte "
         "captured to the highest, and the window scale is unknown (it is agreed in the "
         "SYNs).\n"},
        // {0} client ISN, {1} server ISN, {2} client ISN + 1, {3} server ISN + 1.
        {Msg::handshake_done,
         "Handshake: the client's SYN carried ISN {0}; the server's SYN/ACK carried its own ISN "
         "{1} and acknowledged {2} = {0} + 1 (a SYN counts as one sequence number); the client's "
         "ACK {3} = {1} + 1 completed it"},
        {Msg::handshake_rtt, ", {0} after the SYN"},
        // As handshake_done, the SYN carrying {4} bytes of data (TCP Fast Open).
        {Msg::handshake_done_syn_data,
         "Handshake: the client's SYN carried ISN {0} and {4} bytes of data (TCP Fast Open); "
         "the server's SYN/ACK carried its own ISN {1} and acknowledged {2} = {0} + 1 + {4} (the "
         "SYN's one sequence number and its data); the client's ACK {3} = {1} + 1 completed it"},
        {Msg::handshake_done_end,
         ". From here on both sides' relative sequence numbers start at 1.\n"},
        {Msg::option_mss, "MSS {0} (client) and {1} (server)"},
        // {0} client shift, {1} its factor, {2} server shift, {3} its factor.
        {Msg::option_window_scale,
         "window scale {0} (×{1}) for the client and {2} (×{3}) for the server"},
        {Msg::option_no_window_scale, "no window scaling"},
        {Msg::option_sack, "SACK permitted"},
        {Msg::option_no_sack, "no SACK"},
        {Msg::option_timestamps, "timestamps on"},
        {Msg::option_no_timestamps, "no timestamps"},
        {Msg::options_separator, "; "},
        {Msg::options_line, "Options: {0}.\n"},

        {Msg::window_raw_unscaled, "{0} (the raw field; scale unknown: no SYN seen)"},
        // {0} bytes, {1} the raw field, {2} the shift.
        {Msg::window_scaled, "{0} bytes ({1} × 2^{2})", "{0} byte ({1} × 2^{2})"},
        {Msg::window_bytes, "{0} bytes", "{0} byte"},
        {Msg::window_down, " (down {0} bytes)", " (down {0} byte)"},
        {Msg::window_up, " (up {0} bytes)", " (up {0} byte)"},

        {Msg::data_none, "Neither side sent any data.\n"},
        // {0} the turns' shape (data_only_client …), {1} count_turns.
        {Msg::data_heading, "Data: {0} ({1}):\n"},
        {Msg::count_turns, "{0} turns", "{0} turn"},
        {Msg::data_only_client, "only the client sent data"},
        {Msg::data_only_server, "only the server sent data"},
        // {0} exchanges: a client turn and the server turn after it.
        {Msg::data_exchanges, "{0} request/response exchanges", "{0} request/response exchange"},
        {Msg::data_server_first, "the server spoke first"},
        {Msg::data_server_first_exchanges,
         "the server spoke first, then {0} request/response exchanges",
         "the server spoke first, then {0} request/response exchange"},
        // After the above: a last client turn with no server turn after it.
        {Msg::data_then_unanswered, ", then an unanswered request"},
        {Msg::data_then_after_close, ", then the client sent more after the server had closed"},
        // {0} time, {1} side, {2} bytes, {3} first seq, {4} last seq, {5} turn_segments or "".
        {Msg::turn_sent, "  - {0} the {1} sent {2} bytes (seq {3}–{4}{5})",
         "  - {0} the {1} sent {2} byte (seq {3}–{4}{5})"},
        {Msg::turn_segments, ", {0} segments"},
        {Msg::turn_no_peer_frames,
         "; no ACK in the capture (none of the {0}'s frames was captured).\n"},
        // {0} bytes acknowledged, {1} the ACK, {2} bytes not.
        {Msg::turn_partly_acked,
         "; {0} of them were acknowledged (up to ACK {1}), the last {2} never were.\n"},
        {Msg::turn_never_acked, "; never acknowledged.\n"},
        {Msg::ack_sum, " (= {0} + {1})"},
        {Msg::ack_sum_with_fin, " (= {0} + {1} + 1 for the FIN)"},
        // {0} side, {1} delay, {2} ACK, {3} ack_sum, {4} how, {5} window, {6} its change.
        {Msg::turn_acked,
         "; the {0} acknowledged them {1} later with ACK {2}{3}, {4}, advertising a window of "
         "{5}{6}.\n"},
        {Msg::ack_carried_by_data, "carried by its own data"},
        {Msg::ack_bare, "in a bare ACK"},
        {Msg::ack_in_synack, "in its SYN/ACK"},
        // {0} ACK, {1} sender, {2} bytes, {3} first seq.
        {Msg::note_ack_of_data,
         "    Note: this ACK {0} acknowledges the {1}'s {2} data bytes ({3} + {2}); it is not an "
         "acknowledgement of an ACK — a bare ACK takes no sequence number and is never "
         "acknowledged.\n",
         "    Note: this ACK {0} acknowledges the {1}'s {2} data byte ({3} + {2}); it is not an "
         "acknowledgement of an ACK — a bare ACK takes no sequence number and is never "
         "acknowledged.\n"},
        {Msg::turns_more, "  … and {0} more turns.\n", "  … and {0} more turn.\n"},

        {Msg::count_distinct_segments, "{0} distinct segments", "{0} distinct segment"},
        {Msg::count_frames, "{0} frames", "{0} frame"},
        // {0} count, {1} count_distinct_segments, {2} count_frames.
        {Msg::retransmissions_line,
         "Retransmissions: {0} ({1} resent; tshark flags {2} as retransmissions).\n"},
        {Msg::count_fast_retransmissions, "{0} fast retransmissions", "{0} fast retransmission"},
        {Msg::count_finally_acked, "{0} were finally acknowledged", "{0} was finally acknowledged"},
        // {0} episodes, {1} count_fast_retransmissions, {2} once, {3} backed off, {4} irregular,
        // {5} count_finally_acked, {6} told.
        {Msg::episodes_summary,
         "Of them, {0} segments were captured both sent and resent ({1}, {2} resent once, {3} "
         "with a backed-off timer, {4} irregular); {5}. The first {6}:\n"},
        // {0} side, {1} SYN or SYN/ACK.
        {Msg::episode_what_syn, "the {0}'s {1}"},
        {Msg::episode_what_fin, "the {0}'s FIN (seq {1})"},
        // {0} side, {1} first seq, {2} last seq, {3} bytes.
        {Msg::episode_what_segment, "the {0}'s segment seq {1}–{2} ({3} bytes)",
         "the {0}'s segment seq {1}–{2} ({3} byte)"},
        // {0} what, {1} sends, {2} first send, {3} episode_acked or not, {4} the gaps.
        {Msg::episode_line,
         "Retransmission: {0} was sent {1} times from {2} and {3}. Gaps between sends (s): {4}."},
        {Msg::episode_acked, "was finally acknowledged"},
        {Msg::episode_never_acked, "was never acknowledged"},
        {Msg::pattern_fast,
         " The first resend followed duplicate ACKs (fast retransmit), {0} after the original."},
        // {0}, {1}: the first two gaps (s).
        {Msg::pattern_tail_loss_probe,
         " The first resend came {0} s after the original and the second {1} s after that: the "
         "first was a tail-loss probe (sent before the retransmission timer expires), the rest "
         "are RTO expiries."},
        {Msg::pattern_backoff_all,
         " Each gap is about twice the one before: the RTO backs off exponentially."},
        // {0} the gap's number, {1} its length (s), {2} the last or capped gap (s).
        {Msg::pattern_backoff_from,
         " From gap {0} on ({1} s → {2} s) each gap is about twice the one before: the RTO "
         "backs off exponentially."},
        // {0} the cap (s), {1} gaps at it, {2} pattern_capped_linux or "".
        {Msg::pattern_capped,
         " The gaps stop doubling at {0} s and repeat it ({1} gaps): the RTO reached its "
         "cap{2}.",
         " The gaps stop doubling at {0} s and repeat it ({1} gap): the RTO reached its "
         "cap{2}."},
        {Msg::pattern_capped_linux, " (Linux's TCP_RTO_MAX is 120 s)"},
        // {0} equal gaps, {1} their length (s), {2} pattern_linear_linux6 or "".
        {Msg::pattern_linear, " The first {0} gaps are equal (about {1} s), then they double{2}."},
        {Msg::pattern_linear_linux6, ": as Linux 6.x retries a SYN (tcp_syn_linear_timeouts)"},
        {Msg::pattern_irregular, " The gaps follow no regular pattern."},
        // {0} give-up time (s), {1} capture end after the first send (s).
        {Msg::linux_give_up,
         " With Linux's default tcp_retries2 = 15 such a connection is abandoned about {0} s "
         "after the first transmission; the capture ends {1} s after it."},
        {Msg::linux_syn_retries,
         " (This fits Linux's SYN retries, bounded by net.ipv4.tcp_syn_retries, 6 by default.)"},

        // {0} side, {1} time, {2} zero_window_reopened or _never_reopened.
        {Msg::zero_window,
         "Zero window: the {0} advertised a window of 0 at {1} (its receive buffer was full: the "
         "application was not reading); {2}.\n"},
        {Msg::zero_window_reopened, "it reopened {0} later"},
        {Msg::zero_window_never_reopened, "it was still closed when the capture ended"},
        // {0} probes, {1} answered as keep-alives.
        {Msg::zero_window_probes,
         "The {0} keep-alives seen are Linux's zero-window probes (an empty segment one byte "
         "below the next sequence number); {1} were answered as keep-alives, the rest with "
         "zero-window ACKs.\n",
         "The {0} keep-alive seen is Linux's zero-window probe (an empty segment one byte "
         "below the next sequence number); {1} answered as a keep-alive, the rest with "
         "zero-window ACKs.\n"},
        {Msg::keepalives, "Keep-alive: {0} probes sent, {1} answered.\n",
         "Keep-alive: {0} probe sent, {1} answered.\n"},

        // {0} side, {1} time, {2} ending_how_rst or _fin.
        {Msg::ending_first, "Ending: the {0} {2} first at {1}"},
        {Msg::ending_how_rst, "aborted with a RST"},
        {Msg::ending_how_fin, "closed its side with a FIN"},
        // {0} the FIN's seq, {1} the bytes before it.
        {Msg::ending_fin_seq, " (FIN at seq {0}, right after its {1} bytes of data)",
         " (FIN at seq {0}, right after its {1} byte of data)"},
        {Msg::ending_fin_seq_no_data, " (FIN at seq {0}, no data sent before it)"},
        {Msg::ending_sentence_end, ". "},
        // {0} last frame, {1} idle (s).
        {Msg::ending_idle_released,
         "Its last frame came at {0}, then nothing for {1} s: the connection was reported at the "
         "idle timeout and its state released (frames of it after that are not in this story)."},
        {Msg::ending_closed, "Both sides sent FIN: the connection closed normally."},
        {Msg::ending_half_closed,
         "The {0} never sent a FIN: the connection is half-closed at the end of the capture."},
        {Msg::ending_reset,
         "A RST ended the connection (typically an application closing its socket with data "
         "still unread, or with SO_LINGER set to zero, or data sent to a socket already "
         "closed)."},
        {Msg::ending_open, "The connection was still open when the capture ended."},
        {Msg::bytes_after_fin, " The other side sent {0} more bytes after the first FIN.",
         " The other side sent {0} more byte after the first FIN."},
        // {0} bytes, {1} the side not captured.
        {Msg::unacked_side_unseen,
         " No ACK of the {0} bytes sent is in the capture: none of the {1}'s frames was "
         "captured.",
         " No ACK of the {0} byte sent is in the capture: none of the {1}'s frames was "
         "captured."},
        // {0} unacknowledged, {1} side, {2} its bytes, {3} acknowledged.
        {Msg::unacked_part, "{0} of the {1}'s {2} bytes ({3} acknowledged)",
         "{0} of the {1}'s {2} byte ({3} acknowledged)"},
        {Msg::unacked_part_separator, " and "},
        {Msg::unacked_line, " Unacknowledged at the end: {0}."},
        {Msg::all_acked,
         " All data was acknowledged ({0} bytes from the client, {1} from the server)."},
        // {0} bytes, {1} the only side that sent any.
        {Msg::all_acked_one_side, " All data was acknowledged: the {1}'s {0} bytes.",
         " All data was acknowledged: the {1}'s {0} byte."},

        {Msg::stalls_all, " {0} stalls (in time order:", " {0} stall (in time order:"},
        {Msg::stalls_longest, " {0} stalls (the {1} longest, in time order:"},
        // {0} start after the connection's (s), {1} side, {2} stall_*, {3} duration (s).
        {Msg::stall_item, " at {0} s the {1} {2} for {3} s"},
        {Msg::stall_separator, ";"},
        {Msg::stalls_end, ")."},
        {Msg::ended_rst_after_fin,
         " It ended with a RST after a FIN, a usual teardown (TLS close_notify, FIN, RST is "
         "one), not a failure."},
        {Msg::ended_rst,
         " It was aborted by a RST with no FIN before it; {0} bytes were left unacknowledged.",
         " It was aborted by a RST with no FIN before it; {0} byte was left unacknowledged."},
        {Msg::ended_rst_all_acked,
         " It was aborted by a RST with no FIN before it; all data was acknowledged."},

        {Msg::diagnosis_verdict, "Diagnosis: {0}."},
        {Msg::time_sending, "{0} s sending"},
        {Msg::time_receive_window, "{0} s limited by the receive window"},
        {Msg::time_zero_window, "{0} s zero window"},
        {Msg::time_loss_recovery, "{0} s recovering from loss"},
        {Msg::time_retransmission_timer, "{0} s waiting for a retransmission timer"},
        {Msg::time_waiting_for_peer, "{0} s waiting for the peer"},
        {Msg::time_idle, "{0} s idle"},
        {Msg::time_separator, ", "},
        // {0} side, {1} total (s), {2} the parts, {3} bytes in flight at most.
        {Msg::time_breakdown, " Of the {0}'s {1} s: {2}; at most {3} bytes in flight.",
         " Of the {0}'s {1} s: {2}; at most {3} byte in flight."},
        {Msg::sack_blocks, " The peer sent {0} SACK blocks", " The peer sent {0} SACK block"},
        {Msg::sack_holes, " revealing {0} holes", " revealing {0} hole"},
        {Msg::sack_hole_fills, ", {0} filled by retransmissions"},
        {Msg::sentence_end, "."},
        {Msg::count_dsack_blocks, "{0} D-SACK blocks", "{0} D-SACK block"},
        {Msg::count_retransmissions, "{0} retransmissions", "{0} retransmission"},
        // {0} count_dsack_blocks, {1} count_retransmissions.
        {Msg::dsack_line, " {0} proved {1} unnecessary."},
        {Msg::above_offload,
         " The largest segment carried {0} bytes, more than the negotiated MSS: the capture was "
         "taken above segmentation offload (TSO/GSO/GRO), which is not an anomaly."},
        {Msg::vantage, " The ACK timing shows the capture was taken next to the {0}."},
        // The report. {0} the inputs.
        {Msg::report_title, "tcplens report: {0}"},
        // {0} connections, {1} troubled, {2} the frame account.
        {Msg::report_counts, "{0} connections, {1} troubled. {2}",
         "{0} connection, {1} troubled. {2}"},
        {Msg::report_connections, "Connections"},
        {Msg::report_groups_intro, "Identical connections, each group in one row and told once:"},
        {Msg::report_column_stream, "stream"},
        {Msg::report_column_client, "client"},
        {Msg::report_column_server, "server"},
        {Msg::report_column_state, "state"},
        {Msg::report_column_verdict, "verdict"},
        {Msg::report_column_duration, "duration (s)"},
        {Msg::report_column_bytes_client_to_server, "bytes c>s"},
        {Msg::report_column_bytes_server_to_client, "bytes s>c"},
        {Msg::report_column_retransmissions, "retransmissions"},
        {Msg::report_column_rtt, "RTT (ms)"},
        // {0} connections not listed, {1} the command to see them.
        {Msg::report_more_rows, "… and {0} more connections (see {1}).",
         "… and {0} more connection (see {1})."},
        // {0} the streams, {1} the group's label.
        {Msg::report_group_heading, "Streams {0}: {1}"},
        // {0} stream, {1} client, {2} server.
        {Msg::report_stream_heading, "Stream {0}: {1} → {2}"},
        // {0} the stream told, {1} the others, {2} report_group_note_retries_differ or "".
        {Msg::report_group_note,
         "Told below for stream {0}, the first of them; the other {1} have the same state, "
         "verdict and addresses, and no data either{2}.",
         "Told below for stream {0}, the first of them; the other {1} has the same state, "
         "verdict and addresses, and no data either{2}."},
        {Msg::report_group_note_retries_differ, "; their retries differ as listed"},
        // {0} client address, {1} ports.
        {Msg::report_group_ports, "{0} ({1} ports)"},
        {Msg::report_ladder, "Ladder"},
        {Msg::report_no_graphs,
         "No graphs: neither side sent data ({0} frames, none with payload), so there is no "
         "sequence to draw.",
         "No graphs: neither side sent data ({0} frame, without payload), so there is no "
         "sequence to draw."},
        // {0} stream, {1} sender, {2} receiver.
        {Msg::report_graph_time_sequence, "Stream {0}: time-sequence, {1} → {2}"},
        // {0} report_no_rtt_none or _only_one, {1} sender, {2} receiver.
        {Msg::report_no_rtt_graph,
         "No RTT graph: {0} of {1}'s segments sent once was timed to the ACK from {2} that "
         "covered it."},
        {Msg::report_no_rtt_none, "none"},
        {Msg::report_no_rtt_only_one, "only one"},
        {Msg::report_graph_rtt, "Stream {0}: ACK RTT of {1} → {2}"},
        {Msg::group_unanswered_syn, "unanswered SYN"},
        {Msg::group_refused_syn, "refused SYN"},
        // {0} the state.
        {Msg::group_without_data, "{0} connection without data"},
        // {0} members, {1} what they are, {2} the server.
        {Msg::group_label, "{0} × {1} to {2}"},
        {Msg::group_separator, ", "},
        {Msg::group_separator_last, " or "},
        {Msg::group_no_retry, "no retry"},
        {Msg::count_retries, "{0} retries", "{0} retry"},
        // {0} count_retries.
        {Msg::group_retries_each, "{0} each"},
        // {0} count_retries, {1} the streams.
        {Msg::group_retries_each_streams, "{0} each (streams {1})"},
        // {0} retries, {1} the streams.
        {Msg::group_retries_streams, "{0} (streams {1})"},
        // Graphs: units, axes ({0} label, {1} unit), marks, legends, descriptions.
        {Msg::graph_unit_microseconds, "µs"},
        {Msg::graph_unit_milliseconds, "ms"},
        {Msg::graph_unit_seconds, "s"},
        {Msg::graph_unit_bytes, "bytes"},
        {Msg::graph_unit_bytes_per_second, "bytes/s"},
        {Msg::graph_axis, "{0} ({1})"},
        {Msg::graph_time, "time"},
        {Msg::graph_relative_sequence, "relative sequence number"},
        {Msg::graph_time_since_first_frame, "time since the connection's first frame"},
        {Msg::graph_ack_rtt, "ACK RTT"},
        {Msg::graph_goodput, "goodput"},
        // {0} time (s).
        {Msg::graph_zero_window_mark, "zero window at {0} s"},
        // {0} FIN or RST, {1} time (s).
        {Msg::graph_mark_from_sender, "{0} from the sender at {1} s"},
        {Msg::graph_mark_from_receiver, "{0} from the receiver at {1} s"},
        {Msg::graph_mark_separator, "; "},
        {Msg::graph_legend_data, "data"},
        {Msg::graph_legend_retransmission, "retransmission"},
        {Msg::graph_legend_fast_retransmission, "fast retransmission"},
        {Msg::graph_legend_out_of_order, "out of order"},
        {Msg::graph_legend_ack, "ACK"},
        {Msg::graph_legend_window_edge, "receive window's edge"},
        {Msg::graph_legend_sack_block, "SACK block"},
        {Msg::graph_legend_zero_window, "zero window"},
        // {0}, {1} the zoomed range (s).
        {Msg::graph_zoom_title,
         "Zoom on {0}–{1} s (grey above), where the data was sent and acknowledged"},
        {Msg::graph_time_sequence_description,
         "Time-sequence graph: x is time since the connection's first frame, y the relative "
         "sequence number; vertical bars are data segments."},
        {Msg::graph_thinned, "{0} plain frames thinned out; every event kept",
         "{0} plain frame thinned out; every event kept"},
        {Msg::graph_legend_rtt, "ACK RTT ({0} samples)", "ACK RTT ({0} sample)"},
        {Msg::graph_rtt_description,
         "ACK round-trip time: for each acknowledged segment of this direction, the time from the "
         "segment to the ACK that covered it, at the capture point."},
        // {0} the interval (s).
        {Msg::graph_legend_goodput, "goodput per {0} s"},
        // tcplens graph's titles ({0} stream, {1} sender, {2} receiver); the time-sequence one
        // is report_graph_time_sequence.
        {Msg::graph_title_rtt, "Stream {0}: ACK RTT, {1} → {2}"},
        {Msg::graph_title_goodput, "Stream {0}: goodput, {1} → {2}"},
        {Msg::graph_goodput_description,
         "Goodput: bytes newly acknowledged per interval of the connection's duration."},
    });

}  // namespace

template <>
const Catalogue& catalogue_of<Language::en>() {
  return kEnglish;
}

}  // namespace tcplens
