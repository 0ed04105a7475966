#!/usr/bin/python3
"""The conversations of tests/relay/test_smtp.sh, one phase per start of
backupmxd:

  main       smtp_protocol.run() (protocol, policy and address tricks,
             limits, timeouts, pipelining, smuggling), then
             smtp_queue.run() (spool and queue rows, live policy changes,
             an unreadable database, SIGHUP)
  tls        STARTTLS, big messages, many recipients   (smtp_lifecycle)
  sigterm    SIGTERM while sessions are open            (smtp_lifecycle)
  freespace  the free-space floor, max_connections; every acknowledged
             message still queued                       (smtp_lifecycle)

The environment (BMX_PORT, BMX_PID, BMX_CONF, BMX_DB, BMX_SPOOL, BMX_T,
BMX_CTL) comes from test_smtp.sh.  Exit status: 0 when every check
passed, 3 when some failed (see the not ok lines), anything else when the
phase itself broke.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtp_lifecycle  # noqa: E402
import smtp_protocol  # noqa: E402
import smtp_queue  # noqa: E402
from smtpwire import FAILED, check, enhanced_codes_ok  # noqa: E402


def phase_main():
    smtp_protocol.run()
    smtp_queue.run()
    check("every reply but greeting and EHLO/HELO has an enhanced status "
          "code of its class", enhanced_codes_ok)


PHASES = {"main": phase_main, "tls": smtp_lifecycle.phase_tls,
          "sigterm": smtp_lifecycle.phase_sigterm,
          "freespace": smtp_lifecycle.phase_freespace}

if __name__ == "__main__":
    PHASES[sys.argv[1]]()
    sys.exit(3 if FAILED[0] else 0)
