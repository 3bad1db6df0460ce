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


class NfQueue:
    """A minimal NFQUEUE consumer over raw netlink (no libnetfilter_queue).

    `decide(pkt)` gets each queued IPv4 packet (GSO packets arrive already
    segmented) and returns None to accept it now, "drop", or a delay in
    seconds after which it is accepted: packets held back leave after later
    ones, i.e. reordering before lo's capture point when queued on OUTPUT.
    Packets are steered here with iptables' NFQUEUE target (nft's own `queue`
    statement is not built into this kernel)."""

    NETLINK_NETFILTER, SUBSYS_QUEUE = 12, 3
    MSG_PACKET, MSG_VERDICT, MSG_CONFIG = 0, 1, 2

    def __init__(self, num, decide):
        self.num, self.decide = num, decide
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, self.NETLINK_NETFILTER)
        self.s.bind((0, 0))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.seq = 0
        self.lock = threading.Lock()
        self.held = []            # (due, id)
        self.stats = {"accepted": 0, "delayed": 0, "dropped": 0}
        self.stop = False
        # bind the queue (command 1 = BIND), copy whole packets (mode 2)
        self._send(self.MSG_CONFIG, socket.AF_UNSPEC,
                   self._attr(1, struct.pack("!BxH", 1, socket.AF_INET)))
        self._send(self.MSG_CONFIG, socket.AF_UNSPEC,
                   self._attr(2, struct.pack("!IB", 0xFFFF, 2)))
        self.s.settimeout(0.001)
        self.th = bg(self.run)

    @staticmethod
    def _attr(t, data):
        a = struct.pack("=HH", 4 + len(data), t) + data
        return a + b"\0" * (-len(a) % 4)

    def _send(self, msg, family, attrs):
        self.seq += 1
        body = struct.pack("!BBH", family, 0, self.num) + attrs
        hdr = struct.pack("=IHHII", 16 + len(body), (self.SUBSYS_QUEUE << 8) | msg, 1, self.seq, 0)
        with self.lock:
            self.s.send(hdr + body)

    def verdict(self, pid, v):
        self._send(self.MSG_VERDICT, socket.AF_UNSPEC, self._attr(2, struct.pack("!II", v, pid)))

    def _release_due(self, now):
        while self.held and self.held[0][0] <= now:
            _, pid = self.held.pop(0)
            self.verdict(pid, 1)

    def run(self):
        while not self.stop:
            self._release_due(time.time())
            try:
                buf = self.s.recv(1 << 17)
            except socket.timeout:
                continue
            off = 0
            while off + 16 <= len(buf):
                ln, typ = struct.unpack_from("=IH", buf, off)
                if ln < 16:
                    break
                if typ == (self.SUBSYS_QUEUE << 8) | self.MSG_PACKET:
                    self._packet(buf[off + 20:off + ln])
                off += (ln + 3) & ~3

    def _packet(self, attrs):
        pid, payload, i = None, b"", 0
        while i + 4 <= len(attrs):
            ln, t = struct.unpack_from("=HH", attrs, i)
            if ln < 4:
                break
            t &= 0x7FFF
            if t == 1:
                pid = struct.unpack_from("!I", attrs, i + 4)[0]
            elif t == 10:
                payload = attrs[i + 4:i + ln]
            i += (ln + 3) & ~3
        if pid is None:
            return
        d = self.decide(payload)
        if d is None:
            self.stats["accepted"] += 1
            self.verdict(pid, 1)
        elif d == "drop":
            self.stats["dropped"] += 1
            self.verdict(pid, 0)
        else:
            self.stats["delayed"] += 1
            self.held.append((time.time() + d, pid))
            self.held.sort()

    def close(self):
        time.sleep(0.05)
        self.stop = True
        self.th.join(2)
        for _, pid in self.held:
            self.verdict(pid, 1)


def tcp_info(pkt):
    """(sport, dport, seq, payload length) of an IPv4 TCP packet, else None."""
    if len(pkt) < 40 or pkt[0] >> 4 != 4 or pkt[9] != 6:
        return None
    ihl = (pkt[0] & 15) * 4
    tot = struct.unpack_from("!H", pkt, 2)[0]
    sp, dp, seq, _, off = struct.unpack_from("!HHIIB", pkt, ihl)
    return sp, dp, seq, tot - ihl - (off >> 4) * 4


# --- scenarios -------------------------------------------------------------

