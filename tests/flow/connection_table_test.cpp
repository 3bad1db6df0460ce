#include "flow/connection_table.hpp"

#include <gtest/gtest.h>

#include "decode/decode.hpp"
#include "support/packet_builder.hpp"

namespace tcplens {
namespace {

Segment segment(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport) {
  test::TcpSpec t;
  t.src = src;
  t.dst = dst;
  t.sport = sport;
  t.dport = dport;
  test::Bytes ip = test::ip_datagram(t);
  Segment s;
  EXPECT_EQ(decode_frame(link_type::raw, ip, static_cast<std::uint32_t>(ip.size()), s),
            SkipReason::none);
  return s;
}

TEST(FlowKey, BothDirectionsShareOneKey) {
  Segment a = segment("10.0.0.1", 1234, "10.0.0.2", 80);
  Segment b = segment("10.0.0.2", 80, "10.0.0.1", 1234);
  EXPECT_EQ(FlowKey::of(a), FlowKey::of(b));
  EXPECT_EQ(FlowKeyHash{}(FlowKey::of(a)), FlowKeyHash{}(FlowKey::of(b)));
  Segment c = segment("10.0.0.2", 81, "10.0.0.1", 1234);
  EXPECT_NE(FlowKey::of(a), FlowKey::of(c));
  Segment v6 = segment("::1", 1234, "::2", 80);
  EXPECT_NE(FlowKey::of(v6), FlowKey::of(a));
}

TEST(ConnectionTable, StreamsNumberedInOrderAndReplacedOnReuse) {
  ConnectionTable table;
  Segment a = segment("10.0.0.1", 1234, "10.0.0.2", 80);
  Segment b = segment("10.0.0.3", 1234, "10.0.0.2", 80);
  EXPECT_EQ(table.find(FlowKey::of(a)), nullptr);
  Connection& ca = table.open(FlowKey::of(a), a);
  EXPECT_EQ(ca.stream, 0u);
  EXPECT_EQ(ca.direction_of(a), 0);
  Segment reply = segment("10.0.0.2", 80, "10.0.0.1", 1234);
  EXPECT_EQ(ca.direction_of(reply), 1);
  EXPECT_EQ(table.open(FlowKey::of(b), b).stream, 1u);
  EXPECT_EQ(table.find(FlowKey::of(reply))->stream, 0u);
  // Reuse of a 4-tuple: a fresh connection with the next stream index.
  Connection& again = table.open(FlowKey::of(reply), reply);
  EXPECT_EQ(again.stream, 2u);
  EXPECT_EQ(again.direction_of(reply), 0);
  EXPECT_EQ(table.live(), 2u);
  EXPECT_EQ(table.streams(), 3u);
}

}  // namespace
}  // namespace tcplens
