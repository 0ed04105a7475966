#!/usr/bin/python3
"""One SMTP transaction for tests/relay/test_faults.sh.

    fault_send.py PORT RCPT SIZE [SEED]

Sends a message of about SIZE octets (lines of printable text, a Subject
naming SEED) to RCPT on 127.0.0.1:PORT and prints the reply codes in
order: MAIL, RCPT, DATA, final dot (as far as the dialogue got), then the
queue id when there is one, e.g. "250 250 354 250 0123ABCD...".  With
SAVE=FILE in the environment the exact text sent goes to FILE.
Standard library only (smtpwire.py).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtpwire import Session, stuff  # noqa: E402


def text(size, seed):
    head = ("From: <fault@client.example>\r\nTo: <x@fault.example>\r\n"
            "Subject: fault %s\r\n\r\n" % seed).encode()
    line = (("%s " % seed) * 80)[:76].encode() + b"\r\n"
    return head + line * max(1, (size - len(head)) // len(line))


def main(port, rcpt, size, seed="0"):
    data = text(int(size), seed)
    if os.environ.get("SAVE"):
        with open(os.environ["SAVE"], "wb") as f:
            f.write(data)
    codes = []
    with Session(port=int(port), timeout=30) as s:
        s.ehlo()
        for line in ("MAIL FROM:<fault@client.example>",
                     "RCPT TO:<%s>" % rcpt, "DATA"):
            r = s.cmd(line)
            codes.append(str(r.code))
            if r.code >= 400:
                print(" ".join(codes))
                return
        s.send(stuff(data) + b".\r\n")
        r = s.reply()
        codes.append(str(r.code))
        m = re.search(r"queued as ([0-9A-V]{16})$", r.text)
        if m:
            codes.append(m.group(1))
    print(" ".join(codes))


if __name__ == "__main__":
    main(*sys.argv[1:])
