#include "cli/run_end.hpp"

#include <fmt/core.h>

#include <cstdio>

namespace tcplens {

int finish_run(OutputBuffer& out, const RunResult& result, bool quiet) {
  out.flush();
  if (out.closed()) return out.failed() ? kExitUnreadable : kExitOk;
  if (!quiet && result.exit_status != kExitUsage) {
    fmt::print(stderr, "{}\n", account_line(result.account));
  }
  return result.exit_status;
}

void print_input_error(const InputError& e) {
  if (e.offset >= 0) {
    fmt::print(stderr, "tcplens: {}: {} (at byte offset {})\n", e.file, e.reason, e.offset);
  } else {
    fmt::print(stderr, "tcplens: {}: {}\n", e.file, e.reason);
  }
}

}  // namespace tcplens
