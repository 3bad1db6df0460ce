#!/usr/bin/env python3
"""tcplens' own real-kernel TCP scenarios: captures with a known story.

Run as:  ip netns exec NS python3 scenarios.py NAME
inside a private network namespace whose lo is up (record.sh does that and
captures lo with tcpdump).  Traffic stays on that namespace's loopback.
Per-namespace settings a scenario needs (sysctls under net.ipv4, a qdisc on
lo, nftables rules) are made by the scenario itself: they vanish with the
namespace.  Each scenario prints one JSON line of ground truth on stdout.
"""
import json, os, random, socket, struct, subprocess, sys, threading, time

HOST4, HOST6 = "127.0.0.1", "::1"


# --- helpers ---------------------------------------------------------------

def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def nft(rule):
    subprocess.run(["nft"] + rule.split(), check=True)


def nft_reset():
    """A fresh table with an input and an output chain (empty)."""
    subprocess.run("nft delete table inet lab", shell=True, stderr=subprocess.DEVNULL)
    nft("add table inet lab")
    nft("add chain inet lab in { type filter hook input priority 0 ; }")
    nft("add chain inet lab out { type filter hook output priority 0 ; }")


def nft_flush():
    nft("flush chain inet lab in")
    nft("flush chain inet lab out")


def sysctl(name, value):
    """Set a sysctl of this network namespace (net.* are per namespace)."""
    with open("/proc/sys/" + name.replace(".", "/"), "w") as f:
        f.write(str(value))


