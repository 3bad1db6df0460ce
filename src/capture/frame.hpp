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
  // Set by the engine's reader, not the source: the time of the first frame read and of the
  // one read before this (tshark's frame.time_relative and frame.time_delta).
  std::int64_t first_ts_ns = 0;
  std::int64_t previous_ts_ns = 0;
};

}  // namespace tcplens
