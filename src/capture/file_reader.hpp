// Sequential reading of a file or stdin in large chunks, with a window of contiguous bytes that
// parsers can look at. No per-record system call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tcplens {

class FileReader {
 public:
  explicit FileReader(int fd, std::size_t chunk = 1 << 20) : fd_(fd), chunk_(chunk) {}
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // Makes at least `n` bytes available from the cursor; false at end of file (then
  // `available()` says how many there are) or on a read error (`io_error()`).
  bool ensure(std::size_t n);
  [[nodiscard]] std::span<const std::uint8_t> view(std::size_t n) const {
    return {buf_.data() + pos_, n};
  }
  [[nodiscard]] std::size_t available() const { return end_ - pos_; }
  void consume(std::size_t n) {
    pos_ += n;
    offset_ += n;
  }
  // Skips n bytes, reading through them if they are not buffered. False if the file ends first.
  bool skip(std::size_t n);
  // File offset of the cursor.
  [[nodiscard]] std::int64_t offset() const { return offset_; }
  [[nodiscard]] int io_error() const { return errno_; }

 private:
  int fd_;
  std::size_t chunk_;
  std::vector<std::uint8_t> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::int64_t offset_ = 0;
  int errno_ = 0;
  bool eof_ = false;
};

}  // namespace tcplens
