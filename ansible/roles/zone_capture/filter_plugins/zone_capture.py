"""Filters of the zone_capture role: the controller-side half of a collection.

Why this exists: the role must leave on the controller exactly the capture
directory `zmigrate collect` writes (same files, same bytes, same `failed/`
and `collect-errors`), while the global zones run nothing but a POSIX shell
and their own read-only commands. So the commands come from zrules' layout
(`zrules layout --format json`, schema zrules-layout/1, never copied here),
a host runs them in one `raw` task per phase and prints each output as hex
(`od`), and these filters do the rest, as pure functions of that text:

* `zone_capture_script`: the global zone's commands as one shell script;
* `zone_capture_zone_script`: the per-zone and in-zone commands, planned from
  the `zoneadm list -cp` just captured;
* `zone_capture_files`: the capture directory (relative path -> base64 of the
  bytes), the account of what went wrong, and the summary line.

What zmigrate does and these filters repeat (zmigrate/src/collect/ is the
reference; a test compares both on a testbed, byte for byte): the zone list
is parsed as zrules parses `zoneadm list -cp` (7 or more colon-separated
fields, `\\:` only escaped in the zonepath, an unreadable list collects no
zone); zone names are validated as zrules::names does before they reach a
command line or a path; a failing command's file is not written, its standard
output is kept under `failed/`, and an entry goes into `collect-errors`; a
failing `svcs -d FMRI` that says "doesn't match any instances" is an absent
service, not a failure. Commands are quoted as zrules::shell quotes them
(POSIX single quotes, bare words left bare), both for the host's shell and
for the zone's shell behind `zlogin`.
"""

import base64
import json

try:
    from ansible.errors import AnsibleFilterError
except ImportError:  # the tests drive these filters without Ansible

    class AnsibleFilterError(Exception):
        pass

SCHEMA = "zrules-layout/1"
# zmigrate/src/collect/write.rs
ERRORS_FILE = "collect-errors"
FAILED_DIR = "failed"
# The file of the layout whose output lists the zones (the layout contract).
ZONE_LIST_FILE = "zoneadm-list-cp"
# zrules/src/names.rs
ZONENAME_MAX_CHARS = 63
HOSTNAME_MAX_CHARS = 253
# zrules/src/facts/mod.rs
MAX_ROW_ERRORS = 100
# How the host script frames each output (see `_script`).
MARK = "@@zone_capture"


# --- zrules::shell -----------------------------------------------------------

_BARE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+,=")


def quote(word):
    """zrules::shell::quote: bare when every byte is harmless, else single quotes."""
    if word and all(c in _BARE for c in word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def quote_command(words):
    """zrules::shell::quote_command: a first word holding `=` is always quoted
    (a shell would read it as an assignment)."""
    out = []
    for i, w in enumerate(words):
        if i == 0 and "=" in w:
            out.append("'" + w.replace("'", "'\\''") + "'")
        else:
            out.append(quote(w))
    return " ".join(out)


# --- Rust string helpers, so texts match zmigrate's -----------------------------

# char::is_whitespace (Unicode White_Space); str.isspace also takes \x1c-\x1f.
_RUST_WS = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {
    chr(c) for c in range(0x2000, 0x200B)
}


def _trim_end(s):
    end = len(s)
    while end and s[end - 1] in _RUST_WS:
        end -= 1
    return s[:end]


def _trim(s):
    start = 0
    while start < len(s) and s[start] in _RUST_WS:
        start += 1
    return _trim_end(s[start:])


def _rust_lines(s):
    """str::lines: split on \\n, drop one trailing \\r, no last empty line."""
    if not s:
        return []
    parts = s.split("\n")
    if parts[-1] == "":
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]


def _escape_default(c):
    """char::escape_default."""
    table = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "'": "\\'", '"': '\\"', "\\": "\\\\"}
    if c in table:
        return table[c]
    if 0x20 <= ord(c) <= 0x7E:
        return c
    return "\\u{%x}" % ord(c)


def _lossy(b):
    """String::from_utf8_lossy."""
    return b.decode("utf-8", "replace")


def _is_alnum(c):
    return c.isascii() and c.isalnum()


# --- zrules::names -------------------------------------------------------------


