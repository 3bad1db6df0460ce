// tcplens/error.hpp: what goes wrong with an input, as a value and as the exception the API
// throws. Never exit(): a damaged capture is reported after the frames before the damage.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tcplens::api {

// An input that could not be opened or that is damaged part-way.
class Error : public std::runtime_error {
 public:
  Error(std::string file, std::string reason, std::int64_t offset = -1);
  // The input ("filter" for a BPF expression that does not compile).
  const std::string& file() const { return file_; }
  const std::string& reason() const { return reason_; }
  // The byte offset in the file where the damage lies, or -1 (the file could not be opened).
  std::int64_t offset() const { return offset_; }

 private:
  std::string file_;
  std::string reason_;
  std::int64_t offset_;
};

}  // namespace tcplens::api
