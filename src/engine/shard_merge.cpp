#include "engine/shard_merge.hpp"

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

void RecordShard::frame(const Segment& s, std::int64_t ts_ns, std::uint64_t number,
                        ShardOut& out) {
  const Verdict v = maker.analyzer.analyze(s, ts_ns, number);
  if (v.new_stream) out.starts.emplace_back(number, v.stream);
  maker.tell(s, v, ts_ns, [&](ConnectionRecord&& r) { out.add(render, r); });
}

void RecordShard::sweep(std::int64_t now_ns, std::int64_t idle_ns, ShardOut& out) {
  maker.sweep(now_ns, idle_ns, [&](ConnectionRecord&& r) { out.add(render, r); });
}

void RecordShard::finish(ShardOut& out) {
  for (ConnectionRecord& r : maker.story.finish()) out.add(render, r);
}

void RecordMerger::merge(const std::vector<ShardOut>& outs) {
  // The streams opened, in the order of their first frames.
  const std::size_t n = outs.size();
  std::vector<std::size_t> at(n, 0);
  for (;;) {
    const std::size_t best = smallest_head(
        n, at, [&](std::size_t s) -> const auto& { return outs[s].starts; },
        [](const auto& start) { return start.first; });
    if (best == n) break;
    const std::uint32_t local = outs[best].starts[at[best]++].second;
    std::vector<std::uint32_t>& global = global_[best];
    if (local >= global.size()) global.resize(local + 1, UINT32_MAX);
    global[local] = next_stream_++;
  }
  for (std::size_t s = 0; s < n; ++s) {
    const ShardOut& out = outs[s];
    std::size_t at_text = 0;
    for (const RecordMark& m : out.marks) {
      const std::uint32_t stream = global_[s][m.local_stream];
      std::string& text = stream == next_emit_ ? ready_ : waiting_[stream].first;
      text.clear();
      text.append(out.text, at_text, m.field.begin - at_text);
      const std::size_t digits = text.size();
      append_uint(text, stream);
      const auto pad = static_cast<std::size_t>(m.field.width);
      if (text.size() - digits < pad) text.insert(digits, pad - (text.size() - digits), ' ');
      text.append(out.text, m.field.end, m.end - m.field.end);
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
