#include "render/svg_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "render/xml_escape.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

namespace {

// Okabe–Ito.
constexpr const char* kBlue = "#0072B2";
constexpr const char* kVermillion = "#D55E00";
constexpr const char* kPurple = "#CC79A7";
constexpr const char* kOrange = "#E69F00";
constexpr const char* kGreen = "#009E73";
constexpr const char* kSky = "#56B4E9";
constexpr const char* kBlack = "#000000";

constexpr int kLeft = 84, kRight = 24, kTop = 44, kBottom = 86;
constexpr std::size_t kMaxBars = 4000;  // plain first-transmission bars before merging by pixel

// 1, 2 or 5 times a power of ten, giving about `n` ticks over [0, span].
double nice_step(double span, int n) {
  if (span <= 0) return 1;
  double raw = span / n;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= raw) return m * p;
  }
  return 10 * p;
}

struct Unit {
  double scale;
  const char* name;
};
Unit time_unit(double span_s) {
  return span_s < 1 ? Unit{1e3, "ms"} : Unit{1, "s"};
}
Unit byte_unit(double span) {
  if (span >= 10e6) return {1e-6, "MB"};
  if (span >= 10e3) return {1e-3, "kB"};
  return {1, "bytes"};
}

class Plot {
 public:
  Plot(const GraphOptions& o, double x0, double x1, double y0, double y1)
      : o_(o), x0_(x0), x1_(x1 > x0 ? x1 : x0 + 1), y0_(y0), y1_(y1 > y0 ? y1 : y0 + 1) {}
  double x(double v) const { return kLeft + (v - x0_) / (x1_ - x0_) * (o_.width - kLeft - kRight); }
  double y(double v) const {
    return o_.height - kBottom - (v - y0_) / (y1_ - y0_) * (o_.height - kTop - kBottom);
  }
  // Clamped to the graph: a negative time (timestamps going backwards) would not fit an int.
  int pixel(double v) const {
    return static_cast<int>(std::clamp(x(v), 0.0, static_cast<double>(o_.width)));
  }

  void begin(std::string& s, const std::string& desc) const {
    s += fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
        "{1}\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n<title>{2}</title>\n"
        "<desc>{3}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        "<text x=\"{4}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
        o_.width, o_.height, xml_escape(o_.title), xml_escape(desc), kLeft);
  }
  void axes(std::string& s, const std::string& xlabel, Unit xu, const std::string& ylabel,
            Unit yu) const {
    const double bottom = o_.height - kBottom;
    s += fmt::format(
        "<g stroke=\"#444\" fill=\"none\"><rect x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"{}\"/></g>\n",
        kLeft, kTop, o_.width - kLeft - kRight, o_.height - kTop - kBottom);
    double xs = nice_step((x1_ - x0_) * xu.scale, 8) / xu.scale;
    for (double v = std::ceil(x0_ / xs) * xs; v <= x1_ + 1e-12; v += xs) {
      s += fmt::format(
          "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
          "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
          x(v), kTop, bottom, bottom + 16, std::round(v * xu.scale * 1e6) / 1e6);
    }
    double ys = nice_step((y1_ - y0_) * yu.scale, 6) / yu.scale;
    for (double v = std::ceil(y0_ / ys) * ys; v <= y1_ + 1e-9; v += ys) {
      s += fmt::format(
          "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
          "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
          kLeft, o_.width - kRight, y(v), kLeft - 6, y(v) + 4,
          std::round(v * yu.scale * 1e6) / 1e6);
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} ({})</text>\n",
                     (kLeft + o_.width - kRight) / 2, bottom + 34, xml_escape(xlabel), xu.name);
    s += fmt::format(
        "<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{} "
        "({})</text>\n",
        (kTop + bottom) / 2, xml_escape(ylabel), yu.name);
  }
  void legend(std::string& s, const std::vector<std::pair<const char*, std::string>>& items) const {
    double lx = kLeft;
    double ly = o_.height - 36;
    for (const auto& [colour, label] : items) {
      double w = 30 + 7.0 * static_cast<double>(label.size());
      if (lx + w > o_.width - kRight) {
        lx = kLeft;
        ly += 18;
      }
      s += fmt::format(
          "<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"14\" height=\"4\" fill=\"{}\"/>"
          "<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n",
          lx, ly - 4, colour, lx + 18, ly, xml_escape(label));
      lx += w;
    }
  }

 private:
  const GraphOptions& o_;
  double x0_, x1_, y0_, y1_;
};

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

