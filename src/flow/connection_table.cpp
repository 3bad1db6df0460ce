#include "flow/connection_table.hpp"

#include <cstring>

namespace tcplens {

FlowKey FlowKey::of(const Segment& s) {
  Endpoint src{s.src, s.src_port};
  Endpoint dst{s.dst, s.dst_port};
  return src < dst ? FlowKey{src, dst} : FlowKey{dst, src};
}

std::size_t FlowKeyHash::operator()(const FlowKey& k) const noexcept {
  // FNV-1a over the addresses and ports: cheap, and symmetric keys are already canonical.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 1099511628211ULL;
    }
  };
  std::size_t len = k.a.addr.family == 6 ? 16 : 4;
  mix(k.a.addr.bytes.data(), len);
  mix(k.b.addr.bytes.data(), len);
  std::uint32_t ports = (std::uint32_t{k.a.port} << 16) | k.b.port;
  mix(reinterpret_cast<const std::uint8_t*>(&ports), sizeof ports);
  return static_cast<std::size_t>(h);
}

Connection* ConnectionTable::find(const FlowKey& key) {
  auto it = table_.find(key);
  return it == table_.end() ? nullptr : &it->second;
}

void ConnectionTable::retire(const Connection& c) {
  FlowKey key = c.first < c.second ? FlowKey{c.first, c.second} : FlowKey{c.second, c.first};
  auto it = table_.find(key);
  if (it == table_.end() || &it->second != &c) return;
  tombstones_[key] = Tombstone{c.stream,
                               c.first,
                               c.second,
                               {c.dir[0].base_seq, c.dir[1].base_seq},
                               {c.dir[0].base_set, c.dir[1].base_set}};
  table_.erase(it);
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

Connection& ConnectionTable::open(const FlowKey& key, const Segment& s,
                                  std::optional<std::uint32_t> stream) {
  tombstones_.erase(key);
  Connection& c = table_[key];
  c = Connection{};
  c.stream = stream ? *stream : next_stream_++;
  c.first = Endpoint{s.src, s.src_port};
  c.second = Endpoint{s.dst, s.dst_port};
  return c;
}

}  // namespace tcplens
