// The summary's facts on real kernel recordings, checked against what each scenario did
// (its truth.json) and against tshark's flags.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <tuple>

#include "analysis/tcp_analyzer.hpp"
#include "decode/decode.hpp"
#include "engine/pipeline.hpp"
#include "story/narrative.hpp"
#include "story/records_of.hpp"
#include "story/story_builder.hpp"

namespace tcplens {
namespace {

using test::records_of;

std::string lab(const std::string& name) {
  return std::string(TCPLENS_SOURCE_DIR) + "/tests/data/lab/" + name;
}
std::string shared_real(const std::string& name) {
  return std::string(TCPLENS_SHARED_DIR) + "/real/" + name;
}
std::string shared_lab(const std::string& name) {
  return std::string(TCPLENS_SHARED_DIR) + "/lab/captures/" + name;
}

// A number from a scenario's truth.json (flat keys only).
double truth(const std::string& json_path, const std::string& key) {
  std::ifstream in(json_path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::smatch m;
  std::string text = ss.str();
  std::regex re("\"" + key + "\": *(-?[0-9.]+)");
  if (!std::regex_search(text, m, re)) {
    ADD_FAILURE() << key << " not in " << json_path;
    return -1;
  }
  return std::stod(m[1]);
}

TEST(Story, SeedRefusedThenBackoffOfOneSegment) {
  auto recs = records_of(shared_lab("seed.pcap"));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].state, ConnectionState::refused);
  EXPECT_FALSE(recs[0].handshake);
  EXPECT_EQ(endpoint_text(recs[0].client().endpoint), "127.0.0.1:9998");
  const ConnectionRecord& r = recs[1];
  EXPECT_TRUE(r.handshake);
  EXPECT_EQ(r.client().endpoint.port, truth(shared_lab("seed.truth.json"), "client_port"));
  EXPECT_EQ(r.server().endpoint.port, truth(shared_lab("seed.truth.json"), "server_port"));
  double rounds = truth(shared_lab("seed.truth.json"), "rounds_answered");
  double unacked = truth(shared_lab("seed.truth.json"), "unacked_bytes");
  EXPECT_EQ(r.client().bytes, (rounds + 1) * 1000);
  EXPECT_EQ(r.client().acked_bytes, r.client().bytes - unacked);
  EXPECT_EQ(r.server().bytes, rounds * 5);
  ASSERT_EQ(r.episodes.size(), 1u);
  const auto& e = r.episodes[0];
  EXPECT_EQ(e.from, Side::client);
  EXPECT_EQ(e.seq, rounds * 1000 + 1);
  EXPECT_EQ(e.len, 1000u);
  EXPECT_EQ(e.sends_ns.size(), 7u);
  EXPECT_FALSE(e.acked);
  EXPECT_EQ(e.pattern, RetransmissionPattern::exponential);
  EXPECT_EQ(r.retransmissions, 6u);
}

TEST(Story, SynRetriesToASilentPort) {
  std::string t = lab("synretry.truth.json");
  auto recs = records_of(lab("synretry.pcap"));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].state, ConnectionState::unanswered);
  ASSERT_EQ(recs[0].episodes.size(), 1u);
  EXPECT_EQ(recs[0].episodes[0].sends_ns.size(), truth(t, "a_syn_sent"));
  EXPECT_EQ(recs[0].episodes[0].len, 0u);
  EXPECT_TRUE(recs[0].episodes[0].syn);
  EXPECT_EQ(recs[0].episodes[0].pattern, RetransmissionPattern::exponential);
  EXPECT_EQ(recs[1].state, ConnectionState::closed);
  EXPECT_TRUE(recs[1].episodes.at(0).acked);
  // The server's SYN/ACK resent although acknowledged (its ACK was dropped after capture).
  EXPECT_EQ(recs[2].episodes.at(0).from, Side::server);
  EXPECT_TRUE(recs[2].episodes.at(0).acked);
}

