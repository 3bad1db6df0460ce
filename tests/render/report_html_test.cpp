// The report's HTML pieces: the story's text as HTML, and identical connections grouped.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "../story/records_of.hpp"
#include "render/html_report.hpp"
#include "render/story_html.hpp"
#include "story/series.hpp"

namespace tcplens {
namespace {

TEST(StoryHtml, LabelsListsNotesAndQuantities) {
  std::string h = story_html(
      "Connection 1: client 127.0.0.1:9998 → server, 28 frames over 451.449 s.\n"
      "Data: 1 request/response exchange (2 turns):\n"
      "  - 23:34:03.174224 the client sent 1000 bytes (seq 1–1000) & more\n"
      "    Note: this ACK <6> is not an ACK of an ACK.\n"
      "  - the server sent 5 bytes\n"
      "The client's SYN (ISN 3069588921) was refused: the server answered.\n"
      "\n"
      "诊断：被拒绝，32微秒。\n");
  EXPECT_NE(h.find("<strong class=\"label\">Connection 1:</strong>"), std::string::npos) << h;
  EXPECT_NE(h.find("<strong class=\"label\">Data:</strong>"), std::string::npos) << h;
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

// The report's own words (title, headings, table columns, group lines and notes, graph titles,
// the lines saying why a graph is not drawn) in the language asked for. espn_fail has all of
// them: a group with differing retries, connections with data and without.
std::string espn_report(Language lang) {
  std::string error;
  auto source = open_input(TCPLENS_SHARED_DIR "/real/espn_fail.pcapng", TextOptions{}, error);
  EXPECT_TRUE(source) << error;
  if (!source) return "";
  TcpAnalyzer analyzer;
  StoryBuilder story;
  SeriesCollector collector;
  RawFrame raw;
  Segment seg;
  std::uint64_t n = 0;
  while (source->next(raw) == ReadStatus::frame) {
    ++n;
    if (decode_frame(raw.link_type, raw.bytes, raw.wire_len, seg) != SkipReason::none) continue;
    Verdict v = analyzer.analyze(seg, raw.ts_ns, n);
    story.add(seg, v, raw.ts_ns);
    collector.add(seg, v, raw.ts_ns);
  }
  std::vector<ConnectionRecord> records = story.finish();
  std::vector<ConnectionRecord> kept, refused;
  for (std::size_t i : report_order(records)) kept.push_back(records[i]);
  std::vector<ConnectionGroup> groups = group_identical(kept, lang);
  std::map<std::uint32_t, std::string> ladders;
  ReportInput in;
  in.title = "X";
  in.records = &kept;
  in.total = kept.size();
  in.refused = &refused;
  in.groups = &groups;
  for (const auto& g : groups) {
    in.detailed.push_back(g.members.front());
    ladders[kept[g.members.front()].stream] = "ladder";
  }
  in.series = &collector.series();
  in.ladders = &ladders;
  in.lang = lang;
  return render_report(in);
}

// The texts of the report's own elements (not the stories): headings, columns, group lines and
// notes, and in the graphs their titles, tooltips, descriptions, axis labels and legends.
std::vector<std::string> report_words(const std::string& h) {
  std::vector<std::string> out;
  std::regex re(
      "<(h1|h2|th|summary|title|desc)[^>]*>(.*?)</\\1>|<p( "
      "class=\"(group-note|no-graph)\")?>(.*?)</p>|"
      "<li class=\"group-line\">(.*?)</li>|<text[^>]*>([^<]*)</text>");
  std::regex tags("<[^>]*>");
  for (auto it = std::sregex_iterator(h.begin(), h.end(), re); it != std::sregex_iterator(); ++it) {
    std::string t = (*it)[2].matched   ? (*it)[2].str()
                    : (*it)[5].matched ? (*it)[5].str()
                    : (*it)[6].matched ? (*it)[6].str()
                                       : (*it)[7].str();
    if (!(*it)[2].matched && (*it)[5].matched && !(*it)[3].matched) {
      // A plain paragraph: the report's counts and the groups' introduction, not the stories'.
      if (static_cast<std::size_t>(it->position()) > h.find("<table")) continue;
    }
    out.push_back(std::regex_replace(t, tags, ""));
  }
  return out;
}

TEST(ReportHtml, HeadingsInTheReportsLanguage) {
  std::string en = espn_report(Language::en);
  for (const char* heading :
       {"<h1>tcplens report: X</h1>", "<h2>Connections</h2>", "<th>stream</th>",
        "<th class=\"t\">verdict</th>", "<th>duration (s)</th>", "<summary>Ladder</summary>",
        "<p>Identical connections, each group in one row and told once:</p>",
        "9 × unanswered SYN to 203.0.113.94:80, 10 retries each (streams 2–6, 9) or 8 (streams "
        "13–15)",
        "Told below for stream 2, the first of them", "No graphs: neither side sent data",
        "<title>Stream 0: time-sequence, ", ">time (s)</text>", "<desc>Time-sequence graph:"}) {
    EXPECT_NE(en.find(heading), std::string::npos) << heading;
  }
  std::string zh = espn_report(Language::zh);
  EXPECT_NE(zh.find("<html lang=\"zh\">"), std::string::npos);
  std::vector<std::string> words = report_words(zh);
  EXPECT_GT(words.size(), 100u);
  // Every one in Chinese: no English word left (protocol names, units and the program's name are
  // not translated; "X" is the input's name), and a Chinese character in every one but tick
  // labels, glyphs and protocol names.
  const std::regex english("\\b(?!(tcplens|RTT|SYN|ACK|FIN|RST|SACK|kB|MB|X)\\b)[A-Za-z]{2,}\\b");
  const std::regex no_words("[-0-9.,:×→–FR▲ ]*|FIN|RST|ACK");
  std::size_t chinese = 0;
  for (const std::string& w : words) {
    EXPECT_FALSE(std::regex_search(w, english)) << w;
    // A CJK ideograph's first UTF-8 byte (U+4E00–U+9FFF).
    const bool cjk =
        std::any_of(w.begin(), w.end(), [](unsigned char c) { return c >= 0xE4 && c <= 0xE9; });
    EXPECT_TRUE(cjk || std::regex_match(w, no_words)) << w;
    chinese += cjk;
  }
  EXPECT_GT(chinese, 60u);
  for (const char* label : {"<desc>时间-序号图", ">时间（秒）</text>", ">相对序号（"}) {
    EXPECT_NE(zh.find(label), std::string::npos) << label;
  }
  for (const char* heading : {"<h2>连接</h2>", "<th>流</th>", "<summary>序列图</summary>",
                              "9 × 发往 203.0.113.94:80 的无应答的 SYN"}) {
    EXPECT_NE(zh.find(heading), std::string::npos) << heading;
  }
}

}  // namespace
}  // namespace tcplens
