#include "render/print_writer.hpp"

#include <fmt/format.h>

#include "render/segment_text.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

void append_print_line(std::string& out, std::int64_t ts_ns, const Segment& s, const Verdict& v) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{} {} {}.{} > {}.{}: Flags [{}]", time_of_day(ts_ns),
                 s.src.family == 6 ? "IP6" : "IP", to_string(s.src), s.src_port, to_string(s.dst),
                 s.dst_port, tcpdump_flags(s.flags));
  // As tcpdump: a sequence range for data and SYN/FIN/RST, none for a bare ACK.
  if (s.payload_len > 0 || (s.flags & (tcp_flag::syn | tcp_flag::fin | tcp_flag::rst))) {
    if (s.payload_len > 0) {
      fmt::format_to(it, ", seq {}:{}", v.rel_seq, v.rel_seq + s.payload_len);
    } else {
      fmt::format_to(it, ", seq {}", v.rel_seq);
    }
  }
  if (s.has(tcp_flag::ack)) fmt::format_to(it, ", ack {}", v.rel_ack);
  fmt::format_to(it, ", win {}", s.window);
  std::string opts = option_list(s.options);
  if (!opts.empty()) fmt::format_to(it, ", options [{}]", opts);
  fmt::format_to(it, ", length {}", s.payload_len);
  std::string words = verdict_words(v);
  if (!words.empty()) fmt::format_to(it, " [{}]", words);
  out.push_back('\n');
}

}  // namespace tcplens
