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
  const LanguageRules& u = rules(lang);
  const std::string_view us = u.microseconds, ms = u.milliseconds, sec = u.seconds;
  if (std::fabs(s) < 1e-3) return fmt::format("{:.0f}{}", s * 1e6, us);
  if (std::fabs(s) < 1) return fmt::format("{:.3f}{}", s * 1e3, ms);
  return fmt::format("{:.3f}{}", s, sec);
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

std::string state_text(ConnectionState s, Language lang) {
  if (lang == Language::en) return std::string(to_string(s));
  switch (s) {
    case ConnectionState::refused:
      return "被拒绝";
    case ConnectionState::unanswered:
      return "无应答";
    case ConnectionState::open:
      return "仍打开";
    case ConnectionState::half_closed:
      return "半关闭";
    case ConnectionState::closed:
      return "已关闭";
    case ConnectionState::reset:
      return "被重置";
    case ConnectionState::midstream:
      return "中途开始";
  }
  return "";
}

bool about(double a, double b) {
  return std::fabs(a - b) <= 0.2 * b;
}

std::string who(Side s, Language lang) {
  if (lang == Language::zh) return s == Side::client ? "客户端" : "服务端";
  return s == Side::client ? "client" : "server";
}

std::string window_text(std::uint64_t scaled, std::uint16_t raw, int shift, Language lang) {
  if (shift < 0) {
    return lang == Language::zh
               ? fmt::format("{}（原始字段，扩大因子未知：没看到 SYN）", raw)
               : fmt::format("{} (the raw field; scale unknown: no SYN seen)", raw);
  }
  if (shift > 0) {
    return lang == Language::zh ? fmt::format("{} 字节（{} × 2^{}）", scaled, raw, shift)
                                : fmt::format("{} bytes ({} × 2^{})", scaled, raw, shift);
  }
  return lang == Language::zh ? fmt::format("{} 字节", scaled) : fmt::format("{} bytes", scaled);
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
    if (lang == Language::zh) {
      o += fmt::format(
          "在此之前，同一客户端端口的一次连接被拒绝（流 {}）：{} 发出的 SYN 在 {} 后收到 RST，"
          "说明当时服务端口上没有程序在监听；{} 后客户端才重新连接。\n",
          p.stream, time_of_day(p.start_ns), duration(answer, lang),
          duration(r.start_ns - p.start_ns, lang));
    } else {
      o += fmt::format(
          "Before it, an attempt from the same client port was refused (stream {}): the SYN sent "
          "at {} was answered by a RST {} later — nothing was listening on the port then. The "
          "client tried again {} later.\n",
          p.stream, time_of_day(p.start_ns), duration(answer, lang),
          duration(r.start_ns - p.start_ns, lang));
    }
  }
}

