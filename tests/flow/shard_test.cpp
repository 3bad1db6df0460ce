#include "flow/shard.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>

namespace tcplens {
namespace {

// Client 10.x.y.z:port to 192.168.0.1:80, numbered by i (as bench/gen_many.py makes them).
Segment client_segment(std::uint32_t i) {
  Segment s;
  s.src.family = s.dst.family = 4;
  s.src.bytes[0] = 10;
  s.src.bytes[1] = static_cast<std::uint8_t>(i >> 16);
  s.src.bytes[2] = static_cast<std::uint8_t>(i >> 8);
  s.src.bytes[3] = static_cast<std::uint8_t>(i);
  s.dst.bytes[0] = 192;
  s.dst.bytes[1] = 168;
  s.dst.bytes[3] = 1;
  s.src_port = static_cast<std::uint16_t>(1024 + (i * 7919) % 60000);
  s.dst_port = 80;
  return s;
}

Segment reply_to(const Segment& s) {
  Segment r = s;
  std::swap(r.src, r.dst);
  std::swap(r.src_port, r.dst_port);
  return r;
}

TEST(ShardMap, BothDirectionsOfAConnectionGoToOneShard) {
  const ShardMap map(3, 0.84 / 3);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const Segment s = client_segment(i);
    EXPECT_EQ(connection_hash(s), connection_hash(reply_to(s)));
    EXPECT_EQ(map(s), map(reply_to(s)));
  }
}

TEST(ShardMap, TheFirstShardGetsItsShareAndTheOthersSplitTheRest) {
  constexpr std::uint32_t kConnections = 100000;
  for (std::uint32_t shards : {2u, 3u, 8u}) {
    const double first = 0.84 / shards;
    const ShardMap map(shards, first);
    std::array<std::uint32_t, 8> count{};
    for (std::uint32_t i = 0; i < kConnections; ++i) {
      const std::uint32_t shard = map(client_segment(i));
      ASSERT_LT(shard, shards);
      ++count[shard];
    }
    EXPECT_NEAR(count[0] / double{kConnections}, first, 0.01) << shards << " shards";
    const double rest = (1 - first) / (shards - 1);
    for (std::uint32_t w = 1; w < shards; ++w) {
      EXPECT_NEAR(count[w] / double{kConnections}, rest, 0.01) << "shard " << w << " of " << shards;
    }
  }
}

TEST(ShardMap, OneShardTakesEverything) {
  const ShardMap map(1, 0.84);
  for (std::uint32_t i = 0; i < 1000; ++i) EXPECT_EQ(map(client_segment(i)), 0u);
}

}  // namespace
}  // namespace tcplens
