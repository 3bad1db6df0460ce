// `print` and `ladder` lines, and the SVG graphs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "analysis/tcp_analyzer.hpp"
#include "cli/terminal.hpp"
#include "decode/decode.hpp"
#include "render/ladder.hpp"
#include "render/print_writer.hpp"
#include "render/segment_text.hpp"
#include "render/summary_writer.hpp"
#include "render/svg_graph.hpp"
#include "render/tcpdump_line.hpp"
#include "story/series.hpp"
#include "support/packet_builder.hpp"

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
  EXPECT_EQ(tcpdump_flags(tcp_flag::fin | tcp_flag::psh | tcp_flag::ack), "FP.");
  EXPECT_EQ(tcpdump_flags(tcp_flag::rst), "R");
  // tcpdump's order puts ECE and CWR after the ACK dot; it ignores the AE bit.
  EXPECT_EQ(tcpdump_flags(tcp_flag::syn | tcp_flag::ece | tcp_flag::cwr), "SEW");
  EXPECT_EQ(tcpdump_flags(tcp_flag::ack | tcp_flag::ece), ".E");
  EXPECT_EQ(tcpdump_flags(tcp_flag::ae), "none");
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

// One frame through the decoder and the print writer, as `tcplens print` runs them.
std::string print_line(PrintWriter& printer, const test::TcpSpec& spec, const Verdict& v,
                       std::int64_t ts_ns = 0) {
  test::Bytes frame = test::ethernet_frame(spec);
  Segment s;
  EXPECT_EQ(decode_frame(link_type::ethernet, frame, static_cast<std::uint32_t>(frame.size()), s),
            SkipReason::none);
  std::string line;
  printer.add(line, ts_ns, frame, static_cast<std::uint32_t>(frame.size()), s, v);
  return line;
}

TEST(PrintWriter, TcpdumpRelativeNumbersSackAndVerdict) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  PrintWriter printer(false);
  Verdict none;
  test::TcpSpec syn{.seq = 1000,
                    .flags = tcp_flag::syn,
                    .options = test::concat({test::opt_mss(1460), test::opt_sack_permitted()})};
  // A SYN has no ACK: tcpdump prints its ISN, and keeps nothing.
  EXPECT_EQ(
      print_line(printer, syn, none, (23 * 3600 + 34 * 60 + 6) * 1'000'000'000LL + 381'505'999),
      "23:34:06.381505 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, "
      "options [mss 1460,nop,nop,sackOK], length 0\n");
  // The first frame with an ACK enters the conversation with its numbers as they are.
  test::TcpSpec syn_ack{.src = "10.0.0.2",
                        .dst = "10.0.0.1",
                        .sport = 80,
                        .dport = 40000,
                        .seq = 7000,
                        .ack = 1001,
                        .flags = tcp_flag::syn | tcp_flag::ack,
                        .payload = 0,
                        .options = {}};
  EXPECT_NE(print_line(printer, syn_ack, none).find("Flags [S.], seq 7000, ack 1001, win"),
            std::string::npos);
  // Later frames are relative, SACK blocks too (to the side they acknowledge).
  test::TcpSpec data{.seq = 1001,
                     .ack = 7001,
                     .flags = tcp_flag::psh | tcp_flag::ack,
                     .payload = 100,
                     .options = {}};
  Verdict resent;
  resent.flags = analysis_flag::retransmission;
  EXPECT_NE(print_line(printer, data, resent)
                .find("Flags [P.], seq 1:101, ack 1, win 65535, length 100 [TCP Retransmission]\n"),
            std::string::npos);
  test::TcpSpec sack{.src = "10.0.0.2",
                     .dst = "10.0.0.1",
                     .sport = 80,
                     .dport = 40000,
                     .seq = 7001,
                     .ack = 1001,
                     .flags = tcp_flag::ack,
                     .options = test::opt_sack({{1101, 1201}})};
  EXPECT_NE(
      print_line(printer, sack, none).find("ack 1, win 65535, options [nop,nop,sack 1 {101:201}]"),
      std::string::npos);
  // On a terminal the verdict is coloured (red: data resent).
  PrintWriter coloured(true);
  EXPECT_NE(print_line(coloured, data, resent).find("[\033[31mTCP Retransmission\033[0m]"),
            std::string::npos);
}

