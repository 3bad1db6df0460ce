// tcplens/records.hpp: one record per TCP connection, the facts of `tcplens summary`, as structs
// or as the JSON objects of `summary --json` (docs/summary-json.md).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "story/connection_record.hpp"
#include "tcplens/inputs.hpp"

namespace tcplens::api {

// The story stage's record (src/story/connection_record.hpp): sides, states, episodes, diagnosis.
using Record = tcplens::ConnectionRecord;

// Every connection's record in stream order, each handed over once its connection has ended
// (or gone idle, Inputs::idle_timeout_s) and the streams before it have been handed over.
// Throws Error after the run for the first input that failed; else returns the account.
Account for_each_record(const Inputs& inputs, const std::function<void(Record&&)>& on_record);

// A record as `summary --json` prints it: one JSON object, no newline.
std::string record_json(const Record& record);

// The same run, each record as its JSON object (what `summary --json` prints, line by line,
// without the account line).
Account for_each_record_json(const Inputs& inputs,
                             const std::function<void(std::string_view json)>& on_record);

}  // namespace tcplens::api
