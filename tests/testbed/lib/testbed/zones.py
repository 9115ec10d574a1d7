"""Emulated zoneadm(1M) and zlogin(1): the zone state machine of illumos
zoneadm.c/zoneadmd (configured -> installed -> ready -> running, shutdown
through shutting_down and down, detach/attach), zone IDs allocated lowest
free at boot, and the zone's datasets created by `install` the way a
Solaris 11 (or OmniOS) install lays them out.

Refusals are printed `zoneadm: zone 'Z': TEXT` on stderr with exit 1, as
zoneadm's zerror() does; the "already" cases of halt/boot/ready exit 0.
"""

import ctypes
import io
import os
import signal
import subprocess
import sys
import time

from . import common, gzinit, zonestore
from .zonelist import ID_STATES, brand_of, get, cmd_list, global_brand, iptype_of, parsable_line, verbose_line  # noqa: F401
from .common import Fail, die, save_json, write_text

DEFAULT_SHUTDOWN_SECONDS = 2.0


def zerror(zone, msg, code=1):
    raise Fail("zoneadm: zone '%s': %s" % (zone, msg), code)


# ---------------------------------------------------------------------------
# datasets


def zfs(*args, check=True):
    r = subprocess.run([common.REAL_ZFS] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise Fail(r.stderr.strip() or "zfs %s failed" % " ".join(args))
    return r


def dataset_exists(name):
    return zfs("list", "-H", "-o", "name", name, check=False).returncode == 0


def dataset_for_mountpoint(path):
    r = zfs("list", "-H", "-o", "name,mountpoint", "-t", "filesystem")
    for line in r.stdout.splitlines():
        name, mp = line.split("\t")
        if mp == path:
            return name
    return None


def zonepath_dataset(rec):
    zp = rec["config"]["globals"].get("zonepath", "")
    parent = dataset_for_mountpoint(os.path.dirname(zp))
    if parent is None:
        return None
    return parent + "/" + os.path.basename(zp)


def root_dataset(h, zds):
    if h.platform == "solaris11":
        return zds + "/rpool/ROOT/solaris"
    return zds + "/ROOT/zbe"


def mount_zone(h, rec):
    """Mount the zonepath dataset and its boot environment (attach: a real
    attach mounts the zone root to check it)."""
    zds = zonepath_dataset(rec)
    for ds in (zds, root_dataset(h, zds)):
        if dataset_exists(ds):
            mounted = zfs("get", "-H", "-o", "value", "mounted", ds).stdout.strip()
            if mounted != "yes":
                zfs("mount", ds, check=False)


def mount_all(h, rec):
    """What a real boot mounts: zoneadmd the zone root, then the zone's own
    svc:/system/filesystem/local every other file system of the zone (its
    rpool/export, export/home, ...) and the delegated datasets with their
    descendants. Datasets received with `zfs receive -u` are unmounted until
    then. Parents first (shortest mountpoint first); `canmount=off`,
    `noauto`, `none` and `legacy` are left alone, as `zfs mount -a` does."""
    tops = []
    zds = zonepath_dataset(rec)
    if zds:
        tops.append(zds)
    for r in rec["config"]["resources"]:
        if r["type"] == "dataset" and r["props"].get("name"):
            tops.append(r["props"]["name"])
    rows = []
    for top in tops:
        r = zfs("list", "-H", "-o", "name,mountpoint,canmount,mounted", "-r", "-t", "filesystem", top,
                check=False)
        rows += [line.split("\t") for line in r.stdout.splitlines() if line.count("\t") == 3]
    for name, mp, canmount, mounted in sorted(rows, key=lambda x: (x[1].count("/"), x[1])):
        if mounted == "yes" or canmount != "on" or not mp.startswith("/"):
            continue
        zfs("mount", name, check=False)


def unmount_tree(ds):
    """Unmount ds and its descendants, deepest mountpoint first (zfs-fuse's
    destroy -r does not order by mountpoint, and export is mounted inside
    the zone root)."""
    r = zfs("list", "-H", "-o", "name,mountpoint,mounted", "-r", "-t", "filesystem", ds)
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    for name, mp, mounted in sorted(rows, key=lambda x: -len(x[1])):
        if mounted == "yes":
            zfs("unmount", name)


def install_datasets(h, rec):
    zp = rec["config"]["globals"]["zonepath"]
    zds = zonepath_dataset(rec)
    if zds is None:
        zerror(rec["name"], "zonepath %s: its parent directory is not a ZFS dataset's mountpoint." % zp)
    if not dataset_exists(zds):
        zfs("create", zds)
    if os.path.exists(os.path.join(zp, "root", "etc")):
        zerror(rec["name"], "Zonepath %s already holds a zone root (root/etc)." % zp)
    if h.platform == "solaris11":
        zfs("create", "-o", "canmount=off", zds + "/rpool")
        zfs("create", "-o", "canmount=off", zds + "/rpool/ROOT")
        zfs("create", "-o", "mountpoint=%s/root" % zp, zds + "/rpool/ROOT/solaris")
        zfs("create", "-o", "mountpoint=%s/root/export" % zp, zds + "/rpool/export")
        zfs("create", zds + "/rpool/export/home")
    else:
        zfs("create", "-o", "canmount=off", zds + "/ROOT")
        zfs("create", "-o", "mountpoint=%s/root" % zp, zds + "/ROOT/zbe")
    os.chmod(zp, 0o700)
    root = os.path.join(zp, "root")
    os.chmod(root, 0o755)
    write_text(os.path.join(root, "etc", "nodename"), rec["name"] + "\n")
    write_text(os.path.join(root, "etc", "hostname"), rec["name"] + "\n")
    write_text(os.path.join(root, "etc", "passwd"), gzinit.passwd_text())
    write_text(os.path.join(root, "etc", "group"), "root::0:\nother::1:root\nstaff::10:\n")
    write_text(os.path.join(root, "etc", "release"), gzinit.RELEASE[h.platform])
    save_json(os.path.join(root, "var", "pkg", "testbed-installed.json"),
              gzinit.pkg_lines(h.platform, gzinit.ZONE_PACKAGES[h.platform]))
    save_json(os.path.join(root, "etc", "svc", "testbed-repo.json"), gzinit.smf_repo(zone=True))
    os.makedirs(os.path.join(root, "var", "tmp"), exist_ok=True)


# ---------------------------------------------------------------------------
# state helpers


def set_state(h, rec, state, zoneid=None):
    rec["state"] = state
    rec["zoneid"] = zoneid if state in ID_STATES else None
    zonestore.save(h, rec)


def shutdown_seconds(h):
    try:
        return float(h.knob("shutdown-seconds", DEFAULT_SHUTDOWN_SECONDS))
    except ValueError:
        return DEFAULT_SHUTDOWN_SECONDS


def kill_pid(pid, sig=signal.SIGTERM, wait=10.0):
    if not pid:
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    end = time.monotonic() + wait
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
            with open("/proc/%d/stat" % pid) as f:
                if f.read().split(") ", 1)[1][0] == "Z":
                    return
        except (ProcessLookupError, FileNotFoundError):
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def spawn_detached(argv, log):
    """Start a process outside this command's session (it outlives ssh)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(common.SRC, "lib")
    with open(log, "ab") as lf:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=lf, stderr=lf, start_new_session=True,
                             env=env, cwd="/")
    return p.pid


def stop_writer(h, rec):
    kill_pid(rec.get("writer_pid"), signal.SIGTERM, wait=30.0)
    rec["writer_pid"] = None


def start_writer(h, rec):
    knob = common.load_json(h.path("knobs", "workload-%s.json" % rec["name"]))
    if not knob:
        return
    os.makedirs(h.path("workload"), exist_ok=True)
    rec["writer_pid"] = spawn_detached(
        [common.PY, "-m", "testbed.writer", h.dir, h.name, rec["name"]],
        h.path("log", "writer-%s.log" % rec["name"]))


def begin_shutdown(h, rec, reboot=False):
    """running -> shutting_down; a detached stopper finishes the way down
    after the configured time (never, with fault init-hang)."""
    set_state(h, rec, "shutting_down", rec["zoneid"])
    if h.fault("init-hang-" + rec["name"]) is not None or h.fault("init-hang") is not None:
        return
    rec["stopper_pid"] = spawn_detached(
        [common.PY, "-m", "testbed.zones", "stopper", h.dir, h.name, rec["name"], "1" if reboot else "0"],
        h.path("log", "stopper-%s.log" % rec["name"]))
    zonestore.save(h, rec)


def stopper(d, host, zone, reboot):
    h = common.host_named(d, host)
    with h.lock("zones"):
        rec = get(h, zone)
        writer = rec.get("writer_pid")
    kill_pid(writer, signal.SIGTERM, wait=30.0)
    total = shutdown_seconds(h)
    time.sleep(total * 0.8)
    with h.lock("zones"):
        rec = get(h, zone)
        if rec["state"] != "shutting_down":
            return
        set_state(h, rec, "down", rec["zoneid"])
    time.sleep(total * 0.2)
    with h.lock("zones"):
        rec = get(h, zone)
        if rec["state"] != "down":
            return
        rec["writer_pid"] = None
        rec["stopper_pid"] = None
        set_state(h, rec, "installed")
        if reboot == "1":
            do_boot(h, rec)


def do_boot(h, rec):
    zone = rec["name"]
    cfg = rec["config"]
    missing = []
    for r in cfg["resources"]:
        if r["type"] == "dataset":
            ds = r["props"].get("name", "")
            if not dataset_exists(ds):
                missing.append("could not verify zfs dataset %s: dataset does not exist" % ds)
    links = common.load_json(os.path.join(h.state, "links.json"), {"links": {}})["links"]
    for r in cfg["resources"]:
        if r["type"] == "net" and cfg["globals"].get("ip-type", "shared") == "exclusive":
            phys = r["props"].get("physical", "")
            if phys not in links:
                missing.append("failed to add network device: datalink %s does not exist" % phys)
    if missing:
        msg = "\n".join("zone '%s': %s" % (zone, m) for m in missing)
        raise Fail(msg + "\nzoneadm: zone '%s': call to zoneadmd failed" % zone)
    mount_all(h, rec)
    zid = rec["zoneid"] if rec["state"] == "ready" else zonestore.lowest_free_id(h)
    rec["booted_at"] = time.time()
    set_state(h, rec, "running", zid)
    start_writer(h, rec)
    zonestore.save(h, rec)


def halt_now(h, rec):
    kill_pid(rec.get("stopper_pid"), signal.SIGKILL, wait=2.0)
    stop_writer(h, rec)
    rec["stopper_pid"] = None
    set_state(h, rec, "installed")


# ---------------------------------------------------------------------------
# detach manifest


def manifest(h, rec):
    g = rec["config"]["globals"]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE zone PUBLIC "-//Sun Microsystems Inc//DTD Zones//EN" '
        '"file:///usr/share/lib/xml/dtd/zonecfg.dtd.1">',
        '<!-- testbed detach manifest (emulated) -->',
        '<zone name="%s" zonepath="%s" autoboot="%s" brand="%s" ip-type="%s">'
        % (rec["name"], g.get("zonepath", ""), g.get("autoboot", "false"), brand_of(h, rec),
           g.get("ip-type", "shared")),
    ]
    for r in rec["config"]["resources"]:
        if r["type"] == "net":
            lines.append('  <network physical="%s"/>' % r["props"].get("physical", ""))
        elif r["type"] == "dataset":
            lines.append('  <dataset name="%s"/>' % r["props"].get("name", ""))
    pk = common.load_json(os.path.join(g.get("zonepath", ""), "root", "var", "pkg", "testbed-installed.json"), [])
    for name, ver, _ in pk:
        lines.append('  <package name="%s" version="%s"/>' % (name, ver))
    lines.append("</zone>")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# zoneadm


USAGE = ("usage:\tzoneadm [-z <zone>] list [-cipv]\n"
         "\tzoneadm -z <zone> {install|uninstall -F|ready|boot|shutdown [-r]|halt|detach [-n]|"
         "attach [-F] [-u] [-n path]}\n")


def zoneadm(argv):
    h = common.this_host()
    zone = None
    args = list(argv)
    while args and args[0] in ("-z", "-u", "-R"):
        if len(args) < 2:
            die(USAGE, 2)
        if args[0] == "-z":
            zone = args[1]
        args = args[2:]
    if not args:
        die(USAGE, 2)
    sub, args = args[0], args[1:]
    if sub == "list":
        return locked(h, lambda: cmd_list(h, zone, args))
    if sub == "help":
        sys.stdout.write(USAGE)
        return 0
    known = ("install", "uninstall", "ready", "boot", "shutdown", "halt", "reboot", "detach", "attach", "verify",
             "mark")
    if sub not in known:
        die("zoneadm: unknown subcommand '%s'\n%s" % (sub, USAGE), 2)
    if sub == "attach" and dry_run_manifest(args) is not None:
        # illumos zoneadm.c attach_func: "If the no-execute option was
        # specified, we don't do validation and need to figure out the brand,
        # since there is no zone required to be configured for this option."
        # main() still refuses an unknown -z zone (zone_get_id).
        if zone is not None and zone != "global" and zonestore.load(h, zone) is None:
            raise Fail("zoneadm: %s: No such zone configured" % zone)
        return attach_dry_run(h, zone, args)
    if zone is None:
        die("zoneadm: no zone specified", 1)
    if zone == "global":
        die("zoneadm: zone 'global': %s operation is invalid for the global zone." % sub)
    if zone.startswith("SUNW"):
        die("zoneadm: zone '%s': %s operation is invalid for zones starting with SUNW." % (zone, sub))
    # Read a manifest from stdin before locking and print after unlocking,
    # so that `zoneadm … detach -n | zoneadm … attach -n -` cannot deadlock.
    global STDIN_TEXT
    if sub == "attach" and "-" in args:
        STDIN_TEXT = sys.stdin.read()
    return locked(h, lambda: zoneadm_locked(h, zone, sub, args))


STDIN_TEXT = None


def locked(h, fn):
    out = io.StringIO()
    real = sys.stdout
    sys.stdout = out
    try:
        with h.lock("zones"):
            return fn()
    finally:
        sys.stdout = real
        sys.stdout.write(out.getvalue())


def zoneadm_locked(h, zone, sub, args):
    rec = zonestore.load(h, zone)
    if rec is None:
        raise Fail("zoneadm: %s: No such zone configured" % zone)
    return globals()["z_" + sub](h, rec, args)


def flags(args, allowed, with_value=""):
    out = {}
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1 and a != "--":
            j = 1
            while j < len(a):
                c = a[j]
                if c not in allowed:
                    raise Fail("zoneadm: illegal option -- %s" % c, 2)
                if c in with_value:
                    v = a[j + 1:] or (args[i + 1] if i + 1 < len(args) else None)
                    if v is None:
                        raise Fail("zoneadm: option requires an argument -- %s" % c, 2)
                    if not a[j + 1:]:
                        i += 1
                    out[c] = v
                    break
                out[c] = True
                j += 1
        else:
            rest.append(a)
        i += 1
    return out, rest


def z_install(h, rec, args):
    flags(args, "cmxaUs", "cmxa")
    zone = rec["name"]
    if rec["state"] == "incomplete":
        zerror(zone, "zone is incomplete; uninstall required.")
    if rec["state"] != "configured":
        if rec["state"] in ID_STATES:
            zerror(zone, "install operation is invalid for %s zones." % rec["state"])
        zerror(zone, "is already installed.")
    if not rec["config"]["globals"].get("zonepath"):
        zerror(zone, "zonepath not set.")
    start = time.monotonic()
    print("Progress being logged to /var/log/zones/zoneadm.%s.%s.install" % (time.strftime("%Y%m%dT%H%M%SZ"), zone))
    set_state(h, rec, "incomplete")
    install_datasets(h, rec)
    rec["uuid"] = zonestore.new_uuid()
    set_state(h, rec, "installed")
    print("Done: Installation completed in %.3f seconds." % (time.monotonic() - start))
    return 0


def z_uninstall(h, rec, args):
    f, _ = flags(args, "Fh")
    zone = rec["name"]
    if rec["state"] in ID_STATES:
        zerror(zone, "uninstall operation is invalid for %s zones." % rec["state"])
    if rec["state"] == "configured":
        zerror(zone, "is already in state 'configured'.")
    if "F" not in f:
        raise Fail("zoneadm: zone '%s': Input not from terminal and -F not specified" % zone)
    zds = zonepath_dataset(rec)
    if zds and dataset_exists(zds):
        unmount_tree(zds)
        zfs("destroy", "-r", zds)
    rec["uuid"] = ""
    set_state(h, rec, "configured")
    return 0


def z_ready(h, rec, args):
    zone = rec["name"]
    if rec["state"] in ("configured", "incomplete"):
        zerror(zone, "must be installed before ready.")
    if rec["state"] == "ready":
        sys.stderr.write("zoneadm: zone '%s': zone is already ready\n" % zone)
        return 0
    if rec["state"] == "running":
        halt_now(h, rec)
    set_state(h, rec, "ready", zonestore.lowest_free_id(h))
    return 0


def z_boot(h, rec, args):
    zone = rec["name"]
    if rec["state"] in ("configured", "incomplete"):
        zerror(zone, "must be installed before boot.")
    if rec["state"] == "running":
        sys.stderr.write("zoneadm: zone '%s': zone is already booted\n" % zone)
        return 0
    if rec["state"] in ("shutting_down", "down"):
        zerror(zone, "boot operation is invalid for zones in state '%s'" % rec["state"])
    do_boot(h, rec)
    return 0


def z_halt(h, rec, args):
    zone = rec["name"]
    if rec["state"] in ("configured", "incomplete", "installed"):
        sys.stderr.write("zoneadm: zone '%s': zone is already halted\n" % zone)
        return 0
    halt_now(h, rec)
    return 0


def z_reboot(h, rec, args):
    zone = rec["name"]
    if rec["state"] not in ID_STATES:
        zerror(zone, "not running")
    halt_now(h, rec)
    do_boot(h, rec)
    return 0


def z_shutdown(h, rec, args):
    f, _ = flags(args, "r")
    zone = rec["name"]
    if rec["state"] == "ready":
        zerror(zone, "shutdown operation is invalid for zones in state 'ready'")
    if rec["state"] not in ("running", "shutting_down", "down"):
        zerror(zone, "not running")
    if rec["state"] == "running":
        begin_shutdown(h, rec, reboot="r" in f)
    # zoneadm shutdown waits for the zone to come down (zoneadmd).
    return ("wait", "running" if "r" in f else "installed")


def z_detach(h, rec, args):
    f, _ = flags(args, "nF")
    zone = rec["name"]
    if "n" in f and "F" in f:
        zerror(zone, "-F option is incompatible with -n and -? options")
    if "n" in f:
        # illumos zoneadm.c detach_func: sanity_check (and with it the state
        # check) runs only `if (execute)`; a dry run "only does minimal
        # validation" (a zone is named and is not the global zone), so
        # `detach -n` prints the manifest of a running zone too.
        sys.stdout.write(manifest(h, rec))
        return 0
    if rec["state"] in ID_STATES:
        zerror(zone, "detach operation is invalid for %s zones." % rec["state"])
    if rec["state"] != "installed":
        zerror(zone, "must be installed before detach.")
    text = manifest(h, rec)
    if "n" in f:
        sys.stdout.write(text)
        return 0
    zp = rec["config"]["globals"]["zonepath"]
    write_text(os.path.join(zp, "SUNWdetached.xml"), text)
    set_state(h, rec, "configured")
    return 0


def dry_run_manifest(args):
    """The PATH of `attach … -n PATH` (None without -n)."""
    try:
        f, _ = flags(args, "FunbU", "nb")
    except Fail:
        return None
    return f.get("n")


def attach_dry_run(h, zone, args):
    """`zoneadm [-z Z] attach -n PATH|-`: validate a detach manifest without
    touching any zone (illumos zoneadm.c attach_func and dryrun_get_brand).
    Errors are zerror()'s: prefixed `zone 'Z': ` only when -z was given."""
    f, _ = flags(args, "FunbU", "nb")

    def err(msg):
        raise Fail("zoneadm: %s%s" % ("zone '%s': " % zone if zone else "", msg))

    if "F" in f:
        err("-F and -n flags are mutually exclusive")
    path = f["n"]
    if path == "-":
        text = STDIN_TEXT if STDIN_TEXT is not None else sys.stdin.read()
    else:
        # main() has done chdir("/"), so a relative path is taken from /,
        # and the message puts the cwd ("/") before it.
        full = path if path.startswith("/") else "/" + path
        try:
            with open(full, errors="replace") as fh:
                text = fh.read() if os.path.isfile(full) else None
        except OSError as e:
            err("could not open manifest path %s: %s" % (full, e.strerror))
        if text is None:
            err("%s is not an XML file" % path)
    import xml.etree.ElementTree as ET

    try:
        doc = ET.fromstring(text)
    except ET.ParseError:
        doc = None
    if doc is None or doc.tag != "zone":
        if path == "-":
            err("Input is not a valid XML file")
        if not text.startswith("<?xml"):
            err("%s is not an XML file" % path)
        err("Cannot attach to an earlier release of the operating system")
    if not doc.get("brand"):
        err("missing or invalid brand")
    return 0


def z_attach(h, rec, args):
    f, _ = flags(args, "FunbU", "nb")
    zone = rec["name"]
    if rec["state"] == "installed" or rec["state"] in ID_STATES:
        zerror(zone, "is already installed.")
    if rec["state"] == "incomplete" and "F" not in f:
        zerror(zone, "zone is incomplete; uninstall required.")
    fault = h.fault("attach-fail-" + zone)
    if fault is None:
        fault = h.fault("attach-fail")
    if fault is not None:
        zerror(zone, fault or "attach failed (testbed fault attach-fail).")
    zp = rec["config"]["globals"].get("zonepath", "")
    zds = zonepath_dataset(rec)
    if zds is None or not dataset_exists(zds):
        raise Fail("zoneadm: zone '%s': ERROR: zonepath dataset %s does not exist.\n"
                   "zoneadm: zone '%s': could not verify zonepath %s because of the above errors."
                   % (zone, zds or "for " + zp, zone, zp))
    mount_zone(h, rec)
    if not os.path.isdir(os.path.join(zp, "root", "etc")) and "F" not in f:
        raise Fail("zoneadm: zone '%s': ERROR: no zone root found in %s/root.\n"
                   "zoneadm: zone '%s': could not verify zonepath %s because of the above errors."
                   % (zone, zp, zone, zp))
    try:
        os.unlink(os.path.join(zp, "SUNWdetached.xml"))
    except FileNotFoundError:
        pass
    if "u" in f:
        print("Updating non-global zone: Linking to image /.")
    if not rec.get("uuid"):
        rec["uuid"] = zonestore.new_uuid()
    set_state(h, rec, "installed")
    return 0


def z_verify(h, rec, args):
    return 0


def z_mark(h, rec, args):
    if args[:1] == ["incomplete"]:
        set_state(h, rec, "incomplete")
        return 0
    die("usage: zoneadm -z Z mark incomplete", 2)


# zoneadmd's wait for a shutdown (illumos zoneadmd.c, zone_wait_shutdown):
# up to SHUTDOWN_WAIT (60) tries, or the stop/timeout_seconds property of
# svc:/system/zones:default, each after sleep(1); then "unable to shutdown
# zone". The knob zones-stop-timeout stands in for that SMF property.
SHUTDOWN_WAIT = 60


def zones_stop_timeout(h):
    try:
        return int(float(h.knob("zones-stop-timeout", SHUTDOWN_WAIT)))
    except ValueError:
        return SHUTDOWN_WAIT


def zoneadm_main(argv):
    r = zoneadm(argv)
    if isinstance(r, tuple) and r[0] == "wait":
        h = common.this_host()
        zone = argv[argv.index("-z") + 1]
        want = r[1]
        for _ in range(zones_stop_timeout(h)):
            time.sleep(1)
            with h.lock("zones"):
                rec = get(h, zone)
            if rec["state"] == want:
                return 0
            if rec["state"] in ("configured", "installed") and want == "running":
                return 1
        sys.stderr.write("zoneadm: zone '%s': unable to shutdown zone\n" % zone)
        return 1
    return r


# ---------------------------------------------------------------------------
# zlogin


MS_BIND = 4096


def bind(src, dst, recursive=False):
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    flags = MS_BIND | (0x4000 if recursive else 0)  # MS_REC: with submounts
    if libc.mount(src.encode(), dst.encode(), None, flags, None) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "mount --bind %s %s: %s" % (src, dst, os.strerror(e)))


