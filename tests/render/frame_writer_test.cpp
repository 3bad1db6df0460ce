#include "render/frame_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

namespace tcplens {
namespace {

TEST(FrameWriter, FlagsStringAsTshark) {
  std::string s;
  append_flags_str(s, tcp_flag::syn);
  EXPECT_EQ(s, "··········S·");
  s.clear();
  append_flags_str(s, tcp_flag::ack | tcp_flag::rst);
  EXPECT_EQ(s, "·······A·R··");
  s.clear();
  append_flags_str(s, tcp_flag::ack | tcp_flag::psh | tcp_flag::fin | tcp_flag::ece |
                          tcp_flag::cwr | tcp_flag::ae | tcp_flag::urg);
  EXPECT_EQ(s, "···NCEUAP··F");
  s.clear();
  append_flags_str(s, 0x0e00);
  EXPECT_EQ(s, "RRR·········");
}

TEST(FrameWriter, SecondsWithNineDecimals) {
  std::string s;
  append_seconds(s, 1795561810127371000);
  EXPECT_EQ(s, "1795561810.127371000");
  s.clear();
  append_seconds(s, 42000);
  EXPECT_EQ(s, "0.000042000");
  s.clear();
  append_seconds(s, -493210000);
  EXPECT_EQ(s, "-0.493210000");
  s.clear();
  append_seconds(s, 0);
  EXPECT_EQ(s, "0.000000000");
}

TEST(FrameWriter, TsvAndJsonRows) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  {
    OutputBuffer out(fds[1]);
    Segment seg;
    seg.flags = tcp_flag::ack;
    seg.payload_len = 0;
    Verdict v;
    v.stream = 3;
    v.rel_seq = 1;
    v.rel_ack = 101;
    v.flags = analysis_flag::duplicate_ack | analysis_flag::window_update;
    v.has_ack_rtt = true;
    v.ack_rtt_ns = 5000;
    FrameWriter tsv(out, FrameFormat::tsv);
    tsv.header();
    tsv.row(FrameRow{7, 1'000'000'000, &seg, &v});
    FrameWriter json(out, FrameFormat::json);
    json.row(FrameRow{7, 1'000'000'000, &seg, &v});
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  auto first_nl = text.find('\n');
  std::string header = text.substr(0, first_nl);
  EXPECT_EQ(std::count(header.begin(), header.end(), '\t'), 22);
  auto second_nl = text.find('\n', first_nl + 1);
  std::string row = text.substr(first_nl + 1, second_nl - first_nl - 1);
  EXPECT_EQ(
      row,
      "7\t1.000000000\t3\t·······A····\t1\t101\t0\t\t\t\t\t\t\t1,1\t\t\t\t\t1\t\t\t\t0.000005000");
  std::string json = text.substr(second_nl + 1);
  EXPECT_NE(json.find("\"tcp.analysis.duplicate_ack\":true"), std::string::npos);
  EXPECT_NE(json.find("\"tcp.analysis.rto\":null"), std::string::npos);
  EXPECT_NE(json.find("\"tcp.analysis.ack_rtt\":0.000005000"), std::string::npos);
}

}  // namespace
}  // namespace tcplens
