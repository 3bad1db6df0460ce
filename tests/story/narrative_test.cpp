// `explain`: the seed's story told right, in English and Chinese, with the summary's numbers.
#include "story/narrative.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "analysis/tcp_analyzer.hpp"
#include "decode/decode.hpp"
#include "engine/pipeline.hpp"
#include "story/records_of.hpp"
#include "story/story_builder.hpp"

namespace tcplens {
namespace {

using test::records_of;

std::vector<ConnectionRecord> seed() {
  std::string dir = std::string(TCPLENS_SOURCE_DIR) + "/tests/data/seed/";
  return records_of({dir + "receiver.txt", dir + "sender.txt"});
}

std::multiset<std::string> numbers(const std::string& text) {
  std::multiset<std::string> out;
  std::regex re("[0-9]+(\\.[0-9]+)?");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert(it->str());
  }
  return out;
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST(Narrative, SeedStoryInEnglish) {
  auto recs = seed();
  ASSERT_EQ(recs.size(), 2u);
  std::string en = explain(recs, 1, Language::en);
  // The handshake arithmetic.
  EXPECT_TRUE(has(en, "ISN 3245919349")) << en;
  EXPECT_TRUE(has(en, "acknowledged 3245919350 = 3245919349 + 1")) << en;
  EXPECT_TRUE(has(en, "ACK 2706133402 = 2706133401 + 1")) << en;
  EXPECT_TRUE(has(en, "window scale 7 (×128)")) << en;
  // The refused attempt before it.
  EXPECT_TRUE(has(en, "refused (stream 0)")) << en;
  // The exchanges counted as a person would: 1000 bytes answered by 5, three times, then a
  // request never answered.
  EXPECT_TRUE(
      has(en, "Data: 3 request/response exchanges, then an unanswered request (7 turns):\n"))
      << en;
  // Rounds, and the misreading corrected: the client's ACK acknowledges the 5 data bytes.
  EXPECT_TRUE(has(en, "ACK 1001 (= 1 + 1000)")) << en;
  EXPECT_TRUE(has(en, "ACK 6 (= 1 + 5)")) << en;
  EXPECT_TRUE(has(en, "acknowledges the server's 5 data bytes")) << en;
  EXPECT_TRUE(has(en, "not an acknowledgement of an ACK")) << en;
  // The backoff: tail-loss probe, doubling, the 120 s cap, when Linux gives up.
  EXPECT_TRUE(has(en, "sent 14 times")) << en;
  EXPECT_TRUE(has(en, "tail-loss probe")) << en;
  EXPECT_TRUE(has(en, "TCP_RTO_MAX")) << en;
  EXPECT_TRUE(has(en, "924.6 s")) << en;
  // The ending.
  EXPECT_TRUE(has(en, "the client closed its side with a FIN")) << en;
  EXPECT_TRUE(has(en, "1000 of the client's 4000 bytes (3000 acknowledged)")) << en;
}

TEST(Narrative, SeedStoryInChineseHasTheSameNumbers) {
  auto recs = seed();
  ASSERT_EQ(recs.size(), 2u);
  for (std::size_t i = 0; i < recs.size(); ++i) {
    std::string en = explain(recs, i, Language::en);
    std::string zh = explain(recs, i, Language::zh);
    EXPECT_EQ(numbers(en), numbers(zh)) << en << "\n" << zh;
  }
  std::string zh = explain(recs, 1, Language::zh);
  EXPECT_TRUE(has(zh, "三次握手")) << zh;
  EXPECT_TRUE(has(zh, "数据交换：3 次请求/响应，最后有一个请求没有得到响应（共 7 轮）：\n")) << zh;
  EXPECT_TRUE(has(zh, "确认的是服务端的 5 字节数据")) << zh;
  EXPECT_TRUE(has(zh, "尾部丢失探测")) << zh;
}

TEST(Narrative, NumbersAreTheSummarysNumbers) {
  auto recs = seed();
  const ConnectionRecord& r = recs[1];
  auto nums = numbers(explain(recs, 1, Language::en));
  for (std::uint64_t v :
       {std::uint64_t{r.client().isn}, std::uint64_t{r.server().isn}, r.client().bytes,
        r.client().acked_bytes, r.server().bytes, std::uint64_t{r.episodes[0].sends_ns.size()},
        std::uint64_t{r.episodes[0].seq}}) {
    EXPECT_TRUE(nums.count(std::to_string(v))) << v;
  }
}

TEST(Narrative, EveryLabRecordingInBothLanguages) {
  for (const char* name : {"halfclose", "rstabort", "synretry", "zwprobe", "manyshort", "sack",
                           "ipv6", "tailloss", "noopts"}) {
    auto recs = records_of({std::string(TCPLENS_SOURCE_DIR) + "/tests/data/lab/" + name + ".pcap"});
    ASSERT_FALSE(recs.empty()) << name;
    for (std::size_t i = 0; i < recs.size(); ++i) {
      std::string en = explain(recs, i, Language::en);
      std::string zh = explain(recs, i, Language::zh);
      EXPECT_EQ(numbers(en), numbers(zh)) << name << " stream " << i << "\n" << en << "\n" << zh;
    }
  }
}

TEST(Narrative, LinuxGiveUpTime) {
  EXPECT_NEAR(linux_give_up_seconds(15), 924.6, 1e-9);
  EXPECT_NEAR(linux_give_up_seconds(8), 102.2, 1e-9);  // 0.2 * (2^9 - 1)
}

}  // namespace
}  // namespace tcplens