def zlogin(argv):
    h = common.this_host()
    args = list(argv)
    while args and args[0].startswith("-"):
        if args[0] in ("-l", "-e"):
            args = args[2:]
        else:
            args = args[1:]
    if not args:
        die("usage: zlogin [-CES] [-e cmdchar] [-l user] zonename [command [argument ...]]", 2)
    zone, cmd = args[0], args[1:]
    with h.lock("zones"):
        rec = zonestore.load(h, zone)
    if rec is None:
        die("zlogin: zone '%s' unknown" % zone)
    if rec["state"] != "running":
        die("zlogin: login allowed only to running zones (%s is '%s')." % (zone, rec["state"]))
    if not cmd:
        if not sys.stdin.isatty():
            die("zlogin: interactive login needs a terminal in the testbed; give a command.")
        cmd = ["/bin/bash", "--norc", "-i"]
        shell = False
    else:
        shell = True
    argv2 = ["/usr/bin/unshare", "--mount", "--uts", "--propagation", "private", "--", common.PY, "-m",
             "testbed.zones", "zlogin-inner", zone, "1" if shell else "0"] + cmd
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(common.SRC, "lib")
    os.execve(argv2[0], argv2, env)


def zlogin_inner(zone, shell, cmd):
    """Inside a private mount+UTS namespace: make the zone's /etc files and
    name visible and run the command with the zone root as working
    directory. (The GZ already hides the machine's init/reboot.)"""
    h = common.this_host()
    rec = zonestore.load(h, zone)
    root = os.path.join(rec["config"]["globals"]["zonepath"], "root")
    import socket

    socket.sethostname(zone)
    for f in ("passwd", "group", "nodename", "hostname", "release", "shadow"):
        src = os.path.join(root, "etc", f)
        if os.path.exists(src) and os.path.exists("/etc/" + f):
            bind(src, "/etc/" + f)
    # The zone's own trees where house rule 11 puts homes: a command such as
    # `chown alice /local/home/alice` must reach the zone's files, not the
    # GZ's (the GZ root is the testbed's tmpfs, so an empty mountpoint made
    # there touches nothing of the machine).
    for top in ("local", "export"):
        src = os.path.join(root, top)
        if os.path.isdir(src):
            os.makedirs("/" + top, exist_ok=True)
            bind(src, "/" + top, recursive=True)
    env = dict(os.environ)
    env["TB_ZONE"] = zone
    env["TB_ZONEROOT"] = root
    os.chdir(root)
    if shell == "1":
        argv = ["/bin/bash", "--norc", "--noprofile", "-c", " ".join(cmd)]
    else:
        argv = cmd
    os.execve(argv[0], argv, env)


def init_main(argv):
    """init/shutdown/reboot inside a zone (the machine's are never run)."""
    zone = os.environ.get("TB_ZONE")
    prog = os.path.basename(sys.argv[0])
    if not zone:
        die("%s: the testbed does not emulate %s in the global zone" % (prog, prog))
    h = common.this_host()
    level = argv[-1] if argv else ""
    if prog in ("reboot",) or level == "6":
        action = "reboot"
    elif prog in ("halt", "poweroff") or level in ("0", "5", "S", "s"):
        action = "stop"
    elif prog == "shutdown":
        action = "reboot" if "-i6" in argv or ("-i" in argv and "6" in argv) else "stop"
    else:
        die("init: level %r is not emulated (use 0, 5 or 6)" % level)
    with h.lock("zones"):
        rec = get(h, zone)
        if rec["state"] == "running":
            begin_shutdown(h, rec, reboot=(action == "reboot"))
    return 0


def main(argv):
    if argv[0] == "stopper":
        stopper(*argv[1:5])
        return 0
    if argv[0] == "zlogin-inner":
        zlogin_inner(argv[1], argv[2], argv[3:])
        return 0
    die("zones: unknown internal command")


if __name__ == "__main__":
    common.run_main(main, "zones")
