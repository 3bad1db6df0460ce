// Writes frames as a nanosecond pcap file (one link type per file, as pcap allows).
#pragma once

#include <cstdio>
#include <string>

#include "capture/frame.hpp"

namespace tcplens {

class PcapWriter {
 public:
  // Opens `path` for writing; the header is written with the first frame's link type.
  bool open(const std::string& path, std::string& error);
  ~PcapWriter();
  // False if the frame's link type differs from the file's, or on a write error.
  bool write(const RawFrame& frame);
  bool close(std::string& error);

 private:
  std::FILE* file_ = nullptr;
  int link_type_ = -1;
  bool failed_ = false;
};

}  // namespace tcplens
