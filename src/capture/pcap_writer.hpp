// Writes frames as a nanosecond pcap file (one link type per file, as pcap allows), through an
// OutputFile: the file appears under its name only when complete.
#pragma once

#include <string>
#include <vector>

#include "capture/frame.hpp"
#include "capture/output_file.hpp"

namespace tcplens {

class PcapWriter {
 public:
  // Opens `path` for writing ("-": stdout); the header is written with the first frame's link
  // type. On failure `error` is strerror's words.
  bool open(const std::string& path, std::string& error);
  // False if the frame was not written: its link type differs from the file's (`left_out()`
  // counts those), or writing failed (`failed()`, `error()`).
  bool write(const RawFrame& frame);
  // Writes what is buffered and gives the file its name; false (with `error()`) on failure.
  bool commit();
  [[nodiscard]] bool failed() const { return !error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::uint64_t left_out() const { return left_out_; }
  [[nodiscard]] const std::string& path() const { return file_.path(); }

 private:
  bool flush();
  void header(int link_type);
  void put32(std::uint32_t v);
  OutputFile file_;
  std::vector<std::uint8_t> buf_;  // written in blocks of 1 MiB, not per frame
  int link_type_ = -1;
  std::uint64_t left_out_ = 0;
  std::string error_;
};

}  // namespace tcplens
