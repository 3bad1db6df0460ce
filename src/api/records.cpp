#include "tcplens/records.hpp"

#include "api/run.hpp"
#include "engine/records.hpp"
#include "render/summary_writer.hpp"

namespace tcplens::api {

Account for_each_record(const Inputs& inputs, const std::function<void(Record&&)>& on_record) {
  const InputOptions in = input_options(inputs);
  return account_or_throw(stream_records(in, quiet_context(), on_record));
}

std::string record_json(const Record& record) {
  std::string out;
  append_summary_json(out, record);
  return out;
}

Account for_each_record_json(const Inputs& inputs,
                             const std::function<void(std::string_view json)>& on_record) {
  std::string text;
  return for_each_record(inputs, [&](Record&& r) {
    text.clear();
    append_summary_json(text, r);
    on_record(text);
  });
}

}  // namespace tcplens::api
