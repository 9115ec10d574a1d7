#!/usr/bin/env python3
"""Drives the zone_capture role's filters against a fake global zone, for
the test that compares them with `zmigrate collect` (zmigrate/tests/ansible.rs).

Why: the role's controller half (the scripts it sends, how it reads their
output back, how it plans the zones and writes failed/ and collect-errors)
must give exactly what zmigrate's collect gives for the same host answers,
including the hostile and failing cases a testbed does not produce. The test
builds one table of answers, gives it to zmigrate's fake executor and to
this script, and compares the two capture directories byte for byte.

The scripts run in a real /bin/sh, as `raw` runs them on a host, with each
layout program (cat, zoneadm, zlogin, ...) replaced by a stand-in on the
PATH that answers from the table by its full argument vector, so the
quoting of every word is exercised through a shell too.

    fake_host.py LAYOUT.json ANSWERS.json HOST OUTDIR

ANSWERS.json: [{"argv": [...], "status": N, "stdout": HEX, "stderr": HEX}].
A command missing from the table ends as zmigrate's fake executor ends it:
status 127, `sh: PROG: not found in the fake's table`. Writes the capture
into OUTDIR (which must not exist) and prints the collection's summary.
"""

import base64
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FILTERS = os.path.join(HERE, "..", "roles", "zone_capture", "filter_plugins", "zone_capture.py")

STANDIN = """import json, os, sys
prog = os.path.basename(sys.argv[0])
key = [prog] + sys.argv[1:]
with open(os.environ["ZC_ANSWERS"]) as f:
    answers = json.load(f)
for a in answers:
    if a["argv"] == key:
        sys.stdout.buffer.write(bytes.fromhex(a["stdout"]))
        sys.stderr.buffer.write(bytes.fromhex(a["stderr"]))
        sys.exit(a["status"])
sys.stderr.write("sh: %s: not found in the fake's table\\n" % prog)
sys.exit(127)
"""


def load_filters():
    spec = importlib.util.spec_from_file_location("zone_capture_filters", FILTERS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    layout_path, answers_path, host, outdir = sys.argv[1:5]
    zc = load_filters()
    with open(layout_path) as f:
        layout = f.read()
    programs = set()
    for e in json.loads(layout)["entries"]:
        programs.add(e["argv"][0])
        programs.update(e.get("via", [])[:1])
    with tempfile.TemporaryDirectory() as bindir:
        for p in programs:
            path = os.path.join(bindir, p)
            with open(path, "w") as f:
                f.write("#!%s -S\n%s" % (sys.executable, STANDIN))
            os.chmod(path, 0o755)
        env = dict(os.environ, PATH=bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
                   ZC_ANSWERS=os.path.abspath(answers_path))

        def run(script):
            p = subprocess.run(["/bin/sh", "-c", script], env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, check=False)
            if p.returncode != 0 or p.stderr:
                sys.exit("the script failed (%d): %s" % (p.returncode, p.stderr.decode(errors="replace")))
            return {"stdout": p.stdout.decode("ascii"), "rc": p.returncode}

        global_run = run(zc.zone_capture_script(layout))
        zone_script = zc.zone_capture_zone_script(layout, host, global_run)
        zone_run = run(zone_script) if zone_script else {"skipped": True}
        result = zc.zone_capture_files(layout, host, global_run, zone_run)
    os.makedirs(outdir)
    for rel, b64 in result["files"].items():
        path = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(b64))
    sys.stdout.write(result["summary"])


if __name__ == "__main__":
    main()
