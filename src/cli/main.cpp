// tcplens: the command line. Parses flags and wires the stages together; nothing else.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <optional>

#include "capture/bpf_filter.hpp"
#include "cli/args.hpp"
#include "cli/convert_command.hpp"
#include "cli/frames_command.hpp"
#include "cli/picture_commands.hpp"
#include "cli/run_end.hpp"
#include "cli/segment_commands.hpp"
#include "cli/story_commands.hpp"
#include "cli/terminal.hpp"

namespace {

// Signal handlers can reach only these: a stop request and the live capture to break.
std::atomic<bool> g_stop{false};
std::atomic<tcplens::LiveCapture*> g_live{nullptr};

void on_signal(int) {
  g_stop.store(true);
  if (auto* src = g_live.load()) src->break_loop();
}

// The input flags every command shares; the positional arguments are split afterwards.
struct InputFlags {
  std::vector<std::string> args;
  std::vector<std::string> reads;  // -r FILE, as tcpdump takes it
  tcplens::InputOptions input;
  bool quiet = false;
  int no_resolve = 0;  // -n, -nn: what tcplens always does
  std::string date;
  std::string account_format = "text";
  std::string account_file;

  void add_to(CLI::App* cmd) {
    cmd->add_option("inputs", args,
                    "Capture files (pcap, pcapng, compressed or not; folders of them; tcpdump "
                    "text; - for stdin), then a BPF filter expression");
    cmd->add_option("-r,--read", reads, "Read this input (repeatable), as tcpdump -r")
        ->allow_extra_args(false)  // one file per -r: the words after it are inputs or the filter
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_flag("-n", no_resolve,
                  "Accepted for tcpdump's sake (also -nn): addresses and ports are never resolved");
    cmd->add_flag("-q,--quiet", quiet, "Print nothing on stderr but errors");
    cmd->add_option("-i,--interface", input.interface, "Capture live on this interface");
    cmd->add_option("-c,--count", input.count, "Stop after this many frames");
    cmd->add_option("-w,--write", input.write_file,
                    "Save the frames read (after the filter; live or from files) as pcap");
    cmd->add_option("--date", date, "Day of the times in tcpdump text (YYYY-MM-DD, UTC)")
        ->default_str("1970-01-01");
    cmd->add_option("--account", account_format,
                    "The frame account on stderr as a text line or as JSON (never on stdout)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--account-file", account_file,
                    "Write the frame account to this file instead of stderr");
  }

