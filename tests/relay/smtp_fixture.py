"""smtp_fixture -- what every check module of test_smtp.sh shares: the
environment test_smtp.sh sets up (BMX_PORT, BMX_PID, BMX_CONF, BMX_DB,
BMX_SPOOL, BMX_T, BMX_CTL), the test domains' messages, the record of
acknowledged queue ids, a recipient prober and backupmxctl/sqlite3 calls.
"""
import os
import subprocess

from smtpwire import Fail, Session, db_rows, poll, want


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


# A MAIL and a RCPT that always succeed, as (line, code, enhanced code).
MAIL_A = ("MAIL FROM:<a@client.example>", 250, "2.1.0")
RCPT_A = ("RCPT TO:<user@plain.example>", 250, "2.1.5")


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


def sql(statement):
    p = subprocess.run(["sqlite3", DB], input="PRAGMA busy_timeout = 5000;\n"
                       + statement + "\n", capture_output=True, text=True)
    if p.returncode != 0:
        raise Fail("sqlite3: %s" % p.stderr.strip())


def greeting_is(name):
    with Session() as s:
        return s.greeting.code == 220 and s.greeting.text == name + " ESMTP"
