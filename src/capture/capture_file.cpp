#include "capture/capture_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tcplens {

namespace {

constexpr std::uint32_t kPcapMagicMicro = 0xa1b2c3d4;
constexpr std::uint32_t kPcapMagicNano = 0xa1b23c4d;
constexpr std::uint32_t kPcapngSectionHeader = 0x0a0d0d0a;
constexpr std::uint32_t kPcapngByteOrderMagic = 0x1a2b3c4d;
constexpr std::uint32_t kBlockInterface = 1;
constexpr std::uint32_t kBlockPacketObsolete = 2;
constexpr std::uint32_t kBlockSimplePacket = 3;
constexpr std::uint32_t kBlockEnhancedPacket = 6;

std::uint32_t load32(const std::uint8_t* p, bool swapped) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return swapped ? __builtin_bswap32(v) : v;
}

std::uint16_t load16(const std::uint8_t* p, bool swapped) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return swapped ? __builtin_bswap16(v) : v;
}

std::uint64_t pow10(unsigned n) {
  std::uint64_t v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

}  // namespace

std::unique_ptr<CaptureFile> CaptureFile::open(const std::string& path, std::string& error) {
  if (path == "-") return open_fd(STDIN_FILENO, path, error);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "is a directory";
    return nullptr;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return open_fd(fd, path, error);
}

std::unique_ptr<CaptureFile> CaptureFile::open_fd(int fd, const std::string& name,
                                                  std::string& error, std::size_t chunk,
                                                  std::vector<std::uint8_t>* not_a_capture) {
  auto file = std::unique_ptr<CaptureFile>(new CaptureFile(fd, chunk));
  file->name_ = name;
  if (!file->read_file_header(error)) {
    if (not_a_capture != nullptr && file->reader_.available() > 0) {
      auto bytes = file->reader_.view(file->reader_.available());
      not_a_capture->assign(bytes.begin(), bytes.end());
    }
    return nullptr;
  }
  return file;
}

bool CaptureFile::read_file_header(std::string& error) {
  if (!reader_.ensure(4)) {
    if (reader_.io_error() != 0) {
      error = reader_.error_text();
      if (reader_.compressed()) {
        error += " (at byte offset " + std::to_string(reader_.compressed_offset()) + ")";
      }
    } else {
      error = content_error(reader_.available() == 0 ? "empty file"
                                                     : "not a pcap or pcapng capture (too short)");
    }
    return false;
  }
  std::uint32_t magic = load32(reader_.view(4).data(), false);
  if (magic == kPcapngSectionHeader) {
    format_ = Format::pcapng;
    return true;  // the section header is read as the first block
  }
  for (bool swapped : {false, true}) {
    std::uint32_t m = swapped ? __builtin_bswap32(magic) : magic;
    if (m == kPcapMagicMicro || m == kPcapMagicNano) {
      swapped_ = swapped;
      nanoseconds_ = m == kPcapMagicNano;
      if (!reader_.ensure(24)) {
        error = content_error("pcap file header cut short (at byte offset 0)");
        return false;
      }
      const std::uint8_t* h = reader_.view(24).data();
      pcap_interface_.snaplen = load32(h + 16, swapped_);
      pcap_interface_.link_type = static_cast<int>(load32(h + 20, swapped_) & 0x0fffffff);
      pcap_interface_.units_per_second = nanoseconds_ ? 1'000'000'000 : 1'000'000;
      reader_.consume(24);
      format_ = Format::pcap;
      return true;
    }
  }
  error = content_error("not a pcap or pcapng capture");
  return false;
}

std::string CaptureFile::content_error(std::string reason) const {
  // In a compressed file, a fault of the content is at an offset of the content (what `zcat`
  // shows).
  if (!reader_.compressed() || reader_.io_error() != 0) return reason;
  if (reader_.compression() == Compression::gzip) return "gunzipped content: " + reason;
  return std::string(compression_name(reader_.compression())) + "-decompressed content: " + reason;
}

ReadStatus CaptureFile::fail(std::string reason, std::int64_t offset) {
  // A fault of the compression itself is at an offset of the file.
  if (reader_.compressed() && reader_.io_error() != 0) offset = reader_.compressed_offset();
  error_ = content_error(std::move(reason));
  error_offset_ = offset;
  finished_ = true;
  return ReadStatus::error;
}

