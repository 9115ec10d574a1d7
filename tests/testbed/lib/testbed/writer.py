"""The workload of a running emulated zone: keeps rewriting a set of files in
the zone's root and in its delegated datasets at a configured rate until
the zone shuts down, and logs every completed write (after fsync) as

    SEQ<TAB>PATH<TAB>SIZE<TAB>SHA256

in DIR/hosts/H/workload/ZONE.log, so a test can check after a move that the
last logged content of every path arrived. SIGTERM ends it after the write
in progress is complete and logged.

Knob DIR/hosts/H/knobs/workload-ZONE.json: {"rate": bytes per second,
"files": number of files per directory, "size": bytes per write}.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time

from . import common, zonestore


def targets(h, rec):
    zp = rec["config"]["globals"]["zonepath"]
    dirs = [os.path.join(zp, "root", "var", "tmp", "workload")]
    for r in rec["config"]["resources"]:
        if r["type"] == "dataset":
            ds = r["props"].get("name")
            mp = subprocess.run([common.REAL_ZFS, "get", "-H", "-o", "value", "mountpoint", ds],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
            if mp.startswith("/"):
                dirs.append(os.path.join(mp, "workload"))
    return dirs


def main(argv):
    d, host, zone = argv[:3]
    h = common.host_named(d, host)
    knob = common.load_json(h.path("knobs", "workload-%s.json" % zone), {})
    rate = float(knob.get("rate", 65536))
    nfiles = int(knob.get("files", 4))
    size = int(knob.get("size", 4096))
    rec = zonestore.load(h, zone)
    dirs = targets(h, rec)
    for x in dirs:
        os.makedirs(x, exist_ok=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    logp = h.path("workload", zone + ".log")
    os.makedirs(os.path.dirname(logp), exist_ok=True)
    log = open(logp, "a")
    seq = 0
    prev = common.read_text(logp, "")
    if prev.strip():
        seq = int(prev.strip().splitlines()[-1].split("\t")[0]) + 1
    paths = [os.path.join(x, "f%d" % i) for x in dirs for i in range(nfiles)]
    interval = size / rate if rate > 0 else 0.1
    next_t = time.monotonic()
    while not stop:
        path = paths[seq % len(paths)]
        body = ("seq %d zone %s path %s\n" % (seq, zone, path)).encode()
        body += os.urandom(max(0, size - len(body)))
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
        log.write("%d\t%s\t%d\t%s\n" % (seq, path, len(body), hashlib.sha256(body).hexdigest()))
        log.flush()
        os.fsync(log.fileno())
        seq += 1
        next_t += interval
        delay = next_t - time.monotonic()
        if delay > 0:
            end = time.monotonic() + delay
            while not stop and time.monotonic() < end:
                time.sleep(min(0.05, end - time.monotonic()))
        else:
            next_t = time.monotonic()
    log.close()
    return 0


def verify(log_path):
    """Check that every path holds the content of its last logged write.
    Returns (paths checked, [problems])."""
    last = {}
    with open(log_path) as f:
        for line in f:
            seq, path, size, digest = line.rstrip("\n").split("\t")
            last[path] = (int(seq), int(size), digest)
    bad = []
    for path, (seq, size, digest) in sorted(last.items()):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            bad.append("%s: %s (last write seq %d)" % (path, e.strerror, seq))
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            bad.append("%s: content differs from write seq %d" % (path, seq))
    return len(last), bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
