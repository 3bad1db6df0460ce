#include "tcplens/frames.hpp"

#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <new>
#include <thread>

#include "api/run.hpp"
#include "render/frame_writer.hpp"
#include "story/connection_record.hpp"

namespace tcplens::api {

// The public header spells the engine's analysis flags for users (Frame::analysis bit i is
// flag i); the story's kFlagNames is the engine's own list: the two may not drift apart.
static_assert(kAnalysisFlags == tcplens::kFlagNames,
              "include/tcplens/frames.hpp's kAnalysisFlags must list story's kFlagNames in order");

namespace {

// The fields in `frames` column order; FieldId is the index.
constexpr std::array<Field, 23> kFields{{
    {"frame.number", FieldType::integer},
    {"frame.time_epoch", FieldType::real},
    {"tcp.stream", FieldType::integer},
    {"tcp.flags.str", FieldType::text},
    {"tcp.seq", FieldType::integer},
    {"tcp.ack", FieldType::integer},
    {"tcp.len", FieldType::integer},
    {"tcp.analysis.retransmission", FieldType::boolean},
    {"tcp.analysis.fast_retransmission", FieldType::boolean},
    {"tcp.analysis.spurious_retransmission", FieldType::boolean},
    {"tcp.analysis.out_of_order", FieldType::boolean},
    {"tcp.analysis.lost_segment", FieldType::boolean},
    {"tcp.analysis.ack_lost_segment", FieldType::boolean},
    {"tcp.analysis.duplicate_ack", FieldType::boolean},
    {"tcp.analysis.zero_window", FieldType::boolean},
    {"tcp.analysis.zero_window_probe", FieldType::boolean},
    {"tcp.analysis.zero_window_probe_ack", FieldType::boolean},
    {"tcp.analysis.window_full", FieldType::boolean},
    {"tcp.analysis.window_update", FieldType::boolean},
    {"tcp.analysis.keep_alive", FieldType::boolean},
    {"tcp.analysis.keep_alive_ack", FieldType::boolean},
    {"tcp.analysis.rto", FieldType::real},
    {"tcp.analysis.ack_rtt", FieldType::real},
}};
constexpr std::size_t kFirstFlag = 7;
constexpr std::size_t kRto = 21;
constexpr std::size_t kAckRtt = 22;

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

std::size_t field_id(const Field& f) {
  return static_cast<std::size_t>(&f - kFields.data());
}

std::size_t element_size(FieldType t) {
  switch (t) {
    case FieldType::boolean:
      return 1;
    case FieldType::text:
      return 2;
    default:
      return 8;
  }
}

Frame to_frame(const AnalysedFrame& f) {
  const Verdict& v = *f.verdict;
  Frame out;
  out.number = f.number;
  out.time_ns = f.ts_ns;
  out.stream = v.stream;
  out.tcp_flags = f.segment->flags;
  out.seq = v.rel_seq;
  out.ack = v.rel_ack;
  out.len = f.segment->payload_len;
  if (!v.analysis_hidden) {
    // tshark shows the retransmission item for fast and spurious retransmissions too.
    out.analysis = (v.flags & 0x3fffu) | ((v.flags & analysis_flag::any_retransmission) ? 1u : 0u);
    if (v.has_rto) out.rto_ns = v.rto_ns;
    if (v.has_ack_rtt) out.ack_rtt_ns = v.ack_rtt_ns;
  }
  return out;
}

}  // namespace

std::span<const Field> frame_fields() {
  return kFields;
}

const Field* find_frame_field(std::string_view name) {
  for (const Field& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string tcp_flags_text(std::uint16_t tcp_flags) {
  std::string out;
  append_flags_str(out, tcp_flags);
  return out;
}

FieldValue field_value(const Frame& fr, std::string_view name) {
  const Field* f = find_frame_field(name);
  if (f == nullptr) throw std::invalid_argument("unknown frame field: " + std::string(name));
  const std::size_t id = field_id(*f);
  switch (id) {
    case 0:
      return static_cast<std::int64_t>(fr.number);
    case 1:
      return seconds(fr.time_ns);
    case 2:
      return static_cast<std::int64_t>(fr.stream);
    case 3:
      return tcp_flags_text(fr.tcp_flags);
    case 4:
      return static_cast<std::int64_t>(fr.seq);
    case 5:
      return static_cast<std::int64_t>(fr.ack);
    case 6:
      return static_cast<std::int64_t>(fr.len);
    case kRto:
      return fr.rto_ns ? FieldValue(seconds(*fr.rto_ns)) : FieldValue();
    case kAckRtt:
      return fr.ack_rtt_ns ? FieldValue(seconds(*fr.ack_rtt_ns)) : FieldValue();
    default:
      return fr.flag(id - kFirstFlag);
  }
}

Account for_each_frame(const Inputs& inputs, const std::function<bool(const Frame&)>& on_frame) {
  const InputOptions in = input_options(inputs);
  TcpAnalyzer analyzer;
  auto sink = [&](const AnalysedFrame& f) { return on_frame(to_frame(f)); };
  return account_or_throw(run_pipeline(in, analyzer, sink, quiet_context()));
}

// FrameStream: the engine on a thread of its own, frames handed over in batches.
struct FrameStream::State {
  static constexpr std::size_t kBatch = 4096;
  static constexpr std::size_t kInFlight = 2;

  InputOptions input;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::vector<Frame>> ready;  // guarded by mutex
  bool done = false;                     // guarded by mutex
  bool cancelled = false;                // guarded by mutex
  std::exception_ptr failure;            // guarded by mutex; set before done
  RunResult result;                      // written before done, read after
  std::vector<Frame> taking;             // the reader's batch
  std::size_t next = 0;
  bool thrown = false;
  Account account;
  std::thread engine;

  // Hands a full batch over; false when the reader has gone.
  bool hand_over(std::vector<Frame>& batch) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return ready.size() < kInFlight || cancelled; });
    if (cancelled) return false;
    ready.push_back(std::move(batch));
    batch = {};
    batch.reserve(kBatch);
    changed.notify_all();
    return true;
  }