def synretry():
    """Three handshakes in trouble, tcp_syn_retries=3, tcp_synack_retries=2,
    tcp_syn_linear_timeouts=0 (classic exponential SYN backoff):
    (a) every SYN to port 7001 dropped -> the client retransmits its SYN 3
        times (1 s, 2 s, 4 s backoff) and gives up with ETIMEDOUT;
    (b) SYNs to port 7002 dropped for the first 2 s only -> the 3rd SYN is
        answered, then a short exchange and a normal close;
    (c) the client's handshake ACK to port 7003 dropped for 1.5 s (server
        speaks first) -> the server retransmits its SYN-ACK, the client
        re-ACKs it, then a greeting and a normal close."""
    nft_reset()
    sysctl("net.ipv4.tcp_syn_retries", 3)
    if os.path.exists("/proc/sys/net/ipv4/tcp_syn_linear_timeouts"):
        sysctl("net.ipv4.tcp_syn_linear_timeouts", 0)   # 6.x default 4: 1 s steps
    sysctl("net.ipv4.tcp_synack_retries", 2)
    truth = {"scenario": "synretry", "tcp_syn_retries": 3, "tcp_synack_retries": 2,
             "tcp_syn_linear_timeouts": 0}

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
    """A 200 KB upload to port 8500 (50 writes of 4000 bytes, 5 ms apart).
    On OUTPUT, before lo's capture point, packets of the connection go
    through an NFQUEUE consumer: the server's SYN-ACK is held 20 ms (so the
    handshake RTT, tshark's first_rtt, is 20 ms as on a real path), and a
    random 10% of the client's data segments are held 1-4 ms while the
    following ones pass: segments arrive (and are captured) out of order, as
    with netem's reorder (sch_netem is not in this kernel)."""
    nft_reset()
    rnd = random.Random(8500)

    def decide(pkt):
        t = tcp_info(pkt)
        if not t:
            return None
        if t[0] == 8500 and pkt[(pkt[0] & 15) * 4 + 13] & 0x02:
            return 0.020
        if t[1] == 8500 and t[3] > 0 and rnd.random() < 0.10:
            return rnd.uniform(0.001, 0.004)
        return None
    q = NfQueue(0, decide)
    sh("iptables -A OUTPUT -p tcp --dport 8500 -j NFQUEUE --queue-num 0")
    sh("iptables -A OUTPUT -p tcp --sport 8500 --tcp-flags SYN SYN -j NFQUEUE --queue-num 0")
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
    sh("iptables -F OUTPUT")
    q.close()
    return {"scenario": "reorder", "bytes": 200000, "received": got[0] if got else None,
            "synack_held_ms": 20, "held_pct": 10, "held_ms": [1, 4],
            "held_packets": q.stats["delayed"],
            "client_port": 40500, "server_port": 8500}


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
    """A 200 KB upload to port 8650 in which data segments number 40, 90, 91
    and 120 (counting every data segment the client sends, retransmissions
    included) are dropped on OUTPUT via an NFQUEUE consumer, before lo's
    capture point: the pcap misses them ("previous segment not captured"),
    and their retransmissions fill the holes."""
    nft_reset()
    count = [0]
    drops = {40, 90, 91, 120}

    def decide(pkt):
        t = tcp_info(pkt)
        if t and t[1] == 8650 and t[3] > 0:
            count[0] += 1
            if count[0] in drops:
                return "drop"
        return None
    q = NfQueue(0, decide)
    sh("iptables -A OUTPUT -p tcp --dport 8650 -j NFQUEUE --queue-num 0")
    got = []
    total = 200 * 1024
    th = upload_server(8650, total, got)
    c = client(8650, 40650)
    c.sendall(b"g" * total)
    c.recv(2)
    c.close()
    th.join(20)
    time.sleep(0.5)
    sh("iptables -F OUTPUT")
    q.close()
    return {"scenario": "gaploss", "bytes": total, "received": got[0] if got else None,
            "dropped_data_segments": sorted(drops), "dropped": q.stats["dropped"],
            "dropped_where": "output (not captured)", "client_port": 40650, "server_port": 8650}


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


def slowreader():
    """A 300 KB upload to port 9100 whose reader has SO_RCVBUF 16384 (set on
    the listener before listen(), so no window scaling is offered and the
    window stays small) and reads steadily but slowly: recv() of at most
    4096 bytes, then 10 ms of sleep (~400 KB/s).  The sender is limited by
    the receiver's advertised window for most of the transfer: the window
    stays small but (nearly always) non-zero.  Then the server answers and
    both close."""
    nft_reset()
    total, rcvbuf, chunk, pause = 300 * 1024, 16384, 4096, 0.010
    srv = listener(9100, rcvbuf=rcvbuf)
    got, reads = [], [0]

    def serve():
        c, _ = srv.accept()
        n = 0
        while n < total:
            d = c.recv(chunk)
            if not d:
                break
            n += len(d)
            reads[0] += 1
            time.sleep(pause)
        c.sendall(b"OK")
        c.close()
        got.append(n)
    th = bg(serve)
    c = client(9100, 41100)
    t0 = time.time()
    c.sendall(b"w" * total)
    c.recv(2)
    took = round(time.time() - t0, 2)
    c.close()
    th.join(20)
    time.sleep(0.5)
    return {"scenario": "slowreader", "bytes": total, "received": got[0] if got else None,
            "rcvbuf": rcvbuf, "rcvbuf_effective": srv.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
            "read_pattern": "recv(%d) then sleep %d ms" % (chunk, pause * 1000),
            "reads": reads[0], "transfer_s": took, "client_port": 41100, "server_port": 9100}


def offload():
    """A 500 KB upload to port 9200 recorded with lo's defaults of a new
    namespace (MTU 65536, TSO/GSO/GRO on: record.sh leaves them for this
    scenario).  The client sets TCP_MAXSEG 1460 before connect(), so its SYN
    advertises MSS 1460 as on a 1500-byte Ethernet NIC (without it the MSS
    on this lo would be 65495 and no segment could exceed it, GSO packets
    being at most 64 KB); TCP then hands lo GSO packets of many MSS-sized
    segments, which the capture shows as single frames of up to ~64 KB, as
    a host capture on a NIC with TSO does.  Then the server answers and both
    close."""
    nft_reset()
    total, mss = 500 * 1024, 1460
    got = []
    th = upload_server(9200, total, got)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    c.bind((HOST4, 41500))
    c.settimeout(30)
    c.connect((HOST4, 9200))
    c.sendall(b"t" * total)
    c.recv(2)
    c.close()
    th.join(20)
    time.sleep(0.5)
    return {"scenario": "offload", "bytes": total, "received": got[0] if got else None,
            "client_tcp_maxseg": mss, "lo": "namespace defaults (MTU 65536, TSO/GSO/GRO on)",
            "client_port": 41500, "server_port": 9200}


