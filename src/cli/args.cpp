#include "cli/args.hpp"

#include <sys/stat.h>

namespace tcplens {

SplitArgs split_inputs_and_filter(const std::vector<std::string>& args, bool live) {
  SplitArgs out;
  std::size_t i = 0;
  if (!live) {
    for (; i < args.size(); ++i) {
      struct stat st {};
      if (args[i] != "-" && stat(args[i].c_str(), &st) != 0) {
        // A missing file that looks like a path is still an input (it gets its own error).
        if (args[i].find('/') == std::string::npos && args[i].find('.') == std::string::npos) break;
      }
      out.files.push_back(args[i]);
    }
  }
  for (; i < args.size(); ++i) {
    if (!out.filter.empty()) out.filter += ' ';
    out.filter += args[i];
  }
  return out;
}

}  // namespace tcplens
