#include "flow/stream_numbering.hpp"

namespace tcplens {

std::uint32_t StreamNumbering::assign(const Segment& s, bool& opens) {
  FlowKey key = FlowKey::of(s);
  auto [it, fresh] = table_.try_emplace(key);
  State& st = it->second;
  int d = fresh ? 0 : (s.src == st.first.addr && s.src_port == st.first.port ? 0 : 1);
  opens = fresh || syn_starts_new_stream(s, st.base_set[d], st.base_seq[d]);
  if (opens) {
    st = State{};
    st.stream = next_++;
    st.first = Endpoint{s.src, s.src_port};
    d = 0;
  }
  // The bases, as the analyser keeps them (a SYN/ACK with a new ISN re-bases its direction).
  const bool syn = s.has(tcp_flag::syn);
  if (syn && s.has(tcp_flag::ack) && st.base_set[d] && s.seq != st.base_seq[d]) {
    st.base_seq[d] = s.seq;
  }
  if (!st.base_set[d]) {
    st.base_seq[d] = syn ? s.seq : s.seq - 1;
    st.base_set[d] = true;
  }
  if (!st.base_set[1 - d] && s.has(tcp_flag::ack)) {
    st.base_seq[1 - d] = s.ack - 1;
    st.base_set[1 - d] = true;
  }
  return st.stream;
}

}  // namespace tcplens
