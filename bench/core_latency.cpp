// core_latency: what it costs to move data between two cores on this machine, the price every
// frame pays when `frames --threads` hands it to another shard (docs/performance.md).
//
//   round trip   two threads bounce one cache line (an atomic counter) back and forth;
//   handed over  one thread writes 64 MiB in 1 MiB pieces, the other reads each piece as it is
//                published (a line at a time), against one thread writing and reading it itself.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double round_trip_ns(int rounds) {
  alignas(64) std::atomic<int> ball{0};
  std::thread other([&] {
    for (int i = 0; i < rounds; ++i) {
      while (ball.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      ball.store(2 * i + 2, std::memory_order_release);
    }
  });
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    ball.store(2 * i + 1, std::memory_order_release);
    while (ball.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  const auto end = Clock::now();
  other.join();
  return std::chrono::duration<double, std::nano>(end - start).count() / rounds;
}

constexpr std::size_t kSize = 64 << 20;
constexpr std::size_t kPiece = 1 << 20;

// Bytes per second read by a thread from pieces another thread has just written.
double handed_over(std::vector<unsigned char>& buf, long& sum) {
  std::atomic<std::size_t> ready{0};
  const auto start = Clock::now();
  std::thread writer([&] {
    for (std::size_t at = 0; at < kSize; at += kPiece) {
      std::memset(buf.data() + at, static_cast<int>(at >> 20), kPiece);
      ready.store(at + kPiece, std::memory_order_release);
    }
  });
  for (std::size_t at = 0; at < kSize; at += 64) {
    while (ready.load(std::memory_order_acquire) <= at) {
    }
    sum += buf[at];
  }
  writer.join();
  return kSize / std::chrono::duration<double>(Clock::now() - start).count();
}

// The same bytes written and read by one thread.
double same_thread(std::vector<unsigned char>& buf, long& sum) {
  const auto start = Clock::now();
  for (std::size_t at = 0; at < kSize; at += kPiece) {
    std::memset(buf.data() + at, static_cast<int>(at >> 20) + 1, kPiece);
    for (std::size_t i = at; i < at + kPiece; i += 64) sum += buf[i];
  }
  return kSize / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main() {
  std::vector<unsigned char> buf(kSize, 1);
  long sum = 0;
  std::printf("round trip of a cache line between two threads: %.0f ns\n", round_trip_ns(200000));
  std::printf("read just after another thread wrote it: %.2f GB/s\n", handed_over(buf, sum) / 1e9);
  std::printf("read just after this thread wrote it:    %.2f GB/s\n", same_thread(buf, sum) / 1e9);
  return sum == 42 ? 1 : 0;  // (uses the sum, so the reads are not optimised away)
}
