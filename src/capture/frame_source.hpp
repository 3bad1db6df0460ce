// The narrow interface every input implements: capture files, live interfaces (and later text).
#pragma once

#include <cstdint>
#include <string>

#include "capture/frame.hpp"

namespace tcplens {

enum class ReadStatus { frame, end, error, interrupted };

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame; its bytes stay valid until the next call.
  virtual ReadStatus next(RawFrame& frame) = 0;
  // Byte offset where the last error was found (-1 if not a file).
  [[nodiscard]] virtual std::int64_t error_offset() const { return -1; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 protected:
  std::string name_;
  std::string error_;
};

}  // namespace tcplens
