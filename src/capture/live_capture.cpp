#include "capture/live_capture.hpp"

#include <pcap/pcap.h>
#include <poll.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tcplens {

std::unique_ptr<LiveCapture> LiveCapture::open(const LiveOptions& options, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(options.interface.c_str(), errbuf);
  if (p == nullptr) {
    error = errbuf;
    return nullptr;
  }
  auto live = std::unique_ptr<LiveCapture>(new LiveCapture());
  live->handle_ = p;
  live->name_ = options.interface;
  pcap_set_snaplen(p, options.snaplen);
  pcap_set_promisc(p, options.promiscuous ? 1 : 0);
  pcap_set_timeout(p, kQuietMs);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  pcap_set_buffer_size(p, 32 << 20);
  if (int rc = pcap_activate(p); rc < 0) {
    error = pcap_geterr(p);
    if (error.empty()) error = pcap_statustostr(rc);
    return nullptr;
  }
  live->link_type_ = pcap_datalink(p);
  // Non-blocking reads with our own wait (below): libpcap's own timeout does not fire on Linux
  // while no packet comes at all, and a quiet link is when output should catch up.
  live->fd_ = pcap_get_selectable_fd(p);
  if (live->fd_ >= 0 && pcap_setnonblock(p, 1, errbuf) != 0) live->fd_ = -1;
  if (!options.filter.empty()) {
    bpf_program program{};
    if (pcap_compile(p, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      error = std::string("bad filter: ") + pcap_geterr(p);
      return nullptr;
    }
    int rc = pcap_setfilter(p, &program);
    pcap_freecode(&program);
    if (rc != 0) {
      error = std::string("cannot set filter: ") + pcap_geterr(p);
      return nullptr;
    }
  }
  return live;
}

LiveCapture::~LiveCapture() {
  if (handle_ != nullptr) pcap_close(handle_);
}

ReadStatus LiveCapture::next(RawFrame& frame) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  for (;;) {
    int rc = pcap_next_ex(handle_, &header, &data);
    if (rc == 1) break;
    if (rc == 0) {
      // Nothing captured for now: wait up to 0.1 s for more. A wait that ends with nothing is a
      // quiet moment (to save, to let output through); one cut by a signal goes round again,
      // and a break_loop() is then seen here.
      if (fd_ >= 0) {
        if (broken_.load(std::memory_order_relaxed)) return ReadStatus::interrupted;
        pollfd ready{fd_, POLLIN, 0};
        if (::poll(&ready, 1, kQuietMs) != 0) continue;
      }
      if (quiet_) quiet_();
      continue;
    }
    if (rc == PCAP_ERROR_BREAK) return ReadStatus::interrupted;
    error_ = pcap_geterr(handle_);
    return ReadStatus::error;
  }
  // With nanosecond precision set, tv_usec carries nanoseconds.
  frame.ts_ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                static_cast<std::int64_t>(header->ts.tv_usec);
  frame.wire_len = header->len;
  frame.link_type = link_type_;
  frame.bytes = std::span<const std::uint8_t>(data, header->caplen);
  return ReadStatus::frame;
}

void LiveCapture::break_loop() {
  // Seen by next() between its waits: a non-blocking pcap_next_ex does not report a break.
  broken_.store(true, std::memory_order_relaxed);
  pcap_breakloop(handle_);
}

bool LiveCapture::stats(std::uint64_t& received, std::uint64_t& dropped) const {
  pcap_stat st{};
  if (pcap_stats(handle_, &st) != 0) return false;
  received = st.ps_recv;
  dropped = st.ps_drop + st.ps_ifdrop;
  return true;
}

}  // namespace tcplens
