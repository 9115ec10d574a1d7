"""Emulated pkg list, svcs, svcprop, svccfg and svcadm over a small
service repository: the GZ's under DIR/hosts/H/state/gz/, a zone's inside
its root (etc/svc/testbed-repo.json, var/pkg/testbed-installed.json), so a
zone's packages and services travel with its datasets.

Repository model: services with service-level property groups and
instances; each instance has its own pgs and a running snapshot taken by
`svcadm refresh`. `svcprop`/`svcs -d` on an instance read the running
snapshot composed view (instance pgs over service pgs), as SMF does;
`svccfg -s SVC delpg PG` edits the service and shows only after a refresh.
"""

import os
import sys
import time

from . import common
from .common import die, load_json, save_json


def in_zone():
    return os.environ.get("TB_ZONEROOT")


def repo_path(h):
    z = in_zone()
    if z:
        return os.path.join(z, "etc", "svc", "testbed-repo.json")
    return os.path.join(h.state, "gz", "smf.json")


def pkg_path(h):
    z = in_zone()
    if z:
        return os.path.join(z, "var", "pkg", "testbed-installed.json")
    return os.path.join(h.state, "gz", "pkg.json")


# ---------------------------------------------------------------------------
# pkg


def pkg(argv):
    h = common.this_host()
    if not argv or argv[0] != "list":
        die("pkg: only 'pkg list [-H] [pattern...]' is emulated", 2)
    args = argv[1:]
    header = True
    pats = []
    for a in args:
        if a == "-H":
            header = False
        elif a.startswith("-"):
            die("pkg list: option %s is not emulated" % a, 2)
        else:
            pats.append(a)
    rows = load_json(pkg_path(h), [])
    if pats:
        import fnmatch

        rows = [r for r in rows if any(fnmatch.fnmatch(r[0], p) or r[0].endswith("/" + p) or r[0] == p
                                       for p in pats)]
        if not rows:
            sys.stderr.write("pkg list: no packages matching '%s' installed\n" % "', '".join(pats))
            return 1
    out = []
    if header:
        out.append("%-49s %-26s %s" % ("NAME (PUBLISHER)", "VERSION", "IFO"))
    for name, ver, ifo in rows:
        out.append("%-49s %-26s %s" % (name, ver, ifo))
    sys.stdout.write("".join(x + "\n" for x in out))
    return 0


# ---------------------------------------------------------------------------
# repository helpers


def load_repo(h):
    r = load_json(repo_path(h))
    if r is None:
        die("svc.configd: repository not available")
    return r


def split_fmri(f):
    """'svc:/network/ssh:default' -> ('svc:/network/ssh', 'default')."""
    if not f.startswith("svc:/"):
        f = "svc:/" + f.lstrip("/")
    body = f[len("svc:/"):]
    if ":" in body:
        svc, inst = body.rsplit(":", 1)
        return "svc:/" + svc, inst
    return f, None


def match(repo, pattern):
    """Instances matching an FMRI or an abbreviation: [(svc, inst)]."""
    out = []
    for svc, s in repo.items():
        for inst in s["instances"]:
            full = "%s:%s" % (svc, inst)
            names = (full, full[len("svc:/"):], svc, svc[len("svc:/"):])
            if pattern in names or any(n.endswith("/" + pattern) for n in names):
                out.append((svc, inst))
    return out


def composed(repo, svc, inst, running=True):
    s = repo[svc]
    if inst is None:
        return dict(s["pgs"])
    i = s["instances"][inst]
    if running and i.get("running") is not None:
        pgs = dict(i["running"]["service"])
        pgs.update(i["running"]["instance"])
        return pgs
    pgs = dict(s["pgs"])
    pgs.update(i["pgs"])
    return pgs


