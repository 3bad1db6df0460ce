#!/usr/bin/env python3
"""The diagnosis of every lab scenario against its truth.json, and the issue's problem list
on real captures.

usage: diagnosis_scenarios_test.py TCPLENS LAB_DIR SHARED_DIR

Counts that can be taken from the packets (data resends, CE marks, ECE and CWR segments) are
counted here from the pcap (read by pcap_resends.py), not through tcplens; verdicts, stall causes and their
lengths come from each scenario's truth.json (what the scenario did, by construction).
"""
import json
import os
import subprocess
import sys

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


# ---- the packets, read without tcplens (pcap_resends.py's reader) ----------------------------

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcap_resends  # noqa: E402


def tcp_segments(path):
    for link, pkt in pcap_resends.frames(path):
        t = pcap_resends.tcp_of(link, pkt)
        if t is None:
            continue
        src, dst, sport, dport, seq, flags, length = t
        etype, off = pcap_resends.network(link, pkt)
        ecn = pkt[off + 1] & 3 if etype == 0x0800 else (pkt[off + 1] >> 4) & 3
        yield dict(src=(src, sport), dst=(dst, dport), seq=seq, flags=flags, payload=length,
                   ecn=ecn)


SYN, RST, ACK, ECE, CWR = 0x02, 0x04, 0x10, 0x40, 0x80


def packet_counts(path):
    """Per connection (sorted 4-tuple): resends per sender endpoint, CE, ECE and CWR.

    A resend: a data segment starting below the highest sequence already seen in its
    direction (keep-alives, one byte below what was sent with no new data, are not data)."""
    conns = {}
    for s in tcp_segments(path):
        key = tuple(sorted([s["src"], s["dst"]]))
        c = conns.setdefault(key, dict(high={}, resends={}, ce=0, ece=0, cwr=0))
        if s["ecn"] == 3:
            c["ce"] += 1
        if not s["flags"] & SYN:
            c["ece"] += bool(s["flags"] & ECE)
            c["cwr"] += bool(s["flags"] & CWR)
        start = (s["seq"] + (1 if s["flags"] & SYN else 0)) & 0xFFFFFFFF
        if s["payload"] == 0:
            continue
        end = (start + s["payload"]) & 0xFFFFFFFF
        high = c["high"].get(s["src"])
        me = c["resends"].setdefault(s["src"], 0)
        if high is not None:
            below = ((start - high) & 0xFFFFFFFF) >= 0x80000000
            keepalive = s["payload"] == 1 and ((high - end) & 0xFFFFFFFF) == 0
            if below and not keepalive:
                c["resends"][s["src"]] = me + 1
            if ((end - high) & 0xFFFFFFFF) < 0x80000000:
                c["high"][s["src"]] = end
        else:
            c["high"][s["src"]] = end
    return conns


# ---- tcplens ---------------------------------------------------------------------------------

def summary(tcplens, pcap):
    out = subprocess.run([tcplens, "summary", "--json", pcap], capture_output=True, text=True,
                         check=True).stdout
    recs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [r for r in recs if "diagnosis" in r]


def conn_of(records, port):
    for r in records:
        if r["client"].endswith(":%d" % port) or r["server"].endswith(":%d" % port):
            return r
    raise KeyError(port)


def direction_of(r, sender_port):
    return "client_to_server" if r["client"].endswith(":%d" % sender_port) else \
        "server_to_client"


def near(a, b, rel):
    return abs(a - b) <= rel * abs(b)


# ---- the scenarios ---------------------------------------------------------------------------

TIMER_CAUSES = {"tail-loss-probe", "retransmission-timeout"}


