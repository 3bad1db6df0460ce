"""explain in English and Chinese over every capture: the noise rules, checked on the text.

No zero-value time part, no "(s)"; in Chinese no ASCII space between two Chinese characters or
next to Chinese punctuation, and one unit style: a number, a space, its unit ("71 微秒后"). The note that an ACK
acknowledges data, not an ACK, at most once per connection and only where the misreading can
arise: after a turn acknowledged by a bare ACK, the turn the note is on also acknowledged by a
bare ACK (the wire shows ACK → data → ACK). The diagnosis' reasons (summary --json): no "(s)",
no "1 <plural>".
"""
import glob, json, os, re, subprocess, sys

tcplens, root = sys.argv[1], sys.argv[2]
captures = sorted(glob.glob(os.path.join(root, "../shared/real/*.pcap*")) +
                  glob.glob(os.path.join(root, "../shared/lab/captures/*.pcap*")) +
                  glob.glob(os.path.join(root, "tests/data/lab/*.pcap")))
captures = [c for c in captures if not c.endswith((".txt", ".json"))]
bad = []
rules = {
    "en": [(r"[:,] 0\.000 s (sending|limited|zero|recovering|waiting|idle)", "zero time part"),
           (r"[a-z]\(s\)", "(s)"),
           (r"(?<![0-9.])1 (SYNs|stalls|blocks|holes|connections|bytes|frames|gaps|turns|"
            r"segments|retransmissions|fast retransmissions|keep-alives|probes|were)\b",
            "1 <plural>"),
           (r"\b0 SACK blocks|\b0 of the (client|server)'s|, 0 from the (client|server)|"
            r"(?<![0-9.])0 bytes (were left|from the)|its 0 bytes? of data", "zero clause")],
    "zh": [(r"[。；）：，、“”（] ", "ASCII space after Chinese punctuation"),
           (r" [。；）：，、“”]", "ASCII space before Chinese punctuation"),
           (r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", "ASCII space between Chinese characters"),
           (r"[\u4e00-\u9fff][0-9]|[0-9][\u4e00-\u9fff]", "number without space"),
           (r"[0-9][\u5fae\u6beb]?\u79d2", "unit without space"), (r"[a-z]\(s\)", "(s)"),
           (r"(发送中|限制|零窗口|恢复|定时器|对方|空闲) 0\.000 秒", "zero time part")],
}
note = {"en": "it is not an acknowledgement of an ACK", "zh": "而不是“确认对方的 ACK”"}
bare = {"en": ", in a bare ACK,", "zh": "，是一个单独的 ACK，"}
turn_line = {"en": "  - ", "zh": "  · "}


def check_notes(cap, lang, out):
    for block in out.split("\n\n"):
        lines = block.splitlines()
        at = [i for i, line in enumerate(lines) if note[lang] in line]
        head = lines[0][:60] if lines else ""
        if len(at) > 1:
            bad.append(f"{os.path.basename(cap)} [{lang}] {len(at)} ACK notes in: {head}")
        for i in at:
            turns = [line for line in lines[:i] if line.startswith(turn_line[lang])][-2:]
            if len(turns) < 2 or not all(bare[lang] in t for t in turns):
                bad.append(f"{os.path.basename(cap)} [{lang}] ACK note without ACK → data → ACK "
                           f"before it: {head}")


def texts(value):
    """Every string in a JSON value (the reasons, wherever the summary keeps them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from texts(v)


for cap in captures:
    for lang, checks in rules.items():
        out = subprocess.run([tcplens, "explain", "--quiet", "--lang", lang, cap],
                             capture_output=True, text=True).stdout
        check_notes(cap, lang, out)
        for pattern, name in checks:
            m = re.search(pattern, out)
            if m:
                bad.append(f"{os.path.basename(cap)} [{lang}] {name}: …{out[max(0, m.start() - 40):m.end() + 20]}…")
    # The diagnosis' reasons (summary --json, the report): English, counted by its plural rule.
    lines = subprocess.run([tcplens, "summary", "--quiet", "--json", cap], capture_output=True,
                           text=True).stdout.splitlines()
    for line in lines:
        reason = " | ".join(texts(json.loads(line)))
        for pattern, name in [(r"[a-z]\(s\)", "(s)"),
                              (r"\b1 (SYNs|resends|holes|timeouts|tail-loss probes|ACKs|"
                               r"CE-marked packets|times)\b", "1 <plural>")]:
            if re.search(pattern, reason):
                bad.append(f"{os.path.basename(cap)} [reason] {name}: {reason}")
print(f"{len(captures)} captures checked")
for b in bad[:40]:
    print(b)
sys.exit(1 if bad else 0)
