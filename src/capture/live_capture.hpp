// Live capture from an interface through libpcap, optionally saving what it reads as pcap.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "capture/frame_source.hpp"

struct pcap;
struct pcap_dumper;

namespace tcplens {

struct LiveOptions {
  std::string interface;
  std::string filter;     // BPF, compiled by the kernel-side filter
  std::string save_path;  // pcap file to write, empty for none
  int snaplen = 262144;
  bool promiscuous = true;
};

class LiveCapture final : public FrameSource {
 public:
  static std::unique_ptr<LiveCapture> open(const LiveOptions& options, std::string& error);
  ~LiveCapture() override;

  ReadStatus next(RawFrame& frame) override;
  // Safe from a signal handler: makes a blocked next() return `interrupted`.
  void break_loop();
  // Kernel counters at the end of the capture.
  bool stats(std::uint64_t& received, std::uint64_t& dropped) const;

 private:
  LiveCapture() = default;
  pcap* handle_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  int link_type_ = 0;
};

}  // namespace tcplens
