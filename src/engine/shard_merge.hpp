// The pieces a run split by connections shares, whether its shards are threads (`--threads`:
// engine/sharded_frames.cpp, engine/sharded_records.cpp) or tasks on other machines
// (engine/cluster.hpp): a shard's rendered rows or records, each marked with the shard's own
// stream number, and the merges that put them in the order one analyser gives, with global
// stream numbers (streams numbered in the order of their first frames; a shard's own numbers
// follow that order).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/records.hpp"
#include "engine/sharded_records.hpp"
#include "render/frame_writer.hpp"

namespace tcplens {

// No stream number in a row (`frames -e` without tcp.stream): nothing to replace.
inline constexpr std::uint32_t kNoStream = UINT32_MAX;

// One rendered row: its place in the merged order (a frame's index in its batch, or its frame
// number), where it ends in its shard's text, where its stream digits lie, and the shard's own
// number for that stream.
struct RowMark {
  std::uint64_t key;
  std::uint32_t end;
  std::uint32_t stream_begin;
  std::uint32_t stream_end;
  std::uint32_t local_stream;
};

// What one shard rendered: its rows back to back.
struct ShardRows {
  std::string text;
  std::vector<RowMark> marks;

  void clear() {
    text.clear();
    marks.clear();
  }
  void add(std::uint64_t key, const FrameRow& row, FrameFormat format, const FieldLayout* fields);
};

// Merges shards' rows by key, stream numbers global, across successive calls (batches).
class RowMerger {
 public:
  explicit RowMerger(unsigned shards) : global_(shards) {}
  void merge(const std::vector<ShardRows>& rows, std::string& out);

 private:
  std::vector<std::vector<std::uint32_t>> global_;  // per shard: its stream -> global stream
  std::uint32_t next_stream_ = 0;
};

// One rendered record in a shard's text: where it ends, its stream field, its flag, and the
// shard's own number for its stream.
struct RecordMark {
  std::size_t end;
  StreamField field;
  std::uint32_t local_stream;
  bool flag;
};

// A stream a shard opened: its first frame's number and the shard's own number for it.
using StreamStart = std::pair<std::uint64_t, std::uint32_t>;

// What one shard made of its frames: the streams it opened (its own numbers, in order, with
// their first frames) and the rendered records of the connections that ended or went idle.
struct ShardOut {
  std::vector<StreamStart> starts;
  std::string text;
  std::vector<RecordMark> marks;
  void clear() {
    starts.clear();
    text.clear();
    marks.clear();
  }
  void add(const RecordRender& render, const ConnectionRecord& r);
};

// One shard's connections, as stream_records makes their records (RecordMaker), each record
// rendered as it is taken.
struct RecordShard {
  RecordShard(const RecordRender& r, std::int64_t linger_ns) : render(r) {
    maker.linger_ns = linger_ns;
  }
  const RecordRender& render;
  RecordMaker maker;

  void frame(const Segment& s, std::int64_t ts_ns, std::uint64_t number, ShardOut& out);
  void sweep(std::int64_t now_ns, std::int64_t idle_ns, ShardOut& out);
  void finish(ShardOut& out);
};

// Global stream numbers for the streams the shards opened, in the order of their first frames,
// across successive calls (batches).
class StreamNumbering {
 public:
  explicit StreamNumbering(unsigned shards) : global_(shards) {}
  // Numbers the streams in `starts` (one list per shard, each in its first frames' order).
  void add(const std::vector<const std::vector<StreamStart>*>& starts);
  [[nodiscard]] std::uint32_t global(std::size_t shard, std::uint32_t local) const {
    return global_[shard][local];
  }

 private:
  std::vector<std::vector<std::uint32_t>> global_;  // per shard: its stream -> global stream
  std::uint32_t next_ = 0;
};

// Puts shards' records in stream order, across successive calls (batches): the streams the
// shards opened get global numbers in the order of their first frames, and records wait, as in
// stream_records, only for the streams before them.
class RecordMerger {
 public:
  RecordMerger(unsigned shards, const RenderedEmit& emit) : numbers_(shards), emit_(emit) {}
  void merge(const std::vector<ShardOut>& outs);
  // After the last merge: the records still waiting (for streams never seen: gaps).
  void finish();

 private:
  StreamNumbering numbers_;
  std::map<std::uint32_t, std::pair<std::string, bool>> waiting_;  // text and flag, by stream
  std::string ready_;  // the text of the record that is next in stream order
  const RenderedEmit& emit_;
  std::uint32_t next_emit_ = 0;
};

// Every shard's whole output at once (the cluster's merge, engine/cluster.cpp): the records
// sorted by global stream and written once, straight from the shards' texts into a buffer of
// the exact size (no record waits, no copy of a shard's text: outputs of gigabytes).
class WholeRecordMerge {
 public:
  // A shard's output with its text left where it is (which must outlive the merge).
  struct Shard {
    std::vector<StreamStart> starts;
    std::vector<RecordMark> marks;
    std::string_view text;
  };
  explicit WholeRecordMerge(std::vector<Shard> shards);
  [[nodiscard]] std::size_t size() const { return size_; }
  // Writes size() bytes at `out`.
  void write(char* out) const;

 private:
  struct Place {
    std::uint32_t stream;
    std::uint32_t shard;
    std::size_t mark;
  };
  // Where the shard's `mark`-th record starts in its text (where the one before it ends).
  static std::size_t begin_of(const Shard& shard, std::size_t mark);
  std::vector<Shard> shards_;
  std::vector<Place> places_;  // in stream order (records of one stream in their shards' order)
  std::size_t size_ = 0;
};

// A record as `summary --json` prints it (with its newline), its stream field noted: the
// number after `{"stream":`. Returns whether the connection is troubled.
bool render_summary_json(const ConnectionRecord& r, std::string& text, StreamField& field);

}  // namespace tcplens
