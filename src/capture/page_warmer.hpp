// Page-table work for a memory-mapped input, on a thread of its own: the pages ahead of the
// reading thread are faulted in before it gets there, and those behind it are handed back. On a
// bulk capture this kernel work is a quarter of the reading thread's time; here it runs beside
// the analysis instead of inside it, and the resident size stays a window around the cursor.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace tcplens {

class PageWarmer {
 public:
  static constexpr std::size_t kAhead = 16 << 20;  // faulted in ahead of the cursor
  static constexpr std::size_t kBehind = 4 << 20;  // kept behind it (the views handed out)

  PageWarmer(const std::uint8_t* map, std::size_t size);
  ~PageWarmer();
  PageWarmer(const PageWarmer&) = delete;
  PageWarmer& operator=(const PageWarmer&) = delete;

  // The reading thread is at `pos`: warm up to pos + kAhead, release what lies before
  // pos - kBehind. Returns at once.
  void advance(std::size_t pos);

 private:
  void run();

  const std::uint8_t* map_;
  std::size_t size_;
  std::mutex m_;
  std::condition_variable wake_;
  std::size_t cursor_ = 0;  // the reader's last reported position
  bool moved_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is set up
};

}  // namespace tcplens
