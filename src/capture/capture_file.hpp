// pcap (micro- and nanosecond, either byte order) and pcapng (sections, several interfaces with
// their own link types, snap lengths and time resolutions; unknown blocks skipped).
//
// Our own reader rather than libpcap's: libpcap refuses pcapng files whose interfaces differ in
// link type or snap length (such files come out of mergecap), and it costs a call per record.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capture/file_reader.hpp"
#include "capture/frame_source.hpp"

namespace tcplens {

// Records larger than this are damage, not frames (issue: absurd record lengths).
inline constexpr std::uint32_t kMaxFrameLength = 256 * 1024;
// Non-packet pcapng blocks (name resolution, statistics, …) are skipped up to this size.
inline constexpr std::uint32_t kMaxBlockLength = 64 * 1024 * 1024;
// Bytes asked of the file per read(2).
inline constexpr std::size_t kReadChunk = 1 << 20;

class CaptureFile final : public FrameSource {
 public:
  enum class Format { pcap, pcapng };

  // Opens a path or "-" (stdin) and reads its file header. nullptr with `error` set when the
  // file cannot be opened or is not a capture.
  static std::unique_ptr<CaptureFile> open(const std::string& path, std::string& error);
  // Reads from an already open descriptor (tests, fuzzing), which the reader then owns (closes).
  // `chunk` is the size of one read(2); tests and fuzzers make it small to exercise refills.
  // When the bytes are not a capture and `not_a_capture` is given, it receives the bytes read
  // so far, so that another reader (tcpdump text on stdin) can start from them.
  static std::unique_ptr<CaptureFile> open_fd(int fd, const std::string& name, std::string& error,
                                              std::size_t chunk = kReadChunk,
                                              std::vector<std::uint8_t>* not_a_capture = nullptr);

  ReadStatus next(RawFrame& frame) override;
  [[nodiscard]] std::int64_t error_offset() const override { return error_offset_; }
  [[nodiscard]] Format format() const { return format_; }

 private:
  struct Interface {
    int link_type = 0;
    std::uint32_t snaplen = 0;
    // Timestamp units per second and offset, as if_tsresol / if_tsoffset say.
    std::uint64_t units_per_second = 1'000'000;
    bool power_of_two = false;
    std::int64_t offset_seconds = 0;
  };

  CaptureFile(int fd, std::size_t chunk) : reader_(fd, chunk) {}
  bool read_file_header(std::string& error);
  ReadStatus next_pcap(RawFrame& frame);
  ReadStatus next_pcapng(RawFrame& frame);
  bool read_section_header(std::span<const std::uint8_t> body);
  void read_interface(std::span<const std::uint8_t> body);
  ReadStatus fail(std::string reason, std::int64_t offset);
  [[nodiscard]] std::string content_error(std::string reason) const;
  std::int64_t to_ns(const Interface& itf, std::uint64_t ts) const;

  FileReader reader_;
  Format format_ = Format::pcap;
  bool swapped_ = false;  // file byte order differs from little-endian reading
  bool nanoseconds_ = false;
  Interface pcap_interface_;
  std::vector<Interface> interfaces_;  // of the current pcapng section
  std::int64_t error_offset_ = -1;
  bool finished_ = false;
};

}  // namespace tcplens
