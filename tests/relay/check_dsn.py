#!/usr/bin/python3
"""check_dsn.py FILE RCPT ACTION STATUS-REGEX SENDER: is FILE (a message as the
sender's server received it) an RFC 3464 report about RCPT with ACTION and
STATUS, addressed to SENDER, carrying the original headers but not the
body?  Exit 0 when it is; else print why and exit 1."""
import email
import email.policy
import re
import sys


def fail(why):
    print("check_dsn: " + why)
    sys.exit(1)


def main():
    path, rcpt, action, status, sender = sys.argv[1:6]
    raw = open(path, "rb").read()
    # Drop the Received: header the relay put on the DSN itself.
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if msg.get_content_type() != "multipart/report":
        fail("type is " + msg.get_content_type())
    if msg.get_param("report-type") != "delivery-status":
        fail("report-type is %r" % msg.get_param("report-type"))
    if sender not in str(msg["To"]):
        fail("To: is %r" % msg["To"])
    if "MAILER-DAEMON@" not in str(msg["From"]):
        fail("From: is %r" % msg["From"])
    parts = list(msg.iter_parts())
    types = [p.get_content_type() for p in parts]
    if types[:2] != ["text/plain", "message/delivery-status"] or \
            types[2] not in ("text/rfc822-headers", "message/rfc822"):
        fail("parts are %r" % types)
    blocks = parts[1].get_payload()
    per_rcpt = [b for b in blocks if b.get("Final-Recipient")]
    if not blocks[0].get("Reporting-MTA"):
        fail("no Reporting-MTA")
    found = [b for b in per_rcpt
             if rcpt.lower() in b["Final-Recipient"].lower()]
    if not found:
        fail("no block for %s in %r" % (rcpt, [str(b) for b in per_rcpt]))
    b = found[0]
    if b["Action"].strip().lower() != action:
        fail("Action is %r" % b["Action"])
    if not re.fullmatch(status, b["Status"].strip()):
        fail("Status is %r" % b["Status"])
    headers = parts[2].get_payload() if isinstance(parts[2].get_payload(), str) \
        else parts[2].as_string()
    if "Subject:" not in headers and "subject:" not in headers.lower():
        fail("original headers missing")
    if "hello from the test" in headers:
        fail("the original body leaked into the report")
    return 0


if __name__ == "__main__":
    main()
