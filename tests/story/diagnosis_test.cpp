// The diagnosis on kernel recordings whose cause is known by construction.
#include "story/diagnosis.hpp"

#include <gtest/gtest.h>

#include "analysis/tcp_analyzer.hpp"
#include "engine/pipeline.hpp"
#include "decode/decode.hpp"
#include "story/records_of.hpp"
#include "story/story_builder.hpp"

namespace tcplens {
namespace {

using test::records_of;

std::string lab(const std::string& n) {
  return std::string(TCPLENS_SOURCE_DIR) + "/tests/data/lab/" + n + ".pcap";
}
std::string shared_lab(const std::string& n) {
  return std::string(TCPLENS_SHARED_DIR) + "/lab/captures/" + n + ".pcap";
}
double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

// Hand-built frames of one connection, 10.0.0.1:40000 (the client) and 10.0.0.2:80, every one
// with ACK set: (client?, seq, ack, payload bytes, time).
struct Frame {
  bool from_client;
  std::uint32_t seq, ack, len;
  std::int64_t ts_ns;
};
std::vector<ConnectionRecord> records_of(const std::vector<Frame>& frames) {
  TcpAnalyzer analyzer;
  StoryBuilder story;
  std::uint64_t n = 0;
  for (const Frame& f : frames) {
    Segment s;
    s.src.family = s.dst.family = 4;
    s.src.bytes = {10, 0, 0, 1};
    s.dst.bytes = {10, 0, 0, 2};
    s.src_port = 40000;
    s.dst_port = 80;
    if (!f.from_client) {
      std::swap(s.src, s.dst);
      std::swap(s.src_port, s.dst_port);
    }
    s.flags = tcp_flag::ack | (f.len ? tcp_flag::psh : 0);
    s.window = 65535;
    s.seq = f.seq;
    s.ack = f.ack;
    s.payload_len = f.len;
    story.add(s, analyzer.analyze(s, f.ts_ns, ++n), f.ts_ns);
  }
  return story.finish();
}
constexpr std::int64_t kYearNs = 365LL * 86400 * 1'000'000'000;

// Every direction that sent data: the six parts add up to its active time (first data to the
// connection's last frame).
void expect_breakdowns_add_up(const ConnectionRecord& r) {
  for (const auto& d : r.diagnosis.dir) {
    if (!d.carried_data) continue;
    EXPECT_EQ(d.time.total(), r.end_ns - d.first_data_ns) << "stream " << r.stream;
  }
}

TEST(Diagnosis, SlowReaderIsReceiveWindowLimited) {
  auto recs = records_of(lab("slowreader"));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].diagnosis.verdict, DiagnosisVerdict::receive_window_limited)
      << recs[0].diagnosis.reason;
  expect_breakdowns_add_up(recs[0]);
}

TEST(Diagnosis, PausedReaderIsZeroWindowStalledForAboutItsPause) {
  auto recs = records_of(shared_lab("zerowin"));
  ASSERT_EQ(recs.size(), 1u);
  const Diagnosis& d = recs[0].diagnosis;
  EXPECT_EQ(d.verdict, DiagnosisVerdict::zero_window_stalled) << d.reason;
  double stalled = seconds(d.dir[0].time.zero_window);  // the client's data met the zero window
  EXPECT_GT(stalled, 3.0 * 0.8);                        // the reader paused 3 s (truth.json)
  EXPECT_LT(stalled, 3.0 * 1.05);
  expect_breakdowns_add_up(recs[0]);
}

TEST(Diagnosis, RandomDropsMakeATransferLossLimited) {
  for (const std::string& path : {shared_lab("bulkloss"), lab("sack")}) {
    auto recs = records_of(path);
    ASSERT_EQ(recs.size(), 1u);
    const Diagnosis& d = recs[0].diagnosis;
    EXPECT_EQ(d.verdict, DiagnosisVerdict::loss_limited) << path << ": " << d.reason;
    EXPECT_GT(d.dir[0].time.loss_recovery, 0) << path;
    EXPECT_GT(d.dir[0].holes, 0u) << path;
    EXPECT_GT(d.dir[0].hole_fills, 0u) << path;
    EXPECT_GT(d.dir[0].max_in_flight, 0u) << path;
    expect_breakdowns_add_up(recs[0]);
  }
}

TEST(Diagnosis, BlackholedPeerIsUnreachable) {
  auto recs = records_of(shared_lab("seed"));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].diagnosis.verdict, DiagnosisVerdict::refused);
  const Diagnosis& d = recs[1].diagnosis;
  EXPECT_EQ(d.verdict, DiagnosisVerdict::peer_unreachable) << d.reason;
  EXPECT_GT(d.dir[0].time.waiting_for_peer, d.dir[0].time.total() / 2);
  expect_breakdowns_add_up(recs[1]);
}

