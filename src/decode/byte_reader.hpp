// The one way packet bytes are read: every access is bounds-checked, and a read past the end
// sets a sticky failure instead of touching memory it does not own (tcpdump's GET_* accessors).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tcplens {

// Every accessor is forced inline: each is a handful of instructions, called for every header
// field of every frame, and GCC otherwise keeps be32 out of line (perf: 2.5–3.5 % of a bulk
// run's samples in the call itself).
#define TCPLENS_INLINE [[gnu::always_inline]] inline

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::size_t offset() const { return offset_; }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - offset_; }
  [[nodiscard]] bool has(std::size_t n) const { return ok_ && remaining() >= n; }

  TCPLENS_INLINE std::uint8_t u8() { return has(1) ? bytes_[offset_++] : fail<std::uint8_t>(); }
  TCPLENS_INLINE std::uint16_t be16() {
    if (!has(2)) return fail<std::uint16_t>();
    auto v = static_cast<std::uint16_t>((bytes_[offset_] << 8) | bytes_[offset_ + 1]);
    offset_ += 2;
    return v;
  }
  TCPLENS_INLINE std::uint32_t be32() {
    if (!has(4)) return fail<std::uint32_t>();
    std::uint32_t v =
        (std::uint32_t{bytes_[offset_]} << 24) | (std::uint32_t{bytes_[offset_ + 1]} << 16) |
        (std::uint32_t{bytes_[offset_ + 2]} << 8) | std::uint32_t{bytes_[offset_ + 3]};
    offset_ += 4;
    return v;
  }
  TCPLENS_INLINE std::uint32_t le32() {
    if (!has(4)) return fail<std::uint32_t>();
    std::uint32_t v = std::uint32_t{bytes_[offset_]} | (std::uint32_t{bytes_[offset_ + 1]} << 8) |
                      (std::uint32_t{bytes_[offset_ + 2]} << 16) |
                      (std::uint32_t{bytes_[offset_ + 3]} << 24);
    offset_ += 4;
    return v;
  }
  // Peeks do not move the cursor; out of range they fail like reads.
  TCPLENS_INLINE std::uint8_t peek8(std::size_t at) const {
    return at < remaining() && ok_ ? bytes_[offset_ + at] : 0;
  }
  TCPLENS_INLINE bool skip(std::size_t n) {
    if (!has(n)) {
      ok_ = false;
      return false;
    }
    offset_ += n;
    return true;
  }
  // The next n bytes as a view (empty and failed if they are not all there).
  TCPLENS_INLINE std::span<const std::uint8_t> take(std::size_t n) {
    if (!has(n)) {
      ok_ = false;
      return {};
    }
    auto s = bytes_.subspan(offset_, n);
    offset_ += n;
    return s;
  }
  std::span<const std::uint8_t> rest() const { return bytes_.subspan(offset_); }

 private:
  template <typename T>
  T fail() {
    ok_ = false;
    return T{};
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

}  // namespace tcplens

#undef TCPLENS_INLINE
