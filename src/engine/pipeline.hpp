// The engine loop shared by every command: read frames (merged by time), decode, analyse, hand
// each analysed frame to a sink, and account for every frame read.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/tcp_analyzer.hpp"
#include "capture/live_capture.hpp"
#include "capture/merged_source.hpp"
#include "capture/tcpdump_text.hpp"
#include "decode/decode.hpp"
#include "render/output_buffer.hpp"

namespace tcplens {

struct InputOptions {
  std::vector<std::string> files;  // capture files, tcpdump text, folders of captures; "-": stdin
  std::string interface;           // live capture when not empty
  std::int64_t count = -1;         // stop after this many frames (-1: no limit)
  // Every frame read (after the filter, live or from files, TCP or not) saved as pcap; written
  // under a temporary name and renamed when complete (capture/output_file.hpp).
  std::string write_file;
  std::string filter;  // BPF expression
  TextOptions text;    // for tcpdump text inputs
  // Connection records (summary, explain, report): a connection with no frame for this long
  // (capture time) is reported and its state released; 0 keeps every connection to the end.
  std::int64_t idle_timeout_ns = 1800 * std::int64_t{1'000'000'000};
  // A closed connection's record waits this long (capture time) after its last frame for more
  // frames of its stream (the last ACK, a resent FIN, a reused 4-tuple): Linux's TIME_WAIT.
  std::int64_t linger_ns = 60 * std::int64_t{1'000'000'000};
};

// An input that could not be opened, or failed part-way (offset: where, or -1).
struct InputError {
  std::string file;
  std::string reason;
  std::int64_t offset = -1;
};

struct ReadAccount {
  std::uint64_t frames_read = 0;
  std::uint64_t tcp_analysed = 0;
  // Record commands: analysed frames of a stream whose record was already written (it lingered
  // closed --linger seconds, or went idle --idle-timeout seconds, before them); in no record.
  std::uint64_t frames_after_end = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(SkipReason::count_)> skipped{};
  bool interrupted = false;
  bool have_live_stats = false;
  std::uint64_t live_received = 0;
  std::uint64_t live_dropped = 0;
  std::vector<InputError> errors;
};

struct AnalysedFrame {
  std::uint64_t number;
  std::int64_t ts_ns;
  const RawFrame* raw;
  const Segment* segment;
  const Verdict* verdict;
};

// Returns false to stop reading (e.g. the output was closed).
using FrameSink = std::function<bool(const AnalysedFrame&)>;

struct RunResult {
  int exit_status = 0;  // 0 ok, 1 nothing readable, 3 an input was damaged
  ReadAccount account;
};

// Exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUnreadable = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDamaged = 3;

// How far a run has read, for a progress display (the engine draws nothing itself).
struct Progress {
  std::uint64_t frames_read = 0;
  std::uint64_t bytes_read = 0;   // the frames' captured bytes and their pcap record headers
  std::uint64_t bytes_total = 0;  // the inputs' sizes; 0 when unknown (a pipe, compressed)
  bool done = false;              // the last call: the run has ended
};

struct RunContext {
  bool quiet = false;
  std::atomic<bool>* stop = nullptr;  // set from a signal handler
  // Set by run_pipeline while reading live, so a signal handler can break the capture.
  std::atomic<LiveCapture*>* live_source = nullptr;
  // Live capture: called when 0.1 s passes with nothing captured (LiveCapture::on_quiet).
  std::function<void()> on_quiet;
  // Unless quiet: called every 4096 frames read, and once with `done` at the end (the command
  // line draws its progress line with it).
  std::function<void(const Progress&)> on_progress;
  // Told each input error as it happens (the engine prints nothing); the same errors are in
  // the run's ReadAccount::errors at the end. A -w output that cannot be written is told here
  // too (not an input's error: not in the account).
  std::function<void(const InputError&)> on_error;
  // Told what a run leaves out without an error, as it happens: the files of an input folder
  // that are not captures, frames of a link type other than the -w file's.
  std::function<void(const InputError&)> on_note;
  // Told every frame read from the files, in order, with the name of the input it came from and
  // whether it passed the filter (so is counted and numbered): engine/cluster.cpp keeps each
  // input's facts with it.
  std::function<void(const std::string& input, const RawFrame&, bool counted)> on_read;
};

// Output of a live capture reaches its reader within about a tenth of a second, however quiet
// the link (as tcpdump's lines do): flushed at the capture's quiet moments and whenever a frame
// comes 0.1 s (capture time) after the last flush. A file's output goes out in large blocks.
class LiveFlush {
 public:
  // `out` is flushed only if `input` is a live capture; `ctx` gets the quiet-moment hook.
  LiveFlush(OutputBuffer& out, const InputOptions& input, RunContext& ctx)
      : out_(input.interface.empty() ? nullptr : &out) {
    if (out_ != nullptr) ctx.on_quiet = [this] { out_->flush(); };
  }
  void after_frame(std::int64_t ts_ns) {
    if (out_ == nullptr || ts_ns - last_ns_ < kInterval) return;
    out_->flush();
    last_ns_ = ts_ns;
  }

 private:
  static constexpr std::int64_t kInterval = 100'000'000;
  OutputBuffer* out_;
  std::int64_t last_ns_ = 0;
};

// The inputs with each folder replaced by its capture files, in natural order of their names
// (capture/capture_folder.hpp); other paths as they are.
std::vector<std::string> expand_folders(const std::vector<std::string>& files);

// An output that is one of the inputs (the same file, also through a link or as a capture in an
// input folder, or stdin), or two outputs that are one file: the message saying so
// ("x.pcap: is an input too; …"), or "" when none is. For the command line to call before
// anything is opened for writing.
std::string output_clash(const InputOptions& in, const std::vector<std::string>& outputs);

// Opens a path (or "-"): a capture file, or tcpdump text when it does not start like one.
std::unique_ptr<FrameSource> open_input(const std::string& path, const TextOptions& text,
                                        std::string& error);

RunResult run_pipeline(const InputOptions& in, TcpAnalyzer& analyzer, const FrameSink& sink,
                       const RunContext& ctx);

// The reading half of run_pipeline: every decoded TCP segment, in input order, with its frame
// number (for analysers that run elsewhere, e.g. on other threads). Returns false to stop.
using SegmentSink = std::function<bool(std::uint64_t number, const RawFrame&, const Segment&)>;
RunResult read_segments(const InputOptions& in, const SegmentSink& sink, const RunContext& ctx);

// The analysers a sharded command (`frames`, `summary`: `--threads`) gets: one for a live
// capture (its output comes as frames come, where sharded output waits for a full batch; one
// analyser keeps up with a busy link); else `requested`, or when that is 0 (not given) all cores
// for capture files of 64 MiB or more in all, and one otherwise. Sharding pays only once there
// is enough to share: on small files (or connections that follow one another) starting threads
// and merging their output cost more than they save; pipes, whose size is unknown, keep one.
unsigned analyser_threads(unsigned requested, const InputOptions& input);

// "tcplens: N frames read, M TCP frames analysed, K skipped (reason n, …)".
std::string account_line(const ReadAccount& account);

// The same account as the last line of a JSON Lines output: {"account":{…}} (docs/account-json.md).
void append_account_json(std::string& out, const ReadAccount& account);

}  // namespace tcplens
