#include "render/fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "flow/connection.hpp"

namespace tcplens {

namespace {

// The fields, in the order of the table below (an enumerator is its FieldId).
enum class F : FieldId {
  frame_number,
  frame_time_epoch,
  frame_time_relative,
  frame_time_delta,
  frame_len,
  frame_cap_len,
  ip_src,
  ip_dst,
  ipv6_src,
  ipv6_dst,
  srcport,
  dstport,
  stream,
  len,
  seq,
  seq_raw,
  nxtseq,
  ack,
  ack_raw,
  hdr_len,
  flags,
  flags_str,
  flags_res,
  flags_ae,
  flags_cwr,
  flags_ece,
  flags_urg,
  flags_ack,
  flags_push,
  flags_reset,
  flags_syn,
  flags_fin,
  window_size_value,
  window_size,
  window_size_scalefactor,
  checksum_status,
  urgent_pointer,
  mss_val,
  wscale_shift,
  wscale_multiplier,
  sack_perm,
  sack_le,
  sack_re,
  sack_count,
  tsval,
  tsecr,
  time_relative,
  time_delta,
  completeness,
  analysis_flags,
  retransmission,
  fast_retransmission,
  spurious_retransmission,
  out_of_order,
  lost_segment,
  ack_lost_segment,
  duplicate_ack,
  zero_window,
  zero_window_probe,
  zero_window_probe_ack,
  window_full,
  window_update,
  keep_alive,
  keep_alive_ack,
  reused_ports,
  bytes_in_flight,
  push_bytes_sent,
  acks_frame,
  ack_rtt,
  initial_rtt,
  duplicate_ack_num,
  duplicate_ack_frame,
  rto,
  rto_frame,
  count_
};

using T = FieldType;
constexpr std::array<FieldSpec, static_cast<std::size_t>(F::count_)> kSpecs{{
    {"frame.number", T::integer},
    {"frame.time_epoch", T::real},
    {"frame.time_relative", T::real},
    {"frame.time_delta", T::real},
    {"frame.len", T::integer},
    {"frame.cap_len", T::integer},
    {"ip.src", T::text},
    {"ip.dst", T::text},
    {"ipv6.src", T::text},
    {"ipv6.dst", T::text},
    {"tcp.srcport", T::integer},
    {"tcp.dstport", T::integer},
    {"tcp.stream", T::integer},
    {"tcp.len", T::integer},
    {"tcp.seq", T::integer},
    {"tcp.seq_raw", T::integer},
    {"tcp.nxtseq", T::integer},
    {"tcp.ack", T::integer},
    {"tcp.ack_raw", T::integer},
    {"tcp.hdr_len", T::integer},
    {"tcp.flags", T::text},
    {"tcp.flags.str", T::text},
    {"tcp.flags.res", T::boolean},
    {"tcp.flags.ae", T::boolean},
    {"tcp.flags.cwr", T::boolean},
    {"tcp.flags.ece", T::boolean},
    {"tcp.flags.urg", T::boolean},
    {"tcp.flags.ack", T::boolean},
    {"tcp.flags.push", T::boolean},
    {"tcp.flags.reset", T::boolean},
    {"tcp.flags.syn", T::boolean},
    {"tcp.flags.fin", T::boolean},
    {"tcp.window_size_value", T::integer},
    {"tcp.window_size", T::integer},
    {"tcp.window_size_scalefactor", T::integer},
    {"tcp.checksum.status", T::integer},
    {"tcp.urgent_pointer", T::integer},
    {"tcp.options.mss_val", T::integer},
    {"tcp.options.wscale.shift", T::integer},
    {"tcp.options.wscale.multiplier", T::integer},
    {"tcp.options.sack_perm", T::boolean},
    {"tcp.options.sack_le", T::integer},
    {"tcp.options.sack_re", T::integer},
    {"tcp.options.sack.count", T::integer},
    {"tcp.options.timestamp.tsval", T::integer},
    {"tcp.options.timestamp.tsecr", T::integer},
    {"tcp.time_relative", T::real},
    {"tcp.time_delta", T::real},
    {"tcp.completeness", T::integer},
    {"tcp.analysis.flags", T::boolean},
    {"tcp.analysis.retransmission", T::boolean},
    {"tcp.analysis.fast_retransmission", T::boolean},
    {"tcp.analysis.spurious_retransmission", T::boolean},
    {"tcp.analysis.out_of_order", T::boolean},
    {"tcp.analysis.lost_segment", T::boolean},
    {"tcp.analysis.ack_lost_segment", T::boolean},
    {"tcp.analysis.duplicate_ack", T::boolean},
    {"tcp.analysis.zero_window", T::boolean},
    {"tcp.analysis.zero_window_probe", T::boolean},
    {"tcp.analysis.zero_window_probe_ack", T::boolean},
    {"tcp.analysis.window_full", T::boolean},
    {"tcp.analysis.window_update", T::boolean},
    {"tcp.analysis.keep_alive", T::boolean},
    {"tcp.analysis.keep_alive_ack", T::boolean},
    {"tcp.analysis.reused_ports", T::boolean},
    {"tcp.analysis.bytes_in_flight", T::integer},
    {"tcp.analysis.push_bytes_sent", T::integer},
    {"tcp.analysis.acks_frame", T::integer},
    {"tcp.analysis.ack_rtt", T::real},
    {"tcp.analysis.initial_rtt", T::real},
    {"tcp.analysis.duplicate_ack_num", T::integer},
    {"tcp.analysis.duplicate_ack_frame", T::integer},
    {"tcp.analysis.rto", T::real},
    {"tcp.analysis.rto_frame", T::integer},
}};

// tshark's own names for the protocols a TCP frame passes through (sorted).
constexpr std::string_view kTsharkNames[] = {
#include "render/tshark_field_names.inc"
};

// The analysis flags, by field: the bits that set it (retransmission: any of its kind, as tshark).
std::uint32_t analysis_mask(F f) {
  using namespace analysis_flag;
  switch (f) {
    case F::retransmission:
      return any_retransmission;
    case F::fast_retransmission:
      return fast_retransmission;
    case F::spurious_retransmission:
      return spurious_retransmission;
    case F::out_of_order:
      return out_of_order;
    case F::lost_segment:
      return lost_segment;
    case F::ack_lost_segment:
      return ack_lost_segment;
    case F::duplicate_ack:
      return duplicate_ack;
    case F::zero_window:
      return zero_window;
    case F::zero_window_probe:
      return zero_window_probe;
    case F::zero_window_probe_ack:
      return zero_window_probe_ack;
    case F::window_full:
      return window_full;
    case F::window_update:
      return window_update;
    case F::keep_alive:
      return keep_alive;
    case F::keep_alive_ack:
      return keep_alive_ack;
    case F::reused_ports:
      return reused_ports;
    case F::analysis_flags:
      return ~0u;
    default:
      return 0;
  }
}

// The header flag bit of a tcp.flags.* field.
std::uint16_t flag_mask(F f) {
  switch (f) {
    case F::flags_res:
      return 0xe00;
    case F::flags_ae:
      return tcp_flag::ae;
    case F::flags_cwr:
      return tcp_flag::cwr;
    case F::flags_ece:
      return tcp_flag::ece;
    case F::flags_urg:
      return tcp_flag::urg;
    case F::flags_ack:
      return tcp_flag::ack;
    case F::flags_push:
      return tcp_flag::psh;
    case F::flags_reset:
      return tcp_flag::rst;
    case F::flags_syn:
      return tcp_flag::syn;
    case F::flags_fin:
      return tcp_flag::fin;
    default:
      return 0;
  }
}

bool is_analysis(F f) {
  return f >= F::analysis_flags && f <= F::rto_frame;
}

std::size_t occurrences(F f, const FrameRow& r) {
  const Segment& s = *r.segment;
  const Verdict& v = *r.verdict;
  if (is_analysis(f) && v.analysis_hidden) return 0;
  const bool syn = s.has(tcp_flag::syn);
  switch (f) {
    case F::ip_src:
    case F::ip_dst:
      return s.src.family == 4 ? 1 : 0;
    case F::ipv6_src:
    case F::ipv6_dst:
      return s.src.family == 6 ? 1 : 0;
    case F::window_size_scalefactor:
      return syn ? 0 : 1;
    case F::checksum_status:
    case F::urgent_pointer:
    case F::time_relative:  // tshark stops at the missing bytes, before the timestamps
    case F::time_delta:
      return s.checksum_cut ? 0 : 1;
    case F::mss_val:
      return s.options.mss != 0 ? 1 : 0;
    case F::wscale_shift:
    case F::wscale_multiplier:
      return s.options.window_scale >= 0 ? 1 : 0;
    case F::sack_perm:
      return s.options.sack_permitted ? 1 : 0;
    case F::sack_le:
    case F::sack_re:
      return s.options.sack_count;
    case F::sack_count:
      return s.options.sack_count != 0 ? 1 : 0;
    case F::tsval:
    case F::tsecr:
      return s.options.has_timestamps ? 1 : 0;
    case F::duplicate_ack:
      return (v.flags & analysis_flag::duplicate_ack) ? 2 : 0;  // twice in tshark's tree
    case F::bytes_in_flight:
      return v.has_bytes_in_flight ? 1 : 0;
    case F::push_bytes_sent:
      return v.has_push_bytes_sent ? 1 : 0;
    case F::acks_frame:
      return v.acked_frame != 0 ? 1 : 0;
    case F::ack_rtt:
      return v.has_ack_rtt ? 1 : 0;
    case F::initial_rtt:
      return v.initial_rtt_ns != 0 ? 1 : 0;
    case F::duplicate_ack_num:
    case F::duplicate_ack_frame:
      return (v.flags & analysis_flag::duplicate_ack) ? 1 : 0;
    case F::rto:
    case F::rto_frame:
      return v.has_rto ? 1 : 0;
    default:
      break;
  }
  if (const std::uint32_t mask = analysis_mask(f)) return (v.flags & mask) ? 1 : 0;
  return 1;
}

// One value of an integer or boolean field, as a number (booleans 0 or 1).
std::int64_t number(F f, const FrameRow& r, std::size_t i) {
  const Segment& s = *r.segment;
  const Verdict& v = *r.verdict;
  switch (f) {
    case F::frame_number:
      return static_cast<std::int64_t>(r.number);
    case F::frame_len:
      return r.wire_len;
    case F::frame_cap_len:
      return r.cap_len;
    case F::srcport:
      return s.src_port;
    case F::dstport:
      return s.dst_port;
    case F::stream:
      return v.stream;
    case F::len:
      return s.payload_len;
    case F::seq:
      return v.rel_seq;
    case F::seq_raw:
      return s.seq;
    case F::nxtseq:
      return static_cast<std::uint32_t>(v.rel_seq + s.payload_len +
                                        (s.has(tcp_flag::syn) || s.has(tcp_flag::fin) ? 1 : 0));
    case F::ack:
      return v.rel_ack;
    case F::ack_raw:
      return s.ack;
    case F::hdr_len:
      return s.header_len;
    case F::window_size_value:
      return s.window;
    case F::window_size:
      return static_cast<std::int64_t>(v.window);
    case F::window_size_scalefactor:
      return v.window_scale < 0 ? v.window_scale : std::int64_t{1} << v.window_scale;
    case F::checksum_status:
      return 2;  // "unverified": tshark checks no checksum by default
    case F::urgent_pointer:
      return s.urgent_pointer;
    case F::mss_val:
      return s.options.mss;
    case F::wscale_shift:
      return s.options.window_scale;
    case F::wscale_multiplier:
      return std::int64_t{1} << s.options.window_scale;
    case F::sack_le:
      return static_cast<std::uint32_t>(s.options.sack[i].left - v.ack_base);
    case F::sack_re:
      return static_cast<std::uint32_t>(s.options.sack[i].right - v.ack_base);
    case F::sack_count:
      return s.options.sack_count;
    case F::tsval:
      return s.options.ts_value;
    case F::tsecr:
      return s.options.ts_echo;
    case F::completeness:
      return v.completeness;
    case F::bytes_in_flight:
      return v.bytes_in_flight;
    case F::push_bytes_sent:
      return v.push_bytes_sent;
    case F::acks_frame:
      return static_cast<std::int64_t>(v.acked_frame);
    case F::duplicate_ack_num:
      return v.dupack_num;
    case F::duplicate_ack_frame:
      return static_cast<std::int64_t>(v.dupack_frame);
    case F::rto_frame:
      return static_cast<std::int64_t>(v.rto_frame);
    default:
      break;
  }
  if (const std::uint16_t mask = flag_mask(f)) return (s.flags & mask) ? 1 : 0;
  return 1;  // an analysis flag: present
}

// One value of a time field, in nanoseconds.
std::int64_t nanoseconds(F f, const FrameRow& r) {
  const Verdict& v = *r.verdict;
  switch (f) {
    case F::frame_time_epoch:
      return r.ts_ns;
    case F::frame_time_relative:
      return r.since_first_ns;
    case F::frame_time_delta:
      return r.since_previous_ns;
    case F::time_relative:
      return v.stream_time_ns;
    case F::time_delta:
      return v.stream_delta_ns;
    case F::ack_rtt:
      return v.ack_rtt_ns;
    case F::initial_rtt:
      return v.initial_rtt_ns;
    case F::rto:
      return v.rto_ns;
    default:
      return 0;
  }
}

void append_text(std::string& out, F f, const FrameRow& r) {
  const Segment& s = *r.segment;
  switch (f) {
    case F::ip_src:
    case F::ipv6_src:
      out += to_string(s.src);
      break;
    case F::ip_dst:
    case F::ipv6_dst:
      out += to_string(s.dst);
      break;
    case F::flags:
      fmt::format_to(std::back_inserter(out), "0x{:04x}", s.flags);
      break;
    case F::flags_str:
      append_flags_str(out, s.flags);
      break;
    default:
      break;
  }
}

void append_int(std::string& out, std::int64_t v) {
  if (v < 0) {
    out += '-';
    append_uint(out, static_cast<std::uint64_t>(-v));
  } else {
    append_uint(out, static_cast<std::uint64_t>(v));
  }
}

// Reads "/t", "/s" and the like as tshark does; otherwise the value's first character.
char option_char(std::string_view value, bool tab_allowed) {
  if (value[0] != '/') return value[0];
  if (value.size() > 1 && value[1] == 's') return ' ';
  if (tab_allowed && value.size() > 1 && value[1] == 't') return '\t';
  return '\\';
}

}  // namespace

std::span<const FieldSpec> field_specs() {
  return kSpecs;
}

FieldLookup find_field(std::string_view name, FieldId& id) {
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    if (kSpecs[i].name == name) {
      id = static_cast<FieldId>(i);
      return FieldLookup::found;
    }
  }
  return std::binary_search(std::begin(kTsharkNames), std::end(kTsharkNames), name)
             ? FieldLookup::not_computed
             : FieldLookup::unknown;
}

