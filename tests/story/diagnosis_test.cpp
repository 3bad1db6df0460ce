// The diagnosis on kernel recordings whose cause is known by construction.
#include "story/diagnosis.hpp"

#include <gtest/gtest.h>

#include "analysis/tcp_analyzer.hpp"
#include "decode/decode.hpp"
#include "engine/pipeline.hpp"
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
  std::uint32_t sack_left = 0, sack_right = 0;  // one SACK block, when sack_right != 0
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
    if (f.sack_right != 0) {
      s.options.sack_count = 1;
      s.options.sack[0] = {f.sack_left, f.sack_right};
    }
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
  EXPECT_GT(d.dir[0].time.retransmission_timer + d.dir[0].time.waiting_for_peer,
            d.dir[0].time.total() / 2);
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
  // rstabort (truth.json): (a) the client aborts with SO_LINGER 0, (b) the server closes with
  // unread data, both RSTs with no FIN before them; (c) the server's FIN, then its RST for the
  // client's data after it. The ending is a field of its own: no verdict says "reset".
  auto rst = records_of(lab("rstabort"));
  ASSERT_EQ(rst.size(), 3u);
  const Ending expected[] = {Ending::rst, Ending::rst, Ending::rst_after_fin};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rst[i].diagnosis.ending, expected[i]) << i << ": " << rst[i].diagnosis.ending_text;
    EXPECT_FALSE(troubled(rst[i].diagnosis.verdict)) << i << ": " << rst[i].diagnosis.reason;
  }
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

// One contiguous loss of 60 segments: the receiver SACKs what lies above it, the sender resends
// the 60 one by one and the cumulative ACK climbs through the hole. That is one hole, filled
// once, and 60 resends (issue 15 saw 59 holes).
TEST(Diagnosis, AHoleShrinkingUnderTheAckIsOneHole) {
  constexpr std::uint32_t kSeg = 1000, kIsn = 5000, kPeer = 90000;
  std::vector<Frame> frames;
  std::int64_t t = 0;
  auto seq = [](int i) { return kIsn + static_cast<std::uint32_t>(i) * kSeg; };
  for (int i = 0; i < 100; ++i) {
    frames.push_back({true, seq(i), kPeer, kSeg, t += 10'000});
    if (i < 10) {
      frames.push_back({false, kPeer, seq(i + 1), 0, t += 10'000});
    } else if (i >= 70) {  // 10..69 lost: duplicate ACKs with the SACKed range above the hole
      frames.push_back({false, kPeer, seq(10), 0, t += 10'000, seq(70), seq(i + 1)});
    }
  }
  for (int i = 10; i < 70; ++i) {
    frames.push_back({true, seq(i), kPeer, kSeg, t += 10'000});
    const bool last = i == 69;
    frames.push_back({false, kPeer, last ? seq(100) : seq(i + 1), 0, t += 10'000,
                      last ? 0 : seq(70), last ? 0 : seq(100)});
  }
  auto recs = records_of(frames);
  ASSERT_EQ(recs.size(), 1u);
  const DirectionDiagnosis& c = recs[0].diagnosis.dir[0];
  EXPECT_EQ(c.data_resends, 60u);
  EXPECT_EQ(c.holes, 1u);
  EXPECT_EQ(c.hole_fills, 1u);
  EXPECT_EQ(c.tail_loss_probes + c.retransmission_timeouts, 0u);  // resent on SACK, at once
  EXPECT_EQ(recs[0].diagnosis.verdict, DiagnosisVerdict::loss_limited) << recs[0].diagnosis.reason;
  expect_breakdowns_add_up(recs[0]);
}

// A tail segment lost twice (its probe too) and delivered by the RTO, 40 ms round trips: the
// two waits are loss time, named probe then timeout, and listed as stalls.
TEST(Diagnosis, TimerStallsAreLossTime) {
  constexpr std::int64_t kMs = 1'000'000;
  std::vector<Frame> frames{
      {true, 1000, 9000, 1000, 0},
      {false, 9000, 2000, 0, 40 * kMs},
      {true, 2000, 9000, 1000, 41 * kMs},                          // lost
      {true, 2000, 9000, 1000, 41 * kMs + 290 * kMs},              // the probe, lost
      {true, 2000, 9000, 1000, 41 * kMs + 290 * kMs + 250 * kMs},  // the RTO
      {false, 9000, 3000, 0, 41 * kMs + 290 * kMs + 250 * kMs + 40 * kMs},
  };
  auto recs = records_of(frames);
  ASSERT_EQ(recs.size(), 1u);
  const Diagnosis& d = recs[0].diagnosis;
  EXPECT_EQ(d.dir[0].data_resends, 2u);
  EXPECT_EQ(d.dir[0].tail_loss_probes, 1u);
  EXPECT_EQ(d.dir[0].retransmission_timeouts, 1u);
  EXPECT_EQ(d.dir[0].time.retransmission_timer, 540 * kMs);
  ASSERT_EQ(d.stalls.size(), 2u);
  EXPECT_EQ(d.stalls[0].cause, StallCause::tail_loss_probe);
  EXPECT_EQ(d.stalls[0].duration_ns, 290 * kMs);
  EXPECT_EQ(d.stalls[1].cause, StallCause::retransmission_timeout);
  EXPECT_EQ(d.stalls[1].duration_ns, 250 * kMs);
  EXPECT_EQ(d.verdict, DiagnosisVerdict::loss_limited) << d.reason;
  expect_breakdowns_add_up(recs[0]);
}

}  // namespace
}  // namespace tcplens
