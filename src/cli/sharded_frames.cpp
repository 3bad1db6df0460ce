#include "cli/sharded_frames.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "flow/shard.hpp"

namespace tcplens {

namespace {

constexpr std::size_t kBatch = 8192;

struct WorkItem {
  std::uint64_t number;
  std::int64_t ts_ns;
  Segment segment;
};

// Frames in input order, dealt out to the shards: each shard's own frames, and which shard
// every frame went to (for putting the rows back in order).
struct Batch {
  std::vector<std::vector<WorkItem>> items;  // per shard
  std::vector<std::uint16_t> order;          // the shard of each frame, in input order

  explicit Batch(unsigned shards) : items(shards) {
    order.reserve(kBatch);
    for (auto& v : items) v.reserve(kBatch / shards + 64);
  }
  void clear() {
    order.clear();
    for (auto& v : items) v.clear();
  }
};

// One rendered row: where it ends in its shard's text, where its stream digits lie, and the
// shard's own number for that stream.
struct RowMark {
  std::uint32_t end;
  std::uint32_t stream_begin;
  std::uint32_t stream_end;
  std::uint32_t local_stream;
};

// What one shard rendered for one batch: its rows back to back.
struct ShardRows {
  std::string text;
  std::vector<RowMark> marks;
};

class ShardPool {
 public:
  ShardPool(unsigned shards, FrameFormat format)
      : format_(format), analyzers_(shards), rows_(shards), global_(shards) {
    for (unsigned w = 0; w < shards; ++w) workers_.emplace_back([this, w] { work(w); });
  }
  ~ShardPool() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& t : workers_) t.join();
  }

  // Hands a batch to the shards (returns at once).
  void dispatch(const Batch* batch) {
    std::lock_guard lock(m_);
    batch_ = batch;
    for (auto& r : rows_) {
      r.text.clear();
      r.marks.clear();
    }
    pending_ = static_cast<unsigned>(workers_.size());
    ++generation_;
    start_.notify_all();
  }

  // Waits for the shards, then appends their rows to `out` in frame order, each with its
  // global stream number: streams are numbered in the order their first frames come, as one
  // analyser numbers them, and a shard's own numbers follow that order within the shard.
  void collect(std::string& out) {
    std::unique_lock lock(m_);
    done_.wait(lock, [this] { return pending_ == 0; });
    if (batch_ == nullptr) return;
    std::vector<std::size_t> row(rows_.size(), 0);
    std::vector<std::size_t> at(rows_.size(), 0);
    for (std::uint16_t shard : batch_->order) {
      const ShardRows& r = rows_[shard];
      const RowMark& mark = r.marks[row[shard]++];
      std::vector<std::uint32_t>& global = global_[shard];
      if (mark.local_stream == global.size()) global.push_back(next_stream_++);
      out.append(r.text, at[shard], mark.stream_begin - at[shard]);
      append_uint(out, global[mark.local_stream]);
      out.append(r.text, mark.stream_end, mark.end - mark.stream_end);
      at[shard] = mark.end;
    }
    batch_ = nullptr;
  }

 private:
  void work(unsigned w) {
    std::uint64_t seen = 0;
    for (;;) {
      const Batch* batch;
      {
        std::unique_lock lock(m_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        batch = batch_;
      }
      ShardRows& out = rows_[w];
      for (const WorkItem& item : batch->items[w]) {
        Verdict v = analyzers_[w].analyze(item.segment, item.ts_ns, item.number);
        FrameRow row{item.number, item.ts_ns, &item.segment, &v};
        StreamDigits digits;
        if (format_ == FrameFormat::tsv) {
          append_tsv_row(out.text, row, &digits);
        } else {
          append_json_row(out.text, row, &digits);
        }
        out.marks.push_back(RowMark{static_cast<std::uint32_t>(out.text.size()),
                                    static_cast<std::uint32_t>(digits.begin),
                                    static_cast<std::uint32_t>(digits.end), v.stream});
      }
      {
        std::lock_guard lock(m_);
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }

  FrameFormat format_;
  std::vector<TcpAnalyzer> analyzers_;
  std::vector<ShardRows> rows_;
  std::vector<std::vector<std::uint32_t>> global_;  // per shard: its stream -> global stream
  std::uint32_t next_stream_ = 0;
  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable start_, done_;
  const Batch* batch_ = nullptr;
  std::uint64_t generation_ = 0;
  unsigned pending_ = 0;
  bool stop_ = false;
};

}  // namespace

int run_frames_sharded(const FramesOptions& options, unsigned threads, const RunContext& ctx) {
  OutputBuffer out(STDOUT_FILENO);
  bool headed = false;
  auto header = [&] {
    if (!headed && options.format == FrameFormat::tsv) append_tsv_header(out.raw());
    headed = true;
  };
  ShardPool pool(threads, options.format);
  // Two batches: the shards work on one while this thread fills the other.
  Batch batches[2] = {Batch(threads), Batch(threads)};
  int filling = 0;
  bool in_flight = false;
  auto hand_over = [&] {
    if (in_flight) {
      pool.collect(out.raw());
      out.maybe_flush();
    }
    pool.dispatch(&batches[filling]);
    in_flight = true;
    filling = 1 - filling;
    batches[filling].clear();
  };
  auto sink = [&](std::uint64_t number, const RawFrame& raw, const Segment& segment) {
    header();
    const std::uint32_t shard = shard_of(segment, threads);
    Batch& b = batches[filling];
    b.items[shard].push_back(WorkItem{number, raw.ts_ns, segment});
    b.order.push_back(static_cast<std::uint16_t>(shard));
    if (b.order.size() == kBatch) hand_over();
    return !out.closed();
  };
  RunResult result = read_segments(options.input, sink, ctx);
  const bool any = result.account.frames_read + (result.exit_status == kExitOk) > 0;
  if (any) header();
  if (!batches[filling].order.empty()) hand_over();
  if (in_flight) pool.collect(out.raw());
  if (any && options.format == FrameFormat::json) append_account_json(out.raw(), result.account);
  out.flush();
  if (out.closed()) return out.failed() ? kExitUnreadable : kExitOk;
  if (!options.quiet && result.exit_status != kExitUsage) {
    fmt::print(stderr, "{}\n", account_line(result.account));
  }
  return result.exit_status;
}

}  // namespace tcplens