def listener(port, family=socket.AF_INET, host=HOST4, rcvbuf=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((host, port))
    s.listen(64)
    return s


def client(port, sport=0, family=socket.AF_INET, host=HOST4, timeout=30):
    c = socket.socket(family, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sport:
        c.bind((host, sport))
    c.settimeout(timeout)
    c.connect((host, port))
    return c


def linger0(s):
    """close() will then abort the connection with a RST."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            break
        buf += d
    return buf


def recv_all(s):
    n = 0
    while True:
        d = s.recv(65536)
        if not d:
            return n
        n += len(d)


def bg(fn, *a):
    th = threading.Thread(target=fn, args=a, daemon=True)
    th.start()
    return th


def upload_server(port, total, result, rcvbuf=None, reply=b"OK"):
    """Accept one connection, read `total` bytes (or until EOF), reply, close."""
    srv = listener(port, rcvbuf=rcvbuf)

    def serve():
        c, _ = srv.accept()
        n = 0
        while n < total:
            d = c.recv(65536)
            if not d:
                break
            n += len(d)
        if reply:
            c.sendall(reply)
        c.close()
        result.append(n)
    return bg(serve)


# --- scenarios -------------------------------------------------------------

def synretry():
    """Three handshakes in trouble, tcp_syn_retries=3 / tcp_synack_retries=2:
    (a) every SYN to port 7001 dropped -> the client retransmits its SYN 3
        times (1 s, 2 s, 4 s backoff) and gives up with ETIMEDOUT;
    (b) SYNs to port 7002 dropped for the first 2 s only -> the 3rd SYN is
        answered, then a short exchange and a normal close;
    (c) the client's handshake ACK to port 7003 dropped for 1.5 s (server
        speaks first) -> the server retransmits its SYN-ACK, the client
        re-ACKs it, then a greeting and a normal close."""
    nft_reset()
    sysctl("net.ipv4.tcp_syn_retries", 3)
    sysctl("net.ipv4.tcp_synack_retries", 2)
    truth = {"scenario": "synretry", "tcp_syn_retries": 3, "tcp_synack_retries": 2}

    # (a) given up
    listener(7001)
    nft("add rule inet lab in tcp dport 7001 drop")
    t0 = time.time()
    try:
        client(7001, 41001, timeout=40)
        truth["a_result"] = "connected?!"
    except OSError as e:
        truth["a_result"] = type(e).__name__ + ":" + os.strerror(e.errno or 0)
    truth["a_gave_up_after_s"] = round(time.time() - t0, 1)
    truth["a_syn_sent"] = 4
    nft_flush()
    time.sleep(0.5)

    # (b) 3rd SYN answered
    srv = listener(7002)

    def echo_once():
        c, _ = srv.accept()
        d = c.recv(100)
        c.sendall(d.upper())
        recv_all(c)
        c.close()
    th = bg(echo_once)
    nft("add rule inet lab in tcp dport 7002 tcp flags syn drop")
    bg(lambda: (time.sleep(2.0), nft_flush()))
    t0 = time.time()
    c = client(7002, 41002)
    truth["b_connected_after_s"] = round(time.time() - t0, 1)
    c.sendall(b"hello after retries")
    truth["b_reply"] = c.recv(100).decode()
    c.close()
    th.join(5)
    time.sleep(0.5)

    # (c) SYN-ACK retransmitted
    srv = listener(7003)

    def greet():
        c, _ = srv.accept()
        c.sendall(b"220 greeting\r\n")
        recv_all(c)
        c.close()
    th = bg(greet)
    nft("add rule inet lab in tcp dport 7003 tcp flags & (syn|ack|fin|rst) == ack ip length < 80 drop")
    bg(lambda: (time.sleep(1.5), nft_flush()))
    c = client(7003, 41003)
    truth["c_greeting"] = c.recv(100).decode().strip()
    c.sendall(b"QUIT\r\n")
    c.close()
    th.join(5)
    time.sleep(0.5)
    truth.update(client_ports=[41001, 41002, 41003], server_ports=[7001, 7002, 7003])
    return truth


def ipv6():
    """Over ::1: five request/response rounds (200-byte requests, 1000-byte
    answers), then a 100 KB download, then the client closes first."""
    nft_reset()
    srv = listener(8100, family=socket.AF_INET6, host=HOST6)
    bulk = 100 * 1024

    def serve():
        c, _ = srv.accept()
        while True:
            d = recv_exact(c, 200)
            if len(d) < 200:
                break
            if d.startswith(b"BULK"):
                c.sendall(b"b" * bulk)
            else:
                c.sendall(b"r" * 1000)
        c.close()
    th = bg(serve)
    c = client(8100, 40100, family=socket.AF_INET6, host=HOST6)
    rounds = 5
    for _ in range(rounds):
        c.sendall(b"q" * 200)
        assert len(recv_exact(c, 1000)) == 1000
        time.sleep(0.1)
    c.sendall(b"BULK".ljust(200, b"q"))
    got = len(recv_exact(c, bulk))
    time.sleep(0.2)
    c.close()
    th.join(5)
    time.sleep(0.5)
    return {"scenario": "ipv6", "family": "IPv6", "rounds": rounds, "request_bytes": 200,
            "answer_bytes": 1000, "bulk_bytes": bulk, "bulk_received": got,
            "client_port": 40100, "server_port": 8100, "closed_by": "client"}


def rstabort():
    """Three connections ending in a RST:
    (a) port 8200: two request/response rounds, then the client closes with
        SO_LINGER {1,0} -> client RST;
    (b) port 8201: the client sends 3000 bytes, the server reads only 100,
        answers, and closes with unread data in its receive buffer -> server RST;
    (c) port 8202: the server answers and closes normally (FIN); the client
        keeps sending after the FIN -> the orphaned server socket answers RST."""
    nft_reset()
    truth = {"scenario": "rstabort"}

    srv = listener(8200)

    def serve_a():
        c, _ = srv.accept()
        try:
            while True:
                d = c.recv(500)
                if not d:
                    break
                c.sendall(b"A" * 500)
        except ConnectionResetError:
            truth["a_server_saw"] = "ECONNRESET"
        c.close()
    th = bg(serve_a)
    c = client(8200, 41200)
    for _ in range(2):
        c.sendall(b"a" * 500)
        recv_exact(c, 500)
        time.sleep(0.1)
    linger0(c)
    c.close()
    th.join(5)
    time.sleep(0.5)

    srv = listener(8201)

    def serve_b():
        c, _ = srv.accept()
        time.sleep(0.2)           # let all 3000 bytes arrive
        c.recv(100)
        c.sendall(b"ok")
        c.close()                 # 2900 unread bytes -> RST
    th = bg(serve_b)
    c = client(8201, 41201)
    c.sendall(b"b" * 3000)
    truth["b_reply"] = c.recv(10).decode()
    th.join(5)
    time.sleep(0.2)
    try:
        truth["b_client_recv_after"] = repr(c.recv(10))
    except ConnectionResetError:
        truth["b_client_recv_after"] = "ECONNRESET"
    c.close()
    time.sleep(0.5)

    srv = listener(8202)

    def serve_c():
        c, _ = srv.accept()
        c.recv(100)
        c.sendall(b"bye")
        c.close()
    th = bg(serve_c)
    c = client(8202, 41202)
    c.sendall(b"c" * 100)
    truth["c_reply"] = recv_exact(c, 3).decode()
    th.join(5)
    time.sleep(0.1)
    truth["c_eof_seen"] = c.recv(10) == b""
    c.sendall(b"c" * 100)         # data after the peer's FIN -> RST
    time.sleep(0.2)
    try:
        c.sendall(b"c" * 100)
        truth["c_second_send"] = "ok"
    except OSError as e:
        truth["c_second_send"] = type(e).__name__
    c.close()
    time.sleep(0.5)
    truth.update(client_ports=[41200, 41201, 41202], server_ports=[8200, 8201, 8202],
                 a_rst_by="client (SO_LINGER 0)", b_rst_by="server (unread data)",
                 c_rst_by="server (data after its FIN)")
    return truth


def halfclose():
    """The client sends a 300-byte request and shuts down its sending side
    (FIN); the server reads to EOF, then keeps sending 8 chunks of 4000
    bytes 100 ms apart, then closes; the client reads to EOF and closes."""
    nft_reset()
    srv = listener(8300)
    chunks, size = 8, 4000

    def serve():
        c, _ = srv.accept()
        recv_all(c)
        for _ in range(chunks):
            c.sendall(b"h" * size)
            time.sleep(0.1)
        c.close()
    th = bg(serve)
    c = client(8300, 40300)
    c.sendall(b"r" * 300)
    c.shutdown(socket.SHUT_WR)
    got = recv_all(c)
    c.close()
    th.join(5)
    time.sleep(0.5)
    return {"scenario": "halfclose", "request_bytes": 300, "client_fin": "after request",
            "server_bytes_after_client_fin": chunks * size, "received": got,
            "client_port": 40300, "server_port": 8300}


def manyshort():
    """40 short request/response connections to port 8400, one after the other.
    Every 5th starting at 1 reuses client port 41400 and is aborted by the
    client with SO_LINGER 0 (RST, no TIME_WAIT); every 5th starting at 3 reuses
    client port 41401 and the server closes first (TIME_WAIT on the server
    side, which accepts the new SYN of the same 4-tuple); the others use an
    ephemeral port and the client closes first."""
    nft_reset()
    srv = listener(8400)
    n = 40
    modes = []

    def serve():
        for _ in range(n):
            c, _ = srv.accept()
            req = b""
            while not req.endswith(b"\n"):
                d = c.recv(100)
                if not d:
                    break
                req += d
            c.sendall(b"200 " + req)
            if b"srvclose" in req:
                c.close()
                continue
            try:
                recv_all(c)
            except ConnectionResetError:
                pass
            c.close()
    th = bg(serve)
    reuse = {41400: 0, 41401: 0}
    for i in range(n):
        if i % 5 == 1:
            mode, sport = "rst", 41400
        elif i % 5 == 3:
            mode, sport = "srvclose", 41401
        else:
            mode, sport = "normal", 0
        c = client(8400, sport)
        req = ("GET %d %s\n" % (i, mode)).encode()
        c.sendall(req)
        recv_exact(c, len(req) + 4)
        if mode == "rst":
            linger0(c)
        elif mode == "srvclose":
            c.recv(10)            # wait for the server's FIN
        c.close()
        if sport:
            reuse[sport] += 1
        modes.append(mode)
        time.sleep(0.05)
    th.join(10)
    time.sleep(0.5)
    return {"scenario": "manyshort", "connections": n, "server_port": 8400,
            "rst_reuse_port": 41400, "rst_reuse_count": reuse[41400],
            "srvclose_reuse_port": 41401, "srvclose_reuse_count": reuse[41401],
            "ephemeral": modes.count("normal")}


def reorder():
    """A 200 KB upload to port 8500 (50 writes of 4000 bytes, 5 ms apart) with
    about 10% of the data segments sent through a slow HTB class on lo (2 Mbit/s,
    ~6 ms per full segment), so they leave lo after later segments: reordering
    before the capture point (netem is not available in this kernel; nft sets
    skb->priority to the slow class at random)."""
    nft_reset()
    sh("tc qdisc add dev lo root handle 1: htb default 10")
    sh("tc class add dev lo parent 1: classid 1:10 htb rate 10gbit burst 1mb cburst 1mb")
    sh("tc class add dev lo parent 1: classid 1:20 htb rate 2mbit ceil 2mbit burst 1600 cburst 1600")
    nft("add rule inet lab out tcp dport 8500 meta length > 100 numgen random mod 100 < 10 meta priority set 1:20")
    got = []
    th = upload_server(8500, 200000, got)
    c = client(8500, 40500)
    for _ in range(50):
        c.sendall(b"o" * 4000)
        time.sleep(0.005)
    c.recv(2)
    c.close()
    th.join(10)
    time.sleep(0.5)
    return {"scenario": "reorder", "bytes": 200000, "received": got[0] if got else None,
            "slow_pct": 10, "slow_rate": "2mbit", "client_port": 40500, "server_port": 8500}


def sack():
    """A 500 KB upload to port 8600 with 3% of data segments dropped at random
    on input (after the capture point: the dropped segments are in the pcap):
    SACK blocks, duplicate ACKs, fast retransmissions."""
    nft_reset()
    nft("add rule inet lab in tcp dport 8600 meta length > 100 numgen random mod 100 < 3 drop")
    got = []
    total = 500 * 1024
    th = upload_server(8600, total, got)
    c = client(8600, 40600)
    c.sendall(b"s" * total)
    c.recv(2)
    c.close()
    th.join(20)
    time.sleep(0.5)
    return {"scenario": "sack", "bytes": total, "received": got[0] if got else None,
            "drop_pct": 3, "dropped_where": "input (captured)",
            "client_port": 40600, "server_port": 8600}


def gaploss():
    """A 300 KB upload to port 8650 with 2% of data segments dropped at random
    on OUTPUT, before the capture point: the pcap misses them ("previous
    segment not captured"), and their retransmissions fill the holes."""
    nft_reset()
    nft("add rule inet lab out tcp dport 8650 meta length > 100 numgen random mod 100 < 2 drop")
    got = []
    total = 300 * 1024
    th = upload_server(8650, total, got)
    c = client(8650, 40650)
    c.sendall(b"g" * total)
    c.recv(2)
    c.close()
    th.join(20)
    time.sleep(0.5)
    return {"scenario": "gaploss", "bytes": total, "received": got[0] if got else None,
            "drop_pct": 2, "dropped_where": "output (not captured)",
            "client_port": 40650, "server_port": 8650}


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class LoSniffer:
    """Follows one IPv4 TCP connection on lo with an AF_PACKET socket: the
    newest seq/ack/window/timestamps of each side (to craft a probe)."""

    def __init__(self, cport, sport):
        self.cport, self.sport = cport, sport
        self.cli = {}
        self.srv = {}
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
        self.s.bind(("lo", 0x0800))
        self.s.settimeout(0.2)
        self.stop = False
        self.th = bg(self.run)

    def run(self):
        while not self.stop:
            try:
                pkt, addr = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING or len(pkt) < 40 or pkt[9] != 6:
                continue
            ihl = (pkt[0] & 15) * 4
            tot = struct.unpack("!H", pkt[2:4])[0]
            sp, dp, seq, ack, off, flags, win = struct.unpack("!HHIIBBH", pkt[ihl:ihl + 16])
            doff = (off >> 4) * 4
            plen = tot - ihl - doff
            opts = pkt[ihl + 20:ihl + doff]
            ts = None
            i = 0
            while i < len(opts):
                k = opts[i]
                if k == 0:
                    break
                if k == 1:
                    i += 1
                    continue
                ln = opts[i + 1]
                if k == 8 and ln == 10:
                    ts = struct.unpack("!II", opts[i + 2:i + 10])
                i += max(ln, 2)
            if (sp, dp) == (self.cport, self.sport):
                side = self.cli
            elif (sp, dp) == (self.sport, self.cport):
                side = self.srv
            else:
                continue
            nxt = (seq + plen + (1 if flags & 3 else 0)) & 0xFFFFFFFF
            if "nxt" in side and (nxt - side["nxt"]) & 0xFFFFFFFF >= 0x80000000:
                nxt = side["nxt"]     # an older sequence number (retransmission)
            side.update(seq=seq, ack=ack, win=win, ts=ts, flags=flags, plen=plen, nxt=nxt)


def inject_tcp(src_port, dst_port, seq, ack, win, payload, ts=None, flags=0x18):
    """Send one handcrafted IPv4 TCP segment 127.0.0.1 -> 127.0.0.1 through lo."""
    opts = b""
    if ts:
        opts = struct.pack("!BBBBII", 1, 1, 8, 10, ts[0], ts[1])
    doff = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", src_port, dst_port, seq, ack, doff << 4, flags, win, 0, 0) + opts
    seg = hdr + payload
    pseudo = socket.inet_aton(HOST4) * 2 + struct.pack("!BBH", 0, 6, len(seg))
    cs = _csum(pseudo + seg)
    seg = seg[:16] + struct.pack("!H", cs) + seg[18:]
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    r.sendto(seg, (HOST4, 0))
    r.close()


def zwprobe():
    """A 100 KB upload to port 8700 whose reader has a 2048-byte receive
    buffer and pauses 3 s: the window closes to zero, the sending kernel
    probes it (Linux probes with 0 bytes at snd_una-1).  About 1.2 s into the
    zero window, a handcrafted 1-byte segment with the next sequence number
    (a classic 1-byte zero window probe, as other stacks send) is injected
    through a raw socket on behalf of the client; the receiving kernel drops
    its byte and answers with a zero-window ACK.  Then the reader drains."""
    nft_reset()
    total = 100 * 1024
    snf = LoSniffer(40700, 8700)
    srv = listener(8700, rcvbuf=2048)
    got = []
    pause = 3.0

    def serve():
        c, _ = srv.accept()
        time.sleep(pause)
        n = 0
        while n < total:
            d = c.recv(65536)
            if not d:
                break
            n += len(d)
        c.close()
        got.append(n)
    th = bg(serve)
    c = client(8700, 40700)
    injected = {}

    def probe():
        t0 = time.time()
        while time.time() - t0 < 2.0:
            if snf.srv.get("win") == 0 and "flags" in snf.cli:
                break
            time.sleep(0.01)
        else:
            return
        time.sleep(1.2)
        cli, sv = dict(snf.cli), dict(snf.srv)
        if sv.get("win") != 0:
            return
        seq = cli["nxt"]
        ts = (cli["ts"][0] + 1, sv["ts"][0]) if cli.get("ts") and sv.get("ts") else None
        inject_tcp(40700, 8700, seq, sv["nxt"], cli["win"], b"z", ts)
        injected.update(seq_raw=seq, server_ack_raw=sv["ack"], bytes=1)
    pth = bg(probe)
    c.sendall(b"z" * total)
    c.close()
    th.join(20)
    pth.join(5)
    time.sleep(0.5)
    snf.stop = True
    return {"scenario": "zwprobe", "bytes": total, "received": got[0] if got else None,
            "rcvbuf": 2048, "reader_pause_s": pause, "injected_1byte_probe": injected or None,
            "client_port": 40700, "server_port": 8700}


def tailloss():
    """Like the seed, short: three 1000-byte requests answered by 5 bytes,
    then everything to port 8800 is dropped on input for 4 s while a 4th
    request is outstanding (RTO backoff: retransmissions ~0.2, 0.6, 1.4,
    3.0 s), then the rule is removed: the next retransmission is ACKed and
    answered; one more round, then a normal close by the client."""
    nft_reset()
    srv = listener(8800)

    def serve():
        c, _ = srv.accept()
        while True:
            d = recv_exact(c, 1000)
            if len(d) < 1000:
                break
            c.send(b"hello")
        c.close()
    th = bg(serve)
    c = client(8800, 40800)
    for _ in range(3):
        c.send(b"x" * 1000)
        recv_exact(c, 5)
        time.sleep(0.3)
    nft("add rule inet lab in tcp dport 8800 drop")
    t0 = time.time()
    c.send(b"x" * 1000)
    time.sleep(4.0)
    nft_flush()
    recv_exact(c, 5)
    waited = round(time.time() - t0, 1)
    time.sleep(0.3)
    c.send(b"x" * 1000)
    recv_exact(c, 5)
    c.close()
    th.join(5)
    time.sleep(0.5)
    return {"scenario": "tailloss", "rounds_before": 3, "blackhole_s": 4.0,
            "answered_after_s": waited, "rounds_after": 1, "client_port": 40800,
            "server_port": 8800, "closed_by": "client"}


def noopts():
    """net.ipv4.tcp_timestamps=0, tcp_sack=0, tcp_window_scaling=0 in the
    namespace: SYNs carry only MSS.  A 150 KB upload to port 8900 in which
    the 20th and 60th data segments reaching the input hook are dropped
    (deterministic, nft numgen inc): recovery without SACK (NewReno), windows
    unscaled (<= 65535).  Then the server answers and both close."""
    nft_reset()
    sysctl("net.ipv4.tcp_timestamps", 0)
    sysctl("net.ipv4.tcp_sack", 0)
    sysctl("net.ipv4.tcp_window_scaling", 0)
    nft("add rule inet lab in tcp dport 8900 meta length > 100 numgen inc mod 100000 { 20, 60 } drop")
    got = []
    total = 150 * 1024
    th = upload_server(8900, total, got)
    c = client(8900, 40900)
    c.sendall(b"n" * total)
    c.recv(2)
    c.close()
    th.join(20)
    time.sleep(0.5)
    return {"scenario": "noopts", "bytes": total, "received": got[0] if got else None,
            "timestamps": 0, "sack": 0, "window_scaling": 0,
            "dropped_data_segments": [20, 60], "client_port": 40900, "server_port": 8900}


def keepidle6():
    """Keep-alive over IPv6 with the keep-alive probes answered, then the
    client sends a little data and closes: 1 s idle, 1 s interval, 3.5 s."""
    nft_reset()
    srv = listener(8950, family=socket.AF_INET6, host=HOST6)
    holder = []

    def serve():
        c, _ = srv.accept()
        holder.append(c)
        n = recv_all(c)
        holder.append(n)
        c.close()
    th = bg(serve)
    c = client(8950, 40950, family=socket.AF_INET6, host=HOST6)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    c.send(b"ping")
    time.sleep(3.5)
    c.send(b"more data after keep-alives")
    time.sleep(0.2)
    c.close()
    th.join(5)
    time.sleep(0.5)
    return {"scenario": "keepidle6", "family": "IPv6", "idle_s": 3.5, "keepidle_s": 1,
            "keepintvl_s": 1, "client_port": 40950, "server_port": 8950}


if __name__ == "__main__":
    print(json.dumps(globals()[sys.argv[1]]()))