def stime(h):
    z = in_zone()
    p = os.path.join(z, "etc", "nodename") if z else h.path("ready")
    try:
        t = os.stat(p).st_mtime
    except OSError:
        t = time.time()
    if time.localtime(t)[:3] == time.localtime()[:3]:
        return time.strftime("%H:%M:%S", time.localtime(t))
    return time.strftime("%b_%d", time.localtime(t))


# ---------------------------------------------------------------------------
# svcs


SVCS_COLS = {"STATE": 14, "STIME": 8, "FMRI": 0, "NSTATE": 14, "SVC": 0, "INST": 0}


def svcs(argv):
    h = common.this_host()
    header = True
    cols = ["STATE", "STIME", "FMRI"]
    deps_of = None
    dependents_of = None
    pats = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-H":
            header = False
        elif a == "-a":
            pass
        elif a == "-o":
            i += 1
            cols = [c.upper() for c in argv[i].split(",")]
            for c in cols:
                if c not in SVCS_COLS:
                    die("svcs: Unrecognized output column \"%s\"." % c.lower(), 2)
        elif a == "-d":
            deps_of = True
        elif a == "-D":
            dependents_of = True
        elif a.startswith("-"):
            die("svcs: option %s is not emulated" % a, 2)
        else:
            pats.append(a)
        i += 1
    repo = load_repo(h)
    if deps_of or dependents_of:
        if not pats:
            die("svcs: -d/-D need an FMRI", 2)
        targets = []
        for p in pats:
            m = match(repo, p)
            if not m:
                die("svcs: Pattern '%s' doesn't match any instances" % p)
            targets += m
        rows = []
        if deps_of:
            for svc, inst in targets:
                for pg in composed(repo, svc, inst).values():
                    if pg.get("type") != "dependency":
                        continue
                    for ent in pg["props"].get("entities", ["fmri", []])[1]:
                        esvc, einst = split_fmri(ent)
                        if esvc in repo:
                            for ei in ([einst] if einst else list(repo[esvc]["instances"])):
                                if (esvc, ei) not in rows:
                                    rows.append((esvc, ei))
        else:
            for svc, s in repo.items():
                for inst in s["instances"]:
                    for pg in composed(repo, svc, inst).values():
                        if pg.get("type") != "dependency":
                            continue
                        for ent in pg["props"].get("entities", ["fmri", []])[1]:
                            esvc, einst = split_fmri(ent)
                            if any(esvc == t[0] and (einst in (None, t[1])) for t in targets):
                                if (svc, inst) not in rows:
                                    rows.append((svc, inst))
    else:
        rows = []
        if pats:
            for p in pats:
                m = match(repo, p)
                if not m:
                    die("svcs: Pattern '%s' doesn't match any instances" % p)
                rows += [x for x in m if x not in rows]
        else:
            rows = [(svc, inst) for svc, s in repo.items() for inst in s["instances"]]
            rows.sort(key=lambda x: (repo[x[0]]["instances"][x[1]]["state"], "%s:%s" % x))
    st = stime(h)

    def val(c, svc, inst):
        state = repo[svc]["instances"][inst]["state"]
        return {"STATE": state, "STIME": st, "FMRI": "%s:%s" % (svc, inst), "NSTATE": "-",
                "SVC": svc, "INST": inst}[c]

    out = []

    def line(vals):
        parts = []
        for c, v in zip(cols, vals):
            w = SVCS_COLS[c]
            parts.append(v.ljust(w) if w and c != cols[-1] else v)
        return " ".join(parts)

    if header:
        out.append(line(cols))
    for svc, inst in rows:
        out.append(line([val(c, svc, inst) for c in cols]))
    sys.stdout.write("".join(x + "\n" for x in out))
    return 0


# ---------------------------------------------------------------------------
# svcprop


SHELL_META = set(" \t\n\"'`$\\|&;()<>*?[]#~=%")


def quote_value(v):
    if v == "":
        return '""'
    return "".join("\\" + c if c in SHELL_META else c for c in v)


