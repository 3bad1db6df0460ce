#include "capture/bpf_filter.hpp"

#include <pcap/pcap.h>

namespace tcplens {

BpfFilter::~BpfFilter() {
  for (auto& [link, program] : programs_) {
    if (program) pcap_freecode(program.get());
  }
}

bpf_program* BpfFilter::program_for(int link_type, std::string* error) {
  auto it = programs_.find(link_type);
  if (it != programs_.end()) return it->second.get();
  auto program = std::make_unique<bpf_program>();
  pcap_t* dead = pcap_open_dead(link_type, 262144);
  bool ok = dead != nullptr &&
            pcap_compile(dead, program.get(), expression_.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
  if (!ok) {
    if (error != nullptr) *error = std::string("bad filter: ") + (dead ? pcap_geterr(dead) : "");
    program.reset();
  }
  if (dead != nullptr) pcap_close(dead);
  return programs_.emplace(link_type, std::move(program)).first->second.get();
}

bool BpfFilter::validate(std::string& error) {
  return program_for(DLT_EN10MB, &error) != nullptr;
}

bool BpfFilter::matches(const RawFrame& frame) {
  bpf_program* program = program_for(frame.link_type, nullptr);
  if (program == nullptr) return false;
  pcap_pkthdr header{};
  header.caplen = static_cast<bpf_u_int32>(frame.bytes.size());
  header.len = frame.wire_len;
  return pcap_offline_filter(program, &header, frame.bytes.data()) != 0;
}

}  // namespace tcplens
