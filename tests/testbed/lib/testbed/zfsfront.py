"""The `zfs` front of a simulated GZ: the platform's command syntax mapped
onto zfs-fuse (pool version 23, OpenSolaris-era syntax), plus what the
platforms have and zfs-fuse lacks.

* solaris11: `send -r` (recursive package; sent as zfs-fuse `-R`, so
  properties travel too) and `-c` (self-contained: accepted, a no-op since
  the testbed makes no clones); `-R` as well.
* illumos: `send -R`; `-c` (compressed records), `-e`, `-L` accepted as
  no-ops; `-r` is refused as illumos refuses it.
* both: `send -n -v [-P]` dry-run estimates, computed by counting the bytes
  of real streams (one per snapshot step, like libzfs' estimate lines);
  `-v` without `-n` prints the estimate on stderr and sends.
* both: `zfs list -p` (exact numbers through `zfs get -p`).
* `receive -s` (resumable) and `-o`/`-x` are not available: refused.

Fault `send-abort N` (one-shot): the next `zfs send` on this GZ dies
(SIGKILL) after writing N bytes.
"""

import os
import signal
import subprocess
import sys

from . import common
from .common import Fail

REAL = common.REAL_ZFS


def run(*args):
    r = subprocess.run([REAL] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise Fail(r.stderr.rstrip("\n"), r.returncode)
    return r.stdout


def exec_real(args):
    os.execv(REAL, [REAL] + list(args))


# ---------------------------------------------------------------------------
# sizes


def nicenum(num):
    """libzfs zfs_nicenum: 1023, 1K, 1.50K, 23.4G, 352G."""
    n = num
    index = 0
    while n >= 1024 and index < 6:
        n //= 1024
        index += 1
    u = " KMGTPE"[index]
    if index == 0:
        return "%d" % num
    if num & ((1 << (10 * index)) - 1) == 0:
        return "%d%s" % (n, u)
    for prec in (2, 1, 0):
        s = "%.*f%s" % (prec, num / float(1 << (10 * index)), u)
        if len(s) <= 5:
            return s
    return s


def stream_size(args):
    """Bytes of a real `zfs send ARGS` stream."""
    p = subprocess.Popen([REAL, "send"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    total = 0
    while True:
        b = p.stdout.read(1 << 20)
        if not b:
            break
        total += len(b)
    err = p.stderr.read().decode(errors="replace")
    if p.wait() != 0:
        raise Fail(err.rstrip("\n"), 1)
    return total


def snapshots_of(ds):
    out = run("list", "-H", "-o", "name", "-t", "snapshot", "-s", "createtxg", "-r", "-d", "1", ds)
    return [line.split("@", 1)[1] for line in out.splitlines() if line.startswith(ds + "@")]


def descendants(ds):
    out = run("list", "-H", "-o", "name", "-r", "-t", "filesystem,volume", ds)
    return out.splitlines()


def estimate(recursive, inc, inc_all, snap):
    """[(kind, from, to, bytes)] for a send of `snap`, like libzfs."""
    ds, s = snap.split("@", 1)
    if inc is not None:
        inc = inc.split("@", 1)[1] if "@" in inc else inc.lstrip("@")
    steps = []
    for d in (descendants(ds) if recursive else [ds]):
        snaps = snapshots_of(d)
        if s not in snaps:
            continue
        upto = snaps[: snaps.index(s) + 1]
        if inc is None:
            if recursive:
                chain = upto
            else:
                chain = [s]
            steps.append(("full", None, "%s@%s" % (d, chain[0]), stream_size(["%s@%s" % (d, chain[0])])))
            prev = chain[0]
            for x in chain[1:]:
                steps.append(("incremental", prev, "%s@%s" % (d, x),
                              stream_size(["-i", "@" + prev, "%s@%s" % (d, x)])))
                prev = x
        else:
            if inc not in snaps:
                if recursive:
                    # a descendant created after the origin snapshot is sent in full
                    steps.append(("full", None, "%s@%s" % (d, s), stream_size(["%s@%s" % (d, s)])))
                    continue
                raise Fail("cannot send '%s': incremental source '%s@%s' does not exist" % (snap, d, inc))
            chain = upto[upto.index(inc):]
            if not inc_all and not recursive:
                chain = [inc, s]
            elif not inc_all:
                chain = [inc, s]
            prev = chain[0]
            for x in chain[1:]:
                steps.append(("incremental", prev, "%s@%s" % (d, x),
                              stream_size(["-i", "@" + prev, "%s@%s" % (d, x)])))
                prev = x
    return steps


def estimate_text(steps, parsable):
    out = []
    total = 0
    for kind, frm, to, size in steps:
        total += size
        if parsable:
            if kind == "full":
                out.append("full\t%s\t%d" % (to, size))
            else:
                out.append("incremental\t@%s\t%s\t%d" % (frm, to, size))
        else:
            if kind == "full":
                out.append("full send of %s estimated size is %s" % (to, nicenum(size)))
            else:
                out.append("send from @%s to %s estimated size is %s" % (frm, to, nicenum(size)))
    if parsable:
        out.append("size\t%d" % total)
    else:
        out.append("total estimated size is %s" % nicenum(total))
    return "".join(x + "\n" for x in out)


# ---------------------------------------------------------------------------
# send


def send(h, args):
    flags = set()
    inc = None
    inc_all = False
    pos = []
    allowed = "rRcpDnvPi I" if h.platform == "solaris11" else "RcpDnvPeLiI"
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                c = a[j]
                if c not in allowed or c == " ":
                    raise Fail("invalid option '%s'\nusage:\n\tsend [-%s] [-[iI] snapshot] <snapshot>"
                               % (c, "DnPpRrvc" if h.platform == "solaris11" else "DnPpRvcLe"), 2)
                if c in "iI":
                    v = a[j + 1:]
                    if not v:
                        i += 1
                        if i >= len(args):
                            raise Fail("missing argument for '-%s' option" % c, 2)
                        v = args[i]
                    inc = v
                    inc_all = c == "I"
                    break
                flags.add(c)
                j += 1
        else:
            pos.append(a)
        i += 1
    if len(pos) != 1 or "@" not in pos[0]:
        raise Fail("missing snapshot argument" if not pos else "'%s' is not a snapshot" % pos[0], 2)
    snap = pos[0]
    recursive = "R" in flags or "r" in flags
    real = []
    if recursive:
        real.append("-R")
    if "p" in flags:
        real.append("-p")
    if "D" in flags:
        real.append("-D")
    if inc is not None:
        real += ["-I" if inc_all else "-i", inc]
    real.append(snap)
    if "n" in flags or "v" in flags or "P" in flags:
        text = ""
        if "v" in flags or "P" in flags:
            text = estimate_text(estimate(recursive, inc, inc_all, snap), "P" in flags)
        if "n" in flags:
            sys.stdout.write(text)
            return 0
        sys.stderr.write(text)
        sys.stderr.flush()
    limit = h.take_fault("send-abort")
    if limit is None:
        if sys.stdout.isatty():
            raise Fail("Error: Stream can not be written to a terminal.\nYou must redirect standard output.")
        exec_real(["send"] + real)
    limit = int(limit or "0")
    p = subprocess.Popen([REAL, "send"] + real, stdout=subprocess.PIPE)
    out = sys.stdout.buffer
    sent = 0
    while sent < limit:
        b = p.stdout.read(min(1 << 16, limit - sent))
        if not b:
            break
        out.write(b)
        sent += len(b)
    out.flush()
    p.kill()
    p.wait()
    common.write_text(h.path("log", "send-abort.log"), "killed after %d bytes: zfs send %s\n" % (sent, " ".join(real)))
    os.kill(os.getpid(), signal.SIGKILL)


# ---------------------------------------------------------------------------
# receive, list


def receive(h, args):
    for a in args:
        if a.startswith("-") and not a.startswith("--"):
            for c in a[1:]:
                if c == "s":
                    raise Fail("cannot receive: resumable receive (-s) is not available in the testbed "
                               "(zfs-fuse has no resume support)", 1)
                if c in "ox":
                    raise Fail("cannot receive: -%s is not available in the testbed (zfs-fuse)" % c, 1)
                if c == "C":
                    raise Fail("invalid option 'C'", 2)
    exec_real(["receive"] + args)


def zlist(h, args):
    if not any(a.startswith("-") and "p" in a[1:] and not a.startswith("--") for a in args):
        exec_real(["list"] + args)
    # Rebuild -p: names from the real list, exact values from `zfs get -p`.
    opts = []
    cols = ["name", "used", "avail", "refer", "mountpoint"]
    header = True
    i = 0
    rest = []
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                c = a[j]
                if c in "HrpP":
                    if c == "H":
                        header = False
                    elif c == "r":
                        opts.append("-r")
                    j += 1
                    continue
                if c in "odtsS":
                    v = a[j + 1:]
                    if not v:
                        i += 1
                        v = args[i]
                    if c == "o":
                        cols = v.split(",")
                    else:
                        opts += ["-" + c, v]
                    break
                raise Fail("invalid option '%s'" % c, 2)
        else:
            rest.append(a)
        i += 1
    names = run("list", "-H", "-o", "name", *opts, *rest).splitlines()
    if not names:
        return 0
    props = [c for c in cols if c != "name"]
    vals = {}
    if props:
        aliases = {"avail": "available", "refer": "referenced", "ratio": "compressratio"}
        real_props = [aliases.get(p, p) for p in props]
        out = run("get", "-H", "-p", "-o", "name,property,value", ",".join(real_props), *names)
        for line in out.splitlines():
            n, p, v = line.split("\t", 2)
            vals[(n, p)] = v
        back = {aliases.get(p, p): p for p in props}
        vals = {(n, back.get(p, p)): v for (n, p), v in vals.items()}
    lines = []
    if header:
        lines.append("\t".join(c.upper() for c in cols))
    for n in names:
        row = [n if c == "name" else vals.get((n, c), "-") for c in cols]
        lines.append("\t".join(row))
    sys.stdout.write("".join(x + "\n" for x in lines))
    return 0


def zget(h, args):
    """zfs-fuse prints `guid` through nicenum (13.0E); the platforms print
    the number. `zfs get [opts] guid …` is therefore run with -p (the only
    value is the guid, so nothing else changes)."""
    operands = []
    i = 0
    while i < len(args):
        if args[i] in ("-o", "-s", "-t", "-d"):
            i += 2
            continue
        if not args[i].startswith("-"):
            operands.append(args[i])
        i += 1
    if operands[:1] == ["guid"]:
        exec_real(["get", "-p"] + args)
    exec_real(["get"] + args)


def zone_datasets():
    """Under zlogin: the datasets delegated to the zone (its `dataset`
    resources), which are all a zone's `zfs list` shows."""
    from . import zonestore

    h = common.this_host()
    rec = zonestore.load(h, os.environ["TB_ZONE"])
    return [r["props"]["name"] for r in rec["config"]["resources"] if r["type"] == "dataset"]


def zone_list_args(args):
    """`zfs list` under zlogin shows the zone's delegated datasets only
    (under their GZ names; Solaris 11 aliases are not applied)."""
    mine = zone_datasets()
    opts, operands = [], []
    i = 0
    while i < len(args):
        a = args[i]
        opts.append(a) if a.startswith("-") else operands.append(a)
        if a in ("-o", "-t", "-s", "-S", "-d") and i + 1 < len(args):
            opts.append(args[i + 1])
            i += 1
        i += 1
    for o in operands:
        base = o.split("@")[0]
        if not any(base == m or base.startswith(m + "/") for m in mine):
            raise Fail("cannot open '%s': dataset does not exist" % o)
    if operands:
        return args
    if not mine:
        raise Fail("no datasets available", 0)
    if "-r" not in opts and "-d" not in opts and not any(a.startswith("-") and "r" in a[1:] for a in opts):
        opts.append("-r")
    return opts + mine


def zone_view_args(sub, args):
    """Under zlogin on a Solaris 11 GZ, `zfs create`/`set` name datasets as
    the zone sees them: its root pool is `rpool` (in the GZ
    `ZONEPATH_DATASET/rpool`) and a delegated dataset goes by its alias
    (`pool1` for `pool1/ZONE/pool1`); a mountpoint is relative to the zone's
    root. Map both to the GZ's names, as the kernel does on Solaris."""
    from . import zones, zonestore

    h = common.this_host()
    rec = zonestore.load(h, os.environ["TB_ZONE"])
    if h.platform != "solaris11":
        return args
    zds = zones.zonepath_dataset(rec)
    root = rec["config"]["globals"]["zonepath"].rstrip("/") + "/root"
    aliases = {}
    for r in rec["config"]["resources"]:
        if r["type"] == "dataset":
            name = r["props"]["name"]
            aliases[r["props"].get("alias") or name.rsplit("/", 1)[-1]] = name

    def dataset(d):
        head, _, rest = d.partition("/")
        if head == "rpool" and zds:
            return zds + "/rpool" + ("/" + rest if rest else "")
        if head in aliases:
            return aliases[head] + ("/" + rest if rest else "")
        return d

    def prop(p):
        k, eq, v = p.partition("=")
        if k == "mountpoint" and v.startswith("/"):
            return k + eq + root + v
        return p

    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "-o" and i + 1 < len(args):
            out += [a, prop(args[i + 1])]
            i += 2
            continue
        if a.startswith("-"):
            out.append(a)
        elif sub == "set" and "=" in a:
            out.append(prop(a))
        else:
            out.append(dataset(a))
        i += 1
    return out


def main(argv):
    h = common.this_host()
    if not argv:
        exec_real([])
    sub, args = argv[0], argv[1:]
    if os.environ.get("TB_ZONE") and sub == "list":
        args = zone_list_args(args)
    if os.environ.get("TB_ZONE") and sub in ("create", "set"):
        exec_real([sub] + zone_view_args(sub, args))
    if sub == "get":
        return zget(h, args)
    if sub == "send":
        return send(h, args)
    if sub in ("receive", "recv"):
        return receive(h, args)
    if sub == "list":
        return zlist(h, args)
    exec_real(argv)
