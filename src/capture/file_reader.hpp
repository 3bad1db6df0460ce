// Sequential reading of a file or stdin, with a window of contiguous bytes that parsers can look
// at. A regular file is mapped into memory (no copy, no read call at all; pages behind the cursor
// are handed back as it moves on, so the resident size stays flat); anything else is read in
// large chunks. No per-record system call either way. Compressed content (gzip, zstd, lz4 frames,
// xz, bzip2: a rotated `tcpdump -z gzip` file, `zstd -c x.pcap |`) is recognised by its first
// bytes, whatever the file is called, and decompressed as it is read, as tshark does; offsets
// then count the decompressed bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "capture/page_warmer.hpp"

namespace tcplens {

enum class Compression { none, gzip, zstd, lz4, xz, bzip2 };

// The bytes a compression's magic takes at most (xz's).
inline constexpr std::size_t kMagicBytes = 6;

// Which compression the first `n` bytes (up to kMagicBytes) announce, by their magic numbers:
// gzip 1f 8b (RFC 1952), zstd 28 b5 2f fd (RFC 8878), an LZ4 frame 04 22 4d 18, xz fd 37 7a 58
// 5a 00, bzip2 "BZh" and a block size digit.
Compression compression_of(const std::uint8_t* p, std::size_t n);
// "gzip", "zstd", "lz4", "xz", "bzip2".
const char* compression_name(Compression c);

class FileReader {
 public:
  // `chunk` is the read size; below 1 MiB (tests, fuzzers) the file is read, never mapped.
  explicit FileReader(int fd, std::size_t chunk = 1 << 20);
  struct Decompressor;  // the library's stream (zlib, libzstd, liblz4, liblzma, libbz2)
  ~FileReader();        // out of line: Decompressor is complete only there
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
  // The content's compression (known once the first bytes are read).
  [[nodiscard]] Compression compression() const { return compression_; }
  [[nodiscard]] bool compressed() const { return compression_ != Compression::none; }
  // Compressed bytes decompressed so far: where in the file an error of the compression lies.
  [[nodiscard]] std::int64_t compressed_offset() const;

 private:
  static constexpr std::size_t kReleaseStep = 16 << 20;
  // A mapping this large gets a PageWarmer; the reader tells it where it is every kWarmStep.
  static constexpr std::size_t kWarmFrom = 64 << 20;
  static constexpr std::size_t kWarmStep = 4 << 20;
  void step();
  void release_behind();
  // Reads up to `cap` bytes of content at `dst`, decompressing: > 0 bytes read, 0 at the end, -1
  // on an error (errno_ set).
  std::ptrdiff_t read_content(std::uint8_t* dst, std::size_t cap);
  std::ptrdiff_t decompress_into(std::uint8_t* dst, std::size_t cap);
  std::ptrdiff_t fail_compressed(std::string why);

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
  bool sniffed_ = false;  // the first bytes have been looked at for a compression's magic
  Compression compression_ = Compression::none;
  std::unique_ptr<Decompressor> decompressor_;
  std::vector<std::uint8_t>
      packed_;  // compressed bytes read, not yet decompressed: [packed_at_, end)
  std::size_t packed_at_ = 0;
  bool packed_eof_ = false;       // the file has no more compressed bytes
  std::int64_t packed_read_ = 0;  // compressed bytes read from the file
  std::string decompress_error_;
  std::string pending_error_;  // damage met after some content, reported on the next read
};

}  // namespace tcplens
