// tcplens: the command line. Parses flags and wires the stages together; nothing else.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>

#include "cli/args.hpp"
#include "cli/frames_command.hpp"

namespace {

// Signal handlers can reach only these: a stop request and the live capture to break.
std::atomic<bool> g_stop{false};
std::atomic<tcplens::LiveCapture*> g_live{nullptr};

void on_signal(int) {
  g_stop.store(true);
  if (auto* src = g_live.load()) src->break_loop();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tcplens;
  CLI::App app{"tcplens: TCP analysis of captures, as tshark's expert analysis does it"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tcplens 0.1.0");

  FramesOptions frames;
  std::vector<std::string> args;
  std::string format = "tsv";
  CLI::App* cmd = app.add_subcommand("frames", "One row per TCP frame: tshark's 23 analysis columns");
  cmd->add_option("inputs", args, "Capture files (pcap, pcapng, - for stdin), then a BPF filter");
  cmd->add_option("--format", format, "Output format")->check(CLI::IsMember({"tsv", "json"}));
  cmd->add_flag("-q,--quiet", frames.quiet, "Print nothing on stderr but errors");
  cmd->add_option("-i,--interface", frames.input.interface, "Capture live on this interface");
  cmd->add_option("-c,--count", frames.input.count, "Stop after this many frames");
  cmd->add_option("-w,--write", frames.input.write_file, "Save the frames captured live as pcap");

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

  if (cmd->parsed()) {
    frames.format = format == "json" ? FrameFormat::json : FrameFormat::tsv;
    SplitArgs split = split_inputs_and_filter(args, !frames.input.interface.empty());
    frames.input.files = split.files;
    frames.input.filter = split.filter;
    if (frames.input.files.empty() && frames.input.interface.empty()) {
      fmt::print(stderr, "tcplens: frames: no input (give a capture file, - for stdin, or -i IFACE)\n");
      return kExitUsage;
    }
    ctx.quiet = frames.quiet;
    return run_frames(frames, ctx);
  }
  return kExitUsage;
}
