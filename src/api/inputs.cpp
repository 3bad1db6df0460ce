#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "api/run.hpp"
#include "capture/capture_folder.hpp"

namespace tcplens::api {

namespace {

std::string message(const std::string& file, const std::string& reason, std::int64_t offset) {
  // The command line's error line without its "tcplens: ".
  return offset >= 0 ? fmt::format("{}: {} (at byte offset {})", file, reason, offset)
                     : fmt::format("{}: {}", file, reason);
}

}  // namespace

Error::Error(std::string file, std::string reason, std::int64_t offset)
    : std::runtime_error(message(file, reason, offset)),
      file_(std::move(file)),
      reason_(std::move(reason)),
      offset_(offset) {}

std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path == "-" || !std::filesystem::is_directory(path, ec)) {
      files.push_back(path);  // a missing file is the engine's to report, as it reports others
      continue;
    }
    // The command line's folder rule: capture files in natural order of their names.
    FolderListing listing;
    std::string error;
    if (!list_capture_folder(path, listing, error)) throw Error(path, error);
    files.insert(files.end(), listing.captures.begin(), listing.captures.end());
  }
  return files;
}

InputOptions input_options(const Inputs& inputs) {
  InputOptions in;
  in.files = expand_paths(inputs.paths);
  if (in.files.empty()) {
    throw Error(inputs.paths.empty() ? std::string("inputs") : inputs.paths.front(),
                inputs.paths.empty() ? "no input given" : "no capture in the folder");
  }
  in.filter = inputs.filter;
  if (!(inputs.idle_timeout_s >= 0)) throw std::invalid_argument("idle_timeout_s must be >= 0");
  in.idle_timeout_ns = std::llround(inputs.idle_timeout_s * 1e9);
  return in;
}

Account account_of(const ReadAccount& a) {
  Account out;
  out.frames_read = a.frames_read;
  out.tcp_analysed = a.tcp_analysed;
  out.skipped = a.frames_read - a.tcp_analysed;
  out.frames_after_end = a.frames_after_end;
  for (const InputError& e : a.errors) out.errors.emplace_back(e.file, e.reason, e.offset);
  return out;
}

std::optional<Error> first_error(const ReadAccount& a) {
  if (a.errors.empty()) return std::nullopt;
  const InputError& e = a.errors.front();
  return Error(e.file, e.reason, e.offset);
}

Account account_or_throw(const RunResult& result) {
  if (auto e = first_error(result.account)) throw *e;
  return account_of(result.account);
}

}  // namespace tcplens::api
