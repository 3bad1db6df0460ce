// Fuzz target: decode_frame on one frame. The first input byte picks the link type (low four
// bits, among those in decode.hpp plus one we do not decode) and how much longer than captured
// the frame was on the wire (high four bits: 0 = as captured); the rest is the frame.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "decode/decode.hpp"

namespace {

constexpr std::array<int, 11> kLinks = {
    tcplens::link_type::null_bsd,
    tcplens::link_type::ethernet,
    tcplens::link_type::raw,
    tcplens::link_type::raw_openbsd,
    tcplens::link_type::raw_linktype,
    tcplens::link_type::loop,
    tcplens::link_type::linux_sll,
    tcplens::link_type::ipv4,
    tcplens::link_type::ipv6,
    tcplens::link_type::linux_sll2,
    147,  // DLT_USER0: not decoded
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tcplens;
  if (size < 1) return 0;
  int link = kLinks[(data[0] & 0x0f) % kLinks.size()];
  std::span<const std::uint8_t> bytes(data + 1, size - 1);
  std::uint32_t extra = (data[0] >> 4) == 0 ? 0 : (1u << (data[0] >> 4)) - 1;  // up to 32767
  auto wire_len = static_cast<std::uint32_t>(bytes.size()) + extra;
  Segment seg;
  SkipReason why = decode_frame(link, bytes, wire_len, seg);
  if (why >= SkipReason::count_) __builtin_trap();
  (void)to_string(why);
  if (why == SkipReason::none) {
    if (seg.src.family != seg.dst.family) __builtin_trap();
    if (seg.src.family != 4 && seg.src.family != 6) __builtin_trap();
    if (seg.payload_len > wire_len) __builtin_trap();
    if (seg.options.sack_count > seg.options.sack.size()) __builtin_trap();
    (void)to_string(seg.src);
    (void)to_string(seg.dst);
  }
  return 0;
}
