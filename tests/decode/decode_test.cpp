#include "decode/decode.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "support/packet_builder.hpp"

namespace tcplens {
namespace {

using test::Bytes;
using test::TcpSpec;

TcpSpec data_segment() {
  TcpSpec t;
  t.seq = 1000;
  t.ack = 2000;
  t.flags = tcp_flag::ack | tcp_flag::psh;
  t.window = 501;
  t.payload = 100;
  return t;
}

void expect_segment(const Segment& s, const TcpSpec& t) {
  EXPECT_EQ(s.src_port, t.sport);
  EXPECT_EQ(s.dst_port, t.dport);
  EXPECT_EQ(s.seq, t.seq);
  EXPECT_EQ(s.ack, t.ack);
  EXPECT_EQ(s.flags, t.flags);
  EXPECT_EQ(s.window, t.window);
  EXPECT_EQ(s.payload_len, t.payload);
}

TEST(Decode, EthernetIpv4) {
  TcpSpec t = data_segment();
  Bytes f = test::ethernet_frame(t);
  Segment s;
  ASSERT_EQ(decode_frame(link_type::ethernet, f, static_cast<std::uint32_t>(f.size()), s),
            SkipReason::none);
  expect_segment(s, t);
  EXPECT_EQ(to_string(s.src), "10.0.0.1");
  EXPECT_EQ(to_string(s.dst), "10.0.0.2");
}

// RFC 3168's ECN codepoint, from the IPv4 TOS byte and the IPv6 traffic class, DSCP bits aside.
TEST(Decode, EcnBits) {
  for (const char* dst : {"10.0.0.2", "2001:db8::2"}) {
    TcpSpec t = data_segment();
    if (dst[0] == '2') t.src = "2001:db8::1";
    t.dst = dst;
    for (std::uint8_t ecn : {0, 1, 2, 3}) {
      t.ecn = ecn;
      Bytes f = test::ethernet_frame(t);
      // A DSCP (AF41 = 34) next to the ECN bits must not leak into them.
      if (t.src[0] == '2') {
        f[14] |= 34 >> 2;
        f[15] |= (34 & 3) << 6;
      } else {
        f[15] |= 34 << 2;
      }
      Segment s;
      ASSERT_EQ(decode_frame(link_type::ethernet, f, static_cast<std::uint32_t>(f.size()), s),
                SkipReason::none);
      EXPECT_EQ(s.ecn, ecn) << dst;
    }
  }
}

TEST(IpAddress, Ipv4TextEveryDigitCount) {
  IpAddress a;
  a.family = 4;
  for (const auto& [bytes, text] : std::vector<std::pair<std::array<std::uint8_t, 4>, std::string>>{
           {{0, 0, 0, 0}, "0.0.0.0"},
           {{9, 10, 99, 100}, "9.10.99.100"},
           {{255, 254, 200, 1}, "255.254.200.1"},
           {{192, 168, 0, 10}, "192.168.0.10"}}) {
    std::copy(bytes.begin(), bytes.end(), a.bytes.begin());
    EXPECT_EQ(to_string(a), text);
  }
}

TEST(Decode, StackedVlanTags) {
  TcpSpec t = data_segment();
  for (auto tags : {std::vector<std::uint16_t>{0x8100}, std::vector<std::uint16_t>{0x88a8, 0x8100},
                    std::vector<std::uint16_t>{0x9100, 0x8100, 0x8100}}) {
    Bytes f = test::ethernet_frame(t, tags);
    Segment s;
    ASSERT_EQ(decode_frame(link_type::ethernet, f, static_cast<std::uint32_t>(f.size()), s),
              SkipReason::none);
    expect_segment(s, t);
  }
}

TEST(Decode, EthernetIpv6) {
  TcpSpec t = data_segment();
  t.src = "2001:db8::1";
  t.dst = "2001:db8:0:0:1::2";
  Bytes f = test::ethernet_frame(t);
  Segment s;
  ASSERT_EQ(decode_frame(link_type::ethernet, f, static_cast<std::uint32_t>(f.size()), s),
            SkipReason::none);
  expect_segment(s, t);
  EXPECT_EQ(to_string(s.src), "2001:db8::1");
  EXPECT_EQ(to_string(s.dst), "2001:db8::1:0:0:2");  // RFC 5952: the first of equal runs
}

TEST(Decode, LinuxCookedV1AndV2) {
  TcpSpec t = data_segment();
  Bytes ip = test::ip_datagram(t);
  Bytes sll{0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00};
  sll.insert(sll.end(), ip.begin(), ip.end());
  Segment s;
  ASSERT_EQ(decode_frame(link_type::linux_sll, sll, static_cast<std::uint32_t>(sll.size()), s),
            SkipReason::none);
  expect_segment(s, t);
  Bytes sll2{0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  ASSERT_EQ(decode_frame(link_type::linux_sll2, sll2, static_cast<std::uint32_t>(sll2.size()), s),
            SkipReason::none);
  expect_segment(s, t);
}

TEST(Decode, RawIpAndBsdLoopback) {
  TcpSpec t = data_segment();
  Bytes ip = test::ip_datagram(t);
  Segment s;
  for (int link : {link_type::raw, link_type::raw_linktype, link_type::ipv4}) {
    ASSERT_EQ(decode_frame(link, ip, static_cast<std::uint32_t>(ip.size()), s), SkipReason::none);
    expect_segment(s, t);
  }
  Bytes null_le{2, 0, 0, 0};
  null_le.insert(null_le.end(), ip.begin(), ip.end());
  ASSERT_EQ(
      decode_frame(link_type::null_bsd, null_le, static_cast<std::uint32_t>(null_le.size()), s),
      SkipReason::none);
  Bytes null_be{0, 0, 0, 2};
  null_be.insert(null_be.end(), ip.begin(), ip.end());
  ASSERT_EQ(
      decode_frame(link_type::null_bsd, null_be, static_cast<std::uint32_t>(null_be.size()), s),
      SkipReason::none);
  ASSERT_EQ(decode_frame(link_type::loop, null_be, static_cast<std::uint32_t>(null_be.size()), s),
            SkipReason::none);
  t.src = "::1";
  t.dst = "::2";
  Bytes ip6 = test::ip_datagram(t);
  ASSERT_EQ(decode_frame(link_type::raw, ip6, static_cast<std::uint32_t>(ip6.size()), s),
            SkipReason::none);
  Bytes null6{30, 0, 0, 0};
  null6.insert(null6.end(), ip6.begin(), ip6.end());
  ASSERT_EQ(decode_frame(link_type::null_bsd, null6, static_cast<std::uint32_t>(null6.size()), s),
            SkipReason::none);
  expect_segment(s, t);
}

TEST(Decode, Ipv4OptionsAreSkipped) {
  TcpSpec t = data_segment();
  Bytes ip = test::ip_datagram(t);
  // Insert 8 bytes of options (NOPs + end) and fix IHL and total length.
  ip.insert(ip.begin() + 20, {1, 1, 1, 1, 1, 1, 1, 0});
  ip[0] = 0x47;
  std::uint16_t total = static_cast<std::uint16_t>(ip.size());
  ip[2] = static_cast<std::uint8_t>(total >> 8);
  ip[3] = static_cast<std::uint8_t>(total);
  Segment s;
  ASSERT_EQ(decode_frame(link_type::raw, ip, total, s), SkipReason::none);
  expect_segment(s, t);
}

// Inserts an IPv6 extension header after the fixed header.
Bytes with_extension(Bytes ip6, std::uint8_t type, Bytes ext) {
  ext[0] = ip6[6];  // the extension's next header is the old one
  ip6[6] = type;
  ip6.insert(ip6.begin() + 40, ext.begin(), ext.end());
  std::uint16_t plen = static_cast<std::uint16_t>(ip6.size() - 40);
  ip6[4] = static_cast<std::uint8_t>(plen >> 8);
  ip6[5] = static_cast<std::uint8_t>(plen);
  return ip6;
}

TEST(Decode, Ipv6ExtensionHeaders) {
  TcpSpec t = data_segment();
  t.src = "fe80::1";
  t.dst = "fe80::2";
  Bytes ip6 = test::ip_datagram(t);
  Bytes chained = with_extension(ip6, 60, {0, 0, 1, 4, 0, 0, 0, 0});  // dest opts
  chained = with_extension(chained, 43, {0, 0, 0, 0, 0, 0, 0, 0});    // routing
  chained =
      with_extension(chained, 0, {0, 1, 1, 4, 0, 0, 0, 0, 1, 6, 0, 0, 0, 0, 0, 0});  // hop-by-hop
  chained = with_extension(chained, 44, {0, 0, 0, 0, 0, 0, 0, 1});  // atomic fragment
  Segment s;
  ASSERT_EQ(decode_frame(link_type::raw, chained, static_cast<std::uint32_t>(chained.size()), s),
            SkipReason::none);
  expect_segment(s, t);
  // A fragment that is not the first, or the first of several, is not a TCP segment here.
  Bytes later = with_extension(ip6, 44, {0, 0, 0x05, 0x00, 0, 0, 0, 1});
  EXPECT_EQ(decode_frame(link_type::raw, later, static_cast<std::uint32_t>(later.size()), s),
            SkipReason::ip_fragment);
  Bytes first = with_extension(ip6, 44, {0, 0, 0x00, 0x01, 0, 0, 0, 1});
  EXPECT_EQ(decode_frame(link_type::raw, first, static_cast<std::uint32_t>(first.size()), s),
            SkipReason::ip_fragment);
}

TEST(Decode, Ipv6ExtensionChainThatOverrunsIsBad) {
  TcpSpec t = data_segment();
  t.src = "fe80::1";
  t.dst = "fe80::2";
  t.payload = 0;
  Bytes ip6 = with_extension(test::ip_datagram(t), 0, {0, 0, 0, 0, 0, 0, 0, 0});
  ip6[41] = 200;  // claims (200+1)*8 bytes
  Segment s;
  EXPECT_EQ(decode_frame(link_type::raw, ip6, static_cast<std::uint32_t>(ip6.size()), s),
            SkipReason::truncated);
}

TEST(Decode, Ipv4Fragments) {
  TcpSpec t = data_segment();
  Bytes ip = test::ip_datagram(t);
  Segment s;
  ip[6] = 0x20;  // MF
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::ip_fragment);
  ip[6] = 0x00;
  ip[7] = 0x10;  // offset 16
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::ip_fragment);
}

TEST(Decode, SkipReasons) {
  TcpSpec t = data_segment();
  Segment s;
  Bytes arp{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x06, 0, 1, 8, 0, 6, 4};
  EXPECT_EQ(decode_frame(link_type::ethernet, arp, 20, s), SkipReason::not_ip);
  Bytes ip = test::ip_datagram(t);
  ip[9] = 17;  // UDP
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::not_tcp);
  EXPECT_EQ(decode_frame(9999, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::unsupported_link);
}

TEST(Decode, TruncatedAtEveryLength) {
  TcpSpec t = data_segment();
  t.options = test::concat({test::opt_mss(1460), test::opt_timestamps(1, 2)});
  Bytes f = test::ethernet_frame(t);
  std::size_t headers = f.size() - t.payload;
  for (std::size_t n = 0; n < f.size(); ++n) {
    Segment s;
    // Cut by a snaplen: the wire length is still the full frame.
    SkipReason r = decode_frame(link_type::ethernet, std::span(f).first(n),
                                static_cast<std::uint32_t>(f.size()), s);
    if (n < 14 + 20 + 16) {
      EXPECT_EQ(r, SkipReason::truncated) << n;
    } else {
      EXPECT_EQ(r, SkipReason::none) << n;
      EXPECT_EQ(s.payload_len, t.payload) << "tcp.len counts bytes the snaplen cut";
      // A cut header shows no analysis, but the options captured whole are read (tshark prints
      // them: tcp.options.mss_val); the MSS option is the first 4 bytes after the fixed header.
      EXPECT_EQ(s.header_cut, n < headers) << n;
      EXPECT_EQ(s.options.mss != 0, n >= 14 + 20 + 20 + 4) << n;
    }
  }
}

TEST(Decode, BadHeaderLengths) {
  TcpSpec t = data_segment();
  Segment s;
  Bytes ip = test::ip_datagram(t);
  ip[0] = 0x44;  // IHL 16 bytes
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::bad_ip_header);
  ip = test::ip_datagram(t);
  ip[0] = 0x4f;  // IHL 60 > total? no: 60 < total, but options garbage: still decodes past it
  ip[2] = 0;
  ip[3] = 40;  // total length 40 < IHL 60
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::bad_ip_header);
  ip = test::ip_datagram(t);
  ip[20 + 12] = 0x40;  // TCP data offset 4 words
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::bad_tcp_header);
  t.payload = 0;
  ip = test::ip_datagram(t);
  ip[20 + 12] = 0xf0;  // 60-byte header in a 20-byte segment
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::bad_tcp_header);
}

