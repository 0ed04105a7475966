#!/usr/bin/python3
"""Probes per destination per interval with many destinations down.

Used by bench/probes.sh, which starts backupmxd in a private network
namespace and runs this helper in the same namespace, so that the
kernel's TCP counters there count the relay's connection attempts and
nothing else.

1. Inject: one message of SIZE bytes to rcpt@DOMAIN for each of the N
   domains (DOMAIN = --fmt % i), over --sessions SMTP sessions
   (smtplib, several messages per session).
2. First attempts: follow the relay's log until every destination has
   been tried once ("DEST: destination unreachable" lines), at most
   --first-max seconds.
3. Window: ROUNDS x INTERVAL seconds more; every "destination
   unreachable" line is one connection attempt to that destination
   (first attempt or probe), time-stamped when read (every 0.05 s).
   Kernel TCP ActiveOpens/AttemptFails of the namespace and the relay's
   CPU time (/proc/PID/stat) are read at both ends of the window.

Prints the tables, and with --raw FILE writes "t dest" per attempt.
"""
import argparse
import os
import smtplib
import sys
import threading
import time

MARK = ": destination unreachable ("


def tcp_counters():
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Tcp:")]
    d = dict(zip(rows[0][1:], rows[1][1:]))
    return int(d["ActiveOpens"]), int(d["AttemptFails"])


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return int(v[11]) + int(v[12])		# utime + stime


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split()[1]
    return "?"


class LogTail:
    """Reads the relay's log as it grows; one (t, dest) per attempt."""

    def __init__(self, path, t0):
        self.f = open(path, "rb")
        self.t0 = t0
        self.buf = b""
        self.events = []
        self.first = {}		# dest -> time of its first attempt

    def poll(self):
        data = self.f.read()
        if not data:
            return
        now = time.monotonic() - self.t0
        lines = (self.buf + data).split(b"\n")
        self.buf = lines.pop()
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            i = line.find(MARK)
            if i < 0:
                continue
            # "backupmxd[PID]: DEST: destination unreachable (...)"
            dest = line[:i].rsplit(" ", 1)[-1]
            self.events.append((now, dest))
            self.first.setdefault(dest, now)

    def follow(self, until, stop=None, progress=None):
        last = 0.0
        while time.monotonic() - self.t0 < until:
            self.poll()
            if stop is not None and stop():
                break
            now = time.monotonic() - self.t0
            if progress is not None and now - last >= 5:
                progress(now)
                last = now
            time.sleep(0.05)
        self.poll()