std::string time_sequence(const ConnectionSeries& cs, const GraphOptions& o) {
  const int d = o.direction;
  double t1 = 0, s1 = 1, edge = 0;
  for (const auto& p : cs.points) {
    t1 = std::max(t1, seconds(p.t_ns));
    if (p.direction == d) s1 = std::max(s1, static_cast<double>(p.seq + p.len));
    if (p.direction != d && (p.tcp_flags & tcp_flag::ack)) {
      s1 = std::max(s1, static_cast<double>(p.ack));
      edge = std::max(edge, static_cast<double>(p.ack) + static_cast<double>(p.window));
    }
  }
  // The window's edge is shown when it is near the data; far above, it would flatten the data
  // into the bottom of the graph, so it is clipped at the top.
  s1 = std::max(s1, std::min(edge, s1 * 1.5));
  Plot plot(o, 0, t1 * 1.02 + 1e-6, 0, s1 * 1.05);
  std::string s;
  plot.begin(s,
             "Time-sequence graph: x is time since the connection's first frame, y the "
             "relative sequence number; vertical bars are data segments.");
  plot.axes(s, "time", time_unit(t1), "relative sequence number", byte_unit(s1));

  // Data: first transmissions merged per pixel column when there are many; events all drawn.
  std::size_t bars = 0;
  for (const auto& p : cs.points) bars += p.direction == d && p.len > 0;
  bool merge = bars > kMaxBars;
  std::string first, retrans, fast, ooo;
  int col = -1;
  double col_lo = 0, col_hi = 0;
  auto flush_col = [&] {
    if (col >= 0) {
      first += fmt::format("M{} {:.1f}V{:.1f}", col, plot.y(col_lo), plot.y(col_hi));
    }
  };
  for (const auto& p : cs.points) {
    if (p.direction != d || p.len == 0) continue;
    double x = plot.x(seconds(p.t_ns));
    // At least 2 pixels tall: a 1448-byte segment in a megabyte transfer is below one pixel.
    double y_lo = plot.y(p.seq);
    double y_hi = std::min(plot.y(p.seq + p.len), y_lo - 2);
    std::string bar = fmt::format("M{:.1f} {:.1f}V{:.1f}", x, y_lo, y_hi);
    // Events also get a marker, so that one resend stands out among thousands of segments.
    std::string marker = fmt::format("M{:.1f} {:.1f}l4 4l-4 4l-4-4z", x, y_hi - 4);
    if (p.flags & analysis_flag::fast_retransmission) {
      fast += bar + marker;
    } else if (p.flags & (analysis_flag::retransmission | analysis_flag::spurious_retransmission)) {
      retrans += bar + marker;
    } else if (p.flags & analysis_flag::out_of_order) {
      ooo += bar + marker;
    } else if (merge) {
      int c = plot.pixel(seconds(p.t_ns));
      if (c != col) {
        flush_col();
        col = c;
        col_lo = p.seq;
        col_hi = p.seq + p.len;
      } else {
        col_lo = std::min<double>(col_lo, p.seq);
        col_hi = std::max<double>(col_hi, p.seq + p.len);
      }
    } else {
      first += bar;
    }
  }
  flush_col();
  // The ACK line and the receive window's edge, as steps.
  std::string ack_path, win_path;
  for (const auto& p : cs.points) {
    if (p.direction == d || !(p.tcp_flags & tcp_flag::ack)) continue;
    double x = plot.x(seconds(p.t_ns));
    ack_path += ack_path.empty() ? fmt::format("M{:.1f} {:.1f}", x, plot.y(p.ack))
                                 : fmt::format("H{:.1f}V{:.1f}", x, plot.y(p.ack));
    double edge = static_cast<double>(p.ack) + static_cast<double>(p.window);
    win_path += win_path.empty() ? fmt::format("M{:.1f} {:.1f}", x, plot.y(edge))
                                 : fmt::format("H{:.1f}V{:.1f}", x, plot.y(edge));
  }
  s += fmt::format(
      "<clipPath id=\"plot-area-{0}\"><rect x=\"{1}\" y=\"{2}\" width=\"{3}\" "
      "height=\"{4}\"/></clipPath>\n<path d=\"{5}\" fill=\"none\" stroke=\"{6}\" "
      "stroke-width=\"1.2\" stroke-dasharray=\"5 3\" clip-path=\"url(#plot-area-{0})\"/>\n",
      cs.stream, kLeft, kTop, o.width - kLeft - kRight, o.height - kTop - kBottom, win_path,
      kPurple);
  s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>\n", ack_path,
                   kGreen);
  // SACK blocks, zero windows, FIN and RST; the data is drawn over the SACK blocks.
  std::string sack, marks;
  for (const auto& p : cs.points) {
    double x = plot.x(seconds(p.t_ns));
    if (p.direction != d) {
      for (std::uint8_t i = 0; i < p.sack_count; ++i) {
        sack += fmt::format("M{:.1f} {:.1f}V{:.1f}", x + 2, plot.y(p.sack[i].first),
                            plot.y(p.sack[i].second));
      }
      if (p.flags & analysis_flag::zero_window) {
        double y = plot.y(p.ack);
        marks += fmt::format(
            "<path d=\"M{0:.1f} {1:.1f}l-5 9h10z\" fill=\"{2}\"><title>zero "
            "window at {3:.6f} s</title></path>\n",
            x, y, kBlack, seconds(p.t_ns));
      }
    }
    if (p.tcp_flags & (tcp_flag::fin | tcp_flag::rst)) {
      bool rst = p.tcp_flags & tcp_flag::rst;
      double y = plot.y(p.direction == d ? p.seq : p.ack);
      marks += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-weight=\"bold\" fill=\"{}\">{}"
          "<title>{} from the {} at {:.6f} s</title></text>\n",
          x + 3, y - 3, rst ? kVermillion : kBlack, rst ? "R" : "F", rst ? "RST" : "FIN",
          p.direction == d ? "sender" : "receiver", seconds(p.t_ns));
    }
  }
  s += fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1\" opacity=\"0.6\"/>\n", sack,
                   kSky);
  s += fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>\n", first, kBlue);
  s += fmt::format("<path d=\"{}\" stroke=\"{}\" fill=\"{}\" stroke-width=\"2\"/>\n", ooo, kOrange,
                   kOrange);
  s += fmt::format("<path d=\"{}\" stroke=\"{}\" fill=\"{}\" stroke-width=\"2\"/>\n", retrans,
                   kVermillion, kVermillion);
  s += fmt::format("<path d=\"{}\" stroke=\"{}\" fill=\"{}\" stroke-width=\"2\"/>\n", fast, kPurple,
                   kPurple);
  s += marks;
  plot.legend(s, {{kBlue, "data"},
                  {kVermillion, "retransmission"},
                  {kPurple, "fast retransmission"},
                  {kOrange, "out of order"},
                  {kGreen, "ACK"},
                  {kPurple, "window edge (dashed)"},
                  {kSky, "SACK"},
                  {kBlack, "zero window ▲, FIN F, RST R"}});
  if (cs.thinned) {
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" fill=\"#666\">{} plain frames thinned out; every "
        "event kept</text>\n",
        o.width - kRight - 300, 24, cs.thinned);
  }
  s += "</svg>\n";
  return s;
}

