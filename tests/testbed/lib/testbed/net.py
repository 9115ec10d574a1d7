"""Emulated dladm(1M) and ipadm(1M), printed through a libofmt imitation.

libofmt (illumos ofmt.c): human mode pads each field to its width (the
width includes the separating blank), lets an over-long value push the
following fields right and then win the space back, leaves the last field
unpadded, shows empty values as `--`. Parsable mode (-p, needs -o) joins
fields with `:`; with two or more fields `:` and `\\` inside values get a
backslash; empty values stay empty.
"""

import os
import re
import sys

from . import common, zonestore
from .common import Fail, die, load_json, save_json


def ofmt(fields, rows, parsable, header=True):
    """fields: [(NAME, width)], rows: [[value, ...]] (None/'' = empty)."""
    out = []
    if parsable:
        multi = len(fields) > 1
        for r in rows:
            vals = []
            for v in r:
                v = "" if v is None else str(v)
                if multi:
                    v = v.replace("\\", "\\\\").replace(":", "\\:")
                vals.append(v)
            out.append(":".join(vals))
        return "".join(line + "\n" for line in out)

    def line(vals):
        s = ""
        overflow = 0
        for i, ((_, width), v) in enumerate(zip(fields, vals)):
            v = "--" if v in (None, "") else str(v)
            if i == len(fields) - 1:
                s += v
                break
            if len(v) + overflow >= width:
                overflow += len(v) - width + 1
                s += v + " "
                continue
            if overflow > 0:
                compress = min(overflow, width - len(v))
                overflow -= compress
                w = width - compress
            else:
                w = width
            s += v.ljust(w)
        return s

    if header:
        out.append(line([n for n, _ in fields]))
    for r in rows:
        out.append(line(r))
    return "".join(x + "\n" for x in out)


def select_fields(prog, all_fields, default, ospec, parsable):
    """Resolve -o (case-insensitive names) against the command's fields."""
    if parsable and ospec is None:
        raise Fail("%s: -p requires -o" % prog)
    if ospec is None:
        names = default
    elif ospec.lower() == "all":
        if parsable:
            raise Fail("%s: output field 'all' is not valid in parsable mode" % prog)
        names = [n for n, _ in all_fields]
    else:
        names = []
        known = {n.lower(): n for n, _ in all_fields}
        for x in ospec.split(","):
            if x.lower() not in known:
                raise Fail("%s: unknown output field: %s" % (prog, x))
            names.append(known[x.lower()])
    widths = dict(all_fields)
    return [(n, widths[n]) for n in names]


def getopts(prog, args, spec):
    """Tiny getopt: spec maps option letter -> takes value (bool)."""
    opts = {}
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            long = {"--parsable": "p", "--output": "o", "--link": "l", "--temporary": "t"}.get(a.split("=")[0])
            if long is None:
                raise Fail("%s: unrecognized option '%s'" % (prog, a), 2)
            if spec.get(long):
                if "=" in a:
                    opts[long] = a.split("=", 1)[1]
                else:
                    i += 1
                    opts[long] = args[i]
            else:
                opts[long] = True
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                c = a[j]
                if c not in spec:
                    raise Fail("%s: illegal option -- %s" % (prog, c), 2)
                if spec[c]:
                    v = a[j + 1:]
                    if not v:
                        i += 1
                        if i >= len(args):
                            raise Fail("%s: option requires an argument -- %s" % (prog, c), 2)
                        v = args[i]
                    if c in opts and c == "m":
                        raise Fail("%s: cannot specify -m option twice" % prog)
                    opts[c] = v
                    break
                opts[c] = True
                j += 1
        else:
            rest.append(a)
        i += 1
    return opts, rest


# ---------------------------------------------------------------------------
# datalinks


def links(h):
    return load_json(os.path.join(h.state, "links.json"), {"order": [], "links": {}})


def save_links(h, data):
    save_json(os.path.join(h.state, "links.json"), data)


LINK_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*[0-9]$")


def valid_linkname(name):
    return len(name) < 32 and bool(LINK_RE.match(name))


