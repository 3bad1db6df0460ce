// tcpdump's text output as an input: the one-line and -v two-line forms, with or without -nn,
// found among other text (prompts, notes). Each TCP line becomes a synthesised raw-IP frame, so
// the rest of the pipeline reads it like a capture.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capture/frame_source.hpp"

namespace tcplens {

struct TextOptions {
  std::int64_t date_epoch_s = 0;  // midnight UTC of the day the text's times belong to
};

// Parses "YYYY-MM-DD" into midnight UTC epoch seconds; false if malformed.
bool parse_date(const std::string& text, std::int64_t& epoch_s);

// True when the first bytes (up to kMagicBytes) look like a capture file (pcap or pcapng magic,
// or a compression's: a compressed one), not text.
bool looks_like_capture(const std::uint8_t* first, std::size_t n);

class TcpdumpText final : public FrameSource {
 public:
  // Reads and parses the whole text (text inputs are small). nullptr with `error` when the
  // file cannot be read or holds no tcpdump packet line.
  static std::unique_ptr<TcpdumpText> open(const std::string& path, const TextOptions& options,
                                           std::string& error);
  static std::unique_ptr<TcpdumpText> parse(const std::string& name, const std::string& text,
                                            const TextOptions& options, std::string& error);

  ReadStatus next(RawFrame& frame) override;
  [[nodiscard]] std::size_t frames() const { return frames_.size(); }
  [[nodiscard]] std::size_t duplicates_dropped() const { return duplicates_; }

 private:
  struct Frame {
    std::int64_t ts_ns;
    std::uint32_t wire_len;
    std::size_t offset;  // into bytes_
    std::uint32_t size;
  };
  std::vector<Frame> frames_;
  std::vector<std::uint8_t> bytes_;
  std::size_t next_ = 0;
  std::size_t duplicates_ = 0;
};

}  // namespace tcplens
