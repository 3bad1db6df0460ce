// The public C++ API (docs/api.md) in a few lines: each connection's record as `summary --json`
// prints it, then, from the frames one at a time, each stream's frames and retransmissions.
//   api_example CAPTURE...
#include <cstdint>
#include <iostream>
#include <map>
#include <variant>

#include "tcplens/tcplens.hpp"

int main(int argc, char** argv) {
  namespace api = tcplens::api;
  api::Inputs inputs;
  inputs.paths.assign(argv + 1, argv + argc);
  try {
    api::for_each_record_json(inputs, [](std::string_view json) { std::cout << json << '\n'; });

    struct Counts {
      std::uint64_t frames = 0;
      std::uint64_t retransmissions = 0;
    };
    std::map<std::uint32_t, Counts> streams;
    api::FrameStream frames(inputs);
    for (api::Frame f; frames.next(f);) {
      Counts& c = streams[f.stream];
      ++c.frames;
      c.retransmissions += std::get<bool>(api::field_value(f, "tcp.analysis.retransmission"));
    }
    for (const auto& [stream, c] : streams) {
      std::cout << "stream " << stream << ": " << c.frames << " frames, " << c.retransmissions
                << " retransmissions\n";
    }
  } catch (const api::Error& e) {
    std::cerr << "api_example: " << e.what() << '\n';  // names the file and the byte offset
    return 1;
  }
  return 0;
}
