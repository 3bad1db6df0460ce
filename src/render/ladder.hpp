// `tcplens ladder`: a text sequence diagram per connection — the two endpoints as columns, one
// arrow per segment with its time, flags, relative seq/ack, length and Wireshark's verdict.
// 100 columns; colour only when asked (on a terminal).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"
#include "flow/connection.hpp"

namespace tcplens {

inline constexpr int kLadderWidth = 100;
// Frames drawn per connection; the rest are counted.
inline constexpr std::size_t kLadderMaxFrames = 20000;

class LadderWriter {
 public:
  LadderWriter(bool colour, std::optional<std::uint32_t> stream,
               std::size_t max_frames = kLadderMaxFrames)
      : colour_(colour), only_(stream), max_frames_(max_frames) {}
  void add(const Segment& s, const Verdict& v, std::int64_t ts_ns);
  // All ladders, in stream order.
  void finish(std::string& out);
  [[nodiscard]] bool found() const;

 private:
  struct Ladder {
    bool used = false;
    Endpoint left, right;
    std::int64_t start_ns = 0;
    std::vector<std::string> lines;
    std::uint64_t more = 0;
  };
  bool colour_;
  std::optional<std::uint32_t> only_;
  std::size_t max_frames_;
  std::vector<Ladder> ladders_;  // by stream
};

// One arrow line (exposed for tests).
std::string ladder_line(double t_s, bool left_to_right, const std::string& label,
                        const std::string& verdict, bool colour);

}  // namespace tcplens
