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

std::unique_ptr<FrameSource> open_input(const std::string& path, const TextOptions& text,
                                        std::string& error) {
  struct stat st {};
  const bool regular = path != "-" && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  if (regular) {
    std::uint8_t head[4] = {};
    std::size_t n = 0;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      n = std::fread(head, 1, sizeof head, f);
      std::fclose(f);
    }
    // Text: anything readable that does not start like a capture (errors are CaptureFile's).
    if (n == sizeof head && !looks_like_capture(head, n)) {
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
    options.save_path = in.write_file;
    auto src = LiveCapture::open(options, error);
    if (!src) {
      report_error(ctx, result.account, {in.interface, error, -1});
      result.exit_status = kExitUnreadable;
      return result;
    }
    live = src.get();
    sources.push_back(std::move(src));
  }
  for (const auto& path : in.files) {
    auto src = open_input(path, in.text, error);
    if (!src) {
      report_error(ctx, result.account, {path, error, -1});
      any_open_failed = true;
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
  if (ctx.live_source != nullptr && live != nullptr) ctx.live_source->store(live);
  if (live != nullptr && ctx.on_quiet) live->on_quiet(ctx.on_quiet);

  MergedSource merged(std::move(sources));
  ReadAccount& acct = result.account;
  RawFrame raw;
  Segment segment;
  const bool progress = !ctx.quiet && ctx.on_progress;
  Progress seen;
  if (progress) seen.bytes_total = known_size(in);
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
    if (file_filter && !file_filter->matches(raw)) continue;
    ++acct.frames_read;
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
  return result;
}

}  // namespace tcplens