void handshake(std::string& o, const ConnectionRecord& r, Language lang) {
  const SideFacts& c = r.client();
  const SideFacts& s = r.server();
  const bool zh = lang == Language::zh;
  if (!r.handshake) {
    if (r.state == ConnectionState::refused) {
      o += zh ? fmt::format(
                    "客户端的 SYN（ISN {}）被服务端以 RST 拒绝，确认号 {} = {} + "
                    "1：端口上没有监听者。\n",
                    c.isn, static_cast<std::uint32_t>(c.isn + 1), c.isn)
              : fmt::format(
                    "The client's SYN (ISN {}) was refused: the server answered with a RST "
                    "acknowledging {} = {} + 1. Nothing listened on the port.\n",
                    c.isn, static_cast<std::uint32_t>(c.isn + 1), c.isn);
    } else if (r.state == ConnectionState::unanswered) {
      o += zh ? fmt::format("客户端发出了 {} 个 SYN（ISN {}），没有收到任何回复。\n", c.syns_sent,
                            c.isn)
              : fmt::format("The client sent {} {} (ISN {}) and got no reply at all.\n",
                            c.syns_sent, plural(lang, c.syns_sent, "SYN", "SYNs"), c.isn);
    } else if (c.sent_syn && s.frames == 0) {
      o += zh ? fmt::format(
                    "抓包里只有客户端的报文，但它发出的 ACK 证明服务端回应了它的 SYN（ISN {}）。\n",
                    c.isn)
              : fmt::format(
                    "The capture holds only the client's frames, but its ACKs prove the server "
                    "answered its SYN (ISN {}).\n",
                    c.isn);
    } else {
      o += zh ? "抓包开始时连接已经建立，没有看到握手：相对序号和字节数从抓到的第一个数据字节算起，"
                "窗口扩大因子未知（它只在 SYN 里协商）。\n"
              : "The capture starts mid-connection: no handshake was seen, so relative sequence "
                "numbers and byte counts start at the first data byte captured, and the window "
                "scale is unknown (it is agreed in the SYNs).\n";
    }
    return;
  }
  const std::uint32_t c1 = c.isn + 1;
  const std::uint32_t s1 = s.isn + 1;
  if (zh) {
    o += fmt::format(
        "三次握手：客户端的 SYN 带初始序号 ISN {}；服务端的 SYN/ACK 带自己的 ISN {}，确认号 {} = "
        "{} + 1"
        "（SYN 占一个序号）；客户端的 ACK {} = {} + 1 完成握手",
        c.isn, s.isn, c1, c.isn, s1, s.isn);
    if (r.handshake_rtt_ns) o += fmt::format("，距 SYN {}", duration(*r.handshake_rtt_ns, lang));
    o += "。之后双方的相对序号都从 1 开始。\n";
  } else {
    o += fmt::format(
        "Handshake: the client's SYN carried ISN {}; the server's SYN/ACK carried its own ISN {} "
        "and acknowledged {} = {} + 1 (a SYN counts as one sequence number); the client's ACK {} "
        "= {} + 1 completed it",
        c.isn, s.isn, c1, c.isn, s1, s.isn);
    if (r.handshake_rtt_ns)
      o += fmt::format(", {} after the SYN", duration(*r.handshake_rtt_ns, lang));
    o += ". From here on both sides' relative sequence numbers start at 1.\n";
  }
  // Options negotiated.
  std::vector<std::string> opts;
  if (c.mss || s.mss) {
    opts.push_back(zh ? fmt::format("MSS 客户端 {}、服务端 {}", c.mss, s.mss)
                      : fmt::format("MSS {} (client) and {} (server)", c.mss, s.mss));
  }
  if (c.window_scale >= 0 && s.window_scale >= 0) {
    opts.push_back(
        zh ? fmt::format("窗口扩大因子 客户端 {}（×{}）、服务端 {}（×{}）", c.window_scale,
                         1 << c.window_scale, s.window_scale, 1 << s.window_scale)
           : fmt::format("window scale {} (×{}) for the client and {} (×{}) for the server",
                         c.window_scale, 1 << c.window_scale, s.window_scale, 1 << s.window_scale));
  } else {
    opts.push_back(zh ? "不使用窗口扩大" : "no window scaling");
  }
  bool sack = c.sack_permitted && s.sack_permitted;
  bool ts = c.timestamps && s.timestamps;
  opts.push_back(zh ? (sack ? "允许 SACK" : "不使用 SACK") : (sack ? "SACK permitted" : "no SACK"));
  opts.push_back(zh ? (ts ? "使用时间戳" : "不使用时间戳")
                    : (ts ? "timestamps on" : "no timestamps"));
  o += zh ? "协商的选项：" : "Options: ";
  for (std::size_t i = 0; i < opts.size(); ++i) {
    if (i) o += zh ? "，" : "; ";
    o += opts[i];
  }
  o += zh ? "。\n" : ".\n";
}

