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

Fault `send-abort N` (one-shot): the first `zfs send` on this GZ whose
stream is longer than N bytes dies (SIGKILL, exit 137) after writing N
bytes; shorter streams are sent whole and leave the fault armed.
"""

import os
import re
import signal
import subprocess
import sys
import time

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
    if h.fault("send-abort") is None:
        if sys.stdout.isatty():
            raise Fail("Error: Stream can not be written to a terminal.\nYou must redirect standard output.")
        exec_real(["send"] + real)
    return send_watched(h, real)


def send_watched(h, real):
    """Fault `send-abort N`: the first send whose stream is longer than N
    bytes writes N bytes and is SIGKILLed (exit 137). A shorter stream goes
    through whole and leaves the fault armed for the next send."""
    p = subprocess.Popen([REAL, "send"] + real, stdout=subprocess.PIPE)
    out = sys.stdout.buffer
    sent = 0
    while True:
        b = p.stdout.read1(1 << 16)
        if not b:
            break
        armed = h.fault("send-abort")
        if armed is not None:
            limit = int(armed or "0")
            if sent + len(b) > limit and h.take_fault("send-abort") is not None:
                out.write(b[: max(0, limit - sent)])
                out.flush()
                p.kill()
                p.wait()
                common.write_text(h.path("log", "send-abort.log"),
                                  "killed after %d bytes: zfs send %s\n" % (limit, " ".join(real)))
                os.kill(os.getpid(), signal.SIGKILL)
        out.write(b)
        sent += len(b)
    out.flush()
    return p.wait()


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


# ---------------------------------------------------------------------------
# snapshot with several operands


def snapshot(h, args):
    """`zfs snapshot [-r] [-o prop=value]... SNAP...`: Solaris 11 zfs(1M) and
    illumos zfs(8) take several snapshot operands and make them atomically;
    zfs-fuse takes one ("too many arguments"). With several, each operand
    (and with -r each descendant) is checked first, then each is made, and
    should one still fail, those made are destroyed again: all or nothing,
    as far as the testbed can (the real one is one transaction group)."""
    opts, snaps, recursive = [], [], False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-o" and i + 1 < len(args):
            opts += [a, args[i + 1]]
            i += 2
            continue
        if a.startswith("-o") and len(a) > 2:
            opts.append(a)
        elif a.startswith("-") and len(a) > 1 and set(a[1:]) <= {"r"}:
            recursive = True
        elif a.startswith("-"):
            exec_real(["snapshot"] + args)  # zfs-fuse's own usage message
        else:
            snaps.append(a)
        i += 1
    if len(snaps) < 2:
        exec_real(["snapshot"] + args)
    made = []
    for snap in snaps:
        ds, at, name = snap.partition("@")
        if not at or not name:
            raise Fail("cannot create snapshot '%s': missing '@' delimiter in snapshot name" % snap)
        r = subprocess.run([REAL, "list", "-H", "-o", "name", "-t", "filesystem,volume"]
                           + (["-r"] if recursive else []) + [ds],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise Fail(r.stderr.rstrip("\n"), 1)
        for d in r.stdout.split():
            if subprocess.run([REAL, "list", "-H", "-o", "name", d + "@" + name], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0:
                raise Fail("cannot create snapshot '%s@%s': dataset already exists" % (d, name), 1)
    for snap in snaps:
        r = subprocess.run([REAL, "snapshot"] + (["-r"] if recursive else []) + opts + [snap],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            for m in reversed(made):
                subprocess.run([REAL, "destroy"] + (["-r"] if recursive else []) + [m],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            raise Fail(r.stderr.rstrip("\n"), r.returncode)
        made.append(snap)
    return 0


# ---------------------------------------------------------------------------
# holds


def holds_path(h):
    return h.path("state", "zfs-holds.json")


def snap_guids(names):
    """{snapshot: "POOL/GUID"} for those of `names` that exist. The GUID key
    survives `zfs rename` of the snapshot, as a hold does."""
    if not names:
        return {}
    r = subprocess.run([REAL, "get", "-H", "-p", "-o", "name,value", "guid"] + list(names),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = {}
    for line in r.stdout.splitlines():
        n, _, v = line.partition("\t")
        out[n] = n.split("/")[0].split("@")[0] + "/" + v
    return out


def expand_snaps(snap, recursive):
    """The snapshots one operand names: itself, and with -r the same-named
    snapshot of every descendant that has one."""
    ds, _, name = snap.partition("@")
    if not recursive:
        return [snap]
    r = subprocess.run([REAL, "list", "-H", "-o", "name", "-r", "-t", "snapshot", ds],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return [n for n in r.stdout.split() if n.endswith("@" + name)]


def hold_release(h, sub, args):
    """`zfs hold [-r] TAG SNAP...` / `zfs release [-r] TAG SNAP...`: zfs-fuse's
    own (its kernel keeps the holds and refuses to destroy a held snapshot,
    `dataset is busy`), one operand at a time; what was held is recorded
    with its time under the GZ's state directory for `zfs holds`, which
    zfs-fuse cannot list (its `holds` needs the missing pyzfs helper)."""
    flags, rest = [], []
    for a in args:
        (flags if a.startswith("-") and len(a) > 1 and not rest else rest).append(a)
    recursive = any("r" in f[1:] for f in flags)
    if len(rest) < 2 or any(set(f[1:]) - {"r"} for f in flags):
        exec_real([sub] + args)  # zfs-fuse's own option/usage errors
    tag, snaps = rest[0], rest[1:]
    rc = 0
    with h.lock("holds"):
        rec = common.load_json(holds_path(h), {})
        for snap in snaps:
            r = subprocess.run([REAL, sub] + (["-r"] if recursive else []) + [tag, snap],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            sys.stderr.write(r.stderr)
            if r.returncode != 0:
                rc = r.returncode
                continue
            for key in snap_guids(expand_snaps(snap, recursive)).values():
                tags = rec.setdefault(key, {})
                if sub == "hold":
                    tags.setdefault(tag, int(time.time()))
                else:
                    tags.pop(tag, None)
                    if not tags:
                        del rec[key]
        common.save_json(holds_path(h), rec)
    return rc


def holds(h, args):
    """`zfs holds [-r] SNAP...` in the platform's format.

    illumos (zfs_main.c print_holds): a header `NAME  TAG  TIMESTAMP`
    unless -H, columns padded to the longest name/tag and two blanks apart,
    time as strftime("%a %b %e %k:%M %Y"); with -H the same padding but one
    tab as separator (sic); `no datasets available` when no snapshot
    matched.
    Solaris 11 (the Python `zfs holds` of OpenSolaris, as in Oracle's
    "Holding ZFS Snapshots" examples): every column padded to its widest
    cell or header and followed by two blanks, time as ctime(3) (seconds
    included); only -r (no -H)."""
    solaris = h.platform == "solaris11"
    recursive = scripted = False
    snaps = []
    for a in args:
        if a.startswith("-") and len(a) > 1 and not snaps:
            for c in a[1:]:
                if c == "r":
                    recursive = True
                elif c == "H" and not solaris:
                    scripted = True
                elif solaris:
                    # pyzfs parses with optparse (prog "zfs")
                    raise Fail("Usage: zfs holds [-r] <snapshot> ...\n\nzfs: error: no such option: -%s" % c, 2)
                else:
                    raise Fail("invalid option '%s'\nusage:\n\tholds [-r] <snapshot> ..." % c, 2)
        else:
            snaps.append(a)
    if not snaps:
        if solaris:
            raise Fail("Usage: zfs holds [-r] <snapshot> ...\n\nzfs: error: missing snapshot argument", 2)
        raise Fail("usage:\n\tholds [-r] <snapshot> ...", 2)
    errors = 0
    visited = []
    for snap in snaps:
        if "@" not in snap:
            sys.stderr.write("'%s' is not a snapshot\n" % snap)
            errors += 1
            continue
        found = expand_snaps(snap, recursive)
        if not recursive and subprocess.run([REAL, "list", "-H", "-o", "name", snap], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL).returncode != 0:
            found = []
        if not found:
            sys.stderr.write("cannot open '%s': dataset does not exist\n" % (snap.split("@")[0] if recursive
                                                                              else snap))
            errors += 1
        visited += [n for n in found if n not in visited]
    keys = snap_guids(visited)
    with h.lock("holds"):
        rec = common.load_json(holds_path(h), {})
    rows = []
    for n in visited:
        tags = rec.get(keys.get(n, ""), {})
        for tag, ts in sorted(tags.items(), key=lambda kv: (kv[1], kv[0])):
            rows.append((n, tag, ts))
    out = holds_lines(solaris, visited, rows, scripted)
    sys.stdout.write("".join(x + "\n" for x in out))
    return 1 if errors else 0


def holds_lines(solaris, visited, rows, scripted=False):
    """The lines `zfs holds` prints for `rows` [(snapshot, tag, epoch)] of
    the snapshots `visited` (see holds())."""
    out = []
    if solaris:
        if rows:
            cells = [("NAME", "TAG", "TIMESTAMP")] + [(n, t, time.ctime(ts)) for n, t, ts in sorted(rows)]
            widths = [max(len(c[i]) for c in cells) for i in range(3)]
            out = ["".join(c[i].ljust(widths[i]) + "  " for i in range(3)) for c in cells]
        return out
    nw = max([len(n) for n in visited] or [0])
    tw = max([len(t) for _, t, _ in rows] or [0])
    if not scripted:
        out.append("%-*s  %-*s  %s" % (nw, "NAME", tw, "TAG", "TIMESTAMP"))
    sep = "\t" if scripted else "  "
    for n, t, ts in rows:
        stamp = time.strftime("%a %b %e %k:%M %Y", time.localtime(ts))
        out.append("%-*s%s%-*s%s%s" % (nw, n, sep, tw, t, sep, stamp))
    if not visited:
        # print_holds' nvlist has an entry per snapshot visited, held or
        # not: only when no snapshot matched at all is it empty.
        out.append("no datasets available")
    return out


def destroy(h, args):
    """illumos (and OpenZFS) destroy snapshots through lzc_destroy_snaps and
    word a refusal `cannot destroy snapshot P@S: REASON` (libzfs
    zfs_destroy_snaps_nvl; e.g. `dataset is busy` for a held snapshot, as
    quoted in openzfs/zfs#14538). zfs-fuse and Solaris 11 say
    `cannot destroy 'P@S': dataset is busy` (Oracle's "Holding ZFS
    Snapshots")."""
    # A real `zfs destroy -r FS` unmounts the tree children first (libzfs
    # changelist, sorted by mountpoint); zfs-fuse does not order them and
    # fails `dataset is busy` on nested mounts (a booted zone's root with
    # its export, a delegated dataset under its parent): unmount them
    # deepest first, as unmount_tree in zones.py does for uninstall.
    opts = [a for a in args if a.startswith("-")]
    targets = [a for a in args if not a.startswith("-")]
    if any("r" in o or "R" in o for o in opts) and len(targets) == 1 and "@" not in targets[0]:
        r = subprocess.run([REAL, "list", "-H", "-o", "name,mountpoint,mounted", "-r", "-t", "filesystem",
                            targets[0]], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        rows = [line.split("\t") for line in r.stdout.splitlines() if line.count("\t") == 2]
        for name, mp, mounted in sorted(rows, key=lambda x: -len(x[1])):
            if mounted == "yes":
                subprocess.run([REAL, "unmount", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if h.platform == "solaris11":
        exec_real(["destroy"] + args)
    r = subprocess.run([REAL, "destroy"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stdout.write(r.stdout)
    err = re.sub(r"^cannot destroy '([^'@]+@[^']+)': dataset is busy$", r"cannot destroy snapshot \1: dataset is busy",
                 r.stderr, flags=re.M)
    sys.stderr.write(err)
    return r.returncode


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
    if sub == "snapshot" or sub == "snap":
        return snapshot(h, args)
    if sub in ("hold", "release"):
        return hold_release(h, sub, args)
    if sub == "holds":
        return holds(h, args)
    if sub == "destroy":
        return destroy(h, args)
    exec_real(argv)
