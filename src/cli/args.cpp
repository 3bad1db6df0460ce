#include "cli/args.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tcplens {

SplitArgs split_inputs_and_filter(const std::vector<std::string>& args, bool live) {
  SplitArgs out;
  std::size_t i = 0;
  if (!live) {
    for (; i < args.size(); ++i) {
      struct stat st {};
      if (args[i] != "-" && stat(args[i].c_str(), &st) != 0) {
        out.first_word = args[i];
        out.not_a_path = std::strerror(errno);
        break;
      }
      out.files.push_back(args[i]);
    }
  } else if (!args.empty()) {
    out.first_word = args[0];
  }
  for (; i < args.size(); ++i) {
    if (!out.filter.empty()) out.filter += ' ';
    out.filter += args[i];
  }
  return out;
}

std::string filter_error_line(const SplitArgs& split, const std::string& error) {
  // BpfFilter's reason starts "bad filter: ", which the words around it say already.
  const std::string_view filter_error = std::string_view(error).starts_with("bad filter: ")
                                            ? std::string_view(error).substr(12)
                                            : std::string_view(error);
  const bool one_word = split.first_word.find_first_of(" \t") == std::string::npos;
  if (!one_word || split.not_a_path.empty()) {
    return fmt::format("tcplens: bad filter \"{}\": {}", split.filter, filter_error);
  }
  if (split.filter == split.first_word) {
    return fmt::format("tcplens: {}: neither an input ({}) nor a filter ({})", split.first_word,
                       split.not_a_path, filter_error);
  }
  return fmt::format("tcplens: {}: neither an input ({}) nor the start of a filter (\"{}\": {})",
                     split.first_word, split.not_a_path, split.filter, filter_error);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic programme: two before this one, for the swap of neighbours.
  std::vector<std::size_t> before(b.size() + 1), last(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) last[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({last[j] + 1, row[j - 1] + 1, last[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
    }
    std::swap(before, last);
    std::swap(last, row);
  }
  return last[b.size()];
}

std::string nearest_command(std::span<const std::string> names, std::string_view word) {
  if (word.empty()) return {};
  std::string begun;
  std::size_t begun_count = 0;
  for (const std::string& n : names) {
    if (n.starts_with(word)) {
      begun = n;
      ++begun_count;
    }
  }
  if (begun_count == 1) return begun;
  std::string best;
  std::size_t best_distance = 3;  // at most two edits
  for (const std::string& n : names) {
    const std::size_t d = edit_distance(word, n);
    if (d < best_distance && d < n.size()) {
      best = n;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace tcplens
