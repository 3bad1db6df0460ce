#include "render/print_writer.hpp"

#include "render/segment_text.hpp"

namespace tcplens {

void PrintWriter::add(std::string& out, std::int64_t ts_ns, std::span<const std::uint8_t> frame,
                      std::uint32_t wire_len, const Segment& s, const Verdict& v, bool show) {
  if (!show) {
    scratch_.clear();
    line_.append(scratch_, ts_ns, frame, wire_len, s);
    return;
  }
  line_.append(out, ts_ns, frame, wire_len, s);
  std::string words = verdict_words(v);
  if (!words.empty()) {
    out += " [";
    if (colour_) out += verdict_colour(words);
    out += words;
    if (colour_) out += kColourReset;
    out += ']';
  }
  out.push_back('\n');
}

}  // namespace tcplens