std::string rtt_graph(const ConnectionSeries& cs, const GraphOptions& o) {
  const int d = o.direction;
  double t1 = 0, r1 = 0;
  std::size_t n = 0;
  for (const auto& p : cs.points) {
    t1 = std::max(t1, seconds(p.t_ns));
    if (p.direction != d && p.ack_rtt_ns >= 0) {
      r1 = std::max(r1, seconds(p.ack_rtt_ns));
      ++n;
    }
  }
  Unit ru = r1 < 1 ? Unit{1e3, "ms"} : Unit{1, "s"};
  if (r1 < 1e-3) ru = Unit{1e6, "µs"};
  Plot plot(o, 0, t1 * 1.02 + 1e-6, 0, std::max(r1 * 1.1, 1e-6));
  std::string s;
  plot.begin(s,
             "ACK round-trip time: for each acknowledged segment of this direction, the time "
             "from the segment to the ACK that covered it, at the capture point.");
  plot.axes(s, "time", time_unit(t1), "ACK RTT", ru);
  std::string dots;
  for (const auto& p : cs.points) {
    if (p.direction == d || p.ack_rtt_ns < 0) continue;
    dots += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.2\"/>", plot.x(seconds(p.t_ns)),
                        plot.y(seconds(p.ack_rtt_ns)));
  }
  s += fmt::format("<g fill=\"{}\">{}</g>\n", kBlue, dots);
  plot.legend(s, {{kBlue, fmt::format("ACK RTT ({} samples)", n)}});
  s += "</svg>\n";
  return s;
}

