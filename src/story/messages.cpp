#include "story/messages.hpp"

namespace tcplens {

namespace {

bool english_singular(std::uint64_t n) {
  return n == 1;
}
bool no_singular(std::uint64_t) {
  return false;
}

constexpr LanguageRules kEnglish{english_singular, " µs", " ms", " s"};
constexpr LanguageRules kChinese{no_singular, " 微秒", " 毫秒", " 秒"};

}  // namespace

const LanguageRules& rules(Language lang) {
  return lang == Language::zh ? kChinese : kEnglish;
}

}  // namespace tcplens