def appidle():
    """An application-limited connection to port 9350: a 100-byte request
    answered by 1000 bytes, then 3 s of silence (no keep-alives: SO_KEEPALIVE
    off), a second 100-byte request answered by 1000 bytes, then the client
    closes and the server closes after reading EOF."""
    nft_reset()
    srv = listener(9350)
    idle = 3.0

    def serve():
        c, _ = srv.accept()
        while True:
            d = recv_exact(c, 100)
            if len(d) < 100:
                break
            c.sendall(b"R" * 1000)
        c.close()
    th = bg(serve)
    c = client(9350, 41300)
    c.sendall(b"q" * 100)
    a = len(recv_exact(c, 1000))
    time.sleep(idle)
    c.sendall(b"q" * 100)
    b = len(recv_exact(c, 1000))
    c.close()
    th.join(5)
    time.sleep(0.5)
    return {"scenario": "appidle", "rounds": 2, "request_bytes": 100, "answer_bytes": 1000,
            "answers_received": [a, b], "idle_s": idle, "keepalive": False,
            "client_port": 41300, "server_port": 9350, "closed_by": "client"}


# === wire scenarios ========================================================
# Two network namespaces joined by shared/lab/wire.py (two TUN devices, wa =
# 10.9.0.1 in namespace A, wb = 10.9.0.2 in namespace B, a user-space forwarder
# with delay, loss, targeted drops, rate limit, CE marks on the A->B
# direction).  Run as  python3 scenarios.py --wire OUTDIR NAME  in the root
# namespace (tests/lab/record_wire.sh does that): this process makes the
# namespaces, starts wire.py and the tcpdumps (on wa and/or wb, raw IPv4, 0
# packets dropped by the kernel required), opens its sockets in either
# namespace by setns() around socket creation, and writes OUTDIR/CAPTURE.pcap
# and OUTDIR/CAPTURE.truth.json for each capture point of the scenario.

A_ADDR, B_ADDR = "10.9.0.1", "10.9.0.2"
CLONE_NEWNET = 0x40000000
TCP_CONGESTION, TCP_FASTOPEN = 13, 23
HERE = os.path.dirname(os.path.abspath(__file__))


def shared_dir():
    for d in (os.environ.get("TCPLENS_SHARED_DIR"), os.path.join(HERE, "..", "..", "..", "shared"),
              "/work/shared"):
        if d and os.path.exists(os.path.join(d, "lab", "wire.py")):
            return os.path.abspath(d)
    sys.exit("scenarios.py: shared/lab/wire.py not found (set TCPLENS_SHARED_DIR)")


class netns:
    """with netns(NAME): sockets created inside belong to namespace NAME (this
    thread only switches; the socket keeps its namespace afterwards)."""
    _libc = None

    def __init__(self, name):
        self.name = name
        if netns._libc is None:
            import ctypes
            netns._libc = ctypes.CDLL(None, use_errno=True)

    def _set(self, fd):
        if netns._libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError("setns " + self.name)

    def __enter__(self):
        self.orig = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        fd = os.open("/var/run/netns/" + self.name, os.O_RDONLY)
        try:
            self._set(fd)
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        self._set(self.orig)
        os.close(self.orig)


def read_pcap(path):
    """The TCP segments of a pcap (raw IPv4 or Ethernet/IPv4 link types) as
    dicts: t, src, sport, dst, dport, seq, ack, flags, plen, ecn, win, opts."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    link = struct.unpack_from(e + "I", data, 20)[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from(e + "IIII", data, off)
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if link == 1:
            pkt = pkt[14:]
        if len(pkt) < 40 or pkt[0] >> 4 != 4 or pkt[9] != 6:
            continue
        ihl = (pkt[0] & 15) * 4
        tot = struct.unpack_from("!H", pkt, 2)[0]
        sp, dp, seq, ack, doff, flags, win = struct.unpack_from("!HHIIBBH", pkt, ihl)
        doff = (doff >> 4) * 4
        out.append(dict(t=sec + frac / (1e9 if nano else 1e6), src=socket.inet_ntoa(pkt[12:16]),
                        dst=socket.inet_ntoa(pkt[16:20]), sport=sp, dport=dp, seq=seq, ack=ack,
                        flags=flags, plen=tot - ihl - doff, ecn=pkt[1] & 3, win=win,
                        opts=pkt[ihl + 20:ihl + doff]))
    return out


def tcp_opts(opts):
    """{kind: bytes} of a TCP option block."""
    res, i = {}, 0
    while i < len(opts):
        k = opts[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        res[k] = opts[i + 2:i + opts[i + 1]]
        i += opts[i + 1]
    return res


def flow_stats(pkts, sport, dport):
    """Per-direction facts of the data direction sport -> dport (sequence
    numbers relative to the ISN when the SYN is captured, else to the first
    segment): data segments, resent segments (starting below the highest
    sequence sent before), flight samples (highest sent - latest ACK, taken
    at each data segment), long gaps between data segments."""
    data = [p for p in pkts if p["sport"] == sport and p["dport"] == dport]
    acks = [p for p in pkts if p["sport"] == dport and p["dport"] == sport]
    syn = [p for p in data if p["flags"] & 2]
    # relative sequence numbers as tshark shows them: the first payload byte is 1
    base = syn[0]["seq"] if syn else (data[0]["seq"] - 1 if data else 0)
    rel = lambda x: (x - base) % (1 << 32)
    ev = sorted([(p["t"], 0, p) for p in data] + [(p["t"], 1, p) for p in acks], key=lambda x: (x[0], x[1]))
    hi, una, flights, resent, segs, prev_t, gaps = None, None, [], [], 0, None, []
    rsyn = [p for p in acks if p["flags"] & 2]      # the receiver's SYN or SYN-ACK
    wscale = None
    if rsyn and syn:
        o = tcp_opts(rsyn[0]["opts"])
        wscale = o[3][0] if 3 in o and 3 in tcp_opts(syn[0]["opts"]) else 0
    rwnds, sack_max, holes_max, board = [], 0, 0, []   # board: SACKed ranges above una
    for t, kind, p in ev:
        if kind == 1:
            if p["flags"] & 0x10:
                a = rel(p["ack"])
                if a < (1 << 31) and (una is None or a > una):
                    una = a
                if wscale is not None and not p["flags"] & 2:
                    rwnds.append(p["win"] << wscale)
                o = tcp_opts(p["opts"])
                if 5 in o:
                    blocks = sorted((rel(x), rel(y)) for x, y in struct.iter_unpack("!II", o[5]))
                    blocks = [b for b in blocks if una is None or b[0] > una]    # not D-SACK
                    sack_max = max(sack_max, len(blocks))
                    board = board + blocks
                if board and una is not None:
                    merged = []
                    for x, y in sorted((max(x, una), y) for x, y in board if y > una):
                        if merged and x <= merged[-1][1]:
                            merged[-1] = (merged[-1][0], max(merged[-1][1], y))
                        else:
                            merged.append((x, y))
                    board = merged
                    # each SACKed range above una has a hole (unSACKed, unACKed bytes) before it
                    holes_max = max(holes_max, len(board))
            continue
        if p["plen"] <= 0:
            continue
        s, end = rel(p["seq"]), rel(p["seq"]) + p["plen"]
        segs += 1
        if hi is not None and s < hi:
            resent.append(dict(t=round(t, 6), rel_seq=s, len=p["plen"],
                               after_s=round(t - prev_t, 6) if prev_t else None))
        if prev_t is not None and t - prev_t > 0.1:
            gaps.append(dict(at=round(t, 6), gap_s=round(t - prev_t, 6), rel_seq=s))
        hi = end if hi is None else max(hi, end)
        if una is not None:
            flights.append(hi - una)
        prev_t = t
    return dict(data_segments=segs, resent=resent, flights=flights, gaps=gaps, rwnds=rwnds,
                wscale=wscale, sack_blocks_max=sack_max, sack_holes_max=holes_max,
                first_t=data[0]["t"] if data else None, last_t=data[-1]["t"] if data else None)


def percentile(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * (len(xs) - 1) + 0.5))]


def sock_info(s):
    """A few fields of struct tcp_info: the kernel's own counts."""
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
    u = lambda off: struct.unpack_from("I", b, off)[0]
    return {"snd_wscale": b[6] & 15, "rcv_wscale": b[6] >> 4, "snd_mss": u(16), "rtt_us": u(68),
            "snd_cwnd": u(80), "total_retrans": u(100), "rto_us": u(8)}


