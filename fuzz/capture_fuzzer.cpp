// Fuzz target: the capture file reader as `tcplens frames` uses it. The input is a whole file
// (pcap or pcapng); CaptureFile::open_fd reads it from a memfd (in small reads, see read_chunk)
// and every frame is read to the end or to the first error. Each frame's bytes are touched so
// that ASan checks the view.
#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/capture_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tcplens;
  std::string error;
  auto file =
      CaptureFile::open_fd(fuzz::memfd_with(data, size), "fuzz", error, fuzz::read_chunk(size));
  if (!file) return 0;  // open_fd's CaptureFile closed the descriptor
  RawFrame frame;
  std::uint64_t sum = 0;
  ReadStatus st;
  while ((st = file->next(frame)) == ReadStatus::frame) {
    if (frame.wire_len < frame.bytes.size()) __builtin_trap();  // the reader promises wire >= cap
    for (std::uint8_t b : frame.bytes) sum += b;
  }
  if (st == ReadStatus::error && file->error().empty()) __builtin_trap();
  if (st == ReadStatus::error && file->error_offset() < 0) __builtin_trap();
  // After the end or an error the reader stays finished.
  if (file->next(frame) != ReadStatus::end) __builtin_trap();
  volatile std::uint64_t sink = sum;
  (void)sink;
  return 0;
}
