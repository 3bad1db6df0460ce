#include "engine/sharded_records.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <vector>

#include "engine/records.hpp"
#include "engine/shard_batches.hpp"
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

// One rendered record in a shard's text: where it ends, its stream field, its flag, and the
// shard's own number for its stream.
struct RecordMark {
  std::size_t end;
  StreamField field;
  std::uint32_t local_stream;
  bool flag;
};

// What one shard made of one batch: the streams it opened (its own numbers, in order, with
// their first frames) and the rendered records of the connections that ended or went idle
// (rendered there, so that a record never leaves the thread that allocated it).
struct ShardOut {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> starts;
  std::string text;
  std::vector<RecordMark> marks;
  void clear() {
    starts.clear();
    text.clear();
    marks.clear();
  }
  void add(const RecordRender& render, const ConnectionRecord& r) {
    const std::size_t begin = text.size();
    StreamField field;
    const bool flag = render(r, text, field);
    field.begin += begin;
    field.end += begin;
    marks.push_back(RecordMark{text.size(), field, r.stream, flag});
  }
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

// One shard's connections, as stream_records makes their records (RecordMaker), each record
// rendered as it is taken.
struct Shard {
  Shard(const RecordRender& r, std::int64_t linger_ns) : render(r) { maker.linger_ns = linger_ns; }
  const RecordRender& render;
  RecordMaker maker;

  void frame(const Segment& s, std::int64_t ts_ns, std::uint64_t number, ShardOut& out) {
    const Verdict v = maker.analyzer.analyze(s, ts_ns, number);
    if (v.new_stream) out.starts.emplace_back(number, v.stream);
    maker.tell(s, v, ts_ns, [&](ConnectionRecord&& r) { out.add(render, r); });
  }
  void sweep(std::int64_t now_ns, std::int64_t idle_ns, ShardOut& out) {
    maker.sweep(now_ns, idle_ns, [&](ConnectionRecord&& r) { out.add(render, r); });
  }
  void finish(ShardOut& out) {
    for (ConnectionRecord& r : maker.story.finish()) out.add(render, r);
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
      : global_(shards),
        finals_(shards),
        shards_(shards),
        emit_(emit),
        idle_ns_(idle_ns),
        shard_count_(shards) {
    for (unsigned w = 1; w < shards; ++w) shards_[w].emplace(render, linger_ns);
    batches_.emplace(
        shards, Batches::Steps{[this](unsigned w, Batch& b) { run(w, b); },
                               [this](Batch& b) { merge(b.out); }, [this](unsigned w) { end(w); }});
  }

  Batch& filling() { return batches_->filling(); }
  void publish() { batches_->publish(); }
  // Shard 0's records of the streams still open at the end.
  ShardOut& final_of_reader() { return finals_[0]; }
  // Lets the shards finish (shard 0's final records must be in place), and waits for them.
  void close() { batches_->close(); }

 private:
  using Batches = ShardBatches<Batch, kRing>;

  // After shard w's last batch: its open streams' records; the last shard then (every other
  // shard having ended, shard 0 before close()) hands on all that is left.
  void end(unsigned w) {
    shards_[w]->finish(finals_[w]);
    shards_[w].reset();  // its connections freed on its own thread
    if (w + 1 != shard_count_) return;
    merge(finals_);
    for (auto& [stream, text] : waiting_) emit_(text.first, text.second);  // gaps: never seen
    waiting_.clear();
  }

  // A shard's frames of the batch, with its looks for idle connections in their places.
  void run(unsigned w, Batch& batch) {
    Shard& shard = *shards_[w];
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

  void merge(std::vector<ShardOut>& outs) {
    // The streams opened, in the order of their first frames.
    std::array<std::size_t, 64> at{};
    for (;;) {
      unsigned best = shard_count_;
      std::uint64_t best_frame = UINT64_MAX;
      for (unsigned s = 0; s < shard_count_; ++s) {
        const auto& starts = outs[s].starts;
        if (at[s] < starts.size() && starts[at[s]].first < best_frame) {
          best = s;
          best_frame = starts[at[s]].first;
        }
      }
      if (best == shard_count_) break;
      const std::uint32_t local = outs[best].starts[at[best]++].second;
      std::vector<std::uint32_t>& global = global_[best];
      if (local >= global.size()) global.resize(local + 1, UINT32_MAX);
      global[local] = next_stream_++;
    }
    for (unsigned s = 0; s < shard_count_; ++s) {
      const ShardOut& out = outs[s];
      std::size_t at_text = 0;
      for (const RecordMark& m : out.marks) {
        const std::uint32_t stream = global_[s][m.local_stream];
        std::string& text = stream == next_emit_ ? ready_ : waiting_[stream].first;
        text.clear();
        text.append(out.text, at_text, m.field.begin - at_text);
        const std::size_t digits = text.size();
        append_uint(text, stream);
        const auto pad = static_cast<std::size_t>(m.field.width);
        if (text.size() - digits < pad) text.insert(digits, pad - (text.size() - digits), ' ');
        text.append(out.text, m.field.end, m.end - m.field.end);
        at_text = m.end;
        if (stream != next_emit_) {
          waiting_[stream].second = m.flag;
          continue;
        }
        emit_(ready_, m.flag);
        ++next_emit_;
        for (auto it = waiting_.begin(); it != waiting_.end() && it->first == next_emit_;
             it = waiting_.erase(it), ++next_emit_) {
          emit_(it->second.first, it->second.second);
        }
      }
    }
  }

  std::vector<std::vector<std::uint32_t>> global_;  // per shard: its stream -> global stream
  std::map<std::uint32_t, std::pair<std::string, bool>> waiting_;  // text and flag, by stream
  std::string ready_;                         // the text of the record that is next in stream order
  std::vector<ShardOut> finals_;              // per shard: records of the streams open at the end
  std::vector<std::optional<Shard>> shards_;  // 1…N-1 (shard 0 is the reading thread's)
  const RenderedEmit& emit_;
  std::int64_t idle_ns_;
  unsigned shard_count_;
  std::uint32_t next_stream_ = 0;
  std::uint32_t next_emit_ = 0;
  std::optional<Batches> batches_;  // last: its threads start once everything above exists
};

}  // namespace

RunResult stream_records_sharded(const InputOptions& input, const RunContext& ctx, unsigned threads,
                                 const RecordRender& render, const RenderedEmit& emit) {
  threads = std::clamp(threads, 2u, 64u);
  const std::int64_t idle = input.idle_timeout_ns;
  RecordPool pool(threads, idle, input.linger_ns, render, emit);
  std::optional<Shard> shard0(std::in_place, render, input.linger_ns);
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
  shard0.reset();
  pool.close();
  return result;
}

}  // namespace tcplens