std::int64_t CaptureFile::to_ns(const Interface& itf, std::uint64_t ts) const {
  std::uint64_t ups = itf.units_per_second;
  std::uint64_t secs = ts / ups;
  std::uint64_t frac = ts % ups;
  std::uint64_t ns = itf.power_of_two || ups > 1'000'000'000
                         ? static_cast<std::uint64_t>(static_cast<long double>(frac) * 1e9L / ups)
                         : frac * (1'000'000'000 / ups);
  // A 64-bit count of seconds (if_tsresol 0, a damaged timestamp, a wild if_tsoffset) does not
  // fit in nanoseconds: clamp to ±(2^62 - 1) ns (±146 years around 1970), where every timestamp
  // lies and the difference of any two timestamps still fits in 64 bits.
  constexpr std::int64_t kLimitNs = (std::int64_t{1} << 62) - 1;
  long double whole = static_cast<long double>(secs) + static_cast<long double>(itf.offset_seconds);
  if (whole >= static_cast<long double>(kLimitNs / 1'000'000'000)) return kLimitNs;
  if (whole <= -static_cast<long double>(kLimitNs / 1'000'000'000)) return -kLimitNs;
  // In range now, so the modular sum is the exact one.
  auto seconds = static_cast<std::int64_t>(secs + static_cast<std::uint64_t>(itf.offset_seconds));
  return std::clamp(seconds * 1'000'000'000 + static_cast<std::int64_t>(ns), -kLimitNs, kLimitNs);
}

ReadStatus CaptureFile::next(RawFrame& frame) {
  if (finished_) return ReadStatus::end;
  return format_ == Format::pcap ? next_pcap(frame) : next_pcapng(frame);
}

ReadStatus CaptureFile::next_pcap(RawFrame& frame) {
  std::int64_t at = reader_.offset();
  if (!reader_.ensure(16)) {
    if (reader_.io_error() != 0) return fail(reader_.error_text(), at);
    if (reader_.available() == 0) {
      finished_ = true;
      return ReadStatus::end;
    }
    return fail("capture cut short in a record header", at);
  }
  const std::uint8_t* h = reader_.view(16).data();
  std::uint32_t sec = load32(h, swapped_);
  std::uint32_t frac = load32(h + 4, swapped_);
  std::uint32_t caplen = load32(h + 8, swapped_);
  std::uint32_t wirelen = load32(h + 12, swapped_);
  if (caplen > kMaxFrameLength) {
    return fail("record length " + std::to_string(caplen) + " is absurd (over 256 KiB)", at);
  }
  if (!reader_.ensure(16 + std::size_t{caplen})) {
    if (reader_.io_error() != 0) return fail(reader_.error_text(), at);
    return fail("capture cut short in a record of " + std::to_string(caplen) + " bytes", at);
  }
  frame.ts_ns = static_cast<std::int64_t>(sec) * 1'000'000'000 +
                static_cast<std::int64_t>(nanoseconds_ ? frac : std::uint64_t{frac} * 1000);
  frame.wire_len = std::max(wirelen, caplen);
  frame.link_type = pcap_interface_.link_type;
  frame.bytes = reader_.view(16 + std::size_t{caplen}).subspan(16);
  reader_.consume(16 + std::size_t{caplen});
  reader_.prefetch();
  return ReadStatus::frame;
}

bool CaptureFile::read_section_header(std::span<const std::uint8_t> body) {
  if (body.size() < 4) return false;
  std::uint32_t bom = load32(body.data(), false);
  if (bom == kPcapngByteOrderMagic) {
    swapped_ = false;
  } else if (bom == __builtin_bswap32(kPcapngByteOrderMagic)) {
    swapped_ = true;
  } else {
    return false;
  }
  interfaces_.clear();
  return true;
}

void CaptureFile::read_interface(std::span<const std::uint8_t> body) {
  Interface itf;
  if (body.size() >= 8) {
    itf.link_type = load16(body.data(), swapped_);
    itf.snaplen = load32(body.data() + 4, swapped_);
  }
  // Options: code, length, value padded to 4 bytes.
  std::size_t pos = 8;
  while (pos + 4 <= body.size()) {
    std::uint16_t code = load16(body.data() + pos, swapped_);
    std::uint16_t len = load16(body.data() + pos + 2, swapped_);
    pos += 4;
    if (code == 0 || pos + len > body.size()) break;
    if (code == 9 && len >= 1) {  // if_tsresol
      std::uint8_t r = body[pos];
      if (r & 0x80) {
        itf.power_of_two = true;
        itf.units_per_second = (r & 0x7f) < 63 ? (std::uint64_t{1} << (r & 0x7f)) : 1'000'000;
      } else {
        itf.units_per_second = r <= 19 ? pow10(r) : 1'000'000;
      }
    } else if (code == 14 && len >= 8) {  // if_tsoffset
      std::uint64_t off;
      std::memcpy(&off, body.data() + pos, 8);
      if (swapped_) off = __builtin_bswap64(off);
      itf.offset_seconds = static_cast<std::int64_t>(off);
    }
    pos += (len + 3u) & ~3u;
  }
  interfaces_.push_back(itf);
}

ReadStatus CaptureFile::next_pcapng(RawFrame& frame) {
  for (;;) {
    std::int64_t at = reader_.offset();
    if (!reader_.ensure(8)) {
      if (reader_.io_error() != 0) return fail(reader_.error_text(), at);
      if (reader_.available() == 0) {
        finished_ = true;
        return ReadStatus::end;
      }
      return fail("capture cut short in a block header", at);
    }
    std::uint32_t type = load32(reader_.view(8).data(), swapped_);
    if (type == kPcapngSectionHeader) {
      // The byte order is the section's own: read it before trusting the length.
      if (!reader_.ensure(12)) return fail("capture cut short in a section header", at);
      std::uint32_t bom = load32(reader_.view(12).data() + 8, false);
      swapped_ = bom == __builtin_bswap32(kPcapngByteOrderMagic);
    }
    std::uint32_t length = load32(reader_.view(8).data() + 4, swapped_);
    if (length < 12 || length % 4 != 0) {
      return fail("bad pcapng block length " + std::to_string(length), at);
    }
    bool packet =
        type == kBlockEnhancedPacket || type == kBlockSimplePacket || type == kBlockPacketObsolete;
    if (length > (packet ? kMaxFrameLength + 4096 : kMaxBlockLength)) {
      return fail("pcapng block length " + std::to_string(length) + " is absurd", at);
    }
    bool known = packet || type == kPcapngSectionHeader || type == kBlockInterface;
    if (!known) {
      if (!reader_.skip(length)) return fail("capture cut short in a pcapng block", at);
      continue;
    }
    if (!reader_.ensure(length)) {
      if (reader_.io_error() != 0) return fail(reader_.error_text(), at);
      return fail("capture cut short in a pcapng block of " + std::to_string(length) + " bytes",
                  at);
    }
    auto block = reader_.view(length);
    if (load32(block.data() + length - 4, swapped_) != length) {
      return fail("pcapng block's trailing length does not match its header", at);
    }
    auto body = block.subspan(8, length - 12);
    if (type == kPcapngSectionHeader) {
      if (!read_section_header(body)) return fail("bad pcapng section header", at);
      reader_.consume(length);
      continue;
    }
    if (type == kBlockInterface) {
      read_interface(body);
      reader_.consume(length);
      continue;
    }
    // Packet blocks.
    std::uint32_t itf_id = 0;
    std::uint64_t ts = 0;
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
    std::size_t data_at = 0;
    if (type == kBlockSimplePacket) {
      if (body.size() < 4) return fail("pcapng simple packet block too short", at);
      wirelen = load32(body.data(), swapped_);
      data_at = 4;
      caplen = static_cast<std::uint32_t>(std::min<std::size_t>(wirelen, body.size() - 4));
    } else {
      std::size_t head = type == kBlockEnhancedPacket ? 20 : 20;
      if (body.size() < head) return fail("pcapng packet block too short", at);
      if (type == kBlockEnhancedPacket) {
        itf_id = load32(body.data(), swapped_);
      } else {
        itf_id = load16(body.data(), swapped_);
      }
      ts = (std::uint64_t{load32(body.data() + 4, swapped_)} << 32) |
           load32(body.data() + 8, swapped_);
      caplen = load32(body.data() + 12, swapped_);
      wirelen = load32(body.data() + 16, swapped_);
      data_at = head;
      if (caplen > body.size() - head) {
        return fail("pcapng packet block's captured length runs past the block", at);
      }
    }
    if (itf_id >= interfaces_.size()) {
      return fail(
          "pcapng packet names interface " + std::to_string(itf_id) + ", which was never described",
          at);
    }
    const Interface& itf = interfaces_[itf_id];
    if (type == kBlockSimplePacket && itf.snaplen != 0) caplen = std::min(caplen, itf.snaplen);
    frame.ts_ns = to_ns(itf, ts);
    frame.wire_len = std::max(wirelen, caplen);
    frame.link_type = itf.link_type;
    frame.bytes = body.subspan(data_at, caplen);
    reader_.consume(length);  // the view stays valid: the buffer only moves on the next ensure()
    return ReadStatus::frame;
  }
}

}  // namespace tcplens
