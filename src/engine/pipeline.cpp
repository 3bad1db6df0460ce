#include "engine/pipeline.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <thread>

#include "capture/bpf_filter.hpp"
#include "capture/capture_file.hpp"
#include "capture/capture_folder.hpp"
#include "capture/pcap_writer.hpp"
#include "render/json.hpp"

namespace tcplens {

namespace {

// An input error: told to the caller at once (ctx.on_error) and kept in the account.
void report_error(const RunContext& ctx, ReadAccount& account, InputError error) {
  if (ctx.on_error) ctx.on_error(error);
  account.errors.push_back(std::move(error));
}

// An input that cannot be read twice (stdin, a pipe): what the capture reader took is handed on
// to the text reader when it is not a capture.
std::unique_ptr<FrameSource> read_once(int fd, const std::string& name, const TextOptions& text,
                                       std::string& error) {
  std::vector<std::uint8_t> head;
  auto capture = CaptureFile::open_fd(fd, name, error, kReadChunk, &head);
  if (capture || head.empty()) return capture;
  std::string all(head.begin(), head.end());
  char buf[1 << 16];
  for (ssize_t got; (got = ::read(fd, buf, sizeof buf)) > 0;) {
    all.append(buf, static_cast<std::size_t>(got));
  }
  if (fd > 2) ::close(fd);
  return TcpdumpText::parse(name, all, text, error);
}

// The inputs with each folder replaced by its capture files (capture/capture_folder.hpp); what
// a folder holds besides captures is named in a note, and a folder with none is an input that
// failed.
template <class Failed>
std::vector<std::string> input_paths(const std::vector<std::string>& files, const RunContext& ctx,
                                     Failed&& failed) {
  std::vector<std::string> out;
  for (const std::string& path : files) {
    struct stat st {};
    if (path == "-" || stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      out.push_back(path);
      continue;
    }
    FolderListing listing;
    std::string error;
    if (!list_capture_folder(path, listing, error)) {
      failed(path, error);
      continue;
    }
    if (!listing.skipped.empty() && ctx.on_note) {
      std::string names;
      for (std::size_t i = 0; i < listing.skipped.size() && i < 3; ++i) {
        names += (i > 0 ? ", " : "") + listing.skipped[i];
      }
      if (listing.skipped.size() > 3) names += ", …";
      ctx.on_note({path,
                   fmt::format("{} not a capture, left out: {}",
                               listing.skipped.size() == 1
                                   ? std::string("1 file")
                                   : fmt::format("{} files", listing.skipped.size()),
                               names),
                   -1});
    }
    if (listing.captures.empty()) failed(path, "no capture files in the folder");
    out.insert(out.end(), listing.captures.begin(), listing.captures.end());
  }
  return out;
}

constexpr std::uint64_t kPcapRecordHeader = 16;

// The inputs' bytes, when every input is an uncompressed pcap or pcapng file (a pipe's size is
// unknown, and a compressed file's is not that of what is read).
std::uint64_t known_size(const InputOptions& in) {
  if (!in.interface.empty()) return 0;
  std::uint64_t total = 0;
  for (const std::string& path : in.files) {
    struct stat st {};
    if (path == "-" || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    std::uint32_t magic = 0;
    std::size_t n = 0;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      n = std::fread(&magic, 1, sizeof magic, f);
      std::fclose(f);
    }
    bool plain = false;
    for (std::uint32_t m : {0xa1b2c3d4u, 0xa1b23c4du, 0x0a0d0d0au}) {
      plain = plain || magic == m || magic == __builtin_bswap32(m);
    }
    if (n != sizeof magic || !plain) return 0;
    total += static_cast<std::uint64_t>(st.st_size);
  }
  return total;
}

}  // namespace

std::vector<std::string> expand_folders(const std::vector<std::string>& files) {
  return input_paths(files, RunContext{}, [](const std::string&, const std::string&) {});
}

std::string output_clash(const InputOptions& in, const std::vector<std::string>& outputs) {
  struct Id {
    dev_t dev;
    ino_t ino;
    std::string name;
  };
  std::vector<Id> inputs;
  for (const std::string& path : expand_folders(in.files)) {
    struct stat st {};
    const int rc = path == "-" ? fstat(STDIN_FILENO, &st) : stat(path.c_str(), &st);
    if (rc == 0) inputs.push_back({st.st_dev, st.st_ino, path});
  }
  std::vector<Id> seen;
  for (const std::string& out : outputs) {
    if (out.empty() || out == "-") continue;
    struct stat st {};
    if (stat(out.c_str(), &st) != 0) continue;  // a new file: no input can be it
    for (const Id& i : inputs) {
      if (i.dev == st.st_dev && i.ino == st.st_ino) {
        return i.name == out
                   ? fmt::format("{}: is an input too; an output must not overwrite it", out)
                   : fmt::format("{}: is the input {} too; an output must not overwrite it", out,
                                 i.name);
      }
    }
    for (const Id& o : seen) {
      if (o.dev == st.st_dev && o.ino == st.st_ino) {
        return fmt::format("{}: is also the output {}", out, o.name);
      }
    }
    seen.push_back({st.st_dev, st.st_ino, out});
  }
  return {};
}

std::unique_ptr<FrameSource> open_input(const std::string& path, const TextOptions& text,
                                        std::string& error) {
  struct stat st {};
  const bool regular = path != "-" && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  if (regular) {
    std::uint8_t head[kMagicBytes] = {};
    std::size_t n = 0;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      n = std::fread(head, 1, sizeof head, f);
      std::fclose(f);
    }
    // Text: anything readable that does not start like a capture (errors are CaptureFile's).
    if (n >= 4 && !looks_like_capture(head, n)) {
      return TcpdumpText::open(path, text, error);
    }
  }
  if (path != "-" && (!regular || path.empty())) {
    // A pipe or device (e.g. bash's <(tcpdump -w -)) can be read once only: no sniffing.
    if (stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return CaptureFile::open(path, error);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return CaptureFile::open(path, error);
    return read_once(fd, path, text, error);
  }
  if (path != "-") return CaptureFile::open(path, error);
  return read_once(STDIN_FILENO, path, text, error);
}

unsigned analyser_threads(unsigned requested, const InputOptions& input) {
  constexpr std::uint64_t kWorthSharding = 64 << 20;
  if (!input.interface.empty()) return 1;
  if (requested != 0) return requested;
  std::uint64_t total = 0;
  for (const std::string& path : input.files) {
    struct stat st {};
    if (path == "-" || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 1;
    total += static_cast<std::uint64_t>(st.st_size);
  }
  return total >= kWorthSharding ? std::max(1u, std::thread::hardware_concurrency()) : 1;
}

std::string account_line(const ReadAccount& a) {
  std::uint64_t skipped = a.frames_read - a.tcp_analysed;
  std::string line = fmt::format("tcplens: {} frames read, {} TCP frames analysed, {} skipped",
                                 a.frames_read, a.tcp_analysed, skipped);
  if (skipped != 0) {
    std::string reasons;
    for (std::size_t i = 1; i < a.skipped.size(); ++i) {
      if (a.skipped[i] == 0) continue;
      if (!reasons.empty()) reasons += ", ";
      reasons += fmt::format("{} {}", to_string(static_cast<SkipReason>(i)), a.skipped[i]);
    }
    line += " (" + reasons + ")";
  }
  if (a.have_live_stats) {
    line += fmt::format("; kernel: {} received, {} dropped", a.live_received, a.live_dropped);
  }
  if (a.interrupted) line += "; interrupted";
  return line;
}

void append_account_json(std::string& out, const ReadAccount& a) {
  JsonBuilder j(out);
  j.begin_object().key("account").begin_object();
  j.key("frames_read").value(a.frames_read);
  j.key("tcp_analysed").value(a.tcp_analysed);
  j.key("skipped").value(a.frames_read - a.tcp_analysed);
  j.key("skipped_by_reason").begin_object();
  for (std::size_t i = 1; i < a.skipped.size(); ++i) {
    if (a.skipped[i] != 0) j.key(to_string(static_cast<SkipReason>(i))).value(a.skipped[i]);
  }
  j.end_object();
  j.key("frames_after_end").value(a.frames_after_end);
  j.key("interrupted").value(a.interrupted);
  j.key("kernel");
  if (a.have_live_stats) {
    j.begin_object().key("received").value(a.live_received);
    j.key("dropped").value(a.live_dropped).end_object();
  } else {
    j.null();
  }
  j.key("errors").begin_array();
  for (const InputError& e : a.errors) {
    j.begin_object().key("file").value(e.file).key("reason").value(e.reason).key("offset");
    if (e.offset >= 0) {
      j.value(e.offset);
    } else {
      j.null();
    }
    j.end_object();
  }
  j.end_array().end_object().end_object();
  out += '\n';
}

RunResult run_pipeline(const InputOptions& in, TcpAnalyzer& analyzer, const FrameSink& sink,
                       const RunContext& ctx) {
  auto analyse = [&](std::uint64_t number, const RawFrame& raw, const Segment& segment) {
    Verdict verdict = analyzer.analyze(segment, raw.ts_ns, number);
    return sink(AnalysedFrame{number, raw.ts_ns, &raw, &segment, &verdict});
  };
  return read_segments(in, analyse, ctx);
}

RunResult read_segments(const InputOptions& in, const SegmentSink& sink, const RunContext& ctx) {
  RunResult result;
  std::vector<std::unique_ptr<FrameSource>> sources;
  bool any_open_failed = false;
  std::string error;
  LiveCapture* live = nullptr;
  if (!in.interface.empty()) {
    LiveOptions options;
    options.interface = in.interface;
    options.filter = in.filter;
    auto src = LiveCapture::open(options, error);
    if (!src) {
      report_error(ctx, result.account, {in.interface, error, -1});
      result.exit_status = kExitUnreadable;
      return result;
    }
    live = src.get();
    sources.push_back(std::move(src));
  }
  auto open_failed = [&](const std::string& path, const std::string& why) {
    report_error(ctx, result.account, {path, why, -1});
    any_open_failed = true;
  };
  for (const auto& path : input_paths(in.files, ctx, open_failed)) {
    auto src = open_input(path, in.text, error);
    if (!src) {
      open_failed(path, error);
      continue;
    }
    sources.push_back(std::move(src));
  }
  // Files are filtered here; a live capture filters in the kernel.
  std::optional<BpfFilter> file_filter;
  if (!in.filter.empty() && !in.files.empty()) {
    file_filter.emplace(in.filter);
    if (!file_filter->validate(error)) {
      report_error(ctx, result.account, {"filter", error, -1});
      result.exit_status = kExitUsage;
      return result;
    }
  }
  if (sources.empty()) {
    result.exit_status = kExitUnreadable;
    return result;
  }
  // -w: every frame read (after the filter, up to the count), TCP or not, as tcpdump -w writes.
  std::optional<PcapWriter> saved;
  if (!in.write_file.empty()) {
    saved.emplace();
    if (!saved->open(in.write_file, error)) {
      if (ctx.on_error) ctx.on_error({in.write_file, "cannot write: " + error, -1});
      result.exit_status = kExitUnreadable;
      return result;
    }
  }
  if (ctx.live_source != nullptr && live != nullptr) ctx.live_source->store(live);
  if (live != nullptr && ctx.on_quiet) live->on_quiet(ctx.on_quiet);

  MergedSource merged(std::move(sources));
  ReadAccount& acct = result.account;
  RawFrame raw;
  Segment segment;
  const bool progress = !ctx.quiet && ctx.on_progress;
  Progress seen;
  if (progress) seen.bytes_total = known_size(in);
  std::int64_t first_ts = 0;
  std::int64_t previous_ts = 0;
  for (;;) {
    if (ctx.stop != nullptr && ctx.stop->load(std::memory_order_relaxed)) {
      acct.interrupted = true;
      break;
    }
    if (in.count >= 0 && acct.frames_read >= static_cast<std::uint64_t>(in.count)) break;
    ReadStatus st = merged.next(raw);
    if (st == ReadStatus::interrupted) {
      acct.interrupted = true;
      break;
    }
    if (st != ReadStatus::frame) break;
    const bool counted = !file_filter || file_filter->matches(raw);
    if (ctx.on_read) ctx.on_read(merged.last_input(), raw, counted);
    if (!counted) continue;
    if (acct.frames_read++ == 0) first_ts = previous_ts = raw.ts_ns;
    raw.first_ts_ns = first_ts;
    raw.previous_ts_ns = previous_ts;
    previous_ts = raw.ts_ns;
    if (saved && !saved->write(raw) && saved->failed()) break;
    seen.bytes_read += raw.bytes.size() + kPcapRecordHeader;
    if (progress && (acct.frames_read & 0xfff) == 0) {
      seen.frames_read = acct.frames_read;
      ctx.on_progress(seen);
    }
    SkipReason why = decode_frame(raw.link_type, raw.bytes, raw.wire_len, segment);
    if (why != SkipReason::none) {
      ++acct.skipped[static_cast<std::size_t>(why)];
      continue;
    }
    ++acct.tcp_analysed;
    if (!sink(acct.frames_read, raw, segment)) break;
  }
  if (progress) {
    seen.frames_read = acct.frames_read;
    seen.done = true;
    ctx.on_progress(seen);
  }
  if (ctx.live_source != nullptr) ctx.live_source->store(nullptr);
  if (live != nullptr) {
    acct.have_live_stats = live->stats(acct.live_received, acct.live_dropped);
  }
  for (const auto& f : merged.failed()) {
    report_error(ctx, acct, {f.name, f.reason, f.offset});
    result.exit_status = kExitDamaged;
  }
  if (result.exit_status == kExitOk && any_open_failed) result.exit_status = kExitUnreadable;
  if (saved) {
    // Given its name only when whole: a failed write leaves what was there before.
    if (!saved->commit()) {
      if (ctx.on_error) ctx.on_error({saved->path(), "cannot write: " + saved->error(), -1});
      result.exit_status = kExitUnreadable;
    } else if (saved->left_out() != 0) {
      if (ctx.on_note) {
        ctx.on_note({saved->path(),
                     fmt::format("{} frames of another link type left out (pcap holds one)",
                                 saved->left_out()),
                     -1});
      }
    }
  }
  return result;
}

}  // namespace tcplens
