"""Action zone_capture_write: makes one capture directory on the controller
hold exactly the given files.

Why an action plugin: the capture's bytes must land unchanged (command
outputs need not be UTF-8, and `copy: content=` writes text), the directory
must end up holding nothing else (a file left from an earlier run would be
read by zrules as this run's: `zmigrate collect` refuses a used directory
for the same reason), and one task per host is much faster than one `copy`
per file. It runs on the controller only, like `fetch` writing its `dest`,
and never touches the managed host.

Options:
  dest:  the capture directory (absolute; created if needed).
  files: relative path -> base64 of the file's bytes.

Idempotent: files whose bytes are already right are not rewritten, and the
task reports `changed` only when a file was written or removed. In check
mode it reports what it would write and remove, and changes nothing.
"""

import base64
import binascii
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


def _safe_relative(path):
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and all(p not in ("", ".", "..") for p in parts)


def _existing(dest):
    """Relative paths of everything under dest that is not a directory."""
    found = set()
    for root, dirs, files in os.walk(dest):
        rel = os.path.relpath(root, dest)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            found.add(name if rel == "." else "%s/%s" % (rel, name))
    return found


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".zone_capture.", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("dest", "files"))

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        result = super().run(tmp, task_vars)
        dest = self._task.args.get("dest")
        files = self._task.args.get("files")
        if not isinstance(dest, str) or not os.path.isabs(dest):
            raise AnsibleActionFail("zone_capture_write: dest must be an absolute path, not %r" % (dest,))
        if not isinstance(files, dict):
            raise AnsibleActionFail("zone_capture_write: files must be a mapping of relative path to base64")
        want = {}
        for rel, b64 in files.items():
            if not _safe_relative(rel):
                raise AnsibleActionFail("zone_capture_write: unsafe relative path %r" % (rel,))
            try:
                want[rel] = base64.b64decode(b64, validate=True)
            except (binascii.Error, TypeError) as e:
                raise AnsibleActionFail("zone_capture_write: %s is not base64: %s" % (rel, e))
        if os.path.lexists(dest) and not os.path.isdir(dest):
            raise AnsibleActionFail("zone_capture_write: %s exists and is not a directory" % dest)
        have = _existing(dest) if os.path.isdir(dest) else set()
        written = []
        for rel in sorted(want):
            path = os.path.join(dest, rel)
            if os.path.islink(path) or not os.path.isfile(path):
                written.append(rel)
                continue
            with open(path, "rb") as f:
                if f.read() != want[rel]:
                    written.append(rel)
        removed = sorted(have - set(want))
        # A directory in the way of a file (or a file in the way of a
        # directory) is removed first.
        blocking = sorted(
            rel for rel in have
            if any(w.startswith(rel + "/") for w in want)
        )
        removed = sorted(set(removed) | set(blocking))
        result.update(dest=dest, written=written, removed=removed, changed=bool(written or removed))
        if self._task.check_mode:
            return result
        try:
            for rel in removed:
                os.unlink(os.path.join(dest, rel))
            for rel in written:
                path = os.path.join(dest, rel)
                if os.path.isdir(path) and not os.path.islink(path):
                    raise AnsibleActionFail("zone_capture_write: %s is a directory" % path)
                _write(path, want[rel])
            os.makedirs(dest, exist_ok=True)
            # Directories left empty by removals go too (not dest itself).
            for root, dirs, names in os.walk(dest, topdown=False):
                if root != dest and not os.listdir(root):
                    os.rmdir(root)
        except OSError as e:
            raise AnsibleActionFail("zone_capture_write: %s" % e)
        return result
