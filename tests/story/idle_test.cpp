// Long-idle connections: stream_records reports a connection with no frame for the idle timeout
// (capture time) and releases its state; later frames of its stream are counted, not told.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/records.hpp"
#include "render/summary_writer.hpp"
#include "story/narrative.hpp"
#include "support/packet_builder.hpp"

namespace tcplens {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStart = 1'700'000'000 * kSecond;

// Stream 0 talks at the start, then is silent for 35 minutes and sends once more; stream 1 keeps
// talking once a minute for 33 minutes, then closes.
std::string write_capture() {
  using test::TcpSpec;
  std::vector<test::PcapRecord> frames;
  auto add = [&](double at_s, TcpSpec t) {
    frames.push_back({kStart + static_cast<std::int64_t>(at_s * 1e9), test::ethernet_frame(t)});
  };
  auto a = [](std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, std::uint32_t len,
              bool reply) {
    TcpSpec t;
    t.src = reply ? "10.0.0.2" : "10.0.0.1";
    t.dst = reply ? "10.0.0.1" : "10.0.0.2";
    t.sport = reply ? 80 : 1000;
    t.dport = reply ? 1000 : 80;
    t.seq = seq, t.ack = ack, t.flags = flags, t.payload = len;
    return t;
  };
  auto b = [&](std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, std::uint32_t len,
               bool reply) {
    TcpSpec t = a(seq, ack, flags, len, reply);
    (reply ? t.dst : t.src) = "10.0.0.3";
    (reply ? t.dport : t.sport) = 2000;
    return t;
  };
  using namespace tcp_flag;
  add(0.000, a(100, 0, syn, 0, false));
  add(0.001, a(500, 101, syn | ack, 0, true));
  add(0.002, a(101, 501, ack, 0, false));
  add(0.003, a(101, 501, ack | psh, 100, false));
  add(0.004, a(501, 201, ack, 0, true));
  add(10.000, b(900, 0, syn, 0, false));
  add(10.001, b(700, 901, syn | ack, 0, true));
  add(10.002, b(901, 701, ack, 0, false));
  for (int i = 1; i <= 33; ++i) {
    add(10.0 + 60.0 * i, b(901 + 10 * (i - 1), 701, ack | psh, 10, false));
    add(10.0 + 60.0 * i + 0.001, b(701, 901 + 10 * i, ack, 0, true));
  }
  add(2000.0, b(1231, 701, fin | ack, 0, false));
  add(2000.001, b(701, 1232, fin | ack, 0, true));
  add(2000.002, b(1232, 702, ack, 0, false));
  add(2100.0, a(201, 501, ack | psh, 50, false));  // stream 0 again, after its release
  std::string path = (std::filesystem::temp_directory_path() /
                      ("tcplens-idle-" + std::to_string(getpid()) + ".pcap"))
                         .string();
  test::write_file(path, test::pcap_file(1, frames));
  return path;
}

std::vector<ConnectionRecord> records(const std::string& path, std::int64_t idle_ns,
                                      std::vector<std::uint32_t>* ended_order = nullptr,
                                      RunResult* result = nullptr) {
  InputOptions in;
  in.files = {path};
  in.idle_timeout_ns = idle_ns;
  RunContext ctx;
  ctx.quiet = true;
  std::vector<ConnectionRecord> out;
  auto on_end = [&](const ConnectionRecord& r) {
    if (ended_order) ended_order->push_back(r.stream);
  };
  RunResult rr = stream_records(
      in, ctx, [&](ConnectionRecord&& r) { out.push_back(std::move(r)); }, on_end);
  if (result) *result = rr;
  return out;
}

TEST(IdleTimeout, ALongIdleConnectionIsReportedThenAndReleased) {
  const std::string path = write_capture();
  std::vector<std::uint32_t> ended;
  RunResult result;
  auto recs = records(path, 1800 * kSecond, &ended, &result);
  ASSERT_EQ(recs.size(), 2u);
  // Reported while the capture went on: before stream 1 closed at 2000 s.
  EXPECT_EQ(ended, (std::vector<std::uint32_t>{0, 1}));
  const ConnectionRecord& a = recs[0];
  EXPECT_EQ(a.stream, 0u);
  ASSERT_TRUE(a.released_idle_ns.has_value());
  EXPECT_GE(*a.released_idle_ns - a.end_ns, 1800 * kSecond);
  EXPECT_LT(*a.released_idle_ns, kStart + 2000 * kSecond);
  EXPECT_EQ(a.client().frames + a.server().frames, 5u);  // the frame at 2100 s is not in it
  EXPECT_EQ(a.client().bytes, 100u);
  EXPECT_EQ(a.state, ConnectionState::open);
  EXPECT_FALSE(recs[1].released_idle_ns.has_value());  // a frame a minute: never idle
  EXPECT_EQ(recs[1].state, ConnectionState::closed);
  EXPECT_EQ(result.account.tcp_analysed, 5u + 3 + 66 + 3 + 1);

  std::string json;
  append_summary_json(json, a);
  EXPECT_NE(json.find("\"released_idle_at\":17000018"), std::string::npos) << json;
  const std::string en = explain(recs, 0, Language::en);
  EXPECT_NE(en.find("reported at the idle timeout"), std::string::npos) << en;
  EXPECT_EQ(en.find("still open when the capture ended"), std::string::npos) << en;
  EXPECT_NE(explain(recs, 0, Language::zh).find("空闲超时"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(IdleTimeout, ZeroKeepsEveryConnectionToTheEnd) {
  const std::string path = write_capture();
  std::vector<std::uint32_t> ended;
  auto recs = records(path, 0, &ended);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(ended, (std::vector<std::uint32_t>{1, 0}));  // stream 0 only at the end
  EXPECT_FALSE(recs[0].released_idle_ns.has_value());
  EXPECT_EQ(recs[0].client().frames + recs[0].server().frames, 6u);
  EXPECT_EQ(recs[0].client().bytes, 150u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tcplens
