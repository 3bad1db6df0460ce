#include "engine/cluster.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "engine/records.hpp"
#include "engine/shard_merge.hpp"
#include "flow/shard.hpp"

namespace tcplens::cluster {

namespace {

// A frame in a bucket's blob: this head, then its captured bytes.
struct FrameHead {
  std::uint64_t number;  // in its piece
  std::int64_t ts_ns;
  std::int64_t previous_ts_ns;  // the counted frame's before it in the piece
  std::uint32_t cap_len;
  std::uint32_t wire_len;
  std::int32_t link_type;
  std::uint32_t piece_first;  // 1: the piece's first counted frame (its previous is elsewhere)
};

template <class T>
void put(std::string& out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
void put_all(std::string& out, const std::vector<T>& v) {
  put(out, static_cast<std::uint64_t>(v.size()));
  if (!v.empty()) out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Reads what put/put_all wrote; a blob cut short is a caller's bug (blobs never leave tcplens).
class Reader {
 public:
  explicit Reader(std::string_view blob) : blob_(blob) {}
  template <class T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof v).data(), sizeof v);
    return v;
  }
  template <class T>
  void get_all(std::vector<T>& v) {
    v.resize(get<std::uint64_t>());
    // Plain data (std::pair of integers included), written by put_all on this kind of machine.
    if (!v.empty()) {
      std::memcpy(static_cast<void*>(v.data()), take(v.size() * sizeof(T)).data(),
                  v.size() * sizeof(T));
    }
  }
  std::string_view take(std::size_t n) {
    if (n > blob_.size() - at_) throw std::invalid_argument("tcplens: a cluster blob is cut short");
    std::string_view s = blob_.substr(at_, n);
    at_ += n;
    return s;
  }
  std::string_view rest() { return take(blob_.size() - at_); }
  [[nodiscard]] bool done() const { return at_ == blob_.size(); }

 private:
  std::string_view blob_;
  std::size_t at_ = 0;
};

// Every frame of the pieces' blobs, in order, decoded, with its global number and the time of
// the counted frame before it in the whole run.
template <class Frame>
void for_each_frame(const std::vector<PieceBucket>& pieces, Frame&& frame) {
  Segment segment;
  for (const PieceBucket& p : pieces) {
    Reader r(p.frames);
    while (!r.done()) {
      const auto head = r.get<FrameHead>();
      const std::string_view bytes = r.take(head.cap_len);
      const std::span<const std::uint8_t> span(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                               bytes.size());
      if (decode_frame(head.link_type, span, head.wire_len, segment) != SkipReason::none) continue;
      const std::int64_t previous =
          head.piece_first != 0 ? p.previous_ts.value_or(head.ts_ns) : head.previous_ts_ns;
      frame(head, p.number_offset + head.number, previous, segment);
    }
  }
}

}  // namespace

Piece map_piece(const InputOptions& in, unsigned buckets) {
  Piece piece;
  buckets = std::max(buckets, 1u);
  piece.buckets.resize(buckets);
  const ShardMap bucket_of(buckets, 1.0 / buckets);
  RunContext ctx;
  ctx.quiet = true;
  std::size_t file = 0;  // the facts last told (reads come in runs from one file)
  ctx.on_read = [&](const std::string& name, const RawFrame& raw, bool counted) {
    ++piece.reads;
    if (file >= piece.files.size() || piece.files[file].name != name) {
      file = 0;
      while (file < piece.files.size() && piece.files[file].name != name) ++file;
      if (file == piece.files.size()) piece.files.push_back({name, 0, raw.ts_ns, raw.ts_ns, 0});
    }
    FileFacts& f = piece.files[file];
    ++f.frames;
    f.max_ts_ns = std::max(f.max_ts_ns, raw.ts_ns);
    f.last_at = piece.reads;
    if (!counted) return;
    if (!piece.first_ts) piece.first_ts = raw.ts_ns;
    piece.last_ts = raw.ts_ns;
  };
  ctx.on_error = [&](const InputError& e) {
    // Open failures come before any read, and name no offset.
    piece.errors.push_back({e, piece.reads == 0 && e.offset < 0});
  };
  IdleSchedule schedule(in.idle_timeout_ns, in.linger_ns);
  auto sink = [&](std::uint64_t number, const RawFrame& raw, const Segment& segment) {
    if (schedule.active() && (schedule.due(raw.ts_ns) || piece.steps.empty())) {
      piece.steps.push_back({number, raw.ts_ns, schedule.step_of(raw.ts_ns)});
    }
    std::string& blob = piece.buckets[bucket_of(segment)];
    put(blob, FrameHead{number, raw.ts_ns, raw.previous_ts_ns,
                        static_cast<std::uint32_t>(raw.bytes.size()), raw.wire_len, raw.link_type,
                        number == 1 ? 1u : 0u});
    blob.append(reinterpret_cast<const char*>(raw.bytes.data()), raw.bytes.size());
    return true;
  };
  RunResult result = read_segments(in, sink, ctx);
  piece.exit_status = result.exit_status;
  piece.account = std::move(result.account);
  return piece;
}

std::string reduce_frames(const std::vector<PieceBucket>& pieces, std::int64_t first_ts,
                          FrameFormat format) {
  TcpAnalyzer analyzer(false);
  ShardRows rows;
  for_each_frame(pieces, [&](const FrameHead& head, std::uint64_t number, std::int64_t previous,
                             const Segment& segment) {
    const Verdict v = analyzer.analyze(segment, head.ts_ns, number);
    rows.add(number,
             FrameRow{number, head.ts_ns, &segment, &v, head.cap_len, head.wire_len,
                      head.ts_ns - first_ts, head.ts_ns - previous},
             format, nullptr);
  });
  std::string out;
  put_all(out, rows.marks);
  out += rows.text;
  return out;
}

std::string reduce_records(const std::vector<PieceBucket>& pieces, const std::vector<Sweep>& sweeps,
                           std::int64_t idle_ns, std::int64_t linger_ns) {
  const RecordRender render = render_summary_json;
  RecordShard shard(render, linger_ns);
  ShardOut out;
  std::size_t next_sweep = 0;
  // The looks after frames before `number`, where one machine takes them.
  auto sweep_before = [&](std::uint64_t number) {
    for (; next_sweep < sweeps.size() && sweeps[next_sweep].number < number; ++next_sweep) {
      shard.sweep(sweeps[next_sweep].now_ns, idle_ns, out);
    }
  };
  for_each_frame(pieces, [&](const FrameHead& head, std::uint64_t number, std::int64_t,
                             const Segment& segment) {
    sweep_before(number);
    shard.frame(segment, head.ts_ns, number, out);
  });
  sweep_before(UINT64_MAX);
  shard.finish(out);
  std::string blob;
  put_all(blob, out.starts);
  put_all(blob, out.marks);
  blob += out.text;
  return blob;
}

std::string merge_frames(const std::vector<std::string_view>& buckets) {
  std::vector<ShardRows> rows(buckets.size());
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    Reader r(buckets[b]);
    r.get_all(rows[b].marks);
    rows[b].text = r.rest();
  }
  std::string out;
  RowMerger(static_cast<unsigned>(buckets.size())).merge(rows, out);
  return out;
}

WholeRecordMerge merge_records(const std::vector<std::string_view>& buckets) {
  std::vector<WholeRecordMerge::Shard> shards(buckets.size());
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    Reader r(buckets[b]);
    r.get_all(shards[b].starts);
    r.get_all(shards[b].marks);
    shards[b].text = r.rest();
  }
  return WholeRecordMerge(std::move(shards));
}

}  // namespace tcplens::cluster
