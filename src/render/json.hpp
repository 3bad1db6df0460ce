// A minimal JSON text builder for our records (objects, arrays, strings, numbers, null).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcplens {

class JsonBuilder {
 public:
  explicit JsonBuilder(std::string& out) : out_(out) {}
  JsonBuilder& begin_object();
  JsonBuilder& end_object();
  JsonBuilder& begin_array();
  JsonBuilder& end_array();
  // A field name of ours (plain ASCII letters, digits and '_': written as is, not escaped).
  JsonBuilder& key(std::string_view k);
  JsonBuilder& value(std::string_view s);
  JsonBuilder& value(const char* s) { return value(std::string_view(s)); }
  JsonBuilder& value(std::uint64_t v);
  JsonBuilder& value(std::int64_t v);
  JsonBuilder& value(std::uint32_t v) { return value(std::uint64_t{v}); }
  JsonBuilder& value(int v) { return value(std::int64_t{v}); }
  JsonBuilder& value(bool b);
  JsonBuilder& seconds(std::int64_t ns);  // a duration or epoch time: seconds, 9 decimals
  JsonBuilder& number(double v, int decimals);
  JsonBuilder& null();

 private:
  void separate() {
    if (need_comma_) out_.push_back(',');
    need_comma_ = true;
  }
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace tcplens