  void run() {
    std::vector<Frame> batch;
    batch.reserve(kBatch);
    RunResult r;
    std::exception_ptr failed;
    try {
      TcpAnalyzer analyzer;
      auto sink = [&](const AnalysedFrame& f) {
        batch.push_back(to_frame(f));
        return batch.size() < kBatch || hand_over(batch);
      };
      r = run_pipeline(input, analyzer, sink, quiet_context());
    } catch (...) {
      failed = std::current_exception();
    }
    std::lock_guard lock(mutex);
    if (!batch.empty()) ready.push_back(std::move(batch));
    result = std::move(r);
    failure = failed;
    done = true;
    changed.notify_all();
  }
};

FrameStream::FrameStream(Inputs inputs) : state_(std::make_unique<State>()) {
  state_->input = input_options(inputs);
  state_->engine = std::thread([s = state_.get()] { s->run(); });
}

FrameStream::~FrameStream() {
  {
    std::lock_guard lock(state_->mutex);
    state_->cancelled = true;
    state_->changed.notify_all();
  }
  state_->engine.join();
}

bool FrameStream::next(Frame& frame) {
  State& s = *state_;
  if (s.next == s.taking.size()) {
    std::unique_lock lock(s.mutex);
    s.changed.wait(lock, [&] { return !s.ready.empty() || s.done; });
    if (s.ready.empty()) {
      if (s.thrown) return false;
      s.thrown = true;
      if (s.failure) std::rethrow_exception(s.failure);
      s.account = account_or_throw(s.result);
      return false;
    }
    s.taking = std::move(s.ready.front());
    s.ready.pop_front();
    s.next = 0;
    s.changed.notify_all();
  }
  frame = s.taking[s.next++];
  return true;
}