TEST(PrintWriter, ForgetsConnectionsIdleLongerThanAsked) {
  TcpdumpLine line(10'000'000'000LL);
  test::TcpSpec a{.seq = 5, .ack = 9, .flags = tcp_flag::ack, .payload = 0, .options = {}};
  test::TcpSpec b{
      .sport = 40001, .seq = 5, .ack = 9, .flags = tcp_flag::ack, .payload = 0, .options = {}};
  for (auto [spec, t] :
       {std::pair{a, 0LL}, std::pair{b, 2'000'000'000LL}, std::pair{b, 20'000'000'000LL}}) {
    test::Bytes frame = test::ethernet_frame(spec);
    Segment s;
    decode_frame(link_type::ethernet, frame, static_cast<std::uint32_t>(frame.size()), s);
    std::string out;
    line.append(out, t, frame, static_cast<std::uint32_t>(frame.size()), s);
  }
  EXPECT_EQ(line.tracked(), 1u);  // the first connection, silent 20 s, is forgotten
}

TEST(PrintWriter, Ipv6AsTcpdumpWritesIt) {
  IpAddress a;
  a.family = 6;
  a.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
  EXPECT_EQ(tcpdump_ip6(a), "::ffff:10.0.0.1");
  a.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(tcpdump_ip6(a), "2001:db8::1");
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
      std::string line =
          ladder_line(451.448829, ltr, label, "TCP Previous segment not captured", false);
      EXPECT_EQ(display_width(line), kLadderWidth) << line;
      EXPECT_EQ(line.find(ltr ? "-->|" : "|<--") != std::string::npos, true) << line;
    }
  }
  std::string coloured = ladder_line(1.0, true, "ACK", "TCP Retransmission", true);
  EXPECT_NE(coloured.find("\033[31m[TCP Retransmission]\033[0m"), std::string::npos) << coloured;
}

// Capture timestamps that go backwards give a connection points before its first frame, at
// negative times. The goodput graph put such an ACK into bin -570 of its 61 (a heap write out of
// bounds; found by story_fuzzer); it now counts in the first bin.
TEST(Graph, GoodputCountsAnAckStampedBeforeTheFirstFrameInTheFirstBin) {
  const std::int64_t s = 1'000'000'000;
  Segment a = data_segment();  // 127.0.0.1:9998 -> 127.0.0.2:9999, 1000 bytes
  Segment b;
  b.src = a.dst;
  b.dst = a.src;
  b.src_port = a.dst_port;
  b.dst_port = a.src_port;
  b.flags = tcp_flag::ack;
  b.window = 342;
  TcpAnalyzer analyzer;
  SeriesCollector collector;
  std::uint64_t n = 0;
  auto feed = [&](Segment seg, std::uint32_t seq, std::uint32_t ack, std::int64_t ts) {
    seg.seq = seq;
    seg.ack = ack;
    Verdict v = analyzer.analyze(seg, ts, ++n);
    collector.add(seg, v, ts);
  };
  feed(a, 1000, 5000, 10 * s);
  feed(b, 5000, 2000, 11 * s);  // t = 1 s: the graph spans one second, 60 bins
  feed(a, 2000, 5000, 0);       // the clock went back ten seconds
  feed(b, 5000, 3000, s / 2);   // t = -9.5 s: 1000 bytes acknowledged
  ASSERT_EQ(collector.series().size(), 1u);
  const ConnectionSeries& cs = collector.series().begin()->second;
  ASSERT_EQ(cs.points.size(), 4u);
  EXPECT_LT(cs.points[3].t_ns, 0);
  GraphOptions g;
  g.kind = GraphKind::throughput;
  g.direction = 0;
  std::string svg = render_graph(cs, g);
  // The goodput line starts at the first bin: 1000 bytes in 1/60 s, the graph's peak, far above
  // the baseline (y = 354).
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("data-series=\"goodput\" d=\"M([-0-9.]+) ([-0-9.]+)L"))) << svg;
  EXPECT_LT(std::atof(m[2].str().c_str()), 100.0) << svg;
  EXPECT_NE(svg.find("goodput (kB/s)"), std::string::npos) << svg;
}

