// tcplens/frames.hpp: the analysed TCP frames of the inputs, the facts of `tcplens frames` (and
// of tshark's fields of the same names), one at a time or as columns.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tcplens/inputs.hpp"

namespace tcplens::api {

// tcp.analysis.* flags as tshark names them (without the prefix), in `frames` column order;
// Frame::analysis has bit i set when flag i is.
inline constexpr std::array<std::string_view, 14> kAnalysisFlags{"retransmission",
                                                                 "fast_retransmission",
                                                                 "spurious_retransmission",
                                                                 "out_of_order",
                                                                 "lost_segment",
                                                                 "ack_lost_segment",
                                                                 "duplicate_ack",
                                                                 "zero_window",
                                                                 "zero_window_probe",
                                                                 "zero_window_probe_ack",
                                                                 "window_full",
                                                                 "window_update",
                                                                 "keep_alive",
                                                                 "keep_alive_ack"};

struct Frame {
  std::uint64_t number = 0;  // frame.number (1-based, over the merged inputs)
  std::int64_t time_ns = 0;  // frame.time_epoch, in nanoseconds
  std::uint32_t stream = 0;  // tcp.stream
  std::uint16_t tcp_flags = 0;
  std::uint32_t seq = 0;  // tcp.seq (relative)
  std::uint32_t ack = 0;  // tcp.ack (relative)
  std::uint32_t len = 0;  // tcp.len
  std::uint32_t analysis = 0;
  std::optional<std::int64_t> rto_ns;      // tcp.analysis.rto
  std::optional<std::int64_t> ack_rtt_ns;  // tcp.analysis.ack_rtt
  bool flag(std::size_t i) const { return (analysis >> i) & 1u; }
};

// A frame field by its tshark name. Integers, times in seconds (double), flags as booleans,
// tcp.flags.str as text; a field tshark leaves empty (no RTO on this frame) is monostate.
enum class FieldType : std::uint8_t { integer, real, boolean, text };
struct Field {
  std::string_view name;  // e.g. "tcp.analysis.ack_rtt"
  FieldType type;
};
// The 23 fields of `tcplens frames`, in its column order.
std::span<const Field> frame_fields();
// The field of that name, or nullptr.
const Field* find_frame_field(std::string_view name);
using FieldValue = std::variant<std::monostate, std::int64_t, double, bool, std::string>;
// Throws std::invalid_argument for a name find_frame_field does not know.
FieldValue field_value(const Frame& frame, std::string_view name);

// Push: `on_frame` sees every analysed TCP frame in input order (return false to stop). After
// the run, throws Error for the first input that failed (after the frames before the damage);
// else returns the account.
Account for_each_frame(const Inputs& inputs, const std::function<bool(const Frame&)>& on_frame);

// Pull: frames one at a time. The engine pushes frames; this runs it on a thread of its own,
// which hands over batches of frames (a few thousand, two batches in flight at most), so memory
// stays bounded and the reader's pace sets the engine's. next() throws Error as for_each_frame
// does, once the frames before the damage have been taken. Destroying the stream early stops
// the engine.
class FrameStream {
 public:
  explicit FrameStream(Inputs inputs);
  ~FrameStream();
  FrameStream(const FrameStream&) = delete;
  FrameStream& operator=(const FrameStream&) = delete;
  // The next frame, or false at the end.
  bool next(Frame& frame);
  // The account, once next() has returned false.
  const Account& account() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One field's values for every frame, in one block of memory (malloc'd; release() hands it
// over, to be free()d). integer: int64; real: double (NaN where tshark prints nothing);
// boolean: one byte 0/1; text (tcp.flags.str): uint16 codes, the TCP flags, whose text is
// tcp_flags_text(code).
class Column {
 public:
  Column(const Field& field, std::size_t element_size) : field_(&field), width_(element_size) {}
  Column(Column&& other) noexcept;
  Column& operator=(Column&& other) noexcept;
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;
  ~Column();
  const Field& field() const { return *field_; }
  std::size_t size() const { return size_; }
  std::size_t element_size() const { return width_; }
  const void* data() const { return data_; }
  void* release();
  // Room for one more element; the caller writes it (element_size bytes).
  void* grow();

 private:
  const Field* field_;
  std::size_t width_;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

struct FrameColumns {
  std::vector<Column> columns;
  std::size_t rows = 0;
  Account account;
  std::optional<Error> error;  // the first input that failed: the columns hold the frames before
};

// The frames of the inputs as columns of the fields named (empty: the 23 of frame_fields()).
// Grows each column by realloc (large blocks move by remapping, not copying), so memory stays
// that of the columns. Throws std::invalid_argument for an unknown field name and Error when
// nothing could be read; an input damaged part-way is `error` (errors as values).
FrameColumns frame_columns(const Inputs& inputs, const std::vector<std::string>& fields = {});

// tshark's tcp.flags.str of these TCP flags: 12 characters, a letter per set bit, else "·".
std::string tcp_flags_text(std::uint16_t tcp_flags);

}  // namespace tcplens::api
