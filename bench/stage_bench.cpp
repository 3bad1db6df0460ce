// Per-stage micro-benchmarks: ns per frame for decode, flow lookup, analysis, TSV and JSON
// rendering, each on frames of a real capture loaded in memory first (no I/O in the loop).
//
//   TCPLENS_BENCH_CAPTURE  the capture (default: ../shared/lab/captures/bulkloss.pcap,
//                          a 3 MB upload with 3 % loss, one connection)
//   TCPLENS_BENCH_MANY     optional second capture with many connections (e.g. many.pcap of
//                          bench/make_captures.sh); its first 400 000 frames are loaded and the
//                          flow and analysis benchmarks run on it too (name suffix /many).
//
// Every benchmark reports `per_frame` (time per frame) and items_per_second (frames/s).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "analysis/tcp_analyzer.hpp"
#include "capture/capture_file.hpp"
#include "decode/decode.hpp"
#include "flow/connection_table.hpp"
#include "render/frame_writer.hpp"
#include "render/output_buffer.hpp"

namespace {

using namespace tcplens;

struct StoredFrame {
  std::size_t offset = 0;  // into Capture::bytes
  std::uint32_t caplen = 0;
  std::uint32_t wire_len = 0;
  std::int64_t ts_ns = 0;
  int link_type = 0;
};

// A capture in memory: the raw frames, and for its TCP frames the decoded segments and the
// verdicts of one analysis pass (for the rendering benchmarks).
struct Capture {
  std::string path;
  std::vector<std::uint8_t> bytes;
  std::vector<StoredFrame> frames;
  std::vector<Segment> segments;
  std::vector<std::int64_t> seg_ts;
  std::vector<std::uint64_t> seg_number;
  std::unique_ptr<TcpAnalyzer> analyzer;  // owns the connections the verdicts point to
  std::vector<Verdict> verdicts;
};

std::unique_ptr<Capture> load(const std::string& path, std::size_t max_frames) {
  auto cap = std::make_unique<Capture>();
  cap->path = path;
  std::string error;
  auto file = CaptureFile::open(path, error);
  if (!file) {
    std::fprintf(stderr, "stage_bench: %s: %s\n", path.c_str(), error.c_str());
    std::exit(1);
  }
  RawFrame raw;
  while (cap->frames.size() < max_frames && file->next(raw) == ReadStatus::frame) {
    cap->frames.push_back({cap->bytes.size(), static_cast<std::uint32_t>(raw.bytes.size()),
                           raw.wire_len, raw.ts_ns, raw.link_type});
    cap->bytes.insert(cap->bytes.end(), raw.bytes.begin(), raw.bytes.end());
  }
  Segment s;
  std::uint64_t number = 0;
  for (const auto& f : cap->frames) {
    ++number;
    if (decode_frame(f.link_type, {cap->bytes.data() + f.offset, f.caplen}, f.wire_len, s) !=
        SkipReason::none) {
      continue;
    }
    cap->segments.push_back(s);
    cap->seg_ts.push_back(f.ts_ns);
    cap->seg_number.push_back(number);
  }
  cap->analyzer = std::make_unique<TcpAnalyzer>();
  for (std::size_t i = 0; i < cap->segments.size(); ++i) {
    cap->verdicts.push_back(
        cap->analyzer->analyze(cap->segments[i], cap->seg_ts[i], cap->seg_number[i]));
  }
  std::fprintf(stderr, "stage_bench: %s: %zu frames, %zu TCP, %u streams\n", path.c_str(),
               cap->frames.size(), cap->segments.size(), cap->analyzer->connections().streams());
  return cap;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

void per_frame(benchmark::State& state, std::size_t frames_per_iteration) {
  const auto n = static_cast<double>(frames_per_iteration);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames_per_iteration));
  state.counters["per_frame"] = benchmark::Counter(
      n, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// decode_frame over every frame (TCP or not) of the capture.
void BM_decode(benchmark::State& state, const Capture* cap) {
  Segment s;
  for (auto _ : state) {
    for (const auto& f : cap->frames) {
      SkipReason r =
          decode_frame(f.link_type, {cap->bytes.data() + f.offset, f.caplen}, f.wire_len, s);
      benchmark::DoNotOptimize(r);
      benchmark::DoNotOptimize(s);
    }
  }
  per_frame(state, cap->frames.size());
}

// What select_connection does for every segment: build the key, find, open when new.
void BM_flow_lookup(benchmark::State& state, const Capture* cap) {
  for (auto _ : state) {
    ConnectionTable table;
    for (const auto& s : cap->segments) {
      FlowKey key = FlowKey::of(s);
      Connection* c = table.find(key);
      if (c == nullptr) c = &table.open(key, s);
      benchmark::DoNotOptimize(c);
    }
  }
  per_frame(state, cap->segments.size());
}

// TcpAnalyzer::analyze over every TCP segment, a fresh analyzer each pass (includes the flow
// lookup and connection setup, as in the real pipeline).
void BM_analyze(benchmark::State& state, const Capture* cap) {
  for (auto _ : state) {
    TcpAnalyzer analyzer;
    for (std::size_t i = 0; i < cap->segments.size(); ++i) {
      Verdict v = analyzer.analyze(cap->segments[i], cap->seg_ts[i], cap->seg_number[i]);
      benchmark::DoNotOptimize(v);
    }
  }
  per_frame(state, cap->segments.size());
}

// FrameWriter into an OutputBuffer that writes to /dev/null (1 MiB writes, as in the tool).
void BM_render(benchmark::State& state, const Capture* cap, FrameFormat format) {
  int fd = ::open("/dev/null", O_WRONLY);
  {
    OutputBuffer out(fd);
    FrameWriter writer(out, format);
    for (auto _ : state) {
      for (std::size_t i = 0; i < cap->segments.size(); ++i) {
        writer.row(
            FrameRow{cap->seg_number[i], cap->seg_ts[i], &cap->segments[i], &cap->verdicts[i]});
      }
    }
    out.flush();
  }
  ::close(fd);
  per_frame(state, cap->segments.size());
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static auto bulk = load(env_or("TCPLENS_BENCH_CAPTURE", TCPLENS_DEFAULT_CAPTURE), SIZE_MAX);
  benchmark::RegisterBenchmark("decode", BM_decode, bulk.get());
  benchmark::RegisterBenchmark("flow_lookup", BM_flow_lookup, bulk.get());
  benchmark::RegisterBenchmark("analyze", BM_analyze, bulk.get());
  benchmark::RegisterBenchmark("render_tsv", BM_render, bulk.get(), FrameFormat::tsv);
  benchmark::RegisterBenchmark("render_json", BM_render, bulk.get(), FrameFormat::json);
  static std::unique_ptr<Capture> many;
  if (std::string p = env_or("TCPLENS_BENCH_MANY", ""); !p.empty()) {
    many = load(p, 400'000);
    benchmark::RegisterBenchmark("decode/many", BM_decode, many.get());
    benchmark::RegisterBenchmark("flow_lookup/many", BM_flow_lookup, many.get());
    benchmark::RegisterBenchmark("analyze/many", BM_analyze, many.get());
    benchmark::RegisterBenchmark("render_tsv/many", BM_render, many.get(), FrameFormat::tsv);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
