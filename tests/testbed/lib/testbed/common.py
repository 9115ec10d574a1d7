"""Shared plumbing of the testbed: where things live under DIR, the host
table, locking, JSON state files, knobs and one-shot faults.

Every emulated command runs inside a simulated global zone (GZ) with TB_DIR
and TB_HOST in its environment (set by the ssh session wrapper); the helpers
here turn those into paths. Layout (see README.md):

    DIR/testbed.json             the host table written by `up`
    DIR/hosts/H/state/...        emulator state of GZ H (zones, links, addrs)
    DIR/hosts/H/knobs/NAME       tunables (e.g. shutdown-seconds)
    DIR/hosts/H/faults/NAME      armed faults (see fault.py)
"""

import fcntl
import json
import os
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY = "/usr/bin/python3"
REAL_ZFS = "/usr/sbin/zfs"
REAL_ZPOOL = "/usr/sbin/zpool"

PLATFORMS = ("solaris11", "illumos")


class Fail(Exception):
    """An emulated command's failure: message for stderr and an exit code."""

    def __init__(self, msg, code=1):
        super().__init__(msg)
        self.msg = msg
        self.code = code


def die(msg, code=1):
    raise Fail(msg, code)


def tb_dir():
    d = os.environ.get("TB_DIR")
    if not d:
        die("testbed: TB_DIR is not set (run this inside a testbed GZ, e.g. over ssh)", 2)
    return d


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def save_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def read_text(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return default


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class Host:
    """One simulated GZ as recorded in DIR/testbed.json."""

    def __init__(self, d, rec, platform):
        self.dir = d
        self.name = rec["name"]
        self.addr = rec["addr"]
        self.port = rec["port"]
        self.ip = rec["ip"]
        self.phys = rec["phys"]
        self.vnic = rec["vnic"]
        self.platform = rec.get("platform", platform)
        self.home = os.path.join(d, "hosts", self.name)

    def path(self, *parts):
        return os.path.join(self.home, *parts)

    @property
    def state(self):
        return self.path("state")

    def knob(self, name, default=None):
        v = read_text(self.path("knobs", name))
        return default if v is None else v.strip()

    def fault(self, name):
        """Value of an armed fault (its file's content, stripped), or None."""
        v = read_text(self.path("faults", name))
        return None if v is None else v.strip()

    def take_fault(self, name):
        """Consume a one-shot fault; returns its value or None."""
        p = self.path("faults", name)
        try:
            os.rename(p, p + ".fired.%d" % os.getpid())
        except FileNotFoundError:
            return None
        return read_text(p + ".fired.%d" % os.getpid(), "").strip()

    def lock(self, name="state"):
        return Lock(self.path("state", name + ".lock"))


def load_testbed(d):
    cfg = load_json(os.path.join(d, "testbed.json"))
    if cfg is None:
        die("testbed: %s is not a testbed directory (no testbed.json)" % d, 2)
    return cfg


def hosts(d):
    cfg = load_testbed(d)
    return [Host(d, h, cfg["platform"]) for h in cfg["hosts"]]


def this_host():
    d = tb_dir()
    name = os.environ.get("TB_HOST")
    for h in hosts(d):
        if h.name == name:
            return h
    die("testbed: TB_HOST=%r is not a host of %s" % (name, d), 2)


def host_named(d, name):
    for h in hosts(d):
        if h.name == name:
            return h
    die("testbed: no host %r in %s" % (name, d), 2)


class Lock:
    """An flock(2) on a file; a context manager."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None


def run_main(fn, prog):
    """Run an emulated command's main, mapping Fail to stderr + exit code."""
    try:
        code = fn(sys.argv[1:])
    except Fail as e:
        if e.msg:
            sys.stderr.write(e.msg if e.msg.endswith("\n") else e.msg + "\n")
        sys.stdout.flush()
        sys.exit(e.code)
    except BrokenPipeError:
        sys.exit(1)
    sys.stdout.flush()
    sys.exit(code or 0)


def wait_for(pred, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()
