"""smtpwire -- a raw SMTP client for black-box tests of backupmxd.

Nothing here is lenient on purpose: replies must end in CRLF, carry one
code on every line, and are recorded (with what kind of reply they were)
so a test can check afterwards that every reply other than the greeting
and the EHLO/HELO answer has an enhanced status code (RFC 2034).

Also: the check runner that prints "ok - ..." / "not ok - ..." lines,
read-only access to the queue tables, and a look at the spool.
"""
import os
import re
import socket
import sqlite3
import ssl
import sys
import threading
import time
import traceback

CRLF = b"\r\n"
REPLIES = []		# (kind, Reply) of every reply any Session read
ENH = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})( |$)")
FAILED = [0]


class Fail(Exception):
    """A check's expectation did not hold; the message says how."""


class Reply:
    def __init__(self, code, lines, raw):
        self.code = code
        self.lines = lines	# text after "NNN-" / "NNN "
        self.raw = raw

    @property
    def text(self):
        return self.lines[0] if self.lines else ""

    @property
    def enh(self):
        m = ENH.match(self.text)
        return m.group(0).strip() if m else None

    def __str__(self):
        return " | ".join("%d %s" % (self.code, l) for l in self.lines)


def want(r, code, enh=None, what=""):
    """Raise Fail unless reply r has this code (and enhanced code)."""
    if r.code != code or (enh is not None and r.enh != enh):
        exp = "%d %s" % (code, enh or "")
        raise Fail("%sgot '%s', want '%s'" % (what + ": " if what else "",
                                              r, exp.strip()))
    return r


class Session:
    """One SMTP connection; reads the greeting unless greet=False."""

    def __init__(self, port=None, src=None, timeout=10, greet=True,
                 host="127.0.0.1"):
        port = port or int(os.environ["BMX_PORT"])
        self.sock = socket.create_connection(
            (host, port), timeout, source_address=(src, 0) if src else None)
        self.buf = b""
        self.greeting = self.reply("greeting") if greet else None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise Fail("connection closed by the server (unread: %r)"
                       % self.buf[:200])
        self.buf += data

    def line(self):
        while CRLF not in self.buf:
            if b"\n" in self.buf or len(self.buf) > 4096:
                raise Fail("reply line without CRLF: %r" % self.buf[:200])
            self._fill()
        ln, self.buf = self.buf.split(CRLF, 1)
        return ln

    def reply(self, kind="other"):
        lines, code = [], None
        while True:
            ln = self.line().decode("utf-8", "replace")
            m = re.match(r"^(\d{3})([ -])(.*)$", ln) or \
                re.match(r"^(\d{3})()()$", ln)
            if not m:
                raise Fail("malformed reply line %r" % ln)
            if code is not None and int(m.group(1)) != code:
                raise Fail("reply code changed inside a reply: %r" % ln)
            code = int(m.group(1))
            lines.append(m.group(3))
            if m.group(2) != "-":
                break
        r = Reply(code, lines, None)
        REPLIES.append((kind, r))
        return r

    def cmd(self, line, kind="other"):
        self.send(line + "\r\n")
        return self.reply(kind)

    def ehlo(self, name="client.example"):
        return want(self.cmd("EHLO " + name, "ehlo"), 250, what="EHLO")

    def eof(self, timeout=5):
        """Wait for the server to close; True when it did, False when it
        stayed open; Fail when it sent more."""
        self.sock.settimeout(timeout)
        try:
            data = self.buf or self.sock.recv(4096)
        except socket.timeout:
            return False
        except (ConnectionResetError, ssl.SSLError):
            return True
        if data:
            raise Fail("unexpected data instead of a close: %r" % data[:200])
        return True

    def quiet(self, wait=0.3):
        """Fail when the server sends anything within `wait` seconds."""
        if self.buf:
            raise Fail("unexpected extra reply: %r" % self.buf[:200])
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return
        finally:
            self.sock.settimeout(10)
        raise Fail("unexpected extra data: %r" % data[:200])

    def quit(self):
        want(self.cmd("QUIT"), 221, "2.0.0", "QUIT")
        if not self.eof():
            raise Fail("connection still open after QUIT")
        self.close()

    def starttls(self):
        """STARTTLS already answered 220: wrap the socket."""
        if self.buf:
            raise Fail("data after the 220 of STARTTLS: %r" % self.buf)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.sock = ctx.wrap_socket(self.sock,
                                    server_hostname="mx.test.example")

    def mail(self, sender, rcpts, data, params="", stuffed=False):
        """A whole transaction: MAIL, RCPTs (each must get 250), DATA,
        the text (dot-stuffed here unless stuffed) and the final dot.
        Returns the reply to the final dot."""
        want(self.cmd("MAIL FROM:<%s>%s" % (sender, params)), 250, "2.1.0",
             "MAIL")
        for rc in rcpts:
            want(self.cmd("RCPT TO:<%s>" % rc), 250, "2.1.5", "RCPT " + rc)
        want(self.cmd("DATA"), 354, what="DATA")
        self.send((data if stuffed else stuff(data)) + b".\r\n")
        return self.reply()


