// Pictures of one direction of one connection, as standalone SVG: the time-sequence graph
// (Stevens' graph, as tcptrace/xplot and Wireshark's Stream Graphs draw it), ACK RTT over time,
// and goodput over time. Colours from the Okabe–Ito palette (distinguishable with colour-blind
// vision); every graph has a title and a legend.
#pragma once

#include <string>

#include "story/series.hpp"

namespace tcplens {

enum class GraphKind { time_sequence, rtt, throughput };

struct GraphOptions {
  GraphKind kind = GraphKind::time_sequence;
  int direction = 0;  // the analysis' direction of the data (0: the stream's first sender)
  std::string title;
  int width = 960;
  int height = 440;
};

std::string render_graph(const ConnectionSeries& series, const GraphOptions& options);

// The direction that carried more payload (what a graph of "the transfer" shows).
int busier_direction(const ConnectionSeries& series);

}  // namespace tcplens
