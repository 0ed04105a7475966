#!/usr/bin/python3
"""Time how long a mail queue takes to empty after a command.

Used by bench/drain.sh.  Counts the queue every POLL seconds -- rows of
queue_message in the relay's SQLite database, or queue files of a Postfix
queue directory -- runs COMMAND (the "deliver now" of the server), and
polls until the queue is empty or TIMEOUT seconds have passed.  One
process polls for the whole run, so the count costs no fork per poll.

    drain_wait.py --sqlite DB | --postfix QUEUE_DIR  [--timeout S]
                  [--poll S] -- COMMAND ARG...

Prints one line, times in seconds from just before COMMAND:
    before left total first t90 t10
before: messages queued before COMMAND; left: still queued at the end;
total: until the queue was empty (or the timeout); first: until the count
first dropped; t90, t10: until 90 % and 10 % of `before` were left
(-1 when not reached).  Exit status: 0 when the queue emptied, 1 if not,
2 on a usage or command error.
"""
import os
import sqlite3
import subprocess
import sys
import time

# Where Postfix keeps a message until it is delivered (hashed below).
PFX_DIRS = ("incoming", "active", "deferred", "hold", "maildrop")


def count_files(top):
    n = 0
    stack = [top]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    else:
                        n += 1
        except FileNotFoundError:
            pass
    return n


def postfix_counter(qdir):
    def count():
        return sum(count_files(os.path.join(qdir, d)) for d in PFX_DIRS)
    return count


def sqlite_counter(path):
    # autocommit: each SELECT is its own read transaction, so the relay's
    # WAL checkpoints are never held back between polls.
    db = sqlite3.connect(path, timeout=5, isolation_level=None)

    def count():
        for _ in range(50):
            try:
                return db.execute(
                    "SELECT count(*) FROM queue_message").fetchone()[0]
            except sqlite3.OperationalError:
                time.sleep(0.02)	# busy: the relay checkpoints
        raise SystemExit("drain_wait: database stays busy")
    return count


def main(argv):
    args = {"--timeout": "240", "--poll": "0.1"}
    counter = None
    i = 0
    while i < len(argv) and argv[i] != "--":
        if i + 1 >= len(argv):
            raise SystemExit(__doc__)
        opt, val = argv[i], argv[i + 1]
        if opt == "--sqlite":
            counter = sqlite_counter(val)
        elif opt == "--postfix":
            counter = postfix_counter(val)
        elif opt in args:
            args[opt] = val
        else:
            raise SystemExit(__doc__)
        i += 2
    cmd = argv[i + 1:]
    if counter is None or not cmd:
        raise SystemExit(__doc__)
    timeout, poll = float(args["--timeout"]), float(args["--poll"])

    before = counter()
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    if r.returncode != 0:
        print("drain_wait: %s exited %d" % (cmd[0], r.returncode),
              file=sys.stderr)
        return 2
    first = t90 = t10 = -1.0
    left = before
    while True:
        now = time.monotonic() - t0
        left = counter()
        if first < 0 and left < before:
            first = now
        if t90 < 0 and left <= before * 0.9:
            t90 = now
        if t10 < 0 and left <= before * 0.1:
            t10 = now
        if left == 0 or now > timeout:
            break
        time.sleep(poll)
    print("%d %d %.3f %.3f %.3f %.3f" % (before, left, now, first, t90, t10))
    return 0 if left == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
