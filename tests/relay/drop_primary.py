#!/usr/bin/python3
"""A primary MX that fails in the middle of DATA, for test_faults.sh.

    drop_primary.py PORT COUNTFILE

Listens on 127.0.0.1:PORT, answers the greeting, EHLO, NOOP, MAIL and
RCPT like a healthy server, says 354 to DATA, reads the first piece of
the text and then closes the connection without a reply.  Each drop
appends a line to COUNTFILE.  Runs until killed.  Standard library only.
"""
import socket
import sys
import threading


def serve(conn, countfile):
    f = conn.makefile("rb")
    try:
        conn.sendall(b"220 drop.test ESMTP\r\n")
        for line in f:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250-drop.test\r\n250 SIZE 100000000\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 2.0.0 bye\r\n")
                return
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                conn.recv(1024)		# some of the text, then gone
                with open(countfile, "a") as c:
                    c.write("drop\n")
                return
            else:
                conn.sendall(b"250 2.0.0 ok\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def main(port, countfile):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(port)))
    s.listen(16)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, countfile),
                         daemon=True).start()


if __name__ == "__main__":
    main(*sys.argv[1:])