void rounds(std::string& o, const ConnectionRecord& r, Language lang) {
  const bool zh = lang == Language::zh;
  if (r.turns.empty()) {
    o += zh ? "双方都没有发送数据。\n" : "Neither side sent any data.\n";
    return;
  }
  o += zh ? fmt::format("数据交换（{} 轮）：\n", r.turns_total)
          : fmt::format("Data ({} round{}):\n", r.turns_total, r.turns_total == 1 ? "" : "s");
  constexpr std::size_t kShown = 12;
  bool explained_ack_of_data = false;
  std::uint64_t last_window[2] = {0, 0};
  for (std::size_t i = 0; i < r.turns.size() && i < kShown; ++i) {
    const Turn& t = r.turns[i];
    Side peer = other(t.from);
    std::uint64_t n = t.bytes();
    std::uint32_t last = t.end_seq - 1;
    if (zh) {
      o += fmt::format("  · {} {}发送 {} 字节（序号 {}–{}{}）", time_of_day(t.start_ns),
                       who(t.from, lang), n, t.first_seq, last,
                       t.segments > 1 ? fmt::format("，{} 个报文段", t.segments) : "");
    } else {
      o += fmt::format("  - {} the {} sent {} byte{} (seq {}–{}{})", time_of_day(t.start_ns),
                       who(t.from, lang), n, n == 1 ? "" : "s", t.first_seq, last,
                       t.segments > 1 ? fmt::format(", {} segments", t.segments) : "");
    }
    if (t.acked_ns < 0) {
      const std::uint32_t past = t.partial_ack - t.first_seq;
      const std::uint64_t part = static_cast<std::int32_t>(past) > 0 ? past : 0;
      if (r.side[index(peer)].frames == 0) {
        o += zh ? fmt::format("；抓包里没有{}的报文，看不到确认。\n", who(peer, lang))
                : fmt::format("; no ACK in the capture (none of the {}'s frames was captured).\n",
                              who(peer, lang));
      } else if (part > 0) {
        o += zh ? fmt::format("；其中 {} 字节被确认（到 ACK {}），最后 {} 字节没有被确认。\n", part,
                              t.partial_ack, n - part)
                : fmt::format(
                      "; {} of them were acknowledged (up to ACK {}), the last {} never "
                      "were.\n",
                      part, t.partial_ack, n - part);
      } else {
        o += zh ? "；没有被确认。\n" : "; never acknowledged.\n";
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
      change = zh ? fmt::format("（比上次{} {} 字节）", delta < 0 ? "少" : "多", std::llabs(delta))
                  : fmt::format(" ({} {} bytes)", delta < 0 ? "down" : "up", std::llabs(delta));
    }
    prev = t.peer_window;
    // The arithmetic of the ACK number: first byte + bytes (+ 1 when it also covers a FIN).
    std::string sum;
    if (t.ack == t.end_seq) {
      sum = zh ? fmt::format("（= {} + {}）", t.first_seq, n)
               : fmt::format(" (= {} + {})", t.first_seq, n);
    } else if (t.ack == t.end_seq + 1) {
      sum = zh ? fmt::format("（= {} + {} + 1，FIN 占一个序号）", t.first_seq, n)
               : fmt::format(" (= {} + {} + 1 for the FIN)", t.first_seq, n);
    }
    if (zh) {
      o += fmt::format("；{}在 {} 后用 ACK {}{}确认，{}，通告窗口 {}{}。\n", who(peer, lang),
                       duration(t.acked_ns - t.end_ns, lang), t.ack, sum,
                       t.ack_with_data ? "这个确认搭载在它自己的数据上" : "是一个单独的 ACK", win,
                       change);
    } else {
      o += fmt::format(
          "; the {} acknowledged them {} later with ACK {}{}, {}, "
          "advertising a window of {}{}.\n",
          who(peer, lang), duration(t.acked_ns - t.end_ns, lang), t.ack, sum,
          t.ack_with_data ? "carried by its own data" : "in a bare ACK", win, change);
    }
    // The seed's misreading: a bare ACK right after the peer's data acknowledges that data.
    if (!explained_ack_of_data && !t.ack_with_data && i > 0) {
      explained_ack_of_data = true;
      o += zh ? fmt::format(
                    "    注意：这个 ACK {} 确认的是{}的 {} 字节数据（{} + {}），而不是“确认对方的 "
                    "ACK”——"
                    "TCP 从不确认纯 ACK，纯 ACK 不占序号。\n",
                    t.ack, who(t.from, lang), n, t.first_seq, n)
              : fmt::format(
                    "    Note: this ACK {} acknowledges the {}'s {} data byte{} ({} + {}); it "
                    "is not an acknowledgement of an ACK — a bare ACK takes no sequence "
                    "number and is never acknowledged.\n",
                    t.ack, who(t.from, lang), n, n == 1 ? "" : "s", t.first_seq, n);
    }
  }
  if (r.turns_total > kShown) {
    o += zh ? fmt::format("  …… 另有 {} 轮。\n", r.turns_total - kShown)
            : fmt::format("  … and {} more round{}.\n", r.turns_total - kShown,
                          r.turns_total - kShown == 1 ? "" : "s");
  }
}

void episodes(std::string& o, const ConnectionRecord& r, Language lang) {
  const bool zh = lang == Language::zh;
  // The count every output shows (summary's `retransmissions`), then the episodes.
  if (r.retransmissions > 0) {
    const std::uint64_t flagged = r.flag_counts[0];
    if (zh) {
      o += fmt::format("重传：{} 次（{} 个不同的报文段；tshark 把其中 {} 帧标为重传）。\n",
                       r.retransmissions, r.retransmitted_segments, flagged);
    } else {
      o += fmt::format(
          "Retransmissions: {} ({} distinct segment{} resent; tshark flags {} frame{} as "
          "retransmissions).\n",
          r.retransmissions, r.retransmitted_segments, r.retransmitted_segments == 1 ? "" : "s",
          flagged, flagged == 1 ? "" : "s");
    }
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
    if (zh) {
      o += fmt::format(
          "其中 {} 个报文段的首次发送也被抓到（快速重传 {} 个，只重传一次的 {} 个，指数退避 {} 个，"
          "其他 {} 个），{} 个最终被确认。前 {} 个如下。\n",
          r.episodes.size(), by_pattern[0], by_pattern[3], by_pattern[1] + by_pattern[2],
          by_pattern[4], acked, kShown);
    } else {
      o += fmt::format(
          "Of them, {} segments were captured both sent and resent ({} fast "
          "retransmissions, {} resent once, {} with a backed-off timer, {} irregular); "
          "{} were finally acknowledged. The first {}:\n",
          r.episodes.size(), by_pattern[0], by_pattern[3], by_pattern[1] + by_pattern[2],
          by_pattern[4], acked, kShown);
    }
  }
  for (std::size_t k = 0; k < r.episodes.size() && k < kShown; ++k) {
    const RetransmissionEpisode& e = r.episodes[k];
    auto gaps = e.intervals_s();
    std::string what;
    if (e.syn) {
      what =
          zh ? fmt::format("{}的 {}", who(e.from, lang), e.from == Side::client ? "SYN" : "SYN/ACK")
             : fmt::format("the {}'s {}", who(e.from, lang),
                           e.from == Side::client ? "SYN" : "SYN/ACK");
    } else if (e.len == 0) {
      what = zh ? fmt::format("{}的 FIN（序号 {}）", who(e.from, lang), e.seq)
                : fmt::format("the {}'s FIN (seq {})", who(e.from, lang), e.seq);
    } else {
      what = zh ? fmt::format("{}的报文段（序号 {}–{}，{} 字节）", who(e.from, lang), e.seq,
                              e.seq + e.len - 1, e.len)
                : fmt::format("the {}'s segment seq {}–{} ({} bytes)", who(e.from, lang), e.seq,
                              e.seq + e.len - 1, e.len);
    }
    std::string list = gap_list(gaps);
    if (zh) {
      o += fmt::format("重传：{}从 {} 起共发送了 {} 次，{}。相邻两次发送的间隔（秒）：{}。", what,
                       time_of_day(e.sends_ns.front()), e.sends_ns.size(),
                       e.acked ? "最终被确认" : "始终没有被确认", list);
    } else {
      o += fmt::format(
          "Retransmission: {} was sent {} times from {} and {}. Gaps between sends "
          "(s): {}.",
          what, e.sends_ns.size(), time_of_day(e.sends_ns.front()),
          e.acked ? "was finally acknowledged" : "was never acknowledged", list);
    }
    switch (e.pattern) {
      case RetransmissionPattern::fast:
        o += zh ? fmt::format("第一次重传发生在收到重复 ACK 之后（快速重传），距首次发送 {}。",
                              duration(e.sends_ns[1] - e.sends_ns[0], lang))
                : fmt::format(
                      " The first resend followed duplicate ACKs (fast retransmit), {} after "
                      "the original.",
                      duration(e.sends_ns[1] - e.sends_ns[0], lang));
        break;
      case RetransmissionPattern::single:
        // "sent 2 times" already says it was resent once.
        break;
      case RetransmissionPattern::exponential: {
        const std::size_t from = e.run_from;
        bool tlp = from == 1 && gaps.size() >= 2 && about(gaps[1], gaps[0]) && !e.syn;
        if (tlp) {
          o += zh ? fmt::format(
                        "第一次重传在 {} 秒后、第二次又隔了同样的 {} "
                        "秒：第一次是尾部丢失探测（TLP，在重传定时器到期前先发一次），之后才是 RTO "
                        "超时重传。",
                        seconds3(gaps[0]), seconds3(gaps[1]))
                  : fmt::format(
                        " The first resend came {} s after the original and the second {} s "
                        "after that: the first was a tail-loss probe (sent before the "
                        "retransmission timer expires), the rest are RTO expiries.",
                        seconds3(gaps[0]), seconds3(gaps[1]));
        }
        if (from == 0) {
          o += zh ? "每次间隔大约翻倍：这是 RTO 的指数退避。"
                  : " Each gap is about twice the one before: the RTO backs off exponentially.";
        } else {
          // The doubling run, with its numbers: the gaps before it came first.
          std::string run_end = seconds3(e.capped_s ? *e.capped_s : gaps.back());
          o += zh ? fmt::format("从第 {} 个间隔起（{} 秒 → {} 秒）每次大约翻倍：RTO 的指数退避。",
                                from + 1, seconds3(gaps[from]), run_end)
                  : fmt::format(
                        " From gap {} on ({} s → {} s) each gap is about twice the one before: "
                        "the RTO backs off exponentially.",
                        from + 1, seconds3(gaps[from]), run_end);
        }
        if (e.capped_s) {
          std::size_t at_cap = 0;
          for (double g : gaps) at_cap += about(g, *e.capped_s);
          const bool linux_max = about(*e.capped_s, 120.0);
          o += zh ? fmt::format("间隔增长到 {} 秒后不再翻倍，重复了 {} 次：RTO 到了上限{}。",
                                seconds3(*e.capped_s), at_cap,
                                linux_max ? "（与 Linux 的 TCP_RTO_MAX 120 秒相符）" : "")
                  : fmt::format(
                        " The gaps stop doubling at {} s and repeat it ({} gaps): the RTO "
                        "reached its cap{}.",
                        seconds3(*e.capped_s), at_cap,
                        linux_max ? " (Linux's TCP_RTO_MAX is 120 s)" : "");
        }
        break;
      }
      case RetransmissionPattern::linear_then_exponential: {
        // Linux 6.x: tcp_syn_linear_timeouts (4) retries 1 s apart, then doubling.
        const bool linux6 = e.syn && about(gaps[0], 1.0) && e.run_from <= 4;
        if (zh) {
          o += fmt::format(
              "开头 {} 个间隔相同（约 {} 秒）、随后翻倍{}。", e.run_from, seconds3(gaps[0]),
              linux6 ? "：与 Linux 6.x 的 SYN 重试方式（tcp_syn_linear_timeouts）相符" : "");
        } else {
          o += fmt::format(" The first {} gaps are equal (about {} s), then they double{}.",
                           e.run_from, seconds3(gaps[0]),
                           linux6 ? ": as Linux 6.x retries a SYN (tcp_syn_linear_timeouts)" : "");
        }
        break;
      }
      case RetransmissionPattern::irregular:
        o += zh ? "间隔没有规律。" : " The gaps follow no regular pattern.";
        break;
    }
    // Linux's give-up time fits only a Linux-like schedule: doubling from a first RTO of
    // 0.2–1 s, capped (if at all) at 120 s.
    const bool linux_like = e.pattern == RetransmissionPattern::exponential && e.run_from <= 1 &&
                            gaps[e.run_from] >= 0.18 && gaps[e.run_from] <= 1.2 &&
                            (!e.capped_s || about(*e.capped_s, 120.0));
    if (!e.acked && !e.syn && linux_like) {
      double since = static_cast<double>(r.end_ns - e.sends_ns.front()) / 1e9;
      o += zh ? fmt::format(
                    "按 Linux 默认的 tcp_retries2 = 15，这样的连接会在首次发送后约 {} 秒被放弃；"
                    "抓包在首次发送后 {} 秒结束。",
                    fmt::format("{:.1f}", linux_give_up_seconds()), fmt::format("{:.1f}", since))
              : fmt::format(
                    " With Linux's default tcp_retries2 = 15 such a connection is abandoned "
                    "about {:.1f} s after the first transmission; the capture ends {:.1f} s "
                    "after it.",
                    linux_give_up_seconds(), since);
    }
    // Linux's SYN retry bound only where the schedule is Linux's: a first RTO of 1 s and no
    // more retries than its default allows.
    if (e.syn && e.from == Side::client && about(gaps[0], 1.0) && gaps.size() <= 6 &&
        (e.pattern == RetransmissionPattern::exponential ||
         e.pattern == RetransmissionPattern::linear_then_exponential)) {
      o += zh ? "（这与 Linux 的 SYN 重试相符：次数由 net.ipv4.tcp_syn_retries 决定，默认 6 次。）"
              : " (This fits Linux's SYN retries, bounded by net.ipv4.tcp_syn_retries, 6 by "
                "default.)";
    }
    o += "\n";
  }
}

void stalls_and_keepalives(std::string& o, const ConnectionRecord& r, Language lang) {
  const bool zh = lang == Language::zh;
  for (const auto& z : r.zero_window_stalls) {
    std::int64_t end = z.end_ns >= 0 ? z.end_ns : r.end_ns;
    if (zh) {
      o += fmt::format("零窗口：{}在 {} 通告窗口为 0（接收缓冲区满，应用没有读取），{}{}。\n",
                       who(z.from, lang), time_of_day(z.start_ns),
                       z.end_ns >= 0 ? "窗口在 " + duration(end - z.start_ns, lang) + " 后重新打开"
                                     : "直到抓包结束都没有打开",
                       "");
    } else {
      o += fmt::format(
          "Zero window: the {} advertised a window of 0 at {} (its receive buffer was "
          "full: the application was not reading); {}.\n",
          who(z.from, lang), time_of_day(z.start_ns),
          z.end_ns >= 0 ? "it reopened " + duration(end - z.start_ns, lang) + " later"
                        : "it was still closed when the capture ended");
    }
  }
  std::uint64_t sent = r.client().keepalives + r.server().keepalives;
  std::uint64_t answered = r.client().keepalive_acks + r.server().keepalive_acks;
  if (sent && !r.zero_window_stalls.empty()) {
    // Linux probes a zero window with an empty segment one byte below the next sequence
    // number: tshark (and so the summary) counts those as keep-alives.
    o += zh ? fmt::format(
                  "零窗口期间的 {} 个 keep-alive 其实是 Linux "
                  "的零窗口探测（不带数据，序号比下一个期望的序号少一），"
                  "对方用零窗口 ACK 回应了 {} 个以外的探测。\n",
                  sent, answered)
            : fmt::format(
                  "The {} keep-alive{} seen are Linux's zero-window probes (an empty "
                  "segment one byte below the next sequence number); {} were answered as "
                  "keep-alives, the rest with zero-window ACKs.\n",
                  sent, sent == 1 ? "" : "s", answered);
  } else if (sent) {
    o += zh ? fmt::format("保活：发送了 {} 个 keep-alive 探测，{} 个得到回应。\n", sent, answered)
            : fmt::format("Keep-alive: {} probe{} sent, {} answered.\n", sent, sent == 1 ? "" : "s",
                          answered);
  }
}

void ending(std::string& o, const ConnectionRecord& r, Language lang) {
  const bool zh = lang == Language::zh;
  const SideFacts& c = r.client();
  const SideFacts& s = r.server();
  if (r.closed_by) {
    Side by = *r.closed_by;
    const SideFacts& f = r.side[index(by)];
    std::int64_t at = r.closed_with_rst ? f.first_rst_ns : f.first_fin_ns;
    if (zh) {
      o += fmt::format("结束：{}在 {} 先{}", who(by, lang), time_of_day(at),
                       r.closed_with_rst ? "发送 RST 中止了连接" : "发送 FIN 关闭了自己的方向");
    } else {
      o += fmt::format("Ending: the {} {} first at {}", who(by, lang),
                       r.closed_with_rst ? "aborted with a RST" : "closed its side with a FIN",
                       time_of_day(at));
    }
    if (!r.closed_with_rst) {
      std::uint32_t fin_seq = static_cast<std::uint32_t>(f.bytes + 1);
      o += zh ? fmt::format("（FIN 的序号 {}，紧接在它的 {} 字节数据之后）", fin_seq, f.bytes)
              : fmt::format(" (FIN at seq {}, right after its {} bytes of data)", fin_seq, f.bytes);
    }
    o += zh ? "。" : ". ";
  }
  const bool idle_released = r.released_idle_ns && (r.state == ConnectionState::open ||
                                                    r.state == ConnectionState::half_closed ||
                                                    r.state == ConnectionState::midstream);
  if (idle_released) {
    // Not "at the end of the capture": the capture went on, this connection went quiet.
    const std::string idle = seconds3(static_cast<double>(*r.released_idle_ns - r.end_ns) / 1e9);
    o += zh ? fmt::format(
                  "它的最后一帧在 {}，之后 {} 秒没有任何帧：连接在空闲超时时被报告，"
                  "状态随之释放（之后它的帧不在这个故事里）。",
                  time_of_day(r.end_ns), idle)
            : fmt::format(
                  "Its last frame came at {}, then nothing for {} s: the connection was reported "
                  "at the idle timeout and its state released (frames of it after that are not "
                  "in this story).",
                  time_of_day(r.end_ns), idle);
  }
  if (!idle_released) {
    switch (r.state) {
      case ConnectionState::closed:
        o += zh ? "双方都发送了 FIN，连接正常关闭。"
                : "Both sides sent FIN: the connection closed normally.";
        break;
      case ConnectionState::half_closed:
        o += zh ? fmt::format("{}始终没有发送 FIN：抓包结束时连接处于半关闭状态。",
                              who(other(r.closed_by.value_or(Side::client)), lang))
                : fmt::format(
                      "The {} never sent a FIN: the connection is half-closed at the end of "
                      "the capture.",
                      who(other(r.closed_by.value_or(Side::client)), lang));
        break;
      case ConnectionState::reset:
        // A RST sent instead of a FIN after data: the application closed with unread data, set
        // SO_LINGER to 0, or the peer sent to a socket already closed.
        o += zh ? "连接被 RST 终止（通常是应用在还有未读数据时关闭了套接字、设置了 SO_LINGER 为零，"
                  "或者对方向已关闭的套接字继续发送）。"
                : "A RST ended the connection (typically an application closing its socket with "
                  "data still unread, or with SO_LINGER set to zero, or data sent to a socket "
                  "already closed).";
        break;
      case ConnectionState::open:
        o += zh ? "抓包结束时连接仍然打开。"
                : "The connection was still open when the capture ended.";
        break;
      default:
        break;
    }
  }
  std::uint64_t bytes_after = r.bytes_after_first_fin();
  if (bytes_after) {
    o += zh ? fmt::format("第一个 FIN 之后对方又发送了 {} 字节。", bytes_after)
            : fmt::format(" The other side sent {} more bytes after the first FIN.", bytes_after);
  }
  std::uint64_t c_un = c.bytes - std::min(c.bytes, c.acked_bytes);
  std::uint64_t s_un = s.bytes - std::min(s.bytes, s.acked_bytes);
  const SideFacts* unseen = s.frames == 0 ? &s : c.frames == 0 ? &c : nullptr;
  if (unseen != nullptr && (c_un || s_un)) {
    const Side quiet = unseen == &s ? Side::server : Side::client;
    o += zh ? fmt::format("抓包里没有{}的报文，所以看不到对{}字节的确认。", who(quiet, lang),
                          c_un + s_un)
            : fmt::format(
                  " No ACK of the {} bytes sent is in the capture: none of the {}'s "
                  "frames was captured.",
                  c_un + s_un, who(quiet, lang));
  } else if (c_un || s_un) {
    // Only the sides that left something unacknowledged.
    std::string parts;
    for (const auto& [un, f, name] :
         {std::tuple{c_un, &c, Side::client}, {s_un, &s, Side::server}}) {
      if (un == 0) continue;
      if (!parts.empty()) parts += zh ? "，" : " and ";
      parts += zh ? fmt::format("{} {} 字节（共 {}，已确认 {}）", who(name, lang), un, f->bytes,
                                f->acked_bytes)
                  : fmt::format("{} of the {}'s {} bytes ({} acknowledged)", un, who(name, lang),
                                f->bytes, f->acked_bytes);
    }
    o += zh ? fmt::format("未被确认的数据：{}。", parts)
            : fmt::format(" Unacknowledged at the end: {}.", parts);
  } else if (c.bytes || s.bytes) {
    o +=
        zh ? fmt::format("全部数据都已被确认（客户端 {} 字节，服务端 {} 字节）。", c.bytes, s.bytes)
           : fmt::format(
                 " All data was acknowledged ({} bytes from the client, {} from the server).",
                 c.bytes, s.bytes);
  }
  o += "\n";
}

std::string verdict_text(DiagnosisVerdict v, Language lang) {
  if (lang == Language::en) return std::string(to_string(v));
  switch (v) {
    case DiagnosisVerdict::healthy:
      return "健康";
    case DiagnosisVerdict::refused:
      return "被拒绝";
    case DiagnosisVerdict::unanswered:
      return "无应答";
    case DiagnosisVerdict::peer_unreachable:
      return "对端不可达";
    case DiagnosisVerdict::loss_limited:
      return "受丢包限制";
    case DiagnosisVerdict::receive_window_limited:
      return "受接收窗口限制";
    case DiagnosisVerdict::zero_window_stalled:
      return "因零窗口停滞";
    case DiagnosisVerdict::application_limited:
      return "受应用限制";
    case DiagnosisVerdict::sender_limited:
      return "受发送方自身限制";
    case DiagnosisVerdict::ecn_limited:
      return "受 ECN 拥塞标记限制";
  }
  return "";
}

std::string_view stall_text(StallCause c, Language lang) {
  if (lang == Language::en) {
    switch (c) {
      case StallCause::tail_loss_probe:
        return "waited for a tail-loss probe";
      case StallCause::retransmission_timeout:
        return "waited for a retransmission timeout";
      case StallCause::zero_window:
        return "was held by a zero window";
      case StallCause::receive_window:
        return "was held by a full receive window";
      case StallCause::peer_silent:
        return "waited for a silent peer";
      case StallCause::application:
        return "waited for its application to answer";
      case StallCause::handshake:
        return "waited to resend its SYN or SYN/ACK";
    }
  }
  switch (c) {
    case StallCause::tail_loss_probe:
      return "等待尾部丢包探测";
    case StallCause::retransmission_timeout:
      return "等待重传超时";
    case StallCause::zero_window:
      return "被零窗口阻塞";
    case StallCause::receive_window:
      return "被占满的接收窗口阻塞";
    case StallCause::peer_silent:
      return "等待沉默的对端";
    case StallCause::application:
      return "等待应用作答";
    case StallCause::handshake:
      return "重发 SYN";
  }
  return "";
}

// The longest stalls (at most five, in time order) and how the connection ended.
void long_stalls(std::string& o, const ConnectionRecord& r, Language lang) {
  const bool zh = lang == Language::zh;
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
    if (zh) {
      o += all ? fmt::format("停顿 {} 次（按时间顺序：", d.stalls_total)
               : fmt::format("停顿 {} 次（最长的 {} 次，按时间顺序：", d.stalls_total, top.size());
    } else {
      o += all ? fmt::format(" {} {} (in time order:", d.stalls_total,
                             plural(lang, d.stalls_total, "stall", "stalls"))
               : fmt::format(" {} stalls (the {} longest, in time order:", d.stalls_total,
                             top.size());
    }
    for (std::size_t i = 0; i < top.size(); ++i) {
      const Stall& s = *top[i];
      Side from = s.from == 0 ? Side::client : Side::server;
      o += zh ? fmt::format(
                    "{}{} 秒起{}{} {:.3f} 秒", i ? "；" : "",
                    fmt::format("{:.3f}", static_cast<double>(s.start_ns - r.start_ns) / 1e9),
                    who(from, lang), stall_text(s.cause, lang),
                    static_cast<double>(s.duration_ns) / 1e9)
              : fmt::format("{} at {:.3f} s the {} {} for {:.3f} s", i ? ";" : "",
                            static_cast<double>(s.start_ns - r.start_ns) / 1e9, who(from, lang),
                            stall_text(s.cause, lang), static_cast<double>(s.duration_ns) / 1e9);
    }
    o += zh ? "）。" : ").";
  }
  if (r.state == ConnectionState::refused || r.state == ConnectionState::unanswered) return;
  std::uint64_t unacked = 0;
  for (const auto& side : r.side) unacked += side.bytes - std::min(side.bytes, side.acked_bytes);
  if (d.ending == Ending::rst_after_fin) {
    o += zh ? "连接在 FIN 之后以 RST 结束：这是常见的收尾方式（如 TLS 的 close_notify、FIN、"
              "RST），不是故障。"
            : " It ended with a RST after a FIN, a usual teardown (TLS close_notify, FIN, RST is "
              "one), not a failure.";
  } else if (d.ending == Ending::rst) {
    o += zh ? fmt::format("连接被 RST 中止，之前没有 FIN；未确认的数据 {} 字节。", unacked)
            : fmt::format(
                  " It was aborted by a RST with no FIN before it; {} bytes were left "
                  "unacknowledged.",
                  unacked);
  }
}

