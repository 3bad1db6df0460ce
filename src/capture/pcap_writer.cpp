#include "capture/pcap_writer.hpp"

#include <cstdint>

namespace tcplens {

namespace {
constexpr std::size_t kBlock = 1 << 20;
}  // namespace

void PcapWriter::put32(std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) buf_.push_back(static_cast<std::uint8_t>(v >> shift));
}

bool PcapWriter::open(const std::string& path, std::string& error) {
  buf_.reserve(kBlock + 64);
  return file_.open(path, error);
}

bool PcapWriter::flush() {
  if (!failed() && !buf_.empty() && !file_.write(buf_, error_)) return false;
  buf_.clear();
  return !failed();
}

bool PcapWriter::write(const RawFrame& frame) {
  if (failed() || !file_.is_open()) return false;
  if (link_type_ < 0) header(frame.link_type);
  if (frame.link_type != link_type_) {
    ++left_out_;
    return false;
  }
  put32(static_cast<std::uint32_t>(frame.ts_ns / 1'000'000'000));
  put32(static_cast<std::uint32_t>(frame.ts_ns % 1'000'000'000));
  put32(static_cast<std::uint32_t>(frame.bytes.size()));
  put32(frame.wire_len);
  buf_.insert(buf_.end(), frame.bytes.begin(), frame.bytes.end());
  return buf_.size() < kBlock || flush();
}

void PcapWriter::header(int link_type) {
  link_type_ = link_type;
  put32(0xa1b23c4d);  // nanosecond pcap
  put32(2 | (4u << 16));
  put32(0);
  put32(0);
  put32(262144);
  put32(static_cast<std::uint32_t>(link_type_));
}

bool PcapWriter::commit() {
  // No frame: still a capture (of Ethernet), as tcpdump -w leaves one, not an empty file.
  if (link_type_ < 0 && file_.is_open()) header(1);
  if (!file_.is_open() || !flush()) return false;
  return file_.commit(error_);
}

}  // namespace tcplens
