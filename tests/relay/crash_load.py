#!/usr/bin/python3
"""Load and verification for the relay's crash test (test_crash.sh).

  crash_load.py send PORT SENDERS DOMAIN OUT STOPFILE
      SENDERS threads send messages to 127.0.0.1:PORT until STOPFILE
      exists, reconnecting whenever the relay is gone.  Every message is a
      pure function of (sender, sequence number), so nothing but the
      outcome needs recording: OUT gets one JSON line per 250 reply
      ({"id", "s", "n", "rcpt"}) and a last line with the counts.

  crash_load.py verify OUT SPOOL_DIR DB
      Every acknowledged id must have a queue_message row, a recipient row
      and a spool file equal to the relay's Received: header followed by
      exactly the text sent (un-dot-stuffed, CRLF kept).  Also: nothing in
      incoming/, no spool file without a row, no row without a file, and
      every queued message that never got its 250 (cut off after the dot)
      is intact too.  Prints "ok - ..." / "not ok - ..." lines.

  crash_load.py delivered OUT MAILDIR
      After the primary came up (tests/relay/fake_primary.py storing into
      MAILDIR): every acknowledged message must have arrived there, byte
      for byte (the relay's Received: header, then the text sent), to its
      own recipient; each one is matched by the SHA-256 of its text.
      Duplicates (a kill between the primary's 250 and the relay noting
      it) are counted and reported, not failed; so are messages that
      arrived without ever getting a 250 (cut off after the dot).

Standard library only.
"""
import hashlib
import json
import os
import random
import socket
import sqlite3
import sys
import threading
import time
import traceback

BIG = 200 * 1024
TIMEOUT = 15
# Random octets into printable ASCII, or into anything but NUL, CR, LF.
PRINTABLE = bytes(32 + i % 95 for i in range(256))
EIGHTBIT = bytes(i if i not in (0, 10, 13) else 0xe9 for i in range(256))


