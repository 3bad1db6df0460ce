// A tcpdump filter expression applied to frames read from files, compiled once per link type.
#pragma once

#include <pcap/pcap.h>

#include <map>
#include <memory>
#include <string>

#include "capture/frame.hpp"

namespace tcplens {

class BpfFilter {
 public:
  explicit BpfFilter(std::string expression) : expression_(std::move(expression)) {}
  ~BpfFilter();
  BpfFilter(const BpfFilter&) = delete;
  BpfFilter& operator=(const BpfFilter&) = delete;

  // Checks that the expression compiles (for Ethernet); sets `error` if not.
  bool validate(std::string& error);
  // True when the frame passes. A link type the expression cannot compile for passes nothing.
  bool matches(const RawFrame& frame);

 private:
  bpf_program* program_for(int link_type, std::string* error);
  std::string expression_;
  std::map<int, std::unique_ptr<bpf_program>> programs_;
};

}  // namespace tcplens
