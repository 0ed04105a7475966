"""smtp_lifecycle -- the phases of smtp_checks.py that need a daemon of
their own: "tls" (STARTTLS with Python ssl and swaks, the CVE-2011-0411
injection, max_recipients 20, constant memory for a big message),
"sigterm" (421 4.3.2 to open sessions, a client that never reads) and
"freespace" (the free-space floor, max_connections, nothing lost across
the restarts).
"""
import os
import re
import signal
import socket
import subprocess
import threading
import time

from smtp_fixture import (ACKED, HOST, MAIL_A, PID, RCPT_A, acked, msg,
                          rcpts_of, received_split)
from smtpwire import (Fail, Session, check, db_rows, enhanced_codes_ok,
                      nothing_queued, poll, queued_id, spool_path,
                      spool_state, stuff, want)


# ---- STARTTLS ---------------------------------------------------------

def t_tls_offer():
    with Session() as s:
        r = s.ehlo()
        if "STARTTLS" not in r.lines[1:]:
            raise Fail("EHLO %s" % r)
        s.quit()


def t_tls_injection():
    with Session() as s:
        s.ehlo()
        s.send(b"STARTTLS\r\nRSET\r\n")
        want(s.reply(), 220, "2.0.0", "STARTTLS")
        s.starttls()
        r = s.cmd("EHLO client.example", "ehlo")
        if r.code != 250 or r.text.split()[0] != HOST:
            raise Fail("first reply inside TLS is %s, not the EHLO reply "
                       "(the RSET sent in clear was answered)" % r)
        want(s.cmd("NOOP"), 250, "2.0.0")
        s.quit()


def t_tls_state():
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<a@client.example>"), 250, "2.1.0")
        want(s.cmd("STARTTLS"), 503, "5.5.1", "STARTTLS inside a "
             "transaction")
        want(s.cmd("RSET"), 250, "2.0.0")
        want(s.cmd("STARTTLS"), 220, "2.0.0")
        s.starttls()
        want(s.cmd("MAIL FROM:<a@client.example>"), 503, "5.5.1",
             "MAIL before EHLO inside TLS")
        r = s.ehlo()
        if any(k.upper().startswith("STARTTLS") for k in r.lines):
            raise Fail("STARTTLS offered again inside TLS")
        r = s.cmd("STARTTLS")
        if r.code not in (502, 503) or r.enh != "5.5.1":
            raise Fail("second STARTTLS: %s" % r)
        s.quit()


def t_tls_python():
    with Session() as s:
        s.ehlo()
        want(s.cmd("STARTTLS"), 220, "2.0.0")
        s.starttls()
        s.ehlo()
        qid = acked(queued_id(s.mail("tls@client.example",
                                     ["user@plain.example"], msg("tls"))))
        s.quit()
    with open(spool_path(qid), "rb") as f:
        hdr = received_split(f.read())[0]
    if b"with ESMTPS" not in hdr:
        raise Fail("Received: does not say ESMTPS: %r" % hdr)
    return qid


def t_tls_swaks():
    sup = subprocess.run(["swaks", "--support"], capture_output=True,
                         text=True)
    if "=== TLS supported" not in sup.stdout + sup.stderr:
        raise Fail("swaks cannot do TLS here (it needs the Debian package "
                   "libnet-ssleay-perl)")
    p = subprocess.run(["swaks", "--server", "127.0.0.1", "--port",
                        os.environ["BMX_PORT"], "--tls", "--helo",
                        "client.example", "--from", "swaks@client.example",
                        "--to", "user@plain.example", "--timeout", "10",
                        "--body", "sent by swaks over TLS"],
                       capture_output=True, text=True, timeout=30)
    m = re.search(r"250 2\.0\.0 Ok: queued as ([0-9A-V]{16})", p.stdout)
    if p.returncode != 0 or not m:
        raise Fail("swaks status %d: %s" % (p.returncode, (p.stdout +
                                                          p.stderr)[-300:]))
    acked(m.group(1))
    if not db_rows("SELECT 1 FROM queue_message WHERE id = ?",
                   (m.group(1),)):
        raise Fail("no queue row for %s" % m.group(1))
    return m.group(1)