def parse_mac(s):
    parts = s.split(":")
    if len(parts) != 6 or not all(1 <= len(p) <= 2 and all(c in "0123456789abcdefABCDEF" for c in p) for p in parts):
        return None
    return ":".join("%x" % int(p, 16) for p in parts)


def zone_holders(h):
    """link -> zone, for links used by running zones (Solaris shows them as
    ZONE/LINK)."""
    out = {}
    for r in zonestore.all_zones(h):
        if r.get("state") in ("running", "ready", "shutting_down"):
            for res in r["config"]["resources"]:
                if res["type"] == "net" and res["props"].get("physical"):
                    out[res["props"]["physical"]] = r["name"]
    return out


def shown_name(h, name, holders):
    if h.platform == "solaris11" and name in holders:
        return "%s/%s" % (holders[name], name)
    return name


VNIC_FIELDS = {
    "solaris11": [("LINK", 14), ("OVER", 13), ("SPEED", 7), ("MACADDRESS", 18), ("MACADDRTYPE", 14), ("VID", 6)],
    "illumos": [("LINK", 13), ("OVER", 13), ("SPEED", 9), ("MACADDRESS", 18), ("MACADDRTYPE", 20), ("VID", 7)],
}
LINK_FIELDS = {
    "solaris11": [("LINK", 20), ("CLASS", 10), ("MTU", 7), ("STATE", 9), ("OVER", 10)],
    "illumos": [("LINK", 12), ("CLASS", 10), ("MTU", 7), ("STATE", 9), ("BRIDGE", 11), ("OVER", 10)],
}
PHYS_FIELDS = [("LINK", 13), ("MEDIA", 21), ("STATE", 11), ("SPEED", 7), ("DUPLEX", 10), ("DEVICE", 12)]


def dladm(argv):
    h = common.this_host()
    if not argv:
        die("usage: dladm <subcommand> <args> ...", 2)
    sub, args = argv[0], argv[1:]
    fn = {
        "show-vnic": show_vnic, "show-link": show_link, "show-phys": show_phys,
        "create-vnic": create_vnic, "delete-vnic": delete_vnic,
    }.get(sub)
    if fn is None:
        die("dladm: unknown subcommand '%s'" % sub, 2)
    with h.lock("links"):
        return fn(h, args)


def show_vnic(h, args):
    opts, rest = getopts("dladm", args, {"p": False, "o": True, "l": True, "P": False, "s": False, "i": True})
    data = links(h)
    holders = zone_holders(h)
    names = [n for n in data["order"] if data["links"][n]["class"] == "vnic"]
    if rest:
        n = rest[0]
        if n not in data["links"] or data["links"][n]["class"] != "vnic":
            die("dladm: invalid vnic name '%s': object not found" % n)
        names = [n]
    if "l" in opts:
        names = [n for n in names if data["links"][n]["over"] == opts["l"]]
    fields = select_fields("dladm", VNIC_FIELDS[h.platform], [f for f, _ in VNIC_FIELDS[h.platform]],
                           opts.get("o"), "p" in opts)
    rows = []
    for n in names:
        v = data["links"][n]
        over = data["links"].get(v["over"], {})
        vals = {
            "LINK": shown_name(h, n, holders), "OVER": v["over"], "SPEED": str(over.get("speed", 0)),
            "MACADDRESS": v["mac"], "MACADDRTYPE": v["macaddrtype"], "VID": str(v.get("vid", 0)),
        }
        rows.append([vals[f] for f, _ in fields])
    sys.stdout.write(ofmt(fields, rows, "p" in opts))
    return 0