def stuff(text):
    """Dot-stuff CRLF text (RFC 5321 4.5.2); text ends with CRLF."""
    return re.sub(rb"(^|\r\n)\.", rb"\1..", text)


def queued_id(r):
    """The queue id of a '250 2.0.0 Ok: queued as ID' reply, or Fail."""
    want(r, 250, "2.0.0", "final dot")
    m = re.search(r"queued as ([0-9A-V]{16})$", r.text)
    if not m:
        raise Fail("no queue id in %r" % r.text)
    return m.group(1)


def enhanced_codes_ok():
    """Every recorded reply but greetings, EHLO/HELO answers and 354 (RFC
    3463 has no class 3): each line starts with an enhanced code of the
    reply's class.  Returns the count checked; Fail lists the offenders."""
    bad, n = [], 0
    for kind, r in REPLIES:
        if kind in ("greeting", "ehlo") or r.code // 100 == 3:
            continue
        n += 1
        for l in r.lines:
            m = ENH.match(l)
            if not m or m.group(1) != str(r.code)[0]:
                bad.append("%d %s" % (r.code, l))
    if bad:
        raise Fail("%d without a matching enhanced code: %s"
                   % (len(bad), "; ".join(sorted(set(bad))[:5])))
    return n


# ---- the check runner -------------------------------------------------

def check(name, fn, *args):
    """Run fn; ok when it returns (a string it returns is appended)."""
    try:
        extra = fn(*args)
        print("ok - %s%s" % (name, " (%s)" % extra if extra else ""))
    except Fail as e:
        FAILED[0] += 1
        print("not ok - %s: %s" % (name, e))
    except Exception as e:
        FAILED[0] += 1
        print("not ok - %s: %s: %s" % (name, type(e).__name__, e))
        sys.stderr.write(traceback.format_exc())
    sys.stdout.flush()


def parallel(checks):
    """Run (name, fn) checks at once (slow ones, e.g. timeouts); report
    in the given order."""
    results = {}

    def run(name, fn):
        try:
            results[name] = (fn(), None)
        except Exception as e:
            results[name] = (None, e)
    ts = [threading.Thread(target=run, args=c) for c in checks]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for name, _ in checks:
        out, err = results[name]

        def report(out=out, err=err):
            if err is not None:
                raise err
            return out
        check(name, report)


def poll(fn, limit, step=0.05):
    """Call fn until it returns true, at most `limit` seconds; returns
    (value, seconds taken), value false when the deadline passed."""
    start = time.monotonic()
    while True:
        v = fn()
        took = time.monotonic() - start
        if v or took >= limit:
            return v, took
        time.sleep(step)


# ---- queue and spool ----------------------------------------------------

def db_rows(sql, args=()):
    con = sqlite3.connect("file:%s?mode=ro" % os.environ["BMX_DB"],
                          uri=True, timeout=5)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def spool_path(qid, where="queue"):
    return os.path.join(os.environ["BMX_SPOOL"], where, qid)


def spool_state():
    """(files in queue/, files in incoming/, queue_message rows)."""
    q = sorted(os.listdir(os.path.join(os.environ["BMX_SPOOL"], "queue")))
    inc = sorted(os.listdir(os.path.join(os.environ["BMX_SPOOL"],
                                         "incoming")))
    n = db_rows("SELECT count(*) FROM queue_message")[0][0]
    return q, inc, n


def nothing_queued(before):
    """Fail unless the spool and queue are as in `before` (spool_state)."""
    after = spool_state()
    if after != before:
        raise Fail("queue changed: %d files/%d rows -> %d files/%d rows, "
                   "incoming %s" % (len(before[0]), before[2],
                                    len(after[0]), after[2], after[1]))