def wire_scenario(tcplens, lab, name):
    truth = json.load(open(os.path.join(lab, name + ".truth.json")))
    pcap = os.path.join(lab, name + ".pcap")
    records = summary(tcplens, pcap)
    counts = packet_counts(pcap)
    if name == "fastopen":
        conns = [conn_of(records, c["client_port"]) for c in truth["connections"]]
    else:
        conns = [conn_of(records, truth["client_port"])]
    expected = truth["expected_verdict"]
    for r in conns:
        d = r["diagnosis"]
        check(d["verdict"] == expected,
              "%s: verdict %s, expected %s (%s)" % (name, d["verdict"], expected, d["reason"]))
    r = conns[0]
    d = r["diagnosis"]
    sender_port = truth.get("server_port") if truth.get("sender", "").startswith("server") \
        else truth.get("client_port")
    if name == "fastopen":
        return
    way = direction_of(r, sender_port)
    sender = d["senders"][way]
    causes = [s["cause"] for s in d["stalls"]]
    timer_stalls = [s for s in d["stalls"] if s["cause"] in TIMER_CAUSES]

    # Resends: tcplens against this script's own count, and against the truth's.
    key = next(k for k in counts if any(p == sender_port for _, p in k))
    mine = sum(v for (addr, port), v in counts[key]["resends"].items() if port == sender_port)
    check(sender["data_resends"] == mine,
          "%s: %d resends, the pcap has %d" % (name, sender["data_resends"], mine))
    if "resent_segments_in_capture" in truth:
        check(mine == truth["resent_segments_in_capture"],
              "%s: the pcap's %d resends against the truth's %d" %
              (name, mine, truth["resent_segments_in_capture"]))
    if "expected_retransmissions" in truth:
        check(sender["data_resends"] == truth["expected_retransmissions"], name + ": resends")

    # Timer stalls: their kinds, counts and lengths.
    if "expected_causes" in truth:
        check(sorted(set(c for c in causes if c in TIMER_CAUSES)) ==
              sorted(truth["expected_causes"]),
              "%s: stall causes %s, expected %s" % (name, causes, truth["expected_causes"]))
    elif truth["expected_verdict"] != "loss-limited":
        check(not timer_stalls, "%s: timer stalls %s in a loss-free run" % (name, timer_stalls))
    if "expected_tlp" in truth:
        check(sender["tail_loss_probes"] == truth["expected_tlp"], name + ": TLPs")
        check(sender["retransmission_timeouts"] == truth["expected_rto"], name + ": RTOs")
    if name == "rtostall":
        want = [truth["stalls"][0]["from_original_s"], truth["stalls"][1]["from_tlp_s"]]
        got = [s["duration_s"] for s in timer_stalls]
        check(len(got) == 2 and all(near(g, w, 0.02) for g, w in zip(got, want)),
              "rtostall: timer stalls %s, truth %s" % (got, want))
        check([s["cause"] for s in timer_stalls] == ["tail-loss-probe", "retransmission-timeout"],
              "rtostall: TLP then RTO")
        t = d["time"][way]
        check(t["retransmission_timer"] >= sum(want) * 0.98, "rtostall: timer time is loss time")
    if name == "tlptail":
        check(len(timer_stalls) == 1 and near(timer_stalls[0]["duration_s"], truth["tlp_wait_s"],
                                              0.02), "tlptail: the probe's wait")
    for s in d["stalls"]:
        threshold = max(0.2, 2 * (d["round_trip_s"] or 0))
        check(s["duration_s"] > threshold, "%s: a stall under the threshold %s" % (name, s))

    # Holes, each once.
    if "expected_holes" in truth:
        check(d["sack"][way]["holes"] == truth["expected_holes"],
              "%s: %d holes, expected %d" % (name, d["sack"][way]["holes"],
                                            truth["expected_holes"]))
        check(d["sack"][way]["holes_filled_by_retransmission"] == truth["expected_holes"],
              name + ": holes filled")
    if "wire_dropped_segments" in truth and name.startswith("lossboth"):
        # Each dropped segment was a hole of its own (none were neighbours).
        seqs = sorted(x["rel_seq"] for x in truth["wire_drops"])
        distinct = 1 + sum(1 for a, b in zip(seqs, seqs[1:]) if b != a + 1448)
        check(d["sack"][way]["holes"] == distinct,
              "%s: %d holes, the wire dropped %d apart" % (name, d["sack"][way]["holes"], distinct))

    # ECN, counted here from the IP and TCP headers.
    c = counts[key]
    check(d["ecn"]["ce"] == c["ce"] and d["ecn"]["ece_acks"] == c["ece"] and
          d["ecn"]["cwr"] == c["cwr"], "%s: ecn %s, the pcap has %s" % (name, d["ecn"], c))
    if name == "ecn":
        check(d["ecn"]["negotiated"], "ecn: negotiated")
        check(c["ce"] == truth["ce_frames_in_capture"] and c["ece"] == truth["ece_frames"] and
              c["cwr"] == truth["cwr_frames"], "ecn: the pcap against the truth")

    # The sender's own limits: the flight and the rate in the reason.
    if truth["expected_verdict"] == "sender-limited":
        rate = truth["expected_rate_bytes_per_s"]
        fl = sender["flight"]
        check(fl["median"] * 2 <= fl["peer_window_median"], name + ": flight well below window")
        check("bytes/s" in d["reason"], name + ": the rate is in the reason")
        got_rate = float(d["reason"].split(" bytes/s")[0].split()[-1])
        check(near(got_rate, rate, 0.25), "%s: rate %s, truth %s" % (name, got_rate, rate))
    if name == "cwndlock":
        check(sender["flight"]["max"] == truth["expected_flight_bytes"], "cwndlock: flight max")
        check("10 × 1448" in d["reason"] and "clamp" in d["reason"], "cwndlock: the clamp hint")
    if name == "sndbuf":
        check("clamped at" not in d["reason"], "sndbuf: no cwnd clamp named")

    # No handshake: no receive-window reading of a raw window; the scale the flight proves.
    if name == "midstream":
        check(not d["window_scale_known"], "midstream: scale unknown")
        check(d["time"][way]["receive_window_limited"] == 0, "midstream: no window time")
        at_least = sender["window_scale_at_least"]
        check(at_least is not None and at_least <= truth["true_window_scales"]["server_rcv_wscale"],
              "midstream: window scale at least %s" % at_least)
    return d, sender


