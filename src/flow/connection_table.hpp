// Connections by 4-tuple. One entry per 4-tuple holds its current stream; a reused 4-tuple
// (new SYN) replaces it with a fresh Connection and a new stream index.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "flow/connection.hpp"

namespace tcplens {

struct FlowKey {
  Endpoint a;  // the lower endpoint
  Endpoint b;

  static FlowKey of(const Segment& s);
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash {
  // Not noexcept: libstdc++ then keeps each key's hash in its node, and a lookup walking a
  // bucket compares hashes instead of hashing every node again to find where the bucket ends.
  std::size_t operator()(const FlowKey& k) const;
};

// The one rule for a new stream on a 4-tuple already seen: a pure SYN whose ISN differs from the
// base its direction already has (tshark 4.0 has no other).
inline bool syn_starts_new_stream(const Segment& s, bool base_set, std::uint32_t base_seq) {
  return (s.flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn && base_set &&
         s.seq != base_seq;
}

class ConnectionTable {
 public:
  // The current connection of the segment's 4-tuple, or nullptr.
  Connection* find(const FlowKey& key);
  // Starts a new stream for the 4-tuple (replacing any previous one), first sender = s.src, with
  // the next stream index.
  Connection& open(const FlowKey& key, const Segment& s);
  // Releases an ended connection's state, keeping in constant space what stream numbering
  // needs: its stream index, endpoints and base sequence numbers.
  void retire(const Connection& c);
  // A retired connection's 4-tuple seen again: its stream comes back with fresh state (and its
  // old bases), or nullptr if the 4-tuple was never retired.
  Connection* revive(const FlowKey& key);
  // Retires every connection whose latest frame is older than `before_ns`; returns how many.
  std::size_t retire_idle(std::int64_t before_ns);

  [[nodiscard]] std::uint32_t streams() const { return next_stream_; }
  [[nodiscard]] std::size_t live() const { return table_.size(); }
  [[nodiscard]] std::size_t retired() const { return tombstones_.size(); }

 private:
  struct Tombstone {
    std::uint32_t stream;
    Endpoint first, second;
    std::uint32_t base_seq[2];
    bool base_set[2];
  };
  static Tombstone tombstone_of(const Connection& c);
  std::unordered_map<FlowKey, Connection, FlowKeyHash> table_;
  std::unordered_map<FlowKey, Tombstone, FlowKeyHash> tombstones_;
  std::uint32_t next_stream_ = 0;
};

}  // namespace tcplens