TEST(Decode, TcpOptions) {
  TcpOptions o;
  Bytes opts =
      test::concat({test::opt_mss(1460), test::opt_sack_permitted(), test::opt_timestamps(111, 222),
                    test::opt_wscale(7), test::opt_sack({{10, 20}, {30, 40}})});
  parse_tcp_options(opts, o);
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_TRUE(o.has_timestamps);
  EXPECT_EQ(o.ts_value, 111u);
  EXPECT_EQ(o.ts_echo, 222u);
  EXPECT_EQ(o.window_scale, 7);
  ASSERT_EQ(o.sack_count, 2);
  EXPECT_EQ(o.sack[1].left, 30u);
  EXPECT_EQ(o.sack[1].right, 40u);
}

TEST(Decode, OptionsThatRunOverStopCleanly) {
  TcpOptions o;
  Bytes opts = {2, 4, 5};  // MSS cut short
  parse_tcp_options(opts, o);
  EXPECT_EQ(o.mss, 0);
  Bytes zero_len = {3, 0, 7, 2, 4, 5, 0xb4};  // a length of 0 would loop forever
  parse_tcp_options(zero_len, o);
  EXPECT_EQ(o.window_scale, -1);
  Bytes big_len = {8, 200, 0, 0};
  parse_tcp_options(big_len, o);
  EXPECT_FALSE(o.has_timestamps);
}

}  // namespace
}  // namespace tcplens
