// Buffered writing to a file descriptor: one write(2) per megabyte, not per line. A reader that
// went away (EPIPE) turns the buffer into a sink and is reported through `closed()`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tcplens {

class OutputBuffer {
 public:
  explicit OutputBuffer(int fd, std::size_t capacity = 1 << 20);
  ~OutputBuffer();
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  void append(std::string_view s) {
    if (buf_.size() + s.size() > capacity_) flush();
    buf_.append(s);
  }
  void put(char c) {
    if (buf_.size() + 1 > capacity_) flush();
    buf_.push_back(c);
  }
  // Direct access for formatters that write in place.
  std::string& raw() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= capacity_) flush();
  }
  void flush();
  [[nodiscard]] bool closed() const { return closed_; }
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  int fd_;
  std::size_t capacity_;
  std::string buf_;
  bool closed_ = false;
  bool failed_ = false;
};

}  // namespace tcplens
