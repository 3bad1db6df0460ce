// `print` and `ladder` lines.
#include <gtest/gtest.h>

#include "render/ladder.hpp"
#include "render/print_writer.hpp"
#include "render/segment_text.hpp"

namespace tcplens {
namespace {

Segment data_segment() {
  Segment s;
  s.src.family = s.dst.family = 4;
  s.src.bytes = {127, 0, 0, 1};
  s.dst.bytes = {127, 0, 0, 2};
  s.src_port = 9998;
  s.dst_port = 9999;
  s.flags = tcp_flag::psh | tcp_flag::ack;
  s.window = 342;
  s.payload_len = 1000;
  s.options.has_timestamps = true;
  s.options.ts_value = 17703645;
  s.options.ts_echo = 17702442;
  return s;
}

TEST(SegmentText, TcpdumpFlagsAndWiresharkWords) {
  EXPECT_EQ(tcpdump_flags(tcp_flag::syn), "S");
  EXPECT_EQ(tcpdump_flags(tcp_flag::syn | tcp_flag::ack), "S.");
  EXPECT_EQ(tcpdump_flags(tcp_flag::psh | tcp_flag::ack), "P.");
  EXPECT_EQ(tcpdump_flags(tcp_flag::fin | tcp_flag::ack), "F.");
  EXPECT_EQ(tcpdump_flags(tcp_flag::rst), "R");
  EXPECT_EQ(tcpdump_flags(0), "none");
  Verdict v;
  v.flags = analysis_flag::duplicate_ack;
  v.dupack_frame = 8;
  v.dupack_num = 3;
  EXPECT_EQ(verdict_words(v), "TCP Dup ACK 8#3");
  v.flags = analysis_flag::fast_retransmission;
  EXPECT_EQ(verdict_words(v), "TCP Fast Retransmission");
  v.flags = analysis_flag::zero_window | analysis_flag::zero_window_probe_ack;
  EXPECT_EQ(verdict_words(v), "TCP ZeroWindow, TCP ZeroWindowProbeAck");
  v.analysis_hidden = true;
  EXPECT_EQ(verdict_words(v), "");
}

TEST(PrintWriter, TcpdumpLineWithVerdict) {
  Segment s = data_segment();
  Verdict v;
  v.rel_seq = 3001;
  v.rel_ack = 16;
  v.flags = analysis_flag::retransmission;
  std::string line;
  append_print_line(line, (23 * 3600 + 34 * 60 + 6) * 1'000'000'000LL + 381'505'000, s, v);
  EXPECT_EQ(line,
            "23:34:06.381505 IP 127.0.0.1.9998 > 127.0.0.2.9999: Flags [P.], seq 3001:4001, ack 16, "
            "win 342, options [TS val 17703645 ecr 17702442], length 1000 [TCP Retransmission]\n");
}

int display_width(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

TEST(Ladder, ArrowsFitOneHundredColumnsBothWays) {
  std::string long_label(300, 'x');
  for (bool ltr : {true, false}) {
    for (const std::string& label : {std::string("SYN seq 0 win 64240"), long_label}) {
      std::string line = ladder_line(451.448829, ltr, label, "TCP Previous segment not captured", false);
      EXPECT_EQ(display_width(line), kLadderWidth) << line;
      EXPECT_EQ(line.find(ltr ? "-->|" : "|<--") != std::string::npos, true) << line;
    }
  }
  std::string coloured = ladder_line(1.0, true, "ACK", "TCP Retransmission", true);
  EXPECT_NE(coloured.find("\033[31m[TCP Retransmission]\033[0m"), std::string::npos) << coloured;
}

}  // namespace
}  // namespace tcplens
