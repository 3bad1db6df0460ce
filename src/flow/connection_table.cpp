#include "flow/connection_table.hpp"

#include <algorithm>

namespace tcplens {

FlowKey FlowKey::of(const Segment& s) {
  Endpoint src{s.src, s.src_port};
  Endpoint dst{s.dst, s.dst_port};
  return src < dst ? FlowKey{src, dst} : FlowKey{dst, src};
}

std::size_t FlowKeyHash::operator()(const FlowKey& k) const noexcept {
  // Word-wise: four 64-bit loads of the addresses and one of the ports, each mixed with a
  // multiply-xorshift (the byte-at-a-time FNV it replaces was a tenth of the time on captures of
  // many short connections).
  auto mix = [](std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
  };
  std::uint64_t h = k.a.addr.family;
  h = mix(h, k.a.addr.word(0));
  h = mix(h, k.b.addr.word(0));
  if (k.a.addr.family == 6) {
    h = mix(h, k.a.addr.word(1));
    h = mix(h, k.b.addr.word(1));
  }
  h = mix(h, (std::uint64_t{k.a.port} << 16) | k.b.port);
  return static_cast<std::size_t>(h);
}

namespace {

// The slot tag of a key: 32 bits of its hash, never 0 (0 marks an empty slot). Its low bits
// also place it, so growing the index needs no key.
std::uint32_t tag_of(const FlowKey& key) {
  const auto t = static_cast<std::uint32_t>(FlowKeyHash{}(key) >> 32);
  return t == 0 ? 1 : t;
}

}  // namespace

const FlowKey& ConnectionTable::key_of(Slot s) const {
  if ((s.ref & kRetired) != 0) return tombstones_[s.ref & ~kRetired].key;
  return chunks_[s.ref / kChunk][s.ref % kChunk].key;
}

ConnectionTable::Slot& ConnectionTable::slot_of(const FlowKey& key, std::uint32_t tag) {
  if (2 * (used_ + 1) > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = tag & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.tag == 0 || (s.tag == tag && key_of(s) == key)) return s;
  }
}

void ConnectionTable::grow() {
  std::vector<Slot> old(std::max<std::size_t>(64, 2 * slots_.size()), Slot{0, 0});
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.tag == 0) continue;
    std::size_t i = s.tag & mask;
    while (slots_[i].tag != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

std::uint32_t ConnectionTable::new_entry() {
  ++live_;
  if (!free_entries_.empty()) {
    const std::uint32_t n = free_entries_.back();
    free_entries_.pop_back();
    return n;
  }
  if (entries_ % kChunk == 0) chunks_.push_back(std::make_unique<LiveEntry[]>(kChunk));
  return entries_++;
}

void ConnectionTable::free_entry(std::uint32_t n) {
  entry(n).connection = Connection{};  // releases its lists now
  free_entries_.push_back(n);
  --live_;
}

std::uint32_t ConnectionTable::new_tombstone(const LiveEntry& e) {
  const Connection& c = e.connection;
  Tombstone t{e.key,
              c.stream,
              c.first,
              c.second,
              {c.dir[0].base_seq, c.dir[1].base_seq},
              {c.dir[0].base_set, c.dir[1].base_set}};
  if (!free_tombstones_.empty()) {
    const std::uint32_t n = free_tombstones_.back();
    free_tombstones_.pop_back();
    tombstones_[n] = t;
    return n | kRetired;
  }
  tombstones_.push_back(t);
  return static_cast<std::uint32_t>(tombstones_.size() - 1) | kRetired;
}

Connection* ConnectionTable::find(const FlowKey& key) {
  if (slots_.empty()) return nullptr;
  const std::uint32_t tag = tag_of(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = tag & mask;; i = (i + 1) & mask) {
    const Slot s = slots_[i];
    if (s.tag == 0) return nullptr;
    if (s.tag != tag) continue;
    if ((s.ref & kRetired) != 0) {
      if (tombstones_[s.ref & ~kRetired].key == key) return nullptr;
      continue;
    }
    LiveEntry& e = entry(s.ref);
    if (e.key == key) return &e.connection;
  }
}

void ConnectionTable::retire(const Connection& c) {
  const FlowKey key = c.first < c.second ? FlowKey{c.first, c.second} : FlowKey{c.second, c.first};
  if (slots_.empty()) return;
  Slot& s = slot_of(key, tag_of(key));
  if (s.tag == 0 || (s.ref & kRetired) != 0 || &entry(s.ref).connection != &c) return;
  const std::uint32_t n = s.ref;
  s.ref = new_tombstone(entry(n));
  free_entry(n);
}

std::size_t ConnectionTable::retire_idle(std::int64_t before_ns) {
  std::size_t n = 0;
  for (Slot& s : slots_) {
    if (s.tag == 0 || (s.ref & kRetired) != 0) continue;
    const std::uint32_t e = s.ref;
    if (entry(e).connection.last_ns >= before_ns) continue;
    s.ref = new_tombstone(entry(e));
    free_entry(e);
    ++n;
  }
  return n;
}

Connection* ConnectionTable::revive(const FlowKey& key) {
  if (slots_.empty()) return nullptr;
  Slot& s = slot_of(key, tag_of(key));
  if (s.tag == 0 || (s.ref & kRetired) == 0) return nullptr;
  const std::uint32_t dead = s.ref & ~kRetired;
  const Tombstone t = tombstones_[dead];
  free_tombstones_.push_back(dead);
  s.ref = new_entry();
  entry(s.ref).key = key;
  Connection& c = entry(s.ref).connection;
  c.stream = t.stream;
  c.first = t.first;
  c.second = t.second;
  for (int d = 0; d < 2; ++d) {
    c.dir[d].base_seq = t.base_seq[d];
    c.dir[d].base_set = t.base_set[d];
  }
  return &c;
}

Connection& ConnectionTable::open(const FlowKey& key, const Segment& s) {
  const std::uint32_t tag = tag_of(key);
  Slot& slot = slot_of(key, tag);
  if (slot.tag == 0) {
    slot = Slot{tag, new_entry()};
    ++used_;
    entry(slot.ref).key = key;
  } else if ((slot.ref & kRetired) != 0) {
    free_tombstones_.push_back(slot.ref & ~kRetired);
    slot.ref = new_entry();
    entry(slot.ref).key = key;
  }
  Connection& c = entry(slot.ref).connection;
  c = Connection{};
  c.stream = next_stream_++;
  c.first = Endpoint{s.src, s.src_port};
  c.second = Endpoint{s.dst, s.dst_port};
  return c;
}

}  // namespace tcplens
