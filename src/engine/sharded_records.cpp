#include "engine/sharded_records.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "engine/records.hpp"
#include "engine/shard_batches.hpp"
#include "engine/shard_merge.hpp"
#include "flow/shard.hpp"
#include "render/frame_writer.hpp"

namespace tcplens {

namespace {

constexpr std::size_t kBatchFrames = 2048;
constexpr std::size_t kRing = 16;  // batches in flight

// The reading thread's shard (0) gets this part of a fair share of the connections: it also
// reads, decodes and deals out every frame, where the last shard's thread puts every record in
// order (and copies its text). Tried on many.pcap and bulkmix.pcap (`hyperfine`, 0.4 to 1.85):
// 0.75-0.9 fastest; above 1 slower again.
constexpr double kReadingShare = 0.85;

// A segment handed to another shard, decoded.
struct SegmentItem {
  std::uint64_t number;
  std::int64_t ts_ns;
  Segment segment;
};

// A look for long-idle connections, due after a shard's first `after` items of the batch.
struct Sweep {
  std::size_t after;
  std::int64_t now_ns;
};

struct Batch {
  std::vector<std::vector<SegmentItem>> items;  // per shard (0 unused: analysed at once)
  std::vector<std::vector<Sweep>> sweeps;       // per shard (0 unused)
  std::vector<ShardOut> out;                    // per shard

  void reset(unsigned shards) {
    if (items.size() != shards) {
      items.resize(shards);
      sweeps.resize(shards);
      out.resize(shards);
    }
    for (auto& v : items) v.clear();
    for (auto& v : sweeps) v.clear();
    for (auto& o : out) o.clear();
  }
};

// Shard 0 runs on the reading thread; shards 1…N-1 on threads of their own. The last of them
// also puts each batch's records in order: the streams the shards opened in the batch get global
// numbers in the order of their first frames (as one analyser numbers them; a shard's own
// numbers follow that order), and records wait, as in stream_records, only for the streams
// before them.
class RecordPool {
 public:
  RecordPool(unsigned shards, std::int64_t idle_ns, std::int64_t linger_ns,
             const RecordRender& render, const RenderedEmit& emit)
      : merger_(shards, emit),
        finals_(shards),
        shards_(shards),
        after_end_(shards, 0),
        idle_ns_(idle_ns),
        shard_count_(shards) {
    for (unsigned w = 1; w < shards; ++w) shards_[w].emplace(render, linger_ns);
    batches_.emplace(shards, Batches::Steps{[this](unsigned w, Batch& b) { run(w, b); },
                                            [this](Batch& b) { merger_.merge(b.out); },
                                            [this](unsigned w) { end(w); }});
  }

  Batch& filling() { return batches_->filling(); }
  void publish() { batches_->publish(); }
  // Shard 0's records of the streams still open at the end.
  ShardOut& final_of_reader() { return finals_[0]; }
  // Lets the shards finish (shard 0's final records must be in place), and waits for them.
  void close() { batches_->close(); }
  // After close(): the shards' frames that came after their connection's record (shard 0 not
  // counted: it is the reader's).
  [[nodiscard]] std::uint64_t frames_after_end() const {
    std::uint64_t n = 0;
    for (std::uint64_t a : after_end_) n += a;
    return n;
  }

 private:
  using Batches = ShardBatches<Batch, kRing>;

  // After shard w's last batch: its open streams' records; the last shard then (every other
  // shard having ended, shard 0 before close()) hands on all that is left.
  void end(unsigned w) {
    shards_[w]->finish(finals_[w]);
    after_end_[w] = shards_[w]->maker.story.frames_after_end();
    shards_[w].reset();  // its connections freed on its own thread
    if (w + 1 != shard_count_) return;
    merger_.merge(finals_);
    merger_.finish();
  }

  // A shard's frames of the batch, with its looks for idle connections in their places.
  void run(unsigned w, Batch& batch) {
    RecordShard& shard = *shards_[w];
    const auto& items = batch.items[w];
    ShardOut& out = batch.out[w];
    std::size_t sweep = 0;
    const auto& sweeps = batch.sweeps[w];
    for (std::size_t i = 0; i <= items.size(); ++i) {
      for (; sweep < sweeps.size() && sweeps[sweep].after == i; ++sweep) {
        shard.sweep(sweeps[sweep].now_ns, idle_ns_, out);
      }
      if (i == items.size()) break;
      shard.frame(items[i].segment, items[i].ts_ns, items[i].number, out);
    }
  }

  RecordMerger merger_;
  std::vector<ShardOut> finals_;  // per shard: records of the streams open at the end
  std::vector<std::optional<RecordShard>> shards_;  // 1…N-1 (shard 0 is the reading thread's)
  std::vector<std::uint64_t> after_end_;            // per shard, set as it ends
  std::int64_t idle_ns_;
  unsigned shard_count_;
  std::optional<Batches> batches_;  // last: its threads start once everything above exists
};

}  // namespace

RunResult stream_records_sharded(const InputOptions& input, const RunContext& ctx, unsigned threads,
                                 const RecordRender& render, const RenderedEmit& emit) {
  threads = std::clamp(threads, 2u, 64u);
  const std::int64_t idle = input.idle_timeout_ns;
  RecordPool pool(threads, idle, input.linger_ns, render, emit);
  std::optional<RecordShard> shard0(std::in_place, render, input.linger_ns);
  const ShardMap shard_of(threads, kReadingShare / threads);
  // stream_records' looks for idle connections, at the same frames, for every shard.
  IdleSchedule schedule(idle, input.linger_ns);
  std::size_t frames = 0;
  auto sink = [&](std::uint64_t number, const RawFrame& raw, const Segment& segment) {
    if (frames == kBatchFrames) {
      pool.publish();
      frames = 0;
    }
    ++frames;
    Batch& b = pool.filling();
    const std::uint32_t shard = shard_of(segment);
    if (shard == 0) {
      shard0->frame(segment, raw.ts_ns, number, b.out[0]);
    } else {
      b.items[shard].push_back(SegmentItem{number, raw.ts_ns, segment});
    }
    if (schedule.due(raw.ts_ns)) {
      shard0->sweep(raw.ts_ns, idle, b.out[0]);
      for (unsigned s = 1; s < threads; ++s) b.sweeps[s].push_back({b.items[s].size(), raw.ts_ns});
    }
    return true;
  };
  RunResult result = read_segments(input, sink, ctx);
  if (frames != 0) pool.publish();
  shard0->finish(pool.final_of_reader());
  const std::uint64_t after_end0 = shard0->maker.story.frames_after_end();
  shard0.reset();
  pool.close();
  result.account.frames_after_end = after_end0 + pool.frames_after_end();
  return result;
}

}  // namespace tcplens
