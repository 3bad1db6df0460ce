#include "render/svg_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "render/xml_escape.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

namespace {

// Okabe–Ito: distinguishable with colour-blind vision; one colour per series.
constexpr const char* kBlue = "#0072B2";
constexpr const char* kVermillion = "#D55E00";
constexpr const char* kPurple = "#CC79A7";
constexpr const char* kOrange = "#E69F00";
constexpr const char* kGreen = "#009E73";
constexpr const char* kSky = "#56B4E9";
constexpr const char* kBlack = "#000000";

constexpr int kLeft = 84, kRight = 24, kTitleTop = 44;
constexpr int kAxisBelow = 42;  // tick labels and the x label under a panel
constexpr int kLegendRow = 18;
constexpr std::size_t kMaxBars = 4000;  // plain first-transmission bars before merging by pixel
// A zoomed panel is added when the transfer takes at most this share of the time axis.
constexpr double kZoomShare = 0.15;
constexpr std::size_t kZoomMinSegments = 4;

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
  std::string name;
};
Unit time_unit(double largest_s, Language lang) {
  return largest_s < 1 ? Unit{1e3, say(lang, Msg::graph_unit_milliseconds)}
                       : Unit{1, say(lang, Msg::graph_unit_seconds)};
}
Unit byte_unit(double span, Language lang) {
  if (span >= 10e6) return {1e-6, "MB"};
  if (span >= 10e3) return {1e-3, "kB"};
  return {1, say(lang, Msg::graph_unit_bytes)};
}

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

struct Box {
  double left, top, width, height;
  double bottom() const { return top + height; }
  double right() const { return left + width; }
};

// One panel: a box on the page and the value ranges it shows.
class Plot {
 public:
  Plot(Box box, double x0, double x1, double y0, double y1)
      : box_(box), x0_(x0), x1_(x1 > x0 ? x1 : x0 + 1), y0_(y0), y1_(y1 > y0 ? y1 : y0 + 1) {}
  double x(double v) const { return box_.left + (v - x0_) / (x1_ - x0_) * box_.width; }
  double y(double v) const { return box_.bottom() - (v - y0_) / (y1_ - y0_) * box_.height; }
  // Clamped to the panel: a negative time (timestamps going backwards) would not fit an int.
  int pixel(double v) const {
    return static_cast<int>(std::clamp(x(v), 0.0, box_.right() + kRight));
  }
  bool shows_time(double t) const { return t >= x0_ && t <= x1_; }
  const Box& box() const { return box_; }
  double x0() const { return x0_; }
  double x1() const { return x1_; }
  double y1() const { return y1_; }

  void axes(std::string& s, Language lang, Msg xlabel, const Unit& xu, Msg ylabel,
            const Unit& yu) const {
    s += fmt::format(
        "<g stroke=\"#444\" fill=\"none\"><rect x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"{}\"/></g>\n",
        box_.left, box_.top, box_.width, box_.height);
    double xs = nice_step((x1_ - x0_) * xu.scale, 8) / xu.scale;
    for (double v = std::ceil(x0_ / xs) * xs; v <= x1_ + 1e-12; v += xs) {
      s += fmt::format(
          "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
          "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
          x(v), box_.top, box_.bottom(), box_.bottom() + 16, std::round(v * xu.scale * 1e6) / 1e6);
    }
    double ys = nice_step((y1_ - y0_) * yu.scale, 6) / yu.scale;
    for (double v = std::ceil(y0_ / ys) * ys; v <= y1_ + 1e-9; v += ys) {
      s += fmt::format(
          "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
          "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
          box_.left, box_.right(), y(v), box_.left - 6, y(v) + 4,
          std::round(v * yu.scale * 1e6) / 1e6);
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     box_.left + box_.width / 2, box_.bottom() + 34,
                     xml_escape(say(lang, Msg::graph_axis, say(lang, xlabel), xu.name)));
    s += fmt::format(
        "<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
        box_.top + box_.height / 2,
        xml_escape(say(lang, Msg::graph_axis, say(lang, ylabel), yu.name)));
  }

 private:
  Box box_;
  double x0_, x1_, y0_, y1_;
};

