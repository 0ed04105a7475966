#!/usr/bin/python3
"""A programmable primary mail server for the relay's delivery tests.

    fake_primary.py PORT MAILDIR [--tls CERT KEY]

Listens on 127.0.0.1:PORT (aiosmtpd) and stores every accepted message as
MAILDIR/<n>.eml (the bytes as received, dot-stuffing undone) with the
envelope in MAILDIR/<n>.json.  Recipients choose their fate by their local
part: r451... gets 451 4.2.1, r550... gets 550 5.1.1, anything else 250.
A file MAILDIR/DATA451 makes the end of data answer 451; MAILDIR/DROP makes
the server drop the connection after DATA instead of answering.
"""
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        local = address.split("@")[0].lower()
        if local.startswith("r451"):
            return "451 4.2.1 Mailbox busy, try again later"
        if local.startswith("r550"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if os.path.exists(os.path.join(self.maildir, "DROP")):
            server.transport.close()
            return "421 4.3.0 gone"
        if os.path.exists(os.path.join(self.maildir, "DATA451")):
            return "451 4.3.0 Local problem, try again later"
        self.count += 1
        base = os.path.join(self.maildir, "%d-%d" % (os.getpid(), self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from,
                       "to": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "helo": session.host_name}, f)
        return "250 2.0.0 Ok: stored"


def main():
    port, maildir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(maildir, exist_ok=True)
    tls = None
    if len(sys.argv) == 6 and sys.argv[3] == "--tls":
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(sys.argv[4], sys.argv[5])
    handler = Handler(maildir)
    ctl = Controller(handler, hostname="127.0.0.1", port=port,
                     tls_context=tls, require_starttls=False,
                     decode_data=False, data_size_limit=0)
    ctl.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_until_complete(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        ctl.stop()


if __name__ == "__main__":
    main()
