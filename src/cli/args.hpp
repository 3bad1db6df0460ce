// The command line's words, classified as a tcpdump user means them: capture inputs first, then a
// BPF filter expression; a command name, misspelt or not.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcplens {

struct SplitArgs {
  std::vector<std::string> files;
  std::string filter;  // the remaining words joined by spaces, as tcpdump joins them
  // When a filter was found: its first word, and why that word is not an input (strerror), for
  // the error that says both readings failed.
  std::string first_word;
  std::string not_a_path;
};

// Leading arguments that name existing paths (files, folders, pipes) or "-" are inputs; the
// first one that does not starts the filter expression, which takes the rest. With a live
// interface every argument is part of the filter.
SplitArgs split_inputs_and_filter(const std::vector<std::string>& args, bool live);

// The one-line error for a filter that does not compile, `filter_error` being libpcap's reason.
// When its first word could have been meant as an input (one word, no space), it says that both
// readings failed: "WORD: neither an input (No such file or directory) nor a filter (...)".
std::string filter_error_line(const SplitArgs& split, const std::string& filter_error);

// The command of `names` nearest to a misspelt `word`: the only one it begins, or the one within
// two edits (insertions, deletions, substitutions, swaps of neighbours); "" if none is near.
std::string nearest_command(std::span<const std::string> names, std::string_view word);

// Edits (optimal string alignment) between two words.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace tcplens