std::size_t field_occurrences(FieldId id, const FrameRow& row) {
  return occurrences(static_cast<F>(id), row);
}

void append_field_text(std::string& out, FieldId id, const FrameRow& row, std::size_t i) {
  const F f = static_cast<F>(id);
  switch (kSpecs[id].type) {
    case FieldType::real:
      append_seconds(out, nanoseconds(f, row));
      break;
    case FieldType::text:
      append_text(out, f, row);
      break;
    case FieldType::boolean:
      if (f == F::sack_perm) {
        out += "0402";  // a protocol item: tshark prints the option's bytes
      } else {
        out += number(f, row, i) != 0 ? '1' : '0';
      }
      break;
    case FieldType::integer:
      append_int(out, number(f, row, i));
      break;
  }
}

void append_field_json(std::string& out, FieldId id, const FrameRow& row) {
  const F f = static_cast<F>(id);
  const FieldType type = kSpecs[id].type;
  const std::size_t n = occurrences(f, row);
  if (type == FieldType::boolean) {
    out += n != 0 && (f == F::sack_perm || number(f, row, 0) != 0) ? "true" : "false";
    return;
  }
  if (n == 0) {
    out += "null";
    return;
  }
  if (n > 1) out += '[';
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    if (type == FieldType::text) out += '"';
    append_field_text(out, id, row, i);
    if (type == FieldType::text) out += '"';
  }
  if (n > 1) out += ']';
}

