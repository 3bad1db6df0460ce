#include "capture/tcpdump_text.hpp"

#include <gtest/gtest.h>

#include "decode/decode.hpp"

namespace tcplens {
namespace {

std::vector<Segment> segments(const std::string& text, std::vector<std::int64_t>* times = nullptr) {
  std::string error;
  auto src = TcpdumpText::parse("t", text, TextOptions{}, error);
  EXPECT_TRUE(src) << error;
  std::vector<Segment> out;
  if (!src) return out;
  RawFrame f;
  while (src->next(f) == ReadStatus::frame) {
    Segment s;
    EXPECT_EQ(decode_frame(f.link_type, f.bytes, f.wire_len, s), SkipReason::none);
    out.push_back(s);
    if (times) times->push_back(f.ts_ns);
  }
  return out;
}

TEST(TcpdumpText, OneLineFormWithOptions) {
  auto segs = segments(
      "12:00:00.000001 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, "
      "options [mss 1460,sackOK,TS val 5 ecr 0,nop,wscale 7], length 0\n");
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].seq, 1000u);
  EXPECT_EQ(segs[0].flags, tcp_flag::syn);
  EXPECT_EQ(segs[0].window, 64240);
  EXPECT_EQ(segs[0].options.mss, 1460);
  EXPECT_EQ(segs[0].options.window_scale, 7);
  EXPECT_TRUE(segs[0].options.sack_permitted);
  EXPECT_EQ(segs[0].options.ts_value, 5u);
  EXPECT_EQ(to_string(segs[0].src), "10.0.0.1");
  EXPECT_EQ(segs[0].dst_port, 80);
}

TEST(TcpdumpText, RelativeNumbersBecomeAbsoluteAsTcpdumpCountedThem) {
  // tcpdump bases its relative numbers on the first ACK-carrying frame (or a SYN/ACK):
  // that frame is printed absolute, its side's base is its seq, the other's its ack - 1.
  auto segs = segments(
      "12:00:00.000001 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 100, length 0\n"
      "12:00:00.000002 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 100, "
      "length 0\n"
      "12:00:00.000003 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 100, length 0\n"
      "12:00:00.000004 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:101, ack 1, win 100, "
      "length 100\n"
      "12:00:00.000005 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 101, win 100, length 0\n");
  ASSERT_EQ(segs.size(), 5u);
  EXPECT_EQ(segs[2].seq, 1001u);  // a bare ACK: at the sender's next sequence number
  EXPECT_EQ(segs[2].ack, 5001u);
  EXPECT_EQ(segs[3].seq, 1001u);
  EXPECT_EQ(segs[3].payload_len, 100u);
  EXPECT_EQ(segs[4].seq, 5001u);
  EXPECT_EQ(segs[4].ack, 1101u);
}

TEST(TcpdumpText, VerboseTwoLineFormInsideNotesRepeatsCountOnce) {
  std::string block =
      "23:34:03.173811 IP (tos 0x0, ttl 64, id 55844, offset 0, flags [DF], proto TCP (6), length "
      "52)\n"
      "    127.0.0.1.9998 > 127.0.0.1.9999: Flags [.], cksum 0xfe28 (incorrect -> 0x79a9), ack "
      "2706133402, "
      "win 342, options [nop,nop,TS val 17700438 ecr 17700438], length 0\n";
  std::vector<std::int64_t> times;
  auto segs = segments("some notes\n$ sudo tcpdump -v\n" + block + "more notes: " + block, &times);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].ack, 2706133402u);
  EXPECT_EQ(segs[0].window, 342);
  EXPECT_TRUE(segs[0].options.has_timestamps);
  EXPECT_EQ(times[0], (23 * 3600 + 34 * 60 + 3) * 1'000'000'000LL + 173'811'000);
}

TEST(TcpdumpText, Ipv6AndNamesWithoutNn) {
  auto segs = segments(
      "10:00:00.5 IP6 ::1.40100 > ::1.8100: Flags [S], seq 7, win 65476, length 0\n"
      "10:00:00.6 IP myhost.http > otherhost.40000: Flags [R.], seq 0, ack 8, win 0, length 0\n");
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].src.family, 6);
  EXPECT_EQ(segs[0].dst_port, 8100);
  EXPECT_EQ(segs[1].src_port, 80);  // a service name, resolved
  EXPECT_NE(segs[1].src, segs[1].dst);
}

TEST(TcpdumpText, NotText) {
  std::string error;
  EXPECT_FALSE(TcpdumpText::parse("t", "hello\nworld\n", TextOptions{}, error));
  EXPECT_NE(error.find("tcpdump text"), std::string::npos);
}

TEST(TcpdumpText, Dates) {
  std::int64_t s = -1;
  ASSERT_TRUE(parse_date("1970-01-01", s));
  EXPECT_EQ(s, 0);
  ASSERT_TRUE(parse_date("2018-06-01", s));
  EXPECT_EQ(s, 1527811200);
  EXPECT_FALSE(parse_date("2018-13-01", s));
  EXPECT_FALSE(parse_date("yesterday", s));
  ASSERT_TRUE(parse_date("2261-12-31", s));
  EXPECT_EQ(s, 9'214'560'000);
  // Years whose nanoseconds overflow int64_t, or signed: not dates (tcpdump_text_fuzzer found
  // "1323-10-26" multiplied past the range).
  EXPECT_FALSE(parse_date("1323-10-26", s));
  EXPECT_FALSE(parse_date("2262-05-01", s));
  EXPECT_FALSE(parse_date("9999-01-01", s));
  EXPECT_FALSE(parse_date("-102-10-10", s));
  EXPECT_FALSE(parse_date("+970-01-01", s));
  EXPECT_FALSE(parse_date("1969-12-31", s));
}

TEST(TcpdumpText, AbsurdDatesAndSignedHoursAreNotTimestamps) {
  // Like the fuzzer's finding (a date in 1323 overflowed the timestamp), with a signed year. Now
  // it is not a date: the time after it is read as a time of the default day (the date is text before
  // the time, as in notes). A signed hour is no time at all: that line is not a packet.
  std::vector<std::int64_t> times;
  auto segs = segments(
      "-102-10-10 20:55:11.960416 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 1, "
      "length 0\n"
      "2024-10-10 -1:55:11.960416 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 1, "
      "length 0\n"
      "2024-10-10 20:55:11.960416 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 1, "
      "length 0\n",
      &times);
  ASSERT_EQ(segs.size(), 2u);
  const std::int64_t clock = (20 * 3600 + 55 * 60 + 11) * 1'000'000'000LL + 960'416'000;
  EXPECT_EQ(times[0], clock);
  EXPECT_EQ(times[1], 1'728'518'400 * 1'000'000'000LL + clock);
}

}  // namespace
}  // namespace tcplens
