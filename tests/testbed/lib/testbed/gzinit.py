"""What a freshly booted simulated GZ looks like: its /etc files (nodename,
release, hosts), datalinks, IP addresses, packages and services. Also the
package list and service repository `zoneadm install` gives a new zone.

The data imitate a Solaris 11.1 or an OmniOS (illumos) machine that already
follows the house rules: the GZ's IP sits on a VNIC over the physical link,
the VNIC's MAC is derived from the GZ's IP (00:00:01:I3:I4:00).
"""

import os

from .common import save_json, write_text

SOLARIS_VERSION = "0.5.11-0.175.1.0.0.24.2"
OMNIOS_VERSION = "0.5.11-151046.0"

RELEASE = {
    "solaris11": (
        "                           Oracle Solaris 11.1 X86\n"
        "  Copyright (c) 1983, 2012, Oracle and/or its affiliates.  All rights reserved.\n"
        "                           Assembled 19 September 2012\n"
    ),
    "illumos": (
        "  OmniOS v11 r151046\n"
        "  Copyright (c) 2012-2017 OmniTI Computer Consulting, Inc.\n"
        "  Copyright (c) 2017-2023 OmniOS Community Edition (OmniOSce) Association.\n"
        "  All rights reserved. Use is subject to licence terms.\n"
    ),
}

UNAME_V = {"solaris11": "11.1", "illumos": "omnios-r151046-f16f6a8a1e"}

GZ_PACKAGES = {
    "solaris11": [
        "entire",
        "group/system/solaris-small-server",
        "driver/network/ethernet/e1000g",
        "network/ssh",
        "service/network/ssh",
        "shell/bash",
        "system/core-os",
        "system/kernel",
        "system/zones",
        "system/zones/brand/brand-solaris",
        "system/network",
        "diagnostic/snoop",
        "storage/mpathadm",
        "system/file-system/zfs",
    ],
    "illumos": [
        "entire",
        "driver/network/e1000g",
        "network/openssh",
        "network/openssh-server",
        "shell/bash",
        "system/kernel",
        "system/zones",
        "system/zones/brand/lipkg",
        "system/network",
        "diagnostic/snoop",
        "system/file-system/zfs",
    ],
}

ZONE_PACKAGES = {
    "solaris11": [
        "entire",
        "group/system/solaris-small-server",
        "network/ssh",
        "service/network/ssh",
        "service/network/smtp/sendmail",
        "shell/bash",
        "system/core-os",
        "system/file-system/autofs",
        "system/network",
        "system/system-log",
    ],
    "illumos": [
        "entire",
        "network/openssh",
        "network/openssh-server",
        "service/network/smtp/dma",
        "shell/bash",
        "system/core-os",
        "system/file-system/autofs",
        "system/network",
        "system/system-log/rsyslog",
    ],
}


def pkg_lines(platform, names):
    ver = SOLARIS_VERSION if platform == "solaris11" else OMNIOS_VERSION
    out = []
    for n in names:
        v = ver
        if n == "shell/bash":
            v = "4.1.9-0.175.1.0.0.24.0" if platform == "solaris11" else "5.2.15-151046.0"
        out.append((n, v, "i--"))
    return out


def _dep(entities, grouping="require_all", restart_on="none"):
    return {
        "type": "dependency",
        "props": {
            "entities": ["fmri", entities],
            "grouping": ["astring", [grouping]],
            "restart_on": ["astring", [restart_on]],
            "type": ["astring", ["service"]],
        },
    }