def _zone_name_error(name):
    """The reason zrules::names::validate_zone_name refuses `name`, or None."""

    def fail(reason):
        return "invalid zone name '%s': %s" % (name, reason)

    if not name:
        return fail("it is empty")
    if len(name.encode("utf-8")) > ZONENAME_MAX_CHARS:
        return fail("it is longer than %d characters" % ZONENAME_MAX_CHARS)
    if not _is_alnum(name[0]):
        return fail("it must start with a letter or digit")
    for c in name:
        if not (_is_alnum(c) or c in "-_."):
            return fail("'%s' is not allowed (letters, digits, '-', '_', '.')" % _escape_default(c))
    if name == "global":
        return fail("'global' is the global zone's name")
    if name.startswith("SUNW"):
        return fail("names starting with SUNW are reserved")
    return None


def _host_name_error(name):
    """zrules::names::validate_host_name, plus `.`/`..`, which would not be
    a directory of their own under the capture directory."""

    def fail(reason):
        return "invalid host name '%s': %s" % (name, reason)

    if not name:
        return fail("it is empty")
    if name.startswith("-"):
        return fail("it starts with '-' and would be read as an option")
    if len(name.encode("utf-8")) > HOSTNAME_MAX_CHARS:
        return fail("it is longer than %d characters" % HOSTNAME_MAX_CHARS)
    for c in name:
        if not (_is_alnum(c) or c in "-._"):
            return fail("'%s' is not allowed (letters, digits, '-', '.', '_')" % _escape_default(c))
    if name in (".", ".."):
        return fail("it is not a directory name")
    return None


# --- zrules::facts::zoneadm ------------------------------------------------------

_EXPECTED_ZONEADM = (
    "7 to 9 colon-separated fields "
    "(zoneid:zonename:state:zonepath:uuid:brand:ip-type[:debugid | :r/w:file-mac-profile])"
)


def _split_fields(line):
    """`:`-separated fields; `\\:` is a colon (only the zonepath escapes)."""
    out, value, i = [], [], 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line) and line[i + 1] == ":":
            value.append(":")
            i += 2
            continue
        if c == ":":
            out.append("".join(value))
            value = []
        else:
            value.append(c)
        i += 1
    out.append("".join(value))
    return out


def _zone_row(line):
    """(name, state) of one row, or the FieldError text `FIELD: message`."""
    f = _split_fields(line)
    if len(f) < 7:
        return None, "row: found %d field(s), expected %s" % (len(f), _EXPECTED_ZONEADM)
    if f[0] != "-" and not (f[0].isascii() and f[0].isdigit() and int(f[0]) < 2**32):
        # u32::from_str also takes a leading '+'.
        if not (f[0][:1] == "+" and f[0][1:].isascii() and f[0][1:].isdigit() and int(f[0][1:]) < 2**32):
            return None, "zoneid: '%s' is neither a zone ID nor '-'" % f[0]
    if not f[1]:
        return None, "zonename: the zone name is empty"
    if not f[2]:
        return None, "state: the state is empty"
    if not f[3].startswith("/"):
        return None, "zonepath: '%s' is not an absolute path" % f[3]
    if not f[6]:
        return None, "ip-type: the IP type is empty (expected excl or shared)"
    return (f[1], f[2]), None


def _split_blank(line):
    return [w for w in line.replace("\t", " ").split(" ") if w]


def _is_table_header(line):
    words = _split_blank(line)
    return len(words) >= 2 and all(
        any("A" <= c <= "Z" for c in w) and all(("A" <= c <= "Z") or ("0" <= c <= "9") or c in "()/-_" for c in w)
        for w in words
    )


def parse_zones(text):
    """zrules::facts::zoneadm::parse(...).into_result(): the (name, state)
    rows, or the list of `line N: ...` errors."""
    rows, errors, header, unreported = [], [], None, None
    start = 0
    number = 0
    while start < len(text):
        nl = text.find("\n", start)
        raw = text[start:] if nl < 0 else text[start:nl]
        start = len(text) if nl < 0 else nl + 1
        line = raw[:-1] if raw.endswith("\r") else raw
        number += 1
        if not _trim(line):
            continue
        row, err = _zone_row(line)
        if err is None:
            rows.append(row)
            continue
        if not rows and not errors and _is_table_header(line):
            header = (number, line)
        if len(errors) < MAX_ROW_ERRORS:
            errors.append((number, err))
        elif unreported is None:
            unreported = [number, 1]
        else:
            unreported[1] += 1
    if unreported is not None:
        errors.append((unreported[0], "this line and %d more do not parse either" % (unreported[1] - 1)))
    if header is not None:
        table = (
            header[0],
            "this is a human-readable table (header `%s`), not the command's parsable output"
            % " ".join(_split_blank(header[1])),
        )
        if not rows:
            errors = [table]
        else:
            errors[0] = table
    elif not rows and len(errors) > 1:
        first = errors[0]
        errors = [(first[0], "none of its lines parses (is it the human-readable form?); line %d: %s" % first)]
    if errors:
        return None, ["line %d: %s" % e for e in errors]
    return rows, None