void diagnosis(std::string& o, const ConnectionRecord& r, Language lang) {
  const bool zh = lang == Language::zh;
  const Diagnosis& d = r.diagnosis;
  o += zh ? fmt::format("诊断：{}。", verdict_text(d.verdict, lang))
          : fmt::format("Diagnosis: {}.", verdict_text(d.verdict, lang));
  for (int i = 0; i < 2; ++i) {
    const DirectionDiagnosis& x = d.dir[i];
    if (!x.carried_data) continue;
    const TimeBreakdown& t = x.time;
    auto sec = [](std::int64_t ns) { return fmt::format("{:.3f}", static_cast<double>(ns) / 1e9); };
    Side from = i == 0 ? Side::client : Side::server;
    // Only the parts that took time; a side that only idled is not told.
    const std::pair<std::int64_t, const char*> parts[] = {
        {t.sending, zh ? "发送中 {} 秒" : "{} s sending"},
        {t.receive_window_limited,
         zh ? "受接收窗口限制 {} 秒" : "{} s limited by the receive window"},
        {t.zero_window, zh ? "零窗口 {} 秒" : "{} s zero window"},
        {t.loss_recovery, zh ? "丢包恢复 {} 秒" : "{} s recovering from loss"},
        {t.retransmission_timer,
         zh ? "等待重传定时器 {} 秒" : "{} s waiting for a retransmission timer"},
        {t.waiting_for_peer, zh ? "等待对方 {} 秒" : "{} s waiting for the peer"},
        {t.idle, zh ? "空闲 {} 秒" : "{} s idle"},
    };
    std::string told;
    bool busy = false;
    for (std::size_t k = 0; k < std::size(parts); ++k) {
      if (sec(parts[k].first) == "0.000") continue;
      busy = busy || &parts[k].first != &parts[std::size(parts) - 1].first;
      if (!told.empty()) told += zh ? "，" : ", ";
      told += fmt::format(fmt::runtime(parts[k].second), sec(parts[k].first));
    }
    if (!busy) continue;
    o += zh ? fmt::format("{}发送数据的 {} 秒里：{}；在途数据最多 {} 字节。", who(from, lang),
                          sec(t.total()), told, x.max_in_flight)
            : fmt::format(" Of the {}'s {} s sending: {}; at most {} bytes in flight.",
                          who(from, lang), sec(t.total()), told, x.max_in_flight);
    if (x.sack_blocks) {
      o += zh ? fmt::format("对方发送了 {} 个 SACK 块", x.sack_blocks)
              : fmt::format(" The peer sent {} SACK {}", x.sack_blocks,
                            plural(lang, x.sack_blocks, "block", "blocks"));
      if (x.holes) {
        o += zh ? fmt::format("，揭示了 {} 个空洞", x.holes)
                : fmt::format(" revealing {} {}", x.holes, plural(lang, x.holes, "hole", "holes"));
        if (x.hole_fills)
          o += zh ? fmt::format("，重传填补了 {} 个", x.hole_fills)
                  : fmt::format(", {} filled by retransmissions", x.hole_fills);
      }
      o += zh ? "。" : ".";
    }
    if (x.dsack_blocks) {
      o += zh ? fmt::format("D-SACK 块 {} 个，证明 {} 次重传是多余的。", x.dsack_blocks,
                            x.spurious_proven)
              : fmt::format(" {} D-SACK {} proved {} {} unnecessary.", x.dsack_blocks,
                            plural(lang, x.dsack_blocks, "block", "blocks"), x.spurious_proven,
                            plural(lang, x.spurious_proven, "retransmission", "retransmissions"));
    }
  }
  long_stalls(o, r, lang);
  if (d.above_offload) {
    o += zh ? fmt::format(
                  "最大的报文段有 {} 字节，超过协商的 "
                  "MSS：抓包点在分段卸载（TSO/GSO/GRO）之上，这不是异常。",
                  d.largest_segment)
            : fmt::format(
                  " The largest segment carried {} bytes, more than the negotiated MSS: the "
                  "capture was taken above segmentation offload (TSO/GSO/GRO), which is "
                  "not an anomaly.",
                  d.largest_segment);
  }
  if (d.vantage) {
    Side near = *d.vantage == 0 ? Side::client : Side::server;
    o += zh ? fmt::format("从确认的时延看，抓包点靠近{}。", who(near, lang))
            : fmt::format(" The ACK timing shows the capture was taken next to the {}.",
                          who(near, lang));
  }
  o += "\n";
}

}  // namespace

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
  const bool zh = lang == Language::zh;
  std::string o;
  std::uint64_t frames = r.client().frames + r.server().frames;
  if (zh) {
    o += fmt::format("连接 {}：客户端 {} → 服务端 {}，{} 个报文，从 {} 起持续 {}，状态：{}。\n",
                     r.stream, endpoint_text(r.client().endpoint),
                     endpoint_text(r.server().endpoint), frames, time_of_day(r.start_ns),
                     duration(r.end_ns - r.start_ns, lang), state_text(r.state, lang));
  } else {
    o += fmt::format(
        "Connection {}: client {} → server {}, {} frames over {} from {}; state: {}.\n", r.stream,
        endpoint_text(r.client().endpoint), endpoint_text(r.server().endpoint), frames,
        duration(r.end_ns - r.start_ns, lang), time_of_day(r.start_ns), to_string(r.state));
  }
  if (r.roles_inferred) {
    o += zh ? fmt::format("（没有看到 SYN，角色是按端口猜的：端口 {} 一侧是服务端。）\n",
                          r.server().endpoint.port)
            : fmt::format(
                  "(Roles guessed from the ports, no SYN seen: the server is the side on "
                  "port {}.)\n",
                  r.server().endpoint.port);
  }
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
