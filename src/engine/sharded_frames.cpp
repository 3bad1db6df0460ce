#include "engine/sharded_frames.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <vector>

#include "engine/shard_batches.hpp"
#include "engine/shard_merge.hpp"
#include "flow/shard.hpp"

namespace tcplens {

namespace {

constexpr std::size_t kBatchFrames = 2048;
// Batches in flight: a shard whose connections are quiet for a while runs this far ahead of a
// busy one (captures often hold one connection's frames back to back).
constexpr std::size_t kRing = 16;

// The reading thread's shard gets this part of a fair share of the connections: it also reads,
// decodes and deals out every frame. perf, --threads 2 with equal shares: the reading thread
// had 52-55 % of the samples (many.pcap, bulkmix.pcap), the other shard 29-43 % (and the page
// warmer the rest); a 42 % share evens that out.
constexpr double kReadingShare = 0.84;

// A segment handed to another shard, decoded (so that shard never touches the frame's bytes,
// which the reading thread has in its cache and may not keep).
struct SegmentItem {
  std::uint64_t number;
  std::int64_t ts_ns;
  std::uint32_t index;  // the frame's place in its batch
  std::uint32_t cap_len;
  std::uint32_t wire_len;
  std::int64_t since_first_ns;
  std::int64_t since_previous_ns;
  Segment segment;
};

// TCP frames read in one go, and the rows rendered for them. The reading thread fills `items`
// and shard 0's rows; shard w > 0 fills rows[w].
struct Batch {
  std::vector<std::vector<SegmentItem>> items;  // per shard (0 unused)
  std::vector<ShardRows> rows;                  // per shard
  std::size_t frames = 0;

  void reset(unsigned shards) {
    if (items.size() != shards) {
      items.resize(shards);
      rows.resize(shards);
    }
    for (auto& v : items) v.clear();
    for (auto& r : rows) r.clear();
    frames = 0;
  }
};

// Shard 0 runs on the reading thread: it decodes every frame (to find its connection's shard),
// analyses and renders its own at once, and queues the others' decoded segments for their
// threads. Shards 1…N-1 each run on a thread of their own; the last of them also merges every
// batch's rows in frame order (by frame index) and writes them out, putting global stream
// numbers in place of the shards' own (streams numbered in the order their first frames come,
// as one analyser numbers them; a shard's own numbers follow that order). So N cores run N
// threads, each with its share of the connections; reading and merging fall to two of them.
class ShardPool {
 public:
  ShardPool(unsigned shards, FrameFormat format, const FieldLayout* fields, OutputBuffer& out)
      : out_(out),
        merger_(shards),
        analyzers_(shards),
        fields_(fields),
        format_(format) {
    for (unsigned w = 1; w < shards; ++w) analyzers_[w].emplace(fields != nullptr);
    batches_.emplace(shards, Batches::Steps{[this](unsigned w, Batch& b) { run(w, b); },
                                            [this](Batch& b) { merge(b); },
                                            [this](unsigned w) { analyzers_[w].reset(); }});
  }

  // The batch being filled.
  Batch& filling() { return batches_->filling(); }
  // Hands the batch being filled to the shards, then waits until the next slot is merged.
  void publish() { batches_->publish(); }
  // Lets the shards finish the batches published so far, and waits for them.
  void close() { batches_->close(); }

  // The output went away (seen by the merging thread).
  [[nodiscard]] bool output_closed() const {
    return output_closed_.load(std::memory_order_relaxed);
  }

 private:
  using Batches = ShardBatches<Batch, kRing>;

  // Shard w's frames of the batch, analysed and rendered.
  void run(unsigned w, Batch& batch) {
    TcpAnalyzer& analyzer = *analyzers_[w];
    ShardRows& rows = batch.rows[w];
    for (const SegmentItem& f : batch.items[w]) {
      Verdict v = analyzer.analyze(f.segment, f.ts_ns, f.number);
      rows.add(f.index,
               FrameRow{f.number, f.ts_ns, &f.segment, &v, f.cap_len, f.wire_len, f.since_first_ns,
                        f.since_previous_ns},
               format_, fields_);
    }
  }

  void merge(const Batch& batch) {
    if (output_closed_.load(std::memory_order_relaxed)) return;
    merger_.merge(batch.rows, out_.raw());
    out_.maybe_flush();
    if (out_.closed()) output_closed_.store(true, std::memory_order_relaxed);
  }

  OutputBuffer& out_;  // written by the merging thread while it runs
  RowMerger merger_;
  // Shards 1…N-1's analysers, each freed on its own thread at the end (in parallel).
  std::vector<std::optional<TcpAnalyzer>> analyzers_;
  const FieldLayout* fields_;  // `frames -e`, or null for the 23 columns
  FrameFormat format_;
  std::atomic<bool> output_closed_{false};
  std::optional<Batches> batches_;  // last: its threads start once everything above exists
};

}  // namespace

RunResult sharded_frames(const InputOptions& input, FrameFormat format, const FieldLayout* fields,
                         unsigned threads, OutputBuffer& out, bool& headed, const RunContext& ctx) {
  threads = std::clamp(threads, 2u, 64u);
  // The header is written before any batch is published (so before the merging thread writes).
  headed = false;
  auto header = [&] {
    if (!headed) append_frame_header(out.raw(), format, fields);
    headed = true;
  };
  ShardPool pool(threads, format, fields, out);
  std::optional<TcpAnalyzer> analyzer(std::in_place, fields != nullptr);  // shard 0's
  const ShardMap shard_of(threads, kReadingShare / threads);
  auto sink = [&](std::uint64_t number, const RawFrame& raw, const Segment& segment) {
    header();
    if (pool.filling().frames == kBatchFrames) pool.publish();
    Batch& b = pool.filling();
    const auto index = static_cast<std::uint32_t>(b.frames++);
    const std::uint32_t shard = shard_of(segment);
    const auto cap_len = static_cast<std::uint32_t>(raw.bytes.size());
    const std::int64_t since_first = raw.ts_ns - raw.first_ts_ns;
    const std::int64_t since_previous = raw.ts_ns - raw.previous_ts_ns;
    if (shard == 0) {
      Verdict v = analyzer->analyze(segment, raw.ts_ns, number);
      b.rows[0].add(index,
                    FrameRow{number, raw.ts_ns, &segment, &v, cap_len, raw.wire_len, since_first,
                             since_previous},
                    format, fields);
    } else {
      b.items[shard].push_back(SegmentItem{number, raw.ts_ns, index, cap_len, raw.wire_len,
                                           since_first, since_previous, segment});
    }
    return !pool.output_closed();
  };
  RunResult result = read_segments(input, sink, ctx);
  if (pool.filling().frames != 0) pool.publish();
  analyzer.reset();  // its connections are freed while the other shards finish
  pool.close();
  return result;
}

}  // namespace tcplens
