#include "analysis/scenarios.hpp"

namespace tcplens::test {

namespace {

constexpr std::uint32_t kServerIsn = 500000;
constexpr std::uint16_t S = tcp_flag::syn;
constexpr std::uint16_t A = tcp_flag::ack;
constexpr std::uint16_t P = tcp_flag::psh;
constexpr std::uint16_t F = tcp_flag::fin;
constexpr std::uint16_t R = tcp_flag::rst;

Step c(double t, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, std::uint32_t len = 0,
       std::uint16_t window = 1000) {
  return Step{true, t, seq, ack, flags, len, window};
}
Step s(double t, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, std::uint32_t len = 0,
       std::uint16_t window = 1000) {
  return Step{false, t, seq, ack, flags, len, window};
}

// SYN, SYN/ACK, ACK: both sides' data starts at relative 1.
std::vector<Step> handshake() {
  return {c(0.000, 0, 0, S), s(0.010, 0, 1, S | A), c(0.020, 1, 1, A)};
}

std::vector<Step> with_handshake(std::vector<Step> rest) {
  auto steps = handshake();
  steps.insert(steps.end(), rest.begin(), rest.end());
  return steps;
}

std::vector<Scenario> build() {
  std::vector<Scenario> all;
  all.push_back({"ack_rtt", with_handshake({
                                c(0.100, 1, 1, A | P, 100), s(0.130, 1, 101, A),
                                c(0.200, 101, 1, A | P, 100), c(0.201, 201, 1, A | P, 100),
                                s(0.240, 1, 301, A),  // acks both: RTT from the eldest
                            })});
  all.push_back({"rto_retransmission", with_handshake({
                                           c(0.100, 1, 1, A | P, 100),
                                           c(0.400, 1, 1, A | P, 100),
                                           c(1.000, 1, 1, A | P, 100),
                                           s(1.030, 1, 101, A),
                                       })});
  all.push_back({"fast_retransmission", with_handshake({
                                            c(0.100, 1, 1, A, 100),
                                            c(0.101, 101, 1, A, 100),
                                            c(0.102, 201, 1, A, 100),
                                            c(0.103, 301, 1, A, 100),
                                            s(0.130, 1, 101, A),
                                            s(0.131, 1, 101, A),
                                            s(0.132, 1, 101, A),
                                            s(0.133, 1, 101, A),
                                            c(0.134, 101, 1, A, 100),
                                            s(0.170, 1, 401, A),
                                        })});
  all.push_back({"out_of_order", with_handshake({
                                     c(0.100, 1, 1, A, 100),
                                     c(0.101, 201, 1, A, 100),  // 101..201 missing yet
                                     c(0.102, 101, 1, A, 100),  // arrives late
                                     s(0.140, 1, 301, A),
                                 })});
  all.push_back({"lost_and_acked_unseen",
                 with_handshake({
                     c(0.100, 1, 1, A, 100), c(0.200, 201, 1, A, 100),  // 101..201 never seen
                     s(0.230, 1, 301, A), s(0.300, 1, 301, A | P, 50),
                     c(0.400, 301, 101, A),  // acks server bytes unseen
                 })});
  all.push_back({"spurious_retransmission", with_handshake({
                                                c(0.100, 1, 1, A, 100),
                                                s(0.130, 1, 101, A),
                                                c(0.500, 1, 1, A, 100),  // already acknowledged
                                                s(0.530, 1, 101, A),
                                            })});
  all.push_back({"zero_window", with_handshake({
                                    c(0.100, 1, 1, A, 100),
                                    s(0.130, 1, 101, A, 0, 0),    // window closes
                                    c(0.400, 101, 1, A, 1),       // probe
                                    s(0.430, 1, 101, A, 0, 0),    // probe ACK
                                    s(0.900, 1, 101, A, 0, 800),  // opens again: update
                                    c(0.910, 101, 1, A, 100),
                                    s(0.940, 1, 201, A),
                                })});
  all.push_back({"window_full", with_handshake({
                                    s(0.050, 1, 1, A, 0, 300),  // server window 300 bytes
                                    c(0.100, 1, 1, A, 100),
                                    c(0.101, 101, 1, A, 100),
                                    c(0.102, 201, 1, A, 100),  // fills it
                                    s(0.140, 1, 301, A, 0, 300),
                                })});
  all.push_back({"keep_alive", with_handshake({
                                   c(0.100, 1, 1, A, 10),
                                   s(0.130, 1, 11, A),
                                   c(10.000, 10, 1, A),     // keep-alive: seq one below next
                                   s(10.030, 1, 11, A),     // its ACK
                                   c(20.000, 10, 1, A, 1),  // with one garbage byte
                                   s(20.030, 1, 11, A),
                               })});
  all.push_back({"close_and_reuse", [] {
                   auto steps = with_handshake({
                       c(0.100, 1, 1, A | F),
                       s(0.130, 1, 2, A | F),
                       c(0.160, 2, 2, A),
                   });
                   // The same 4-tuple opens again with a new ISN: a new stream.
                   Step syn = c(1.000, 0, 0, S);
                   syn.client_isn = 90000;
                   Step synack = s(1.010, 0, 1, S | A);
                   synack.client_isn = 90000;
                   Step rst = c(1.020, 1, 0, R);
                   rst.client_isn = 90000;
                   steps.insert(steps.end(), {syn, synack, rst});
                   return steps;
                 }()});
  all.push_back({"refused", {c(0.000, 0, 0, S), s(0.001, 0, 1, R | A)}});
  all.push_back({"window_scaling", [] {
                   Step syn = c(0.000, 0, 0, S, 0, 64240);
                   syn.options = concat({opt_mss(1460), opt_wscale(7)});
                   Step synack = s(0.010, 0, 1, S | A, 0, 65160);
                   synack.options = concat({opt_mss(1460), opt_wscale(2)});
                   return std::vector<Step>{
                       syn,
                       synack,
                       c(0.020, 1, 1, A, 0, 502),
                       s(0.030, 1, 1, A, 0, 100),  // 400 bytes after scaling by 4
                       c(0.040, 1, 1, A, 200, 502),
                       c(0.041, 201, 1, A, 200, 502),  // reaches 1 + 400: window full
                       s(0.070, 1, 401, A, 0, 100),
                       s(0.080, 1, 401, A, 0, 200),  // window update
                   };
                 }()});
  return all;
}

}  // namespace

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = build();
  return all;
}

Bytes scenario_pcap(const Scenario& sc) {
  std::vector<PcapRecord> records;
  const std::int64_t base = 1'700'000'000'000'000'000;
  for (const Step& st : sc.steps) {
    TcpSpec t;
    t.src = st.from_client ? "192.0.2.1" : "192.0.2.2";
    t.dst = st.from_client ? "192.0.2.2" : "192.0.2.1";
    t.sport = st.from_client ? st.client_port : 80;
    t.dport = st.from_client ? 80 : st.client_port;
    std::uint32_t own_isn = st.from_client ? st.client_isn : kServerIsn;
    std::uint32_t peer_isn = st.from_client ? kServerIsn : st.client_isn;
    t.seq = own_isn + st.seq;
    t.ack = (st.flags & tcp_flag::ack) ? peer_isn + st.ack : 0;
    t.flags = st.flags;
    t.window = st.window;
    t.payload = st.len;
    t.options = st.options;
    records.push_back({base + static_cast<std::int64_t>(st.t * 1e6) * 1000, ethernet_frame(t)});
  }
  return pcap_file(1, records);
}

}  // namespace tcplens::test