def tshark_count(pcap, filt):
    r = subprocess.run(["tshark", "-n", "-r", pcap, "-Y", filt, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, check=True)
    return len([l for l in r.stdout.splitlines() if l.strip()])


class WireLab:
    """Namespaces A and B, wire.py between them, tcpdumps on wa / wb."""

    def __init__(self, outdir, wire_args):
        self.outdir = outdir
        tag = "%d" % os.getpid()
        self.a, self.b = "labwa" + tag, "labwb" + tag
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "add", ns], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        self.log = os.path.join(outdir, ".wire-%s.jsonl" % tag)
        self.wire_args = wire_args
        self.wire = subprocess.Popen([sys.executable, os.path.join(shared_dir(), "lab", "wire.py"),
                                      "--ns-a", self.a, "--ns-b", self.b, "--log", self.log] + wire_args,
                                     stdout=subprocess.PIPE, text=True)
        if self.wire.stdout.readline().strip() != "ready":
            raise RuntimeError("wire.py did not start")
        self.caps = []
        time.sleep(0.3)

    def ns(self, side):
        return netns(self.a if side == "A" else self.b)

    def sysctl(self, side, name, value):
        subprocess.run(["ip", "netns", "exec", self.a if side == "A" else self.b, "sysctl", "-qw",
                        "%s=%s" % (name, value)], check=True)

    def ip(self, side, *args):
        subprocess.run(["ip", "-n", self.a if side == "A" else self.b] + list(args), check=True)

    def capture(self, dev, name):
        """Start tcpdump on dev (wa in A, wb in B) into OUTDIR/name.pcap."""
        ns = self.a if dev == "wa" else self.b
        path = os.path.join(self.outdir, name + ".pcap")
        err = path + ".tcpdump.log"
        p = subprocess.Popen(["ip", "netns", "exec", ns, "tcpdump", "-i", dev, "--immediate-mode",
                              "-s", "2000", "-Z", "root", "-w", path, "tcp"], stderr=open(err, "w"))
        for _ in range(100):
            time.sleep(0.05)
            if "listening on" in open(err).read():
                break
        self.caps.append(dict(dev=dev, name=name, path=path, err=err, proc=p))
        return path

    def stop_captures(self):
        time.sleep(0.5)
        for c in self.caps:
            c["proc"].send_signal(2)
        for c in self.caps:
            c["proc"].wait(10)
            log = open(c["err"]).read()
            m = [l for l in log.splitlines() if "dropped by kernel" in l]
            c["kernel_drops"] = int(m[0].split()[0]) if m else None
            c["tcpdump_stderr"] = log.strip().splitlines()[-3:]
            os.unlink(c["err"])

    def close(self):
        self.wire.send_signal(2)
        self.wire.wait(10)
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "del", ns])
        self.events = [json.loads(l) for l in open(self.log) if l.strip()]
        os.unlink(self.log)
        return self.events

    def drops(self):
        return [e for e in self.events if "drop" in e]


def connect_from(lab, side, dst, port, sport, cc=None, sndbuf=None, timeout=30):
    with lab.ns(side):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if cc:
        c.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, cc.encode())
    if sndbuf:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    c.bind((A_ADDR if side == "A" else B_ADDR, sport))
    c.settimeout(timeout)
    c.connect((dst, port))
    return c


def listen_in(lab, side, port, cc=None, fastopen=0):
    with lab.ns(side):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if cc:
        s.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, cc.encode())
    if fastopen:
        s.setsockopt(socket.IPPROTO_TCP, TCP_FASTOPEN, fastopen)
    s.bind((A_ADDR if side == "A" else B_ADDR, port))
    s.listen(16)
    return s