def show_link(h, args):
    opts, rest = getopts("dladm", args, {"p": False, "o": True, "P": False, "s": False, "i": True, "Z": False})
    data = links(h)
    holders = zone_holders(h)
    names = list(data["order"])
    if rest:
        if rest[0] not in data["links"]:
            die("dladm: invalid link name '%s'" % rest[0])
        names = [rest[0]]
    fields = select_fields("dladm", LINK_FIELDS[h.platform], [f for f, _ in LINK_FIELDS[h.platform]],
                           opts.get("o"), "p" in opts)
    rows = []
    for n in names:
        v = data["links"][n]
        vals = {"LINK": shown_name(h, n, holders), "CLASS": v["class"], "MTU": str(v.get("mtu", 1500)),
                "STATE": "up", "BRIDGE": "", "OVER": v.get("over", "")}
        rows.append([vals[f] for f, _ in fields])
    sys.stdout.write(ofmt(fields, rows, "p" in opts))
    return 0


def show_phys(h, args):
    opts, rest = getopts("dladm", args, {"p": False, "o": True, "P": False, "m": False, "H": False})
    data = links(h)
    names = [n for n in data["order"] if data["links"][n]["class"] == "phys"]
    if rest:
        if rest[0] not in names:
            die("dladm: invalid link name '%s'" % rest[0])
        names = [rest[0]]
    fields = select_fields("dladm", PHYS_FIELDS, [f for f, _ in PHYS_FIELDS], opts.get("o"), "p" in opts)
    rows = []
    for n in names:
        v = data["links"][n]
        vals = {"LINK": n, "MEDIA": v.get("media", "Ethernet"), "STATE": "up", "SPEED": str(v.get("speed", 1000)),
                "DUPLEX": "full", "DEVICE": v.get("device", "")}
        rows.append([vals[f] for f, _ in fields])
    sys.stdout.write(ofmt(fields, rows, "p" in opts))
    return 0


def create_vnic(h, args):
    opts, rest = getopts("dladm", args, {"t": False, "R": True, "l": True, "m": True, "n": True, "r": True,
                                         "v": True, "f": False, "p": True, "H": False})
    if len(rest) != 1 or "l" not in opts:
        die("usage:\tcreate-vnic [-t] -l <link> [-m <value> | auto |\n"
            "\t    {factory [-n <slot-id>]} | {random [-r <prefix>]}]\n"
            "\t    [-v <vid> [-f]] [-p <prop>=<value>[,...]] [-H] <vnic-link>", 2)
    name = rest[0]
    over = opts["l"]
    data = links(h)
    if over not in data["links"] or data["links"][over]["class"] not in ("phys", "etherstub", "aggr"):
        die("dladm: invalid link name '%s'" % over)
    if not valid_linkname(name):
        die("dladm: invalid link name '%s'" % name)
    m = opts.get("m", "auto")
    if m == "fixed":
        die("dladm: 'fixed' is not a valid MAC address")
    if m in ("auto", "random", "factory"):
        import random as _r

        mac = "2:8:20:%x:%x:%x" % (_r.randint(0, 255), _r.randint(0, 255), _r.randint(0, 255))
        kind = "random"
    else:
        mac = parse_mac(m)
        if mac is None:
            die("dladm: invalid MAC address")
        kind = "fixed"
    vid = 0
    if "v" in opts:
        try:
            vid = int(opts["v"])
        except ValueError:
            vid = -1
        if not 1 <= vid <= 4094:
            die("dladm: invalid VLAN identifier '%s'" % opts["v"])
    if "f" in opts and "v" not in opts:
        die("dladm: -f option can only be used with -v")
    if name in data["links"]:
        die("dladm: vnic creation over %s failed: object already exists" % over)
    for n, v in data["links"].items():
        if v["class"] == "vnic" and v["mac"] == mac and v["over"] == over and vid == v.get("vid", 0):
            die("dladm: vnic creation over %s failed: MAC address is already in use" % over)
    data["links"][name] = {"class": "vnic", "over": over, "mac": mac, "macaddrtype": kind, "vid": vid,
                           "temporary": "t" in opts, "mtu": 1500}
    data["order"].append(name)
    save_links(h, data)
    return 0