TEST(Story, HalfCloseCountsBytesAfterTheFirstFin) {
  std::string t = lab("halfclose.truth.json");
  auto recs = records_of(lab("halfclose.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].state, ConnectionState::closed);
  EXPECT_EQ(recs[0].closed_by, Side::client);
  EXPECT_FALSE(recs[0].closed_with_rst);
  EXPECT_EQ(recs[0].bytes_after_first_fin(), truth(t, "server_bytes_after_client_fin"));
  EXPECT_EQ(recs[0].client().bytes, truth(t, "request_bytes"));
}

TEST(Story, ResetsByEitherSide) {
  auto recs = records_of(lab("rstabort.pcap"));
  ASSERT_EQ(recs.size(), 3u);
  for (const auto& r : recs) EXPECT_EQ(r.state, ConnectionState::reset) << r.stream;
  EXPECT_EQ(recs[0].closed_by, Side::client);  // SO_LINGER 0
  EXPECT_TRUE(recs[0].closed_with_rst);
  EXPECT_EQ(recs[1].closed_by, Side::server);  // closed with unread data
  EXPECT_TRUE(recs[1].closed_with_rst);
}

TEST(Story, ManyShortConnectionsWithReusedPorts) {
  std::string t = lab("manyshort.truth.json");
  auto recs = records_of(lab("manyshort.pcap"));
  EXPECT_EQ(recs.size(), truth(t, "connections"));
  int reused = 0;
  for (const auto& r : recs) {
    EXPECT_TRUE(r.handshake) << r.stream;
    if (r.client().endpoint.port == truth(t, "rst_reuse_port")) {
      ++reused;
      EXPECT_EQ(r.state, ConnectionState::reset) << r.stream;
    }
  }
  EXPECT_EQ(reused, truth(t, "rst_reuse_count"));
}

TEST(Story, ZeroWindowStallLastsAboutTheReadersPause) {
  auto recs = records_of(shared_lab("zerowin.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_FALSE(recs[0].zero_window_stalls.empty());
  const auto& z = recs[0].zero_window_stalls.front();
  EXPECT_EQ(z.from, Side::server);
  double pause = truth(shared_lab("zerowin.truth.json"), "reader_pause_s");
  double stalled = static_cast<double>(z.end_ns - z.start_ns) / 1e9;
  EXPECT_GT(stalled, pause * 0.7);
  EXPECT_LT(stalled, pause * 1.1);
  EXPECT_EQ(recs[0].client().bytes, truth(shared_lab("zerowin.truth.json"), "bytes"));
}

TEST(Story, KeepAlivesSentAndAnswered) {
  auto recs = records_of(shared_lab("keepalive.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_GE(recs[0].client().keepalives, 2u);
  EXPECT_EQ(recs[0].client().keepalives, recs[0].server().keepalive_acks);
}

TEST(Story, TailLossRecoveredAfterBackoff) {
  auto recs = records_of(lab("tailloss.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_EQ(recs[0].episodes.size(), 1u);
  EXPECT_TRUE(recs[0].episodes[0].acked);
  EXPECT_EQ(recs[0].episodes[0].pattern, RetransmissionPattern::exponential);
  EXPECT_EQ(recs[0].state, ConnectionState::closed);
}

TEST(Story, Ipv6EndpointsInBrackets) {
  std::string t = lab("ipv6.truth.json");
  auto recs = records_of(lab("ipv6.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(endpoint_text(recs[0].client().endpoint),
            "[::1]:" + std::to_string(static_cast<int>(truth(t, "client_port"))));
  EXPECT_EQ(recs[0].state, ConnectionState::closed);
}

TEST(Story, BulkTransferBytesAndFlagCounts) {
  auto recs = records_of(shared_lab("bulkloss.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].client().bytes, truth(shared_lab("bulkloss.truth.json"), "bytes"));
  EXPECT_EQ(recs[0].client().acked_bytes, recs[0].client().bytes);
  // tshark's reference for this capture: 85 retransmission cells, 24 fast, 302 dup ACKs.
  EXPECT_EQ(recs[0].flag_counts[0], 85u);    // tshark's retransmission flags
  EXPECT_EQ(recs[0].retransmissions, 126u);  // resends, as tests/story/pcap_resends.py counts
  EXPECT_EQ(recs[0].flag_counts[1], 24u);
  EXPECT_EQ(recs[0].flag_counts[6], 302u);
}

// The seed: the engineer's two tcpdump -v blocks, cut from the notes, merged by time.
void expect_seed_story(const std::vector<ConnectionRecord>& recs) {
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].state, ConnectionState::refused);
  const ConnectionRecord& r = recs[1];
  EXPECT_EQ(r.client().isn, 3245919349u);
  EXPECT_EQ(r.server().isn, 2706133401u);
  EXPECT_EQ(r.client().bytes, 4000u);
  EXPECT_EQ(r.client().acked_bytes, 3000u);
  EXPECT_EQ(r.server().bytes, 15u);
  ASSERT_EQ(r.episodes.size(), 1u);
  EXPECT_EQ(r.episodes[0].sends_ns.size(), 14u);
  EXPECT_EQ(r.episodes[0].pattern, RetransmissionPattern::exponential);
  ASSERT_TRUE(r.episodes[0].capped_s);
  EXPECT_NEAR(*r.episodes[0].capped_s, 120.0, 0.5);
  EXPECT_FALSE(r.episodes[0].acked);
  EXPECT_EQ(r.closed_by, Side::client);
  EXPECT_FALSE(r.closed_with_rst);
}

TEST(Story, SeedFromTcpdumpText) {
  std::vector<ConnectionRecord> recs;
  {
    std::string error;
    TextOptions text;
    std::vector<std::unique_ptr<FrameSource>> sources;
    for (const char* f : {"receiver.txt", "sender.txt"}) {
      sources.push_back(
          open_input(std::string(TCPLENS_SOURCE_DIR) + "/tests/data/seed/" + f, text, error));
      ASSERT_TRUE(sources.back()) << error;
    }
    MergedSource merged(std::move(sources));
    TcpAnalyzer analyzer;
    StoryBuilder story;
    RawFrame raw;
    Segment seg;
    std::uint64_t n = 0;
    while (merged.next(raw) == ReadStatus::frame) {
      ++n;
      ASSERT_EQ(decode_frame(raw.link_type, raw.bytes, raw.wire_len, seg), SkipReason::none);
      story.add(seg, analyzer.analyze(seg, raw.ts_ns, n), raw.ts_ns);
    }
    recs = story.finish();
  }
  expect_seed_story(recs);
  // The whole notes file, commentary and repeated lines included, tells the same story.
  expect_seed_story(
      records_of(std::string(TCPLENS_SHARED_DIR) + "/seed/tcpdump-retransmission-notes.md"));
}

RetransmissionEpisode episode(std::vector<double> gaps, bool fast = false) {
  RetransmissionEpisode e;
  std::int64_t t = 1'000'000'000;
  e.sends_ns.push_back(t);
  for (double g : gaps) e.sends_ns.push_back(t += static_cast<std::int64_t>(g * 1e9));
  e.first_resend_fast = fast;
  classify_episode(e);
  return e;
}

TEST(Story, RetransmissionPatterns) {
  EXPECT_EQ(episode({0.2}).pattern, RetransmissionPattern::single);
  EXPECT_EQ(episode({0.2}, true).pattern, RetransmissionPattern::fast);
  EXPECT_EQ(episode({0.2, 0.4, 0.8, 1.6}).pattern, RetransmissionPattern::exponential);
  // A tail-loss probe first: the first gap equals the second.
  EXPECT_EQ(episode({0.205, 0.208, 0.428, 0.832}).pattern, RetransmissionPattern::exponential);
  // The seed's 14 sends: doubling up to 120 s, then 120 s gaps.
  auto capped = episode({0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 120, 120, 120});
  EXPECT_EQ(capped.pattern, RetransmissionPattern::exponential);
  ASSERT_TRUE(capped.capped_s);
  EXPECT_NEAR(*capped.capped_s, 120, 1e-9);
  EXPECT_FALSE(episode({0.2, 0.4, 0.8}).capped_s);
  EXPECT_EQ(episode({1, 1, 1, 1, 2, 4, 8}).pattern, RetransmissionPattern::linear_then_exponential);
  EXPECT_EQ(episode({0.3, 5, 0.1}).pattern, RetransmissionPattern::irregular);
  // Doubling after a first probe, with timer granularity in the gaps.
  auto probed = episode({0.206, 0.600, 1.200, 2.400, 4.805});
  EXPECT_EQ(probed.pattern, RetransmissionPattern::exponential);
  EXPECT_EQ(probed.run_from, 1u);
  EXPECT_FALSE(probed.capped_s);
  // A cap needs the ceiling repeated; a last gap that merely grew less is not one.
  EXPECT_EQ(episode({0.2, 0.4, 0.6}).pattern, RetransmissionPattern::irregular);
}

// tshark's send times (frame.time_epoch, ns) of each data segment of a capture, by
// (tcp.stream, source port, relative tcp.seq, tcp.len), in frame order: read at run time.
std::map<std::tuple<int, int, std::uint32_t, std::uint32_t>, std::vector<std::int64_t>>
tshark_sends(const std::string& capture) {
  std::map<std::tuple<int, int, std::uint32_t, std::uint32_t>, std::vector<std::int64_t>> out;
  const std::string cmd = "tshark -n -r '" + capture +
                          "' -Y 'tcp.len > 0' -T fields -e frame.time_epoch -e tcp.stream -e "
                          "tcp.srcport -e tcp.seq -e tcp.len 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char line[256];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    long long sec = 0;
    char frac[16] = {};
    int stream = 0, port = 0;
    unsigned seq = 0, len = 0;
    if (std::sscanf(line, "%lld.%9[0-9] %d %d %u %u", &sec, frac, &stream, &port, &seq, &len) ==
        6) {
      std::string ns(frac);
      ns.resize(9, '0');  // tshark's decimals, as nanoseconds
      out[{stream, port, seq, len}].push_back(sec * 1'000'000'000 + std::stoll(ns));
    }
  }
  pclose(p);
  return out;
}

// http206_b: the server's segment resent 13 times; the gaps settle into doubling late and then
// repeat (Windows' 15.56 s ceiling): a capped backoff. The expected sends, run and ceiling are
// tshark's times of that segment, taken at run time.
TEST(Story, LateDoublingThenCapOnARealCapture) {
  auto recs = records_of(shared_real("http206_b.pcap"));
  ASSERT_FALSE(recs.empty());
  const RetransmissionEpisode* longest = nullptr;
  for (const auto& e : recs[0].episodes) {
    if (!longest || e.sends_ns.size() > longest->sends_ns.size()) longest = &e;
  }
  ASSERT_NE(longest, nullptr);
  const auto sends = tshark_sends(shared_real("http206_b.pcap"));
  const int port = recs[0].side[static_cast<int>(longest->from)].endpoint.port;
  auto it = sends.find({static_cast<int>(recs[0].stream), port, longest->seq, longest->len});
  ASSERT_NE(it, sends.end()) << "tshark has no data segment at seq " << longest->seq;
  const std::vector<std::int64_t>& t = it->second;
  ASSERT_EQ(longest->sends_ns, t);
  // tshark's gaps: the ceiling is the last gap, repeated; the doubling run ends at its first
  // repeat and starts after the last gap that did not double (within 20 % plus a timer tick).
  std::vector<double> g;
  for (std::size_t i = 1; i < t.size(); ++i)
    g.push_back(static_cast<double>(t[i] - t[i - 1]) / 1e9);
  ASSERT_GE(g.size(), 4u);
  std::size_t repeat = g.size() - 1;
  while (repeat > 0 && std::fabs(g[repeat - 1] - g.back()) < 0.01) --repeat;
  ASSERT_LE(repeat + 2, g.size()) << "the ceiling is seen twice";
  std::size_t run = repeat;
  while (run > 0 && std::fabs(g[run] - 2 * g[run - 1]) <= 0.2 * 2 * g[run - 1] + 0.016) --run;
  ASSERT_GE(repeat - run, 2u) << "two doublings before the ceiling";
  EXPECT_EQ(longest->pattern, RetransmissionPattern::exponential);
  EXPECT_EQ(longest->run_from, run);
  ASSERT_TRUE(longest->capped_s);
  EXPECT_NEAR(*longest->capped_s, g.back(), 0.001);
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// ftp_crack starts mid-connection: no SYN, so the roles come from the ports, said to be guessed,
// and FTP's port 21 is the server.
TEST(Story, MidstreamRolesFromThePorts) {
  auto recs = records_of(shared_real("ftp_crack.pcap"));
  std::size_t inferred = 0;
  for (const auto& r : recs) {
    if (r.client().sent_syn || r.server().sent_synack) continue;
    EXPECT_TRUE(r.roles_inferred) << r.stream;
    ++inferred;
    if (r.client().endpoint.port == 21 || r.server().endpoint.port == 21) {
      EXPECT_EQ(r.server().endpoint.port, 21) << r.stream;
    }
  }
  EXPECT_GT(inferred, 0u);
}

// The seed's sender side alone: no server frame, but the client's ACKs prove it replied.
TEST(Story, OneSidedCaptureKnowsThePeerReplied) {
  auto recs = records_of(std::string(TCPLENS_SOURCE_DIR) + "/tests/data/seed/sender.txt");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].state, ConnectionState::unanswered);  // a lone SYN, no ACK after it
  EXPECT_NE(recs[1].state, ConnectionState::unanswered);
  EXPECT_EQ(recs[1].server().frames, 0u);
  const std::string story = explain(recs, 1, Language::en);
  EXPECT_EQ(story.find("no reply"), std::string::npos) << story;
  EXPECT_NE(story.find("its ACKs prove the server answered"), std::string::npos) << story;
}

// ftp_upload_failed: the server's data was mostly acknowledged; the story gives both numbers.
TEST(Story, PartlyAcknowledgedDataSaysHowMuch) {
  auto recs = records_of(shared_real("ftp_upload_failed.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  const std::string story = explain(recs, 0, Language::en);
  EXPECT_EQ(story.find("1427880 bytes (seq 1–1427880, 978 segments); never"), std::string::npos);
  // The client's highest ACK is 1385541 (tshark: frame 1640, after the RSTs); the data section,
  // the record and the ending say the same: 1385540 acknowledged, 42340 not.
  EXPECT_NE(story.find("1385540 of them were acknowledged (up to ACK 1385541), the last 42340"),
            std::string::npos)
      << story;
  EXPECT_EQ(recs[0].server().acked_bytes, 1385540u);
  EXPECT_NE(story.find("42340 of the server's 1427880"), std::string::npos) << story;
  EXPECT_NE(story.find("42340 bytes were left unacknowledged"), std::string::npos) << story;
}

}  // namespace
}  // namespace tcplens