# --- the layout ----------------------------------------------------------------


def _layout(text):
    try:
        layout = json.loads(text) if isinstance(text, str) else text
    except ValueError as e:
        raise AnsibleFilterError("zone_capture: `zrules layout --format json` printed no JSON: %s" % e)
    if not isinstance(layout, dict) or layout.get("schema") != SCHEMA:
        raise AnsibleFilterError(
            "zone_capture: the layout's schema is %r, this role reads %s"
            % (layout.get("schema") if isinstance(layout, dict) else None, SCHEMA)
        )
    for e in layout.get("entries", []):
        if e.get("scope") not in ("global", "per-zone", "in-zone") or not e.get("argv") or not e.get("file"):
            raise AnsibleFilterError("zone_capture: a layout entry this role cannot read: %r" % (e,))
    return layout


def _planned(layout, entry, zone=None):
    """One command to run: its path in the capture and its argument vector,
    the zone name in place of the placeholder; in-zone entries wrapped in
    `via` (zlogin ZONE) with each word quoted for the zone's shell, as
    zrules::shell::Command::in_zone does."""
    ph = layout.get("zone_placeholder", "{zone}")

    def fill(s):
        return s.replace(ph, zone) if zone is not None else s

    argv = [fill(w) for w in entry["argv"]]
    if entry["scope"] == "in-zone":
        argv = [fill(w) for w in entry.get("via", ["zlogin", ph])] + [quote(w) for w in argv]
    return {"path": fill(entry["file"]), "argv": argv, "svcs": _is_svcs_d(entry["argv"])}


def _is_svcs_d(argv):
    """Whether the entry is a `svcs -d FMRI` (zrules' Content::SvcDeps)."""
    return bool(argv) and argv[0] == "svcs" and "-d" in argv


def _global_plan(layout):
    return [_planned(layout, e) for e in layout["entries"] if e["scope"] == "global"]


def _zone_plan(layout, zones):
    """zmigrate's zone_plan: every non-global zone's configuration, the
    in-zone commands of the running ones; unusable names are problems."""
    plan, notes = [], []
    for name, state in zones:
        if name == "global":
            continue
        err = _zone_name_error(name)
        if err:
            notes.append(_note("zone not collected: " + err))
            continue
        for e in layout["entries"]:
            if e["scope"] == "per-zone" or (e["scope"] == "in-zone" and state == "running"):
                plan.append(_planned(layout, e, name))
    return plan, notes


# --- the host script and its output --------------------------------------------


def _script(plan):
    """A POSIX sh script running each command with no standard input, its
    outputs into a private temporary directory, then printing for command N
    a line `MARK N STATUS`, its stdout as hex (od -v: no `*` elision), a
    line `MARK`, its stderr as hex. Nothing is left behind."""
    lines = [
        "umask 077",
        'd=$(mktemp -d "${TMPDIR:-/tmp}/zone_capture.XXXXXX") || exit 111',
        "trap 'rm -rf \"$d\"' 0",
        "zc() {",
        "  n=$1; shift",
        '  "$@" </dev/null >"$d/o" 2>"$d/e"',
        "  s=$?",
        "  echo \"%s $n $s\"" % MARK,
        '  od -A n -t x1 -v "$d/o"',
        "  echo %s" % MARK,
        '  od -A n -t x1 -v "$d/e"',
        "}",
    ]
    for i, p in enumerate(plan):
        lines.append("zc %d %s" % (i, quote_command(p["argv"])))
    lines.append("echo '%s end'" % MARK)
    return "\n".join(lines) + "\n"


