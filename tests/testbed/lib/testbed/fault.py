"""tests/testbed/fault and tests/testbed/workload: inject faults into a
running testbed and control zone workloads from outside.

    fault DIR HOST send-abort BYTES        the first `zfs send` on HOST whose stream is
                                           longer than BYTES dies after BYTES
    fault DIR HOST ssh-drop BYTES          the first ssh session into HOST whose stdin
                                           carries BYTES is cut there
    fault DIR HOST pool-full POOL          fill POOL (a reservation takes its space)
    fault DIR HOST init-hang [ZONE]        `init 5`/shutdown never finish
    fault DIR HOST attach-fail [ZONE] [MSG]  `zoneadm attach` fails
    fault DIR HOST modify DATASET          write a file into DATASET (mounting it
                                           for the write if needed)
    fault DIR HOST stop-sshd               drop the GZ: its sshd stops, every
                                           established connection into it is cut,
                                           its own ssh clients are killed
    fault DIR HOST start-sshd              bring it back
    fault DIR HOST clear [KIND]            disarm all faults (or one kind)

    workload DIR HOST ZONE [--rate BPS] [--files N] [--size BYTES]   arm (and
        start, if the zone runs) the zone's writer
    workload DIR HOST ZONE verify          check the log against the files

    knob DIR HOST ingress-bps BPS|clear    limit the bytes per second flowing into
                                           HOST over ssh (session stdin)
    knob DIR HOST rtt-ms MS|clear          round-trip time of the link into HOST:
                                           every ssh session into it waits 2 x MS
                                           (channel open, exec request and output,
                                           RFC 4254 5.1/6.5) before its command
    knob DIR HOST shutdown-seconds S|clear zone shutdown time
    knob DIR HOST zones-stop-timeout S|clear
                                           how long zoneadm shutdown waits (1 s
                                           steps) before "unable to shutdown
                                           zone"; SMF's stop/timeout_seconds of
                                           svc:/system/zones (default 60)
    knob DIR HOST NAME                     print the value (or `unset`)
"""

import os
import signal
import subprocess
import sys

from . import common, ctl
from .common import die, write_text


