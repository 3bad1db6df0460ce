#include "cli/sharded_frames.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "flow/stream_numbering.hpp"

namespace tcplens {

namespace {

constexpr std::size_t kBatch = 8192;

struct WorkItem {
  std::uint64_t number;
  std::int64_t ts_ns;
  Segment segment;
  std::uint32_t stream;
  std::uint32_t shard;
};

// What one shard rendered for one batch: its rows back to back, and where each ends.
struct ShardRows {
  std::string text;
  std::vector<std::uint32_t> ends;
};

class ShardPool {
 public:
  ShardPool(unsigned shards, FrameFormat format)
      : format_(format), analyzers_(shards), rows_(shards) {
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
  void dispatch(const std::vector<WorkItem>* batch) {
    std::lock_guard lock(m_);
    batch_ = batch;
    for (auto& r : rows_) {
      r.text.clear();
      r.ends.clear();
    }
    pending_ = static_cast<unsigned>(workers_.size());
    ++generation_;
    start_.notify_all();
  }
  // Waits for the shards, then appends their rows to `out` in frame order.
  void collect(std::string& out) {
    std::unique_lock lock(m_);
    done_.wait(lock, [this] { return pending_ == 0; });
    if (batch_ == nullptr) return;
    std::vector<std::size_t> row(rows_.size(), 0);
    std::vector<std::size_t> at(rows_.size(), 0);
    for (const WorkItem& item : *batch_) {
      ShardRows& r = rows_[item.shard];
      std::size_t end = r.ends[row[item.shard]++];
      out.append(r.text, at[item.shard], end - at[item.shard]);
      at[item.shard] = end;
    }
    batch_ = nullptr;
  }

 private:
  void work(unsigned w) {
    std::uint64_t seen = 0;
    for (;;) {
      const std::vector<WorkItem>* batch;
      {
        std::unique_lock lock(m_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        batch = batch_;
      }
      ShardRows& out = rows_[w];
      for (const WorkItem& item : *batch) {
        if (item.shard != w) continue;
        Verdict v = analyzers_[w].analyze(item.segment, item.ts_ns, item.number, item.stream);
        FrameRow row{item.number, item.ts_ns, &item.segment, &v};
        if (format_ == FrameFormat::tsv) {
          append_tsv_row(out.text, row);
        } else {
          append_json_row(out.text, row);
        }
        out.ends.push_back(static_cast<std::uint32_t>(out.text.size()));
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
  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable start_, done_;
  const std::vector<WorkItem>* batch_ = nullptr;
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
  StreamNumbering numbering;
  FlowKeyHash hash;
  // Two batches: the shards work on one while this thread fills the other.
  std::vector<WorkItem> batches[2];
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
  batches[0].reserve(kBatch);
  batches[1].reserve(kBatch);
  auto sink = [&](std::uint64_t number, const RawFrame& raw, const Segment& segment) {
    header();
    bool opens = false;
    std::uint32_t stream = numbering.assign(segment, opens);
    auto shard = static_cast<std::uint32_t>(hash(FlowKey::of(segment)) % threads);
    batches[filling].push_back(WorkItem{number, raw.ts_ns, segment, stream, shard});
    if (batches[filling].size() == kBatch) hand_over();
    return !out.closed();
  };
  RunResult result = read_segments(options.input, sink, ctx);
  const bool any = result.account.frames_read + (result.exit_status == kExitOk) > 0;
  if (any) header();
  if (!batches[filling].empty()) hand_over();
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
