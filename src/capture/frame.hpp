// A captured frame as a source hands it over: a view of its bytes, valid until the next read.
#pragma once

#include <cstdint>
#include <span>

namespace tcplens {

struct RawFrame {
  std::int64_t ts_ns = 0;  // epoch nanoseconds
  std::uint32_t wire_len = 0;
  int link_type = 0;
  std::span<const std::uint8_t> bytes;
};

}  // namespace tcplens