def upload(lab, port, cport, total, cc="cubic", sndbuf=None):
    """Client in A uploads `total` bytes to a server in B that answers OK;
    returns the transfer time, bytes received and the client's tcp_info."""
    srv = listen_in(lab, "B", port)
    got = []

    def serve():
        c, _ = srv.accept()
        n = 0
        while n < total:
            d = c.recv(65536)
            if not d:
                break
            n += len(d)
        c.sendall(b"OK")
        recv_all(c)
        c.close()
        got.append(n)
    th = bg(serve)
    c = connect_from(lab, "A", B_ADDR, port, cport, cc=cc, sndbuf=sndbuf)
    info = {}
    if sndbuf:
        info["sndbuf_requested"] = sndbuf
        info["sndbuf_effective"] = c.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    t0 = time.time()
    c.sendall(b"u" * total)
    assert recv_exact(c, 2) == b"OK"
    info["transfer_s"] = round(time.time() - t0, 3)
    info["sender_tcp_info"] = sock_info(c)
    c.close()
    th.join(30)
    srv.close()
    info["received"] = got[0] if got else None
    return info


def stats_truth(pcap, sport, dport, receiver_side=False):
    fs = flow_stats(read_pcap(pcap), sport, dport)
    fl, rw = fs["flights"], fs["rwnds"]
    extra = {"flight_note": "captured at the receiver: flight_bytes_* are highest sequence arrived - "
                            "latest ACK sent there, NOT the sender's flight"} if receiver_side else {}
    return fs, {**extra, "data_segments": fs["data_segments"], "resent_segments_in_capture": len(fs["resent"]),
                "flight_bytes_median": percentile(fl, 0.5), "flight_bytes_p90": percentile(fl, 0.9),
                "flight_bytes_max": max(fl) if fl else None,
                "rwnd_bytes_median": percentile(rw, 0.5), "rwnd_bytes_min": min(rw) if rw else None,
                "data_duration_s": round(fs["last_t"] - fs["first_t"], 6) if fs["first_t"] else None}


def resend_rule(drop):
    return drop.get("drop", "")


def w_rtostall(lab, out):
    port, cport, total = 9401, 41401, 200 * 1024
    pcap = lab.capture("wa", "rtostall")
    info = upload(lab, port, cport, total)
    lab.stop_captures()
    lab.close()
    fs, st = stats_truth(pcap, cport, port)
    pk = read_pcap(pcap)
    isn = [p for p in pk if p["sport"] == cport and p["flags"] & 2][0]["seq"]
    last = [p for p in pk if p["sport"] == cport and p["plen"] > 0
            and (p["seq"] - isn) % (1 << 32) + p["plen"] - 1 >= total]
    t = [p["t"] for p in last]
    acks = [p["t"] for p in pk if p["sport"] == port and len(t) > 1 and p["t"] < t[1]]
    stalls = None
    if len(t) == 3:
        stalls = [dict(kind="tail-loss-probe", from_original_s=round(t[1] - t[0], 6),
                       from_last_ack_s=round(t[1] - acks[-1], 6)),
                  dict(kind="retransmission-timeout", from_tlp_s=round(t[2] - t[1], 6))]
    return {"rtostall": dict(
        scenario="rtostall", what="200 KB upload A->B over the wire; the segment holding the last byte "
        "is dropped twice (the original and its tail-loss probe); the RTO retransmission gets through",
        wire=lab.wire_args, rtt_ms=40, congestion_control="cubic (client socket)", sender="client (A)",
        capture="wa (sender side: the dropped transmissions are in the pcap)", client=A_ADDR,
        client_port=cport, server=B_ADDR, server_port=port, bytes=total, **info,
        wire_drops=lab.drops(), last_segment_transmissions=[round(x, 6) for x in t],
        resent=fs["resent"], **st, stalls=stalls,
        note="Linux arms the probe timeout at 2*SRTT + rto_min when one packet is in flight, capped "
             "at the RTO: the TLP leaves about one RTO after the last ACK, the RTO retransmission "
             "one (not yet backed-off) RTO after the TLP",
        expected_verdict="loss-limited", expected_causes=["tail-loss-probe", "retransmission-timeout"],
        expected_retransmissions=2, expected_tlp=1, expected_rto=1)}


def w_lossboth(lab, out):
    port, cport, total = 9402, 41402, 500 * 1024
    snd = lab.capture("wa", "lossboth_snd")
    rcv = lab.capture("wb", "lossboth_rcv")
    info = upload(lab, port, cport, total)
    lab.stop_captures()
    lab.close()
    drops = lab.drops()
    base = dict(what="ONE 500 KB upload A->B over 20+20 ms (RTT 40 ms) with 2 % seeded random loss of "
                "A->B data segments, captured at both ends at once (lossboth_snd on wa, lossboth_rcv on wb)",
                wire=lab.wire_args, rtt_ms=40, loss_pct=2, seed=5, congestion_control="cubic (client socket)",
                sender="client (A)", client=A_ADDR, client_port=cport, server=B_ADDR, server_port=port,
                bytes=total, **info, wire_dropped_segments=len(drops),
                wire_drops=[dict(t=d["t"], rel_seq=d["rel_seq"], len=d["len"]) for d in drops],
                expected_verdict="loss-limited")
    res = {}
    for name, pcap, where in (("lossboth_snd", snd, "wa (sender side: dropped originals are in the pcap)"),
                              ("lossboth_rcv", rcv, "wb (receiver side: dropped segments are missing)")):
        fs, st = stats_truth(pcap, cport, port, receiver_side=name.endswith("rcv"))
        res[name] = dict(scenario=name, capture=where, other_capture=[n for n in ("lossboth_snd", "lossboth_rcv")
                                                                       if n != name][0],
                         **base, **st)
        res[name]["expected_resends"] = ("every dropped segment is resent: %d resends at least (the sender's "
                                         "kernel counted %d retransmitted segments)"
                                         % (len(drops), info["sender_tcp_info"]["total_retrans"]))
    return res