def t_tls_garbage():
    with Session() as s:
        s.ehlo()
        want(s.cmd("STARTTLS"), 220, "2.0.0")
        s.send(b"EHLO this is not a TLS handshake\r\n" * 4)
        if not s.eof(10):
            raise Fail("connection still open after a broken handshake")
    with Session() as s:
        want(s.greeting, 220, what="next session")
        s.quit()


def t_tls_pipelined_ehlo():
    with Session() as s:
        s.send(b"EHLO client.example\r\nSTARTTLS\r\n")
        want(s.reply("ehlo"), 250, what="EHLO")
        want(s.reply(), 220, "2.0.0", "STARTTLS")
        s.starttls()
        s.ehlo()
        s.quit()


def t_many_rcpts():
    rc = ["m%02d@plain.example" % i for i in range(20)]
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<many20@client.example>"), 250, "2.1.0")
        for a in rc[:10] + ["m00@plain.example"] + rc[10:]:	# a repeat
            want(s.cmd("RCPT TO:<%s>" % a), 250, "2.1.5", a)
        want(s.cmd("RCPT TO:<m20@plain.example>"), 452, "4.5.3", "21st")
        want(s.cmd("DATA"), 354)
        s.send(stuff(msg("twenty")) + b".\r\n")
        qid = acked(queued_id(s.reply()))
        s.quit()
    if rcpts_of(qid) != rc:
        raise Fail("queued recipients %s" % rcpts_of(qid))


def vm(key):
    with open("/proc/%d/status" % PID) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise Fail("no %s in /proc/%d/status" % (key, PID))