bool set_field_option(std::string_view option, FieldOutput& output, std::string& error) {
  const std::size_t eq = option.find('=');
  const std::string_view key = option.substr(0, eq);
  const std::string_view value = eq == std::string_view::npos ? "" : option.substr(eq + 1);
  bool ok = !value.empty();
  if (ok && key == "header") {
    ok = value == "y" || value == "n";
    output.header = value == "y";
  } else if (ok && key == "separator") {
    output.separator = option_char(value, true);
  } else if (ok && key == "aggregator") {
    output.aggregator = option_char(value, false);
  } else if (ok && key == "occurrence") {
    ok = value == "f" || value == "l" || value == "a";
    output.occurrence = value == "f"   ? Occurrence::first
                        : value == "l" ? Occurrence::last
                                       : Occurrence::all;
  } else if (ok && key == "quote") {
    ok = value == "d" || value == "s" || value == "n";
    output.quote = value == "d" ? '"' : value == "s" ? '\'' : '\0';
  } else {
    ok = false;
  }
  if (!ok) {
    error = fmt::format(
        "\"{}\" is not a valid field output option=value pair (header=y|n, separator=/t|/s|C, "
        "occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n)",
        option);
  }
  return ok;
}

bool make_field_layout(std::span<const std::string> names, std::span<const std::string> options,
                       FieldLayout& layout, std::string& error) {
  layout = FieldLayout{};
  for (const std::string& option : options) {
    if (!set_field_option(option, layout.output, error)) return false;
  }
  for (const std::string& name : names) {
    FieldId id = 0;
    switch (find_field(name, id)) {
      case FieldLookup::found:
        layout.ids.push_back(id);
        break;
      case FieldLookup::not_computed:
        error = fmt::format("field {} is one of tshark's that tcplens does not compute", name);
        return false;
      case FieldLookup::unknown:
        error = fmt::format("field {} is not a valid field (tshark 4.0 has no such field)", name);
        return false;
    }
  }
  return true;
}

