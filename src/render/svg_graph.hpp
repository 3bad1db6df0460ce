// Pictures of one direction of one connection, as standalone SVG: the time-sequence graph
// (Stevens' graph, as tcptrace/xplot and Wireshark's Stream Graphs draw it), ACK RTT over time,
// and goodput over time. Colours from the Okabe–Ito palette (distinguishable with colour-blind
// vision), one per series; every graph has a title and a legend of the series it draws (each
// drawn path and legend entry carries data-series="<name>"). A time-sequence graph whose transfer
// fills at most 15 % of its time axis gets a second panel zoomed on the transfer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "story/messages.hpp"
#include "story/series.hpp"

namespace tcplens {

enum class GraphKind { time_sequence, rtt, throughput };

struct GraphOptions {
  GraphKind kind = GraphKind::time_sequence;
  int direction = 0;  // the analysis' direction of the data (0: the stream's first sender)
  std::string title;
  int width = 960;
  int height = 440;
  Language lang = Language::en;  // of the labels, the legend and the description
};

std::string render_graph(const ConnectionSeries& series, const GraphOptions& options);

// What a graph of that kind draws for the data of `direction`: data segments (time-sequence),
// ACK RTT samples, or ACKs that moved forward (goodput). Zero: nothing worth drawing.
std::size_t graph_samples(const ConnectionSeries& series, GraphKind kind, int direction);
std::string_view graph_samples_name(GraphKind kind);  // "ACK RTT samples", …

// The direction that carried more payload (what a graph of "the transfer" shows).
int busier_direction(const ConnectionSeries& series);

}  // namespace tcplens