  // For the commands that build connection records.
  void add_idle_timeout(CLI::App* cmd) {
    cmd->add_option("--idle-timeout", idle_s,
                    "Report and release a connection idle this many seconds of capture time "
                    "(0: keep every connection to the end)")
        ->default_val(idle_s)
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
    cmd->add_option("--linger", linger_s,
                    "Seconds of capture time a closed connection's record waits for its later "
                    "frames (default 60, Linux's TIME_WAIT; 0 on a live capture: reported as it "
                    "closes)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
  }
  std::int64_t idle_s = 1800;
  std::optional<std::int64_t> linger_s;

  [[nodiscard]] tcplens::AccountOptions account() const {
    return {quiet, account_format == "json", account_file};
  }

  // Returns false (after saying why) when there is nothing to read, a word is neither an input
  // nor a filter, or an output would overwrite an input. `outputs`: the command's own files.
  bool resolve(const char* command, std::vector<std::string> outputs = {}) {
    const bool live = !input.interface.empty();
    tcplens::SplitArgs split = tcplens::split_inputs_and_filter(args, live);
    input.files = reads;
    input.files.insert(input.files.end(), split.files.begin(), split.files.end());
    input.filter = split.filter;
    input.idle_timeout_ns = idle_s * 1'000'000'000;
    input.linger_ns = linger_s.value_or(input.interface.empty() ? 60 : 0) * 1'000'000'000;
    if (!date.empty() && !tcplens::parse_date(date, input.text.date_epoch_s)) {
      fmt::print(stderr, "tcplens: {}: --date wants YYYY-MM-DD, not {}\n", command, date);
      return false;
    }
    std::string error;
    if (!live && !input.filter.empty() && !tcplens::BpfFilter(input.filter).validate(error)) {
      fmt::print(stderr, "{}\n", tcplens::filter_error_line(split, error));
      return false;
    }
    if (input.files.empty() && !live) {
      if (split.first_word.empty()) {
        fmt::print(stderr,
                   "tcplens: {}: no input (give a capture file, a folder, - for stdin, -r FILE "
                   "or -i IFACE)\n",
                   command);
      } else {
        fmt::print(stderr, "tcplens: {}: no input ({}: {}; \"{}\" is only a filter)\n", command,
                   split.first_word, split.not_a_path, input.filter);
      }
      return false;
    }
    if (input.write_file == "-") {
      fmt::print(
          stderr,
          "tcplens: {}: -w -: stdout carries the {} output (convert -w - writes pcap there)\n",
          command, command);
      return false;
    }
    outputs.push_back(input.write_file);
    outputs.push_back(account_file);
    if (std::string clash = tcplens::output_clash(input, outputs); !clash.empty()) {
      fmt::print(stderr, "tcplens: {}: {}\n", command, clash);
      return false;
    }
    return true;
  }
};

// The usage, then one line saying what was wrong with the command word: exit 2.
int command_error(const CLI::App& app, const std::string& why) {
  fmt::print(stderr, "{}\ntcplens: {}\n", app.help(), why);
  return tcplens::kExitUsage;
}

// The command word before CLI11 sees it: `help [COMMAND]`, a missing or misspelt command (the
// usage, and the nearest command named). Returns -1 to go on parsing, else the exit status.
int check_command(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  auto unknown = [&](const std::string& word) {
    std::string near = tcplens::nearest_command(names, word);
    return command_error(app, fmt::format("no command \"{}\"{}", word,
                                          near.empty() ? "" : " (did you mean " + near + "?)"));
  };
  auto known = [&](const std::string& word) {
    return std::find(names.begin(), names.end(), word) != names.end();
  };
  if (argc < 2)
    return command_error(app,
                         "a command is required: " + fmt::format("{}", fmt::join(names, ", ")));
  const std::string word = argv[1];
  if (word == "help") {
    if (argc < 3) {
      fmt::print("{}", app.help());
      return tcplens::kExitOk;
    }
    if (!known(argv[2])) return unknown(argv[2]);
    fmt::print("{}", app.get_subcommand(argv[2])->help());
    return tcplens::kExitOk;
  }
  if (word.starts_with('-') || known(word)) return -1;
  return unknown(word);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tcplens;
  CLI::App app{"tcplens: the story of TCP connections in a capture, with tshark's analysis",
               "tcplens"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tcplens 0.1.0");

  InputFlags frames_in;
  std::string format = "tsv";
  CLI::App* frames_cmd =
      app.add_subcommand("frames", "One row per TCP frame: tshark's 23 analysis columns");
  frames_in.add_to(frames_cmd);
  frames_cmd->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"tsv", "json"}));
  std::vector<std::string> field_names;
  std::vector<std::string> field_options;
  frames_cmd
      ->add_option("-e,--field", field_names,
                   "Print this tshark field instead of the 23 columns (repeatable; "
                   "tshark's names, as tshark -T fields)")
      ->allow_extra_args(false);  // one name per -e: the inputs follow
  frames_cmd
      ->add_option("-E", field_options,
                   "tshark's field output options: header=y|n, separator=/t|/s|C, "
                   "occurrence=f|l|a, aggregator=C, quote=d|s|n")
      ->allow_extra_args(false);
  unsigned threads = 0;  // not given: analyser_threads decides
  frames_cmd
      ->add_option("--threads", threads,
                   "Analysers, sharded by connection (default: all cores for capture files "
                   "of 64 MiB or more, else 1; a live capture runs one, so that rows come as "
                   "frames do); same output")
      ->check(CLI::Range(1u, 64u));

