// Live capture from an interface through libpcap (saving what it reads is the engine's -w).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "capture/frame_source.hpp"

struct pcap;

namespace tcplens {

struct LiveOptions {
  std::string interface;
  std::string filter;  // BPF, compiled by the kernel-side filter
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
  // Called whenever 0.1 s passes with nothing captured: a quiet moment, for instance to let
  // what was written so far reach its reader.
  void on_quiet(std::function<void()> hook) { quiet_ = std::move(hook); }

 private:
  LiveCapture() = default;
  pcap* handle_ = nullptr;
  static constexpr int kQuietMs = 100;
  int link_type_ = 0;
  int fd_ = -1;  // libpcap's descriptor to wait on (non-blocking reads), or -1: blocking reads
  std::atomic<bool> broken_{false};  // break_loop() was called (from a signal handler)
  std::function<void()> quiet_;
};

}  // namespace tcplens
