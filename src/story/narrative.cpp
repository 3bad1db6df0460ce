#include "story/narrative.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <tuple>

namespace tcplens {

namespace {

std::string duration(std::int64_t ns, Language lang) {
  double s = static_cast<double>(ns) / 1e9;
  if (std::fabs(s) < 1e-3) return say(lang, Msg::unit_microseconds, fmt::format("{:.0f}", s * 1e6));
  if (std::fabs(s) < 1) return say(lang, Msg::unit_milliseconds, fmt::format("{:.3f}", s * 1e3));
  return say(lang, Msg::unit_seconds, fmt::format("{:.3f}", s));
}

std::string seconds3(double s) {
  return fmt::format("{:.3f}", s);
}

// Gaps between sends: milliseconds resolution, finer when they are that short.
std::string gap_list(const std::vector<double>& gaps) {
  bool fine = std::any_of(gaps.begin(), gaps.end(), [](double g) { return g < 0.01; });
  std::string list;
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    list += (i ? ", " : "") + (fine ? fmt::format("{:.6f}", gaps[i]) : seconds3(gaps[i]));
  }
  return list;
}

bool about(double a, double b) {
  return std::fabs(a - b) <= 0.2 * b;
}

std::string who(Side s, Language lang) {
  return say(lang, s == Side::client ? Msg::side_client : Msg::side_server);
}

std::string window_text(std::uint64_t scaled, std::uint16_t raw, int shift, Language lang) {
  if (shift < 0) return say(lang, Msg::window_raw_unscaled, raw);
  if (shift > 0) return say_n(lang, Msg::window_scaled, scaled, scaled, raw, shift);
  return say_n(lang, Msg::window_bytes, scaled, scaled);
}

// Both sides must offer window scaling for it to apply; -1 when a side's SYN was not seen.
int shift_of(const ConnectionRecord& r, Side s) {
  for (const SideFacts& f : r.side) {
    if (!f.sent_syn && !f.sent_synack) return -1;
  }
  if (r.client().window_scale < 0 || r.server().window_scale < 0) return 0;
  return r.side[index(s)].window_scale;
}

void refused_before(std::string& o, const std::vector<ConnectionRecord>& all, std::size_t i,
                    Language lang) {
  const ConnectionRecord& r = all[i];
  for (std::size_t k = 0; k < i; ++k) {
    const ConnectionRecord& p = all[k];
    if (p.state != ConnectionState::refused) continue;
    if (!(p.client().endpoint == r.client().endpoint) ||
        !(p.server().endpoint == r.server().endpoint))
      continue;
    std::int64_t answer = p.end_ns - p.start_ns;
    o += say(lang, Msg::refused_before, p.stream, time_of_day(p.start_ns), duration(answer, lang),
             duration(r.start_ns - p.start_ns, lang));
  }
}

void handshake(std::string& o, const ConnectionRecord& r, Language lang) {
  const SideFacts& c = r.client();
  const SideFacts& s = r.server();
  if (!r.handshake) {
    if (r.state == ConnectionState::refused) {
      o += say(lang, Msg::handshake_refused, c.isn, static_cast<std::uint32_t>(c.isn + 1));
    } else if (r.state == ConnectionState::unanswered) {
      o += say_n(lang, Msg::handshake_unanswered, c.syns_sent, c.syns_sent, c.isn);
    } else if (c.sent_syn && s.frames == 0) {
      o += say(lang, Msg::handshake_only_client_frames, c.isn);
    } else {
      o += say(lang, Msg::handshake_midstream);
    }
    return;
  }
  // What the SYN/ACK acknowledged: the SYN, and its Fast Open data when the server took it.
  const std::uint32_t c1 = c.isn + 1 + c.syn_data;
  const std::uint32_t s1 = s.isn + 1;
  if (c.syn_data > 0 && s.synack_ack == c1) {
    o += say(lang, Msg::handshake_done_syn_data, c.isn, s.isn, c1, s1, c.syn_data);
  } else {
    o += say(lang, Msg::handshake_done, c.isn, s.isn, static_cast<std::uint32_t>(c.isn + 1), s1);
  }
  if (r.handshake_rtt_ns) o += say(lang, Msg::handshake_rtt, duration(*r.handshake_rtt_ns, lang));
  o += say(lang, Msg::handshake_done_end);
  // Options negotiated.
  std::vector<std::string> opts;
  if (c.mss || s.mss) opts.push_back(say(lang, Msg::option_mss, c.mss, s.mss));
  if (c.window_scale >= 0 && s.window_scale >= 0) {
    opts.push_back(say(lang, Msg::option_window_scale, c.window_scale, 1 << c.window_scale,
                       s.window_scale, 1 << s.window_scale));
  } else {
    opts.push_back(say(lang, Msg::option_no_window_scale));
  }
  bool sack = c.sack_permitted && s.sack_permitted;
  bool ts = c.timestamps && s.timestamps;
  opts.push_back(say(lang, sack ? Msg::option_sack : Msg::option_no_sack));
  opts.push_back(say(lang, ts ? Msg::option_timestamps : Msg::option_no_timestamps));
  std::string list;
  for (std::size_t i = 0; i < opts.size(); ++i) {
    if (i) list += say(lang, Msg::options_separator);
    list += opts[i];
  }
  o += say(lang, Msg::options_line, list);
}

// The conversation's shape, counted from the turns as a person would: a client turn and the
// server turn after it are one request/response exchange; a last client turn with no server
// turn after it is an unanswered request (or, begun after the server's FIN, data sent after the
// server closed: TLS's close_notify); a server turn before any client turn is the server
// speaking first (a greeting). Turns alternate by construction (a turn ends when the other side
// sends data), so the first turn's side and their number give every turn's side, also past the
// kMaxTurns kept.
std::string turns_shape(const ConnectionRecord& r, Language lang) {
  const std::uint64_t total = r.turns_total;
  const bool client_first = r.turns.front().from == Side::client;
  if (total == 1) return say(lang, client_first ? Msg::data_only_client : Msg::data_only_server);
  const std::uint64_t after_greeting = client_first ? total : total - 1;
  const std::uint64_t exchanges = after_greeting / 2;
  std::string shape = client_first ? say_n(lang, Msg::data_exchanges, exchanges, exchanges)
                      : exchanges == 0
                          ? say(lang, Msg::data_server_first)
                          : say_n(lang, Msg::data_server_first_exchanges, exchanges, exchanges);
  if (after_greeting % 2 == 1) {
    const std::int64_t server_fin = r.server().first_fin_ns;
    const bool after_close =
        r.turns.size() == total && server_fin >= 0 && r.turns.back().start_ns > server_fin;
    shape += say(lang, after_close ? Msg::data_then_after_close : Msg::data_then_unanswered);
  }
  return shape;
}

void rounds(std::string& o, const ConnectionRecord& r, Language lang) {
  if (r.turns.empty()) {
    o += say(lang, Msg::data_none);
    return;
  }
  o += say(lang, Msg::data_heading, turns_shape(r, lang),
           say_n(lang, Msg::count_turns, r.turns_total, r.turns_total));
  constexpr std::size_t kShown = 12;
  bool explained_ack_of_data = false;
  std::uint64_t last_window[2] = {0, 0};
  for (std::size_t i = 0; i < r.turns.size() && i < kShown; ++i) {
    const Turn& t = r.turns[i];
    Side peer = other(t.from);
    std::uint64_t n = t.bytes();
    std::uint32_t last = t.end_seq - 1;
    o += say_n(lang, Msg::turn_sent, n, time_of_day(t.start_ns), who(t.from, lang), n, t.first_seq,
               last, t.segments > 1 ? say(lang, Msg::turn_segments, t.segments) : "");
    if (t.acked_ns < 0) {
      const std::uint32_t past = t.partial_ack - t.first_seq;
      const std::uint64_t part = static_cast<std::int32_t>(past) > 0 ? past : 0;
      if (r.side[index(peer)].frames == 0) {
        o += say(lang, Msg::turn_no_peer_frames, who(peer, lang));
      } else if (part > 0) {
        o += say(lang, Msg::turn_partly_acked, part, t.partial_ack, n - part);
      } else {
        o += say(lang, Msg::turn_never_acked);
      }
      continue;
    }
    // A SYN/ACK's window is never scaled.
    const int shift = t.ack_in_syn ? 0 : shift_of(r, peer);
    std::string win =
        window_text(shift == 0 ? t.peer_window_raw : t.peer_window, t.peer_window_raw, shift, lang);
    std::uint64_t& prev = last_window[index(peer)];
    std::string change;
    if (prev != 0 && prev != t.peer_window) {
      long long delta = static_cast<long long>(t.peer_window) - static_cast<long long>(prev);
      const auto by = static_cast<std::uint64_t>(std::llabs(delta));
      change = say_n(lang, delta < 0 ? Msg::window_down : Msg::window_up, by, by);
    }
    prev = t.peer_window;
    // The arithmetic of the ACK number: first byte + bytes (+ 1 when it also covers a FIN).
    std::string sum;
    if (t.ack == t.end_seq) {
      sum = say(lang, Msg::ack_sum, t.first_seq, n);
    } else if (t.ack == t.end_seq + 1) {
      sum = say(lang, Msg::ack_sum_with_fin, t.first_seq, n);
    }
    o += say(lang, Msg::turn_acked, who(peer, lang), duration(t.acked_ns - t.end_ns, lang), t.ack,
             sum,
             say(lang, t.ack_in_syn      ? Msg::ack_in_synack
                       : t.ack_with_data ? Msg::ack_carried_by_data
                                         : Msg::ack_bare),
             win, change);
    // The seed's misreading (tcpdump-retransmission-notes.md): the sender of this turn had
    // just acknowledged the peer's previous turn with a bare ACK, then sent this data, and the
    // peer acknowledged it with a bare ACK too. Skimming past the small data in between, a
    // reader sees ACK → data → ACK and takes the second ACK for an acknowledgement of the
    // first. Told once, at the first turn where that sequence is on the wire.
    const Turn* before = i > 0 ? &r.turns[i - 1] : nullptr;
    const bool ack_data_ack = before != nullptr && before->acked_ns >= 0 &&
                              !before->ack_with_data && !before->ack_in_syn &&
                              before->acked_ns <= t.start_ns && !t.ack_with_data;
    if (!explained_ack_of_data && ack_data_ack) {
      explained_ack_of_data = true;
      o += say_n(lang, Msg::note_ack_of_data, n, t.ack, who(t.from, lang), n, t.first_seq);
    }
  }
  if (r.turns_total > kShown) {
    o += say_n(lang, Msg::turns_more, r.turns_total - kShown, r.turns_total - kShown);
  }
}

void episodes(std::string& o, const ConnectionRecord& r, Language lang) {
  // The count every output shows (summary's `retransmissions`), then the episodes.
  if (r.retransmissions > 0) {
    const std::uint64_t flagged = r.flag_counts[0];
    o += say(lang, Msg::retransmissions_line, r.retransmissions,
             say_n(lang, Msg::count_distinct_segments, r.retransmitted_segments,
                   r.retransmitted_segments),
             say_n(lang, Msg::count_frames, flagged, flagged));
  }
  // Many episodes (a lossy bulk transfer): a count by pattern, then the first few in detail.
  constexpr std::size_t kShown = 3;
  if (r.episodes.size() > kShown) {
    std::size_t by_pattern[5] = {};
    std::size_t acked = 0;
    for (const auto& e : r.episodes) {
      ++by_pattern[static_cast<int>(e.pattern)];
      acked += e.acked;
    }
    o += say(lang, Msg::episodes_summary, r.episodes.size(),
             say_n(lang, Msg::count_fast_retransmissions, by_pattern[0], by_pattern[0]),
             by_pattern[3], by_pattern[1] + by_pattern[2], by_pattern[4],
             say_n(lang, Msg::count_finally_acked, acked, acked), kShown);
  }
  for (std::size_t k = 0; k < r.episodes.size() && k < kShown; ++k) {
    const RetransmissionEpisode& e = r.episodes[k];
    auto gaps = e.intervals_s();
    std::string what;
    if (e.syn) {
      what = say(lang, Msg::episode_what_syn, who(e.from, lang),
                 e.from == Side::client ? "SYN" : "SYN/ACK");
    } else if (e.len == 0) {
      what = say(lang, Msg::episode_what_fin, who(e.from, lang), e.seq);
    } else {
      what = say_n(lang, Msg::episode_what_segment, e.len, who(e.from, lang), e.seq,
                   e.seq + e.len - 1, e.len);
    }
    o += say(lang, Msg::episode_line, what, e.sends_ns.size(), time_of_day(e.sends_ns.front()),
             say(lang, e.acked ? Msg::episode_acked : Msg::episode_never_acked), gap_list(gaps));
    switch (e.pattern) {
      case RetransmissionPattern::fast:
        o += say(lang, Msg::pattern_fast, duration(e.sends_ns[1] - e.sends_ns[0], lang));
        break;
      case RetransmissionPattern::single:
        // "sent 2 times" already says it was resent once.
        break;
      case RetransmissionPattern::exponential: {
        const std::size_t from = e.run_from;
        bool tlp = from == 1 && gaps.size() >= 2 && about(gaps[1], gaps[0]) && !e.syn;
        if (tlp) o += say(lang, Msg::pattern_tail_loss_probe, seconds3(gaps[0]), seconds3(gaps[1]));
        if (from == 0) {
          o += say(lang, Msg::pattern_backoff_all);
        } else {
          // The doubling run, with its numbers: the gaps before it came first.
          std::string run_end = seconds3(e.capped_s ? *e.capped_s : gaps.back());
          o += say(lang, Msg::pattern_backoff_from, from + 1, seconds3(gaps[from]), run_end);
        }
        if (e.capped_s) {
          std::size_t at_cap = 0;
          for (double g : gaps) at_cap += about(g, *e.capped_s);
          const bool linux_max = about(*e.capped_s, 120.0);
          o += say_n(lang, Msg::pattern_capped, at_cap, seconds3(*e.capped_s), at_cap,
                     linux_max ? say(lang, Msg::pattern_capped_linux) : "");
        }
        break;
      }
      case RetransmissionPattern::linear_then_exponential: {
        // Linux 6.x: tcp_syn_linear_timeouts (4) retries 1 s apart, then doubling.
        const bool linux6 = e.syn && about(gaps[0], 1.0) && e.run_from <= 4;
        o += say(lang, Msg::pattern_linear, e.run_from, seconds3(gaps[0]),
                 linux6 ? say(lang, Msg::pattern_linear_linux6) : "");
        break;
      }
      case RetransmissionPattern::irregular:
        o += say(lang, Msg::pattern_irregular);
        break;
    }
    // Linux's give-up time fits only a Linux-like schedule: doubling from a first RTO of
    // 0.2–1 s, capped (if at all) at 120 s.
    const bool linux_like = e.pattern == RetransmissionPattern::exponential && e.run_from <= 1 &&
                            gaps[e.run_from] >= 0.18 && gaps[e.run_from] <= 1.2 &&
                            (!e.capped_s || about(*e.capped_s, 120.0));
    if (!e.acked && !e.syn && linux_like) {
      double since = static_cast<double>(r.end_ns - e.sends_ns.front()) / 1e9;
      o += say(lang, Msg::linux_give_up, fmt::format("{:.1f}", linux_give_up_seconds()),
               fmt::format("{:.1f}", since));
    }
    // Linux's SYN retry bound only where the schedule is Linux's: a first RTO of 1 s and no
    // more retries than its default allows.
    if (e.syn && e.from == Side::client && about(gaps[0], 1.0) && gaps.size() <= 6 &&
        (e.pattern == RetransmissionPattern::exponential ||
         e.pattern == RetransmissionPattern::linear_then_exponential)) {
      o += say(lang, Msg::linux_syn_retries);
    }
    o += "\n";
  }
}

void stalls_and_keepalives(std::string& o, const ConnectionRecord& r, Language lang) {
  for (const auto& z : r.zero_window_stalls) {
    std::int64_t end = z.end_ns >= 0 ? z.end_ns : r.end_ns;
    o += say(lang, Msg::zero_window, who(z.from, lang), time_of_day(z.start_ns),
             z.end_ns >= 0 ? say(lang, Msg::zero_window_reopened, duration(end - z.start_ns, lang))
                           : say(lang, Msg::zero_window_never_reopened));
  }
  std::uint64_t sent = r.client().keepalives + r.server().keepalives;
  std::uint64_t answered = r.client().keepalive_acks + r.server().keepalive_acks;
  if (sent && !r.zero_window_stalls.empty()) {
    // Linux probes a zero window with an empty segment one byte below the next sequence
    // number: tshark (and so the summary) counts those as keep-alives.
    o += say_n(lang, Msg::zero_window_probes, sent, sent, answered);
  } else if (sent) {
    o += say_n(lang, Msg::keepalives, sent, sent, answered);
  }
}

void ending(std::string& o, const ConnectionRecord& r, Language lang) {
  const SideFacts& c = r.client();
  const SideFacts& s = r.server();
  if (r.closed_by) {
    Side by = *r.closed_by;
    const SideFacts& f = r.side[index(by)];
    std::int64_t at = r.closed_with_rst ? f.first_rst_ns : f.first_fin_ns;
    o += say(lang, Msg::ending_first, who(by, lang), time_of_day(at),
             say(lang, r.closed_with_rst ? Msg::ending_how_rst : Msg::ending_how_fin));
    if (!r.closed_with_rst) {
      std::uint32_t fin_seq = static_cast<std::uint32_t>(f.bytes + 1);
      o += f.bytes ? say_n(lang, Msg::ending_fin_seq, f.bytes, fin_seq, f.bytes)
                   : say(lang, Msg::ending_fin_seq_no_data, fin_seq);
    }
    o += say(lang, Msg::ending_sentence_end);
  }
  const bool idle_released = r.released_idle_ns && (r.state == ConnectionState::open ||
                                                    r.state == ConnectionState::half_closed ||
                                                    r.state == ConnectionState::midstream);
  if (idle_released) {
    // Not "at the end of the capture": the capture went on, this connection went quiet.
    const std::string idle = seconds3(static_cast<double>(*r.released_idle_ns - r.end_ns) / 1e9);
    o += say(lang, Msg::ending_idle_released, time_of_day(r.end_ns), idle);
  }
  if (!idle_released) {
    switch (r.state) {
      case ConnectionState::closed:
        o += say(lang, Msg::ending_closed);
        break;
      case ConnectionState::half_closed:
        o += say(lang, Msg::ending_half_closed,
                 who(other(r.closed_by.value_or(Side::client)), lang));
        break;
      case ConnectionState::reset:
        // A RST sent instead of a FIN after data: the application closed with unread data, set
        // SO_LINGER to 0, or the peer sent to a socket already closed.
        o += say(lang, Msg::ending_reset);
        break;
      case ConnectionState::open:
        o += say(lang, Msg::ending_open);
        break;
      default:
        break;
    }
  }
  std::uint64_t bytes_after = r.bytes_after_first_fin();
  if (bytes_after) o += say_n(lang, Msg::bytes_after_fin, bytes_after, bytes_after);
  std::uint64_t c_un = c.bytes - std::min(c.bytes, c.acked_bytes);
  std::uint64_t s_un = s.bytes - std::min(s.bytes, s.acked_bytes);
  const SideFacts* unseen = s.frames == 0 ? &s : c.frames == 0 ? &c : nullptr;
  if (unseen != nullptr && (c_un || s_un)) {
    const Side quiet = unseen == &s ? Side::server : Side::client;
    o += say_n(lang, Msg::unacked_side_unseen, c_un + s_un, c_un + s_un, who(quiet, lang));
  } else if (c_un || s_un) {
    // Only the sides that left something unacknowledged.
    std::string parts;
    for (const auto& [un, f, name] :
         {std::tuple{c_un, &c, Side::client}, {s_un, &s, Side::server}}) {
      if (un == 0) continue;
      if (!parts.empty()) parts += say(lang, Msg::unacked_part_separator);
      parts +=
          say_n(lang, Msg::unacked_part, f->bytes, un, who(name, lang), f->bytes, f->acked_bytes);
    }
    o += say(lang, Msg::unacked_line, parts);
  } else if (c.bytes && s.bytes) {
    o += say(lang, Msg::all_acked, c.bytes, s.bytes);
  } else if (c.bytes || s.bytes) {
    // One side only: no "0 from the server".
    const std::uint64_t n = c.bytes + s.bytes;
    o += say_n(lang, Msg::all_acked_one_side, n, n,
               who(c.bytes ? Side::client : Side::server, lang));
  }
  o += "\n";
}

Msg stall_text(StallCause c) {
  switch (c) {
    case StallCause::tail_loss_probe:
      return Msg::stall_tail_loss_probe;
    case StallCause::retransmission_timeout:
      return Msg::stall_retransmission_timeout;
    case StallCause::zero_window:
      return Msg::stall_zero_window;
    case StallCause::receive_window:
      return Msg::stall_receive_window;
    case StallCause::peer_silent:
      return Msg::stall_peer_silent;
    case StallCause::application:
      return Msg::stall_application;
    case StallCause::handshake:
      return Msg::stall_handshake;
  }
  return Msg::stall_peer_silent;
}

// The longest stalls (at most five, in time order) and how the connection ended.
void long_stalls(std::string& o, const ConnectionRecord& r, Language lang) {
  const Diagnosis& d = r.diagnosis;
  std::vector<const Stall*> top;
  for (const Stall& s : d.stalls) top.push_back(&s);
  std::stable_sort(top.begin(), top.end(),
                   [](const Stall* a, const Stall* b) { return a->duration_ns > b->duration_ns; });
  if (top.size() > 5) top.resize(5);
  std::stable_sort(top.begin(), top.end(),
                   [](const Stall* a, const Stall* b) { return a->start_ns < b->start_ns; });
  if (!top.empty()) {
    const bool all = top.size() == d.stalls_total;
    o += all ? say_n(lang, Msg::stalls_all, d.stalls_total, d.stalls_total)
             : say(lang, Msg::stalls_longest, d.stalls_total, top.size());
    for (std::size_t i = 0; i < top.size(); ++i) {
      const Stall& s = *top[i];
      Side from = s.from == 0 ? Side::client : Side::server;
      if (i) o += say(lang, Msg::stall_separator);
      o += say(lang, Msg::stall_item, seconds3(static_cast<double>(s.start_ns - r.start_ns) / 1e9),
               who(from, lang), say(lang, stall_text(s.cause)),
               seconds3(static_cast<double>(s.duration_ns) / 1e9));
    }
    o += say(lang, Msg::stalls_end);
  }
  if (r.state == ConnectionState::refused || r.state == ConnectionState::unanswered) return;
  std::uint64_t unacked = 0;
  for (const auto& side : r.side) unacked += side.bytes - std::min(side.bytes, side.acked_bytes);
  if (d.ending == Ending::rst_after_fin) {
    o += say(lang, Msg::ended_rst_after_fin);
  } else if (d.ending == Ending::rst) {
    o += unacked ? say_n(lang, Msg::ended_rst, unacked, unacked)
                 : say(lang, Msg::ended_rst_all_acked);
  }
}

void diagnosis(std::string& o, const ConnectionRecord& r, Language lang) {
  const Diagnosis& d = r.diagnosis;
  o += say(lang, Msg::diagnosis_verdict, verdict_text(d.verdict, lang));
  for (int i = 0; i < 2; ++i) {
    const DirectionDiagnosis& x = d.dir[i];
    if (!x.carried_data) continue;
    const TimeBreakdown& t = x.time;
    auto sec = [](std::int64_t ns) { return fmt::format("{:.3f}", static_cast<double>(ns) / 1e9); };
    Side from = i == 0 ? Side::client : Side::server;
    // Only the parts that took time; a side that only idled is not told.
    const std::pair<std::int64_t, Msg> parts[] = {
        {t.sending, Msg::time_sending},
        {t.receive_window_limited, Msg::time_receive_window},
        {t.zero_window, Msg::time_zero_window},
        {t.loss_recovery, Msg::time_loss_recovery},
        {t.retransmission_timer, Msg::time_retransmission_timer},
        {t.waiting_for_peer, Msg::time_waiting_for_peer},
        {t.idle, Msg::time_idle},
    };
    std::string told;
    bool busy = false;
    for (std::size_t k = 0; k < std::size(parts); ++k) {
      if (sec(parts[k].first) == "0.000") continue;
      busy = busy || &parts[k].first != &parts[std::size(parts) - 1].first;
      if (!told.empty()) told += say(lang, Msg::time_separator);
      told += say(lang, parts[k].second, sec(parts[k].first));
    }
    if (!busy) continue;
    o += say_n(lang, Msg::time_breakdown, x.max_in_flight, who(from, lang), sec(t.total()), told,
               x.max_in_flight);
    if (x.sack_blocks) {
      o += say_n(lang, Msg::sack_blocks, x.sack_blocks, x.sack_blocks);
      if (x.holes) {
        o += say_n(lang, Msg::sack_holes, x.holes, x.holes);
        if (x.hole_fills) o += say(lang, Msg::sack_hole_fills, x.hole_fills);
      }
      o += say(lang, Msg::sentence_end);
    }
    if (x.dsack_blocks) {
      o += say(lang, Msg::dsack_line,
               say_n(lang, Msg::count_dsack_blocks, x.dsack_blocks, x.dsack_blocks),
               say_n(lang, Msg::count_retransmissions, x.spurious_proven, x.spurious_proven));
    }
  }
  long_stalls(o, r, lang);
  if (d.above_offload) o += say(lang, Msg::above_offload, d.largest_segment);
  if (d.vantage) {
    Side near = *d.vantage == 0 ? Side::client : Side::server;
    o += say(lang, Msg::vantage, who(near, lang));
  }
  o += "\n";
}

}  // namespace