def message(sender, seq):
    """The exact text (before dot-stuffing) of message seq of sender."""
    rng = random.Random("crash-%d-%d" % (sender, seq))
    kind = rng.random()
    if kind < 0.1:
        target = BIG + rng.randrange(-4096, 4096)
    elif kind < 0.4:
        target = rng.randrange(8 * 1024, 64 * 1024)
    else:
        target = rng.randrange(64, 4096)
    head = ("From: <s%d@sender.example>\r\nTo: <u%d@crash.example>\r\n"
            "Subject: crash test %d-%d\r\nX-Crash: %d %d\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=iso-8859-1\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            % (sender, sender, sender, seq, sender, seq)).encode()
    parts = [head]
    size = len(head)
    while size < target:
        line = line_text(rng)
        parts.append(line + b"\r\n")
        size += len(line) + 2
    return b"".join(parts)


def line_text(rng):
    """One line without its CRLF: dots, 8-bit bytes, blanks, long lines."""
    k = rng.random()
    if k < 0.05:
        return b"."
    if k < 0.08:
        return b""
    if k < 0.10:
        return b".."
    n = rng.randrange(1, 990) if k < 0.15 else rng.randrange(1, 120)
    body = rng.randbytes(n).translate(EIGHTBIT if k < 0.30 else PRINTABLE)
    if rng.random() < 0.2:
        body = b"." + body[:985]
    return body


def dot_stuff(text):
    """RFC 5321 4.5.2: a leading dot gets another; then the end mark."""
    out = text.replace(b"\r\n.", b"\r\n..")
    if out.startswith(b"."):
        out = b"." + out
    return out + b".\r\n"


class Cut(Exception):
    """The connection broke: the transaction's outcome is unknown."""


class Session:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.settimeout(TIMEOUT)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Cut(str(e))

    def reply(self):
        """Read one (possibly multi-line) reply: (code, last line text)."""
        while True:
            try:
                while b"\r\n" not in self.buf:
                    chunk = self.sock.recv(65536)
                    if not chunk:
                        raise Cut("EOF")
                    self.buf += chunk
            except OSError as e:
                raise Cut(str(e))
            line, self.buf = self.buf.split(b"\r\n", 1)
            if len(line) < 4 or not line[:3].isdigit():
                raise Cut("garbage reply %r" % line[:80])
            if line[3:4] != b"-":
                return int(line[:3]), line.decode("latin-1")


class Sender(threading.Thread):
    def __init__(self, num, port, domain, stopfile, sink):
        super().__init__(daemon=True)
        self.num, self.port, self.domain = num, port, domain
        self.stopfile, self.sink = stopfile, sink
        self.rng = random.Random(num)
        self.seq = 0
        self.counts = {"acked": 0, "refused": 0, "cut": 0, "connfail": 0}

    def stopping(self):
        return os.path.exists(self.stopfile)

    def run(self):
        while not self.stopping():
            try:
                sess = Session(self.port)
            except OSError:
                self.counts["connfail"] += 1
                time.sleep(0.05)
                continue
            try:
                self.session(sess)
            except Cut:
                pass
            sess.close()

    def session(self, sess):
        code, _ = sess.reply()
        if code != 220:
            return
        sess.send(b"EHLO sender%d.example\r\n" % self.num)
        if sess.reply()[0] != 250:
            return
        for _ in range(self.rng.randrange(1, 6)):
            if self.stopping():
                break
            if not self.transaction(sess):
                return
        sess.send(b"QUIT\r\n")
        sess.reply()

    def transaction(self, sess):
        """One message; False when the session cannot go on."""
        seq = self.seq
        self.seq += 1
        text = message(self.num, seq)
        rcpt = "u%d@%s" % (self.num, self.domain)
        cmds = [b"MAIL FROM:<s%d@sender.example> BODY=8BITMIME SIZE=%d\r\n"
                % (self.num, len(text)),
                b"RCPT TO:<%s>\r\n" % rcpt.encode(), b"DATA\r\n"]
        try:
            codes = self.envelope(sess, cmds)
            if codes == [250, 250, 354]:
                self.send_text(sess, dot_stuff(text))
                code, line = sess.reply()
        except Cut:
            self.counts["cut"] += 1
            raise
        if codes != [250, 250, 354]:
            self.counts["refused"] += 1
            if 421 in codes:
                return False
            sess.send(b"RSET\r\n")
            sess.reply()
            return True
        if code != 250:
            self.counts["refused"] += 1
            return code != 421
        qid = line.rsplit(" ", 1)[-1]
        self.counts["acked"] += 1
        self.sink(json.dumps({"id": qid, "s": self.num, "n": seq,
                              "rcpt": rcpt}))
        return True

    def envelope(self, sess, cmds):
        """MAIL, RCPT, DATA: pipelined by odd senders; their codes."""
        if self.num % 2:
            sess.send(b"".join(cmds))
            return [sess.reply()[0] for _ in cmds]
        codes = []
        for c in cmds:
            sess.send(c)
            codes.append(sess.reply()[0])
            if codes[-1] >= 400:
                break
        return codes

    def send_text(self, sess, data):
        """In random pieces, so the end mark is split now and then."""
        pos = 0
        while pos < len(data):
            n = self.rng.choice((1, 2, 3, 1000, 8192, 65536, 1 << 20))
            sess.send(data[pos:pos + n])
            pos += n


def send(port, senders, domain, out, stopfile):
    lock = threading.Lock()
    lines = []

    def sink(line):
        with lock:
            lines.append(line)

    threads = [Sender(i, port, domain, stopfile, sink)
               for i in range(senders)]
    for t in threads:
        t.start()
    while not os.path.exists(stopfile):
        time.sleep(0.1)
    deadline = time.monotonic() + TIMEOUT * 3	# a hung sender shows
    for t in threads:
        t.join(max(0.1, deadline - time.monotonic()))
    total = {}
    for t in threads:
        for k, v in t.counts.items():
            total[k] = total.get(k, 0) + v
    total["alive"] = sum(t.is_alive() for t in threads)
    frames = sys._current_frames()
    for t in threads:
        if t.is_alive():	# say where it hangs
            sys.stderr.write("sender %d still running, at:\n%s" % (
                t.num, "".join(traceback.format_stack(frames[t.ident]))))
    with open(out, "w") as f:
        for line in lines:
            f.write(line + "\n")
        f.write(json.dumps({"counts": total}) + "\n")
    return 0 if total["alive"] == 0 else 1


def split_received(data):
    """(first header, rest): the header is its line plus continuations."""
    if not data.startswith(b"Received:"):
        return None, data
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return None, data
        pos = end + 2
        if data[pos:pos + 1] not in (b"\t", b" "):
            return data[:pos], data[pos:]


class Report:
    def __init__(self):
        self.failed = 0

    def check(self, good, what, detail=""):
        if good:
            print("ok - " + what)
        else:
            self.failed = 1
            print("not ok - %s%s" % (what, (": " + detail) if detail else ""))


def verify(out, spool, dbpath):
    acked = []
    counts = None
    with open(out) as f:
        for line in f:
            rec = json.loads(line)
            if "counts" in rec:
                counts = rec["counts"]
            else:
                acked.append(rec)
    rep = Report()
    rep.check(counts is not None and counts["alive"] == 0,
              "every sender finished", str(counts))
    if counts is None:
        return 1
    db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True)
    rows = dict(db.execute("SELECT id, size FROM queue_message"))
    rcpts = {}
    for mid, addr in db.execute(
            "SELECT message_id, address FROM queue_recipient"):
        rcpts.setdefault(mid, []).append(addr)
    qdir = os.path.join(spool, "queue")
    files = set(os.listdir(qdir))
    incoming = os.listdir(os.path.join(spool, "incoming"))

    lost, bad = [], []
    for rec in acked:
        qid = rec["id"]
        if qid not in rows or rcpts.get(qid) != [rec["rcpt"]] \
                or qid not in files:
            lost.append("%s (row %s, rcpts %s, file %s)" % (
                qid, qid in rows, rcpts.get(qid), qid in files))
            continue
        why = check_file(os.path.join(qdir, qid), qid,
                         message(rec["s"], rec["n"]))
        if why:
            bad.append("%s: %s" % (qid, why))
    ids = [r["id"] for r in acked]
    rep.check(len(set(ids)) == len(ids), "acknowledged queue ids are unique")
    rep.check(not lost, "%d of %d acknowledged messages lost (%d refused, "
              "%d cut off, %d connection attempts refused)" % (
                  len(lost), len(acked), counts["refused"], counts["cut"],
                  counts["connfail"]), "; ".join(lost[:5]))
    rep.check(not bad, "%d acknowledged spool files byte-identical to the "
              "text sent" % (len(acked) - len(lost) - len(bad)),
              "; ".join(bad[:5]))
    rep.check(len(acked) > 0, "messages were acknowledged at all")

    rep.check(not incoming, "incoming/ is empty after a clean restart",
              " ".join(incoming[:5]))
    orphans = sorted(files - set(rows))
    rep.check(not orphans, "no spool file without a queue row (%d files)"
              % len(files), " ".join(orphans[:5]))
    fileless = sorted(set(rows) - files)
    rep.check(not fileless, "no queue row without a spool file (%d rows)"
              % len(rows), " ".join(fileless[:5]))
    norcpt = sorted(set(rows) - set(rcpts))
    rep.check(not norcpt, "every queue row has a recipient",
              " ".join(norcpt[:5]))

    # Committed before the crash but never acknowledged: allowed (the
    # client retries, a duplicate at worst), and still intact.
    extra = sorted(set(rows) - set(ids))
    broken = []
    for qid in extra:
        why = check_unacked(os.path.join(qdir, qid), qid)
        if why:
            broken.append("%s: %s" % (qid, why))
    rep.check(not broken, "%d queued without a 250 (cut off after the "
              "dot) are intact too" % len(extra), "; ".join(broken[:5]))
    return rep.failed