// A legend entry: the series' name (also the data-series attribute of what it draws) and how
// its swatch looks. Only series actually drawn get one.
struct LegendItem {
  std::string series;
  const char* colour;
  std::string label;
  enum Swatch { bar, dashed, dot, glyph } swatch = bar;
  const char* glyph_text = "";
};

double legend_width(const LegendItem& item) {
  return 34 + 6.4 * static_cast<double>(item.label.size());
}

int legend_rows(const std::vector<LegendItem>& items, int width) {
  int rows = items.empty() ? 0 : 1;
  double lx = kLeft;
  for (const auto& item : items) {
    if (lx + legend_width(item) > width - kRight && lx > kLeft) {
      lx = kLeft;
      ++rows;
    }
    lx += legend_width(item);
  }
  return rows;
}

void legend(std::string& s, const std::vector<LegendItem>& items, int width, double top) {
  double lx = kLeft;
  double ly = top + 12;
  for (const auto& item : items) {
    double w = legend_width(item);
    if (lx + w > width - kRight && lx > kLeft) {
      lx = kLeft;
      ly += kLegendRow;
    }
    std::string swatch;
    switch (item.swatch) {
      case LegendItem::bar:
        swatch =
            fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"14\" height=\"4\" fill=\"{}\"/>",
                        lx, ly - 5, item.colour);
        break;
      case LegendItem::dashed:
        swatch = fmt::format(
            "<path d=\"M{:.0f} {:.0f}h14\" stroke=\"{}\" stroke-width=\"1.5\" "
            "stroke-dasharray=\"4 2\"/>",
            lx, ly - 3, item.colour);
        break;
      case LegendItem::dot:
        swatch = fmt::format("<circle cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"3\" fill=\"{}\"/>", lx + 7,
                             ly - 4, item.colour);
        break;
      case LegendItem::glyph:
        swatch = fmt::format(
            "<text x=\"{:.0f}\" y=\"{:.0f}\" font-weight=\"bold\" fill=\"{}\">{}</text>", lx + 2,
            ly, item.colour, item.glyph_text);
        break;
    }
    s += fmt::format(
        "<g class=\"legend-item\" data-series=\"{}\">{}<text x=\"{:.0f}\" "
        "y=\"{:.0f}\">{}</text></g>\n",
        item.series, swatch, lx + 18, ly, xml_escape(item.label));
    lx += w;
  }
}

std::string svg_begin(int width, double height, const std::string& title, const std::string& desc) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1:.0f}\" viewBox=\"0 0 "
      "{0} {1:.0f}\" font-family=\"sans-serif\" font-size=\"12\" "
      "role=\"img\">\n<title>{2}</title>\n"
      "<desc>{3}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
      "<text x=\"{4}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
      width, height, xml_escape(title), xml_escape(desc), kLeft);
}

// One drawn series: its path and whether anything of it is in view.
struct Path {
  std::string d;
  bool visible = false;
};

void draw_path(std::string& s, const char* series, const Path& p, const std::string& attrs) {
  if (p.d.empty()) return;
  s += fmt::format("<path class=\"series\" data-series=\"{}\" d=\"{}\" {}/>\n", series, p.d, attrs);
}

// FIN and RST letters, placed so that they do not cover each other: a letter where the same
// letter already is counts into it ("R×4", every time in its tooltip); one that would overlap
// another letter moves up or down a line.
struct MarkLabel {
  double x, y;
  std::string letter;
  const char* colour;
  std::string title;
  int count = 1;
  double width() const { return 9.0 + (count > 1 ? 14.0 : 0.0); }
};

bool overlaps(const MarkLabel& a, double x, double y, double w) {
  return x < a.x + a.width() && a.x < x + w && y - 11 < a.y && a.y - 11 < y;
}

