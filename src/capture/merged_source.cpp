#include "capture/merged_source.hpp"

namespace tcplens {

MergedSource::MergedSource(std::vector<std::unique_ptr<FrameSource>> sources)
    : sources_(std::move(sources)), heads_(sources_.size()) {}

bool MergedSource::refill(std::size_t i) {
  Head& h = heads_[i];
  switch (sources_[i]->next(h.frame)) {
    case ReadStatus::frame:
      h.pending = true;
      return true;
    case ReadStatus::end:
      break;
    case ReadStatus::interrupted:
      interrupted_ = true;
      break;
    case ReadStatus::error:
      failed_.push_back({sources_[i]->name(), sources_[i]->error(), sources_[i]->error_offset()});
      break;
  }
  h.done = true;
  h.pending = false;
  return false;
}

ReadStatus MergedSource::next(RawFrame& frame) {
  // A single input needs no look-ahead: hand its frames straight through.
  if (sources_.size() == 1) {
    if (heads_[0].done) return interrupted_ ? ReadStatus::interrupted : ReadStatus::end;
    if (refill(0)) {
      frame = heads_[0].frame;
      heads_[0].pending = false;
      return ReadStatus::frame;
    }
    return interrupted_ ? ReadStatus::interrupted : ReadStatus::end;
  }
  if (!started_) {
    started_ = true;
    for (std::size_t i = 0; i < sources_.size(); ++i) refill(i);
  } else if (consumed_ < heads_.size()) {
    refill(consumed_);  // only now: the frame handed out last time was a view into it
  }
  consumed_ = heads_.size();
  std::size_t best = heads_.size();
  for (std::size_t i = 0; i < heads_.size(); ++i) {
    if (!heads_[i].pending) continue;
    if (best == heads_.size() || heads_[i].frame.ts_ns < heads_[best].frame.ts_ns) best = i;
  }
  if (best == heads_.size()) return interrupted_ ? ReadStatus::interrupted : ReadStatus::end;
  frame = heads_[best].frame;
  heads_[best].pending = false;
  consumed_ = best;
  return ReadStatus::frame;
}

}  // namespace tcplens