def lossboth(tcplens, lab):
    """One transfer captured at both ends: the same verdict and the same resends."""
    a = wire_scenario(tcplens, lab, "lossboth_snd")
    b = wire_scenario(tcplens, lab, "lossboth_rcv")
    check(a[0]["verdict"] == b[0]["verdict"] == "loss-limited", "lossboth: loss-limited twice")
    check(a[1]["data_resends"] == b[1]["data_resends"], "lossboth: the same resends at both ends")
    check(b[0]["vantage"] == "server", "lossboth_rcv: captured next to the receiver")


def older_scenarios(tcplens, lab, shared):
    """Recordings from before the truth files named their verdict: what they did."""
    def one(path):
        recs = summary(tcplens, path)
        return recs[-1]
    t = json.load(open(os.path.join(lab, "tailloss.truth.json")))
    d = one(os.path.join(lab, "tailloss.pcap"))["diagnosis"]
    timers = [s for s in d["stalls"] if s["cause"] in TIMER_CAUSES]
    # Everything to the server dropped for blackhole_s: the client's timer backs off until then.
    check(d["verdict"] == "loss-limited", "tailloss: " + d["reason"])
    check(sum(s["duration_s"] for s in timers) >= t["blackhole_s"], "tailloss: timer stalls")
    rtos = [s["duration_s"] for s in timers if s["cause"] == "retransmission-timeout"]
    check(all(b > 1.6 * a for a, b in zip(rtos[1:], rtos[2:])), "tailloss: RTOs back off")
    counts = packet_counts(os.path.join(lab, "tailloss.pcap"))
    resends = sum(sum(c["resends"].values()) for c in counts.values())
    check(d["senders"]["client_to_server"]["data_resends"] == resends == len(timers),
          "tailloss: every resend a timer's")

    z = json.load(open(os.path.join(lab, "zwprobe.truth.json")))
    d = one(os.path.join(lab, "zwprobe.pcap"))["diagnosis"]
    zw = [s for s in d["stalls"] if s["cause"] == "zero-window"]
    check(d["verdict"] == "zero-window-stalled", "zwprobe: " + d["reason"])
    check(len(zw) == 1 and 0.8 * z["reader_pause_s"] < zw[0]["duration_s"] < 1.05 *
          z["reader_pause_s"], "zwprobe: one zero-window stall of the reader's pause")

    d = one(os.path.join(lab, "appidle.pcap"))["diagnosis"]
    check(d["verdict"] == "application-limited", "appidle: " + d["reason"])
    check(not d["stalls"], "appidle: an idle client is no stall")

    for name in ("gaploss", "sack"):
        path = os.path.join(lab, name + ".pcap")
        d = one(path)["diagnosis"]
        counts = packet_counts(path)
        resends = sum(sum(c["resends"].values()) for c in counts.values())
        check(d["verdict"] == "loss-limited", name + ": " + d["reason"])
        check(d["senders"]["client_to_server"]["data_resends"] == resends, name + ": resends")
    t = json.load(open(os.path.join(lab, "gaploss.truth.json")))
    d = one(os.path.join(lab, "gaploss.pcap"))["diagnosis"]
    # Segments 40, 90+91, 120 never reached the capture: three holes, the middle one two long.
    drops = t["dropped_data_segments"]
    holes = 1 + sum(1 for a, b in zip(drops, drops[1:]) if b != a + 1)
    check(d["sack"]["client_to_server"]["holes"] == holes, "gaploss: holes once each")
    check(d["sack"]["client_to_server"]["holes_filled_by_retransmission"] == holes,
          "gaploss: holes filled")

    d = one(os.path.join(lab, "slowreader.pcap"))["diagnosis"]
    check(d["verdict"] == "receive-window-limited", "slowreader: " + d["reason"])


