"""Dispatch of the emulated commands (bin/NAME -> NAME's main)."""

from . import common


def is_list(argv):
    """`zoneadm [-z Z] [-u UUID] [-R ROOT] list …`"""
    i = 0
    while i + 1 < len(argv) and argv[i] in ("-z", "-u", "-R"):
        i += 2
    return i < len(argv) and argv[i] == "list"


def main(prog):
    import sys

    def lazy(mod, fn):
        def call(argv):
            m = __import__("testbed." + mod, fromlist=[fn])
            return getattr(m, fn)(argv)
        return call

    table = {
        "zoneadm": lazy("zones", "zoneadm_main"),
        "zlogin": lazy("zones", "zlogin"),
        "init": lazy("zones", "init_main"),
        "shutdown": lazy("zones", "init_main"),
        "reboot": lazy("zones", "init_main"),
        "halt": lazy("zones", "init_main"),
        "poweroff": lazy("zones", "init_main"),
        "telinit": lazy("zones", "init_main"),
        "zonecfg": lazy("zonecfg", "main"),
        "dladm": lazy("net", "dladm"),
        "ipadm": lazy("net", "ipadm"),
        "pkg": lazy("smf", "pkg"),
        "svcs": lazy("smf", "svcs"),
        "svcprop": lazy("smf", "svcprop"),
        "svccfg": lazy("smf", "svccfg"),
        "svcadm": lazy("smf", "svcadm"),
        "zfs": lazy("zfsfront", "main"),
        "uname": lazy("misc", "uname"),
        "zonename": lazy("misc", "zonename"),
        "share": lazy("misc", "share"),
        "useradd": lazy("misc", "useradd"),
        "usermod": lazy("misc", "usermod"),
    }
    if prog == "zoneadm" and is_list(sys.argv[1:]):
        # The cheap path of `zoneadm [-z Z] list …` (pollers run it in loops).
        table["zoneadm"] = lazy("zonelist", "zoneadm_list")
    fn = table.get(prog)
    if fn is None:
        sys.stderr.write("testbed: %s is not an emulated command\n" % prog)
        sys.exit(127)
    common.run_main(fn, prog)