def _results(plan, stdout, what):
    """Parses the script's output into (status, stdout bytes, stderr bytes)
    per planned command."""
    if not plan:
        return []
    got = {}
    cur, part, ended = None, None, False
    for line in (stdout or "").splitlines():
        line = line.rstrip("\r")
        if line.startswith(MARK):
            rest = line[len(MARK):].split()
            if rest == ["end"]:
                ended = True
                cur = None
            elif len(rest) == 2:
                cur = int(rest[0])
                got[cur] = [int(rest[1]), [], []]
                part = 1
            elif not rest and cur is not None:
                part = 2
            continue
        if cur is not None:
            got[cur][part].append(line)
    if not ended or sorted(got) != list(range(len(plan))):
        raise AnsibleFilterError(
            "zone_capture: the %s commands' output is incomplete (%d of %d commands, %s)"
            % (what, len(got), len(plan), "ended" if ended else "no end mark")
        )
    out = []
    for i in range(len(plan)):
        status, o, e = got[i]
        out.append((status, bytes.fromhex("".join(o).replace(" ", "")), bytes.fromhex("".join(e).replace(" ", ""))))
    return out


# --- failures, collect-errors and the summary (zmigrate/src/collect) ----------


def _note(what):
    return {"path": None, "command": None, "what": what, "stderr": "", "kept": None}


def _one_line(s):
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _entry(f):
    what = _one_line(f["what"])
    if f["kept"]:
        what += " (its standard output is in %s)" % f["kept"]
    out = "%s\t%s\t%s\n" % (
        f["path"] or "-",
        _one_line(f["command"]) if f["command"] is not None else "-",
        what,
    )
    for line in _rust_lines(f["stderr"]):
        out += "\t" + line + "\n"
    return out


def _display(f):
    out = ""
    if f["path"]:
        out += f["path"] + ": "
    if f["command"] is not None:
        out += "`%s`: " % f["command"]
    out += f["what"]
    stderr = _trim(f["stderr"])
    if stderr:
        out += ": " + " / ".join(_rust_lines(stderr))
    return out


def _plural(n, one, many):
    return "%d %s" % (n, one if n == 1 else many)


class _Capture:
    def __init__(self, host):
        self.host = host
        self.files = {}
        self.failed = {}
        self.failures = []
        self.commands = 0
        self.zones = []
        self.absent = []
        self.lost = None

    def take(self, plan, results):
        for p, (status, out, err) in zip(plan, results):
            self.commands += 1
            if status != 0 and p["svcs"] and "doesn't match any instances" in _lossy(err):
                self.absent.append(p["path"])
            elif status != 0:
                kept = None
                if out:
                    kept = "%s/%s" % (FAILED_DIR, p["path"])
                    self.failed[kept] = out
                self.failures.append(
                    {
                        "path": p["path"],
                        "command": quote_command(p["argv"]),
                        "what": "exit status %d" % status,
                        "stderr": _trim_end(_lossy(err)),
                        "kept": kept,
                    }
                )
            else:
                self.files[p["path"]] = out

    def complete(self):
        return not self.failures and self.lost is None

    def errors_text(self):
        if self.complete():
            return None
        out = (
            "# zmigrate collect: what could not be collected from %s.\n"
            "# FILE<TAB>COMMAND<TAB>WHAT, then the command's standard error indented by a tab.\n"
            "# The files named here were not written.\n" % self.host
        )
        out += "".join(_entry(f) for f in self.failures)
        if self.lost is not None:
            out += "-\t-\tstopped early: %s\n" % _one_line(self.lost)
        return out

    def summary(self):
        running = sum(1 for _, s in self.zones if s == "running")
        out = "%s: %s, %s, %s (%d running)" % (
            self.host,
            _plural(self.commands, "command", "commands"),
            _plural(len(self.files), "file", "files"),
            _plural(len(self.zones), "non-global zone", "non-global zones"),
            running,
        )
        if len(self.failures) == 1:
            out += ", 1 problem"
        elif self.failures:
            out += ", %d problems" % len(self.failures)
        out += "\n"
        if self.absent:
            out += "  not installed, so not captured: %s\n" % ", ".join(self.absent)
        for f in self.failures:
            out += "  %s\n" % _display(f)
        if self.lost is not None:
            out += "  stopped early: %s\n" % self.lost
        return out


