#include "story/messages.hpp"

#include <utility>

namespace tcplens {

namespace {

// Every language of the enum, each from its own file's catalogue_of<>().
template <std::size_t... I>
const Catalogue& catalogue_at(std::size_t i, std::index_sequence<I...>) {
  using Get = const Catalogue& (*)();
  static constexpr Get kGet[] = {&catalogue_of<static_cast<Language>(I)>...};
  return kGet[i]();
}

}  // namespace

const Catalogue& catalogue(Language lang) {
  return catalogue_at(static_cast<std::size_t>(lang), std::make_index_sequence<kLanguages>{});
}

std::optional<Language> language_of_code(std::string_view code) {
  for (std::size_t i = 0; i < kLanguages; ++i) {
    if (catalogue(static_cast<Language>(i)).code == code) return static_cast<Language>(i);
  }
  return std::nullopt;
}

std::vector<std::string> language_codes() {
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < kLanguages; ++i) {
    codes.emplace_back(catalogue(static_cast<Language>(i)).code);
  }
  return codes;
}

}  // namespace tcplens
