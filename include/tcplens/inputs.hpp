// tcplens/inputs.hpp: what a run reads (captures, folders of captures, a BPF filter) and the
// account of what it read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tcplens/error.hpp"

namespace tcplens::api {

struct Inputs {
  // Capture files (pcap, pcapng, gzip-compressed, tcpdump text; "-" for stdin) and folders
  // (the captures directly in them, by name). Several inputs are merged by time, as the command
  // line merges them.
  std::vector<std::string> paths;
  std::string filter;  // a BPF expression, as tcpdump takes it (empty: every frame)
  // Connection records: a connection idle this long (capture time) is reported and released;
  // 0 keeps every connection to the end. The command line's --idle-timeout.
  double idle_timeout_s = 1800;
};

// What a run read: every frame counted once (the command line's end-of-run line).
struct Account {
  std::uint64_t frames_read = 0;
  std::uint64_t tcp_analysed = 0;
  std::uint64_t skipped = 0;  // frames_read - tcp_analysed
  // Records: analysed frames that came after their connection's record was written (in no record).
  std::uint64_t frames_after_end = 0;
  std::vector<Error> errors;  // the inputs that failed, in the order they failed
};

// The files `paths` stand for: files as given, each folder's regular files that start like a
// capture (pcap, pcapng or gzip magic), sorted by name. Throws Error for a path that is not there.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths);

}  // namespace tcplens::api
