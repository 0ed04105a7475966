"""smtp_protocol -- the conversation itself: greeting, EHLO, sequence
and syntax errors, the recipient policy against tricky address forms,
PIPELINING, limits (line lengths, SIZE, recipients, loops), timeouts,
connection limits and SMTP smuggling.  run() is part of the "main"
phase of smtp_checks.py.
"""
import os
import time

from smtp_fixture import (HOST, LIMIT, MAIL_A, PROBE, RCPT_A, acked, msg,
                          rcpts_of)
from smtpwire import (Fail, Session, check, db_rows, nothing_queued, parallel,
                      poll, queued_id, spool_state, stuff, want)


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
    ("UTF-8 local part with SMTPUTF8", "jörg@plain.example", 1, 250, "2.1.5"),
    ("UTF-8 local part without SMTPUTF8", "jörg@plain.example", 0, 553,
     "5.6.7"),
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


# ---- pipelining, stalls, errors ----------------------------------------

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


def run():
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

    check("PIPELINING: EHLO, MAIL, RCPT, RCPT, DATA in one write, replies "
          "in order", t_pipelining)
    check("PIPELINING: message, final dot and QUIT in one write",
          t_pipelined_quit)
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