TEST(Diagnosis, KeepAlivesOnlyIsApplicationLimited) {
  for (const std::string& path : {shared_lab("keepalive"), lab("keepidle6"), lab("appidle")}) {
    auto recs = records_of(path);
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].diagnosis.verdict, DiagnosisVerdict::application_limited)
        << path << ": " << recs[0].diagnosis.reason;
    expect_breakdowns_add_up(recs[0]);
  }
}

TEST(Diagnosis, OffloadedCaptureIsRecognised) {
  auto with = records_of(lab("offload"));
  ASSERT_EQ(with.size(), 1u);
  EXPECT_TRUE(with[0].diagnosis.above_offload);
  EXPECT_GT(with[0].diagnosis.largest_segment, 1460u);
  auto without = records_of(shared_lab("bulkloss"));  // recorded with offload off
  EXPECT_FALSE(without[0].diagnosis.above_offload);
  EXPECT_EQ(without[0].diagnosis.largest_segment, 1448u);
}

TEST(Diagnosis, RefusedUnansweredAndReset) {
  auto syn = records_of(lab("synretry"));
  EXPECT_EQ(syn[0].diagnosis.verdict, DiagnosisVerdict::unanswered);
  auto rst = records_of(lab("rstabort"));
  for (const auto& r : rst) EXPECT_EQ(r.diagnosis.verdict, DiagnosisVerdict::reset);
}

TEST(Diagnosis, VantageFromAckTiming) {
  // Zeek's range download was captured next to the server: its ACKs of the client's data pass
  // the capture point within a millisecond, the client's take a full round trip.
  auto recs = records_of(std::string(TCPLENS_SHARED_DIR) + "/real/http206_a.pcap");
  ASSERT_FALSE(recs.empty());
  ASSERT_TRUE(recs[0].diagnosis.vantage);
  EXPECT_EQ(*recs[0].diagnosis.vantage, 1);
  auto loop = records_of(shared_lab("bulkloss"));  // loopback: no side is nearer
  EXPECT_FALSE(loop[0].diagnosis.vantage);
}

TEST(Diagnosis, BreakdownsAddUpOnEveryRealCapture) {
  for (const char* name : {"email_troubles.pcap", "espn_fail.pcapng", "http206_b.pcap",
                           "ftp_upload_failed.pcap", "tcp_reassembly.pcap", "ssh_dups.pcap"}) {
    auto recs = records_of(std::string(TCPLENS_SHARED_DIR) + "/real/" + name);
    ASSERT_FALSE(recs.empty()) << name;
    for (const auto& r : recs) {
      expect_breakdowns_add_up(r);
      EXPECT_FALSE(r.diagnosis.reason.empty()) << name;
    }
  }
}

// ACK RTTs from timestamps decades apart (a damaged capture; found by story_fuzzer): the vantage
// rule multiplied them by 10 and the RTO threshold by 4, past int64_t.
TEST(Diagnosis, VantageWithAnRttOfDecades) {
  auto recs = records_of(
      std::vector<Frame>{{true, 1000, 5000, 100, 0},
                         {false, 5000, 1100, 100, 40 * kYearNs},  // the client's data: 40 years
                         {true, 1100, 5100, 0, 40 * kYearNs + 2'000'000}});  // the server's: 2 ms
  ASSERT_EQ(recs.size(), 1u);
  const Diagnosis& d = recs[0].diagnosis;
  ASSERT_TRUE(d.dir[0].min_ack_rtt_ns && d.dir[1].min_ack_rtt_ns);
  EXPECT_EQ(*d.dir[0].min_ack_rtt_ns, 40 * kYearNs);
  EXPECT_EQ(*d.dir[1].min_ack_rtt_ns, 2'000'000);
  ASSERT_TRUE(d.vantage);
  EXPECT_EQ(*d.vantage, 0);  // the client acknowledges at once: the capture is next to it
}

TEST(Diagnosis, RtoThresholdWithAnRttOfACentury) {
  // The only RTT is 100 years, so four of them is past any wait in the capture: the client's
  // last two seconds with data in flight are sending, not waiting for its peer. (Its first 100
  // years, before any RTT was known, were waiting past the minimum RTO of 200 ms.)
  auto recs = records_of(std::vector<Frame>{{true, 1000, 5000, 100, -60 * kYearNs},
                                            {false, 5000, 1100, 0, 40 * kYearNs},
                                            {true, 1100, 5000, 100, 40 * kYearNs + 1'000'000'000},
                                            {true, 1200, 5000, 100, 40 * kYearNs + 3'000'000'000}});
  ASSERT_EQ(recs.size(), 1u);
  const TimeBreakdown& t = recs[0].diagnosis.dir[0].time;
  EXPECT_EQ(t.waiting_for_peer, 100 * kYearNs - 200'000'000);
  EXPECT_EQ(t.sending + t.receive_window_limited, 2'200'000'000);
  EXPECT_EQ(t.idle, 1'000'000'000);
  expect_breakdowns_add_up(recs[0]);
}

}  // namespace
}  // namespace tcplens