def delete_vnic(h, args):
    opts, rest = getopts("dladm", args, {"t": False, "R": True})
    if len(rest) != 1:
        die("usage:\tdelete-vnic [-t] <vnic-link>", 2)
    name = rest[0]
    data = links(h)
    if name not in data["links"]:
        die("dladm: invalid link name '%s'" % name)
    if data["links"][name]["class"] != "vnic":
        die("dladm: '%s' is not a vnic" % name)
    if name in zone_holders(h):
        die("dladm: vnic deletion failed: link busy")
    del data["links"][name]
    data["order"].remove(name)
    save_links(h, data)
    return 0


# ---------------------------------------------------------------------------
# ipadm


ADDR_FIELDS = [("ADDROBJ", 18), ("TYPE", 9), ("STATE", 13), ("CURRENT", 8), ("PERSISTENT", 11), ("ADDR", 20)]
IF_FIELDS = {
    "solaris11": [("IFNAME", 11), ("CLASS", 9), ("STATE", 9), ("ACTIVE", 7), ("OVER", 10), ("CURRENT", 13),
                  ("PERSISTENT", 11)],
    "illumos": [("IFNAME", 11), ("CLASS", 9), ("STATE", 9), ("CURRENT", 13), ("PERSISTENT", 11), ("OVER", 10)],
}
IF_DEFAULT = {"solaris11": ["IFNAME", "CLASS", "STATE", "ACTIVE", "OVER"],
              "illumos": ["IFNAME", "CLASS", "STATE", "CURRENT", "PERSISTENT"]}


def zone_addrs():
    """Addresses seen inside a zone (zlogin): lo0 and the zone's VNICs."""
    return [{"addrobj": "lo0/v4", "type": "static", "state": "ok", "addr": "127.0.0.1/8"},
            {"addrobj": "lo0/v6", "type": "static", "state": "ok", "addr": "::1/128"}]


def ipadm(argv):
    h = common.this_host()
    if not argv:
        die("usage: ipadm <subcommand> <args> ...", 2)
    sub, args = argv[0], argv[1:]
    addrs = zone_addrs() if os.environ.get("TB_ZONE") else load_json(os.path.join(h.state, "addrs.json"), [])
    if sub == "show-addr":
        opts, rest = getopts("ipadm", args, {"p": False, "o": True})
        if rest:
            addrs = [a for a in addrs if a["addrobj"] == rest[0] or a["addrobj"].split("/")[0] == rest[0]]
            if not addrs:
                die("ipadm: Address object not found")
        fields = select_fields("ipadm", ADDR_FIELDS, ["ADDROBJ", "TYPE", "STATE", "ADDR"], opts.get("o"),
                               "p" in opts)
        rows = []
        for a in addrs:
            vals = {"ADDROBJ": a["addrobj"], "TYPE": a["type"], "STATE": a["state"], "CURRENT": "U----",
                    "PERSISTENT": "U--", "ADDR": a["addr"]}
            rows.append([vals[f] for f, _ in fields])
        sys.stdout.write(ofmt(fields, rows, "p" in opts))
        return 0
    if sub == "show-if":
        opts, rest = getopts("ipadm", args, {"p": False, "o": True})
        ifs = []
        for a in addrs:
            i = a["addrobj"].split("/")[0]
            if i not in ifs:
                ifs.append(i)
        if rest:
            if rest[0] not in ifs:
                die("ipadm: Interface does not exist")
            ifs = [rest[0]]
        fields = select_fields("ipadm", IF_FIELDS[h.platform], IF_DEFAULT[h.platform], opts.get("o"), "p" in opts)
        rows = []
        for i in ifs:
            lo = i.startswith("lo")
            if h.platform == "solaris11":
                cls = "loopback" if lo else "ip"
            else:
                cls = "LOOPBACK" if lo else "IP"
            vals = {"IFNAME": i, "CLASS": cls, "STATE": "ok", "ACTIVE": "yes", "OVER": "",
                    "CURRENT": "-m-v------46" if lo else "bm--------46", "PERSISTENT": "-46"}
            rows.append([vals[f] for f, _ in fields])
        sys.stdout.write(ofmt(fields, rows, "p" in opts))
        return 0
    die("ipadm: unknown subcommand '%s'" % sub, 2)