std::string state_text(ConnectionState s, Language lang) {
  switch (s) {
    case ConnectionState::refused:
      return say(lang, Msg::state_refused);
    case ConnectionState::unanswered:
      return say(lang, Msg::state_unanswered);
    case ConnectionState::open:
      return say(lang, Msg::state_open);
    case ConnectionState::half_closed:
      return say(lang, Msg::state_half_closed);
    case ConnectionState::closed:
      return say(lang, Msg::state_closed);
    case ConnectionState::reset:
      return say(lang, Msg::state_reset);
    case ConnectionState::midstream:
      return say(lang, Msg::state_midstream);
  }
  return "";
}

std::string verdict_text(DiagnosisVerdict v, Language lang) {
  switch (v) {
    case DiagnosisVerdict::healthy:
      return say(lang, Msg::verdict_healthy);
    case DiagnosisVerdict::refused:
      return say(lang, Msg::verdict_refused);
    case DiagnosisVerdict::unanswered:
      return say(lang, Msg::verdict_unanswered);
    case DiagnosisVerdict::peer_unreachable:
      return say(lang, Msg::verdict_peer_unreachable);
    case DiagnosisVerdict::loss_limited:
      return say(lang, Msg::verdict_loss_limited);
    case DiagnosisVerdict::receive_window_limited:
      return say(lang, Msg::verdict_receive_window_limited);
    case DiagnosisVerdict::zero_window_stalled:
      return say(lang, Msg::verdict_zero_window_stalled);
    case DiagnosisVerdict::application_limited:
      return say(lang, Msg::verdict_application_limited);
    case DiagnosisVerdict::sender_limited:
      return say(lang, Msg::verdict_sender_limited);
    case DiagnosisVerdict::ecn_limited:
      return say(lang, Msg::verdict_ecn_limited);
  }
  return "";
}