def _zones_of(layout, cap):
    """zmigrate's listed_zones: the zone rows of the capture's zone list, or
    None with the reason among the failures."""
    path = None
    for e in layout["entries"]:
        if e["scope"] == "global" and e["file"] == ZONE_LIST_FILE:
            path = e["file"]
    text = cap.files.get(path) if path else None
    if text is None:
        cap.failures.append(_note("no zone was collected: the list of zones (zoneadm list -cp) is missing"))
        return None
    rows, errors = parse_zones(_lossy(text))
    if errors:
        cap.failures.append(_note("no zone was collected: zoneadm list -cp is unreadable: " + "; ".join(errors)))
        return None
    cap.zones = [(n, s) for n, s in rows if n != "global"]
    return rows


def _unreachable(run):
    """The reason a raw task's host could not be reached, or None. `run` is
    the registered result (a dict) or a plain stdout string."""
    if not isinstance(run, dict):
        return None
    if run.get("unreachable"):
        msg = _trim(str(run.get("msg") or "the connection was lost"))
        # Ansible's wording around ssh's own message, which is what
        # zmigrate reports ("cannot reach HOST: ssh: connect to host …").
        for prefix in ("Task failed: ", "Failed to connect to the host via ssh: "):
            if msg.startswith(prefix):
                msg = _trim(msg[len(prefix):])
        return msg or "the connection was lost"
    return None


def _stdout(run):
    return run.get("stdout", "") if isinstance(run, dict) else (run or "")


def _collect(layout_text, host, global_run, zone_run=None):
    """The capture as zmigrate's collect() builds it, from the scripts'
    outputs (or the registered results of the raw tasks that ran them: an
    unreachable host is a collection stopped early, as zmigrate's)."""
    layout = _layout(layout_text)
    err = _host_name_error(host)
    if err:
        raise AnsibleFilterError("zone_capture: " + err)
    cap = _Capture(host)
    gplan = _global_plan(layout)
    lost = _unreachable(global_run)
    if lost is not None:
        cap.lost = "cannot reach %s: %s" % (host, lost)
        return layout, cap, []
    cap.take(gplan, _results(gplan, _stdout(global_run), "global-zone"))
    rows = _zones_of(layout, cap)
    zplan = []
    if rows is not None:
        zplan, notes = _zone_plan(layout, rows)
        cap.failures.extend(notes)
        if zone_run is not None and zplan:
            lost = _unreachable(zone_run)
            if lost is not None:
                cap.lost = "cannot reach %s: %s" % (host, lost)
            else:
                cap.take(zplan, _results(zplan, _stdout(zone_run), "zone"))
    return layout, cap, zplan


# --- the filters ----------------------------------------------------------------


def zone_capture_script(layout_text):
    """The script running the layout's global-zone commands."""
    return _script(_global_plan(_layout(layout_text)))


def zone_capture_zone_script(layout_text, host, global_run):
    """The script running the per-zone and in-zone commands for the zones
    the global script's `zoneadm list -cp` listed; empty when there are none
    (or the host could not be reached). `global_run`: the global task's
    registered result, or its stdout."""
    _, _, zplan = _collect(layout_text, host, global_run)
    return _script(zplan) if zplan else ""


def zone_capture_files(layout_text, host, global_run, zone_run=None):
    """The capture directory: `files` (relative path -> base64 of the bytes,
    `failed/` and `collect-errors` included), `complete`, `reached`,
    `problems` (one line each) and `summary` (zmigrate's account of the
    collection). `global_run`, `zone_run`: the raw tasks' registered results
    (or their stdout); a skipped zone task stands for no zone command."""
    if isinstance(zone_run, dict) and zone_run.get("skipped"):
        zone_run = None
    _, cap, _ = _collect(layout_text, host, global_run, zone_run)
    files = {}
    for path, data in list(cap.files.items()) + list(cap.failed.items()):
        files[path] = base64.b64encode(data).decode("ascii")
    text = cap.errors_text()
    if text is not None:
        files[ERRORS_FILE] = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return {
        "files": files,
        "complete": cap.complete(),
        "reached": cap.lost is None,
        "problems": [_display(f) for f in cap.failures] + (["stopped early: " + cap.lost] if cap.lost else []),
        "summary": cap.summary(),
    }


def zone_capture_quote(word):
    """zrules::shell::quote, for playbooks that build command lines."""
    return quote(word)


class FilterModule:
    def filters(self):
        return {
            "zone_capture_script": zone_capture_script,
            "zone_capture_zone_script": zone_capture_zone_script,
            "zone_capture_files": zone_capture_files,
            "zone_capture_quote": zone_capture_quote,
        }
