"""Unit tests of the emulators' pure parts, pinned against the real samples
in fixtures/real (no root, no testbed needed)."""

import os
import subprocess
import sys
import time
import types
import unittest

from testbed import net, zfsfront, zonecfg, zones

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))))
REAL = os.path.join(REPO, "fixtures", "real")


def sample(name):
    with open(os.path.join(REAL, name)) as f:
        return f.read()


def rows_of(text, n):
    return [line.split()[:n] for line in text.splitlines()[1:]]


class Ofmt(unittest.TestCase):
    def test_illumos_overflow_matches_omicron_sample(self):
        text = sample("dladm-show-vnic-omicron-networking-link.txt")
        got = net.ofmt(net.VNIC_FIELDS["illumos"], rows_of(text, 6), parsable=False)
        self.assertEqual(got, text)

    def test_solaris_widths_match_borges_sample(self):
        text = sample("dladm-show-vnic-borges-cookbook-1.txt")
        got = net.ofmt(net.VNIC_FIELDS["solaris11"], rows_of(text, 6), parsable=False)
        self.assertEqual(got, text)

    def test_ipadm_show_addr_matches_sample(self):
        text = sample("ipadm-show-addr-borges-cookbook.txt")
        fields = [f for f in net.ADDR_FIELDS if f[0] in ("ADDROBJ", "TYPE", "STATE", "ADDR")]
        self.assertEqual(net.ofmt(fields, rows_of(text, 4), parsable=False), text)

    def test_parsable_escaping_depends_on_field_count(self):
        f2 = [("LINK", 12), ("MACADDRESS", 18)]
        self.assertEqual(net.ofmt(f2, [["a/net0", "2:8:20:e8:42:11"]], True), "a/net0:2\\:8\\:20\\:e8\\:42\\:11\n")
        self.assertEqual(net.ofmt(f2[1:], [["2:8:20:e8:42:11"]], True), "2:8:20:e8:42:11\n")
        self.assertEqual(net.ofmt(f2, [["x", ""]], True), "x:\n")
        self.assertEqual(net.ofmt(f2, [["x", ""]], False), "LINK        MACADDRESS\nx           --\n")

    def test_parsable_rows_match_puppet_sample(self):
        text = sample("dladm-show-vnic-p-o-oracle-puppet-providers.txt")
        rows = [[c.replace("\\:", ":") for c in line.replace("\\:", "\0").split(":")] for line in text.splitlines()]
        rows = [[c.replace("\0", ":") for c in r] for r in rows]
        fields = [("LINK", 13), ("OVER", 13), ("MACADDRESS", 18)]
        self.assertEqual(net.ofmt(fields, rows, True), text)


class Zoneadm(unittest.TestCase):
    def test_verbose_line_matches_omnios_sample(self):
        h = types.SimpleNamespace(platform="illumos")
        rec = {"name": "lx0", "zoneid": 1, "state": "running",
               "config": {"globals": {"zonepath": "/zones/lx0", "brand": "lx", "ip-type": "exclusive"}}}
        # A published OmniOS `zoneadm list -cv` (omniosorg/omniosorg.github.io
        # _docs/info/newlinkedimages.md @ 81a74023, line 30), trailing blanks included.
        want = "   1 lx0              running    /zones/lx0                     lx       excl  "
        self.assertEqual(zones.verbose_line(h, rec), want)

    def test_parsable_lines(self):
        sol = types.SimpleNamespace(platform="solaris11")
        rec = {"name": "testzone", "zoneid": None, "state": "configured", "uuid": "", "did": 1,
               "config": {"globals": {"zonepath": "/zones/testzone", "ip-type": "exclusive"}}}
        # The facter sample (Solaris 11): 9 fields, empty uuid and profile.
        want = sample("zoneadm-list-p-facter-pr-1329.txt").splitlines()
        self.assertEqual(zones.parsable_line(sol, None), want[0])
        self.assertEqual(zones.parsable_line(sol, rec), want[1])
        rec["config"]["globals"]["zonepath"] = "/zones/a:b"
        self.assertIn(":/zones/a\\:b:", zones.parsable_line(sol, rec))


class Lexer(unittest.TestCase):
    def kinds(self, text):
        return [(t.kind, t.text) for t in zonecfg.lex(text, "solaris11")]

    def test_keywords_only_in_position(self):
        toks = self.kinds("set physical=net\n")
        self.assertEqual(toks, [("kw", "set"), ("kw", "physical"), ("=", "="), ("kw", "net"), ("\n", "\n")])
        # In a list, keywords are plain tokens.
        toks = self.kinds("set limitpriv=[default,net]\n")
        self.assertIn(("tok", "net"), toks)

    def test_unterminated_quote_swallows_the_newline(self):
        toks = zonecfg.lex('set bootargs="-m verbose\nend\n', "solaris11")
        self.assertEqual([(t.kind, t.text) for t in toks][3], ("tok", "-m verbose"))
        # No newline token: the command goes on, and `end` is a plain token.
        self.assertEqual([t.kind for t in toks].count("\n"), 1)

    def test_complex_values(self):
        toks = zonecfg.lex("add value (priv=privileged,limit=100,action=deny)\n", "solaris11")
        ts = [t for t in toks if t.kind != "\n"]
        cmd = zonecfg.parse_command(ts, toks[-1], "solaris11")
        self.assertEqual(cmd.value, [["priv", "privileged"], ["limit", "100"], ["action", "deny"]])

    def test_error_line_counts_the_newline(self):
        toks = zonecfg.lex("create -b\nset zonepath=\n", "solaris11")
        groups = list(zonecfg.split_commands(toks))
        with self.assertRaises(zonecfg.SyntaxErr) as e:
            zonecfg.parse_command(groups[1][0], groups[1][1], "solaris11")
        self.assertEqual((e.exception.tok.text, e.exception.tok.line), ("\n", 3))