def w_sndbuf(lab, out):
    port, cport, total = 9403, 41403, 300 * 1024
    # Each new skb of the write queue may grow to the device's gso_max_size
    # after the sk_sndbuf check (an untouched wa: 64 KB), so SO_SNDBUF alone
    # lets the flight reach ~94 KB; a 4096-byte gso_max_size keeps skbs at
    # <= 2 MSS and the send buffer a real limit.
    lab.ip("A", "link", "set", "wa", "gso_max_size", "4096")
    pcap = lab.capture("wa", "sndbuf")
    info = upload(lab, port, cport, total, sndbuf=16384)
    lab.stop_captures()
    lab.close()
    fs, st = stats_truth(pcap, cport, port)
    return {"sndbuf": dict(
        scenario="sndbuf", what="300 KB upload A->B over 20+20 ms (RTT 40 ms), no loss; the client sets "
        "SO_SNDBUF 16384 before connect() (the kernel doubles it); the receiver keeps default buffers "
        "(autotuned, window far above the flight); `ip link set wa gso_max_size 4096` in A so that "
        "the send buffer is not overshot by one 64 KB skb", gso_max_size_wa=4096, wire=lab.wire_args, rtt_ms=40,
        congestion_control="cubic (client socket)", sender="client (A)", capture="wa (sender side)",
        client=A_ADDR, client_port=cport, server=B_ADDR, server_port=port, bytes=total, **info, **st,
        wire_drops=lab.drops(),
        expected_rate_bytes_per_s=round(total / st["data_duration_s"]),
        expected_verdict="sender-limited",
        expected_reason="steady flight (median %d bytes) well below the receive window (median %d bytes); "
                        "no loss; the send buffer is the limit" % (st["flight_bytes_median"],
                                                                   st["rwnd_bytes_median"]))}


def w_cwndlock(lab, out):
    port, cport, total = 9404, 41404, 300 * 1024
    route = ["route", "replace", B_ADDR, "dev", "wa", "src", A_ADDR, "cwnd", "lock", "10"]
    lab.ip("A", *route)
    # The locked cwnd reaches a socket through its tcp_metrics entry
    # (tcp_init_metrics looks it up without creating it): a first connection
    # to 10.9.0.2 must close before the clamp applies.  That warm-up (20 KB
    # from port 41420) is not captured.
    warm = upload(lab, port, 41420, 20000)["sender_tcp_info"]
    time.sleep(0.3)
    pcap = lab.capture("wa", "cwndlock")
    info = upload(lab, port, cport, total)
    lab.stop_captures()
    lab.close()
    fs, st = stats_truth(pcap, cport, port)
    return {"cwndlock": dict(
        scenario="cwndlock", what="300 KB upload A->B over 20+20 ms (RTT 40 ms), no loss; in A the "
        "route to 10.9.0.2 via wa carries `cwnd lock 10` (snd_cwnd clamped at 10 segments)",
        route_command="ip -n A " + " ".join(route), wire=lab.wire_args, rtt_ms=40,
        warmup=dict(client_port=41420, bytes=20000, captured=False, snd_cwnd_at_end=warm["snd_cwnd"],
                    why="cwnd lock applies through the tcp_metrics entry the first connection's close creates"),
        congestion_control="cubic (client socket)", sender="client (A)", capture="wa (sender side)",
        client=A_ADDR, client_port=cport, server=B_ADDR, server_port=port, bytes=total, **info, **st,
        wire_drops=lab.drops(), mss=1448, expected_flight_bytes=10 * 1448,
        expected_rate_bytes_per_s=round(total / st["data_duration_s"]),
        expected_verdict="sender-limited",
        expected_reason="flight clamped at 10 x MSS = 14480 bytes, far below the receive window; no loss")}


def w_ecn(lab, out):
    port, cport, total = 9405, 41405, 300 * 1024
    for side in "AB":
        lab.sysctl(side, "net.ipv4.tcp_ecn", 1)
    pcap = lab.capture("wb", "ecn")
    info = upload(lab, port, cport, total)
    lab.stop_captures()
    lab.close()
    fs, st = stats_truth(pcap, cport, port, receiver_side=True)
    pk = read_pcap(pcap)
    ce = tshark_count(pcap, "ip.dsfield.ecn == 3")
    ece = sum(1 for p in pk if p["sport"] == port and p["flags"] & 0x40 and not p["flags"] & 2)
    cwr = sum(1 for p in pk if p["sport"] == cport and p["flags"] & 0x80 and not p["flags"] & 2)
    marks = [e for e in lab.events if e.get("ce")]
    return {"ecn": dict(
        scenario="ecn", what="300 KB upload A->B over 20+20 ms (RTT 40 ms), no loss; ECN negotiated "
        "(net.ipv4.tcp_ecn=1 in both namespaces); wire.py CE-marks 5 % of ECT data packets A->B",
        wire=lab.wire_args, rtt_ms=40, ce_pct=5, seed=3, congestion_control="cubic (client socket)",
        sender="client (A)", capture="wb (receiver side: the CE marks are applied by the wire, after wa)",
        client=A_ADDR, client_port=cport, server=B_ADDR, server_port=port, bytes=total, **info, **st,
        wire_drops=lab.drops(), wire_ce_marked=len(marks), ce_frames_in_capture=ce,
        ece_frames=ece, cwr_frames=cwr,
        expected_verdict="ecn-limited",
        expected_reason="no loss; CE marks echoed (ECE) and answered by CWR: the sender's window is cut "
                        "by congestion signals, not drops")}