def in_gz(h, argv, check=True, **kw):
    r = subprocess.run(ctl.enter_argv(h.dir, h.name) + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    if check and r.returncode != 0:
        die("%s: %s failed: %s" % (h.name, " ".join(argv), r.stderr.strip()))
    return r


def fault(argv):
    if len(argv) < 3:
        die(__doc__, 2)
    d, host, kind, args = os.path.abspath(argv[0]), argv[1], argv[2], argv[3:]
    h = common.host_named(d, host)
    fdir = h.path("faults")
    if kind in ("send-abort", "ssh-drop"):
        if len(args) != 1 or not args[0].isdigit():
            die("fault %s BYTES" % kind, 2)
        write_text(os.path.join(fdir, kind), args[0] + "\n")
    elif kind in ("init-hang", "attach-fail"):
        name = kind + ("-" + args[0] if args else "")
        write_text(os.path.join(fdir, name), " ".join(args[1:]) + "\n")
    elif kind == "pool-full":
        if len(args) != 1:
            die("fault pool-full POOL", 2)
        pool = args[0]
        avail = int(in_gz(h, [common.REAL_ZFS, "get", "-H", "-p", "-o", "value", "available", pool]).stdout)
        # The largest reservation zfs grants, leaving only its own slack.
        for margin in (256 << 10, 1 << 20, 4 << 20, 16 << 20):
            r = in_gz(h, [common.REAL_ZFS, "create", "-o", "reservation=%d" % max(0, avail - margin),
                          "-o", "canmount=off", pool + "/testbed-fill"], check=False)
            if r.returncode == 0:
                break
        else:
            die("pool-full: could not reserve the space of %s: %s" % (pool, r.stderr.strip()))
        write_text(os.path.join(fdir, "pool-full-" + pool), pool + "\n")
    elif kind == "modify":
        if len(args) != 1:
            die("fault modify DATASET", 2)
        script = (
            "set -e; ds=%s; m=$(/usr/sbin/zfs get -H -o value mounted $ds); "
            "mp=$(/usr/sbin/zfs get -H -o value mountpoint $ds); "
            "if [ \"$m\" != yes ]; then /usr/sbin/zfs mount $ds; fi; "
            "echo modified-by-testbed-fault > \"$mp/.testbed-modified\"; sync; "
            "if [ \"$m\" != yes ]; then /usr/sbin/zfs unmount $ds; fi" % args[0])
        in_gz(h, ["/bin/sh", "-c", script])
    elif kind == "stop-sshd":
        stop_sshd(h)
        write_text(os.path.join(fdir, "sshd-stopped"), "\n")
    elif kind == "start-sshd":
        in_gz(h, ["/usr/sbin/sshd", "-f", h.path("sshd_config"), "-E", h.path("log", "sshd.log")])
        try:
            os.unlink(os.path.join(fdir, "sshd-stopped"))
        except FileNotFoundError:
            pass
        import socket

        def up():
            s = socket.socket()
            try:
                s.connect((h.addr, h.port))
                return True
            except OSError:
                return False
            finally:
                s.close()

        if not common.wait_for(up, 10):
            die("start-sshd: sshd of %s did not come back" % host)
    elif kind == "clear":
        for f in os.listdir(fdir):
            if args and not f.startswith(args[0]):
                continue
            if f.startswith("pool-full-"):
                pool = f[len("pool-full-"):]
                in_gz(h, [common.REAL_ZFS, "destroy", pool + "/testbed-fill"], check=False)
            os.unlink(os.path.join(fdir, f))
    else:
        die("fault: unknown kind %r\n%s" % (kind, __doc__), 2)
    return 0


def sshd_pids(h):
    """The GZ's sshd processes: the listener and the per-connection ones
    (`sshd: root@notty`, `sshd-session`, …), found by the GZ's mount
    namespace and a TCP socket on the GZ's own address and port. (sshd
    overwrites its environment with the process title, so TB_DIR cannot
    tell them from another testbed's.)"""
    ready = common.load_json(h.path("ready"), {})
    ino = ready.get("mntns")
    if ino is None:
        return []
    want = "%s:%04X" % ("".join("%02X" % int(o) for o in reversed(h.addr.split("."))), h.port)
    inodes = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            parts = line.split()
            if parts[1] == want:
                inodes.add(parts[9])
    out = []
    for pid in ctl.pids_in_ns(ino, exclude=(os.getpid(), ready.get("pid"))):
        try:
            with open("/proc/%d/comm" % pid) as f:
                if not f.read().startswith("sshd"):
                    continue
        except OSError:
            continue
        if ctl.owns_socket(pid, inodes):
            out.append(pid)
    return out


def stop_sshd(h):
    """The GZ drops off the network: its sshd stops listening (new
    connections are refused) and every established connection into it is
    cut (sshd's per-connection processes killed), a ControlMaster's
    included; clients see `closed by remote host`/exit 255. Commands those
    sessions ran get EOF/EPIPE, as on a host whose link went away, and the
    GZ's own outgoing ssh clients are killed."""
    pid = int(common.read_text(h.path("sshd.pid"), "0") or 0)
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for _ in range(3):
        pids = sshd_pids(h)
        if not pids:
            break
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        common.wait_for(lambda: not any(ctl.pid_alive(p) for p in pids), 10)
    # Its own ssh clients lose the network too (`zfs send | ssh gz-b zfs
    # receive` run in this GZ stops; the receiver sees the stream cut).
    ready = common.load_json(h.path("ready"), {})
    if ready.get("mntns") is not None:
        for p in ctl.pids_in_ns(ready["mntns"], exclude=(os.getpid(),), marker="TB_DIR=" + h.dir):
            try:
                with open("/proc/%d/comm" % p) as f:
                    if f.read().strip() == "ssh":
                        os.kill(p, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


KNOBS = {"ingress-bps": float, "rtt-ms": float, "shutdown-seconds": float, "zones-stop-timeout": int}


def knob(argv):
    """knob DIR HOST NAME [VALUE|clear]: set (or clear, or print) a knob."""
    if len(argv) < 3 or len(argv) > 4 or argv[2] not in KNOBS:
        die("usage: knob DIR HOST NAME [VALUE|clear]   (NAME: %s)" % ", ".join(sorted(KNOBS)), 2)
    d, host, name = os.path.abspath(argv[0]), argv[1], argv[2]
    h = common.host_named(d, host)
    p = h.path("knobs", name)
    if len(argv) == 3:
        v = common.read_text(p)
        print(v.strip() if v is not None else "unset")
        return 0
    if argv[3] in ("clear", "off", "none"):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass
        return 0
    try:
        val = KNOBS[name](argv[3])
    except ValueError:
        die("knob %s: not a number: %r" % (name, argv[3]), 2)
    if val < 0:
        die("knob %s: must not be negative" % name, 2)
    write_text(p, argv[3] + "\n")
    return 0


def workload(argv):
    if len(argv) < 3:
        die(__doc__, 2)
    d, host, zone, rest = os.path.abspath(argv[0]), argv[1], argv[2], argv[3:]
    h = common.host_named(d, host)
    if rest[:1] == ["verify"]:
        logp = h.path("workload", zone + ".log")
        if len(rest) > 1:
            logp = rest[1]
        # Read the files inside the GZ that now holds the zone.
        r = subprocess.run(ctl.enter_argv(d, host) + [common.PY, "-c",
                           "import sys; sys.path.insert(0, %r); from testbed import writer; "
                           "n, bad = writer.verify(%r); print(n); [print(b) for b in bad]; "
                           "sys.exit(1 if bad or n == 0 else 0)" % (os.path.join(common.SRC, "lib"), logp)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        return r.returncode
    knob = {"rate": 65536, "files": 4, "size": 4096}
    i = 0
    while i < len(rest):
        k = rest[i].lstrip("-")
        if k not in knob or i + 1 >= len(rest):
            die(__doc__, 2)
        knob[k] = float(rest[i + 1]) if k == "rate" else int(rest[i + 1])
        i += 2
    common.save_json(h.path("knobs", "workload-%s.json" % zone), knob)
    # Start it now when the zone already runs.
    code = ("import sys; sys.path.insert(0, %r); from testbed import common, zones, zonestore; "
            "h = common.host_named(%r, %r)\n"
            "with h.lock('zones'):\n"
            "    rec = zonestore.load(h, %r)\n"
            "    if rec and rec['state'] == 'running' and not rec.get('writer_pid'):\n"
            "        zones.start_writer(h, rec); zonestore.save(h, rec)\n"
            % (os.path.join(common.SRC, "lib"), d, host, zone))
    in_gz(h, [common.PY, "-c", code])
    return 0


if __name__ == "__main__":
    prog = sys.argv[1]
    fn = {"fault": fault, "workload": workload, "knob": knob}[prog]
    common.run_main(lambda a: fn(a[1:]), prog)
