// An output file that never leaves a half-written file where a good one was: written under a
// temporary name beside its final one (same folder, so same file system) and renamed over it
// only when complete. "-" is stdout; an existing path that is not a regular file (a FIFO,
// /dev/null, a terminal) is written in place, as renaming over it would replace the device.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tcplens {

class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();  // not committed: the temporary file is removed, the final name untouched
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Creates the temporary file (or opens the device). On failure `error` is strerror's words.
  bool open(const std::string& path, std::string& error);
  // Writes all of `bytes`; on failure `error` is strerror's words (ENOSPC, EFBIG, EIO…).
  bool write(std::span<const std::uint8_t> bytes, std::string& error);
  bool write(std::string_view text, std::string& error) {
    return write({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, error);
  }
  // Closes the file and gives it its final name (the mode of the file it replaces, if any).
  bool commit(std::string& error);
  [[nodiscard]] bool is_open() const { return fd_ >= 0; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void discard();
  std::string path_;    // as given, for messages
  std::string target_;  // what is renamed over: the path with its links followed
  std::string temp_;    // empty when written in place
  int fd_ = -1;
};

// Writes `text` to `path` through an OutputFile. On failure `error` says what failed and why
// ("cannot write: No space left on device").
bool write_whole_file(const std::string& path, std::string_view text, std::string& error);

}  // namespace tcplens
