"""up / down / enter: starting and stopping the simulated global zones.

Each GZ is one supervisor process (`hostd`) started under
`unshare -m -u --propagation private`. Inside its private mount namespace it
builds a root for the GZ (a tmpfs whose top-level directories are recursive
bind mounts of the machine's, with /etc an overlay, /run and the zfs state
directories private tmpfs), chroots there, starts its own zfs-fuse daemon,
creates the pools on file vdevs under DIR and starts its own sshd on its own
loopback address. Nothing it mounts is visible outside the namespace, and
nothing under the machine's /etc, /root or /zones is written.

`down` asks each supervisor to stop, then kills whatever is still in the
namespace (found by its mount-namespace inode), so no process, mount or
namespace outlives the testbed, and removes everything `up` created.
"""

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

from . import common
from .common import die, load_json, save_json, write_text

SSH_PORT = 2222
DEFAULT_POOL_SIZE = "256M"
# A GZ's real top-level directories that its root shows (bind mounts).
# /mnt, /media, /boot, /lost+found and anything unknown stay out.
TOP_BINDS = ["usr", "var", "root", "home", "opt", "srv", "dev", "proc", "sys"]


def log(msg):
    sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), msg) if False else "%.3f %s\n" % (time.time(), msg))
    sys.stderr.flush()


# --------------------------------------------------------------------------
# prerequisites


def missing_prereqs():
    """What this machine lacks to run a testbed (empty when all is there)."""
    out = []
    if os.geteuid() != 0:
        out.append("not running as root")
    if not os.path.exists("/dev/fuse"):
        out.append("/dev/fuse is absent")
    for exe, pkg in [
        ("/usr/sbin/zfs-fuse", "zfs-fuse"),
        ("/usr/sbin/zfs", "zfs-fuse"),
        ("/usr/sbin/sshd", "openssh-server"),
        ("/usr/bin/ssh", "openssh-client"),
        ("/usr/bin/ssh-keygen", "openssh-client"),
        ("/usr/bin/unshare", "util-linux"),
        ("/usr/bin/nsenter", "util-linux"),
    ]:
        if not os.access(exe, os.X_OK):
            out.append("%s missing (package %s; run tests/testbed/install-deps)" % (exe, pkg))
    return out


# --------------------------------------------------------------------------
# up


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    s = s.strip().upper()
    if s and s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def pick_addresses(n):
    """127.Y.Z.1..n with SSH_PORT free on all of them."""
    rnd = random.SystemRandom()
    for _ in range(50):
        base = "127.%d.%d." % (rnd.randint(64, 250), rnd.randint(1, 254))
        addrs = [base + str(i + 1) for i in range(n)]
        ok = True
        for a in addrs:
            s = socket.socket()
            try:
                s.bind((a, SSH_PORT))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return addrs
    die("up: no free loopback address block found for port %d" % SSH_PORT)


def host_names(n):
    return ["gz-" + chr(ord("a") + i) for i in range(n)]


def vnic_base(name):
    """GZ VNIC base name: the nodename without characters a datalink name
    cannot hold (gz-a -> gza; house rule Z05's policy gz_vnic_basename)."""
    return "".join(c for c in name if c.isalnum())


