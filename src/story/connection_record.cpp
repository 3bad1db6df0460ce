#include "story/connection_record.hpp"

#include <cmath>
#include <cstdio>

namespace tcplens {

std::string_view to_string(Side s) {
  return s == Side::client ? "client" : "server";
}

std::string_view to_string(ConnectionState s) {
  switch (s) {
    case ConnectionState::refused:
      return "refused";
    case ConnectionState::unanswered:
      return "unanswered";
    case ConnectionState::open:
      return "open";
    case ConnectionState::half_closed:
      return "half-closed";
    case ConnectionState::closed:
      return "closed";
    case ConnectionState::reset:
      return "reset";
    case ConnectionState::midstream:
      return "midstream";
  }
  return "midstream";
}

std::string_view to_string(RetransmissionPattern p) {
  switch (p) {
    case RetransmissionPattern::fast:
      return "fast";
    case RetransmissionPattern::exponential:
      return "exponential";
    case RetransmissionPattern::linear_then_exponential:
      return "linear-then-exponential";
    case RetransmissionPattern::single:
      return "single";
    case RetransmissionPattern::irregular:
      return "irregular";
  }
  return "irregular";
}

std::vector<double> RetransmissionEpisode::intervals_s() const {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < sends_ns.size(); ++i) {
    gaps.push_back(static_cast<double>(sends_ns[i] - sends_ns[i - 1]) / 1e9);
  }
  return gaps;
}

bool SequenceReach::resend(std::uint32_t rel_seq, std::uint32_t payload_len, bool syn, bool fin) {
  const std::uint32_t space = payload_len + (syn ? 1 : 0) + (fin ? 1 : 0);
  if (space == 0) return false;
  const std::uint32_t end = rel_seq + space;
  const bool below = seen && static_cast<std::int32_t>(rel_seq - highest) < 0;
  const bool probe = !syn && !fin && payload_len == 1 && end == highest;
  if (!seen || static_cast<std::int32_t>(end - highest) > 0) highest = end;
  seen = true;
  return below && !probe;
}

std::optional<std::int64_t> ConnectionRecord::path_rtt_ns() const {
  const RttStats& a = side[0].rtt;
  const RttStats& b = side[1].rtt;
  if (a.samples > 0 || b.samples > 0) {
    if (b.samples == 0 || (a.samples > 0 && a.median_ns >= b.median_ns)) return a.median_ns;
    return b.median_ns;
  }
  return handshake_rtt_ns;
}

std::uint64_t ConnectionRecord::bytes_after_first_fin() const {
  if (!closed_by || closed_with_rst) return 0;
  const SideFacts& other_side = side[index(other(*closed_by))];
  return other_side.bytes > other_side.bytes_at_peer_fin
             ? other_side.bytes - other_side.bytes_at_peer_fin
             : 0;
}

std::string time_of_day(std::int64_t ns) {
  std::int64_t s = ns / 1'000'000'000;
  std::int64_t us = (ns % 1'000'000'000) / 1000;
  std::int64_t day = ((s % 86400) + 86400) % 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%06lld", static_cast<long long>(day / 3600),
                static_cast<long long>(day / 60 % 60), static_cast<long long>(day % 60),
                static_cast<long long>(us));
  return buf;
}

std::string endpoint_text(const Endpoint& e) {
  std::string a = to_string(e.addr);
  if (e.addr.family == 6) a = "[" + a + "]";
  return a + ":" + std::to_string(e.port);
}

namespace {

// Within 20 %, the tolerance the summary documents.
bool about(double a, double b) {
  return std::fabs(a - b) <= 0.2 * b;
}
bool doubles(double next, double prev) {
  return about(next, 2 * prev);
}

// From gap `from` on: doubling, then possibly a cap (gaps that stop growing and stay equal).
// Returns the number of doubling steps, or -1 if the gaps do not fit; sets `cap`.
int doubling_then_cap(const std::vector<double>& g, std::size_t from, std::optional<double>& cap) {
  int doublings = 0;
  std::size_t j = from + 1;
  while (j < g.size() && doubles(g[j], g[j - 1])) {
    ++doublings;
    ++j;
  }
  if (j == g.size()) return doublings;
  // The backoff hit its ceiling (Linux: 120 s): a gap that grew less than double, or stayed
  // equal, and only equal gaps after it.
  double ceiling = g[j];
  if (ceiling < g[j - 1] * 0.8) return -1;
  for (std::size_t k = j + 1; k < g.size(); ++k) {
    if (!about(g[k], ceiling)) return -1;
  }
  cap = ceiling;
  return doublings;
}

}  // namespace

void classify_episode(RetransmissionEpisode& e) {
  e.capped_s.reset();
  std::vector<double> g = e.intervals_s();
  if (e.first_resend_fast) {
    e.pattern = RetransmissionPattern::fast;
    return;
  }
  if (g.size() <= 1) {
    e.pattern = g.empty() ? RetransmissionPattern::irregular : RetransmissionPattern::single;
    return;
  }
  // Three or more equal gaps, then doubling: Linux SYN retries since 6.x.
  std::size_t equal_run = 1;
  while (equal_run < g.size() && about(g[equal_run], g[0])) ++equal_run;
  if (equal_run >= 3 && equal_run < g.size()) {
    std::optional<double> cap;
    if (doubling_then_cap(g, equal_run - 1, cap) >= 1) {
      e.pattern = RetransmissionPattern::linear_then_exponential;
      e.capped_s = cap;
      return;
    }
  }
  // Exponential backoff; the first gap may equal the second (a tail-loss probe before the RTO).
  for (std::size_t start : {std::size_t{0}, std::size_t{1}}) {
    if (start == 1 && !about(g[1], g[0])) break;
    std::optional<double> cap;
    int n = doubling_then_cap(g, start, cap);
    if (n >= 1) {
      e.pattern = RetransmissionPattern::exponential;
      e.capped_s = cap;
      return;
    }
  }
  e.pattern = RetransmissionPattern::irregular;
}

}  // namespace tcplens
