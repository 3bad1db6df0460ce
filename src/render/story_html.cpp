#include "render/story_html.hpp"

#include <array>
#include <vector>

#include "render/xml_escape.hpp"

namespace tcplens {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Units that make a number a quantity worth emphasising (English and Chinese).
constexpr std::array<std::string_view, 20> kUnits{
    "µs", "ms",   "s",    "bytes", "byte", "frames", "frame",  "times", "segments", "segment",
    "%",  "SYNs", "微秒", "毫秒",  "秒",   "字节",   "个报文", "次",    "retries",  "holes"};

// The length of the unit (with one optional space before it) at `rest`, or 0.
std::size_t unit_length(std::string_view rest) {
  std::size_t skip = !rest.empty() && rest[0] == ' ' ? 1 : 0;
  std::string_view after = rest.substr(skip);
  for (std::string_view u : kUnits) {
    if (after.substr(0, u.size()) != u) continue;
    // A whole word: "s" must not be the start of "sent".
    if (after.size() > u.size() && is_letter(after[u.size()]) && is_letter(u.back())) continue;
    return skip + u.size();
  }
  return 0;
}

std::string_view trim_left(std::string_view s, std::size_t& indent) {
  indent = 0;
  while (indent < s.size() && s[indent] == ' ') ++indent;
  return s.substr(indent);
}

// The label of a line such as "Handshake: …", "Data: …", "诊断：…": a few words
// (no sentence punctuation, at most three spaces outside brackets) before the first colon.
// Returns the label's length including the colon, or 0.
std::size_t label_length(std::string_view line) {
  constexpr std::string_view kWideColon = "：";
  int spaces = 0, depth = 0;
  for (std::size_t i = 0; i < line.size() && i < 60; ++i) {
    char c = line[i];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth > 0) continue;
    if (c == ':') return i > 0 && (i + 1 == line.size() || line[i + 1] == ' ') ? i + 1 : 0;
    if (line.substr(i, kWideColon.size()) == kWideColon) return i > 0 ? i + kWideColon.size() : 0;
    if (c == '.' || c == ',' || c == ';' || line.substr(i, 3) == "，" || line.substr(i, 3) == "。")
      return 0;
    if (c == ' ' && ++spaces > 3) return 0;
  }
  return 0;
}

// "  - item" or "  · item": the item's text, else empty.
std::string_view list_item(std::string_view line, std::size_t indent) {
  if (indent == 0 || indent > 3) return {};
  std::string_view body = line.substr(indent);
  for (std::string_view bullet : {std::string_view{"- "}, std::string_view{"· "}}) {
    if (body.substr(0, bullet.size()) == bullet) return body.substr(bullet.size());
  }
  return {};
}

std::string labelled(std::string_view text) {
  std::size_t n = label_length(text);
  if (n == 0) return emphasise_quantities(text);
  std::size_t body = n < text.size() && text[n] == ' ' ? n + 1 : n;
  return "<strong class=\"label\">" + xml_escape(std::string(text.substr(0, n))) + "</strong> " +
         emphasise_quantities(text.substr(body));
}

}  // namespace

std::string emphasise_quantities(std::string_view text) {
  std::string out;
  std::size_t plain = 0;
  for (std::size_t i = 0; i < text.size();) {
    bool starts = is_digit(text[i]) &&
                  (i == 0 || !(is_digit(text[i - 1]) || is_letter(text[i - 1]) ||
                               text[i - 1] == '.' || text[i - 1] == ':' || text[i - 1] == '^'));
    if (!starts) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() &&
           (is_digit(text[j]) ||
            ((text[j] == '.' || text[j] == ',') && j + 1 < text.size() && is_digit(text[j + 1])))) {
      ++j;
    }
    // Not part of an address or a time of day ("127.0.0.1:80", "23:34:03").
    bool address = j < text.size() && (text[j] == ':' || text[j] == '.');
    std::size_t u = address ? 0 : unit_length(text.substr(j));
    if (u == 0) {
      i = j;
      continue;
    }
    out += xml_escape(std::string(text.substr(plain, i - plain)));
    out += "<b class=\"n\">" + xml_escape(std::string(text.substr(i, j + u - i))) + "</b>";
    i = plain = j + u;
  }
  out += xml_escape(std::string(text.substr(plain)));
  return out;
}

std::string story_html(std::string_view text) {
  std::string h = "<div class=\"story\">\n";
  bool in_list = false, in_item = false;
  auto close_list = [&] {
    if (in_item) h += "</li>\n";
    if (in_list) h += "</ul>\n";
    in_list = in_item = false;
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    std::size_t indent = 0;
    std::string_view body = trim_left(line, indent);
    if (body.empty()) {
      close_list();
      if (pos <= text.size()) h += "<hr class=\"gap\">\n";
      continue;
    }
    if (std::string_view item = list_item(line, indent); !item.empty()) {
      if (in_item) h += "</li>\n";
      if (!in_list) h += "<ul>\n";
      in_list = in_item = true;
      h += "<li>" + labelled(item);
      continue;
    }
    if (indent > 3 && in_item) {  // a note under the item above
      h += "<p class=\"note\">" + labelled(body) + "</p>";
      continue;
    }
    close_list();
    h += "<p>" + labelled(body) + "</p>\n";
  }
  close_list();
  // A trailing blank line leaves a rule with nothing after it.
  constexpr std::string_view kGap = "<hr class=\"gap\">\n";
  while (h.size() >= kGap.size() && h.compare(h.size() - kGap.size(), kGap.size(), kGap) == 0) {
    h.resize(h.size() - kGap.size());
  }
  h += "</div>\n";
  return h;
}

}  // namespace tcplens
