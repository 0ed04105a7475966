"""smtp_queue -- what an accepted message becomes: spool file (Received:
prepended, dot-unstuffed, otherwise byte-identical), queue rows (node,
domains, DSN parameters), and the policy and database around it: live
changes without restart, an unreadable database, SIGHUP, backupmxctl's
view of the queue.  run() is part of the "main" phase of smtp_checks.py.
"""
import json
import os
import signal
import subprocess
import time

from smtp_fixture import (ACKED, CONF, CTL, DB, HOST, MAIL_A, PID, PROBE,
                          RCPT_A, T, acked, ctl, greeting_is, msg, rcpts_of,
                          received_split, sql, wait_rcpt)
from smtpwire import (Fail, Session, check, db_rows, nothing_queued, poll,
                      queued_id, spool_path, spool_state, stuff, want)


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


def t_ipv6_listener():
    port = int(os.environ["BMX_PORT6"])
    with Session(port, host="::1") as s:
        want(s.greeting, 220, what="greeting on [::1]")
        s.ehlo()
        qid = acked(queued_id(s.mail("v6@client.example",
                                     ["user@plain.example"], msg("v6"))))
        s.quit()
    with open(spool_path(qid), "rb") as f:
        hdr = received_split(f.read())[0]
    if b"([IPv6:::1])" not in hdr:
        raise Fail("Received: lacks the address literal [IPv6:::1]: %r"
                   % hdr)
    row = db_rows("SELECT client FROM queue_message WHERE id = ?", (qid,))
    if row != [("::1",)]:
        raise Fail("queue row client %s" % row)


# ---- live policy, unreadable database, SIGHUP -------------------------

def t_policy_add():
    ctl("backupmx", "add", "later.example")
    return wait_rcpt("user@later.example", 250)


def t_policy_del():
    ctl("backupmx", "del", "later.example")
    out = wait_rcpt("user@later.example", 550)
    want(PROBE("user@later.example"), 550, "5.7.1")
    return out


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


def t_sigpipe():
    os.kill(PID, signal.SIGPIPE)
    time.sleep(0.3)
    if not greeting_is(HOST):
        raise Fail("no greeting after SIGPIPE")


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


def run():
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
    check("two messages in one session: two queue ids", t_two_messages)
    check("DSN: RET, ENVID (xtext), NOTIFY and ORCPT land in the queue",
          t_dsn_params)
    check("connection dropped in DATA: the partial message is removed",
          t_drop_in_data)
    if os.environ.get("BMX_PORT6"):
        check("second listener [::1] (comma-separated smtp_listen): queued, "
              "Received: from ([IPv6:::1])", t_ipv6_listener)
    else:
        print("# no IPv6 loopback here: the [::1] listener is not tested")

    check("backupmx add: RCPT accepted within 1.5 s, no restart",
          t_policy_add)
    check("backupmx del: RCPT refused 550 5.7.1 within 1.5 s",
          t_policy_del)
    check("recipient list entry added and removed: applies within 1.5 s",
          t_list_live)
    PROBE.close()
    check("final dot while the database is gone: 451 4.3.0, no spool file",
          t_db_gone_commit)
    check("database unreadable: RCPT 451 4.3.0 within 1.5 s", t_db_gone_rcpt)
    check("database back: RCPT accepted within 1.5 s", t_db_back)
    PROBE.close()
    check("database back: messages are queued again", t_db_back_queue)
    check("SIGHUP reloads the configuration (myhostname)", t_sighup)
    check("SIGHUP with a broken configuration keeps the running one",
          t_sighup_broken)
    check("a stray SIGPIPE does not stop the relay", t_sigpipe)
    check("backupmxctl queue list --json / queue show see every "
          "acknowledged message", t_ctl_queue)
