#include "engine/shard_merge.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

#include "render/summary_writer.hpp"

namespace tcplens {

void ShardRows::add(std::uint64_t key, const FrameRow& row, FrameFormat format,
                    const FieldLayout* fields) {
  StreamDigits digits;
  append_frame_row(text, format, fields, row, &digits);
  const bool stream = digits.begin != std::string::npos;
  marks.push_back(RowMark{key, static_cast<std::uint32_t>(text.size()),
                          stream ? static_cast<std::uint32_t>(digits.begin) : kNoStream,
                          stream ? static_cast<std::uint32_t>(digits.end) : kNoStream,
                          row.verdict->stream});
}

namespace {

// The shard whose next item (`next[s]`-th of `items(s)`) has the smallest key, or n when every
// shard is used up: one step of the k-way merge both mergers do (k is a handful of shards).
template <typename Items, typename Key>
std::size_t smallest_head(std::size_t n, const std::vector<std::size_t>& next, Items items,
                          Key key) {
  std::size_t best = n;
  std::uint64_t best_key = UINT64_MAX;
  for (std::size_t s = 0; s < n; ++s) {
    const auto& list = items(s);
    if (next[s] < list.size() && key(list[next[s]]) < best_key) {
      best = s;
      best_key = key(list[next[s]]);
    }
  }
  return best;
}

}  // namespace

void RowMerger::merge(const std::vector<ShardRows>& rows, std::string& out) {
  const std::size_t n = rows.size();
  std::vector<std::size_t> row(n, 0);
  std::vector<std::size_t> at(n, 0);
  for (;;) {
    const std::size_t best = smallest_head(
        n, row, [&](std::size_t w) -> const auto& { return rows[w].marks; },
        [](const RowMark& m) { return m.key; });
    if (best == n) break;
    const ShardRows& r = rows[best];
    const RowMark& mark = r.marks[row[best]++];
    std::vector<std::uint32_t>& global = global_[best];
    if (mark.local_stream == global.size()) global.push_back(next_stream_++);
    if (mark.stream_begin == kNoStream) {
      out.append(r.text, at[best], mark.end - at[best]);
      at[best] = mark.end;
      continue;
    }
    out.append(r.text, at[best], mark.stream_begin - at[best]);
    append_uint(out, global[mark.local_stream]);
    out.append(r.text, mark.stream_end, mark.end - mark.stream_end);
    at[best] = mark.end;
  }
}

void ShardOut::add(const RecordRender& render, const ConnectionRecord& r) {
  const std::size_t begin = text.size();
  StreamField field;
  const bool flag = render(r, text, field);
  field.begin += begin;
  field.end += begin;
  marks.push_back(RecordMark{text.size(), field, r.stream, flag});
}

void RecordShard::frame(const Segment& s, std::int64_t ts_ns, std::uint64_t number, ShardOut& out) {
  const Verdict v = maker.analyzer.analyze(s, ts_ns, number);
  if (v.new_stream) out.starts.emplace_back(number, v.stream);
  maker.tell(s, v, ts_ns, [&](ConnectionRecord&& r) { out.add(render, r); });
}

void RecordShard::sweep(std::int64_t now_ns, std::int64_t idle_ns, ShardOut& out) {
  maker.sweep(now_ns, idle_ns, [&](ConnectionRecord&& r) { out.add(render, r); });
}

void RecordShard::finish(ShardOut& out) {
  maker.story.finish_each([&](ConnectionRecord&& r) { out.add(render, r); });
}

namespace {

// The digits of `stream`, padded with spaces on the left to the field's width, as a record
// shows its global stream number.
std::string_view stream_digits(std::uint32_t stream, int width, char (&buffer)[24]) {
  char digits[12];
  const std::size_t count = std::to_chars(digits, digits + sizeof digits, stream).ptr - digits;
  const std::size_t n = std::max(count, static_cast<std::size_t>(std::clamp(width, 0, 12)));
  std::fill(buffer, buffer + (n - count), ' ');
  std::copy(digits, digits + count, buffer + (n - count));
  return {buffer, n};
}

// A record's text from its shard's `text` (it starts at `begin`) with the stream number
// `stream` in place of the shard's own: its three parts handed to `put` in order.
template <class Put>
void record_parts(std::string_view text, std::size_t begin, const RecordMark& m,
                  std::uint32_t stream, Put&& put) {
  char buffer[24];
  put(text.substr(begin, m.field.begin - begin));
  put(stream_digits(stream, m.field.width, buffer));
  put(text.substr(m.field.end, m.end - m.field.end));
}

}  // namespace

void StreamNumbering::add(const std::vector<const std::vector<StreamStart>*>& starts) {
  const std::size_t n = starts.size();
  std::vector<std::size_t> at(n, 0);
  for (;;) {
    const std::size_t best = smallest_head(
        n, at, [&](std::size_t s) -> const auto& { return *starts[s]; },
        [](const StreamStart& start) { return start.first; });
    if (best == n) break;
    const std::uint32_t local = (*starts[best])[at[best]++].second;
    std::vector<std::uint32_t>& global = global_[best];
    if (local >= global.size()) global.resize(local + 1, UINT32_MAX);
    global[local] = next_++;
  }
}

void RecordMerger::merge(const std::vector<ShardOut>& outs) {
  std::vector<const std::vector<StreamStart>*> starts;
  for (const ShardOut& out : outs) starts.push_back(&out.starts);
  numbers_.add(starts);
  for (std::size_t s = 0; s < outs.size(); ++s) {
    const ShardOut& out = outs[s];
    std::size_t at_text = 0;
    for (const RecordMark& m : out.marks) {
      const std::uint32_t stream = numbers_.global(s, m.local_stream);
      std::string& text = stream == next_emit_ ? ready_ : waiting_[stream].first;
      text.clear();
      record_parts(out.text, at_text, m, stream, [&](std::string_view part) { text += part; });
      at_text = m.end;
      if (stream != next_emit_) {
        waiting_[stream].second = m.flag;
        continue;
      }
      emit_(ready_, m.flag);
      ++next_emit_;
      for (auto it = waiting_.begin(); it != waiting_.end() && it->first == next_emit_;
           it = waiting_.erase(it), ++next_emit_) {
        emit_(it->second.first, it->second.second);
      }
    }
  }
}

WholeRecordMerge::WholeRecordMerge(std::vector<Shard> shards) : shards_(std::move(shards)) {
  StreamNumbering numbers(static_cast<unsigned>(shards_.size()));
  std::vector<const std::vector<StreamStart>*> starts;
  for (const Shard& s : shards_) starts.push_back(&s.starts);
  numbers.add(starts);
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    const Shard& shard = shards_[s];
    for (std::size_t k = 0; k < shard.marks.size(); ++k) {
      const std::uint32_t stream = numbers.global(s, shard.marks[k].local_stream);
      places_.push_back({stream, static_cast<std::uint32_t>(s), k});
      record_parts(shard.text, begin_of(shard, k), shard.marks[k], stream,
                   [&](std::string_view part) { size_ += part.size(); });
    }
  }
  std::stable_sort(places_.begin(), places_.end(),
                   [](const Place& a, const Place& b) { return a.stream < b.stream; });
}

std::size_t WholeRecordMerge::begin_of(const Shard& shard, std::size_t mark) {
  return mark == 0 ? 0 : shard.marks[mark - 1].end;
}

void WholeRecordMerge::write(char* out) const {
  for (const Place& p : places_) {
    const Shard& shard = shards_[p.shard];
    record_parts(shard.text, begin_of(shard, p.mark), shard.marks[p.mark], p.stream,
                 [&](std::string_view part) {
                   std::memcpy(out, part.data(), part.size());
                   out += part.size();
                 });
  }
}

void RecordMerger::finish() {
  for (auto& [stream, text] : waiting_) emit_(text.first, text.second);
  waiting_.clear();
}

bool render_summary_json(const ConnectionRecord& r, std::string& text, StreamField& field) {
  const std::size_t begin = text.size();
  append_summary_json(text, r);
  text.push_back('\n');
  field.begin = std::string_view("{\"stream\":").size();
  field.end = text.find(',', begin + field.begin) - begin;
  field.width = 0;
  return troubled(r.diagnosis.verdict);
}

}  // namespace tcplens
