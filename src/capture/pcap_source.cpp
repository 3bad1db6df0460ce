#include "capture/pcap_source.hpp"

#include <pcap/pcap.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tcplens {

std::unique_ptr<PcapSource> PcapSource::open_file(const std::string& path, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  FILE* fp = nullptr;
  if (path == "-") {
    fp = stdin;
  } else {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      error = std::strerror(errno);
      return nullptr;
    }
    if (S_ISDIR(st.st_mode)) {
      error = "is a directory";
      return nullptr;
    }
    fp = std::fopen(path.c_str(), "rb");
    if (fp == nullptr) {
      error = std::strerror(errno);
      return nullptr;
    }
    if (st.st_size == 0) {
      std::fclose(fp);
      error = "empty file";
      return nullptr;
    }
    // Large sequential reads rather than one read per record.
    std::setvbuf(fp, nullptr, _IOFBF, 1 << 20);
  }
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (p == nullptr) {
    if (fp != stdin) std::fclose(fp);
    error = errbuf;
    if (error.find("unknown file format") != std::string::npos) error = "not a pcap or pcapng capture";
    return nullptr;
  }
  auto src = std::unique_ptr<PcapSource>(new PcapSource());
  src->handle_ = p;
  src->name_ = path;
  src->link_type_ = pcap_datalink(p);
  return src;
}

std::unique_ptr<PcapSource> PcapSource::open_live(const LiveOptions& options, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(options.interface.c_str(), errbuf);
  if (p == nullptr) {
    error = errbuf;
    return nullptr;
  }
  pcap_set_snaplen(p, options.snaplen);
  pcap_set_promisc(p, options.promiscuous ? 1 : 0);
  pcap_set_timeout(p, options.timeout_ms);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  pcap_set_buffer_size(p, 32 << 20);
  int rc = pcap_activate(p);
  if (rc < 0) {
    error = pcap_geterr(p);
    if (error.empty()) error = pcap_statustostr(rc);
    pcap_close(p);
    return nullptr;
  }
  auto src = std::unique_ptr<PcapSource>(new PcapSource());
  src->handle_ = p;
  src->name_ = options.interface;
  src->link_type_ = pcap_datalink(p);
  src->live_ = true;
  return src;
}

PcapSource::~PcapSource() {
  if (dumper_ != nullptr) pcap_dump_close(dumper_);
  if (handle_ != nullptr) pcap_close(handle_);
}

bool PcapSource::set_filter(const std::string& expression, std::string& error) {
  bpf_program program{};
  if (pcap_compile(handle_, &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    error = std::string("bad filter: ") + pcap_geterr(handle_);
    return false;
  }
  int rc = pcap_setfilter(handle_, &program);
  pcap_freecode(&program);
  if (rc != 0) {
    error = std::string("cannot set filter: ") + pcap_geterr(handle_);
    return false;
  }
  return true;
}

bool PcapSource::dump_to(const std::string& path, std::string& error) {
  dumper_ = pcap_dump_open(handle_, path.c_str());
  if (dumper_ == nullptr) {
    error = pcap_geterr(handle_);
    return false;
  }
  return true;
}

ReadStatus PcapSource::next(RawFrame& frame) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  for (;;) {
    int rc = pcap_next_ex(handle_, &header, &data);
    if (rc == 1) break;
    if (rc == 0) continue;  // live read timed out with nothing: wait again
    if (rc == PCAP_ERROR_BREAK) return live_ ? ReadStatus::interrupted : ReadStatus::end;
    error_ = pcap_geterr(handle_);
    return ReadStatus::error;
  }
  if (dumper_ != nullptr) pcap_dump(reinterpret_cast<u_char*>(dumper_), header, data);
  // With nanosecond precision requested, tv_usec holds nanoseconds.
  frame.ts_ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                static_cast<std::int64_t>(header->ts.tv_usec);
  frame.wire_len = header->len;
  frame.link_type = link_type_;
  frame.bytes = std::span<const std::uint8_t>(data, header->caplen);
  return ReadStatus::frame;
}

std::int64_t PcapSource::offset() const {
  if (live_ || handle_ == nullptr) return -1;
  FILE* fp = pcap_file(handle_);
  if (fp == nullptr || fp == stdin) return -1;
  return std::ftell(fp);
}

void PcapSource::break_loop() {
  if (handle_ != nullptr) pcap_breakloop(handle_);
}

bool PcapSource::stats(std::uint64_t& received, std::uint64_t& dropped) const {
  pcap_stat st{};
  if (!live_ || pcap_stats(handle_, &st) != 0) return false;
  received = st.ps_recv;
  dropped = st.ps_drop + st.ps_ifdrop;
  return true;
}

}  // namespace tcplens
