// The report's HTML pieces: the story's text as HTML, and identical connections grouped.
#include <gtest/gtest.h>

#include <set>

#include "../story/records_of.hpp"
#include "render/html_report.hpp"
#include "render/story_html.hpp"

namespace tcplens {
namespace {

TEST(StoryHtml, LabelsListsNotesAndQuantities) {
  std::string h = story_html(
      "Connection 1: client 127.0.0.1:9998 → server, 28 frames over 451.449 s.\n"
      "Data (2 rounds):\n"
      "  - 23:34:03.174224 the client sent 1000 bytes (seq 1–1000) & more\n"
      "    Note: this ACK <6> is not an ACK of an ACK.\n"
      "  - the server sent 5 bytes\n"
      "The client's SYN (ISN 3069588921) was refused: the server answered.\n"
      "\n"
      "诊断：被拒绝，32微秒。\n");
  EXPECT_NE(h.find("<strong class=\"label\">Connection 1:</strong>"), std::string::npos) << h;
  EXPECT_NE(h.find("<strong class=\"label\">Data (2 rounds):</strong>"), std::string::npos) << h;
  EXPECT_NE(h.find("<strong class=\"label\">诊断：</strong>"), std::string::npos) << h;
  // A sentence with a colon in it is not a label.
  EXPECT_EQ(h.find("<strong class=\"label\">The client"), std::string::npos) << h;
  EXPECT_EQ(h.find("<ul>"), h.rfind("<ul>")) << "one list: " << h;
  EXPECT_NE(h.find("<p class=\"note\"><strong class=\"label\">Note:</strong> this ACK &lt;6&gt;"),
            std::string::npos)
      << h;
  EXPECT_LT(h.find("class=\"note\""), h.find("</li>")) << "the note inside its item: " << h;
  EXPECT_NE(h.find("<b class=\"n\">451.449 s</b>"), std::string::npos) << h;
  EXPECT_NE(h.find("<b class=\"n\">1000 bytes</b>"), std::string::npos) << h;
  EXPECT_NE(h.find("<b class=\"n\">32微秒</b>"), std::string::npos) << h;
  EXPECT_NE(h.find("&amp; more"), std::string::npos) << h;
  // Addresses, times of day and bare numbers are not quantities.
  EXPECT_EQ(h.find("<b class=\"n\">127"), std::string::npos) << h;
  EXPECT_EQ(h.find("<b class=\"n\">23"), std::string::npos) << h;
  EXPECT_EQ(h.find("<b class=\"n\">3069588921"), std::string::npos) << h;
  EXPECT_EQ(h.find("<b class=\"n\">1–"), std::string::npos) << h;
  EXPECT_NE(h.find("<hr class=\"gap\">"), std::string::npos) << h;
}

// espn_fail: 9 connections that are only SYNs from 172.16.16.154 to 203.0.113.94:80 (tshark:
// streams 2–6 and 9 have 11 SYNs each, 13–15 have 9) make one group; nothing else is grouped.
TEST(ReportGroups, UnansweredSynsToOneServerAreOneGroup) {
  auto records =
      test::records_of(std::vector<std::string>{TCPLENS_SHARED_DIR "/real/espn_fail.pcapng"});
  ASSERT_EQ(records.size(), 16u);
  auto groups = group_identical(records);
  std::size_t covered = 0;
  const ConnectionGroup* big = nullptr;
  for (const auto& g : groups) {
    covered += g.members.size();
    if (g.members.size() > 1) {
      EXPECT_EQ(big, nullptr) << "a second group: " << g.label;
      big = &g;
    } else {
      EXPECT_TRUE(g.label.empty());
    }
  }
  EXPECT_EQ(covered, records.size());
  ASSERT_NE(big, nullptr);
  std::set<std::uint32_t> streams;
  for (std::size_t m : big->members) streams.insert(records[m].stream);
  EXPECT_EQ(streams, (std::set<std::uint32_t>{2, 3, 4, 5, 6, 9, 13, 14, 15}));
  EXPECT_EQ(big->label,
            "9 × unanswered SYN to 203.0.113.94:80, 10 retries each (streams 2–6, 9) or 8 "
            "(streams 13–15)");
}

}  // namespace
}  // namespace tcplens
