#include "capture/page_warmer.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14
#endif

namespace tcplens {

PageWarmer::PageWarmer(const std::uint8_t* map, std::size_t size)
    : map_(map), size_(size), thread_([this] { run(); }) {}

PageWarmer::~PageWarmer() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void PageWarmer::advance(std::size_t pos) {
  {
    std::lock_guard lock(m_);
    cursor_ = pos;
    moved_ = true;
  }
  wake_.notify_one();
}

void PageWarmer::run() {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  constexpr std::size_t kSlice = 2 << 20;  // one madvise call: the reader's news is read between
  auto* base = const_cast<std::uint8_t*>(map_);  // madvise takes a non-const address
  std::size_t warmed = 0;
  std::size_t released = 0;
  bool populate = true;  // MADV_POPULATE_READ known to the kernel
  std::size_t cursor = 0;
  for (;;) {
    {
      std::unique_lock lock(m_);
      if (!moved_ && warmed >= std::min(size_, cursor + kAhead)) {  // nothing left to do
        wake_.wait(lock, [this] { return stop_ || moved_; });
      }
      if (stop_) return;
      cursor = cursor_;
      moved_ = false;
    }
    const std::size_t behind = cursor > kBehind ? (cursor - kBehind) / page * page : 0;
    if (behind > released) {
      madvise(base + released, behind - released, MADV_DONTNEED);
      released = behind;
    }
    warmed = std::max(warmed, released);
    const std::size_t goal = std::min(size_, (cursor + kAhead + page - 1) / page * page);
    if (warmed < goal) {
      const std::size_t len = std::min(kSlice, goal - warmed);
      if (populate && madvise(base + warmed, len, MADV_POPULATE_READ) != 0 && errno == EINVAL) {
        populate = false;  // an older kernel: touch a byte of each page instead
      }
      if (!populate) {
        volatile std::uint8_t sink = 0;
        for (std::size_t at = warmed; at < warmed + len; at += page) sink = sink + map_[at];
      }
      warmed += len;
    }
  }
}

}  // namespace tcplens
