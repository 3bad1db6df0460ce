#include "render/segment_text.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace tcplens {

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

std::string_view verdict_colour(std::string_view words) {
  // Red for lost or resent data, yellow for the rest.
  bool bad = words.find("Retransmission") != std::string_view::npos ||
             words.find("not captured") != std::string_view::npos ||
             words.find("unseen") != std::string_view::npos;
  return bad ? "\033[31m" : "\033[33m";
}

}  // namespace tcplens
