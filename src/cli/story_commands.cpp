#include "cli/story_commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>

#include "engine/records.hpp"
#include "engine/shard_merge.hpp"
#include "engine/sharded_records.hpp"
#include "render/output_buffer.hpp"
#include "render/summary_writer.hpp"
#include "story/story_builder.hpp"

namespace tcplens {

namespace {

bool nothing_read(const RunResult& result) {
  return result.exit_status == kExitUsage ||
         (result.exit_status == kExitUnreadable && result.account.frames_read == 0);
}

}  // namespace

int run_summary(const SummaryOptions& options, const RunContext& ctx) {
  OutputBuffer out(STDOUT_FILENO);
  // Live: each connection is printed when it ends (the rest on Ctrl-C), not in stream order.
  const bool live = !options.input.interface.empty();
  std::function<void(const ConnectionRecord&)> on_end;
  std::function<void(ConnectionRecord &&)> emit;
  // The table sorts the troubled first and sizes its columns to all rows: it keeps each row's
  // cells, not the records. Live, rows go out as connections end: the columns start at widths
  // that fit IPv4 endpoints and widen (from that row on) when a wider row comes.
  std::vector<std::pair<bool, std::string>> rows;
  SummaryWidths live_widths = summary_widths();
  bool any_troubled = false;
  auto print = [&](const ConnectionRecord& r) {
    if (options.json) {
      append_summary_json(out.raw(), r);
      out.put('\n');
    } else {
      std::string cells;
      append_summary_cells(cells, r);
      widen_summary(live_widths, cells);
      append_summary_row(out.raw(), cells, live_widths, options.colour);
      any_troubled = any_troubled || troubled(r.diagnosis.verdict);
    }
  };
  if (live) {
    if (!options.json) append_summary_header(out.raw(), live_widths);
    out.flush();
    on_end = [&](const ConnectionRecord& r) {
      print(r);
      out.flush();
    };
    emit = [](ConnectionRecord&&) {};
  } else if (options.json) {
    emit = [&](ConnectionRecord&& r) {
      print(r);
      out.maybe_flush();
    };
  } else {
    emit = [&](ConnectionRecord&& r) {
      std::string row;
      append_summary_cells(row, r);
      rows.emplace_back(troubled(r.diagnosis.verdict), std::move(row));
    };
  }
  RunResult result;
  if (!live && options.threads > 1) {
    // Each shard renders its records as `print` does; the stream field is the number after
    // `{"stream":` (JSON) or the cell after the flag (table).
    auto render = [json = options.json](const ConnectionRecord& r, std::string& text,
                                        StreamField& field) {
      if (json) return render_summary_json(r, text, field);
      const std::size_t begin = text.size();
      append_summary_cells(text, r);
      field.begin = 2;
      field.end = text.find('\t', begin + 2) - begin;
      field.width = 0;
      return troubled(r.diagnosis.verdict);
    };
    auto emit_text = [&](std::string_view text, bool bad) {
      if (options.json) {
        out.append(text);
      } else {
        rows.emplace_back(bad, std::string(text));
      }
    };
    result = stream_records_sharded(options.input, ctx, options.threads, render, emit_text);
  } else {
    result = stream_records(options.input, ctx, emit, on_end);
  }
  if (nothing_read(result)) return end_unread(result, options.account);
  if (!live && !options.json) {
    std::stable_partition(rows.begin(), rows.end(), [](const auto& r) { return r.first; });
    std::vector<std::string> cells;
    cells.reserve(rows.size());
    for (auto& [bad, row] : rows) cells.push_back(std::move(row));
    append_summary_table(out.raw(), cells, options.colour);
  }
  if (live && !options.json && any_troubled) append_summary_legend(out.raw());
  return finish_run(out, result, options.account);
}

int run_explain(const ExplainOptions& options, const RunContext& ctx) {
  OutputBuffer out(STDOUT_FILENO);
  // A story needs, of the connections before it, only the refused attempts (the context it
  // tells); records are told and dropped in stream order, or as they end when live.
  std::vector<ConnectionRecord> refused;
  std::size_t told = 0;
  std::uint64_t streams = 0;
  auto tell = [&](const ConnectionRecord& r) {
    ++streams;
    if (!options.stream || r.stream == *options.stream) {
      std::vector<ConnectionRecord> context = refused;
      context.push_back(r);
      if (told++ > 0) out.put('\n');
      out.append(explain(context, context.size() - 1, options.lang));
      out.flush();
    }
    if (r.state == ConnectionState::refused) refused.push_back(r);
  };
  // A filter renumbers the connections (tshark's capture filter does too): say so, once.
  const std::string numbering =
      options.input.filter.empty()
          ? std::string()
          : fmt::format("stream numbers count the connections in the frames that match '{}'",
                        options.input.filter);
  if (options.stream && !numbering.empty() && !options.account.quiet) {
    fmt::print(stderr, "tcplens: explain: {}\n", numbering);
  }
  const bool live = !options.input.interface.empty();
  RunResult result =
      live ? stream_records(
                 options.input, ctx, [](ConnectionRecord&&) {}, tell)
           : stream_records(options.input, ctx, [&](ConnectionRecord&& r) { tell(r); });
  if (nothing_read(result)) return end_unread(result, options.account);
  if (options.stream && told == 0) {
    fmt::print(stderr, "tcplens: explain: no stream {} in the input ({} streams{}{})\n",
               *options.stream, streams, numbering.empty() ? "" : "; ", numbering);
    return kExitUsage;
  }
  return finish_run(out, result, options.account);
}

}  // namespace tcplens
