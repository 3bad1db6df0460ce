#!/usr/bin/env python3
"""report_structure.py REPORT.html [CAPTURE] — checks the structure of a `tcplens report`:

- the story is HTML (paragraphs, lists, quantities emphasised), not a <pre> wall;
- a connection without data has no graph but one line saying why; one with data has its
  time-sequence graph;
- in every graph, the legend names exactly the series drawn (a window edge wholly above its panel
  is not drawn), each series has one colour of its own, and the FIN/RST letters do not overlap;
- with CAPTURE (pcap/pcapng), counted by tshark from the packets: every set of two or more
  streams that are nothing but SYNs from one address to one server is one group line
  "N × unanswered SYN to server:port" and one overview row; and where tshark's payload of the
  graphed direction was sent within 15 % of the connection's time, the time-sequence graph has a
  zoomed panel that holds at least 90 % of those bytes' first transmissions.
"""
import collections
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


html = open(sys.argv[1], encoding="utf-8").read()
capture = sys.argv[2] if len(sys.argv) > 2 else None

# --- The story as HTML.
check('<pre class="explain"' not in html, "the story is still a <pre> block")
stories = re.findall(r'<div class="story">(.*?)</div>', html, re.S)
check(stories, "no story block")
for st in stories:
    check("<p>" in st, "a story without paragraphs")
    check('<strong class="label">' in st, "a story without labelled paragraphs")
check(any('<b class="n">' in st for st in stories), "no quantity emphasised in any story")

# --- Overview rows: streams and their bytes.
rows = {}
for m in re.finditer(r'<tr(?: data-streams="([0-9 ]+)")?[^>]*>(<td.*?)</tr>', html, re.S):
    cells = re.findall(r"<td[^>]*>(.*?)</td>", m.group(2), re.S)
    streams = [int(s) for s in (m.group(1) or cells[0]).split()]
    rows[streams[0]] = (streams, int(cells[6]), int(cells[7]))
members = collections.Counter(s for streams, _, _ in rows.values() for s in streams)
check(all(n == 1 for n in members.values()), "a stream in more than one overview row")

# --- Detailed sections: graphs or the line saying why not.
sections = re.split(r'(?=<h2 id="stream-)', html)[1:]
for sec in sections:
    stream = int(re.match(r'<h2 id="stream-(\d+)"', sec).group(1))
    if stream not in rows:
        check(False, f"stream {stream} has a section but no overview row")
        continue
    _, c2s, s2c = rows[stream]
    figures = re.findall(r'<figure data-kind="([a-z-]+)"', sec)
    no_graph = sec.count('class="no-graph"')
    if c2s == 0 and s2c == 0:
        check(not figures and no_graph == 1,
              f"stream {stream} has no data: {figures} drawn, {no_graph} no-graph lines")
    else:
        check("time-sequence" in figures, f"stream {stream} has data but no time-sequence graph")
        check(len(figures) + no_graph == 2, f"stream {stream}: {figures}, {no_graph} no-graph lines")


# --- Every graph: legend = series drawn, one colour each, labels apart.
def check_svg(svg, name):
    root = ET.fromstring(svg)
    clips = {c.get("id"): float(c.find(SVG + "rect").get("y")) for c in root.iter(SVG + "clipPath")}
    legend = {g.get("data-series") for g in root.iter(SVG + "g") if g.get("class") == "legend-item"}
    drawn, colour = set(), collections.defaultdict(set)
    for p in root.iter(SVG + "path"):
        series, d = p.get("data-series"), p.get("d", "")
        if p.get("class") != "series" or not d:
            continue
        if series == "window":
            top = clips[re.search(r"#([^)]+)", p.get("clip-path")).group(1)]
            # Every step of the edge above its panel: nothing of it in view.
            if all(y < top for y in [float(v) for v in re.findall(r"(?:^M[-0-9.]+ |V)(-?[0-9.]+)", d)]):
                continue
        drawn.add(series)
        colour[p.get("stroke")].add(series)
    marks = [t for t in root.iter(SVG + "text") if t.get("class") == "mark"]
    letters = {(t.text or "")[:1] for t in marks}
    if "F" in letters:
        drawn.add("fin")
    if "R" in letters:
        drawn.add("rst")
    if any(p.get("class") == "mark" for p in root.iter(SVG + "path")):
        drawn.add("zero-window")
    check(legend == drawn, f"{name}: legend {sorted(legend)} but drawn {sorted(drawn)}")
    shared = {c: s for c, s in colour.items() if len(s) > 1}
    check(not shared, f"{name}: series sharing a colour: {shared}")
    boxes = []
    for t in marks:
        x, y, w = float(t.get("x")), float(t.get("y")), 8.0 * len(t.text or "")
        for (bx, by, bw) in boxes:
            check(not (x < bx + bw and bx < x + w and y - 11 < by and by - 11 < y),
                  f"{name}: labels {t.text!r} at {x},{y} and one at {bx},{by} overlap")
        boxes.append((x, y, w))
    return root