def inject(host, port, doms, sessions, size):
    """One message per domain; returns (accepted, refused, seconds)."""
    body = "Subject: probe test\r\n\r\n" + "x" * 70 + "\r\n"
    body = (body * (size // len(body) + 1))[:size]
    lock = threading.Lock()
    result = {"ok": 0, "bad": 0, "err": []}

    def worker(part):
        ok = bad = 0
        s = None
        for d in part:
            for _ in range(3):
                try:
                    if s is None:
                        s = smtplib.SMTP(host, port, "inject.example",
                                         timeout=60)
                    s.sendmail("sender@client.example", ["rcpt@" + d], body)
                    ok += 1
                    break
                except smtplib.SMTPRecipientsRefused:
                    bad += 1
                    break
                except (smtplib.SMTPException, OSError) as e:
                    with lock:
                        result["err"].append(str(e))
                    try:
                        s.close()
                    except Exception:
                        pass
                    s = None
            else:
                bad += 1
        if s is not None:
            try:
                s.quit()
            except Exception:
                pass
        with lock:
            result["ok"] += ok
            result["bad"] += bad

    t = time.monotonic()
    th = [threading.Thread(target=worker, args=(doms[k::sessions],))
          for k in range(sessions)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    if result["err"]:
        print("inject: %d retried errors, e.g. %s" % (len(result["err"]),
              result["err"][0]), file=sys.stderr)
    return result["ok"], result["bad"], time.monotonic() - t


def pct(v, q):
    if not v:
        return 0
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--fmt", required=True)
    ap.add_argument("--interval", type=float, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--first-max", type=float, default=60)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--default-interval", type=float, default=300)
    ap.add_argument("--raw")
    a = ap.parse_args()
    hz = os.sysconf("SC_CLK_TCK")
    doms = [a.fmt % i for i in range(a.n)]

    t0 = time.monotonic()
    tail = LogTail(a.log, t0)
    cpu0 = cpu_ticks(a.pid)
    # Inject in the background; follow the log meanwhile, so that first
    # attempts during the injection get their own time.
    res = []
    th = threading.Thread(target=lambda: res.append(inject(
        "127.0.0.1", a.port, doms, a.sessions, a.size)))
    th.start()

    def progress(now):
        print("  %5.0f s: %d attempts, %d of %d destinations tried" %
              (now, len(tail.events), len(tail.first), a.n), file=sys.stderr)

    tail.follow(1e9, stop=lambda: not th.is_alive(), progress=progress)
    th.join()
    ok, bad, inj_secs = res[0]
    t_inj = time.monotonic() - t0
    print("  injected %d (%d refused) in %.1f s; waiting for first attempts"
          % (ok, bad, inj_secs), file=sys.stderr)

    tail.follow(t_inj + a.first_max, stop=lambda: len(tail.first) >= a.n,
                progress=progress)
    t_a = time.monotonic() - t0
    first_done = len(tail.first)
    cpu_a = cpu_ticks(a.pid)
    ao0, af0 = tcp_counters()
    n_before = len(tail.events)
    window = a.rounds * a.interval
    print("  %d of %d destinations tried once after %.1f s; window of %d x"
          " %g s" % (first_done, a.n, t_a - t_inj, a.rounds, a.interval),
          file=sys.stderr)
    tail.follow(t_a + window, progress=progress)
    t_b = time.monotonic() - t0
    cpu_b = cpu_ticks(a.pid)
    ao1, af1 = tcp_counters()
    rss = proc_status(a.pid, "VmHWM")
    threads = proc_status(a.pid, "Threads")

    win = tail.events[n_before:]
    span = t_b - t_a
    per = {}
    for t, d in win:
        per[d] = per.get(d, 0) + 1
    # Gaps between two attempts on one destination, over the whole run.
    last, gaps = {}, []
    for t, d in tail.events:
        if d in last:
            gaps.append(t - last[d])
        last[d] = t
    # next_probe has whole seconds, and the line is logged after the
    # probe's database writes: a gap a little under the interval is
    # timing noise; a second probe in the same interval is a gap of about
    # a tick (1 s).
    too_soon = sum(1 for g in gaps if g < a.interval / 2)
    # Attempts per second of the window, in 1-s buckets.
    buckets = [0] * max(1, int(span + 0.999))
    for t, d in win:
        buckets[min(len(buckets) - 1, int(t - t_a))] += 1
    rate = len(win) / span if span > 0 else 0
    per_dest_int = len(win) / (a.n * span / a.interval) if span > 0 else 0
    hist = {}
    for d in doms:
        c = per.get(d, 0)
        hist[c] = hist.get(c, 0) + 1
    probed = sum(1 for d in doms if per.get(d, 0) > 0)
    never = a.n - len(tail.first)
    # How far down the sorted list of destinations the window reached.
    order = {d: i for i, d in enumerate(sorted(doms))}
    reach = max((order[d] for d in per if d in order), default=-1) + 1

    if a.raw:
        with open(a.raw, "w") as f:
            for t, d in tail.events:
                f.write("%.2f %s\n" % (t, d))

    ideal_h = a.n * 3600 / a.default_interval
    kern_pdi = (ao1 - ao0) / (a.n * span / a.interval) if span > 0 else 0
    # Whole-second next_probe and the 1-s tick stretch the period to
    # interval + 0..1 s: 0.9 per interval is still "one per interval".
    saturated = kern_pdi < 0.9
    cap_h = rate * 3600
    print()
    print("%-50s | %s" % ("probes with destinations down", "value"))
    rows = [
        ("destinations (one 1 KB message each)", "%d" % a.n),
        ("probe_interval (s)", "%g" % a.interval),
        ("injection: accepted / s", "%d / %.1f" % (ok, inj_secs)),
        ("first attempts done / seconds after injection",
         "%d / %.1f%s" % (first_done, t_a - t_inj,
                          "" if first_done == a.n else " (gave up)")),
        ("window: intervals observed / seconds",
         "%.2f / %.1f" % (span / a.interval, span)),
        ("attempts in window: relay log / kernel TCP",
         "%d / %d (%d refused)" % (len(win), ao1 - ao0, af1 - af0)),
        ("destinations attempted in window", "%d of %d" % (probed, a.n)),
        ("  ... reached in sorted order up to", "#%d" % reach),
        ("destinations never attempted at all", "%d" % never),
        ("attempts per destination in window: count",
         ", ".join("%dx:%d" % (k, hist[k]) for k in sorted(hist))),
        ("probes per destination per interval: log / kernel",
         "%.3f / %.3f" % (per_dest_int, kern_pdi)),
        ("gap between attempts on one dest: min/1%/median",
         "%.1f / %.1f / %.1f s; %d under half an interval" % (
             min(gaps) if gaps else -1, pct(gaps, 0.01), pct(gaps, 0.5),
             too_soon)),
        ("attempts per second in window: median/max",
         "%d / %d" % (pct(buckets, 0.5), max(buckets))),
        ("probe rate in window (per s)", "%.1f%s" % (rate, (
            " = capacity (saturated)" if saturated else
            " = demand (not saturated)"))),
    ]
    if saturated:
        rows += [
            ("max destinations at 1 probe/interval",
             "%.0f at %gs, %.0f at %gs" % (rate * a.interval, a.interval,
                                           rate * a.default_interval,
                                           a.default_interval)),
            ("probes/hour at %gs interval: needed / capacity" %
             a.default_interval,
             "%.0f / %.0f -> %s" % (ideal_h, cap_h, "keeps up" if cap_h >=
                                    ideal_h else "SATURATED: %.2f per dest "
                                    "per interval" % (cap_h / ideal_h))),
        ]
    else:
        rows += [
            ("probes/hour at %gs interval (1 per dest)" % a.default_interval,
             "%.0f" % ideal_h),
        ]
    rows += [
        ("relay CPU: injection+first / window (s)",
         "%.2f / %.2f (%.2f ms per attempt)" % (
             (cpu_a - cpu0) / hz, (cpu_b - cpu_a) / hz,
             1000 * (cpu_b - cpu_a) / hz / len(win) if win else 0)),
        ("relay CPU during window (share of 1 CPU)",
         "%.0f %%" % (100 * (cpu_b - cpu_a) / hz / span if span else 0)),
        ("relay peak RSS / threads at the end", "%s kB / %s" % (rss,
                                                               threads)),
    ]
    for k, v in rows:
        print("%-50s | %s" % (k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
