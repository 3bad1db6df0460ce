#include "cli/terminal.hpp"

#include <unistd.h>

#include <cstdlib>

namespace tcplens {

bool use_colour(const std::string& how) {
  if (how == "always") return true;
  if (how == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) != 0 && (no_colour == nullptr || *no_colour == '\0');
}

}  // namespace tcplens
