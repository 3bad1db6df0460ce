// tcplens/render.hpp: the texts of the command line's story commands, as strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tcplens/inputs.hpp"

namespace tcplens::api {

enum class Lang { en, zh };

// `tcplens explain`: every connection's story (or only `stream`'s), stories separated by a
// blank line. Throws Error as for_each_record does, and std::out_of_range when `stream` is not
// in the input.
std::string explain(const Inputs& inputs, std::optional<std::uint32_t> stream = {},
                    Lang lang = Lang::en);

// `tcplens summary`: the table, the troubled connections first.
std::string summary_table(const Inputs& inputs);

enum class Graph { time_sequence, rtt, throughput };
enum class From { busier, client, server };
// `tcplens graph`: an SVG picture of one direction of one connection. Throws std::out_of_range
// when `stream` is not in the input.
std::string graph_svg(const Inputs& inputs, std::uint32_t stream, Graph kind = Graph::time_sequence,
                      From from = From::busier);

}  // namespace tcplens::api