def w_midstream(lab, out):
    port, cport, total, late = 80, 41406, 350 * 1024, 0.5
    srv = listen_in(lab, "A", port, cc="cubic")
    holder = {}

    def serve():
        c, _ = srv.accept()
        recv_exact(c, 4)
        hdr = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % total
        c.sendall(hdr + b"m" * total)
        holder["hdr"] = len(hdr)
        recv_all(c)
        holder["info"] = sock_info(c)
        c.close()
    th = bg(serve)
    c = connect_from(lab, "B", A_ADDR, port, cport)
    t0 = time.time()
    started = {}

    def late_capture():
        time.sleep(late)
        started["t"] = time.time()
        lab.capture("wa", "midstream")
    cth = bg(late_capture)
    c.sendall(b"GET /big HTTP/1.1\r\nHost: 10.9.0.1\r\n\r\n")
    want = total + 38
    got = 0
    while got < want:
        d = c.recv(65536)
        if not d:
            break
        got += len(d)
    took = time.time() - t0
    cth.join()
    c.close()
    th.join(10)
    lab.stop_captures()
    lab.close()
    pcap = os.path.join(out, "midstream.pcap")
    fs, st = stats_truth(pcap, port, cport)
    pk = read_pcap(pcap)
    drops = lab.drops()
    return {"midstream": dict(
        scenario="midstream", what="a 350 KB HTTP-like download from a server on port 80 in A to a "
        "client in B, 20+20 ms delay, A->B rate-limited to 2 Mbit/s with a 40-packet queue and 1.5 %% "
        "seeded random loss; tcpdump on wa started %.1f s after connect(): no handshake, no request, "
        "no response header in the pcap" % late,
        wire=lab.wire_args, rtt_ms=40, congestion_control="cubic (server socket)",
        sender="server (A, port 80)", receiver="client (B)", server=A_ADDR, server_port=port,
        client=B_ADDR, client_port=cport, capture="wa (the server's side), started late",
        capture_started_after_connect_s=round(started["t"] - t0, 3), bytes=total,
        response_header_bytes=holder.get("hdr"), received=got, transfer_s=round(took, 3),
        sender_tcp_info=holder.get("info"),
        handshake_captured=any(p["flags"] & 2 for p in pk), window_scale_in_capture="unknown (no SYN)",
        true_window_scales={"server_snd_wscale": holder["info"]["snd_wscale"],
                            "server_rcv_wscale": holder["info"]["rcv_wscale"]} if holder.get("info") else None,
        wire_dropped_segments=len(drops),
        wire_drops_random=sum(1 for d in drops if d["drop"] == "random"),
        wire_drops_queue=sum(1 for e in lab.events if e.get("drop") == "queue full"),
        wire_drops_in_capture=sum(1 for d in drops if d["epoch"] >= started["t"]),
        **st, expected_server_side="10.9.0.1:80 (sends the data)", expected_handshake="none captured",
        expected_window_scale="unknown",
        expected_verdict="loss-limited",
        expected_reason="the sender keeps the 2 Mbit/s bottleneck queue full; losses (random and queue "
                        "tail drops) and their recoveries are what the capture shows")}


def w_sackholes(lab, out):
    port, cport, total = 9407, 41407, 200 * 1024
    segs = [45, 48, 51, 54]    # 1-based data segment numbers of one flight (MSS 1448)
    pcap = lab.capture("wa", "sackholes")
    info = upload(lab, port, cport, total)
    lab.stop_captures()
    lab.close()
    fs, st = stats_truth(pcap, cport, port)
    return {"sackholes": dict(
        scenario="sackholes", what="200 KB upload A->B over 20+20 ms (RTT 40 ms); wire.py drops once "
        "each of data segments %s (the 4th flight of slow start), SACK on: four holes at once" % segs,
        wire=lab.wire_args, rtt_ms=40, congestion_control="cubic (client socket)", sender="client (A)",
        capture="wa (sender side: the dropped originals are in the pcap)", client=A_ADDR,
        client_port=cport, server=B_ADDR, server_port=port, bytes=total, **info, **st,
        dropped_segments=segs, wire_drops=lab.drops(), resent=fs["resent"],
        sack_blocks_max_per_ack=fs["sack_blocks_max"], sack_holes_max=fs["sack_holes_max"],
        expected_holes=4, expected_resent_segments=4,
        expected_verdict="loss-limited",
        note="with timestamps an ACK carries at most 3 SACK blocks: the 4 holes are known to the "
             "sender's scoreboard, not shown in one ACK")}


def w_fastopen(lab, out):
    port, cport = 9408, 41408
    for side in "AB":
        lab.sysctl(side, "net.ipv4.tcp_fastopen", 3)
    srv = listen_in(lab, "B", port, fastopen=16)
    answers = []

    def serve():
        for _ in range(2):
            c, _ = srv.accept()
            d = c.recv(1000)
            answers.append(len(d))
            c.sendall(b"R" * 2000)
            recv_all(c)
            c.close()
    th = bg(serve)
    pcap = lab.capture("wa", "fastopen")
    req = [b"GET /first HTTP/1.1 " + b"q" * 180, b"GET /second HTTP/1.1 " + b"q" * 279]
    for i, r in enumerate(req):
        with lab.ns("A"):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((A_ADDR, cport + i))
        c.sendto(r, socket.MSG_FASTOPEN, (B_ADDR, port))    # blocking: connects, sends
        c.settimeout(10)
        recv_exact(c, 2000)
        c.close()
        time.sleep(0.3)
    th.join(10)
    lab.stop_captures()
    lab.close()
    pk = read_pcap(pcap)
    conns = []
    for i in range(2):
        syn = [p for p in pk if p["sport"] == cport + i and p["flags"] & 0x12 == 2]
        sa = [p for p in pk if p["dport"] == cport + i and p["flags"] & 0x12 == 0x12]
        so = tcp_opts(syn[0]["opts"]) if syn else {}
        ao = tcp_opts(sa[0]["opts"]) if sa else {}
        conns.append(dict(client_port=cport + i, request_bytes=len(req[i]),
                          syn_payload_bytes=syn[0]["plen"] if syn else None,
                          syn_fastopen_option=("cookie %d bytes" % len(so[34]) if so.get(34) else
                                               "cookie request (empty)") if 34 in so else None,
                          synack_fastopen_option=("cookie %d bytes" % len(ao[34]) if ao.get(34) else "empty")
                          if 34 in ao else None,
                          synack_acks_syn_data=(sa[0]["ack"] - syn[0]["seq"] - 1) % (1 << 32) if syn and sa else None))
    return {"fastopen": dict(
        scenario="fastopen", what="TCP Fast Open (net.ipv4.tcp_fastopen=3 in both namespaces, listener "
        "TCP_FASTOPEN 16) over 20+20 ms: connection 1 (client port %d) sendto(MSG_FASTOPEN) without a "
        "cookie: SYN with a cookie request, the data after the handshake; connection 2 (port %d) with "
        "the cookie: the request rides in the SYN and the server's SYN-ACK acknowledges it"
        % (cport, cport + 1), wire=lab.wire_args, rtt_ms=40, congestion_control="bbr (kernel default)",
        sender="client (A) requests, server (B) answers 2000 bytes", capture="wa (client side)",
        client=A_ADDR, server=B_ADDR, server_port=port, connections=conns,
        server_received_first_read=answers,
        expected_syn_data_bytes=len(req[1]), expected_server_accepted_syn_data=True,
        expected_verdict="application-limited",
        expected_reason="two short request/response exchanges, no loss; the second one saves a round "
                        "trip because its request rides in the SYN")}


