"""Parse a DSN written by test_dsn (BMX_DSN_SAMPLE) with Python's email
package, as a sender's mail software would, and check what it sees.

Usage: dsn_check.py SAMPLE   (SAMPLE.headers holds the attached header
section).  Prints one "ok - ..." or "not ok - ..." line per check; exits
1 if any failed.
"""
import email
import email.policy
import sys

failed = 0


def check(what, cond, detail=""):
    global failed
    if cond:
        print("ok - dsn parse: " + what)
    else:
        failed = 1
        print("not ok - dsn parse: " + what +
              (": " + detail if detail else ""))


def main(path):
    raw = open(path, "rb").read()
    want_headers = open(path + ".headers", "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)

    lines = raw.split(b"\r\n")
    check("CRLF line ends only", b"\n" not in raw.replace(b"\r\n", b"")
          and b"\r" not in raw.replace(b"\r\n", b""))
    check("no line over 998 octets", max(len(x) for x in lines) <= 998)
    check("7-bit throughout", all(b < 0x80 for b in raw))
    check("no defects", not msg.defects, repr(msg.defects))
    check("multipart", msg.is_multipart())
    check("multipart/report", msg.get_content_type() == "multipart/report",
          msg.get_content_type())
    check("report-type=delivery-status",
          msg.get_param("report-type") == "delivery-status")
    check("Auto-Submitted", msg["Auto-Submitted"] == "auto-replied")
    check("From MAILER-DAEMON",
          msg["From"].addresses[0].addr_spec ==
          "MAILER-DAEMON@mx.backup.example")
    check("To the sender", msg["To"].addresses[0].addr_spec ==
          "alice@example.org")
    check("Subject", msg["Subject"] == "Undelivered Mail Returned to Sender")
    check("Date parses", msg["Date"].datetime is not None and
          msg["Date"].datetime.utcoffset().total_seconds() == 0)
    check("Message-ID", str(msg["Message-ID"]).endswith("@mx.backup.example>"))

    parts = msg.get_payload()
    types = [p.get_content_type() for p in parts]
    check("three parts", len(parts) == 3, repr(types))
    if len(parts) != 3:
        return
    check("part types", types == ["text/plain", "message/delivery-status",
                                  "text/rfc822-headers"], repr(types))
    text = parts[0].get_content()
    check("human part names the failed recipient",
          "<bob@example.com>: host mx1.example.com said:" in text)
    check("human part names the UTF-8 recipient",
          "<j\u00f6rg@b\u00fc.example>:" in text)
    check("human part lines < 78 columns",
          max(len(x) for x in text.splitlines()) < 78)

    blocks = parts[1].get_payload()
    check("status blocks: message + 4 recipients", len(blocks) == 5,
          str(len(blocks)))
    if len(blocks) != 5:
        return
    per_msg = blocks[0]
    check("Reporting-MTA",
          per_msg["Reporting-MTA"] == "dns; mx.backup.example")
    check("X-Backupmx-Queue-ID",
          per_msg["X-Backupmx-Queue-ID"] == "4AB12CDEFGH00001")
    check("Original-Envelope-Id",
          per_msg["Original-Envelope-Id"] == "QQ314159")
    check("Arrival-Date", per_msg["Arrival-Date"] is not None)
    want = [
        ("rfc822; bob@example.com", "failed", "5.1.1"),
        ("rfc822; carol@example.net", "delayed", "4.4.1"),
        ("rfc822; dave@example.com", "delivered", "2.0.0"),
        ("utf-8; j\\x{F6}rg@b\\x{FC}.example", "failed", "5.7.1"),
    ]
    for i, (rcpt, action, status) in enumerate(want):
        b = blocks[i + 1]
        got = (b["Final-Recipient"], b["Action"], b["Status"])
        check("recipient %d: Final-Recipient, Action, Status" % (i + 1),
              got == (rcpt, action, status), repr(got))
    check("Original-Recipient", blocks[1]["Original-Recipient"] ==
          "rfc822; bob@example.com")
    check("Diagnostic-Code", blocks[1]["Diagnostic-Code"].startswith(
        "smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected"))
    check("hostile reply stays inside its field",
          blocks[4]["Diagnostic-Code"] ==
          "smtp; 554 5.7.1 no X-Injected: yes more"
          and all(b["X-Injected"] is None for b in blocks)
          and msg["X-Injected"] is None)

    got = parts[2].get_payload(decode=True)
    check("attached headers equal the original's",
          got.replace(b"\r\n", b"\n") == want_headers.replace(b"\r\n", b"\n"),
          repr(got[-80:]))
    check("the original's body is not attached", b"THE BODY" not in raw)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # a crash is one failed check, not silence
        check("parser ran", False, repr(e))
    sys.exit(failed)