// The time-sequence graph merges first transmissions per pixel column past 4000 bars; a bar at a
// large negative time had a pixel column that does not fit an int (undefined behaviour).
TEST(Graph, TimeSequenceMergesABarStampedLongBeforeTheFirstFrame) {
  Segment a = data_segment();
  a.payload_len = 100;
  TcpAnalyzer analyzer;
  SeriesCollector collector;
  std::uint64_t n = 0;
  const std::int64_t t0 = 20'000LL * 1'000'000'000;
  for (std::uint32_t k = 0; k <= 4000; ++k) {
    a.seq = 1000 + 100 * k;
    // All within one millisecond, the last one ten thousand seconds before the first.
    std::int64_t ts = k < 4000 ? t0 + k * 250 : t0 - 10'000LL * 1'000'000'000;
    Verdict v = analyzer.analyze(a, ts, ++n);
    collector.add(a, v, ts);
  }
  const ConnectionSeries& cs = collector.series().begin()->second;
  ASSERT_EQ(cs.points.size(), 4001u);
  GraphOptions g;
  g.kind = GraphKind::time_sequence;
  g.direction = 0;
  std::string svg = render_graph(cs, g);
  EXPECT_EQ(svg.find("2147483648"), std::string::npos);
  EXPECT_NE(svg.find("M0 "), std::string::npos) << "the early bar, in column 0";
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

TEST(SummaryTable, SizesInKMG) {
  EXPECT_EQ(human_bytes(999), "999");
  EXPECT_EQ(human_bytes(4'194'304), "4.2M");
  EXPECT_EQ(human_bytes(42'000), "42k");
  EXPECT_EQ(human_bytes(999'960), "1.0M");
  EXPECT_EQ(human_bytes(1'300'000'000), "1.3G");
}

TEST(SummaryTable, ColumnsSizedToTheWidestCell) {
  std::vector<std::string> rows = {
      "!\t0\t[2a00:6020:ad0b:8381:fd70:e2f9:f031:9dc4]:49980\t[2a00::10]:389\treset\t1.0s\t2.7k\t"
      "2.0k\t1\t34.2ms\treset\n",
      " \t1\t10.0.0.1:1\t10.0.0.2:80\tclosed\t2.0s\t1\t2\t0\t-\thealthy\n"};
  std::string out;
  append_summary_table(out, rows, false);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < out.size();) {
    std::size_t nl = out.find('\n', at);
    lines.push_back(out.substr(at, nl - at));
    at = nl + 1;
  }
  ASSERT_EQ(lines.size(), 4u);  // header, two rows, the legend
  const std::size_t server = lines[0].find("server");
  EXPECT_EQ(lines[1].find("[2a00::10]"), server);
  EXPECT_EQ(lines[2].find("10.0.0.2:80"), server);
  EXPECT_EQ(lines[3].rfind("!: ", 0), 0u);
}

TEST(Progress, PercentRatesAndUnknownSize) {
  Progress p{.frames_read = 1'500'000,
             .bytes_read = 500'000'000,
             .bytes_total = 1'000'000'000,
             .done = false};
  EXPECT_EQ(progress_text(p, 2.0), "tcplens: 50% of 1.0GB, 1.5M frames, 750k frames/s, 250.0 MB/s");
  p.bytes_total = 0;
  EXPECT_EQ(progress_text(p, 2.0), "tcplens: 1.5M frames, 750k frames/s, 250.0 MB/s");
  p.bytes_total = 400'000'000;  // counted from the frames: never past 99 % before the end
  EXPECT_EQ(progress_text(p, 2.0).substr(0, 13), "tcplens: 99% ");
}

}  // namespace
}  // namespace tcplens
