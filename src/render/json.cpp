#include "render/json.hpp"

#include <fmt/format.h>

#include "render/frame_writer.hpp"

namespace tcplens {

void JsonBuilder::separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

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
  value(k);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}
JsonBuilder& JsonBuilder::value(std::string_view s) {
  separate();
  out_.push_back('"');
  for (char c : s) {
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
        if (static_cast<unsigned char>(c) < 0x20) {
          out_ += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out_.push_back(c);
        }
    }
  }
  out_.push_back('"');
  return *this;
}
JsonBuilder& JsonBuilder::value(std::uint64_t v) {
  separate();
  fmt::format_to(std::back_inserter(out_), "{}", v);
  return *this;
}
JsonBuilder& JsonBuilder::value(std::int64_t v) {
  separate();
  fmt::format_to(std::back_inserter(out_), "{}", v);
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
