#include "cli/terminal.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "render/summary_writer.hpp"

namespace tcplens {

bool use_colour(const std::string& how) {
  if (how == "always") return true;
  if (how == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) != 0 && (no_colour == nullptr || *no_colour == '\0');
}

std::string progress_text(const Progress& p, double elapsed_s) {
  std::string s = "tcplens: ";
  if (p.bytes_total > 0) {
    const double percent =
        100.0 * static_cast<double>(p.bytes_read) / static_cast<double>(p.bytes_total);
    // The bytes read are counted from the frames (pcapng's blocks are a little larger): never
    // claim the end before it comes.
    fmt::format_to(std::back_inserter(s), "{:.0f}% of {}B, ", std::min(percent, 99.0),
                   human_bytes(p.bytes_total));
  }
  const double seconds = elapsed_s > 0 ? elapsed_s : 1e-9;
  fmt::format_to(
      std::back_inserter(s), "{} frames, {} frames/s, {:.1f} MB/s", human_bytes(p.frames_read),
      human_bytes(static_cast<std::uint64_t>(static_cast<double>(p.frames_read) / seconds)),
      static_cast<double>(p.bytes_read) / 1e6 / seconds);
  return s;
}

std::function<void(const Progress&)> progress_line(std::FILE* terminal) {
  if (isatty(fileno(terminal)) == 0) return {};
  struct State {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point drawn{};
    bool shown = false;
  };
  // Shared: the run's context is copied on its way to the reading loop.
  auto state = std::make_shared<State>();
  return [state, terminal](const Progress& p) {
    using namespace std::chrono;
    const auto now = steady_clock::now();
    if (p.done) {
      if (state->shown) fmt::print(terminal, "\r\033[K");
      state->shown = false;
      return;
    }
    if (now - state->start < milliseconds(250) || now - state->drawn < milliseconds(100)) return;
    const double elapsed = duration<double>(now - state->start).count();
    fmt::print(terminal, "\r{}\033[K", progress_text(p, elapsed));
    std::fflush(terminal);
    state->drawn = now;
    state->shown = true;
  };
}

}  // namespace tcplens
