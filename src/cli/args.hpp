// Splitting tcpdump-style trailing arguments: capture files first, then a BPF filter expression.
#pragma once

#include <string>
#include <vector>

namespace tcplens {

struct SplitArgs {
  std::vector<std::string> files;
  std::string filter;
};

// Leading arguments that name existing paths (or "-") are inputs; the first one that does not
// starts the filter expression, which takes the rest. With a live interface every argument is
// part of the filter.
SplitArgs split_inputs_and_filter(const std::vector<std::string>& args, bool live);

}  // namespace tcplens
