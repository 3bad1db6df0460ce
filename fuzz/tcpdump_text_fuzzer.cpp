// Fuzz target: the tcpdump text reader (src/capture/tcpdump_text.hpp). The input is the text;
// TcpdumpText::parse reads it, and every synthesised frame is read and decoded as the pipeline
// does (its bytes must decode: the reader builds raw-IP frames).
#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/tcpdump_text.hpp"
#include "decode/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tcplens;
  std::string text(reinterpret_cast<const char*>(data), size);
  TextOptions options;
  options.date_epoch_s = 1'700'000'000 - 1'700'000'000 % 86'400;
  std::string error;
  auto src = TcpdumpText::parse("fuzz", text, options, error);
  if (!src) return 0;
  RawFrame frame;
  Segment seg;
  while (src->next(frame) == ReadStatus::frame) {
    if (frame.wire_len < frame.bytes.size()) __builtin_trap();
    (void)decode_frame(frame.link_type, frame.bytes, frame.wire_len, seg);
  }
  return 0;
}