def w_tlptail(lab, out):
    port, cport = 9409, 41409
    sizes = [5000, 10000]
    srv = listen_in(lab, "A", port, cc="cubic")
    holder = {}

    def serve():
        c, _ = srv.accept()
        for n in sizes:
            recv_exact(c, 100)
            c.sendall(b"T" * n)
        recv_all(c)
        holder["info"] = sock_info(c)
        c.close()
    th = bg(serve)
    pcap = lab.capture("wa", "tlptail")
    c = connect_from(lab, "B", A_ADDR, port, cport)
    for n in sizes:
        c.sendall(b"r" * 100)
        recv_exact(c, n)
        time.sleep(0.2)
    c.close()
    th.join(10)
    lab.stop_captures()
    lab.close()
    fs, st = stats_truth(pcap, port, cport)
    return {"tlptail": dict(
        scenario="tlptail", what="two 100-byte requests from a client in B, answered by 5000 and "
        "10000 bytes from a server in A (port %d), 20+20 ms; the last segment of the second answer "
        "(holding answer byte 15000) is dropped once: the tail-loss probe resends it, no RTO" % port,
        wire=lab.wire_args, rtt_ms=40, congestion_control="cubic (server socket)",
        sender="server (A)", capture="wa (sender side: the dropped original is in the pcap)",
        server=A_ADDR, server_port=port, client=B_ADDR, client_port=cport, answer_bytes=sizes,
        sender_tcp_info=holder.get("info"), wire_drops=lab.drops(), resent=fs["resent"], **st,
        expected_retransmissions=1, expected_tlp=1, expected_rto=0,
        expected_causes=["tail-loss-probe"], tlp_wait_s=fs["resent"][0]["after_s"] if fs["resent"] else None,
        expected_verdict="loss-limited",
        expected_reason="request/response with 200 ms client pauses; the second answer's last segment is "
                        "lost and only the tail-loss probe (about 2*SRTT + 200 ms later, one packet in "
                        "flight) delivers it: that probe wait is most of the second answer's time")}


WIRE = {
    "rtostall": (w_rtostall, ["--delay-ab", "20", "--delay-ba", "20", "--drop-ab-bytes", "%d:2" % (200 * 1024)]),
    "lossboth": (w_lossboth, ["--delay-ab", "20", "--delay-ba", "20", "--loss-ab", "2", "--seed", "5"]),
    "sndbuf": (w_sndbuf, ["--delay-ab", "20", "--delay-ba", "20"]),
    "cwndlock": (w_cwndlock, ["--delay-ab", "20", "--delay-ba", "20"]),
    "ecn": (w_ecn, ["--delay-ab", "20", "--delay-ba", "20", "--ce-ab", "5", "--seed", "3"]),
    "midstream": (w_midstream, ["--delay-ab", "20", "--delay-ba", "20", "--rate-ab", "2", "--qlen-ab", "40",
                                "--loss-ab", "1.5", "--seed", "7"]),
    "sackholes": (w_sackholes, ["--delay-ab", "20", "--delay-ba", "20", "--drop-ab-bytes",
                                ",".join("%d:1" % (1448 * (k - 1) + 700) for k in (45, 48, 51, 54))]),
    "fastopen": (w_fastopen, ["--delay-ab", "20", "--delay-ba", "20"]),
    "tlptail": (w_tlptail, ["--delay-ab", "20", "--delay-ba", "20", "--drop-ab-bytes", "15000:1"]),
}


def run_wire(outdir, name):
    fn, args = WIRE[name]
    lab = WireLab(outdir, args)
    try:
        truths = fn(lab, outdir)
    finally:
        if lab.wire.poll() is None:
            lab.stop_captures() if any("kernel_drops" not in c for c in lab.caps) else None
            lab.close()
    for c in lab.caps:
        t = truths[c["name"]]
        t["tcpdump_kernel_drops"] = c["kernel_drops"]
        if c["kernel_drops"] != 0:
            sys.exit("%s: tcpdump dropped %s packets" % (c["name"], c["kernel_drops"]))
        with open(os.path.join(outdir, c["name"] + ".truth.json"), "w") as f:
            f.write(json.dumps(t) + "\n")
        print(c["name"])


if __name__ == "__main__":
    if sys.argv[1] == "--wire":
        run_wire(sys.argv[2], sys.argv[3])
    else:
        print(json.dumps(globals()[sys.argv[1]]()))
