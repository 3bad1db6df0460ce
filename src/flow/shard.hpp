// Which shard a segment's connection belongs to, when connections are spread over analysers
// (`--threads`): the same for both directions, and cheap enough for the reading thread, which
// computes it for every frame (no canonical ordering of the endpoints, no table lookup).
#pragma once

#include <algorithm>
#include <cstdint>

#include "decode/segment.hpp"

namespace tcplens {

// A 32-bit hash of the segment's connection, the same for both directions (XOR is symmetric:
// no canonical ordering of the endpoints needed) and cheap enough for every frame.
inline std::uint32_t connection_hash(const Segment& s) {
  std::uint64_t h = s.src.word(0) ^ s.dst.word(0) ^ s.src.word(1) ^ s.dst.word(1);
  h ^= std::uint64_t{static_cast<std::uint16_t>(s.src_port ^ s.dst_port)} << 16;
  h *= 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  return static_cast<std::uint32_t>(h >> 32);
}

// Connections dealt over `shards` shards, shard 0 getting `first_share` (0…1) of them and the
// others equal parts of the rest: shard 0 may have other work besides (reading, for instance).
class ShardMap {
 public:
  ShardMap(std::uint32_t shards, double first_share)
      : others_(shards > 1 ? shards - 1 : 0),
        first_end_(others_ == 0 ? kSpan
                                : static_cast<std::uint64_t>(std::clamp(first_share, 0.0, 1.0) *
                                                             static_cast<double>(kSpan))) {}

  [[nodiscard]] std::uint32_t operator()(const Segment& s) const {
    const std::uint64_t x = connection_hash(s);
    const std::uint64_t rest = kSpan - first_end_;
    if (x < first_end_ || rest == 0) return 0;
    return 1 + static_cast<std::uint32_t>((x - first_end_) * others_ / rest);
  }

 private:
  static constexpr std::uint64_t kSpan = std::uint64_t{1} << 32;
  std::uint64_t others_;     // shards besides shard 0
  std::uint64_t first_end_;  // hashes below this go to shard 0
};

}  // namespace tcplens
