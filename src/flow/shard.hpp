// Which shard a segment's connection belongs to, when connections are spread over analysers
// (`--threads`): the same for both directions, and cheap enough for the reading thread, which
// computes it for every frame (no canonical ordering of the endpoints, no table lookup).
#pragma once

#include <cstdint>
#include <cstring>

#include "decode/segment.hpp"

namespace tcplens {

inline std::uint32_t shard_of(const Segment& s, std::uint32_t shards) {
  auto word = [](const IpAddress& a, std::size_t at) {
    std::uint64_t v;
    std::memcpy(&v, a.bytes.data() + at, sizeof v);
    return v;
  };
  // XOR is symmetric: a segment and its reply give the same value.
  std::uint64_t h = word(s.src, 0) ^ word(s.dst, 0) ^ word(s.src, 8) ^ word(s.dst, 8);
  h ^= std::uint64_t{static_cast<std::uint16_t>(s.src_port ^ s.dst_port)} << 16;
  h *= 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  return static_cast<std::uint32_t>((h >> 32) % shards);
}

}  // namespace tcplens
