"""The sshd ForceCommand of every simulated GZ: puts the emulated Solaris
commands first on the PATH, sets TB_DIR/TB_HOST, and runs the requested
command with bash (without reading the machine's ~/.bashrc), or an
interactive shell.

Fault `ssh-drop N` (one-shot): the next session that runs a command has its
connection cut (sshd's session process killed) after N bytes of its stdin.
"""

import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from testbed import common  # noqa: E402
from testbed.ctl import SFTP_SERVER, session_env  # noqa: E402


def main():
    d, name = sys.argv[1], sys.argv[2]
    h = common.host_named(d, name)
    env = session_env(d, h)
    for k in ("SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "TERM"):
        if k in os.environ:
            env[k] = os.environ[k]
    cmd = os.environ.get("SSH_ORIGINAL_COMMAND")
    if cmd is None:
        rc = os.path.join(common.SRC, "lib", "bashrc")
        os.execve("/bin/bash", ["-bash", "--rcfile", rc, "-i"], env)
    if cmd == SFTP_SERVER:
        # The sftp subsystem (sshd_config `Subsystem sftp`): sshd passes its
        # command here because of the ForceCommand; run it as it is.
        os.execve(SFTP_SERVER, [SFTP_SERVER], env)
    argv = ["/bin/bash", "--norc", "--noprofile", "-c", cmd]
    drop = h.take_fault("ssh-drop")
    if drop is None:
        os.execve(argv[0], argv, env)
    limit = int(drop or "0")
    child = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, start_new_session=True)
    seen = 0
    fd = sys.stdin.fileno()
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        take = chunk[: max(0, limit - seen)]
        if take:
            try:
                child.stdin.write(take)
                child.stdin.flush()
            except BrokenPipeError:
                break
        seen += len(chunk)
        if seen >= limit:
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
    child.stdin.close()
    sys.exit(child.wait())


if __name__ == "__main__":
    main()
