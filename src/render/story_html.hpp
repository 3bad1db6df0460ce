// explain()'s plain text as HTML for the report: its labelled lines ("Handshake: …") as
// paragraphs with the label in bold, its "  - " lines as a list (indented notes inside their
// item), blank lines as breaks between connections, and quantities with a unit ("451.449 s",
// "1000 bytes", "14 times") emphasised. The text is read by its layout only, in any language.
#pragma once

#include <string>
#include <string_view>

namespace tcplens {

std::string story_html(std::string_view text);

// Escapes `text` for HTML and wraps each number followed by a unit in <b class="n">.
std::string emphasise_quantities(std::string_view text);

}  // namespace tcplens
