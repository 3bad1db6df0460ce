// Connections by 4-tuple. One entry per 4-tuple holds its current stream; a reused 4-tuple
// (new SYN) replaces it with a fresh Connection and a new stream index.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "flow/connection.hpp"

namespace tcplens {

struct FlowKey {
  Endpoint a;  // the lower endpoint
  Endpoint b;

  static FlowKey of(const Segment& s);
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash {
  std::size_t operator()(const FlowKey& k) const noexcept;
};

// The one rule for a new stream on a 4-tuple already seen: a pure SYN whose ISN differs from the
// base its direction already has (tshark 4.0 has no other).
inline bool syn_starts_new_stream(const Segment& s, bool base_set, std::uint32_t base_seq) {
  return (s.flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn && base_set &&
         s.seq != base_seq;
}

// Every 4-tuple ever seen has one slot in an open-addressing index (linear probing, never
// removed): either its live connection or, once retired, its tombstone. Connections live in
// fixed chunks, so a Connection's address stays valid while it is live, and a retired one's
// place is reused; a lookup costs one probe of 8-byte slots and one visit to the entry, which
// the analysis then uses anyway. (A node-based std::unordered_map spent a third of the time on
// captures of many short connections chasing its nodes, and allocated one per connection.)
class ConnectionTable {
 public:
  ConnectionTable() = default;
  ConnectionTable(ConnectionTable&&) noexcept = default;
  ConnectionTable& operator=(ConnectionTable&&) noexcept = default;
  ConnectionTable(const ConnectionTable&) = delete;
  ConnectionTable& operator=(const ConnectionTable&) = delete;
  ~ConnectionTable() = default;

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
  [[nodiscard]] std::size_t live() const { return live_; }
  [[nodiscard]] std::size_t retired() const { return tombstones_.size() - free_tombstones_.size(); }

 private:
  struct Tombstone {
    FlowKey key;
    std::uint32_t stream;
    Endpoint first, second;
    std::uint32_t base_seq[2];
    bool base_set[2];
  };
  struct LiveEntry {
    FlowKey key;
    Connection connection;
  };
  // tag 0: empty. ref: a LiveEntry's number, or kRetired | a tombstone's number.
  struct Slot {
    std::uint32_t tag;
    std::uint32_t ref;
  };
  static constexpr std::uint32_t kRetired = std::uint32_t{1} << 31;
  static constexpr std::size_t kChunk = 256;  // live entries per chunk

  // The key's slot, or the empty slot where it would go.
  Slot& slot_of(const FlowKey& key, std::uint32_t tag);
  [[nodiscard]] const FlowKey& key_of(Slot s) const;
  LiveEntry& entry(std::uint32_t n) { return chunks_[n / kChunk][n % kChunk]; }
  std::uint32_t new_entry();
  std::uint32_t new_tombstone(const LiveEntry& e);
  void free_entry(std::uint32_t n);
  void grow();

  std::vector<Slot> slots_;  // a power of two, at most half full
  std::size_t used_ = 0;     // slots taken
  std::vector<std::unique_ptr<LiveEntry[]>> chunks_;
  std::vector<std::uint32_t> free_entries_;
  std::uint32_t entries_ = 0;  // live entries handed out so far (free ones included)
  std::size_t live_ = 0;
  std::vector<Tombstone> tombstones_;
  std::vector<std::uint32_t> free_tombstones_;
  std::uint32_t next_stream_ = 0;
};

}  // namespace tcplens
