// Sequential reading of a file or stdin, with a window of contiguous bytes that parsers can look
// at. A regular file is mapped into memory (no copy, no read call at all; pages behind the cursor
// are handed back as it moves on, so the resident size stays flat); anything else is read in
// large chunks. No per-record system call either way. gzip-compressed content (a rotated
// `tcpdump -z gzip` file, `gzip -c x.pcap |`) is recognised by its first bytes and inflated as it
// is read, as tshark does; offsets then count the uncompressed bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "capture/page_warmer.hpp"

namespace tcplens {

// A gzip member's first two bytes (RFC 1952).
inline bool looks_like_gzip(const std::uint8_t* p, std::size_t n) {
  return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

class FileReader {
 public:
  // `chunk` is the read size; below 1 MiB (tests, fuzzers) the file is read, never mapped.
  explicit FileReader(int fd, std::size_t chunk = 1 << 20);
  ~FileReader();  // out of line: Inflater is complete only there
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // Makes at least `n` bytes available from the cursor; false at end of file (then
  // `available()` says how many there are) or on a read error (`io_error()`).
  bool ensure(std::size_t n);
  [[nodiscard]] std::span<const std::uint8_t> view(std::size_t n) const {
    return {data_ + pos_, n};
  }
  [[nodiscard]] std::size_t available() const { return end_ - pos_; }
  void consume(std::size_t n) {
    pos_ += n;
    offset_ += n;
    if (pos_ >= next_step_) step();
  }
  // Asks the CPU to start loading the two cache lines at the cursor: the next record's header
  // and the packet headers after it, fetched while the current frame is analysed (frames of a
  // bulk transfer are 1.5 KB apart, beyond what the hardware prefetcher follows across pages).
  void prefetch() const {
    if (available() >= 128) {
      __builtin_prefetch(data_ + pos_);
      __builtin_prefetch(data_ + pos_ + 64);
    }
  }
  // Skips n bytes, reading through them if they are not buffered. False if the file ends first.
  bool skip(std::size_t n);
  // File offset of the cursor.
  [[nodiscard]] std::int64_t offset() const { return offset_; }
  [[nodiscard]] int io_error() const { return errno_; }
  // What went wrong reading (io_error() != 0): the system's words, or what is wrong with the
  // compressed data.
  [[nodiscard]] std::string error_text() const;
  // The content is gzip-compressed (known once the first bytes are read).
  [[nodiscard]] bool compressed() const { return inflater_ != nullptr; }
  // Compressed bytes inflated so far: where in the file a gzip error lies.
  [[nodiscard]] std::int64_t compressed_offset() const;

 private:
  static constexpr std::size_t kReleaseStep = 16 << 20;
  // A mapping this large gets a PageWarmer; the reader tells it where it is every kWarmStep.
  static constexpr std::size_t kWarmFrom = 64 << 20;
  static constexpr std::size_t kWarmStep = 4 << 20;
  void step();
  void release_behind();
  // Reads up to `cap` bytes of content at `dst`, inflating gzip data: > 0 bytes read, 0 at the
  // end, -1 on an error (errno_ set).
  std::ptrdiff_t read_content(std::uint8_t* dst, std::size_t cap);
  std::ptrdiff_t inflate_into(std::uint8_t* dst, std::size_t cap);

  int fd_;
  std::size_t chunk_;
  std::vector<std::uint8_t> buf_;
  const std::uint8_t* data_ = nullptr;  // buf_.data(), or the mapping
  std::uint8_t* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::size_t released_ = 0;          // the mapping's bytes before this were handed back
  std::size_t next_step_ = SIZE_MAX;  // where consume() next calls step()
  std::unique_ptr<PageWarmer> warmer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::int64_t offset_ = 0;
  int errno_ = 0;
  bool eof_ = false;
  bool sniffed_ = false;  // the first bytes have been looked at for a gzip header
  struct Inflater;        // zlib's stream and its compressed input
  std::unique_ptr<Inflater> inflater_;
  std::string inflate_error_;
};

}  // namespace tcplens