class Export(unittest.TestCase):
    CFG = {"globals": {"brand": "solaris", "zonepath": "/zones/www", "autoboot": "false", "ip-type": "exclusive",
                       "bootargs": "-m verbose"},
           "resources": [{"type": "fs", "props": {"dir": "/data", "special": "/export/data", "type": "lofs",
                                                  "options": ["ro", "nodevices"]}},
                         {"type": "attr", "props": {"name": "comment", "type": "string", "value": "two words"}}]}

    def test_solaris_order_and_quoting(self):
        self.assertEqual(zonecfg.export_text(self.CFG, "solaris11"), (
            "create -b\nset brand=solaris\nset zonepath=/zones/www\nset autoboot=false\nset bootargs=-m verbose\n"
            "set ip-type=exclusive\nadd fs\nset dir=/data\nset special=/export/data\nset type=lofs\n"
            "add options ro\nadd options nodevices\nend\nadd attr\nset name=comment\nset type=string\n"
            "set value=\"two words\"\nend\n"))

    def test_illumos_prints_zonepath_first(self):
        text = zonecfg.export_text(self.CFG, "illumos")
        self.assertTrue(text.startswith("create -b\nset zonepath=/zones/www\nset brand=solaris\n"), text)


class Nicenum(unittest.TestCase):
    def test_libzfs_forms(self):
        self.assertEqual(zfsfront.nicenum(1023), "1023")
        self.assertEqual(zfsfront.nicenum(1024), "1K")
        self.assertEqual(zfsfront.nicenum(1536), "1.50K")
        self.assertEqual(zfsfront.nicenum(10216), "9.98K")
        self.assertEqual(zfsfront.nicenum(352 << 30), "352G")
        self.assertEqual(zfsfront.nicenum(int(23.4 * (1 << 30))), "23.4G")


class Holds(unittest.TestCase):
    def test_solaris_matches_oracle_guide(self):
        # Oracle Solaris ZFS Administration Guide, "Holding ZFS Snapshots"
        # (docs.oracle.com/cd/E19253-01/819-5461/gjdfk): every column padded
        # and followed by two blanks, ctime(3) timestamps.
        ts = int(time.mktime(time.strptime("Thu Jul 15 11:25:39 2010")))
        lines = zfsfront.holds_lines(True, ["tank/home@now"], [("tank/home@now", "keep", ts)])
        self.assertEqual(lines, ["NAME           TAG   TIMESTAMP                 ",
                                 "tank/home@now  keep  Thu Jul 15 11:25:39 2010  "])
        self.assertEqual(zfsfront.holds_lines(True, ["tank/home@now"], []), [])

    def test_illumos_print_holds(self):
        # illumos zfs_main.c print_holds: widths of the longest name/tag,
        # "%a %b %e %k:%M %Y"; -H keeps the padding and puts one tab (sic).
        ts = int(time.mktime(time.strptime("Fri Aug  3 09:05:53 2012")))
        rows = [("pool1/h@s", "keep", ts), ("pool1/h/c@s", "k", ts)]
        self.assertEqual(zfsfront.holds_lines(False, ["pool1/h@s", "pool1/h/c@s"], rows),
                         ["NAME         TAG   TIMESTAMP",
                          "pool1/h@s    keep  Fri Aug  3  9:05 2012",
                          "pool1/h/c@s  k     Fri Aug  3  9:05 2012"])
        self.assertEqual(zfsfront.holds_lines(False, ["pool1/h@s"], rows[:1], scripted=True),
                         ["pool1/h@s\tkeep\tFri Aug  3  9:05 2012"])
        self.assertEqual(zfsfront.holds_lines(False, ["pool1/h@s"], []), ["NAME       TAG  TIMESTAMP"])
        self.assertEqual(zfsfront.holds_lines(False, [], []), ["NAME  TAG  TIMESTAMP", "no datasets available"])


class ListPath(unittest.TestCase):
    def test_zoneadm_list_is_routed_to_the_light_module(self):
        from testbed import emu

        self.assertTrue(emu.is_list(["-z", "www", "list", "-p"]))
        self.assertTrue(emu.is_list(["list", "-cp"]))
        self.assertFalse(emu.is_list(["-z", "www", "boot"]))
        self.assertFalse(emu.is_list(["-z", "list"]))

    def test_listing_imports_nothing_heavy(self):
        # A poller runs `zoneadm -z Z list -p` in a loop: its path must not
        # start subprocess, ctypes, uuid or the rest of zoneadm.
        code = ("import sys; sys.path.insert(0, %r); from testbed import emu, zonelist; "
                "print(' '.join(m for m in ('subprocess', 'ctypes', 'uuid', 'testbed.zones', 'signal') "
                "if m in sys.modules))" % os.path.dirname(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__)))))
        out = subprocess.run([sys.executable, "-S", "-c", code], stdout=subprocess.PIPE, text=True, check=True)
        self.assertEqual(out.stdout.strip(), "")


if __name__ == "__main__":
    unittest.main()
