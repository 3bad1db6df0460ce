// What the command line knows about the terminal: whether to colour, and the progress line.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "engine/pipeline.hpp"

namespace tcplens {

// `--color never|always|auto`: auto colours when stdout is a terminal and NO_COLOR is not set
// (https://no-color.org: any non-empty value).
bool use_colour(const std::string& how);

// The progress line's text: "tcplens: 42% of 1.2 GB, 1.5M frames, 350k frames/s, 120.5 MB/s"
// (no percent when the inputs' size is unknown).
std::string progress_text(const Progress& p, double elapsed_s);

// The progress line on stderr when it is a terminal: drawn once a run has taken 0.25 s, redrawn
// at most every 0.1 s, cleared at the end. Null when stderr is not a terminal.
std::function<void(const Progress&)> progress_line(std::FILE* terminal);

}  // namespace tcplens