std::string throughput_graph(const ConnectionSeries& cs, const GraphOptions& o) {
  const int d = o.direction;
  double t1 = 0;
  for (const auto& p : cs.points) t1 = std::max(t1, seconds(p.t_ns));
  const int bins = 60;
  double width_s = std::max(t1, 1e-6) / bins;
  std::vector<double> delivered(bins + 1, 0.0);
  std::uint32_t last_ack = 0;
  bool have = false;
  for (const auto& p : cs.points) {
    if (p.direction == d || !(p.tcp_flags & tcp_flag::ack)) continue;
    if (have && static_cast<std::int32_t>(p.ack - last_ack) > 0) {
      // Clamped in double first: a frame stamped before the connection's first frame (capture
      // timestamps that go backwards) has a negative time, and goes to the first bin.
      int b = static_cast<int>(std::clamp(seconds(p.t_ns) / width_s, 0.0, double{bins}));
      delivered[static_cast<std::size_t>(b)] += p.ack - last_ack;
    }
    if (!have || static_cast<std::int32_t>(p.ack - last_ack) > 0) last_ack = p.ack;
    have = true;
  }
  double peak = 1;
  for (double& v : delivered) {
    v /= width_s;
    peak = std::max(peak, v);
  }
  Unit ru = peak >= 1e6   ? Unit{1e-6, "MB/s"}
            : peak >= 1e3 ? Unit{1e-3, "kB/s"}
                          : Unit{1, "bytes/s"};
  Plot plot(o, 0, t1 * 1.02 + 1e-6, 0, peak * 1.1);
  std::string s;
  plot.begin(s, "Goodput: bytes newly acknowledged per interval of the connection's duration.");
  plot.axes(s, "time", time_unit(t1), "goodput", ru);
  std::string line;
  for (int b = 0; b <= bins; ++b) {
    line += fmt::format("{}{:.1f} {:.1f}", b == 0 ? "M" : "L", plot.x((b + 0.5) * width_s),
                        plot.y(delivered[static_cast<std::size_t>(b)]));
  }
  s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", line,
                   kGreen);
  plot.legend(s, {{kGreen, fmt::format("goodput per {:.3g} s", width_s)}});
  s += "</svg>\n";
  return s;
}

}  // namespace

int busier_direction(const ConnectionSeries& cs) {
  std::uint64_t bytes[2] = {0, 0};
  for (const auto& p : cs.points) bytes[p.direction & 1] += p.len;
  return bytes[1] > bytes[0] ? 1 : 0;
}

std::string render_graph(const ConnectionSeries& series, const GraphOptions& options) {
  switch (options.kind) {
    case GraphKind::rtt:
      return rtt_graph(series, options);
    case GraphKind::throughput:
      return throughput_graph(series, options);
    case GraphKind::time_sequence:
      break;
  }
  return time_sequence(series, options);
}

}  // namespace tcplens