def real_captures(tcplens, shared):
    real = os.path.join(shared, "real")
    # 73 OpenSSL GETs over loopback, each closed with close_notify, FIN and RST.
    recs = summary(tcplens, os.path.join(real, "tls_ciphers.pcap"))
    check(len(recs) == 73, "tls_ciphers: 73 connections")
    check(all(r["diagnosis"]["ending"] == "rst-after-fin" for r in recs),
          "tls_ciphers: every one ends RST after FIN")
    check(all(r["diagnosis"]["verdict"] == "healthy" for r in recs),
          "tls_ciphers: a usual teardown is no trouble: %s" %
          sorted(set(r["diagnosis"]["verdict"] for r in recs)))
    # Short request/response connections of about a millisecond: healthy, not "95 % idle".
    recs = summary(tcplens, os.path.join(real, "simple_http.pcap"))
    check(all(r["diagnosis"]["verdict"] == "healthy" for r in recs),
          "simple_http: %s" % [r["diagnosis"]["reason"] for r in recs])
    # The failed FTP upload: 30 s against a full receive window, then a RST. The verdict is the
    # window; the RST is how it ended.
    recs = summary(tcplens, os.path.join(real, "ftp_upload_failed.pcap"))
    d = recs[0]["diagnosis"]
    check(d["verdict"] == "receive-window-limited", "ftp_upload_failed: " + d["reason"])
    check(d["ending"] == "rst", "ftp_upload_failed: ended by a RST")
    t = d["time"]["client_to_server"] or d["time"]["server_to_client"]
    check(t["receive_window_limited"] > 0.5 * sum(t.values()), "ftp_upload_failed: window time")


def main():
    tcplens, lab, shared = sys.argv[1:4]
    for name in ("rtostall", "sndbuf", "cwndlock", "ecn", "midstream", "sackholes", "fastopen",
                 "tlptail"):
        if not os.path.exists(os.path.join(lab, name + ".truth.json")):
            check(False, name + ": recording missing")
            continue
        wire_scenario(tcplens, lab, name)
    lossboth(tcplens, lab)
    older_scenarios(tcplens, lab, shared)
    real_captures(tcplens, shared)
    if FAILURES:
        print("%d failures" % len(FAILURES))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