def svcprop(argv):
    h = common.this_host()
    props = []
    fmris = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-p":
            i += 1
            props.append(argv[i])
        elif a in ("-q", "-c", "-C"):
            pass
        elif a.startswith("-"):
            die("svcprop: option %s is not emulated" % a, 2)
        else:
            fmris.append(a)
        i += 1
    if not fmris:
        die("Usage: svcprop [-fqtv] [-C | -c | -s snapshot] [-p [name/]name]... {FMRI | pattern}...", 2)
    repo = load_repo(h)
    out = []
    for f in fmris:
        svc, inst = split_fmri(f)
        if svc not in repo or (inst is not None and inst not in repo[svc]["instances"]):
            m = match(repo, f)
            if not m:
                die("svcprop: Pattern '%s' doesn't match any entities." % f)
            svc, inst = m[0]
        pgs = composed(repo, svc, inst)
        sel = []
        for pgname, pg in sorted(pgs.items()):
            for pname, (ptype, vals) in sorted(pg["props"].items()):
                full = "%s/%s" % (pgname, pname)
                if props and not any(p == full or p == pgname for p in props):
                    continue
                sel.append((full, ptype, vals))
        if props and not sel:
            die("svcprop: Couldn't find property group or property `%s' for `%s'." % (props[0], f))
        single = len(props) == 1 and "/" in props[0] and len(sel) == 1 and len(fmris) == 1
        for full, ptype, vals in sel:
            qv = " ".join(quote_value(v) for v in vals)
            if single:
                out.append(qv)
            elif len(fmris) > 1:
                out.append("%s/:properties/%s %s %s" % (f, full, ptype, qv))
            else:
                out.append("%s %s %s" % (full, ptype, qv))
    sys.stdout.write("".join(x + "\n" for x in out))
    return 0


# ---------------------------------------------------------------------------
# svccfg, svcadm


def svccfg(argv):
    h = common.this_host()
    if len(argv) < 3 or argv[0] != "-s":
        die("svccfg: only 'svccfg -s FMRI delpg|listpg ...' is emulated", 2)
    f, sub, rest = argv[1], argv[2], argv[3:]
    with h.lock("smf"):
        repo = load_repo(h)
        svc, inst = split_fmri(f)
        if svc not in repo or (inst is not None and inst not in repo[svc]["instances"]):
            die("svccfg: Pattern '%s' doesn't match any instances or services" % f)
        target = repo[svc]["pgs"] if inst is None else repo[svc]["instances"][inst]["pgs"]
        if sub == "delpg":
            if len(rest) != 1:
                die("Usage: delpg name", 2)
            if rest[0] not in target:
                die("svccfg: Couldn't find property group `%s'." % rest[0])
            del target[rest[0]]
            save_json(repo_path(h), repo)
            return 0
        if sub == "listpg":
            for name, pg in sorted(target.items()):
                print("%-20s %s" % (name, pg.get("type", "application")))
            return 0
    die("svccfg: subcommand %s is not emulated" % sub, 2)


def svcadm(argv):
    h = common.this_host()
    args = [a for a in argv if not a.startswith("-")]
    if len(args) < 2:
        die("Usage: svcadm [-v] [cmd [args ... ]]", 2)
    sub, fmris = args[0], args[1:]
    states = {"enable": "online", "disable": "disabled", "refresh": None, "restart": None, "clear": "online"}
    if sub not in states:
        die("svcadm: subcommand %s is not emulated" % sub, 2)
    with h.lock("smf"):
        repo = load_repo(h)
        for f in fmris:
            m = match(repo, f)
            if not m:
                die("svcadm: Pattern '%s' doesn't match any instances" % f)
            for svc, inst in m:
                i = repo[svc]["instances"][inst]
                if sub == "refresh":
                    i["running"] = {"service": dict(repo[svc]["pgs"]), "instance": dict(i["pgs"])}
                elif states[sub]:
                    i["state"] = states[sub]
        save_json(repo_path(h), repo)
    return 0
