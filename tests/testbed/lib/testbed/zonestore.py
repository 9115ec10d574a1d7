"""The zone table of one simulated GZ: configuration, state, uuid, debug id
and kernel zone id of each zone, kept under DIR/hosts/H/state/zones/.

Callers hold `host.lock("zones")` around read-modify-write sequences.
"""

import os
import re
import time

from .common import load_json, save_json

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


def check_name(name):
    """None when `name` is a legal zone name, else why not (libzonecfg)."""
    if name == "global":
        return "global is not a valid zone name"
    if name.startswith("SUNW"):
        return "zone names beginning with SUNW are reserved"
    if not NAME_RE.match(name):
        return "invalid zone name"
    return None


def zdir(h):
    return os.path.join(h.state, "zones")


def index(h):
    return load_json(os.path.join(zdir(h), "index.json"), {"zones": [], "next_did": 1})


def load(h, name):
    return load_json(os.path.join(zdir(h), name + ".json"))


def save(h, rec):
    rec["since"] = time.time()
    save_json(os.path.join(zdir(h), rec["name"] + ".json"), rec)


def all_zones(h):
    out = []
    for n in index(h)["zones"]:
        r = load(h, n)
        if r is not None:
            out.append(r)
    return out


def commit_config(h, name, cfg):
    rec = load(h, name)
    if rec is None:
        idx = index(h)
        rec = {"name": name, "state": "configured", "uuid": "", "did": idx["next_did"], "zoneid": None}
        idx["next_did"] += 1
        idx["zones"].append(name)
        save_json(os.path.join(zdir(h), "index.json"), idx)
    rec["config"] = cfg
    save(h, rec)


def delete(h, name):
    idx = index(h)
    idx["zones"] = [z for z in idx["zones"] if z != name]
    save_json(os.path.join(zdir(h), "index.json"), idx)
    try:
        os.unlink(os.path.join(zdir(h), name + ".json"))
    except FileNotFoundError:
        pass


def lowest_free_id(h):
    used = {r["zoneid"] for r in all_zones(h) if r.get("zoneid") is not None}
    k = 1
    while k in used:
        k += 1
    return k


def new_uuid():
    import uuid  # not on the `zoneadm list` path

    return str(uuid.uuid4())
