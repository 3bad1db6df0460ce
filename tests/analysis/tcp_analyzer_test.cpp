// Each hand-built scenario (scenarios.cpp) through decode + analysis, against the verdicts
// tshark 4.0 gives on the same bytes (tshark_crosscheck.sh re-checks them with tshark itself).
#include "analysis/tcp_analyzer.hpp"

#include <gtest/gtest.h>

#include <map>

#include "analysis/scenarios.hpp"
#include "decode/decode.hpp"

namespace tcplens {
namespace {

using namespace analysis_flag;

struct Expected {
  std::uint64_t frame;
  std::uint32_t flags;
  std::int64_t rto_us = -1;      // -1: not printed
  std::int64_t ack_rtt_us = -1;  // -1: not printed
};

struct Row {
  std::uint32_t stream;
  std::uint32_t rel_seq;
  std::uint32_t rel_ack;
  Verdict verdict;
};

std::vector<Row> analyse(const std::string& name) {
  const test::Scenario* sc = nullptr;
  for (const auto& s : test::scenarios()) {
    if (s.name == name) sc = &s;
  }
  EXPECT_NE(sc, nullptr) << name;
  if (sc == nullptr) return {};
  test::Bytes image = test::scenario_pcap(*sc);
  // Walk the pcap image's records directly: 24-byte header, 16-byte record headers.
  std::vector<Row> rows;
  TcpAnalyzer analyzer;
  std::size_t pos = 24;
  std::uint64_t frame = 0;
  while (pos + 16 <= image.size()) {
    auto rd = [&](std::size_t at) {
      return std::uint32_t{image[at]} | (std::uint32_t{image[at + 1]} << 8) |
             (std::uint32_t{image[at + 2]} << 16) | (std::uint32_t{image[at + 3]} << 24);
    };
    std::int64_t ts = std::int64_t{rd(pos)} * 1'000'000'000 + std::int64_t{rd(pos + 4)} * 1000;
    std::uint32_t caplen = rd(pos + 8);
    std::span<const std::uint8_t> bytes(image.data() + pos + 16, caplen);
    pos += 16 + caplen;
    ++frame;
    Segment seg;
    EXPECT_EQ(decode_frame(link_type::ethernet, bytes, caplen, seg), SkipReason::none);
    Verdict v = analyzer.analyze(seg, ts, frame);
    rows.push_back({v.stream, v.rel_seq, v.rel_ack, v});
  }
  return rows;
}

// Checks every frame: the listed ones carry exactly their flags and times, the others none.
void expect_verdicts(const std::string& name, const std::vector<Expected>& expected) {
  auto rows = analyse(name);
  std::map<std::uint64_t, Expected> by_frame;
  for (const auto& e : expected) by_frame[e.frame] = e;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::uint64_t frame = i + 1;
    Expected e{frame, 0};
    if (auto it = by_frame.find(frame); it != by_frame.end()) e = it->second;
    const Verdict& v = rows[i].verdict;
    EXPECT_EQ(v.flags & ~reused_ports, e.flags) << name << " frame " << frame;
    EXPECT_EQ(v.has_rto ? v.rto_ns / 1000 : -1, e.rto_us) << name << " frame " << frame;
    EXPECT_EQ(v.has_ack_rtt ? v.ack_rtt_ns / 1000 : -1, e.ack_rtt_us) << name << " frame " << frame;
  }
}

TEST(TcpAnalyzer, AckRttFromTheEldestSegmentAcked) {
  expect_verdicts("ack_rtt",
                  {{2, 0, -1, 10000}, {3, 0, -1, 10000}, {5, 0, -1, 30000}, {8, 0, -1, 39000}});
  auto rows = analyse("ack_rtt");
  EXPECT_EQ(rows[6].rel_seq, 201u);
  EXPECT_EQ(rows[7].rel_ack, 301u);
}

TEST(TcpAnalyzer, RetransmissionAfterTimeoutWithRto) {
  expect_verdicts("rto_retransmission", {{2, 0, -1, 10000},
                                         {3, 0, -1, 10000},
                                         {5, retransmission, 300000},
                                         {6, retransmission, 900000},
                                         {7, 0, -1, 930000}});
}

TEST(TcpAnalyzer, FastRetransmissionAfterThreeDuplicateAcks) {
  expect_verdicts("fast_retransmission", {{2, 0, -1, 10000},
                                          {3, 0, -1, 10000},
                                          {8, 0, -1, 30000},
                                          {9, duplicate_ack},
                                          {10, duplicate_ack},
                                          {11, duplicate_ack},
                                          {12, fast_retransmission},
                                          {13, 0, -1, 67000}});
  auto rows = analyse("fast_retransmission");
  EXPECT_EQ(rows[10].verdict.dupack_num, 3);
  EXPECT_EQ(rows[10].verdict.dupack_frame, 8u);
}

TEST(TcpAnalyzer, OutOfOrderWithinTheHandshakeRtt) {
  expect_verdicts("out_of_order", {{2, 0, -1, 10000},
                                   {3, 0, -1, 10000},
                                   {5, lost_segment},
                                   {6, out_of_order},
                                   {7, 0, -1, 39000}});
}

TEST(TcpAnalyzer, PreviousSegmentNotCapturedAndAckedUnseen) {
  expect_verdicts("lost_and_acked_unseen", {{2, 0, -1, 10000},
                                            {3, 0, -1, 10000},
                                            {5, lost_segment},
                                            {6, ack_lost_segment, -1, 30000},
                                            {8, ack_lost_segment}});
}

TEST(TcpAnalyzer, SpuriousRetransmissionOfAcknowledgedData) {
  expect_verdicts("spurious_retransmission", {{2, 0, -1, 10000},
                                              {3, 0, -1, 10000},
                                              {5, 0, -1, 30000},
                                              {6, spurious_retransmission},
                                              {7, duplicate_ack, -1, 30000}});
}

TEST(TcpAnalyzer, ZeroWindowProbeAndItsAck) {
  expect_verdicts("zero_window", {{2, 0, -1, 10000},
                                  {3, 0, -1, 10000},
                                  {5, zero_window, -1, 30000},
                                  {6, zero_window_probe},
                                  {7, zero_window | zero_window_probe_ack},
                                  {8, window_update},
                                  {10, 0, -1, 30000}});
}

TEST(TcpAnalyzer, WindowFullAndWindowUpdate) {
  expect_verdicts("window_full", {{2, 0, -1, 10000},
                                  {3, 0, -1, 10000},
                                  {4, window_update},
                                  {7, window_full},
                                  {8, 0, -1, 38000}});
}

TEST(TcpAnalyzer, WindowScalingAppliesAfterTheHandshake) {
  expect_verdicts("window_scaling", {{2, 0, -1, 10000},
                                     {3, 0, -1, 10000},
                                     {4, window_update},
                                     {6, window_full},
                                     {7, 0, -1, 29000},
                                     {8, window_update}});
  auto rows = analyse("window_scaling");
  EXPECT_EQ(rows[3].verdict.window, 400u);    // 100 << 2
  EXPECT_EQ(rows[1].verdict.window, 65160u);  // a SYN's window is never scaled
}

TEST(TcpAnalyzer, KeepAliveAndItsAck) {
  expect_verdicts("keep_alive", {{2, 0, -1, 10000},
                                 {3, 0, -1, 10000},
                                 {5, 0, -1, 30000},
                                 {6, keep_alive},
                                 {7, keep_alive_ack},
                                 {8, keep_alive},
                                 {9, keep_alive_ack, -1, 30000}});
}

TEST(TcpAnalyzer, ReusedFourTupleStartsANewStream) {
  auto rows = analyse("close_and_reuse");
  ASSERT_EQ(rows.size(), 9u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(rows[i].stream, 0u);
  for (std::size_t i = 6; i < 9; ++i) EXPECT_EQ(rows[i].stream, 1u);
  EXPECT_TRUE(rows[6].verdict.flags & reused_ports);
  EXPECT_TRUE(rows[6].verdict.new_stream);
  EXPECT_EQ(rows[8].rel_seq, 1u);
  EXPECT_EQ(rows[8].rel_ack, 0u);  // a RST without ACK shows its raw ACK field
}

TEST(TcpAnalyzer, RefusedConnectionRstShowsSeqOneAckOne) {
  auto rows = analyse("refused");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].rel_seq, 1u);
  EXPECT_EQ(rows[1].rel_ack, 1u);
  EXPECT_EQ(rows[1].verdict.ack_rtt_ns, 1'000'000);
}

}  // namespace
}  // namespace tcplens
