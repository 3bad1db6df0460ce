// The end of a command's run on the terminal: output flushed, the account line, the exit status.
#pragma once

#include "engine/pipeline.hpp"
#include "render/output_buffer.hpp"

namespace tcplens {

// The end of a run writing to `out`: flushes it; if the reader went away, exits quietly (0, or 1
// when writing failed); else prints the account line (unless quiet or the command line was
// wrong) and returns the run's exit status.
int finish_run(OutputBuffer& out, const RunResult& result, bool quiet);

// An input error on stderr, one line naming the input (and the byte offset when known): the
// engine's RunContext::on_error for the command line.
void print_input_error(const InputError& error);

}  // namespace tcplens
