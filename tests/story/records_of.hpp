// Test helper: the connection records of one or more inputs (merged by time), read through the
// same stages as the commands, with tcpdump text dated 2018-06-01 (the seed's day).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/tcp_analyzer.hpp"
#include "engine/pipeline.hpp"
#include "decode/decode.hpp"
#include "story/story_builder.hpp"

namespace tcplens::test {

inline std::vector<ConnectionRecord> records_of(const std::vector<std::string>& paths) {
  TextOptions text;
  parse_date("2018-06-01", text.date_epoch_s);
  std::vector<std::unique_ptr<FrameSource>> sources;
  std::string error;
  for (const auto& p : paths) {
    sources.push_back(open_input(p, text, error));
    EXPECT_TRUE(sources.back()) << p << ": " << error;
    if (!sources.back()) return {};
  }
  MergedSource merged(std::move(sources));
  TcpAnalyzer analyzer;
  StoryBuilder story;
  RawFrame raw;
  Segment seg;
  std::uint64_t n = 0;
  while (merged.next(raw) == ReadStatus::frame) {
    ++n;
    if (decode_frame(raw.link_type, raw.bytes, raw.wire_len, seg) != SkipReason::none) continue;
    story.add(seg, analyzer.analyze(seg, raw.ts_ns, n), raw.ts_ns);
  }
  return story.finish();
}

inline std::vector<ConnectionRecord> records_of(const std::string& path) {
  return records_of(std::vector<std::string>{path});
}

}  // namespace tcplens::test
