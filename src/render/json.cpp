#include "render/json.hpp"

#include <fmt/format.h>

#include "render/frame_writer.hpp"

namespace tcplens {

JsonBuilder& JsonBuilder::begin_object() {
  separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}
JsonBuilder& JsonBuilder::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}
JsonBuilder& JsonBuilder::begin_array() {
  separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}
JsonBuilder& JsonBuilder::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}
JsonBuilder& JsonBuilder::key(std::string_view k) {
  separate();
  out_.push_back('"');
  out_.append(k);  // our own field names: nothing to escape
  out_.append("\":", 2);
  need_comma_ = false;
  return *this;
}
JsonBuilder& JsonBuilder::value(std::string_view s) {
  separate();
  out_.push_back('"');
  // Runs that need no escape are appended whole: the text is mostly plain (a quarter of
  // `summary --json` went to appending it a character at a time).
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out_.append(s, run, s.size() - run);
  out_.push_back('"');
  return *this;
}
JsonBuilder& JsonBuilder::value(std::uint64_t v) {
  separate();
  append_uint(out_, v);
  return *this;
}
JsonBuilder& JsonBuilder::value(std::int64_t v) {
  separate();
  if (v < 0) out_.push_back('-');
  // Negated in unsigned arithmetic: INT64_MIN has no positive counterpart.
  append_uint(out_, v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v));
  return *this;
}
JsonBuilder& JsonBuilder::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}
JsonBuilder& JsonBuilder::seconds(std::int64_t ns) {
  separate();
  append_seconds(out_, ns);
  return *this;
}
JsonBuilder& JsonBuilder::number(double v, int decimals) {
  separate();
  fmt::format_to(std::back_inserter(out_), "{:.{}f}", v, decimals);
  return *this;
}
JsonBuilder& JsonBuilder::null() {
  separate();
  out_ += "null";
  return *this;
}

}  // namespace tcplens