def smf_repo(zone):
    """A service repository: services with service-level property groups and
    instances, each instance with its editing pgs and a running snapshot."""
    autofs = "svc:/system/filesystem/autofs"
    svcs = {
        "svc:/system/filesystem/local": {"pgs": {}, "instances": ["default"]},
        "svc:/system/filesystem/autofs": {
            "pgs": {"filesystem": _dep(["svc:/system/filesystem/local"])},
            "instances": ["default"],
        },
        "svc:/network/ssh": {
            "pgs": {
                "fs-local": _dep(["svc:/system/filesystem/local"]),
                "fs-autofs": _dep([autofs], "optional_all"),
                "net-loopback": _dep(["svc:/network/loopback"], "require_all"),
            },
            "instances": ["default"],
        },
        "svc:/network/loopback": {"pgs": {}, "instances": ["default"]},
        "svc:/system/system-log": {
            "pgs": {
                "milestone": _dep(["svc:/milestone/self-assembly-complete"]),
                "autofs": _dep([autofs], "optional_all"),
            },
            "instances": ["default"],
        },
        "svc:/milestone/self-assembly-complete": {"pgs": {}, "instances": ["default"]},
        "svc:/milestone/multi-user-server": {
            "pgs": {"multi-user": _dep(["svc:/milestone/multi-user"])},
            "instances": ["default"],
        },
        "svc:/milestone/multi-user": {"pgs": {}, "instances": ["default"]},
    }
    if zone:
        # illumos smtp-sendmail.xml declares the autofs dependency on the
        # instance, not on the service (unlike ssh and system-log).
        svcs["svc:/network/smtp"] = {
            "pgs": {},
            "instances": ["sendmail"],
            "instance_pgs": {"sendmail": {"autofs": _dep([autofs], "optional_all")}},
        }
    repo = {}
    for fmri, s in svcs.items():
        insts = {}
        for i in s["instances"]:
            pgs = dict(s.get("instance_pgs", {}).get(i, {}))
            insts[i] = {"state": "online", "pgs": pgs, "running": None}
        repo[fmri] = {"pgs": s["pgs"], "instances": insts}
    for fmri, s in repo.items():
        for i in s["instances"].values():
            i["running"] = {"service": s["pgs"], "instance": i["pgs"]}
    return repo


def init_state(h):
    """The emulator state of a new GZ (written by `up`, outside the namespace)."""
    ip, prefix = h.ip.split("/")
    o = [int(x) for x in ip.split(".")]
    mac = "0:0:1:%x:%x:0" % (o[2], o[3])
    links = {
        "order": [h.phys, h.vnic],
        "links": {
            h.phys: {"class": "phys", "media": "Ethernet", "device": "e1000g0", "speed": 1000, "mtu": 1500},
            h.vnic: {
                "class": "vnic",
                "over": h.phys,
                "mac": mac,
                "macaddrtype": "fixed",
                "vid": 0,
                "temporary": False,
                "mtu": 1500,
            },
        },
    }
    save_json(os.path.join(h.state, "links.json"), links)
    addrs = [
        {"addrobj": "lo0/v4", "type": "static", "state": "ok", "addr": "127.0.0.1/8"},
        {"addrobj": "%s/v4" % h.vnic, "type": "static", "state": "ok", "addr": "%s/%s" % (ip, prefix)},
        {"addrobj": "lo0/v6", "type": "static", "state": "ok", "addr": "::1/128"},
    ]
    save_json(os.path.join(h.state, "addrs.json"), addrs)
    save_json(os.path.join(h.state, "gz", "pkg.json"), pkg_lines(h.platform, GZ_PACKAGES[h.platform]))
    save_json(os.path.join(h.state, "gz", "smf.json"), smf_repo(zone=False))
    save_json(os.path.join(h.state, "zones", "index.json"), {"zones": [], "next_did": 1})


def passwd_text():
    return (
        "root:x:0:0:Super-User:/root:/usr/bin/bash\n"
        "daemon:x:1:1::/:\n"
        "bin:x:2:2::/usr/bin:\n"
        "sys:x:3:3::/:\n"
        "adm:x:4:4:Admin:/var/adm:\n"
        "nobody:x:60001:60001:NFS Anonymous Access User:/:\n"
    )


def write_etc(h):
    """/etc files of the GZ, written inside its namespace (/etc is an overlay)."""
    write_text("/etc/nodename", h.name + "\n")
    write_text("/etc/hostname", h.name + "\n")
    write_text("/etc/release", RELEASE[h.platform])
    # The GZ's "primary IP" (192.168.31.x) is data for ipadm only: nothing may
    # ever send traffic there, so no name resolves to it.
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost", "%s\t%s" % (h.addr, h.name)]
    write_text("/etc/hosts", "\n".join(lines) + "\n")
