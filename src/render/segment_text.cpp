#include "render/segment_text.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace tcplens {

std::string tcpdump_flags(std::uint16_t f) {
  std::string s;
  if (f & tcp_flag::syn) s += 'S';
  if (f & tcp_flag::fin) s += 'F';
  if (f & tcp_flag::psh) s += 'P';
  if (f & tcp_flag::rst) s += 'R';
  if (f & tcp_flag::urg) s += 'U';
  if (f & tcp_flag::ece) s += 'E';
  if (f & tcp_flag::cwr) s += 'W';
  if (f & tcp_flag::ae) s += 'e';
  if (f & tcp_flag::ack) s += '.';
  return s.empty() ? "none" : s;
}

std::string flag_names(std::uint16_t f) {
  static constexpr std::array<std::pair<std::uint16_t, std::string_view>, 9> kNames{{
      {tcp_flag::fin, "FIN"},
      {tcp_flag::syn, "SYN"},
      {tcp_flag::rst, "RST"},
      {tcp_flag::psh, "PSH"},
      {tcp_flag::ack, "ACK"},
      {tcp_flag::urg, "URG"},
      {tcp_flag::ece, "ECE"},
      {tcp_flag::cwr, "CWR"},
      {tcp_flag::ae, "AE"},
  }};
  std::string s;
  for (auto [bit, name] : kNames) {
    if (!(f & bit)) continue;
    if (!s.empty()) s += ',';
    s += name;
  }
  return s.empty() ? "<none>" : s;
}

std::string verdict_words(const Verdict& v) {
  if (v.analysis_hidden) return {};
  using namespace analysis_flag;
  std::string s;
  auto add = [&s](std::string_view w) {
    if (!s.empty()) s += ", ";
    s += w;
  };
  const std::uint32_t f = v.flags;
  if (f & reused_ports) add("TCP Port numbers reused");
  if (f & spurious_retransmission) add("TCP Spurious Retransmission");
  if (f & fast_retransmission) add("TCP Fast Retransmission");
  if (f & retransmission) add("TCP Retransmission");
  if (f & out_of_order) add("TCP Out-Of-Order");
  if (f & lost_segment) add("TCP Previous segment not captured");
  if (f & ack_lost_segment) add("TCP ACKed unseen segment");
  if (f & window_update) add("TCP Window Update");
  if (f & window_full) add("TCP Window Full");
  if (f & keep_alive) add("TCP Keep-Alive");
  if (f & keep_alive_ack) add("TCP Keep-Alive ACK");
  if (f & duplicate_ack) add(fmt::format("TCP Dup ACK {}#{}", v.dupack_frame, v.dupack_num));
  if (f & zero_window_probe) add("TCP ZeroWindowProbe");
  if (f & zero_window) add("TCP ZeroWindow");
  if (f & zero_window_probe_ack) add("TCP ZeroWindowProbeAck");
  return s;
}

std::string option_list(const TcpOptions& o) {
  std::string s;
  auto add = [&s](const std::string& w) {
    if (!s.empty()) s += ',';
    s += w;
  };
  if (o.mss) add(fmt::format("mss {}", o.mss));
  if (o.sack_permitted) add("sackOK");
  if (o.has_timestamps) add(fmt::format("TS val {} ecr {}", o.ts_value, o.ts_echo));
  if (o.window_scale >= 0) add(fmt::format("wscale {}", o.window_scale));
  if (o.sack_count) {
    std::string blocks;
    for (std::uint8_t i = 0; i < o.sack_count; ++i) {
      blocks += fmt::format("{{{}:{}}}", o.sack[i].left, o.sack[i].right);
    }
    add(fmt::format("sack {} {}", o.sack_count, blocks));
  }
  return s;
}

}  // namespace tcplens
