#include "cli/convert_command.hpp"

namespace tcplens {

int run_convert(const InputOptions& input, const std::string& out_path,
                const AccountOptions& account, const RunContext& ctx) {
  // The engine's -w writes every frame read, TCP or not; nothing is analysed.
  InputOptions in = input;
  in.write_file = out_path;
  RunResult result = read_segments(
      in, [](std::uint64_t, const RawFrame&, const Segment&) { return true; }, ctx);
  if (result.exit_status == kExitUsage) return result.exit_status;
  return end_account(result, account);
}

}  // namespace tcplens
