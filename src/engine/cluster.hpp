// A run split over machines (python3 -m tcplens.dask): the same output, byte for byte, as one
// machine's `frames` or `summary --json` over the same inputs.
//   map:    a piece (one input file, or a few that overlap in time, read merged by time as one
//           machine merges them) read and numbered on its own; its TCP frames dealt by the
//           connection hash (flow/shard.hpp) into buckets, each a blob of frame bytes with the
//           frames' numbers in the piece; the piece's facts (frames counted, account, errors,
//           where its TCP frames enter a new idle-look step) beside them.
//   reduce: one bucket of every piece, the pieces in time order, through one analyser with
//           global frame numbers (a piece's numbers offset by the frames counted before it) and
//           the looks for idle connections one machine takes (from every piece's step entries):
//           the bucket's rows or records, rendered, with their first frames.
//   merge:  the buckets' rows in frame order, or records in stream order, stream numbers global
//           (engine/shard_merge.hpp, as the threads of `--threads` are merged).
// Pieces follow one another in time when no frame of a piece comes, in one machine's merge,
// after the first frame of a later one; the client checks that from the files' facts and reads
// files that overlap as one piece (tcplens/dask.py).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/pipeline.hpp"
#include "engine/shard_merge.hpp"
#include "render/frame_writer.hpp"

namespace tcplens::cluster {

// One input file of a piece, as far as it was read.
struct FileFacts {
  std::string name;
  std::uint64_t frames = 0;      // read from it, before the filter
  std::int64_t first_ts_ns = 0;  // its first frame's time
  std::int64_t max_ts_ns = 0;    // its latest frame's time
  std::uint64_t last_at = 0;     // place of its last frame among the piece's reads (1-based; 0: none)
};

// An input's failure, and when in the run it came: opening (before any frame is read) or
// reading, right after the file's last frame (FileFacts::last_at; 0: at the first read).
struct PieceError {
  InputError error;
  bool opening = false;
};

// Where a piece's TCP frames enter a later idle-look step (IdleSchedule) than all its TCP frames
// before: the first TCP frame, then each that does. `number` counts in the piece.
struct StepEntry {
  std::uint64_t number;
  std::int64_t ts_ns;
  std::int64_t step;
};

struct Piece {
  int exit_status = 0;                   // as run_pipeline's (2: the filter is wrong)
  ReadAccount account;                   // frames_read: the frames counted (numbered) in the piece
  std::uint64_t reads = 0;               // frames read, before the filter
  std::optional<std::int64_t> first_ts;  // of the first frame counted
  std::int64_t last_ts = 0;              // of the last frame counted
  std::vector<FileFacts> files;
  std::vector<PieceError> errors;
  std::vector<StepEntry> steps;
  std::vector<std::string> buckets;  // per bucket: its frames (see reduce)
};

// Reads `in.files` (merged by time; filter, idle and linger as given) and deals its TCP frames
// into `buckets` blobs.
Piece map_piece(const InputOptions& in, unsigned buckets);

// A piece's blob of one bucket, with the piece's place in the whole.
struct PieceBucket {
  std::string_view frames;
  std::uint64_t number_offset = 0;           // frames counted before the piece
  std::optional<std::int64_t> previous_ts;   // the last counted frame's time before the piece
};

// A look for idle connections, after frame `number` (global), at `now_ns`: one machine's looks
// are found by the client from every piece's step entries, taken in piece order (a piece's entry
// is a look when its step is later than every TCP frame's before the piece).
struct Sweep {
  std::uint64_t number;
  std::int64_t now_ns;
};

// The bucket's frames as `frames` rows, keyed by frame number (a ShardRows, encoded);
// `first_ts`: the first counted frame's time of the whole run.
std::string reduce_frames(const std::vector<PieceBucket>& pieces, std::int64_t first_ts,
                          FrameFormat format);
// The bucket's connections as `summary --json` records (a ShardOut, encoded).
std::string reduce_records(const std::vector<PieceBucket>& pieces, const std::vector<Sweep>& sweeps,
                           std::int64_t idle_ns, std::int64_t linger_ns);

// The buckets' outputs (in bucket order) merged: the text one machine writes (no header).
std::string merge_frames(const std::vector<std::string_view>& buckets);
// Records: the merge planned over the buckets' texts (which must outlive it).
WholeRecordMerge merge_records(const std::vector<std::string_view>& buckets);

}  // namespace tcplens::cluster
