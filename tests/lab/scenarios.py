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


if __name__ == "__main__":
    print(json.dumps(globals()[sys.argv[1]]()))
