"""The sshd ForceCommand of every simulated GZ: puts the emulated Solaris
commands first on the PATH, sets TB_DIR/TB_HOST, and runs the requested
command with bash (without reading the machine's ~/.bashrc), or an
interactive shell.

Two things need the session's stdin to pass through this wrapper instead of
going straight to the command:

* fault `ssh-drop N` (one-shot): the first session whose stdin carries
  N bytes or more has its connection cut (sshd's session process killed,
  the client exits 255) once N bytes have passed; a session that carries
  fewer bytes (or no stdin at all) is unaffected and leaves it armed;
* knob `ingress-bps` (`knobs/ingress-bps`, re-read while the session runs):
  the bytes per second flowing into the GZ over ssh, whoever the client is.
  The wrapper forwards stdin to the command through a token bucket; as it
  stops reading, TCP pushes back on the sender.

Otherwise the command gets the connection's stdin itself (exec, no copy).

Knob `rtt-ms` (`knobs/rtt-ms`, read when the session starts): the round-trip
time of the link into the GZ, in milliseconds, whoever the client. The
testbed's links are loopback (no latency), so the wrapper waits
2 x rtt-ms before it runs the command (or the shell, or sftp-server). Two
round trips is what a session over an established connection (a
multiplexed one included) costs before its output reaches the client,
RFC 4254:

* the client opens the channel (SSH_MSG_CHANNEL_OPEN "session", sections
  5.1 and 6.1) and must wait for SSH_MSG_CHANNEL_OPEN_CONFIRMATION, since its
  "exec" SSH_MSG_CHANNEL_REQUEST (section 6.5) is addressed to the
  recipient channel number only the confirmation carries: one round trip;
* the exec request takes half a round trip to reach the server, which then
  starts the command; the command's output, and at the end its exit status
  (section 6.10), take half a round trip back: the second one.

So every byte of output, and the exit status, reaches the client 2 x RTT
later than over a link without latency; since the rest is about instant on
loopback, waiting 2 x RTT before the command gives the client exactly those
times (only the command itself starts half a round trip later than on a real
host, which the client cannot see). 1.5 x RTT would be the time until the
command starts, but it would leave out the return trip of its output.

Not modelled: the connection's own set-up (TCP handshake, key exchange,
user authentication; about six round trips once per connection, done before
sshd runs any ForceCommand, and by zmigrate once per host in its `ssh -N`
master), round trips inside a session (sftp's requests, an interactive
dialogue, TCP's window on bulk transfers: `ingress-bps` limits throughput),
and the closing of the channel after the exit status.
"""

import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from testbed import common  # noqa: E402
from testbed.ctl import SFTP_SERVER, session_env  # noqa: E402

CHUNK = 65536


# Round trips a session costs before its output reaches the client (the
# module's docstring: channel open, then the exec request and the output).
SESSION_ROUND_TRIPS = 2


def positive_knob(h, name):
    """A knob's value as a number, or 0 when unset, unreadable or not
    positive (which all mean: not in effect)."""
    try:
        v = float(h.knob(name, "0") or 0)
    except ValueError:
        return 0
    return v if v > 0 else 0


def rtt_seconds(h):
    """The knob `rtt-ms` in seconds, or 0 (no latency)."""
    return positive_knob(h, "rtt-ms") / 1000.0


def ingress_bps(h):
    """The knob's value in bytes per second, or 0 (no limit)."""
    return positive_knob(h, "ingress-bps")


class Bucket:
    """A token bucket of `rate` bytes per second with a burst of 1/20 s
    (at least one 4 KiB read), whose rate may change on the way."""

    def __init__(self, rate):
        self.rate = rate
        self.tokens = 0.0
        self.last = time.monotonic()

    def burst(self):
        return max(4096.0, self.rate / 20)

    def wait(self, n):
        """Sleep until n bytes may pass; n is at most burst()."""
        while True:
            now = time.monotonic()
            self.tokens = min(self.burst(), self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= n:
                self.tokens -= n
                return
            time.sleep(min(0.25, (n - self.tokens) / self.rate))


def cut_connection(h, child, limit, cmd):
    common.write_text(h.path("log", "ssh-drop.log"), "dropped after %d bytes: %s\n" % (limit, cmd))
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    ppid = os.getppid()
    with open("/proc/%d/comm" % ppid) as f:
        comm = f.read().strip()
    if comm.startswith("sshd"):
        os.kill(ppid, signal.SIGKILL)
    os._exit(255)


def relay(h, argv, env, cmd):
    """Run argv with stdin copied from ours, paced and watched for ssh-drop."""
    child = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, start_new_session=True)
    fd = sys.stdin.fileno()
    seen = 0
    rate = ingress_bps(h)
    bucket = Bucket(rate) if rate else None
    next_knob = time.monotonic() + 0.5
    try:
        exited = os.pidfd_open(child.pid)
    except (AttributeError, OSError):
        exited = None
    while True:
        if time.monotonic() >= next_knob:
            next_knob = time.monotonic() + 0.5
            rate = ingress_bps(h)
            if rate and bucket:
                bucket.rate = rate
            elif rate:
                bucket = Bucket(rate)
            else:
                bucket = None
        watch = [fd] + ([exited] if exited is not None else [])
        ready, _, _ = select.select(watch, [], [], 0.5 if exited is not None else 0.1)
        if fd not in ready:
            if (exited is not None and exited in ready) or child.poll() is not None:
                break  # the command is done and does not want the rest
            continue
        want = CHUNK
        if bucket:
            want = int(min(CHUNK, bucket.burst()))
            bucket.wait(want)
        chunk = os.read(fd, want)
        if bucket and len(chunk) < want:
            bucket.tokens += want - len(chunk)
        if not chunk:
            break
        drop = h.fault("ssh-drop")
        if drop is not None:
            limit = int(drop or "0")
            if seen + len(chunk) >= limit and h.take_fault("ssh-drop") is not None:
                take = chunk[: max(0, limit - seen)]
                try:
                    if take:
                        child.stdin.write(take)
                        child.stdin.flush()
                except BrokenPipeError:
                    pass
                cut_connection(h, child, limit, cmd)
        seen += len(chunk)
        try:
            child.stdin.write(chunk)
            child.stdin.flush()
        except BrokenPipeError:
            break
    try:
        child.stdin.close()
    except BrokenPipeError:
        pass
    return child.wait()


def main():
    d, name = sys.argv[1], sys.argv[2]
    h = common.host_named(d, name)
    env = session_env(d, h)
    for k in ("SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "TERM"):
        if k in os.environ:
            env[k] = os.environ[k]
    rtt = rtt_seconds(h)
    if rtt:
        time.sleep(SESSION_ROUND_TRIPS * rtt)
    cmd = os.environ.get("SSH_ORIGINAL_COMMAND")
    if cmd is None:
        rc = os.path.join(common.SRC, "lib", "bashrc")
        os.execve("/bin/bash", ["-bash", "--rcfile", rc, "-i"], env)
    if cmd == SFTP_SERVER:
        # The sftp subsystem (sshd_config `Subsystem sftp`): sshd passes its
        # command here because of the ForceCommand; run it as it is.
        os.execve(SFTP_SERVER, [SFTP_SERVER], env)
    argv = ["/bin/bash", "--norc", "--noprofile", "-c", cmd]
    if h.fault("ssh-drop") is None and not ingress_bps(h):
        os.execve(argv[0], argv, env)
    code = relay(h, argv, env, cmd)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
