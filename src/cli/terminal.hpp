// What the command line knows about the terminal: whether to colour, and the progress line.
#pragma once

#include <chrono>
#include <string>

#include "engine/pipeline.hpp"

namespace tcplens {

// `--color never|always|auto`: auto colours when stdout is a terminal and NO_COLOR is not set
// (https://no-color.org: any non-empty value).
bool use_colour(const std::string& how);

}  // namespace tcplens
