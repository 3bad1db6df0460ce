#include "flow/connection_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

TEST(ConnectionTable, RetiredKeepsItsStreamAndBasesAndComesBack) {
  ConnectionTable table;
  Segment a = segment("10.0.0.1", 1234, "10.0.0.2", 80);
  Connection& c = table.open(FlowKey::of(a), a);
  c.dir[0].base_seq = 1000;
  c.dir[0].base_set = true;
  c.dir[0].unacked.push_back(UnackedSegment{1, 0, 1000, 1100});
  table.retire(c);
  EXPECT_EQ(table.live(), 0u);
  EXPECT_EQ(table.retired(), 1u);
  EXPECT_EQ(table.find(FlowKey::of(a)), nullptr);
  Segment reply = segment("10.0.0.2", 80, "10.0.0.1", 1234);
  Connection* back = table.revive(FlowKey::of(reply));
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->stream, 0u);
  EXPECT_EQ(back->direction_of(a), 0);
  EXPECT_EQ(back->dir[0].base_seq, 1000u);
  EXPECT_TRUE(back->dir[0].base_set);
  EXPECT_TRUE(back->dir[0].unacked.empty());  // fresh state
  EXPECT_EQ(table.find(FlowKey::of(a)), back);
  EXPECT_EQ(table.live(), 1u);
  EXPECT_EQ(table.retired(), 0u);
  EXPECT_EQ(table.revive(FlowKey::of(a)), nullptr);  // live, not retired
  // Opening over a tombstone starts the next stream.
  table.retire(*back);
  EXPECT_EQ(table.open(FlowKey::of(a), a).stream, 1u);
  EXPECT_EQ(table.retired(), 0u);
}

// Many 4-tuples: the index grows many times, connections keep their addresses, retired ones'
// places are reused, and every key still finds its own connection.
TEST(ConnectionTable, ManyConnectionsGrowRetireAndReuse) {
  ConnectionTable table;
  constexpr int kCount = 20000;
  std::vector<Segment> segs;
  std::vector<Connection*> where;
  for (int i = 0; i < kCount; ++i) {
    const std::string src = "10." + std::to_string(i / 65536) + "." +
                            std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
    segs.push_back(
        segment(src.c_str(), static_cast<std::uint16_t>(1024 + i % 7), "10.255.0.1", 443));
    Connection& c = table.open(FlowKey::of(segs.back()), segs.back());
    c.last_ns = i;
    where.push_back(&c);
  }
  EXPECT_EQ(table.live(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(table.find(FlowKey::of(segs[i])), where[i]) << i;
    ASSERT_EQ(where[i]->stream, static_cast<std::uint32_t>(i));
  }
  // The first half idle: retired, the rest untouched.
  EXPECT_EQ(table.retire_idle(kCount / 2), static_cast<std::size_t>(kCount / 2));
  EXPECT_EQ(table.live(), static_cast<std::size_t>(kCount / 2));
  EXPECT_EQ(table.retired(), static_cast<std::size_t>(kCount / 2));
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(table.find(FlowKey::of(segs[i])), i < kCount / 2 ? nullptr : where[i]) << i;
  }
  // Revived ones take the freed places (no new memory) and keep their streams.
  for (int i = 0; i < kCount / 2; ++i) {
    Connection* c = table.revive(FlowKey::of(segs[i]));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->stream, static_cast<std::uint32_t>(i));
    EXPECT_NE(std::find(where.begin(), where.begin() + kCount / 2, c), where.begin() + kCount / 2);
  }
  EXPECT_EQ(table.live(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(table.retired(), 0u);
  EXPECT_EQ(table.streams(), static_cast<std::uint32_t>(kCount));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(table.find(FlowKey::of(segs[i]))->stream, i);
}

}  // namespace
}  // namespace tcplens
