#include "flow/connection_table.hpp"

namespace tcplens {

FlowKey FlowKey::of(const Segment& s) {
  Endpoint src{s.src, s.src_port};
  Endpoint dst{s.dst, s.dst_port};
  return src < dst ? FlowKey{src, dst} : FlowKey{dst, src};
}

std::size_t FlowKeyHash::operator()(const FlowKey& k) const {
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

Connection* ConnectionTable::find(const FlowKey& key) {
  auto it = table_.find(key);
  return it == table_.end() ? nullptr : &it->second;
}

ConnectionTable::Tombstone ConnectionTable::tombstone_of(const Connection& c) {
  return Tombstone{c.stream,
                   c.first,
                   c.second,
                   {c.dir[0].base_seq, c.dir[1].base_seq},
                   {c.dir[0].base_set, c.dir[1].base_set}};
}

void ConnectionTable::retire(const Connection& c) {
  FlowKey key = c.first < c.second ? FlowKey{c.first, c.second} : FlowKey{c.second, c.first};
  auto it = table_.find(key);
  if (it == table_.end() || &it->second != &c) return;
  tombstones_[key] = tombstone_of(c);
  table_.erase(it);
}

std::size_t ConnectionTable::retire_idle(std::int64_t before_ns) {
  std::size_t n = 0;
  for (auto it = table_.begin(); it != table_.end();) {
    const Connection& c = it->second;
    if (c.last_ns >= before_ns) {
      ++it;
      continue;
    }
    tombstones_[it->first] = tombstone_of(c);
    it = table_.erase(it);
    ++n;
  }
  return n;
}

Connection* ConnectionTable::revive(const FlowKey& key) {
  auto it = tombstones_.find(key);
  if (it == tombstones_.end()) return nullptr;
  const Tombstone& t = it->second;
  Connection& c = table_[key];
  c = Connection{};
  c.stream = t.stream;
  c.first = t.first;
  c.second = t.second;
  for (int d = 0; d < 2; ++d) {
    c.dir[d].base_seq = t.base_seq[d];
    c.dir[d].base_set = t.base_set[d];
  }
  tombstones_.erase(it);
  return &c;
}

Connection& ConnectionTable::open(const FlowKey& key, const Segment& s) {
  tombstones_.erase(key);
  Connection& c = table_[key];
  c = Connection{};
  c.stream = next_stream_++;
  c.first = Endpoint{s.src, s.src_port};
  c.second = Endpoint{s.dst, s.dst_port};
  return c;
}

}  // namespace tcplens