const Account& FrameStream::account() const {
  return state_->account;
}

Column::Column(Column&& o) noexcept
    : field_(o.field_), width_(o.width_), data_(o.data_), size_(o.size_), capacity_(o.capacity_) {
  o.data_ = nullptr;
  o.size_ = o.capacity_ = 0;
}

Column& Column::operator=(Column&& o) noexcept {
  if (this != &o) {
    std::free(data_);
    field_ = o.field_;
    width_ = o.width_;
    data_ = o.data_;
    size_ = o.size_;
    capacity_ = o.capacity_;
    o.data_ = nullptr;
    o.size_ = o.capacity_ = 0;
  }
  return *this;
}

Column::~Column() {
  std::free(data_);
}

void* Column::release() {
  void* p = data_;
  data_ = nullptr;
  size_ = capacity_ = 0;
  return p;
}

void Column::reserve(std::size_t n) {
  if (n <= capacity_) return;
  void* p = std::realloc(data_, n * width_);
  if (p == nullptr) throw std::bad_alloc();
  data_ = p;
  capacity_ = n;
}

namespace {

template <class T>
void put(Column& c, std::size_t row, T v) {
  static_cast<T*>(c.data())[row] = v;
}

}  // namespace

FrameColumns frame_columns(const Inputs& inputs, const std::vector<std::string>& fields) {
  FrameColumns out;
  std::vector<std::size_t> ids;
  auto add = [&](const Field& f) {
    out.columns.emplace_back(f, element_size(f.type));
    ids.push_back(field_id(f));
  };
  if (fields.empty()) {
    for (const Field& f : kFields) add(f);
  } else {
    for (const std::string& name : fields) {
      const Field* f = find_frame_field(name);
      if (f == nullptr) throw std::invalid_argument("unknown frame field: " + name);
      add(*f);
    }
  }
  const InputOptions in = input_options(inputs);
  TcpAnalyzer analyzer;
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  // Every column has room for `capacity` rows, doubled when full: realloc moves a large block
  // by remapping its pages (no copy), and pages not yet written are not resident, so memory is
  // that of the rows written.
  std::size_t capacity = 0;
  std::size_t row = 0;
  auto sink = [&](const AnalysedFrame& f) {
    if (row == capacity) {
      capacity = capacity == 0 ? 65536 : 2 * capacity;
      for (Column& c : out.columns) c.reserve(capacity);
    }
    const Frame fr = to_frame(f);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      Column& c = out.columns[i];
      switch (ids[i]) {
        case 0:
          put(c, row, static_cast<std::int64_t>(fr.number));
          break;
        case 1:
          put(c, row, seconds(fr.time_ns));
          break;
        case 2:
          put(c, row, static_cast<std::int64_t>(fr.stream));
          break;
        case 3:
          put(c, row, fr.tcp_flags);
          break;
        case 4:
          put(c, row, static_cast<std::int64_t>(fr.seq));
          break;
        case 5:
          put(c, row, static_cast<std::int64_t>(fr.ack));
          break;
        case 6:
          put(c, row, static_cast<std::int64_t>(fr.len));
          break;
        case kRto:
          put(c, row, fr.rto_ns ? seconds(*fr.rto_ns) : kNone);
          break;
        case kAckRtt:
          put(c, row, fr.ack_rtt_ns ? seconds(*fr.ack_rtt_ns) : kNone);
          break;
        default:
          put(c, row, static_cast<std::uint8_t>(fr.flag(ids[i] - kFirstFlag)));
      }
    }
    ++row;
    return true;
  };
  RunResult result = run_pipeline(in, analyzer, sink, quiet_context());
  out.rows = row;
  for (Column& c : out.columns) c.set_size(row);
  out.account = account_of(result.account);
  out.error = first_error(result.account);
  // Nothing read at all: an exception, as for the other calls; damage part-way is a value.
  if (out.error && result.account.frames_read == 0) throw *out.error;
  return out;
}

}  // namespace tcplens::api