def check_file(path, qid, want):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return str(e)
    hdr, rest = split_received(data)
    if hdr is None:
        return "no Received: header first"
    if (" id %s" % qid).encode() not in hdr:
        return "Received: header without the id: %r" % hdr[:200]
    if rest != want:
        n = next((i for i, (a, b) in enumerate(zip(rest, want)) if a != b),
                 min(len(rest), len(want)))
        return "text differs at octet %d (%d octets, want %d)" % (
            n, len(rest), len(want))
    return None


def check_unacked(path, qid):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return str(e)
    _, rest = split_received(data)
    tag = rest.find(b"\r\nX-Crash: ")
    if tag < 0:
        return "no X-Crash header"
    s, n = rest[tag + 11:rest.find(b"\r\n", tag + 2)].split()
    return check_file(path, qid, message(int(s), int(n)))


def delivered(out, maildir):
    acked = [json.loads(line) for line in open(out)]
    acked = [r for r in acked if "counts" not in r]
    want = {}
    for rec in acked:
        want[hashlib.sha256(message(rec["s"], rec["n"])).hexdigest()] = rec
    seen, bad, wrong_rcpt, unacked = {}, [], [], 0
    names = sorted(f for f in os.listdir(maildir) if f.endswith(".eml"))
    for name in names:
        with open(os.path.join(maildir, name), "rb") as f:
            data = f.read()
        hdr, rest = split_received(data)
        digest = hashlib.sha256(rest).hexdigest()
        seen[digest] = seen.get(digest, 0) + 1
        rec = want.get(digest)
        if rec is None:
            why = check_unacked_text(data)
            if why:
                bad.append("%s: %s" % (name, why))
            else:
                unacked += 1
            continue
        if hdr is None:
            bad.append("%s: no Received: header first" % name)
        with open(os.path.join(maildir, name[:-4] + ".json")) as f:
            env = json.load(f)
        if env["to"] != [rec["rcpt"]]:
            wrong_rcpt.append("%s: to %s" % (name, env["to"]))
    lost = [r["id"] for r in acked if hashlib.sha256(
        message(r["s"], r["n"])).hexdigest() not in seen]
    dups = sum(n - 1 for n in seen.values() if n > 1)
    rep = Report()
    rep.check(not lost, "%d of %d acknowledged messages delivered to the "
              "primary, %d lost" % (len(acked) - len(lost), len(acked),
                                    len(lost)), " ".join(lost[:5]))
    rep.check(not bad, "%d deliveries, every one byte-identical to a "
              "message sent" % len(names), "; ".join(bad[:5]))
    rep.check(not wrong_rcpt, "each to its own recipient",
              "; ".join(wrong_rcpt[:5]))
    print("ok - %d duplicate deliveries (a kill between the primary's 250 "
          "and the relay's note of it), %d delivered without a 250 (cut "
          "off after the dot)" % (dups, unacked))
    return rep.failed


def check_unacked_text(data):
    """None when data is one of the messages sent, intact."""
    _, rest = split_received(data)
    tag = rest.find(b"\r\nX-Crash: ")
    if tag < 0:
        return "no X-Crash header"
    s, n = rest[tag + 11:rest.find(b"\r\n", tag + 2)].split()
    return None if rest == message(int(s), int(n)) else "text differs"


def main(argv):
    if len(argv) == 6 and argv[0] == "send":
        return send(int(argv[1]), int(argv[2]), argv[3], argv[4], argv[5])
    if len(argv) == 3 and argv[0] == "delivered":
        return delivered(argv[1], argv[2])
    if len(argv) == 4 and argv[0] == "verify":
        return verify(argv[1], argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
