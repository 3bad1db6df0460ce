// What differs between the languages of the prose beyond the sentences: plural rule and units.
// One constant table per language; a new language is a new entry here.
#pragma once

#include <cstdint>
#include <string_view>

namespace tcplens {

enum class Language { en, zh };

struct LanguageRules {
  // English has one/other, Chinese only other.
  bool (*is_singular)(std::uint64_t n);
  // Number + unit, one style for every duration: "71 µs", "71 微秒".
  std::string_view microseconds, milliseconds, seconds;
};

const LanguageRules& rules(Language lang);

// The word for `n` things: `one` when the language's plural rule says so, else `other`.
inline std::string_view plural(Language lang, std::uint64_t n, std::string_view one,
                               std::string_view other) {
  return rules(lang).is_singular(n) ? one : other;
}

}  // namespace tcplens
