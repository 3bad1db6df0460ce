// Several inputs read as one, merged by timestamp as mergecap does (ties keep input order).
#pragma once

#include <memory>
#include <vector>

#include "capture/frame_source.hpp"

namespace tcplens {

class MergedSource {
 public:
  explicit MergedSource(std::vector<std::unique_ptr<FrameSource>> sources);

  // The next frame in time order. An input that fails is dropped (its failure is kept in
  // `failed()`) and the others go on.
  ReadStatus next(RawFrame& frame);

  struct Failure {
    std::string name;
    std::string reason;
    std::int64_t offset;
  };
  [[nodiscard]] const std::vector<Failure>& failed() const { return failed_; }
  // The name of the input the frame handed out last came from.
  [[nodiscard]] const std::string& last_input() const {
    return sources_[consumed_ < sources_.size() ? consumed_ : 0]->name();
  }

 private:
  struct Head {
    RawFrame frame;
    bool pending = false;
    bool done = false;
  };
  bool refill(std::size_t i);

  std::vector<std::unique_ptr<FrameSource>> sources_;
  std::vector<Head> heads_;
  std::vector<Failure> failed_;
  bool interrupted_ = false;
  bool started_ = false;
  std::size_t consumed_ = 0;  // the input whose frame was handed out last
};

}  // namespace tcplens
