#!/usr/bin/python3
"""The conversations of tests/relay/test_smtp.sh, one phase per start of
backupmxd:

  main       protocol, policy and address tricks, limits, timeouts,
             pipelining, smuggling, spool and queue rows, live policy
             changes, an unreadable database, SIGHUP
  tls        STARTTLS (Python ssl and swaks), the CVE-2011-0411 injection
  sigterm    SIGTERM while sessions are open
  freespace  the free-space floor; every acknowledged message still queued

The environment (BMX_PORT, BMX_PID, BMX_CONF, BMX_DB, BMX_SPOOL, BMX_T,
BMX_CTL) comes from test_smtp.sh.  Exit status: 0 when every check
passed, 3 when some failed (see the not ok lines), anything else when the
phase itself broke.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtpwire import (FAILED, Fail, Session, check, db_rows, enhanced_codes_ok,  # noqa
                      nothing_queued, poll, queued_id, spool_path,
                      spool_state, stuff, want)

HOST = "mx.test.example"
T = os.environ["BMX_T"]
PID = int(os.environ["BMX_PID"])
CONF = os.environ["BMX_CONF"]
DB = os.environ["BMX_DB"]
CTL = os.environ["BMX_CTL"].split()
ACKED = os.path.join(T, "acked")	# every id that got a 250, across phases
LIMIT = 100000				# message_size_limit of the test config


def acked(qid):
    with open(ACKED, "a") as f:
        f.write(qid + "\n")
    return qid


def msg(subject, body=b"hello\r\n", to="user@plain.example"):
    return (b"From: <sender@client.example>\r\nTo: <" + to.encode() +
            b">\r\nSubject: " + subject.encode() + b"\r\n\r\n" + body)


def rcpts_of(qid):
    return sorted(r[0] for r in db_rows(
        "SELECT address FROM queue_recipient WHERE message_id = ?", (qid,)))


def received_split(data):
    """(our Received: header, the rest) of a spool file."""
    if not data.startswith(b"Received: "):
        raise Fail("spool file does not start with Received: %r"
                   % data[:60])
    end = 0
    while True:
        end = data.index(b"\r\n", end) + 2
        if data[end:end + 1] not in (b" ", b"\t"):
            return data[:end], data[end:]


# ---- greeting, EHLO, HELO ---------------------------------------------

def t_greeting():
    with Session() as s:
        g = s.greeting
        if g.code != 220 or g.lines != [HOST + " ESMTP"]:
            raise Fail("greeting %s" % g)
        s.quit()


def t_ehlo():
    with Session() as s:
        r = s.ehlo()
        if r.lines[0].split()[0] != HOST:
            raise Fail("first EHLO line %r" % r.lines[0])
        kw = set(r.lines[1:])
        need = {"PIPELINING", "SIZE %d" % LIMIT, "8BITMIME",
                "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN"}
        if need - kw:
            raise Fail("missing %s in %s" % (sorted(need - kw), sorted(kw)))
        s.quit()
        return " ".join(r.lines[1:])


def t_no_starttls():
    with Session() as s:
        r = s.ehlo()
        if any(k.upper().startswith("STARTTLS") for k in r.lines):
            raise Fail("STARTTLS offered without a certificate")
        want(s.cmd("STARTTLS"), 502, "5.5.1")
        want(s.cmd("NOOP"), 250, "2.0.0")
        s.quit()


def t_helo():
    with Session() as s:
        r = want(s.cmd("HELO client.example", "ehlo"), 250)
        if r.lines != [r.text] or not r.text.startswith(HOST):
            raise Fail("HELO reply %s" % r)
        want(s.cmd("MAIL FROM:<a@client.example>"), 250, "2.1.0")
        want(s.cmd("RCPT TO:<user@plain.example>"), 250, "2.1.5")
        s.quit()


# ---- sequence and syntax ----------------------------------------------

def conversation(steps, ehlo=True):
    """Run (line, code, enhanced code) steps on a fresh session."""
    def run():
        with Session() as s:
            if ehlo:
                s.ehlo()
            for line, code, enh in steps:
                want(s.cmd(line), code, enh, line[:40])
            s.quit()
    return run


MAIL_A = ("MAIL FROM:<a@client.example>", 250, "2.1.0")
RCPT_A = ("RCPT TO:<user@plain.example>", 250, "2.1.5")


def t_data_no_valid_rcpt():
    with Session() as s:
        s.ehlo()
        want(s.cmd(MAIL_A[0]), 250, "2.1.0")
        want(s.cmd("RCPT TO:<user@other.example>"), 550, "5.7.1")
        r = s.cmd("DATA")
        if r.code not in (503, 554) or r.enh != "5.5.1":
            raise Fail("got %s, want 503 or 554 with 5.5.1" % r)
        s.quit()
        return "%d %s" % (r.code, r.enh)


def t_vrfy():
    with Session() as s:
        s.ehlo()
        r = want(s.cmd("VRFY user"), 252)
        s.quit()
        if r.enh is None or not r.enh.startswith("2."):
            raise Fail("no 2.x.x code: %s" % r)
        return r.enh


def t_nul_in_command():
    with Session() as s:
        s.ehlo()
        s.send(b"NOOP\x00x\r\n")
        want(s.reply(), 500, "5.5.2")
        want(s.cmd("NOOP"), 250, "2.0.0")
        s.quit()


def t_bare_lf_command():
    with Session() as s:
        s.ehlo()
        s.send(b"NOOP\nHELP\r\n")
        want(s.reply(), 500, "5.5.2", "first reply")
        while s.reply().code != 214:
            pass
        s.quit()


def t_bare_cr_command():
    with Session() as s:
        s.ehlo()
        s.send(b"NOOP\rRSET\r\n")
        want(s.reply(), 500, "5.5.2")
        want(s.cmd("NOOP"), 250, "2.0.0")
        s.quit()


# ---- recipient policy -------------------------------------------------

class Prober:
    """RSET, MAIL and RCPT pipelined on one session (reopened if lost);
    returns the RCPT reply."""

    def __init__(self):
        self.s = None

    def __call__(self, addr, utf8=False):
        if self.s is None:
            self.s = Session()
            self.s.ehlo()
        try:
            self.s.send(("RSET\r\nMAIL FROM:<probe@client.example>%s\r\n"
                         "RCPT TO:<%s>\r\n" % (" SMTPUTF8" if utf8 else "",
                                               addr)).encode())
            want(self.s.reply(), 250, "2.0.0", "RSET")
            want(self.s.reply(), 250, "2.1.0", "MAIL")
            return self.s.reply()
        except Exception:
            self.close()
            raise

    def close(self):
        if self.s is not None:
            self.s.close()
        self.s = None


PROBE = Prober()

ADDRESSES = [
    # (what, address, SMTPUTF8 on MAIL, code, enhanced code)
    ("plain domain", "user@plain.example", 0, 250, "2.1.5"),
    ("plain domain in upper case", "USER@PLAIN.EXAMPLE", 0, 250, "2.1.5"),
    ("IDN as U-label with SMTPUTF8", "user@bücher.example", 1, 250, "2.1.5"),
    ("IDN as U-label in upper case", "user@BÜCHER.EXAMPLE", 1, 250, "2.1.5"),
    ("IDN as A-label", "user@xn--bcher-kva.example", 0, 250, "2.1.5"),
    ("IDN as A-label in upper case", "user@XN--BCHER-KVA.EXAMPLE", 0, 250,
     "2.1.5"),
    ("IDN U-label without SMTPUTF8", "user@bücher.example", 0, 553, "5.6.7"),
    ("other domain", "user@other.example", 0, 550, "5.7.1"),
    ("subdomain of ours", "user@sub.plain.example", 0, 550, "5.7.1"),
    ("ours as a prefix", "user@plain.example.other.example", 0, 550,
     "5.7.1"),
    ("IDN lookalike suffix", "user@xn--bcher-kva.example.evil", 0, 550,
     "5.7.1"),
    ("portfolio domain without a record", "user@later.example", 0, 550,
     "5.7.1"),
    ("inactive record", "user@inactive.example", 0, 550, "5.7.1"),
    ("percent hack with our domain last", "user%other.example@plain.example",
     0, 250, "2.1.5"),
    ("percent hack with another domain last",
     "user%plain.example@other.example", 0, 550, "5.7.1"),
    ("source route to another domain", "@a.example:user@other.example", 0,
     550, "5.7.1"),
    ("source route to our domain", "@a.example,@b.example:user@plain.example",
     0, 250, "2.1.5"),
    ("quoted local part holding our domain",
     '"user@plain.example"@other.example', 0, 550, "5.7.1"),
    ("bang path with our domain last", "other.example!user@plain.example", 0,
     250, "2.1.5"),
    ("IPv4 address literal", "user@[127.0.0.1]", 0, 550, "5.7.1"),
    ("IPv6 address literal", "user@[IPv6:::1]", 0, 550, "5.7.1"),
    ("trailing dot of our domain", "user@plain.example.", 0, 250, "2.1.5"),
    ("postmaster without a domain", "postmaster", 0, 550, "5.7.1"),
    ("recipient list: listed address", "alice@list.example", 0, 250,
     "2.1.5"),
    ("recipient list: listed address in upper case", "ALICE@LIST.EXAMPLE", 0,
     250, "2.1.5"),
    ("recipient list: unlisted address", "carol@list.example", 0, 550,
     "5.1.1"),
    ("recipient list: *@domain entry", "anyone@wild.example", 0, 250,
     "2.1.5"),
    ("recipient list: empty list", "anyone@empty.example", 0, 550, "5.1.1"),
]


def t_address(addr, utf8, code, enh):
    want(PROBE(addr, utf8), code, enh)


def t_tricks_queued():
    """The tricks with our domain after the last @ go to our customer."""
    with Session() as s:
        s.ehlo()
        rc = ["user%other.example@plain.example",
              "other.example!user@plain.example", "user@plain.example."]
        qid = acked(queued_id(s.mail("tricks@client.example", rc,
                                     msg("tricks"))))
        s.quit()
    dom = db_rows("SELECT domain FROM queue_message WHERE id = ?", (qid,))
    got = rcpts_of(qid)
    exp = sorted(["user%other.example@plain.example",
                  "other.example!user@plain.example", "user@plain.example"])
    if dom != [("plain.example",)] or got != exp:
        raise Fail("queued %s for %s" % (got, dom))


def t_idn_queued():
    with Session() as s:
        s.ehlo()
        qid = acked(queued_id(s.mail("idn@client.example",
                                     ["user@bücher.example"], msg("idn"),
                                     " SMTPUTF8")))
        s.quit()
    row = db_rows("SELECT domain, smtputf8 FROM queue_message WHERE id = ?",
                  (qid,))
    if row != [("xn--bcher-kva.example", 1)] or \
            rcpts_of(qid) != ["user@xn--bcher-kva.example"]:
        raise Fail("row %s recipients %s" % (row, rcpts_of(qid)))


# ---- messages, spool and queue rows -----------------------------------

BODY = (b"From: Sender <sender@client.example>\r\n"
        b"To: <user@plain.example>\r\n"
        b"Subject: body check\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n"
        b"first line\r\n"
        b".x: a line that starts with a dot\r\n"
        b"..two dots\r\n"
        b".\r\n"
        b"the line above is a lone dot\r\n"
        b" \r\n"
        b"trailing blanks \t \r\n"
        b"\r\n" +
        "Grüße, ünïcödé – 8 bit\r\n".encode() +
        b"x" * 998 + b"\r\n"
        b"\tlast line\r\n")


def t_null_sender():
    with Session() as s:
        s.ehlo()
        qid = acked(queued_id(s.mail("", ["user@plain.example"],
                                     msg("null sender"))))
        s.quit()
    row = db_rows("SELECT sender, domain, node FROM queue_message "
                  "WHERE id = ?", (qid,))
    if row != [("", "plain.example", HOST)]:
        raise Fail("queue row %s" % row)
    if not os.path.exists(spool_path(qid)):
        raise Fail("no spool file for %s" % qid)


def t_body(state):
    with Session() as s:
        s.ehlo()
        r = s.mail("body@client.example", ["user@plain.example"], BODY,
                   " BODY=8BITMIME")
        state["id"] = acked(queued_id(r))
        s.quit()
    if b"..two dots" not in stuff(BODY):
        raise Fail("the test's own dot-stuffing is broken")
    return state["id"]


def t_spool_body(state):
    with open(spool_path(state["id"]), "rb") as f:
        data = f.read()
    hdr, rest = received_split(data)
    state["file"], state["hdr"] = data, hdr
    if rest != BODY:
        for i, (a, b) in enumerate(zip(rest, BODY)):
            if a != b:
                break
        raise Fail("differs at octet %d: %r vs %r" % (i, rest[i:i + 40],
                                                      BODY[i:i + 40]))


def t_received(state):
    hdr = state["hdr"].decode()
    flat = " ".join(hdr.split())
    for part in ("Received: from client.example ([127.0.0.1])",
                 "by %s" % HOST, "with ESMTP", "id %s" % state["id"],
                 "for <user@plain.example>;", " +0000"):
        if part not in flat:
            raise Fail("%r not in %r" % (part, hdr))
    return flat


def t_queue_row(state):
    row = db_rows("SELECT node, domain, sender, size, body8, client, helo "
                  "FROM queue_message WHERE id = ?", (state["id"],))
    if len(row) != 1:
        raise Fail("rows %s" % row)
    node, dom, sender, size, body8, client, helo = row[0]
    exp = (HOST, "plain.example", "body@client.example", 1, "127.0.0.1",
           "client.example")
    if (node, dom, sender, body8, client, helo) != exp:
        raise Fail("row %s" % (row[0],))
    if size not in (len(BODY), len(state["file"])):
        raise Fail("size %d, message %d, spool file %d" %
                   (size, len(BODY), len(state["file"])))
    st = db_rows("SELECT address, state FROM queue_recipient "
                 "WHERE message_id = ?", (state["id"],))
    if st != [("user@plain.example", "queued")]:
        raise Fail("recipients %s" % st)
    return "size %d = %s" % (size, "message text" if size == len(BODY)
                             else "spool file")


def t_multi_domain():
    sender = "multi@client.example"
    with Session() as s:
        s.ehlo()
        qid = acked(queued_id(s.mail(sender, ["user@plain.example",
                                              "user@xn--bcher-kva.example"],
                                     msg("two domains"))))
        s.quit()
    rows = sorted(db_rows("SELECT domain, id FROM queue_message "
                          "WHERE sender = ?", (sender,)))
    if [r[0] for r in rows] != ["plain.example", "xn--bcher-kva.example"] \
            or qid not in [r[1] for r in rows]:
        raise Fail("rows %s (250 said %s)" % (rows, qid))
    data = []
    for dom, i in rows:
        if i != qid:
            acked(i)
        want_rc = ["user@" + dom]
        if rcpts_of(i) != want_rc:
            raise Fail("%s has recipients %s" % (i, rcpts_of(i)))
        with open(spool_path(i), "rb") as f:
            data.append(f.read())
    if data[0] != data[1] or received_split(data[0])[1] != msg("two domains"):
        raise Fail("the two spool files differ or lost the text")
    return "%s and %s" % (rows[0][1], rows[1][1])


def t_pipelining():
    with Session() as s:
        s.send("EHLO client.example\r\nMAIL FROM:<pipe@client.example>\r\n"
               "RCPT TO:<user@plain.example>\r\nRCPT TO:<user@other.example>"
               "\r\nDATA\r\n")
        r = s.reply("ehlo")
        if r.code != 250 or not r.text.startswith(HOST):
            raise Fail("EHLO %s" % r)
        want(s.reply(), 250, "2.1.0", "MAIL")
        want(s.reply(), 250, "2.1.5", "RCPT ours")
        want(s.reply(), 550, "5.7.1", "RCPT other")
        want(s.reply(), 354, what="DATA")
        s.send(stuff(msg("pipelined")) + b".\r\n")
        qid = acked(queued_id(s.reply()))
        s.quit()
    if rcpts_of(qid) != ["user@plain.example"]:
        raise Fail("recipients %s" % rcpts_of(qid))


def t_pipelined_quit():
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<pipeq@client.example>"), 250, "2.1.0")
        want(s.cmd("RCPT TO:<user@plain.example>"), 250, "2.1.5")
        want(s.cmd("DATA"), 354)
        s.send(stuff(msg("then quit")) + b".\r\nQUIT\r\n")
        acked(queued_id(s.reply()))
        want(s.reply(), 221, "2.0.0", "QUIT")
        if not s.eof():
            raise Fail("still open after QUIT")


def t_two_messages():
    with Session() as s:
        s.ehlo()
        a = acked(queued_id(s.mail("two@client.example",
                                   ["user@plain.example"], msg("one"))))
        b = acked(queued_id(s.mail("two@client.example",
                                   ["alice@list.example"], msg("two"))))
        s.quit()
    if a == b or rcpts_of(a) != ["user@plain.example"] or \
            rcpts_of(b) != ["alice@list.example"]:
        raise Fail("ids %s %s recipients %s %s" % (a, b, rcpts_of(a),
                                                   rcpts_of(b)))


def t_dsn_params():
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<dsn@client.example> RET=HDRS ENVID=env+2B1 "
                   "BODY=7BIT"), 250, "2.1.0")
        want(s.cmd("RCPT TO:<user@plain.example> NOTIFY=SUCCESS,FAILURE "
                   "ORCPT=rfc822;user@plain.example"), 250, "2.1.5")
        want(s.cmd("RCPT TO:<r2@plain.example> NOTIFY=NEVER"), 250, "2.1.5")
        want(s.cmd("DATA"), 354)
        s.send(stuff(msg("dsn")) + b".\r\n")
        qid = acked(queued_id(s.reply()))
        s.quit()
    m = db_rows("SELECT ret, envid FROM queue_message WHERE id = ?", (qid,))
    r = db_rows("SELECT address, notify, orcpt FROM queue_recipient WHERE "
                "message_id = ? ORDER BY address", (qid,))
    exp = [("r2@plain.example", "NEVER", None),
           ("user@plain.example", "SUCCESS,FAILURE",
            "rfc822;user@plain.example")]
    if m != [("HDRS", "env+1")] or r != exp:
        raise Fail("message %s recipients %s" % (m, r))


def t_drop_in_data():
    before = spool_state()
    s = Session()
    s.ehlo()
    want(s.cmd(MAIL_A[0]), 250, "2.1.0")
    want(s.cmd(RCPT_A[0]), 250, "2.1.5")
    want(s.cmd("DATA"), 354)
    s.send(b"Subject: dropped\r\n\r\nhalf a mess")
    time.sleep(0.1)
    s.close()
    # The relay notices the close on its own time: poll for the cleanup.
    if not poll(lambda: spool_state() == before, 5, 0.05)[0]:
        nothing_queued(before)


def t_stalled_session():
    with Session() as slow, Session() as half:
        slow.ehlo()
        want(slow.cmd(MAIL_A[0]), 250, "2.1.0")
        want(slow.cmd(RCPT_A[0]), 250, "2.1.5")
        want(slow.cmd("DATA"), 354)
        slow.send(b"Subject: slow\r\n\r\nfirst half ")
        half.ehlo()
        half.send(b"MAIL FROM:<half@cli")	# half a command line
        with Session() as fast:
            fast.ehlo()
            acked(queued_id(fast.mail("fast@client.example",
                                      ["user@plain.example"], msg("fast"))))
            fast.quit()
        slow.send(b"second half\r\n.\r\n")
        acked(queued_id(slow.reply()))
        half.send(b"ent.example>\r\n")
        want(half.reply(), 250, "2.1.0", "the half command, completed")
        slow.quit()
        half.quit()


def t_too_many_errors():
    with Session() as s:
        s.ehlo()
        s.send(b"FROBNICATE\r\n" * 20)	# exactly as many as allowed
        n = 0
        while True:
            r = s.reply()
            if r.code != 500:
                break
            n += 1
        want(r, 421, "4.7.0", "after %d errors" % n)
        if not s.eof():
            raise Fail("connection left open after the 421")
        return "421 after %d errors" % n


# ---- limits -----------------------------------------------------------

def padded_mail(total):
    """A valid MAIL command of `total` octets with its CRLF (blanks
    between the path and SIZE= are legal padding)."""
    head, tail = "MAIL FROM:<a@client.example>", "SIZE=10"
    return head + " " * (total - 2 - len(head) - len(tail)) + tail


def t_line_512():
    with Session() as s:
        s.ehlo()
        line = padded_mail(512)
        want(s.cmd(line), 250, "2.1.0")
        s.quit()


def t_line_513():
    with Session() as s:
        s.ehlo()
        want(s.cmd(padded_mail(513)), 500, "5.5.2", "513 octets")
        want(s.cmd(RCPT_A[0]), 503, "5.5.1", "RCPT after it (not executed)")
        want(s.cmd("NOOP"), 250, "2.0.0")
        s.quit()


def t_line_huge():
    with Session() as s:
        s.ehlo()
        s.send(b"NOOP " + b"y" * 100000 + b"\r\nNOOP\r\n")
        want(s.reply(), 500, "5.5.2", "100000 octets")
        want(s.reply(), 250, "2.0.0", "NOOP after it")
        s.quit()


def t_size_param():
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<a@client.example> SIZE=%d" % (2 * LIMIT)),
             552, "5.3.4")
        want(s.cmd("MAIL FROM:<a@client.example> SIZE=%d" % LIMIT), 250,
             "2.1.0", "SIZE at the limit")
        s.quit()


def sized(n, subject):
    """A message of exactly n octets (after unstuffing)."""
    m = msg(subject, b"")
    line = b"z" * 98 + b"\r\n"
    body = line * ((n - len(m)) // len(line))
    rest = n - len(m) - len(body)
    if rest:
        body += b"w" * (rest - 2) + b"\r\n"
    return m + body


def refused_message(data, code, enh, stuffed=False):
    """Send data as a message; want the refusal, nothing queued, and a
    session in step afterwards."""
    before = spool_state()
    with Session() as s:
        s.ehlo()
        r = s.mail("big@client.example", ["user@plain.example"], data,
                   stuffed=stuffed)
        want(r, code, enh, "final dot")
        want(s.cmd("NOOP"), 250, "2.0.0", "NOOP after it")
        s.quit()
    nothing_queued(before)


def t_size_exact():
    data = sized(LIMIT, "exactly at the limit")
    if len(data) != LIMIT:
        raise Fail("test message is %d octets" % len(data))
    with Session() as s:
        s.ehlo()
        acked(queued_id(s.mail("exact@client.example",
                               ["user@plain.example"], data)))
        s.quit()


def t_text_line_1000():
    m = msg("line of 1000", b"a" * 998 + b"\r\n")
    with Session() as s:
        s.ehlo()
        acked(queued_id(s.mail("l1000@client.example",
                               ["user@plain.example"], m)))
        s.quit()


def t_too_many_rcpts():
    rc = ["r%d@plain.example" % i for i in range(5)]
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<many@client.example>"), 250, "2.1.0")
        for a in rc:
            want(s.cmd("RCPT TO:<%s>" % a), 250, "2.1.5", a)
        want(s.cmd("RCPT TO:<r5@plain.example>"), 452, "4.5.3", "sixth")
        want(s.cmd("DATA"), 354)
        s.send(stuff(msg("five")) + b".\r\n")
        qid = acked(queued_id(s.reply()))
        s.quit()
    if rcpts_of(qid) != sorted(rc):
        raise Fail("queued recipients %s" % rcpts_of(qid))


def received_msg(n, subject):
    hops = b"".join(b"Received: from h%d.example by h%d.example; "
                    b"Mon, 1 Jan 2024 00:00:00 +0000\r\n" % (i, i + 1)
                    for i in range(n))
    return hops + msg(subject)


def t_loop_30():
    with Session() as s:
        s.ehlo()
        acked(queued_id(s.mail("hops@client.example", ["user@plain.example"],
                               received_msg(30, "30 hops"))))
        s.quit()


def t_received_in_body():
    body = b"Received: not a header, just text\r\n" * 40
    with Session() as s:
        s.ehlo()
        acked(queued_id(s.mail("rbody@client.example",
                               ["user@plain.example"],
                               msg("Received in the body", body))))
        s.quit()


def t_cmd_timeout():
    with Session() as s:
        s.ehlo()
        s.sock.settimeout(15)
        start = time.monotonic()
        want(s.reply(), 421, "4.4.2")
        took = time.monotonic() - start
        if not s.eof():
            raise Fail("connection still open after the 421")
        return "after %.1f s" % took


def t_data_timeout():
    with Session() as s:
        s.ehlo()
        want(s.cmd(MAIL_A[0]), 250, "2.1.0")
        want(s.cmd(RCPT_A[0]), 250, "2.1.5")
        want(s.cmd("DATA"), 354)
        s.send(b"Subject: slow\r\n\r\npartial line")
        s.sock.settimeout(15)
        start = time.monotonic()
        want(s.reply(), 421, "4.4.2")
        took = time.monotonic() - start
        if not s.eof():
            raise Fail("connection still open after the 421")
    inc = os.listdir(os.path.join(os.environ["BMX_SPOOL"], "incoming"))
    if inc:
        raise Fail("partial files left in incoming/: %s" % inc)
    return "after %.1f s" % took


def parallel(checks):
    """Run (name, fn) checks at once (the timeouts), report in order."""
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


def t_conn_limit():
    src, held = "127.0.0.9", []
    try:
        for i in range(8):
            s = Session(src=src)
            held.append(s)
            want(s.greeting, 220, what="connection %d" % (i + 1))
        extra = Session(src=src)
        want(extra.greeting, 421, "4.7.0", "ninth connection")
        if not extra.eof():
            raise Fail("ninth connection left open")
        extra.close()
        with Session() as other:	# another client is not affected
            want(other.greeting, 220, what="other client")
            other.quit()
        for s in held:
            want(s.cmd("NOOP"), 250, "2.0.0", "held connection")
        held.pop().quit()

        def again():
            s = Session(src=src)
            if s.greeting.code == 220:
                held.append(s)
                return True
            s.close()
            return False
        if not poll(again, 5, 0.1)[0]:
            raise Fail("no new connection admitted after one closed")
    finally:
        for s in held:
            s.close()


# ---- SMTP smuggling ---------------------------------------------------

SMUGGLE = [
    ("<LF>.<LF>", b"hello\n.\n"),
    ("<CR><LF>.<LF>", b"hello\r\n.\n"),
    ("<LF>.<CR><LF>", b"hello\n.\r\n"),
    ("<CR>.<CR>", b"hello\r.\r"),
    (".<CR><CR><LF>", b"hello\r\n.\r\r\n"),
]


def t_smuggle(seq):
    fake = (b"MAIL FROM:<evil@attacker.example>\r\n"
            b"RCPT TO:<victim@plain.example>\r\nDATA\r\n"
            b"Subject: smuggled\r\n\r\nevil\r\n")
    data = msg("smuggle", b"") + seq + fake
    before = spool_state()
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<smuggler@client.example>"), 250, "2.1.0")
        want(s.cmd("RCPT TO:<user@plain.example>"), 250, "2.1.5")
        want(s.cmd("DATA"), 354)
        s.send(data + b".\r\n")
        want(s.reply(), 550, "5.5.2", "the one reply to the message")
        want(s.cmd("NOOP"), 250, "2.0.0", "next reply (fake commands?)")
        s.quit()
    nothing_queued(before)
    if db_rows("SELECT id FROM queue_message WHERE sender LIKE 'evil%'"):
        raise Fail("the smuggled message was queued")


# ---- live policy, unreadable database, SIGHUP -------------------------

def ctl(*args):
    p = subprocess.run(CTL + list(args), capture_output=True, text=True)
    if p.returncode != 0:
        raise Fail("backupmxctl %s: %s" % (" ".join(args), p.stderr.strip()))
    return p.stdout


def wait_rcpt(addr, code, limit=1.5):
    last = []

    def probe():
        r = PROBE(addr)
        last[:] = [r]
        return r.code == code
    v, took = poll(probe, limit, 0.05)
    if not v:
        raise Fail("still '%s' after %.1f s" % (last[0], limit))
    return "%s after %.2f s" % (last[0], took)


def t_policy_add():
    ctl("backupmx", "add", "later.example")
    return wait_rcpt("user@later.example", 250)


def t_policy_del():
    ctl("backupmx", "del", "later.example")
    out = wait_rcpt("user@later.example", 550)
    want(PROBE("user@later.example"), 550, "5.7.1")
    return out


def sql(statement):
    p = subprocess.run(["sqlite3", DB], input="PRAGMA busy_timeout = 5000;\n"
                       + statement + "\n", capture_output=True, text=True)
    if p.returncode != 0:
        raise Fail("sqlite3: %s" % p.stderr.strip())


def t_list_live():
    # No backupmxctl verb for recipient lists yet: straight into the table.
    sql("INSERT INTO backupmx_recipient (backupmx_id, address) SELECT id, "
        "'carol@list.example' FROM backupmx WHERE domain = 'list.example';")
    out = wait_rcpt("carol@list.example", 250)
    sql("DELETE FROM backupmx_recipient WHERE address = "
        "'carol@list.example';")
    wait_rcpt("carol@list.example", 550)
    want(PROBE("carol@list.example"), 550, "5.1.1")
    return out


DB_FILES = [DB, DB + "-wal", DB + "-shm"]
MOVED = os.path.join(T, "moved")


def move_db(back):
    os.makedirs(MOVED, exist_ok=True)
    for f in DB_FILES:
        away = os.path.join(MOVED, os.path.basename(f))
        src, dst = (away, f) if back else (f, away)
        if os.path.exists(src):
            os.rename(src, dst)


def t_db_gone_commit():
    """A message whose final dot arrives while the database is gone."""
    qdir = os.path.join(os.environ["BMX_SPOOL"], "queue")
    with Session() as s:
        s.ehlo()
        want(s.cmd(MAIL_A[0]), 250, "2.1.0")
        want(s.cmd(RCPT_A[0]), 250, "2.1.5")
        want(s.cmd("DATA"), 354)
        s.send(stuff(msg("db gone")))
        files = sorted(os.listdir(qdir))
        move_db(False)
        s.send(b".\r\n")
        want(s.reply(), 451, "4.3.0", "final dot")
        s.quit()
    if sorted(os.listdir(qdir)) != files:
        raise Fail("queue/ changed: %s" % (set(os.listdir(qdir)) ^
                                           set(files)))


def t_db_gone_rcpt():
    return wait_rcpt("user@plain.example", 451)


def t_db_back():
    move_db(True)
    out = wait_rcpt("user@plain.example", 250)
    want(PROBE("user@plain.example"), 250, "2.1.5")
    return out


def t_db_back_queue():
    with Session() as s:
        s.ehlo()
        qid = acked(queued_id(s.mail("back@client.example",
                                     ["user@plain.example"], msg("back"))))
        s.quit()
    if not db_rows("SELECT 1 FROM queue_message WHERE id = ?", (qid,)):
        raise Fail("no queue row for %s" % qid)


def greeting_is(name):
    with Session() as s:
        return s.greeting.code == 220 and s.greeting.text == name + " ESMTP"


def t_sighup():
    with open(CONF) as f:
        orig = f.read()
    try:
        with open(CONF, "w") as f:
            f.write(orig.replace("myhostname = " + HOST,
                                 "myhostname = mx2.test.example"))
        os.kill(PID, signal.SIGHUP)
        v, took = poll(lambda: greeting_is("mx2.test.example"), 5, 0.1)
        if not v:
            raise Fail("greeting still the old name after 5 s")
        with Session() as s:
            r = s.ehlo()
            if r.text.split()[0] != "mx2.test.example":
                raise Fail("EHLO %s" % r)
            s.quit()
    finally:
        with open(CONF, "w") as f:
            f.write(orig)
        os.kill(PID, signal.SIGHUP)
    if not poll(lambda: greeting_is(HOST), 5, 0.1)[0]:
        raise Fail("the old name did not come back after a second SIGHUP")
    return "new greeting after %.2f s" % took


def t_sighup_broken():
    with open(CONF) as f:
        orig = f.read()
    log = os.path.join(T, "relay.log")
    try:
        with open(CONF, "w") as f:
            f.write(orig.replace("myhostname = " + HOST,
                                 "myhostname = mx3.test.example") +
                    "no_such_key = 1\n")
        size = os.path.getsize(log)
        os.kill(PID, signal.SIGHUP)

        def refused():
            with open(log, "rb") as f:
                f.seek(size)
                return b"reload refused" in f.read()
        if not poll(refused, 5, 0.05)[0]:
            raise Fail("no 'reload refused' in the log")
        if not greeting_is(HOST):
            raise Fail("the broken configuration was applied")
    finally:
        with open(CONF, "w") as f:
            f.write(orig)


def t_ctl_queue():
    """backupmxctl queue list --json / queue show, once they exist."""
    p = subprocess.run(CTL + ["queue", "list", "--json"],
                       capture_output=True, text=True)
    if p.returncode == 2:
        return None
    if p.returncode != 0:
        raise Fail("queue list --json: status %d %s" % (p.returncode,
                                                        p.stderr.strip()))
    doc = json.loads(p.stdout)
    text = json.dumps(doc)
    with open(ACKED) as f:
        ids = f.read().split()
    missing = [i for i in ids if i not in text]
    if missing:
        raise Fail("%d acknowledged ids missing, e.g. %s" % (len(missing),
                                                              missing[0]))
    show = subprocess.run(CTL + ["queue", "show", ids[0]],
                          capture_output=True, text=True)
    if show.returncode != 0 or ids[0] not in show.stdout:
        raise Fail("queue show %s: status %d" % (ids[0], show.returncode))
    return "%d ids" % len(ids)


def phase_main():
    check("greeting is '220 %s ESMTP'" % HOST, t_greeting)
    check("EHLO lists PIPELINING, SIZE %d, 8BITMIME, ENHANCEDSTATUSCODES, "
          "SMTPUTF8, DSN" % LIMIT, t_ehlo)
    check("no STARTTLS without a certificate (offer: none; command: 502 "
          "5.5.1)", t_no_starttls)
    check("HELO works, then MAIL and RCPT", t_helo)
    check("MAIL before EHLO: 503 5.5.1",
          conversation([("MAIL FROM:<a@client.example>", 503, "5.5.1")],
                       ehlo=False))
    check("RCPT before EHLO: 503 5.5.1",
          conversation([("RCPT TO:<user@plain.example>", 503, "5.5.1")],
                       ehlo=False))
    check("RCPT before MAIL: 503 5.5.1",
          conversation([("RCPT TO:<user@plain.example>", 503, "5.5.1")]))
    check("DATA before MAIL: 503 5.5.1",
          conversation([("DATA", 503, "5.5.1")]))
    check("DATA before RCPT: 503 5.5.1",
          conversation([MAIL_A, ("DATA", 503, "5.5.1")]))
    check("DATA when every RCPT was refused: 5.5.1", t_data_no_valid_rcpt)
    check("nested MAIL: 503 5.5.1",
          conversation([MAIL_A, ("MAIL FROM:<b@client.example>", 503,
                                 "5.5.1")]))
    check("MAIL FROM:x@y: 501 5.5.4",
          conversation([("MAIL FROM:x@y", 501, "5.5.4")]))
    check("MAIL with an unknown parameter: 555 5.5.4",
          conversation([("MAIL FROM:<a@client.example> FOO=BAR", 555,
                         "5.5.4")]))
    check("RCPT TO:<>: 501 5.1.3",
          conversation([MAIL_A, ("RCPT TO:<>", 501, "5.1.3")]))
    check("unknown command: 500 5.5.2",
          conversation([("FROBNICATE now", 500, "5.5.2")]))
    check("DATA with an argument: 501 5.5.4",
          conversation([MAIL_A, RCPT_A, ("DATA x", 501, "5.5.4"),
                        ("RSET", 250, "2.0.0")]))
    check("EHLO without a name: 501 5.5.4",
          conversation([("EHLO", 501, "5.5.4")], ehlo=False))
    check("VRFY: 252 2.x.x", t_vrfy)
    check("HELP: 214 2.0.0", conversation([("HELP", 214, "2.0.0")]))
    check("NOOP and RSET: 250 2.0.0",
          conversation([("NOOP", 250, "2.0.0"), MAIL_A,
                         ("RSET", 250, "2.0.0"), MAIL_A]))
    check("EXPN: 502 5.5.1", conversation([("EXPN staff", 502, "5.5.1")]))
    check("NUL in a command line: 500 5.5.2", t_nul_in_command)
    check("bare LF in a command line: 500 5.5.2", t_bare_lf_command)
    check("bare CR inside a command line: 500 5.5.2", t_bare_cr_command)

    for what, addr, utf8, code, enh in ADDRESSES:
        check("RCPT %s <%s>: %d %s" % (what, addr, code, enh), t_address,
              addr, utf8, code, enh)
    PROBE.close()
    check("tricks with our domain last are queued for plain.example",
          t_tricks_queued)
    check("U-label recipient queued under the A-label domain", t_idn_queued)

    check("null sender accepted and queued", t_null_sender)
    state = {}
    check("message with dot-stuffed lines and 8-bit text queued", t_body,
          state)
    if "id" in state:
        check("spool file: Received: + the text, dot-unstuffed, otherwise "
              "byte-identical", t_spool_body, state)
        if "hdr" in state:
            check("Received: header names client, us, protocol, id, "
                  "recipient and date", t_received, state)
            check("queue row: node %s, domain, sender, size, recipients"
                  % HOST, t_queue_row, state)
    check("two recipient domains: one 250, two queue rows, same spool "
          "content", t_multi_domain)
    check("PIPELINING: EHLO, MAIL, RCPT, RCPT, DATA in one write, replies "
          "in order", t_pipelining)
    check("PIPELINING: message, final dot and QUIT in one write",
          t_pipelined_quit)
    check("two messages in one session: two queue ids", t_two_messages)
    check("DSN: RET, ENVID (xtext), NOTIFY and ORCPT land in the queue",
          t_dsn_params)
    check("connection dropped in DATA: the partial message is removed",
          t_drop_in_data)
    check("a session stalled in DATA or mid-line does not hold up another",
          t_stalled_session)
    check("too many errors: 421 4.7.0 and close", t_too_many_errors)

    check("command line of 512 octets accepted", t_line_512)
    check("command line of 513 octets: 500 5.5.2, not executed, session "
          "usable", t_line_513)
    check("command line of 100000 octets: one 500 5.5.2, session usable",
          t_line_huge)
    check("MAIL SIZE=%d: 552 5.3.4; SIZE=%d accepted" % (2 * LIMIT, LIMIT),
          t_size_param)
    check("message over the limit without SIZE=: 552 5.3.4 after the dot, "
          "nothing queued", refused_message,
          sized(LIMIT + 50000, "too big"), 552, "5.3.4")
    check("message of exactly message_size_limit octets queued",
          t_size_exact)
    check("text line of 1000 octets (with CRLF) queued", t_text_line_1000)
    check("text line of 1001 octets: 550 5.5.6, nothing queued",
          refused_message, msg("long line", b"b" * 999 + b"\r\n"), 550,
          "5.5.6")
    check("sixth recipient: 452 4.5.3; the five are queued",
          t_too_many_rcpts)
    check("31 Received: headers: 554 5.4.6, nothing queued",
          refused_message, received_msg(31, "loop"), 554, "5.4.6")
    check("30 Received: headers queued", t_loop_30)
    check("Received: lines in the body are not counted", t_received_in_body)
    for what, seq in SMUGGLE:
        check("smuggling %s + fake commands: one 550 5.5.2, nothing queued"
              % what, t_smuggle, seq)
    check("per-client limit: ninth connection 421 4.7.0, the eight and "
          "other clients keep working", t_conn_limit)
    parallel([("command timeout: 421 4.4.2 and close", t_cmd_timeout),
              ("DATA timeout: 421 4.4.2, close, partial removed",
               t_data_timeout)])

    check("backupmx add: RCPT accepted within 1.5 s, no restart",
          t_policy_add)
    check("backupmx del: RCPT refused 550 5.7.1 within 1.5 s",
          t_policy_del)
    check("recipient list entry added and removed: applies within 1.5 s",
          t_list_live)
    PROBE.close()
    check("final dot while the database is gone: 451 4.3.0, no spool file",
          t_db_gone_commit)
    try:
        check("database unreadable: RCPT 451 4.3.0 within 1.5 s",
              t_db_gone_rcpt)
    finally:
        check("database back: RCPT accepted within 1.5 s", t_db_back)
    PROBE.close()
    check("database back: messages are queued again", t_db_back_queue)
    check("SIGHUP reloads the configuration (myhostname)", t_sighup)
    check("SIGHUP with a broken configuration keeps the running one",
          t_sighup_broken)
    check("backupmxctl queue list --json / queue show see every "
          "acknowledged message", t_ctl_queue)
    check("every reply but greeting and EHLO/HELO has an enhanced status "
          "code of its class", enhanced_codes_ok)


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
    size = 40 * 1000 * 1000
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
    check("a 40 MB message is queued; the relay's peak RSS does not grow "
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


PHASES = {"main": phase_main, "tls": phase_tls, "sigterm": phase_sigterm,
          "freespace": phase_freespace}

if __name__ == "__main__":
    PHASES[sys.argv[1]]()
    sys.exit(3 if FAILED[0] else 0)
