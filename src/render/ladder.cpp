#include "render/ladder.hpp"

#include <fmt/format.h>

#include "render/segment_text.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

namespace {

constexpr int kTimeWidth = 12;                              // "  451.448829 "
constexpr int kArrowWidth = kLadderWidth - kTimeWidth - 3;  // between the two bars

// UTF-8 aware length for what we print (ASCII labels, "→" etc. avoided).
int width(const std::string& s) {
  return static_cast<int>(s.size());
}

std::string label_of(const Segment& s, const Verdict& v) {
  std::string l = flag_names(s.flags);
  if (s.payload_len > 0) {
    l += fmt::format(" seq {}:{}", v.rel_seq, v.rel_seq + s.payload_len);
  } else {
    l += fmt::format(" seq {}", v.rel_seq);
  }
  if (s.has(tcp_flag::ack)) l += fmt::format(" ack {}", v.rel_ack);
  l += fmt::format(" win {}", v.window);
  if (s.payload_len > 0) l += fmt::format(" len {}", s.payload_len);
  return l;
}

}  // namespace

std::string ladder_line(double t_s, bool left_to_right, const std::string& label,
                        const std::string& verdict, bool colour) {
  std::string text = label;
  if (!verdict.empty()) text += " [" + verdict + "]";
  const int room = kArrowWidth - 6;
  if (width(text) > room) text = text.substr(0, static_cast<std::size_t>(room - 1)) + "~";
  int dashes = kArrowWidth - width(text) - 4;  // two spaces around the text, 2 for head/tail
  std::string body;
  if (left_to_right) {
    body = "-- " + text + " " + std::string(static_cast<std::size_t>(dashes), '-') + ">";
  } else {
    body = "<" + std::string(static_cast<std::size_t>(dashes), '-') + " " + text + " --";
  }
  if (colour && !verdict.empty()) {
    // Colour only the verdict.
    std::size_t at = body.find(" [");
    if (at != std::string::npos) {
      std::size_t end = body.find(']', at);
      body.insert(end + 1, kColourReset);
      body.insert(at + 1, verdict_colour(verdict));
    }
  }
  return fmt::format("{:>{}.6f} |{}|", t_s, kTimeWidth - 1, body);
}

void LadderWriter::add(const Segment& s, const Verdict& v, std::int64_t ts_ns) {
  if (only_ && v.stream != *only_) return;
  if (v.stream >= ladders_.size()) ladders_.resize(v.stream + 1);
  Ladder& l = ladders_[v.stream];
  if (!l.used) {
    l.used = true;
    l.left = v.connection->first;
    l.right = v.connection->second;
    l.start_ns = ts_ns;
  }
  if (l.lines.size() >= max_frames_) {
    ++l.more;
    return;
  }
  bool left_to_right = v.direction == 0;
  l.lines.push_back(ladder_line(static_cast<double>(ts_ns - l.start_ns) / 1e9, left_to_right,
                                label_of(s, v), verdict_words(v), colour_));
}

bool LadderWriter::found() const {
  for (const auto& l : ladders_) {
    if (l.used) return true;
  }
  return false;
}

void LadderWriter::finish(std::string& out) {
  bool first = true;
  for (std::size_t i = 0; i < ladders_.size(); ++i) {
    const Ladder& l = ladders_[i];
    if (!l.used) continue;
    if (!first) out += '\n';
    first = false;
    std::string left = endpoint_text(l.left);
    std::string right = endpoint_text(l.right);
    out += fmt::format("stream {} from {}\n", i, time_of_day(l.start_ns));
    int gap = kLadderWidth - kTimeWidth - width(left) - width(right) - 1;
    out += fmt::format("{:>{}}{}{}{}\n", "time (s)", kTimeWidth - 1, " " + left,
                       std::string(static_cast<std::size_t>(std::max(gap, 1)), ' '), right);
    for (const auto& line : l.lines) {
      out += line;
      out += '\n';
    }
    if (l.more) out += fmt::format("{:>{}} … {} more frames\n", "", kTimeWidth - 1, l.more);
  }
}

}  // namespace tcplens
