// Fuzz target: the whole per-frame pipeline on one small capture file. CaptureFile reads the
// input from a memfd, each frame is decoded, TCP segments go through TcpAnalyzer::analyze, and
// every analysed frame is rendered by FrameWriter as a TSV row and as a JSON line into an
// OutputBuffer writing to /dev/null.
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analysis/tcp_analyzer.hpp"
#include "capture/capture_file.hpp"
#include "decode/decode.hpp"
#include "fuzz_input.hpp"
#include "render/frame_writer.hpp"
#include "render/output_buffer.hpp"

namespace {

int dev_null() {
  static const int fd = [] {
    int f = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (f < 0) std::abort();
    return f;
  }();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tcplens;
  std::string error;
  auto file =
      CaptureFile::open_fd(fuzz::memfd_with(data, size), "fuzz", error, fuzz::read_chunk(size));
  if (!file) return 0;
  OutputBuffer out(dev_null(), 64 * 1024);
  FrameWriter tsv(out, FrameFormat::tsv);
  FrameWriter json(out, FrameFormat::json);
  tsv.header();
  TcpAnalyzer analyzer;
  RawFrame raw;
  Segment segment;
  std::uint64_t number = 0;
  while (file->next(raw) == ReadStatus::frame) {
    ++number;
    if (decode_frame(raw.link_type, raw.bytes, raw.wire_len, segment) != SkipReason::none) {
      continue;
    }
    Verdict verdict = analyzer.analyze(segment, raw.ts_ns, number);
    FrameRow row{number, raw.ts_ns, &segment, &verdict};
    tsv.row(row);
    json.row(row);
  }
  out.flush();
  return 0;
}
