// What the public API (include/tcplens/) shares inside: its inputs as the engine's, the
// engine's account as the API's, failures as exceptions.
#pragma once

#include "engine/pipeline.hpp"
#include "tcplens/inputs.hpp"

namespace tcplens::api {

// The engine's options for `inputs` (folders expanded). Throws Error when there is no input.
InputOptions input_options(const Inputs& inputs);

Account account_of(const ReadAccount& account);

// The first input error of the run as the API's Error, if any.
std::optional<Error> first_error(const ReadAccount& account);

// A run's context for the library: no progress line (a library does not own the terminal).
inline RunContext quiet_context() {
  RunContext ctx;
  ctx.quiet = true;
  return ctx;
}

// Throws the first input error of the run; else returns its account.
Account account_or_throw(const RunResult& result);

}  // namespace tcplens::api
