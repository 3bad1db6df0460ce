// tshark's stream numbers alone, without the analysis: which stream each frame belongs to.
// Sharded analysis (`--threads`) runs this on the reading thread, so that every shard gives its
// connections the numbers a single analyser would have given.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "flow/connection_table.hpp"

namespace tcplens {

// The rule both this and the analyser apply: a pure SYN whose ISN differs from the base its
// direction already has starts a new stream on the same 4-tuple (tshark 4.0 has no other).
inline bool syn_starts_new_stream(const Segment& s, bool base_set, std::uint32_t base_seq) {
  return (s.flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn && base_set &&
         s.seq != base_seq;
}

class StreamNumbering {
 public:
  // The frame's stream; `opens` says it starts that stream.
  std::uint32_t assign(const Segment& s, bool& opens);

 private:
  struct State {
    std::uint32_t stream = 0;
    Endpoint first;
    bool base_set[2] = {false, false};
    std::uint32_t base_seq[2] = {0, 0};
  };
  std::unordered_map<FlowKey, State, FlowKeyHash> table_;
  std::uint32_t next_ = 0;
};

}  // namespace tcplens