def t_big_message():
    size = 20 * 1000 * 1000
    line = b"m" * 998 + b"\r\n"
    data = msg("big") + line * (size // len(line))
    before = vm("VmHWM")
    with Session() as s:
        s.ehlo()
        qid = acked(queued_id(s.mail("big@client.example",
                                     ["user@plain.example"], data,
                                     stuffed=True)))
        s.quit()
    grew = vm("VmHWM") - before
    if os.path.getsize(spool_path(qid)) < len(data):
        raise Fail("spool file shorter than the message")
    if grew > 16 * 1024 * 1024:
        raise Fail("peak RSS grew by %d MB for a %d MB message" %
                   (grew >> 20, len(data) // 1000000))
    return "peak RSS grew %d kB for %d MB" % (grew >> 10,
                                              len(data) // 1000000)


def phase_tls():
    check("EHLO offers STARTTLS with a certificate", t_tls_offer)
    check("STARTTLS: a command pipelined after it in clear is never "
          "answered (CVE-2011-0411)", t_tls_injection)
    check("STARTTLS: refused in a transaction; state reset; not offered or "
          "accepted again", t_tls_state)
    check("STARTTLS pipelined after EHLO (last of its group) works",
          t_tls_pipelined_ehlo)
    check("message over STARTTLS (Python ssl) queued, Received: ESMTPS",
          t_tls_python)
    check("swaks --tls delivers a message", t_tls_swaks)
    check("garbage instead of a TLS handshake: closed; the relay goes on",
          t_tls_garbage)
    check("a 20 MB message is queued; the relay's peak RSS does not grow "
          "with it", t_big_message)
    check("max_recipients = 20: twenty distinct recipients queued (a repeat "
          "is not counted), the next 452 4.5.3", t_many_rcpts)
    check("every reply but greeting and EHLO/HELO has an enhanced status "
          "code of its class (TLS)", enhanced_codes_ok)


# ---- SIGTERM ----------------------------------------------------------

def flooder():
    """A client that sends EHLOs (a long reply each) and never reads:
    the relay ends up blocked writing replies to it.  Returns (socket,
    stuck event)."""
    f = socket.socket()
    f.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    f.connect(("127.0.0.1", int(os.environ["BMX_PORT"])))
    f.settimeout(0.5)
    stuck = threading.Event()

    def run():
        chunk = b"EHLO flood.example\r\n" * 1000
        try:
            while True:
                f.sendall(chunk)
        except socket.timeout:
            stuck.set()
        except OSError:
            pass
    threading.Thread(target=run, daemon=True).start()
    return f, stuck


def daemon_gone():
    try:
        with open("/proc/%d/stat" % PID) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def t_sigterm_flooder(state):
    if not state.get("stuck"):
        raise Fail("the flooding client never got stuck")
    v, took = poll(daemon_gone, 15, 0.1)
    if not v:
        raise Fail("the relay still runs 15 s after SIGTERM")
    return "gone after %.1f s" % took


def t_sigterm(state):
    before = spool_state()
    flood, stuck = flooder()
    state["flood"] = flood
    state["stuck"] = stuck.wait(20)
    idle, tls, data = Session(), Session(), Session()
    try:
        idle.ehlo()
        tls.ehlo()
        want(tls.cmd("STARTTLS"), 220, "2.0.0")
        tls.starttls()
        tls.ehlo()
        data.ehlo()
        want(data.cmd(MAIL_A[0]), 250, "2.1.0")
        want(data.cmd(RCPT_A[0]), 250, "2.1.5")
        want(data.cmd("DATA"), 354)
        data.send(b"Subject: cut short\r\n\r\nhalf a line")
        time.sleep(0.2)		# let the relay read it
        os.kill(PID, signal.SIGTERM)
        state["killed"] = True
        for name, s in (("idle", idle), ("TLS", tls), ("in DATA", data)):
            s.sock.settimeout(15)
            want(s.reply(), 421, "4.3.2", name + " session")
            if not s.eof():
                raise Fail(name + " session left open")
    finally:
        for s in (idle, tls, data):
            s.close()
        if not state.get("killed"):	# the rest of the phase needs it
            os.kill(PID, signal.SIGTERM)
    nothing_queued(before)


def t_sigterm_listener():
    def refused():
        try:
            socket.create_connection(("127.0.0.1",
                                      int(os.environ["BMX_PORT"])), 2).close()
            return False
        except ConnectionRefusedError:
            return True
    if not poll(refused, 10, 0.1)[0]:
        raise Fail("still accepting connections 10 s after SIGTERM")


def phase_sigterm():
    state = {}
    check("SIGTERM: idle, TLS and DATA sessions get 421 4.3.2, nothing "
          "queued", t_sigterm, state)
    check("SIGTERM: the listener is closed", t_sigterm_listener)
    check("SIGTERM: a client that never reads its replies does not hold up "
          "the exit", t_sigterm_flooder, state)
    if "flood" in state:
        state["flood"].close()


# ---- free-space floor; nothing lost -----------------------------------

def t_freespace():
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<a@client.example>"), 452, "4.3.1")
        want(s.cmd("MAIL FROM:<> SIZE=10"), 452, "4.3.1")
        s.quit()


def t_nothing_lost():
    with open(ACKED) as f:
        ids = set(f.read().split())
    rows = {r[0] for r in db_rows("SELECT id FROM queue_message")}
    files = set(os.listdir(os.path.join(os.environ["BMX_SPOOL"], "queue")))
    if ids - rows or ids - files:
        raise Fail("acknowledged but lost: rows %s files %s"
                   % (sorted(ids - rows)[:3], sorted(ids - files)[:3]))
    if rows != files:
        raise Fail("rows and files differ: %s" % sorted(rows ^ files)[:5])
    return "%d messages" % len(ids)


def t_total_limit():
    held = []
    try:
        for src in ("127.0.0.21", "127.0.0.22"):
            for i in range(5):
                s = Session(src=src)
                held.append(s)
                want(s.greeting, 220, what="connection %d from %s" %
                     (i + 1, src))
        extra = Session(src="127.0.0.23")
        want(extra.greeting, 421, "4.7.0", "eleventh connection")
        if not extra.eof():
            raise Fail("eleventh connection left open")
        extra.close()
        for s in held:
            want(s.cmd("NOOP"), 250, "2.0.0", "held connection")
    finally:
        for s in held:
            s.close()


def phase_freespace():
    check("free space under min_free_space: MAIL 452 4.3.1", t_freespace)
    check("max_connections = 10: the eleventh connection (a third client) "
          "gets 421 4.7.0", t_total_limit)
    check("after the restarts every acknowledged message has its row and "
          "spool file, and nothing else is there", t_nothing_lost)
    check("every reply but greeting and EHLO/HELO has an enhanced status "
          "code of its class (floor)", enhanced_codes_ok)
