#!/usr/bin/python3
"""The relay attack battery of tests/relay/test_attack.sh: what an abuser
tries against a backup MX, each case with the exact reply it must get and
the proof that nothing reached the queue (`backupmxctl queue list --json`
and the spool).  Only forms tests/relay/test_smtp.sh does not already
send: see the ADDRESS and SMUGGLE tables there.

  open relay   routes and quoting that name another domain, address
               literals, dots, lookalike and prefix/suffix domains
  smuggling    end-of-data look-alikes not in test_smtp.sh
  STARTTLS     commands pipelined after STARTTLS never run inside TLS;
               STARTTLS in a transaction, twice, with an argument
  slow-loris   a command dribbled an octet at a time times out; slow
               sessions fill only their client's slots; slots come back
  flood        hundreds of connect/close and garbage connections leave
               no slot held and the relay serving

Environment from test_attack.sh: BMX_PORT, BMX_T, BMX_DB, BMX_SPOOL,
BMX_CTL, BMX_TIMEOUT (smtp_timeout, s), BMX_PER_CLIENT.  Exit 3 when a
check failed.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtpwire import (FAILED, Fail, Session, check, poll,  # noqa: E402
                      spool_state, want)

CTL = os.environ["BMX_CTL"].split()
TIMEOUT = float(os.environ["BMX_TIMEOUT"])
PER_CLIENT = int(os.environ["BMX_PER_CLIENT"])


def queue_len():
    p = subprocess.run(CTL + ["queue", "list", "--json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise Fail("backupmxctl queue list --json: %s" % p.stderr.strip())
    return len(json.loads(p.stdout))


class Unchanged:
    """with Unchanged(): ... -- Fail when the queue or spool changed."""

    def __enter__(self):
        self.n, self.spool = queue_len(), spool_state()
        return self

    def __exit__(self, kind, *rest):
        if kind is not None:
            return False
        n, spool = queue_len(), spool_state()
        if n != self.n or spool != self.spool:
            raise Fail("the queue changed: %d -> %d messages (queue list "
                       "--json), spool %d -> %d files" % (
                           self.n, n, len(self.spool[0]), len(spool[0])))
        return False


# ---- open relay --------------------------------------------------------
# (what, address, SMTPUTF8 on MAIL, code, enhanced code).  Our domains:
# plain.example, xn--bcher-kva.example (bücher.example).

RELAY = [
    ("source route through our domain to another",
     "@plain.example:user@other.example", 0, 550, "5.7.1"),
    ("source route through ours, several hops",
     "@plain.example,@xn--bcher-kva.example:user@other.example", 0, 550,
     "5.7.1"),
    ("percent hack, ours in the middle",
     "user%plain.example%other.example@other.example", 0, 550, "5.7.1"),
    ("bang path with our domain first", "plain.example!user@other.example",
     0, 550, "5.7.1"),
    ("quoted local part with our domain, quote to another",
     '"user@plain.example"@other.example', 0, 550, "5.7.1"),
    ("quoted local part with a percent hack",
     '"user%plain.example"@other.example', 0, 550, "5.7.1"),
    ("two @, ours last", "user@other.example@plain.example", 0, 501,
     "5.1.3"),
    ("two @, ours first", "user@plain.example@other.example", 0, 501,
     "5.1.3"),
    ("IPv4 literal of the relay itself", "user@[127.0.0.1]", 0, 550,
     "5.7.1"),
    ("IPv4-mapped IPv6 literal", "user@[IPv6:::ffff:127.0.0.1]", 0, 550,
     "5.7.1"),
    ("domain name in brackets", "user@[plain.example]", 0, 501, "5.1.3"),
    ("two trailing dots", "user@plain.example..", 0, 501, "5.1.3"),
    ("leading dot", "user@.plain.example", 0, 501, "5.1.3"),
    ("another domain with a trailing dot", "user@other.example.", 0, 550,
     "5.7.1"),
    ("another domain in mixed case", "user@OTHER.Example", 0, 550, "5.7.1"),
    ("our name without its first letter", "user@lain.example", 0, 550,
     "5.7.1"),
    ("our name with a letter in front", "user@xplain.example", 0, 550,
     "5.7.1"),
    ("our name cut short", "user@plain.exampl", 0, 550, "5.7.1"),
    ("our name as a label of another", "user@plain.example.com", 0, 550,
     "5.7.1"),
    ("our name with a hyphenated suffix", "user@plain-example.example", 0,
     550, "5.7.1"),
    ("top-level domain of ours", "user@example", 0, 501, "5.1.3"),
    ("Cyrillic a in our name (homograph)", "user@pl\u0430in.example", 1,
     550, "5.7.1"),
    # UTS #46 maps these onto our own name (IDNA as browsers do it): the
    # mail is for our customer, so accepting it relays nothing.
    ("zero-width space in our name maps to ours",
     "user@pl\u200bain.example", 1, 250, "2.1.5"),
    ("fullwidth letters map to our name",
     "user@\uff50\uff4c\uff41\uff49\uff4e.example", 1, 250, "2.1.5"),
    ("fullwidth letters of another name",
     "user@\uff4f\uff54\uff48\uff45\uff52.example", 1, 550, "5.7.1"),
    ("ideographic full stop before another TLD",
     "user@plain\u3002evil", 1, 550, "5.7.1"),
    ("punycode of a lookalike of bücher", "user@xn--bcher-kva.exampIe", 0,
     550, "5.7.1"),
    ("NFD form of bücher (u + combining diaeresis) is ours",
     "user@bu\u0308cher.example", 1, 250, "2.1.5"),
    ("a second address after a comma",
     "user@plain.example>,<user@other.example", 0, 501, "5.5.4"),
    ("tab inside the address", "user@plain.example\tother.example", 0, 501,
     "5.1.3"),
]


def t_rcpt(addr, utf8, code, enh):
    with Unchanged(), Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<probe@client.example>%s"
                   % (" SMTPUTF8" if utf8 else "")), 250, "2.1.0", "MAIL")
        want(s.cmd("RCPT TO:<%s>" % addr), code, enh, "RCPT")
        if code != 250:
            r = s.cmd("DATA")
            if r.code not in (503, 554) or r.enh != "5.5.1":
                raise Fail("DATA after the refused RCPT: %s" % r)
        s.quit()


def t_rcpt_spaces():
    with Unchanged(), Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<probe@client.example>"), 250, "2.1.0")
        want(s.cmd("RCPT TO: <user@other.example>"), 550, "5.7.1",
             "space before <")
        want(s.cmd("RCPT TO:user@other.example"), 501, "5.5.4",
             "no angle brackets")
        want(s.cmd("RCPT  TO:<user@other.example>"), 501, "5.5.4",
             "two spaces after RCPT")
        s.quit()


# ---- smuggling ---------------------------------------------------------

SMUGGLE = [
    ("<CR>.<CR><LF>", b"hello\r.\r\n"),
    ("<CR><LF>.<CR> then text", b"hello\r\n.\rX"),
    ("<LF>.<CR>", b"hello\n.\r"),
    ("<CR><LF>.<SP><CR><LF>", b"hello\r\n. \r\n"),
    ("<LF><LF>.<LF><LF>", b"hello\n\n.\n\n"),
]
FAKE = (b"MAIL FROM:<evil@attacker.example>\r\n"
        b"RCPT TO:<victim@plain.example>\r\nDATA\r\n"
        b"Subject: smuggled\r\n\r\nevil\r\n")


def t_smuggle(seq):
    head = b"From: <s@client.example>\r\nSubject: smuggle\r\n\r\n"
    with Unchanged(), Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<smuggler@client.example>"), 250, "2.1.0")
        want(s.cmd("RCPT TO:<user@plain.example>"), 250, "2.1.5")
        want(s.cmd("DATA"), 354)
        s.send(head + seq + FAKE + b".\r\n")
        want(s.reply(), 550, "5.5.2", "the one reply to the message")
        want(s.cmd("NOOP"), 250, "2.0.0", "next reply (fake commands?)")
        s.quit()


def t_smuggle_dot_space():
    """'. ' is text: no bare line end, so the message is queued whole
    (one 250) and the fake commands are part of its text."""
    head = b"From: <s@client.example>\r\nSubject: dot space\r\n\r\n"
    before = queue_len()
    with Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<dotspace@client.example>"), 250, "2.1.0")
        want(s.cmd("RCPT TO:<user@plain.example>"), 250, "2.1.5")
        want(s.cmd("DATA"), 354)
        s.send(head + b"hello\r\n. \r\n" + FAKE + b".\r\n")
        want(s.reply(), 250, "2.0.0", "final dot")
        want(s.cmd("NOOP"), 250, "2.0.0", "next reply (fake commands?)")
        s.quit()
    if queue_len() != before + 1:
        raise Fail("%d new queue entries, want exactly 1" %
                   (queue_len() - before))
    got = subprocess.run(CTL + ["queue", "list", "--json"],
                         capture_output=True, text=True).stdout
    if "evil@attacker.example" in got:
        raise Fail("a message from the smuggled sender was queued")


# ---- STARTTLS ------------------------------------------------------------

def t_tls_injected_mail():
    with Unchanged(), Session() as s:
        s.ehlo()
        s.send(b"STARTTLS\r\nMAIL FROM:<evil@attacker.example>\r\n"
               b"RCPT TO:<victim@plain.example>\r\nDATA\r\n")
        want(s.reply(), 220, "2.0.0", "STARTTLS")
        s.starttls()
        s.ehlo()
        want(s.cmd("RCPT TO:<victim@plain.example>"), 503, "5.5.1",
             "RCPT inside TLS (the MAIL sent in clear must be gone)")
        s.quit()


def t_tls_in_transaction():
    with Unchanged(), Session() as s:
        s.ehlo()
        want(s.cmd("MAIL FROM:<a@client.example>"), 250, "2.1.0")
        want(s.cmd("STARTTLS"), 503, "5.5.1", "STARTTLS after MAIL")
        want(s.cmd("RSET"), 250, "2.0.0")
        want(s.cmd("STARTTLS now"), 501, "5.5.4", "STARTTLS with argument")
        want(s.cmd("STARTTLS"), 220, "2.0.0")
        s.starttls()
        s.ehlo()
        want(s.cmd("STARTTLS"), 502, "5.5.1", "STARTTLS inside TLS")
        s.quit()


def t_tls_no_ehlo_after():
    """RFC 3207: the state before TLS is forgotten; MAIL needs EHLO."""
    with Unchanged(), Session() as s:
        s.ehlo()
        want(s.cmd("STARTTLS"), 220, "2.0.0")
        s.starttls()
        want(s.cmd("MAIL FROM:<a@client.example>"), 503, "5.5.1",
             "MAIL before the new EHLO")
        s.quit()


# ---- slow-loris and floods ---------------------------------------------

def t_dribble():
    """A command sent an octet every 0.3 s: 421 4.4.2 once smtp_timeout
    has passed, before the line is complete."""
    line = b"MAIL FROM:<slow-loris-attacker@client.example>\r\n"
    with Unchanged(), Session() as s:
        s.sock.settimeout(0.3)
        start, sent = time.monotonic(), 0
        while sent < len(line):
            try:
                s.sock.sendall(line[sent:sent + 1])
            except OSError:
                break
            sent += 1
            try:
                if s.sock.recv(1, socket.MSG_PEEK):
                    break
            except socket.timeout:
                pass
            except OSError:
                break
        s.sock.settimeout(10)
        if sent >= len(line):
            raise Fail("the whole line (%d octets over %.1f s) went through"
                       " without a timeout" % (sent, time.monotonic() -
                                               start))
        want(s.reply(), 421, "4.4.2", "after %d of %d octets" %
             (sent, len(line)))
        return "421 after %d of %d octets" % (sent, len(line))


def dribbler(src, stop):
    """A session from src that sends one octet of NOOP every second."""
    s = Session(src=src)
    if s.greeting.code != 220:
        s.close()
        return None

    def run():
        while not stop.is_set():
            try:
                s.sock.sendall(b"N")
            except OSError:
                return
            stop.wait(1.0)
    threading.Thread(target=run, daemon=True).start()
    return s


def t_slow_sessions():
    src, stop, held = "127.0.0.31", threading.Event(), []
    try:
        for _ in range(PER_CLIENT):
            d = dribbler(src, stop)
            if d is None:
                raise Fail("slow session %d refused" % (len(held) + 1))
            held.append(d)
        extra = Session(src=src)
        want(extra.greeting, 421, "4.7.0", "one slow session too many")
        extra.close()
        with Session(src="127.0.0.32") as other:
            other.ehlo()
            want(other.cmd("MAIL FROM:<a@client.example>"), 250, "2.1.0",
                 "another client while the slow ones hold their slots")
            other.quit()
        # Their commands never end: each one times out, and the client
        # gets its slots back.

        def admitted():
            s = Session(src=src)
            ok = s.greeting.code == 220
            s.close()
            return ok
        if not poll(admitted, TIMEOUT * 3 + 5, 0.2)[0]:
            raise Fail("the slow sessions' slots never came back")
    finally:
        stop.set()
        for s in held:
            s.close()


def t_flood():
    """Connect/close and garbage from one address, 8 threads at once."""
    src, n, refused = "127.0.0.41", 400, [0]

    def hammer(k):
        for i in range(n // 8):
            try:
                c = socket.create_connection(
                    ("127.0.0.1", int(os.environ["BMX_PORT"])), 5,
                    source_address=(src, 0))
                if (i + k) % 3 == 0:
                    c.sendall(b"\x16\x03\x01\x00garbage\r\n" * 3)
                c.close()
            except OSError:
                refused[0] += 1
    ts = [threading.Thread(target=hammer, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # Afterwards: the same address gets all its slots again.
    held = []

    def slots_back():
        for s in held:
            s.close()
        held[:] = []
        for _ in range(PER_CLIENT):
            s = Session(src=src)
            held.append(s)
            if s.greeting.code != 220:
                return False
        return True
    try:
        if not poll(slots_back, 10, 0.3)[0]:
            raise Fail("after the flood the client does not get its %d "
                       "slots back" % PER_CLIENT)
        for s in held:
            want(s.cmd("NOOP"), 250, "2.0.0", "session after the flood")
    finally:
        for s in held:
            s.close()
    return "%d connections, %d refused at connect" % (n, refused[0])


def main():
    for what, addr, utf8, code, enh in RELAY:
        check("open relay: %s <%s>: %d %s, nothing queued" %
              (what, addr.encode("unicode_escape").decode(), code, enh),
              t_rcpt, addr, utf8, code, enh)
    check("open relay: RCPT TO: with a space 550, without <> 501, nothing "
          "queued", t_rcpt_spaces)
    for what, seq in SMUGGLE:
        if seq == b"hello\r\n. \r\n":
            check("smuggling %s: text, one 250, no smuggled message" % what,
                  t_smuggle_dot_space)
            continue
        check("smuggling %s + fake commands: one 550 5.5.2, nothing queued"
              % what, t_smuggle, seq)
    check("STARTTLS: MAIL/RCPT/DATA pipelined after it are discarded (RCPT "
          "in TLS: 503 5.5.1), nothing queued", t_tls_injected_mail)
    check("STARTTLS in a transaction 503, with an argument 501, inside TLS "
          "502", t_tls_in_transaction)
    check("STARTTLS forgets EHLO: MAIL right after the handshake 503 5.5.1",
          t_tls_no_ehlo_after)
    check("slow-loris: a command dribbled an octet at a time gets 421 "
          "4.4.2 after smtp_timeout", t_dribble)
    check("slow-loris: %d slow sessions fill only their client's slots "
          "(421 4.7.0 for one more), others work, slots come back" %
          PER_CLIENT, t_slow_sessions)
    check("flood: connect/close and garbage from one address leave no slot "
          "held; the relay answers", t_flood)


if __name__ == "__main__":
    main()
    sys.exit(3 if FAILED[0] else 0)