graphs = re.findall(r'<figure(?: data-kind="([a-z-]+)")?>(<svg.*?</svg>)', html, re.S)
check(graphs or not sections, "no graph at all")
zooms = {}
for kind, svg in graphs:
    root = check_svg(svg, root_title := ET.fromstring(svg).find(SVG + "title").text)
    z = [t.text for t in root.iter(SVG + "text") if t.get("class") == "zoom-title"]
    if kind == "time-sequence" or "time-sequence" in root_title:
        stream = int(re.match(r"Stream (\d+)", root_title).group(1))
        zooms[stream] = z[0] if z else None

if capture:
    fields = ["tcp.stream", "ip.src", "ip.dst", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
              "tcp.len", "tcp.time_relative", "tcp.analysis.retransmission",
              "tcp.analysis.fast_retransmission", "tcp.srcport"]
    out = subprocess.run(
        ["tshark", "-n", "-r", capture, "-o", "tcp.calculate_timestamps:TRUE", "-Y", "tcp",
         "-T", "fields"] + sum((["-e", f] for f in fields), []),
        check=True, capture_output=True, text=True).stdout
    by_stream = collections.defaultdict(list)
    for line in out.splitlines():
        v = line.split("\t")
        if v[0]:
            by_stream[int(v[0])].append(v)
    # Streams that are nothing but SYNs (no ACK flag) from one side to one server.
    unanswered = collections.defaultdict(list)
    for s, frames in by_stream.items():
        if all(f[4] in ("1", "True") and f[5] in ("0", "False") for f in frames) and \
                len({(f[1], f[2], f[3]) for f in frames}) == 1:
            unanswered[(frames[0][1], frames[0][2], frames[0][3])].append(s)
    for (src, dst, port), streams in unanswered.items():
        if len(streams) < 2:
            continue
        line = f"{len(streams)} × unanswered SYN to {dst}:{port}"
        check(re.search(r'<li class="group-line">.*?' + re.escape(line), html),
              f"no group line '{line}'")
        row = rows.get(min(streams))
        check(row and sorted(row[0]) == sorted(streams),
              f"streams {sorted(streams)} are not one overview row")
    # The zoom: where the graphed direction's payload was sent in a short part of the axis.
    for s, zoom in zooms.items():
        frames = by_stream[s]
        sent = collections.Counter()
        for f in frames:
            sent[(f[1], f[10])] += int(f[6] or 0)
        src = max(sent, key=sent.get)
        data = [(float(f[7]), int(f[6])) for f in frames
                if (f[1], f[10]) == src and int(f[6] or 0) > 0 and not f[8] and not f[9]]
        if len(data) < 4:
            continue
        end = max(float(f[7]) for f in frames)
        total = sum(n for _, n in data)
        times = sorted(t for t, _ in data)
        if times[-1] - times[0] > 0.15 * end:
            continue  # the transfer fills the axis: no zoom needed
        check(zoom is not None, f"stream {s}: transfer in {times[0]:.3f}–{times[-1]:.3f} s of "
              f"{end:.3f} s but no zoomed panel")
        if zoom:
            z0, z1 = (float(x) for x in re.search(r"([0-9.]+)–([0-9.]+) s", zoom).groups())
            inside = sum(n for t, n in data if z0 - 1e-6 <= t <= z1 + 1e-6)
            check(inside >= 0.9 * total, f"stream {s}: zoom {z0}–{z1} s holds {inside} of "
                  f"{total} bytes")
            check(z1 - z0 <= 0.2 * end, f"stream {s}: zoom {z0}–{z1} s of a {end:.3f} s axis")

for f in failures:
    print("FAIL:", f)
print(f"{len(sections)} detailed sections, {len(graphs)} graphs, {len(rows)} overview rows, "
      f"{len(failures)} failures")
sys.exit(1 if failures else 0)
