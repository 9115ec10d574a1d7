"""Emulated uname, zonename, share, useradd and usermod (the last two edit the
passwd file of the GZ or, under zlogin, of the zone)."""

import os

from . import common, gzinit
from .common import die


def uname(argv):
    h = common.this_host()
    node = os.environ.get("TB_ZONE") or h.name
    vals = {"s": "SunOS", "n": node, "r": "5.11", "v": gzinit.UNAME_V[h.platform], "m": "i86pc", "p": "i386",
            "i": "i86pc"}
    opts = ""
    for a in argv:
        if not a.startswith("-"):
            die("usage: uname [-snrvmapiX]", 2)
        opts += a[1:]
    if not opts:
        opts = "s"
    if "a" in opts:
        opts = "snrvmpi"
    order = "snrvmpi"
    print(" ".join(vals[c] for c in order if c in opts))
    return 0


def zonename(argv):
    """zonename(1): the name of the current zone, `global` in the GZ. It
    takes no operands or options (illumos zonename.c: anything else is
    `usage: zonename`, exit 2)."""
    if argv:
        die("usage: zonename", 2)
    print(os.environ.get("TB_ZONE") or "global")
    return 0


def share(argv):
    """Published shares: datasets with sharenfs/sharesmb on (none by
    default, as house rule Z03 wants)."""
    if argv:
        die("share: only the listing form (no arguments) is emulated", 2)
    import subprocess

    r = subprocess.run([common.REAL_ZFS, "get", "-H", "-o", "name,property,value", "sharenfs,sharesmb"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in r.stdout.splitlines():
        name, prop, value = line.split("\t")
        if value not in ("off", "-"):
            mp = subprocess.run([common.REAL_ZFS, "get", "-H", "-o", "value", "mountpoint", name],
                                stdout=subprocess.PIPE, text=True).stdout.strip()
            proto = "nfs" if prop == "sharenfs" else "smb"
            opts = "sec=sys,rw" if value == "on" else value
            print("%s\t%s\t%s\t%s\t" % (name.replace("/", "_"), mp, proto, opts))
    return 0


def _passwd_edit(name, update, create):
    path = "/etc/passwd"
    with open(path) as f:
        lines = f.read().splitlines()
    found = None
    for i, line in enumerate(lines):
        if line.split(":", 1)[0] == name:
            found = i
    if create and found is not None:
        die("UX: useradd: %s is already in use.  Choose another." % name, 9)
    if not create and found is None:
        die("UX: usermod: %s does not exist." % name, 6)
    if create:
        uids = [int(l.split(":")[2]) for l in lines if l.count(":") >= 6]
        uid = max([u for u in uids if 100 <= u < 60000] + [99]) + 1
        fields = [name, "x", str(uid), "10", "", "/home/" + name, "/usr/bin/bash"]
        update(fields)
        lines.append(":".join(fields))
    else:
        fields = lines[found].split(":")
        update(fields)
        lines[found] = ":".join(fields)
    # Written in place: under zlogin /etc/passwd is a bind mount of the
    # zone's file.
    with open(path, "r+") as f:
        f.seek(0)
        f.write("\n".join(lines) + "\n")
        f.truncate()


def _user_opts(argv, prog):
    opts = {}
    i = 0
    while i < len(argv) - 1:
        a = argv[i]
        if a in ("-d", "-s", "-u", "-g", "-c", "-G", "-P", "-R", "-K", "-e", "-f"):
            opts[a[1]] = argv[i + 1]
            i += 2
        elif a in ("-m", "-o"):
            opts[a[1]] = True
            i += 1
        else:
            die("%s: option %s is not emulated" % (prog, a), 2)
    if not argv or argv[-1].startswith("-"):
        die("usage: %s [-d dir] [-m] [-s shell] [-u uid] login" % prog, 2)
    return opts, argv[-1]


def _apply(opts):
    def update(fields):
        if "u" in opts:
            fields[2] = opts["u"]
        if "g" in opts and opts["g"].isdigit():
            fields[3] = opts["g"]
        if "c" in opts:
            fields[4] = opts["c"]
        if "d" in opts:
            fields[5] = opts["d"]
        if "s" in opts:
            fields[6] = opts["s"]
    return update


def useradd(argv):
    opts, name = _user_opts(argv, "useradd")
    _passwd_edit(name, _apply(opts), create=True)
    if opts.get("m") and "d" in opts:
        root = os.environ.get("TB_ZONEROOT", "")
        os.makedirs(root + opts["d"], exist_ok=True)
    return 0


def usermod(argv):
    opts, name = _user_opts(argv, "usermod")
    _passwd_edit(name, _apply(opts), create=False)
    return 0
