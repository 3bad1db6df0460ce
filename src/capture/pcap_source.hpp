// Capture files (pcap, pcapng; a path or "-" for stdin) and live interfaces, read through libpcap.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "capture/frame.hpp"

struct pcap;
struct pcap_dumper;

namespace tcplens {

enum class ReadStatus { frame, end, error, interrupted };

struct LiveOptions {
  std::string interface;
  int snaplen = 262144;
  bool promiscuous = true;
  int timeout_ms = 100;
};

class PcapSource {
 public:
  // Opens a file (or "-"): on failure returns nullopt and sets `error` to a one-line reason.
  static std::unique_ptr<PcapSource> open_file(const std::string& path, std::string& error);
  static std::unique_ptr<PcapSource> open_live(const LiveOptions& options, std::string& error);
  ~PcapSource();
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;

  // Applies a BPF filter (tcpdump syntax). Returns false and sets `error` when it does not compile.
  bool set_filter(const std::string& expression, std::string& error);
  // Saves every frame read from now on into a pcap file.
  bool dump_to(const std::string& path, std::string& error);

  ReadStatus next(RawFrame& frame);
  // Byte offset in the file of the next unread record (for error messages); -1 if unknown.
  [[nodiscard]] std::int64_t offset() const;
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] bool live() const { return live_; }
  // Stops a blocking live read from a signal handler.
  void break_loop();
  // Kernel statistics of a live capture: received and dropped, when libpcap has them.
  bool stats(std::uint64_t& received, std::uint64_t& dropped) const;

 private:
  PcapSource() = default;
  pcap* handle_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  std::string name_;
  std::string error_;
  int link_type_ = 0;
  bool live_ = false;
};

}  // namespace tcplens
