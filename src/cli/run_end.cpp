#include "cli/run_end.hpp"

#include <fmt/core.h>

#include <cstdio>

#include "capture/output_file.hpp"

namespace tcplens {

int end_account(const RunResult& result, const AccountOptions& options) {
  if (options.file.empty() && options.quiet) return result.exit_status;
  std::string text;
  if (options.json) {
    append_account_json(text, result.account);
  } else {
    text = account_line(result.account) + '\n';
  }
  if (options.file.empty()) {
    std::fputs(text.c_str(), stderr);
    return result.exit_status;
  }
  std::string error;
  if (!write_whole_file(options.file, text, error)) {
    fmt::print(stderr, "tcplens: {}: {}\n", options.file, error);
    return kExitUnreadable;
  }
  return result.exit_status;
}

int end_unread(const RunResult& result, const AccountOptions& options) {
  if (result.exit_status == kExitUsage) return result.exit_status;
  AccountOptions file_only = options;
  file_only.quiet = true;
  end_account(result, file_only);
  return result.exit_status;
}

int finish_run(OutputBuffer& out, const RunResult& result, const AccountOptions& options) {
  out.flush();
  if (out.closed()) {
    AccountOptions file_only = options;
    file_only.quiet = true;
    end_account(result, file_only);
    return out.failed() ? kExitUnreadable : kExitOk;
  }
  if (result.exit_status == kExitUsage) return result.exit_status;
  return end_account(result, options);
}

void print_input_error(const InputError& e) {
  if (e.offset >= 0) {
    fmt::print(stderr, "tcplens: {}: {} (at byte offset {})\n", e.file, e.reason, e.offset);
  } else {
    fmt::print(stderr, "tcplens: {}: {}\n", e.file, e.reason);
  }
}

}  // namespace tcplens
