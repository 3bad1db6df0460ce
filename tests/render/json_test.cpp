#include "render/json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace tcplens {
namespace {

TEST(JsonBuilder, EscapesQuotesBackslashesAndControlCharactersOnly) {
  std::string out;
  JsonBuilder(out).value("plain \"q\" a\\b\nc\td\x01\x1f é");
  EXPECT_EQ(out, "\"plain \\\"q\\\" a\\\\b\\nc\\td\\u0001\\u001f é\"");
  out.clear();
  JsonBuilder(out).value("").value("\"").value("x");
  EXPECT_EQ(out, R"("","\"","x")");
}

TEST(JsonBuilder, IntegersAtTheirLimits) {
  std::string out;
  JsonBuilder j(out);
  j.begin_array()
      .value(std::uint64_t{0})
      .value(std::numeric_limits<std::uint64_t>::max())
      .value(std::int64_t{-1})
      .value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::int64_t>::max())
      .end_array();
  EXPECT_EQ(out, "[0,18446744073709551615,-1,-9223372036854775808,9223372036854775807]");
}

TEST(JsonBuilder, ObjectsSeparateKeysAndValues) {
  std::string out;
  JsonBuilder j(out);
  j.begin_object().key("a").value(1).key("b").begin_array().value(true).null().end_array();
  j.key("c").seconds(1'500'000'000).end_object();
  EXPECT_EQ(out, R"({"a":1,"b":[true,null],"c":1.500000000})");
}

}  // namespace
}  // namespace tcplens