std::size_t FieldLayout::stream_columns() const {
  return static_cast<std::size_t>(
      std::count(ids.begin(), ids.end(), static_cast<FieldId>(F::stream)));
}

void append_fields_header(std::string& out, const FieldLayout& layout) {
  if (!layout.output.header) return;
  for (std::size_t i = 0; i < layout.ids.size(); ++i) {
    if (i > 0) out += layout.output.separator;
    out += kSpecs[layout.ids[i]].name;
  }
  out += '\n';
}

void append_fields_tsv_row(std::string& out, const FieldLayout& layout, const FrameRow& row,
                           StreamDigits* digits) {
  const FieldOutput& o = layout.output;
  if (digits != nullptr) digits->begin = digits->end = std::string::npos;
  for (std::size_t c = 0; c < layout.ids.size(); ++c) {
    if (c > 0) out += o.separator;
    const FieldId id = layout.ids[c];
    const std::size_t n = occurrences(static_cast<F>(id), row);
    if (n == 0) continue;
    if (o.quote != 0) out += o.quote;
    std::size_t from = 0;
    std::size_t to = n;
    if (o.occurrence == Occurrence::first) to = 1;
    if (o.occurrence == Occurrence::last) from = n - 1;
    for (std::size_t i = from; i < to; ++i) {
      if (i > from) out += o.aggregator;
      const bool stream = id == static_cast<FieldId>(F::stream) && digits != nullptr &&
                          digits->begin == std::string::npos;
      if (stream) digits->begin = out.size();
      append_field_text(out, id, row, i);
      if (stream) digits->end = out.size();
    }
    if (o.quote != 0) out += o.quote;
  }
  out += '\n';
}

void append_fields_json_row(std::string& out, const FieldLayout& layout, const FrameRow& row,
                            StreamDigits* digits) {
  if (digits != nullptr) digits->begin = digits->end = std::string::npos;
  out += '{';
  for (std::size_t c = 0; c < layout.ids.size(); ++c) {
    const FieldId id = layout.ids[c];
    if (c > 0) out += ',';
    out += '"';
    out += kSpecs[id].name;
    out += "\":";
    const bool stream = id == static_cast<FieldId>(F::stream) && digits != nullptr &&
                        digits->begin == std::string::npos;
    if (stream) digits->begin = out.size();
    append_field_json(out, id, row);
    if (stream) digits->end = out.size();
  }
  out += "}\n";
}

}  // namespace tcplens