void place_label(std::vector<MarkLabel>& placed, MarkLabel label, const Box& box, Language lang) {
  const double base = std::clamp(label.y, box.top + 12, box.bottom());
  // The same letter where one already is: counted into it.
  for (auto& p : placed) {
    if (p.letter == label.letter && overlaps(p, label.x, base, label.width())) {
      ++p.count;
      p.title += say(lang, Msg::graph_mark_separator) + label.title;
      return;
    }
  }
  auto free_at = [&](double y) {
    if (y - 11 < box.top || y > box.bottom()) return false;
    return std::none_of(placed.begin(), placed.end(),
                        [&](const MarkLabel& p) { return overlaps(p, label.x, y, label.width()); });
  };
  label.y = base;
  for (double dy : {0.0, -13.0, 13.0, -26.0, 26.0, -39.0, 39.0}) {
    if (free_at(base + dy)) {
      label.y = base + dy;
      break;
    }
  }
  placed.push_back(std::move(label));
}

// Where the data of direction d was sent and acknowledged: from its first data segment to the
// last one that brought new data or the last ACK that moved forward.
struct Activity {
  double first_s = 0, last_s = 0, end_s = 0;
  std::size_t segments = 0;
};

Activity activity(const ConnectionSeries& cs, int d) {
  Activity a;
  bool any = false;
  std::uint64_t top = 0, acked = 0;
  bool have_ack = false;
  for (const auto& p : cs.points) {
    double t = seconds(p.t_ns);
    a.end_s = std::max(a.end_s, t);
    if (p.direction == d && p.len > 0) {
      ++a.segments;
      if (!any) a.first_s = t;
      a.first_s = std::min(a.first_s, t);
      any = true;
      if (p.seq + std::uint64_t{p.len} > top) {
        top = p.seq + std::uint64_t{p.len};
        a.last_s = std::max(a.last_s, t);
      }
    } else if (p.direction != d && (p.tcp_flags & tcp_flag::ack) && any) {
      // An ACK of the data (not of a FIN, which may come long after).
      if (p.ack <= top && (!have_ack || p.ack > acked)) {
        if (have_ack) a.last_s = std::max(a.last_s, t);
        acked = p.ack;
        have_ack = true;
      }
    }
  }
  return a;
}

// The highest sequence number or ACK shown for the times [t0, t1], and the window's edge.
struct SeqRange {
  double top = 1, edge = 0;
  double lowest_edge = -1;  // -1: no ACK in the range
};
SeqRange seq_range(const ConnectionSeries& cs, int d, double t0, double t1) {
  SeqRange r;
  for (const auto& p : cs.points) {
    double t = seconds(p.t_ns);
    if (t < t0 || t > t1) continue;
    if (p.direction == d) r.top = std::max(r.top, static_cast<double>(p.seq + p.len));
    if (p.direction != d && (p.tcp_flags & tcp_flag::ack)) {
      r.top = std::max(r.top, static_cast<double>(p.ack));
      double edge = static_cast<double>(p.ack) + static_cast<double>(p.window);
      r.edge = std::max(r.edge, edge);
      r.lowest_edge = r.lowest_edge < 0 ? edge : std::min(r.lowest_edge, edge);
    }
  }
  return r;
}

struct Drawn {
  bool data = false, retrans = false, fast = false, ooo = false, ack = false, window = false,
       sack = false, zero = false, fin = false, rst = false;
};