  InputFlags summary_in;
  bool summary_json = false;
  CLI::App* summary_cmd = app.add_subcommand("summary", "One record per TCP connection");
  summary_in.add_to(summary_cmd);
  summary_in.add_idle_timeout(summary_cmd);
  summary_cmd->add_flag("--json", summary_json, "JSON Lines, one object per connection");
  std::string summary_colour = "auto";
  summary_cmd->add_option("--color", summary_colour, "Colour the verdicts (auto: on a terminal)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  unsigned summary_threads = 0;  // not given: analyser_threads decides
  summary_cmd
      ->add_option("--threads", summary_threads,
                   "Analysers, sharded by connection (default: all cores for capture files "
                   "of 64 MiB or more, else 1; a live capture runs one); same output")
      ->check(CLI::Range(1u, 64u));

  InputFlags explain_in;
  std::uint32_t explain_stream = 0;
  std::string explain_lang = "en";
  CLI::App* explain_cmd =
      app.add_subcommand("explain", "Each connection's story in prose (English or Chinese)");
  explain_in.add_to(explain_cmd);
  explain_in.add_idle_timeout(explain_cmd);
  CLI::Option* stream_opt =
      explain_cmd->add_option("--stream", explain_stream, "Only this connection (tcp.stream)");
  explain_cmd->add_option("--lang", explain_lang, "Language")
      ->check(CLI::IsMember(language_codes()));

  InputFlags print_in;
  std::uint32_t print_stream = 0;
  CLI::App* print_cmd = app.add_subcommand(
      "print", "One line per TCP frame as tcpdump -nn prints it, with the verdicts in brackets");
  print_in.add_to(print_cmd);
  CLI::Option* print_stream_opt =
      print_cmd->add_option("--stream", print_stream, "Only this connection (tcp.stream)");
  std::string print_colour = "auto";
  print_cmd->add_option("--color", print_colour, "Colour the verdicts (auto: on a terminal)")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  InputFlags ladder_in;
  std::uint32_t ladder_stream = 0;
  std::string ladder_colour = "auto";
  CLI::App* ladder_cmd =
      app.add_subcommand("ladder", "A sequence diagram of each connection, one arrow per segment");
  ladder_in.add_to(ladder_cmd);
  CLI::Option* ladder_stream_opt =
      ladder_cmd->add_option("--stream", ladder_stream, "Only this connection (tcp.stream)");
  ladder_cmd->add_option("--color", ladder_colour, "Colour the verdicts")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  InputFlags graph_in;
  GraphCommandOptions graph;
  std::string graph_kind = "tsg";
  std::string graph_from;
  CLI::App* graph_cmd = app.add_subcommand(
      "graph", "An SVG picture of one direction of one connection (time-sequence, RTT, goodput)");
  graph_in.add_to(graph_cmd);
  graph_cmd->add_option("--stream", graph.stream, "The connection (tcp.stream)")->required();
  graph_cmd->add_option("-o,--output", graph.out_path, "The SVG file to write")->required();
  graph_cmd->add_option("--kind", graph_kind, "tsg (time-sequence), rtt or throughput")
      ->check(CLI::IsMember({"tsg", "rtt", "throughput"}));
  std::string graph_lang = "en";
  graph_cmd->add_option("--lang", graph_lang, "Language of the labels")
      ->check(CLI::IsMember(language_codes()));
  graph_cmd->add_option("--from", graph_from, "Whose data: client or server (default: the busier)")
      ->check(CLI::IsMember({"client", "server"}));

  InputFlags report_in;
  ReportOptions report;
  std::string report_lang = "en";
  CLI::App* report_cmd = app.add_subcommand(
      "report", "One self-contained HTML report: all connections, the troubled ones in detail");
  report_in.add_to(report_cmd);
  report_in.add_idle_timeout(report_cmd);
  report_cmd->add_option("-o,--output", report.out_path, "The HTML file to write")->required();
  report_cmd->add_option("--top", report.top, "Connections shown in detail (default 20)");
  report_cmd->add_option("--lang", report_lang, "Language of the report")
      ->check(CLI::IsMember(language_codes()));

  InputFlags convert_in;
  std::string convert_out;
  CLI::App* convert_cmd =
      app.add_subcommand("convert", "Write the input (e.g. tcpdump text) as a pcap capture");
  convert_in.add_to(convert_cmd);
  // -w names the output here (live capture saving is the other commands' business).
  convert_cmd->get_option("--write")->description("The pcap file to write")->required();

  if (int rc = check_command(app, argc, argv); rc >= 0) return rc;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  RunContext ctx;
  ctx.stop = &g_stop;
  ctx.live_source = &g_live;
  ctx.on_progress = progress_line(stderr);
  ctx.on_error = print_input_error;
  // Notes (what a folder held besides captures) are for the terminal, and -q silences them.
  ctx.on_note = [&ctx](const InputError& note) {
    if (!ctx.quiet) print_input_error(note);
  };

  if (frames_cmd->parsed()) {
    if (!frames_in.resolve("frames")) return kExitUsage;
    FramesOptions options;
    options.input = frames_in.input;
    options.format = format == "json" ? FrameFormat::json : FrameFormat::tsv;
    options.account = frames_in.account();
    ctx.quiet = frames_in.quiet;
    if (std::string error; !make_field_layout(field_names, field_options, options.fields, error)) {
      fmt::print(stderr, "tcplens: frames: {}\n", error);
      return kExitUsage;
    }
    threads = analyser_threads(threads, options.input);
    if (options.fields.stream_columns() > 1) threads = 1;  // shards renumber one column
    return threads > 1 ? run_frames_sharded(options, threads, ctx) : run_frames(options, ctx);
  }
  if (summary_cmd->parsed()) {
    if (!summary_in.resolve("summary")) return kExitUsage;
    SummaryOptions options;
    options.input = summary_in.input;
    options.json = summary_json;
    options.account = summary_in.account();
    ctx.quiet = summary_in.quiet;
    options.colour = use_colour(summary_colour);
    options.threads = analyser_threads(summary_threads, options.input);
    return run_summary(options, ctx);
  }
  if (explain_cmd->parsed()) {
    if (!explain_in.resolve("explain")) return kExitUsage;
    ExplainOptions options;
    options.input = explain_in.input;
    if (stream_opt->count() > 0) options.stream = explain_stream;
    options.lang = language_of_code(explain_lang).value_or(Language::en);
    options.account = explain_in.account();
    ctx.quiet = explain_in.quiet;
    return run_explain(options, ctx);
  }
  if (print_cmd->parsed() || ladder_cmd->parsed()) {
    bool ladder = ladder_cmd->parsed();
    InputFlags& in = ladder ? ladder_in : print_in;
    if (!in.resolve(ladder ? "ladder" : "print")) return kExitUsage;
    SegmentViewOptions options;
    options.input = in.input;
    CLI::Option* stream_option = ladder ? ladder_stream_opt : print_stream_opt;
    if (stream_option->count() > 0) options.stream = ladder ? ladder_stream : print_stream;
    options.account = in.account();
    ctx.quiet = in.quiet;
    options.colour = use_colour(ladder ? ladder_colour : print_colour);
    return ladder ? run_ladder(options, ctx) : run_print(options, ctx);
  }
  if (graph_cmd->parsed()) {
    if (!graph_in.resolve("graph", {graph.out_path})) return kExitUsage;
    graph.input = graph_in.input;
    graph.kind = graph_kind == "rtt"          ? GraphKind::rtt
                 : graph_kind == "throughput" ? GraphKind::throughput
                                              : GraphKind::time_sequence;
    if (!graph_from.empty()) graph.from = graph_from;
    graph.lang = language_of_code(graph_lang).value_or(Language::en);
    graph.account = graph_in.account();
    ctx.quiet = graph_in.quiet;
    return run_graph(graph, ctx);
  }
  if (report_cmd->parsed()) {
    if (!report_in.resolve("report", {report.out_path})) return kExitUsage;
    report.input = report_in.input;
    report.lang = language_of_code(report_lang).value_or(Language::en);
    report.account = report_in.account();
    ctx.quiet = report_in.quiet;
    return run_report(report, ctx);
  }
  if (convert_cmd->parsed()) {
    convert_out = convert_in.input.write_file;
    convert_in.input.write_file.clear();
    if (!convert_in.resolve("convert", {convert_out})) return kExitUsage;
    ctx.quiet = convert_in.quiet;
    return run_convert(convert_in.input, convert_out, convert_in.account(), ctx);
  }
  return kExitUsage;
}
