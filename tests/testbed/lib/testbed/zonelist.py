"""`zoneadm list` and `zoneadm -z Z list`, kept apart from the rest of the
zoneadm emulation (zones.py) so that a poller running `zoneadm -z Z list -p`
in a loop starts only what listing needs: no subprocess, ctypes, signal or
uuid imports (about 37 ms a call before, see README.md).

Formats: illumos zoneadm.c zone_print_list/zone_print_parsable (`list -p`:
8 fields on illumos, 9 on Solaris 11; `-` for no kernel ID; `\\:` in the
zonepath) and the `-v` column layout of the real samples.
"""

import sys

from . import zonestore
from .common import Fail, die

ID_STATES = ("ready", "running", "shutting_down", "down")


def get(h, zone):
    rec = zonestore.load(h, zone)
    if rec is None:
        raise Fail("zoneadm: %s: No such zone configured" % zone)
    return rec


def list_entries(h):
    """Kernel list first (global, then zones holding an ID, by ID), then the
    index in configuration order, as zone_print_list does."""
    zs = zonestore.all_zones(h)
    kernel = sorted([z for z in zs if z.get("zoneid") is not None], key=lambda z: z["zoneid"])
    rest = [z for z in zs if z.get("zoneid") is None]
    return kernel, rest


def brand_of(h, rec):
    return rec["config"]["globals"].get("brand") or ("solaris" if h.platform == "solaris11" else "ipkg")


def iptype_of(rec):
    return "excl" if rec["config"]["globals"].get("ip-type", "shared") == "exclusive" else "shared"


def global_brand(h):
    return "solaris" if h.platform == "solaris11" else "ipkg"


def parsable_line(h, rec):
    if rec is None:
        fields = ["0", "global", "running", "/", "", global_brand(h), "shared"]
        fields += ["-", "none"] if h.platform == "solaris11" else ["0"]
        return ":".join(fields)
    zid = "-" if rec.get("zoneid") is None else str(rec["zoneid"])
    zp = rec["config"]["globals"].get("zonepath", "").replace(":", "\\:")
    fields = [zid, rec["name"], rec["state"], zp, rec.get("uuid", ""), brand_of(h, rec), iptype_of(rec)]
    if h.platform == "solaris11":
        prof = rec["config"]["globals"].get("file-mac-profile", "")
        if not prof and rec["state"] != "configured":
            prof = "none"
        rw = "-"
        if prof not in ("", "none") and rec["state"] == "running":
            rw = "R"
        fields += [rw, prof]
    else:
        fields.append(str(rec.get("did", "")))
    return ":".join(fields)


def verbose_line(h, rec):
    if rec is None:
        vals = ("0", "global", "running", "/", global_brand(h), "shared")
    else:
        zid = "-" if rec.get("zoneid") is None else str(rec["zoneid"])
        vals = (zid, rec["name"], rec["state"], rec["config"]["globals"].get("zonepath", ""), brand_of(h, rec),
                iptype_of(rec))
    return "%*s %-16s %-10s %-30s %-8s %-6s" % (4, vals[0], vals[1], vals[2], vals[3], vals[4], vals[5])


def cmd_list(h, zone, args):
    opts = set()
    for a in args:
        if not a.startswith("-") or len(a) < 2:
            die("usage: list [-cipv]", 2)
        for c in a[1:]:
            if c not in ("cipv" if zone is None else "pv"):
                raise Fail("zoneadm: illegal option -- %s\nusage:\t\tlist [-cipv]" % c, 2)
            opts.add(c)
    if "p" in opts and "v" in opts:
        raise Fail("zoneadm: list -p and -v are mutually exclusive.")
    if zone is not None:
        recs = [None] if zone == "global" else [get(h, zone)]
    else:
        kernel, rest = list_entries(h)
        recs = [None] + kernel
        if "c" in opts:
            recs += rest
        elif "i" in opts:
            recs += [r for r in rest if r["state"] != "configured"]
    out = []
    if "v" in opts:
        out.append("%*s %-16s %-10s %-30s %-8s %-6s" % (4, "ID", "NAME", "STATUS", "PATH", "BRAND", "IP"))
    for r in recs:
        if "p" in opts:
            out.append(parsable_line(h, r))
        elif "v" in opts:
            out.append(verbose_line(h, r))
        else:
            out.append("global" if r is None else r["name"])
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def zoneadm_list(argv):
    """Entry of `zoneadm [-z Z] list …` (emu.py sends only these here)."""
    from . import common

    h = common.this_host()
    zone = None
    args = list(argv)
    while args and args[0] in ("-z", "-u", "-R") and len(args) >= 2:
        if args[0] == "-z":
            zone = args[1]
        args = args[2:]
    with h.lock("zones"):
        return cmd_list(h, zone, args[1:])
