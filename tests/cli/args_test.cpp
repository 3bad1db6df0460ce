// The command line's pure parts: which words are inputs and which the filter, the errors for a
// word that is neither, the nearest command to a misspelt one.
#include "cli/args.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <string>

namespace tcplens {
namespace {

// A folder with one file and one subfolder, removed at the end.
struct Scratch {
  std::string dir;
  Scratch() {
    char name[] = "/tmp/tcplens-args-XXXXXX";
    dir = mkdtemp(name);
    std::ofstream(dir + "/a.pcap") << "x";
    std::system(("mkdir " + dir + "/rot").c_str());
  }
  ~Scratch() { std::system(("rm -rf " + dir).c_str()); }
};

TEST(SplitArgs, ExistingPathsAndStdinAreInputsTheRestIsTheFilter) {
  Scratch s;
  SplitArgs split = split_inputs_and_filter(
      {s.dir + "/a.pcap", "-", s.dir + "/rot", "host", "203.0.113.94", "and", "port", "80"}, false);
  EXPECT_EQ(split.files, (std::vector<std::string>{s.dir + "/a.pcap", "-", s.dir + "/rot"}));
  EXPECT_EQ(split.filter, "host 203.0.113.94 and port 80");
  EXPECT_EQ(split.first_word, "host");
  EXPECT_EQ(split.not_a_path, "No such file or directory");
}

TEST(SplitArgs, AQuotedFilterWithDotsAndSlashesIsAFilter) {
  Scratch s;
  SplitArgs split = split_inputs_and_filter({s.dir + "/a.pcap", "net 203.0.113.0/24"}, false);
  EXPECT_EQ(split.files, std::vector<std::string>{s.dir + "/a.pcap"});
  EXPECT_EQ(split.filter, "net 203.0.113.0/24");
}

TEST(SplitArgs, AfterTheFirstFilterWordEveryWordIsFilterEvenAPath) {
  Scratch s;
  SplitArgs split = split_inputs_and_filter({"tcp", s.dir + "/a.pcap"}, false);
  EXPECT_TRUE(split.files.empty());
  EXPECT_EQ(split.filter, "tcp " + s.dir + "/a.pcap");
}

TEST(SplitArgs, LiveEveryWordIsFilter) {
  Scratch s;
  SplitArgs split = split_inputs_and_filter({s.dir + "/a.pcap", "tcp"}, true);
  EXPECT_TRUE(split.files.empty());
  EXPECT_EQ(split.filter, s.dir + "/a.pcap tcp");
}

TEST(FilterErrorLine, AOneWordFilterSaysBothReadingsFailed) {
  SplitArgs split{{}, "x.pcapng", "x.pcapng", "No such file or directory"};
  EXPECT_EQ(filter_error_line(split, "bad filter: syntax error"),
            "tcplens: x.pcapng: neither an input (No such file or directory) nor a filter "
            "(syntax error)");
  split.filter = "x.pcapng port 80";
  EXPECT_EQ(filter_error_line(split, "bad filter: syntax error"),
            "tcplens: x.pcapng: neither an input (No such file or directory) nor the start of a "
            "filter (\"x.pcapng port 80\": syntax error)");
}

TEST(FilterErrorLine, AQuotedExpressionIsOnlyABadFilter) {
  SplitArgs split{{}, "tcp port (", "tcp port (", "No such file or directory"};
  EXPECT_EQ(filter_error_line(split, "bad filter: syntax error"),
            "tcplens: bad filter \"tcp port (\": syntax error");
}

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  EXPECT_EQ(edit_distance("summary", "summary"), 0u);
  EXPECT_EQ(edit_distance("sumary", "summary"), 1u);
  EXPECT_EQ(edit_distance("sumamry", "summary"), 1u);  // a swap of neighbours
  EXPECT_EQ(edit_distance("frmaes", "frames"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(NearestCommand, NamesTheCommandAMisspeltWordIsNearest) {
  const std::array<std::string, 8> names{"frames", "summary", "explain", "print",
                                         "ladder", "graph",   "report",  "convert"};
  EXPECT_EQ(nearest_command(names, "sumary"), "summary");
  EXPECT_EQ(nearest_command(names, "summarry"), "summary");
  EXPECT_EQ(nearest_command(names, "frame"), "frames");
  EXPECT_EQ(nearest_command(names, "expalin"), "explain");
  EXPECT_EQ(nearest_command(names, "sum"), "summary");  // the only command it begins
  EXPECT_EQ(nearest_command(names, "grpah"), "graph");
  EXPECT_EQ(nearest_command(names, "xyzzy"), "");
  EXPECT_EQ(nearest_command(names, "p"), "print");
  EXPECT_EQ(nearest_command(names, "r"), "report");
}

}  // namespace
}  // namespace tcplens