double linux_give_up_seconds(int retries2) {
  // tcp_model_timeout(): doubling from TCP_RTO_MIN up to TCP_RTO_MAX, then linear.
  const double rto_min = 0.2;
  const double rto_max = 120;
  int boundary = static_cast<int>(std::log2(rto_max / rto_min));  // 9
  if (retries2 <= boundary) return ((2 << retries2) - 1) * rto_min;
  return ((2 << boundary) - 1) * rto_min + (retries2 - boundary) * rto_max;
}

std::string explain(const std::vector<ConnectionRecord>& records, std::size_t i, Language lang) {
  const ConnectionRecord& r = records[i];
  std::string o;
  std::uint64_t frames = r.client().frames + r.server().frames;
  o += say_n(lang, Msg::connection_header, frames, r.stream, endpoint_text(r.client().endpoint),
             endpoint_text(r.server().endpoint), frames, duration(r.end_ns - r.start_ns, lang),
             time_of_day(r.start_ns), state_text(r.state, lang));
  if (r.roles_inferred) o += say(lang, Msg::roles_guessed, r.server().endpoint.port);
  if (r.state != ConnectionState::refused) refused_before(o, records, i, lang);
  handshake(o, r, lang);
  if (r.state != ConnectionState::refused) {
    rounds(o, r, lang);
    episodes(o, r, lang);
    stalls_and_keepalives(o, r, lang);
    ending(o, r, lang);
  }
  diagnosis(o, r, lang);
  return o;
}

}  // namespace tcplens