// One time-sequence panel over the plot's time range.
void time_sequence_panel(std::string& s, const ConnectionSeries& cs, int d, const Plot& plot,
                         const std::string& clip_id, Drawn& drawn, Language lang) {
  const Box& b = plot.box();
  s += fmt::format(
      "<clipPath id=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n",
      clip_id, b.left, b.top - 1, b.width, b.height + 1);
  // Data: first transmissions merged per pixel column when there are many; events all drawn.
  // Outside a zoomed panel's range; the main panel (from 0) keeps frames stamped before it.
  auto outside = [&](double t) { return t > plot.x1() || (t < plot.x0() && plot.x0() > 0); };
  std::size_t bars = 0;
  for (const auto& p : cs.points)
    bars += p.direction == d && p.len > 0 && !outside(seconds(p.t_ns));
  bool merge = bars > kMaxBars;
  Path first, retrans, fast, ooo;
  int col = -1;
  double col_lo = 0, col_hi = 0;
  auto flush_col = [&] {
    if (col >= 0) {
      first.d += fmt::format("M{} {:.1f}V{:.1f}", col, plot.y(col_lo),
                             std::min(plot.y(col_hi), plot.y(col_lo) - 2));
    }
  };
  for (const auto& p : cs.points) {
    if (p.direction != d || p.len == 0) continue;
    double t = seconds(p.t_ns);
    if (outside(t)) continue;
    double x = plot.x(t);
    // At least 2 pixels tall: a 1448-byte segment in a megabyte transfer is below one pixel.
    double y_lo = plot.y(p.seq);
    double y_hi = std::min(plot.y(p.seq + p.len), y_lo - 2);
    std::string bar = fmt::format("M{:.1f} {:.1f}V{:.1f}", x, y_lo, y_hi);
    // Events also get a marker, so that one resend stands out among thousands of segments.
    std::string marker = fmt::format("M{:.1f} {:.1f}l4 4l-4 4l-4-4z", x, y_hi - 4);
    if (p.flags & analysis_flag::fast_retransmission) {
      fast.d += bar + marker;
    } else if (p.flags & (analysis_flag::retransmission | analysis_flag::spurious_retransmission)) {
      retrans.d += bar + marker;
    } else if (p.flags & analysis_flag::out_of_order) {
      ooo.d += bar + marker;
    } else if (merge) {
      int c = plot.pixel(t);
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
      first.d += bar;
    }
  }
  flush_col();
  // The ACK line and the receive window's edge, as steps (clipped to the panel).
  Path ack, win;
  for (const auto& p : cs.points) {
    if (p.direction == d || !(p.tcp_flags & tcp_flag::ack)) continue;
    double t = seconds(p.t_ns);
    double x = plot.x(t);
    bool in_time = plot.shows_time(t);
    ack.d += ack.d.empty() ? fmt::format("M{:.1f} {:.1f}", x, plot.y(p.ack))
                           : fmt::format("H{:.1f}V{:.1f}", x, plot.y(p.ack));
    ack.visible |= in_time;
    double edge = static_cast<double>(p.ack) + static_cast<double>(p.window);
    win.d += win.d.empty() ? fmt::format("M{:.1f} {:.1f}", x, plot.y(edge))
                           : fmt::format("H{:.1f}V{:.1f}", x, plot.y(edge));
    win.visible |= in_time && edge <= plot.y1();
  }
  // SACK blocks, zero windows, FIN and RST; the data is drawn over the SACK blocks.
  Path sack;
  std::string zero;
  std::vector<MarkLabel> labels;
  std::uint32_t last_ack = 0;  // where a receiver's RST without the ACK flag is placed
  for (const auto& p : cs.points) {
    if (p.direction != d && (p.tcp_flags & tcp_flag::ack)) last_ack = p.ack;
    double t = seconds(p.t_ns);
    if (!plot.shows_time(t)) continue;
    double x = plot.x(t);
    if (p.direction != d) {
      for (std::uint8_t i = 0; i < p.sack_count; ++i) {
        sack.d += fmt::format("M{:.1f} {:.1f}V{:.1f}", x + 2, plot.y(p.sack[i].first),
                              plot.y(p.sack[i].second));
      }
      if (p.flags & analysis_flag::zero_window) {
        zero += fmt::format(
            "<path class=\"mark\" d=\"M{0:.1f} {1:.1f}l-5 9h10z\" fill=\"{2}\"><title>{3}</title>"
            "</path>\n",
            x, plot.y(p.ack), kBlack,
            xml_escape(say(lang, Msg::graph_zero_window_mark, fmt::format("{:.6f}", t))));
        drawn.zero = true;
      }
    }
    if (p.tcp_flags & (tcp_flag::fin | tcp_flag::rst)) {
      bool rst = p.tcp_flags & tcp_flag::rst;
      (rst ? drawn.rst : drawn.fin) = true;
      place_label(
          labels,
          MarkLabel{
              x + 3, plot.y(p.direction == d ? p.seq : last_ack) - 3, rst ? "R" : "F", kBlack,
              say(lang,
                  p.direction == d ? Msg::graph_mark_from_sender : Msg::graph_mark_from_receiver,
                  rst ? "RST" : "FIN", fmt::format("{:.6f}", t))},
          b, lang);
    }
  }
  sack.visible = !sack.d.empty();
  std::string clip = fmt::format("clip-path=\"url(#{})\"", clip_id);
  draw_path(
      s, "window", win,
      fmt::format("fill=\"none\" stroke=\"{}\" stroke-width=\"1\" stroke-dasharray=\"5 3\" {}",
                  kBlack, clip));
  draw_path(s, "ack", ack,
            fmt::format("fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" {}", kGreen, clip));
  draw_path(s, "sack", sack,
            fmt::format("stroke=\"{}\" stroke-width=\"1\" opacity=\"0.7\" {}", kSky, clip));
  draw_path(s, "data", first, fmt::format("stroke=\"{}\" stroke-width=\"2\" {}", kBlue, clip));
  for (auto [name, path, colour] : {std::tuple{"out-of-order", &ooo, kOrange},
                                    std::tuple{"retransmission", &retrans, kVermillion},
                                    std::tuple{"fast-retransmission", &fast, kPurple}}) {
    draw_path(s, name, *path,
              fmt::format("stroke=\"{0}\" fill=\"{0}\" stroke-width=\"2\" {1}", colour, clip));
  }
  s += zero;
  for (const auto& l : labels) {
    s += fmt::format(
        "<text class=\"mark\" x=\"{:.1f}\" y=\"{:.1f}\" font-weight=\"bold\" fill=\"{}\">{}{}"
        "<title>{}</title></text>\n",
        std::min(l.x, b.right() - l.width()), l.y, l.colour, l.letter,
        l.count > 1 ? fmt::format("×{}", l.count) : "", xml_escape(l.title));
  }
  drawn.data |= !first.d.empty();
  drawn.retrans |= !retrans.d.empty();
  drawn.fast |= !fast.d.empty();
  drawn.ooo |= !ooo.d.empty();
  drawn.ack |= ack.visible;
  drawn.window |= win.visible;
  drawn.sack |= sack.visible;
}

std::vector<LegendItem> time_sequence_legend(const Drawn& drawn, Language lang) {
  std::vector<LegendItem> items;
  auto add = [&](bool on, LegendItem item) {
    if (on) items.push_back(std::move(item));
  };
  auto text = [&](Msg m) { return say(lang, m); };
  add(drawn.data, {"data", kBlue, text(Msg::graph_legend_data)});
  add(drawn.retrans, {"retransmission", kVermillion, text(Msg::graph_legend_retransmission)});
  add(drawn.fast, {"fast-retransmission", kPurple, text(Msg::graph_legend_fast_retransmission)});
  add(drawn.ooo, {"out-of-order", kOrange, text(Msg::graph_legend_out_of_order)});
  add(drawn.ack, {"ack", kGreen, text(Msg::graph_legend_ack)});
  add(drawn.window, {"window", kBlack, text(Msg::graph_legend_window_edge), LegendItem::dashed});
  add(drawn.sack, {"sack", kSky, text(Msg::graph_legend_sack_block)});
  add(drawn.zero,
      {"zero-window", kBlack, text(Msg::graph_legend_zero_window), LegendItem::glyph, "▲"});
  add(drawn.fin, {"fin", kBlack, "FIN", LegendItem::glyph, "F"});
  add(drawn.rst, {"rst", kBlack, "RST", LegendItem::glyph, "R"});
  return items;
}

std::string time_sequence(const ConnectionSeries& cs, const GraphOptions& o) {
  const int d = o.direction;
  const Activity act = activity(cs, d);
  const double t_end = act.end_s;
  // A transfer in a small part of a long axis (idle time, backed-off resends, a late RST) gets
  // a second panel over just the transfer.
  const bool zoom = act.segments >= kZoomMinSegments && t_end > 0 &&
                    act.last_s - act.first_s <= kZoomShare * t_end;
  const double panel_h = o.height - kTitleTop - 86;
  const double zoom_h = panel_h * 0.8;
  const Box main_box{kLeft, kTitleTop, static_cast<double>(o.width - kLeft - kRight), panel_h};
  // The window's edge is shown when it is near the data; far above, it would flatten the data
  // into the bottom of the graph, so it is clipped at the top.
  // When the edge is never that near, no room is left for it.
  auto y_top = [](SeqRange r) {
    if (r.lowest_edge < 0 || r.lowest_edge > r.top * 1.5) return r.top * 1.05;
    return std::max(r.top, std::min(r.edge, r.top * 1.5)) * 1.05;
  };
  Plot plot(main_box, 0, t_end * 1.02 + 1e-6, 0, y_top(seq_range(cs, d, -1e300, 1e300)));
  std::string body;
  Drawn drawn;
  double z0 = 0, z1 = 0;
  if (zoom) {
    double pad = std::max((act.last_s - act.first_s) * 0.04, 1e-6);
    z0 = std::max(0.0, act.first_s - pad);
    z1 = act.last_s + pad;
    body += fmt::format(
        "<rect class=\"zoomed\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" "
        "fill=\"#eeeeee\"/>\n",
        plot.x(z0), main_box.top, std::max(plot.x(z1) - plot.x(z0), 2.0), main_box.height);
  }
  const Language lang = o.lang;
  plot.axes(body, lang, Msg::graph_time, time_unit(t_end, lang), Msg::graph_relative_sequence,
            byte_unit(plot.y1(), lang));
  time_sequence_panel(body, cs, d, plot, fmt::format("plot-area-{}", cs.stream), drawn, lang);
  double below = main_box.bottom() + kAxisBelow;
  if (zoom) {
    const Box zoom_box{kLeft, below + 30, main_box.width, zoom_h};
    Plot zp(zoom_box, z0, z1, 0, y_top(seq_range(cs, d, z0, z1)));
    body += fmt::format(
        "<text class=\"zoom-title\" x=\"{}\" y=\"{:.0f}\" font-size=\"13\" "
        "font-weight=\"bold\">{}</text>\n",
        kLeft, below + 20,
        xml_escape(say(lang, Msg::graph_zoom_title, fmt::format("{:.3f}", z0),
                       fmt::format("{:.3f}", z1))));
    zp.axes(body, lang, Msg::graph_time, time_unit(z1, lang), Msg::graph_relative_sequence,
            byte_unit(zp.y1(), lang));
    time_sequence_panel(body, cs, d, zp, fmt::format("plot-area-{}-zoom", cs.stream), drawn, lang);
    below = zoom_box.bottom() + kAxisBelow;
  }
  std::vector<LegendItem> items = time_sequence_legend(drawn, lang);
  double height = below + 8 + kLegendRow * legend_rows(items, o.width) + 10;
  if (cs.thinned) height += kLegendRow;
  std::string s =
      svg_begin(o.width, height, o.title, say(lang, Msg::graph_time_sequence_description));
  s += body;
  legend(s, items, o.width, below + 8);
  if (cs.thinned) {
    s += fmt::format("<text x=\"{}\" y=\"{:.0f}\" fill=\"#555\">{}</text>\n", kLeft, height - 10,
                     xml_escape(say_n(lang, Msg::graph_thinned, cs.thinned, cs.thinned)));
  }
  s += "</svg>\n";
  return s;
}

std::string rtt_graph(const ConnectionSeries& cs, const GraphOptions& o) {
  const int d = o.direction;
  double t0 = 0, t1 = 0, r1 = 0;
  std::size_t n = 0;
  for (const auto& p : cs.points) {
    if (p.direction != d && p.ack_rtt_ns >= 0) {
      double t = seconds(p.t_ns);
      t0 = n ? std::min(t0, t) : t;
      t1 = n ? std::max(t1, t) : t;
      r1 = std::max(r1, seconds(p.ack_rtt_ns));
      ++n;
    }
  }
  // The time axis spans the samples (not the whole connection: idle time would squeeze them).
  double pad = std::max((t1 - t0) * 0.03, std::max(t1, 1e-6) * 0.05);
  t0 = std::max(0.0, t0 - pad);
  t1 += pad;
  const Language lang = o.lang;
  Unit ru = time_unit(r1, lang);
  if (r1 < 1e-3) ru = Unit{1e6, say(lang, Msg::graph_unit_microseconds)};
  const Box box{kLeft, kTitleTop, static_cast<double>(o.width - kLeft - kRight),
                static_cast<double>(o.height - kTitleTop - 86)};
  Plot plot(box, t0, t1, 0, std::max(r1 * 1.1, 1e-6));
  std::string body;
  plot.axes(body, lang, Msg::graph_time_since_first_frame, time_unit(t1, lang), Msg::graph_ack_rtt,
            ru);
  Path dots;
  for (const auto& p : cs.points) {
    if (p.direction == d || p.ack_rtt_ns < 0) continue;
    dots.d +=
        fmt::format("M{:.1f} {:.1f}h0", plot.x(seconds(p.t_ns)), plot.y(seconds(p.ack_rtt_ns)));
  }
  draw_path(body, "rtt", dots,
            fmt::format("stroke=\"{}\" stroke-width=\"4.4\" stroke-linecap=\"round\" fill=\"none\"",
                        kBlue));
  std::vector<LegendItem> items;
  if (n) items.push_back({"rtt", kBlue, say_n(lang, Msg::graph_legend_rtt, n, n), LegendItem::dot});
  double below = box.bottom() + kAxisBelow + 8;
  std::string s = svg_begin(o.width, below + kLegendRow * legend_rows(items, o.width) + 10, o.title,
                            say(lang, Msg::graph_rtt_description));
  s += body;
  legend(s, items, o.width, below);
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
  const Language lang = o.lang;
  Unit ru = peak >= 1e6   ? Unit{1e-6, "MB/s"}
            : peak >= 1e3 ? Unit{1e-3, "kB/s"}
                          : Unit{1, say(lang, Msg::graph_unit_bytes_per_second)};
  const Box box{kLeft, kTitleTop, static_cast<double>(o.width - kLeft - kRight),
                static_cast<double>(o.height - kTitleTop - 86)};
  Plot plot(box, 0, t1 * 1.02 + 1e-6, 0, peak * 1.1);
  std::string body;
  plot.axes(body, lang, Msg::graph_time, time_unit(t1, lang), Msg::graph_goodput, ru);
  Path line;
  for (int b = 0; b <= bins; ++b) {
    line.d += fmt::format("{}{:.1f} {:.1f}", b == 0 ? "M" : "L", plot.x((b + 0.5) * width_s),
                          plot.y(delivered[static_cast<std::size_t>(b)]));
  }
  draw_path(body, "goodput", line,
            fmt::format("fill=\"none\" stroke=\"{}\" stroke-width=\"2\"", kGreen));
  std::vector<LegendItem> items{
      {"goodput", kGreen, say(lang, Msg::graph_legend_goodput, fmt::format("{:.3g}", width_s))}};
  double below = box.bottom() + kAxisBelow + 8;
  std::string s = svg_begin(o.width, below + kLegendRow * legend_rows(items, o.width) + 10, o.title,
                            say(lang, Msg::graph_goodput_description));
  s += body;
  legend(s, items, o.width, below);
  s += "</svg>\n";
  return s;
}

}  // namespace

int busier_direction(const ConnectionSeries& cs) {
  std::uint64_t bytes[2] = {0, 0};
  for (const auto& p : cs.points) bytes[p.direction & 1] += p.len;
  return bytes[1] > bytes[0] ? 1 : 0;
}

std::size_t graph_samples(const ConnectionSeries& cs, GraphKind kind, int direction) {
  std::size_t n = 0;
  bool have = false;
  std::uint32_t last_ack = 0;
  for (const auto& p : cs.points) {
    switch (kind) {
      case GraphKind::time_sequence:
        n += p.direction == direction && p.len > 0;
        break;
      case GraphKind::rtt:
        n += p.direction != direction && p.ack_rtt_ns >= 0;
        break;
      case GraphKind::throughput:
        if (p.direction == direction || !(p.tcp_flags & tcp_flag::ack)) break;
        if (have && static_cast<std::int32_t>(p.ack - last_ack) > 0) ++n;
        if (!have || static_cast<std::int32_t>(p.ack - last_ack) > 0) last_ack = p.ack;
        have = true;
        break;
    }
  }
  return n;
}

std::string_view graph_samples_name(GraphKind kind) {
  switch (kind) {
    case GraphKind::rtt:
      return "ACK RTT samples";
    case GraphKind::throughput:
      return "acknowledgements that moved forward";
    case GraphKind::time_sequence:
      break;
  }
  return "data segments";
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