def keygen(path, comment):
    subprocess.run(
        ["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with open(path + ".pub") as f:
        return f.read().split()[:2]


def ssh_config_text(d, hs):
    out = ["# Written by tests/testbed/up: the simulated global zones of this testbed.", ""]
    for h in hs:
        out += [
            "Host %s" % h["name"],
            "  HostName %s" % h["addr"],
            "  Port %d" % h["port"],
            "  User root",
            "  IdentityFile %s/id_ed25519" % d,
            "  IdentitiesOnly yes",
            "  UserKnownHostsFile %s/known_hosts" % d,
            "  GlobalKnownHostsFile /dev/null",
            "  HostKeyAlias %s" % h["name"],
            "  StrictHostKeyChecking yes",
            "  CheckHostIP no",
            "  BatchMode yes",
            "  LogLevel ERROR",
            "  ConnectTimeout 10",
            "  # The default post-quantum key exchange costs ~0.1 s per connection here.",
            "  KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org",
            "",
        ]
    return "\n".join(out)


# Debian's sftp server (package openssh-sftp-server, a dependency of
# openssh-server). A subsystem, not internal-sftp: under ForceCommand sshd
# hands the subsystem's command to the forced command (as
# SSH_ORIGINAL_COMMAND), and session.py execs it; internal-sftp lives
# inside sshd and could not be started from there. sftp lets scp (the SFTP
# protocol since OpenSSH 9.0) and Ansible's file transfers work.
SFTP_SERVER = "/usr/lib/openssh/sftp-server"


def sshd_config_text(d, h):
    home = os.path.join(d, "hosts", h["name"])
    return "\n".join(
        [
            "# sshd of simulated GZ %s (written by tests/testbed/up)" % h["name"],
            "ListenAddress %s:%d" % (h["addr"], h["port"]),
            "HostKey %s/ssh_host_ed25519_key" % home,
            "PidFile %s/sshd.pid" % home,
            "AuthorizedKeysFile %s/authorized_keys" % d,
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "PrintMotd no",
            "PrintLastLog no",
            "UseDNS no",
            "MaxStartups 100:30:200",
            "MaxSessions 100",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "PermitUserEnvironment no",
            "Subsystem sftp %s" % SFTP_SERVER,
            # Bytecode cached under DIR (never in the source tree).
            "ForceCommand %s -X pycache_prefix=%s/pycache %s/lib/testbed/session.py %s %s"
            % (common.PY, d, common.SRC, d, h["name"]),
            "",
        ]
    )


def up(d, n_hosts=2, platform="solaris11", pool_size=DEFAULT_POOL_SIZE, shutdown_seconds=None, owner=None,
       ingress_bps=None, rtt_ms=None):
    miss = missing_prereqs()
    if miss:
        die("up: cannot start a testbed:\n  " + "\n  ".join(miss), 2)
    if platform not in common.PLATFORMS:
        die("up: unknown platform %r (solaris11 or illumos)" % platform, 2)
    if not (1 <= n_hosts <= 26):
        die("up: --hosts must be 1..26", 2)
    d = os.path.abspath(d)
    if any(c.isspace() or c in "\"'\\$`;&|<>*?" for c in d):
        die("up: DIR must not contain blanks or shell metacharacters: %s" % d, 2)
    size = parse_size(pool_size)
    for flag, value, unit in (("--ingress-bps", ingress_bps, "bytes per second"),
                              ("--rtt-ms", rtt_ms, "milliseconds")):
        if value is None:
            continue
        try:
            if float(value) < 0:
                raise ValueError
        except ValueError:
            die("up: %s wants %s, not %r" % (flag, unit, value), 2)
    if size < 64 << 20:
        die("up: --pool-size must be at least 64M (a ZFS vdev minimum)", 2)
    created_dir = not os.path.exists(d)
    if os.path.exists(os.path.join(d, "testbed.json")):
        die("up: %s already holds a testbed (run down first)" % d, 2)
    if not created_dir and os.listdir(d):
        die("up: %s exists and is not empty" % d, 2)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    try:
        return _up(d, n_hosts, platform, size, created_dir, shutdown_seconds, owner, ingress_bps, rtt_ms)
    except BaseException:
        try:
            down(d, quiet=True)
        except Exception as e:  # pragma: no cover - best effort
            log("up: cleanup after failure failed: %s" % e)
        raise


def _up(d, n_hosts, platform, size, created_dir, shutdown_seconds, owner, ingress_bps=None, rtt_ms=None):
    names = host_names(n_hosts)
    addrs = pick_addresses(n_hosts)
    hs = []
    for i, (name, addr) in enumerate(zip(names, addrs)):
        hs.append(
            {
                "name": name,
                "addr": addr,
                "port": SSH_PORT,
                "ip": "192.168.31.%d/24" % (12 + i),
                "phys": "net0" if platform == "solaris11" else "e1000g0",
                "vnic": vnic_base(name) + "0",
                "platform": platform,
            }
        )
    cfg = {
        "dir": d,
        "src": common.SRC,
        "platform": platform,
        "pool_size": size,
        "created_dir": created_dir,
        "owner": int(owner) if owner else None,
        "hosts": hs,
    }
    save_json(os.path.join(d, "testbed.json"), cfg)
    keygen(os.path.join(d, "id_ed25519"), "testbed-client")
    with open(os.path.join(d, "id_ed25519.pub")) as f:
        write_text(os.path.join(d, "authorized_keys"), f.read())
    known = []
    for h in hs:
        home = os.path.join(d, "hosts", h["name"])
        for sub in ("state", "knobs", "faults", "vdev", "root", "log", "etc-upper", "etc-work"):
            os.makedirs(os.path.join(home, sub), exist_ok=True)
        kt, kb = keygen(os.path.join(home, "ssh_host_ed25519_key"), h["name"])
        known.append("%s %s %s" % (h["name"], kt, kb))
        write_text(os.path.join(home, "sshd_config"), sshd_config_text(d, h))
        if shutdown_seconds is not None:
            write_text(os.path.join(home, "knobs", "shutdown-seconds"), "%s\n" % shutdown_seconds)
        if ingress_bps is not None and float(ingress_bps) > 0:
            write_text(os.path.join(home, "knobs", "ingress-bps"), "%s\n" % ingress_bps)
        if rtt_ms is not None and float(rtt_ms) > 0:
            write_text(os.path.join(home, "knobs", "rtt-ms"), "%s\n" % rtt_ms)
        from . import gzinit

        gzinit.init_state(common.Host(d, h, platform))
    write_text(os.path.join(d, "known_hosts"), "\n".join(known) + "\n")
    write_text(os.path.join(d, "ssh_config"), ssh_config_text(d, hs))
    procs = {}
    for h in hs:
        home = os.path.join(d, "hosts", h["name"])
        logf = open(os.path.join(home, "log", "hostd.log"), "ab")
        p = subprocess.Popen(
            [
                "/usr/bin/unshare",
                "--mount",
                "--uts",
                "--propagation",
                "private",
                "--",
                common.PY,
                "-m",
                "testbed.ctl",
                "hostd",
                d,
                h["name"],
            ],
            cwd=os.path.join(common.SRC, "lib"),
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "PYTHONPATH": os.path.join(common.SRC, "lib"),
                 "TB_DIR": d, "TB_HOST": h["name"], "PYTHONPYCACHEPREFIX": os.path.join(d, "pycache")},
            stdin=subprocess.DEVNULL,
            stdout=logf,
            stderr=logf,
            start_new_session=True,
        )
        logf.close()
        procs[h["name"]] = p
        write_text(os.path.join(home, "hostd.pid"), "%d\n" % p.pid)
    deadline = time.monotonic() + 90
    for h in hs:
        home = os.path.join(d, "hosts", h["name"])
        p = procs[h["name"]]
        while not os.path.exists(os.path.join(home, "ready")):
            if p.poll() is not None:
                die("up: %s failed to start:\n%s" % (h["name"], tail(os.path.join(home, "log", "hostd.log"))))
            if time.monotonic() > deadline:
                die("up: %s did not become ready in time:\n%s" % (h["name"], tail(os.path.join(home, "log", "hostd.log"))))
            time.sleep(0.05)
    return cfg


def tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except FileNotFoundError:
        return "(no log)"


def print_usage(cfg):
    d = cfg["dir"]
    print("testbed up in %s (%s):" % (d, cfg["platform"]))
    for h in cfg["hosts"]:
        print("  %-6s %s:%d  GZ IP %s" % (h["name"], h["addr"], h["port"], h["ip"]))
    print("reach a GZ:   ssh -F %s/ssh_config %s" % (d, cfg["hosts"][0]["name"]))
    print("stop it all:  %s/down %s" % (cfg["src"], d))


# --------------------------------------------------------------------------
# hostd: runs inside the new mount + UTS namespace


def sh(*argv, **kw):
    return subprocess.run(list(argv), check=True, **kw)


def build_root(d, h):
    """Make the GZ's root at hosts/H/root and chroot into it."""
    home = h.home
    root = os.path.join(home, "root")
    sh("mount", "-t", "tmpfs", "-o", "mode=755", "tb-root-" + h.name, root)
    binds = list(TOP_BINDS)
    for p in (d, common.SRC):
        top = p.strip("/").split("/")[0]
        if top not in binds and top not in ("etc", "run", "tmp"):
            binds.append(top)
    for e in sorted(os.listdir("/")):
        src = "/" + e
        dst = os.path.join(root, e)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif e in binds and os.path.isdir(src):
            os.mkdir(dst)
            sh("mount", "--rbind", src, dst)
            sh("mount", "--make-rprivate", dst)
    # Private /tmp and /var/tmp per GZ (as on a real host); DIR and the
    # testbed's sources stay visible at their own paths.
    for sub, private in (("tmp", "tmp"), ("var/tmp", "vartmp")):
        src = h.path(private)
        os.makedirs(src, exist_ok=True)
        os.chmod(src, 0o1777)
        dst = os.path.join(root, sub)
        os.makedirs(dst, exist_ok=True)
        sh("mount", "--bind", src, dst)
    for p in (d, common.SRC):
        if p.startswith("/tmp/") or p.startswith("/var/tmp/"):
            dst = root + p
            os.makedirs(dst, exist_ok=True)
            sh("mount", "--rbind", p, dst)
    os.mkdir(os.path.join(root, "etc"))
    sh(
        "mount", "-t", "overlay", "tb-etc-" + h.name, "-o",
        "lowerdir=/etc,upperdir=%s,workdir=%s" % (h.path("etc-upper"), h.path("etc-work")),
        os.path.join(root, "etc"),
    )
    os.mkdir(os.path.join(root, "run"))
    sh("mount", "-t", "tmpfs", "-o", "mode=755", "tb-run-" + h.name, os.path.join(root, "run"))
    for sub in ("zfs", "lock/zfs", "sshd"):
        os.makedirs(os.path.join(root, "run", sub), exist_ok=True)
    os.chmod(os.path.join(root, "run", "lock"), 0o1777)
    sh("mount", "-t", "tmpfs", "tb-etczfs-" + h.name, os.path.join(root, "etc", "zfs"))
    sh("mount", "-t", "tmpfs", "tb-varlibzfs-" + h.name, os.path.join(root, "var", "lib", "zfs"))
    os.chroot(root)
    os.chdir("/")
    # The machine's init/reboot/halt must never run from a GZ session. Bound
    # after the chroot, so that symlinks (reboot -> /bin/systemctl) resolve
    # inside the GZ's root.
    stub = os.path.join(common.SRC, "bin", "init")
    for p in ("init", "shutdown", "reboot", "halt", "poweroff", "telinit"):
        target = os.path.join("/usr/sbin", p)
        if os.path.exists(target):
            sh("mount", "--bind", stub, target)
    # sshd runs every session's ForceCommand through root's bash, which would
    # source the machine's ~/.bashrc (slow, and not the GZ's business).
    empty = h.path("empty-rc")
    write_text(empty, "")
    for rc in ("/root/.bashrc", "/root/.profile", "/root/.bash_profile"):
        if os.path.isfile(rc):
            sh("mount", "--bind", empty, rc)


def start_zfs(h):
    logf = open(h.path("log", "zfs-fuse.log"), "ab")
    p = subprocess.Popen(
        ["/usr/sbin/zfs-fuse", "--no-daemon", "--pidfile", "/run/zfs/zfs-fuse.pid", "--no-kstat-mount",
         "--max-arc-size", "64"],
        stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
    )
    logf.close()

    def alive():
        if p.poll() is not None:
            die("zfs-fuse exited with %s" % p.returncode)
        r = subprocess.run([common.REAL_ZPOOL, "list"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return r.returncode == 0

    if not common.wait_for(alive, 30, 0.1):
        die("zfs-fuse did not answer within 30 s")
    return p


def create_pools(h, size):
    for pool in ("rpool", "pool1"):
        img = h.path("vdev", pool + ".img")
        with open(img, "wb") as f:
            f.truncate(size)
        sh(common.REAL_ZPOOL, "create", "-f", pool, img, stdout=subprocess.DEVNULL)
    sh(common.REAL_ZFS, "create", "-o", "mountpoint=/zones", "rpool/zones")


def listening_pids(addr, port):
    """Inodes of LISTEN sockets on addr:port (from /proc/net/tcp)."""
    want = "%s:%04X" % ("".join("%02X" % int(o) for o in reversed(addr.split("."))), port)
    inodes = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            parts = line.split()
            if parts[1] == want and parts[3] == "0A":
                inodes.add(parts[9])
    return inodes


def owns_socket(pid, inodes):
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:[") and link[8:-1] in inodes:
                return True
    except OSError:
        pass
    return False


def start_sshd(h):
    # -D (no daemon): sshd daemonizes *before* it binds, so a daemon's bind
    # failure would go unnoticed while another testbed's sshd answers on
    # the address. Here the listener must be this very process's socket.
    p = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", h.path("sshd_config"), "-E", h.path("log", "sshd.log")],
                         stdin=subprocess.DEVNULL)

    def ours():
        if p.poll() is not None:
            die("sshd exited (%s):\n%s" % (p.returncode, tail(h.path("log", "sshd.log"))))
        return owns_socket(p.pid, listening_pids(h.addr, h.port))

    if not common.wait_for(ours, 20, 0.05):
        die("sshd does not own %s:%d (address taken by another process?):\n%s"
            % (h.addr, h.port, tail(h.path("log", "sshd.log"))))
    return p


def ns_inode(pid="self"):
    return os.stat("/proc/%s/ns/mnt" % pid).st_ino


def pids_in_ns(ino, exclude=(), marker=None):
    """Live processes in the mount namespace `ino`. Namespace inodes are
    reused once a namespace is gone, so from outside (down) a process must
    also carry `marker` (TB_DIR=DIR, which everything in a GZ inherits)."""
    out = []
    for e in os.listdir("/proc"):
        if not e.isdigit() or int(e) in exclude:
            continue
        try:
            if os.stat("/proc/%s/ns/mnt" % e).st_ino != ino or not pid_alive(int(e)):
                continue
            if marker is not None:
                with open("/proc/%s/environ" % e, "rb") as f:
                    if marker.encode() not in f.read().split(b"\0"):
                        continue
            out.append(int(e))
        except OSError:
            pass
    return out


def hostd(d, name):
    h = common.host_named(d, name)
    cfg = common.load_testbed(d)
    socket.sethostname(name)
    build_root(d, h)
    from . import gzinit

    gzinit.write_etc(h)
    zfs = start_zfs(h)
    create_pools(h, cfg["pool_size"])
    start_sshd(h)
    ino = ns_inode()
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    save_json(h.path("ready"), {"pid": os.getpid(), "mntns": ino, "zfs_fuse": zfs.pid})
    log("%s ready (mntns %d)" % (name, ino))
    owner = cfg.get("owner")
    while not stop:
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            pass
        if owner and not pid_alive(owner):
            # The test process that owned the testbed is gone without `down`
            # (killed): stop, so nothing keeps running. Files stay in DIR
            # until `down DIR`.
            log("owner %d is gone" % owner)
            break
        if zfs.poll() is not None:
            log("zfs-fuse exited unexpectedly (%s)" % zfs.returncode)
            break
        time.sleep(0.2)
    log("%s stopping" % name)
    # Everything else in the namespace first (sshd, sessions, writers, timers).
    me = os.getpid()
    kill_all(ino, exclude=(me, zfs.pid))
    log("others killed")
    # The pools die with the testbed: no export, no sync (which costs
    # seconds); the FUSE mounts go away with the namespace.
    if zfs.poll() is None:
        zfs.kill()
        zfs.wait()
    log("%s stopped" % name)


def kill_all(ino, exclude=(), grace=3.0, marker=None):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = pids_in_ns(ino, exclude, marker)
        if not pids:
            return
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        end = time.monotonic() + grace
        while time.monotonic() < end:
            try:
                while os.waitpid(-1, os.WNOHANG)[0] > 0:
                    pass
            except ChildProcessError:
                pass
            if not pids_in_ns(ino, exclude, marker):
                return
            time.sleep(0.05)


# --------------------------------------------------------------------------
# down


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def down(d, quiet=False):
    d = os.path.abspath(d)
    cfg = load_json(os.path.join(d, "testbed.json"))
    if cfg is None:
        if not quiet:
            die("down: %s is not a testbed directory (no testbed.json)" % d, 2)
        return
    targets = []
    for h in cfg["hosts"]:
        home = os.path.join(d, "hosts", h["name"])
        ready = load_json(os.path.join(home, "ready"), {})
        pid_s = common.read_text(os.path.join(home, "hostd.pid"))
        pid = int(pid_s) if pid_s else None
        ino = ready.get("mntns")
        if ino is None and pid and pid_alive(pid):
            try:
                # unshare execs python in place: the pid is the namespace's.
                ino = ns_inode(pid)
                if ino == ns_inode():
                    ino = None
            except OSError:
                ino = None
        if pid and pid_alive(pid):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        targets.append((h["name"], pid, ino))
    for name, pid, ino in targets:
        if pid:
            common.wait_for(lambda: not pid_alive(pid), 30, 0.05)
        if ino is not None:
            marker = "TB_DIR=" + d
            kill_all(ino, marker=marker)
            left = pids_in_ns(ino, marker=marker)
            if left:
                die("down: processes of %s survive SIGKILL: %s" % (name, left))
        if pid and pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            common.wait_for(lambda: not pid_alive(pid), 10, 0.05)
    # Mounts lived only in the namespaces, which are gone with their
    # processes; the directories under DIR are plain files now.
    if cfg.get("created_dir", False):
        shutil.rmtree(d)
    else:
        for e in os.listdir(d):
            p = os.path.join(d, e)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)


# --------------------------------------------------------------------------
# enter: run a command inside a GZ without ssh (debugging, setup)


def enter_argv(d, name):
    h = common.host_named(d, name)
    ready = load_json(h.path("ready"))
    if not ready:
        die("enter: %s is not up" % name)
    pid = ready["pid"]
    env = session_env(d, h)
    envs = ["%s=%s" % kv for kv in sorted(env.items())]
    return ["/usr/bin/nsenter", "-t", str(pid), "-m", "-u", "-r", "-w", "/usr/bin/env", "-i"] + envs


def session_env(d, h):
    return {
        "PATH": "%s/bin:/usr/sbin:/usr/bin:/sbin:/bin" % common.SRC,
        "TB_DIR": d,
        "TB_HOST": h.name,
        "HOME": "/root",
        "USER": "root",
        "LOGNAME": "root",
        "SHELL": "/bin/bash",
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONPATH": os.path.join(common.SRC, "lib"),
        # Bytecode of the emulators (and the stdlib modules they use) is
        # cached under DIR, never in the source tree: it saves every
        # emulated command its compile time.
        "PYTHONPYCACHEPREFIX": os.path.join(d, "pycache"),
    }


# --------------------------------------------------------------------------
# CLI


USAGE = """usage:
  up DIR [--hosts N] [--platform solaris11|illumos] [--pool-size SIZE] [--shutdown-seconds S]
         [--ingress-bps BPS] [--rtt-ms MS] [--owner PID]
  down DIR
  enter DIR HOST [CMD...]
"""


def main(argv):
    if not argv:
        die(USAGE, 2)
    cmd, args = argv[0], argv[1:]
    if cmd == "up":
        opts = {"n_hosts": 2, "platform": "solaris11", "pool_size": DEFAULT_POOL_SIZE, "shutdown_seconds": None,
                "owner": None, "ingress_bps": None, "rtt_ms": None}
        pos = []
        i = 0
        while i < len(args):
            a = args[i]
            key = {"--hosts": "n_hosts", "--platform": "platform", "--pool-size": "pool_size",
                   "--shutdown-seconds": "shutdown_seconds", "--owner": "owner",
                   "--ingress-bps": "ingress_bps", "--rtt-ms": "rtt_ms"}.get(a.split("=")[0])
            if key:
                if "=" in a:
                    v = a.split("=", 1)[1]
                else:
                    i += 1
                    if i >= len(args):
                        die("up: %s needs a value" % a, 2)
                    v = args[i]
                opts[key] = int(v) if key == "n_hosts" else v
            elif a.startswith("-"):
                die("up: unknown option %s\n%s" % (a, USAGE), 2)
            else:
                pos.append(a)
            i += 1
        if len(pos) != 1:
            die(USAGE, 2)
        cfg = up(pos[0], **opts)
        print_usage(cfg)
        return 0
    if cmd == "down":
        if len(args) != 1:
            die(USAGE, 2)
        down(args[0])
        return 0
    if cmd == "hostd":
        hostd(args[0], args[1])
        return 0
    if cmd == "enter":
        if len(args) < 2:
            die(USAGE, 2)
        d = os.path.abspath(args[0])
        argv2 = enter_argv(d, args[1]) + (args[2:] or ["/bin/bash", "--norc", "-i"])
        os.execv(argv2[0], argv2)
    die(USAGE, 2)


if __name__ == "__main__":
    common.run_main(main, "testbed")
