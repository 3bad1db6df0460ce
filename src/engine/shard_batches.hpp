// The hand-over between the reading thread and the shards' threads of a sharded run (`frames
// --threads`, `summary --threads`): batches of decoded frames in a ring, published in order by
// the reading thread (which is shard 0 itself), taken by shards 1…N-1 each on a thread of its
// own; the last of them merges each batch once every shard has done its part, which frees the
// batch's slot for the reading thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace tcplens {

template <class Batch, std::size_t kRing>
class ShardBatches {
 public:
  // Each runs on the shard's own thread: run(w, batch) is shard w's part of a batch;
  // merge(batch), on the last shard's thread, comes after every shard's part of it; end(w)
  // after shard w's last batch (the last shard's after every other's end).
  struct Steps {
    std::function<void(unsigned, Batch&)> run;
    std::function<void(Batch&)> merge;
    std::function<void(unsigned)> end;
  };

  ShardBatches(unsigned shards, Steps steps)
      : steps_(std::move(steps)), done_(shards), shards_(shards) {
    for (auto& b : ring_) b.reset(shards);
    for (unsigned w = 1; w < shards; ++w) workers_.emplace_back([this, w] { work(w); });
  }
  ~ShardBatches() { close(); }
  ShardBatches(const ShardBatches&) = delete;
  ShardBatches& operator=(const ShardBatches&) = delete;

  // The batch being filled by the reading thread.
  Batch& filling() { return ring_[published_ % kRing]; }

  // Hands the batch being filled to the shards, then waits until the next slot is merged.
  void publish() {
    ++published_;
    published_word_.store(published_, std::memory_order_release);
    published_word_.notify_all();
    const std::uint64_t need = published_ >= kRing ? published_ - kRing + 1 : 0;
    wait_until(merged_.value, [need](std::uint64_t merged) { return merged >= need; });
    filling().reset(shards_);
  }

  // Lets the shards finish the batches published so far, and waits for them.
  void close() {
    if (workers_.empty()) return;
    published_word_.store(published_ | kClosed, std::memory_order_release);
    published_word_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

 private:
  // Set in a count once no more will come.
  static constexpr std::uint64_t kClosed = std::uint64_t{1} << 63;

  struct alignas(64) Progress {
    std::atomic<std::uint64_t> value{0};
    void set(std::uint64_t v) {
      value.store(v, std::memory_order_release);
      value.notify_all();
    }
  };

  // Sleeps until `ready(value)` holds for the counter, and returns that value.
  template <class Ready>
  static std::uint64_t wait_until(const std::atomic<std::uint64_t>& counter, Ready ready) {
    for (;;) {
      const std::uint64_t v = counter.load(std::memory_order_acquire);
      if (ready(v)) return v;
      counter.wait(v, std::memory_order_acquire);
    }
  }

  void work(unsigned w) {
    const bool merger = w + 1 == shards_;
    for (std::uint64_t b = 0;; ++b) {
      const std::uint64_t word = wait_until(published_word_, [b](std::uint64_t p) {
        return (p & ~kClosed) > b || (p & kClosed) != 0;
      });
      if ((word & ~kClosed) <= b) break;  // closed, every batch done
      Batch& batch = ring_[b % kRing];
      steps_.run(w, batch);
      if (!merger) {
        done_[w].set(b + 1);
        continue;
      }
      for (unsigned v = 1; v < w; ++v) {
        wait_until(done_[v].value, [b](std::uint64_t done) { return done > b; });
      }
      steps_.merge(batch);
      merged_.set(b + 1);
    }
    if (!merger) {
      steps_.end(w);
      done_[w].set(kClosed);
      return;
    }
    for (unsigned v = 1; v < w; ++v) {
      wait_until(done_[v].value, [](std::uint64_t done) { return done == kClosed; });
    }
    steps_.end(w);
  }

  Progress merged_;  // batches merged (a cache line of its own)
  Steps steps_;
  std::vector<Progress> done_;  // per middle shard: batches done, kClosed
  std::array<Batch, kRing> ring_;
  std::vector<std::thread> workers_;
  std::uint64_t published_ = 0;                   // the reading thread's own count
  std::atomic<std::uint64_t> published_word_{0};  // published_, and kClosed at the end
  unsigned shards_;
};

}  // namespace tcplens
