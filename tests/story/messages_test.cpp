// The message catalogue: every message in every language, with English's slots, formatting.
#include "story/messages.hpp"

#include <fmt/args.h>
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "story/connection_record.hpp"
#include "story/diagnosis.hpp"

namespace tcplens {
namespace {

// The positional slots {N} of a template; false when it has any other replacement field (an
// automatic {}, a format spec, an unmatched brace): the catalogue's templates take bare slots.
bool slots_of(std::string_view t, std::set<int>& slots) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '}') {
      if (i + 1 < t.size() && t[i + 1] == '}') {
        ++i;
        continue;
      }
      return false;
    }
    if (t[i] != '{') continue;
    if (i + 1 < t.size() && t[i + 1] == '{') {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < t.size() && t[j] >= '0' && t[j] <= '9') ++j;
    if (j == i + 1 || j >= t.size() || t[j] != '}') return false;
    slots.insert(std::stoi(std::string(t.substr(i + 1, j - i - 1))));
    i = j;
  }
  return true;
}

std::string formatted(std::string_view t, int args) {
  std::vector<std::string> values;
  for (int k = 0; k < args; ++k) values.push_back("<" + std::to_string(k) + ">");
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& v : values) store.push_back(v);
  return fmt::vformat(t, store);
}

TEST(Messages, EveryMessageInEveryLanguageWithEnglishsSlots) {
  const Catalogue& en = catalogue(Language::en);
  for (std::size_t id = 0; id < kMessages; ++id) {
    std::set<int> reference;
    const std::string_view en_text = en.forms[id].other;
    ASSERT_TRUE(slots_of(en_text, reference)) << "message " << id << ": " << en_text;
    // Slots are numbered from 0 without gaps, so none is left unfilled.
    int expected = 0;
    for (int s : reference) EXPECT_EQ(s, expected++) << "message " << id << ": " << en_text;
    for (std::size_t l = 0; l < kLanguages; ++l) {
      const Catalogue& c = catalogue(static_cast<Language>(l));
      const MsgForms& f = c.forms[id];
      EXPECT_FALSE(f.other.empty()) << c.code << " message " << id << " (" << en_text << ")";
      for (std::string_view form : {f.other, f.one}) {
        if (form.empty()) continue;
        std::set<int> slots;
        EXPECT_TRUE(slots_of(form, slots)) << c.code << " message " << id << ": " << form;
        EXPECT_EQ(slots, reference)
            << c.code << " message " << id << ": " << form << "\nEnglish: " << en_text;
        std::string out;
        EXPECT_NO_THROW(out = formatted(form, static_cast<int>(reference.size())))
            << c.code << " message " << id << ": " << form;
        for (int s : reference) {
          EXPECT_NE(out.find("<" + std::to_string(s) + ">"), std::string::npos)
              << c.code << " message " << id << ": " << out;
        }
      }
    }
  }
}

TEST(Messages, PluralFormsFollowTheLanguagesRule) {
  EXPECT_EQ(say_n(Language::en, Msg::count_frames, 1, 1), "1 frame");
  EXPECT_EQ(say_n(Language::en, Msg::count_frames, 2, 2), "2 frames");
  EXPECT_EQ(say_n(Language::en, Msg::count_frames, 0, 0), "0 frames");
  EXPECT_EQ(say_n(Language::zh, Msg::count_frames, 1, 1), "1 帧");
  EXPECT_EQ(say_n(Language::zh, Msg::count_frames, 2, 2), "2 帧");
}

TEST(Messages, EnglishStatesAndVerdictsAreTheSummarysNames) {
  const std::pair<ConnectionState, Msg> states[] = {
      {ConnectionState::refused, Msg::state_refused},
      {ConnectionState::unanswered, Msg::state_unanswered},
      {ConnectionState::open, Msg::state_open},
      {ConnectionState::half_closed, Msg::state_half_closed},
      {ConnectionState::closed, Msg::state_closed},
      {ConnectionState::reset, Msg::state_reset},
      {ConnectionState::midstream, Msg::state_midstream}};
  for (auto [s, m] : states) EXPECT_EQ(say(Language::en, m), to_string(s));
  const std::pair<DiagnosisVerdict, Msg> verdicts[] = {
      {DiagnosisVerdict::healthy, Msg::verdict_healthy},
      {DiagnosisVerdict::refused, Msg::verdict_refused},
      {DiagnosisVerdict::unanswered, Msg::verdict_unanswered},
      {DiagnosisVerdict::peer_unreachable, Msg::verdict_peer_unreachable},
      {DiagnosisVerdict::loss_limited, Msg::verdict_loss_limited},
      {DiagnosisVerdict::receive_window_limited, Msg::verdict_receive_window_limited},
      {DiagnosisVerdict::zero_window_stalled, Msg::verdict_zero_window_stalled},
      {DiagnosisVerdict::application_limited, Msg::verdict_application_limited},
      {DiagnosisVerdict::sender_limited, Msg::verdict_sender_limited},
      {DiagnosisVerdict::ecn_limited, Msg::verdict_ecn_limited}};
  for (auto [v, m] : verdicts) EXPECT_EQ(say(Language::en, m), to_string(v));
}

TEST(Messages, LanguagesByTheirCodes) {
  std::set<std::string> codes;
  for (std::size_t l = 0; l < kLanguages; ++l) {
    const auto lang = static_cast<Language>(l);
    const std::string code(catalogue(lang).code);
    EXPECT_TRUE(codes.insert(code).second) << code;
    EXPECT_EQ(language_of_code(code), lang) << code;
  }
  EXPECT_EQ(language_codes(), (std::vector<std::string>{"en", "zh"}));
  EXPECT_FALSE(language_of_code("fr").has_value());
}

}  // namespace
}  // namespace tcplens
