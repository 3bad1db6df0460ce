#include "capture/pcap_writer.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace tcplens {

namespace {
void put32(std::FILE* f, std::uint32_t v) {
  unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                        static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
  std::fwrite(b, 1, 4, f);
}
}  // namespace

bool PcapWriter::open(const std::string& path, std::string& error) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  return true;
}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

bool PcapWriter::write(const RawFrame& frame) {
  if (file_ == nullptr) return false;
  if (link_type_ < 0) {
    link_type_ = frame.link_type;
    put32(file_, 0xa1b23c4d);  // nanosecond pcap
    put32(file_, 2 | (4u << 16));
    put32(file_, 0);
    put32(file_, 0);
    put32(file_, 262144);
    put32(file_, static_cast<std::uint32_t>(link_type_));
  }
  if (frame.link_type != link_type_) return false;
  put32(file_, static_cast<std::uint32_t>(frame.ts_ns / 1'000'000'000));
  put32(file_, static_cast<std::uint32_t>(frame.ts_ns % 1'000'000'000));
  put32(file_, static_cast<std::uint32_t>(frame.bytes.size()));
  put32(file_, frame.wire_len);
  if (std::fwrite(frame.bytes.data(), 1, frame.bytes.size(), file_) != frame.bytes.size()) {
    failed_ = true;
  }
  return !failed_;
}

bool PcapWriter::close(std::string& error) {
  if (file_ == nullptr) return true;
  bool ok = std::fclose(file_) == 0 && !failed_;
  file_ = nullptr;
  if (!ok) error = "write failed";
  return ok;
}

}  // namespace tcplens
