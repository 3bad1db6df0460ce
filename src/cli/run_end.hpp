// The end of a command's run on the terminal: output flushed, the account, the exit status.
#pragma once

#include <string>

#include "engine/pipeline.hpp"
#include "render/output_buffer.hpp"

namespace tcplens {

// Where the frame account goes (the command line's choice; the engine only counts). Never on
// stdout: that carries the records alone.
struct AccountOptions {
  bool quiet = false;  // -q: nothing on stderr but errors
  bool json = false;  // --account json: {"account":{…}} (docs/account-json.md), not the text line
  std::string file;   // --account-file: written there (even with -q) instead of on stderr
};

// Writes the run's account where `options` says and returns the run's exit status, or 1 when
// the account file could not be written (said on stderr, naming it and why).
int end_account(const RunResult& result, const AccountOptions& options);

// The end of a run that read nothing (its errors said why): only an account file asked for
// gets the account. Returns the run's exit status.
int end_unread(const RunResult& result, const AccountOptions& options);

// The end of a run writing to `out`: flushes it; if the reader went away, exits quietly (0, or 1
// when writing failed; the account file is still written); else, unless the command line was
// wrong, the account (end_account) and the run's exit status.
int finish_run(OutputBuffer& out, const RunResult& result, const AccountOptions& options);

// An input error on stderr, one line naming the input (and the byte offset when known): the
// engine's RunContext::on_error for the command line.
void print_input_error(const InputError& error);

}  // namespace tcplens
