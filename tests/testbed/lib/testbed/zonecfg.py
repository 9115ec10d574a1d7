"""Emulated zonecfg(1M): the command language (lexer states of illumos
zonecfg_lex.l), the global/resource scopes, commit, export and info.

Configuration model (stored in the zone's state file):
    {"globals": {prop: value}, "resources": [{"type": t, "props": {p: v}}]}
A value is a string, a list (of strings or complex values), or a complex
value [[name, value], ...].
"""

import io
import os
import sys

from . import common, zonestore
from .common import die

# ---------------------------------------------------------------------------
# vocabulary

SUBCOMMANDS = ["add", "cancel", "commit", "create", "delete", "end", "exit", "export", "?", "help",
               "info", "remove", "revert", "select", "set", "clear", "verify"]

GLOBAL_PROPS = {
    "common": ["zonename", "zonepath", "brand", "autoboot", "ip-type", "pool", "limitpriv", "bootargs",
               "scheduling-class", "hostid", "fs-allowed", "cpu-shares", "max-lwps", "max-processes",
               "max-shm-memory", "max-shm-ids", "max-msg-ids", "max-sem-ids"],
    "solaris11": ["file-mac-profile", "autoshutdown"],
    "illumos": [],
}

RESOURCES = {
    "common": {
        "fs": ["dir", "special", "raw", "type", "options"],
        "net": ["address", "allowed-address", "physical", "defrouter"],
        "device": ["match"],
        "rctl": ["name", "value"],
        "attr": ["name", "type", "value"],
        "dataset": ["name"],
        "dedicated-cpu": ["ncpus", "importance"],
        "capped-cpu": ["ncpus"],
        "capped-memory": ["physical", "swap", "locked"],
        "admin": ["user", "auths"],
    },
    "solaris11": {
        "net": ["address", "allowed-address", "configure-allowed-address", "physical", "defrouter"],
        "dataset": ["name", "alias"],
        "anet": ["linkname", "lower-link", "allowed-address", "configure-allowed-address", "defrouter",
                 "allowed-dhcp-cids", "link-protection", "mac-address", "mac-prefix", "mac-slot", "vlan-id",
                 "priority", "rxrings", "txrings", "mtu", "maxbw", "rxfanout"],
    },
    "illumos": {
        "net": ["address", "allowed-address", "physical", "defrouter", "global-nic", "mac-addr", "vlan-id"],
        "security-flags": ["default", "lower", "upper"],
    },
}

LIST_PROPS = {("fs", "options"), ("rctl", "value"), ("anet", "link-protection"), ("anet", "allowed-dhcp-cids")}
# Required properties checked by `end` (zonecfg.c end_func).
REQUIRED = {"fs": ["dir", "special", "type"], "net": ["physical"], "device": ["match"], "rctl": ["name"],
            "attr": ["name", "type", "value"], "dataset": ["name"], "dedicated-cpu": ["ncpus"],
            "capped-cpu": ["ncpus"], "admin": ["user", "auths"], "anet": ["lower-link"]}
# Resource-type-and-property keywords of the lexer (TSTATE/CSTATE); any other
# word is a TOKEN.
COMPLEX_NAMES = {"priv", "limit", "action", "name", "value"}


def vocab(platform):
    res = dict(RESOURCES["common"])
    res.update(RESOURCES[platform])
    globs = GLOBAL_PROPS["common"] + GLOBAL_PROPS[platform]
    return globs, res


def keywords(platform):
    globs, res = vocab(platform)
    kw = set(globs) | set(res) | COMPLEX_NAMES
    for props in res.values():
        kw |= set(props)
    return kw


# ---------------------------------------------------------------------------
# lexer: a faithful transcription of the flex states INITIAL/TSTATE/LSTATE/CSTATE


class Tok:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind = kind  # "kw" (subcommand or keyword), "tok", "=", "[", "]", "(", ")", ",", ";", "\n", "char"
        self.text = text
        self.line = line

    def __repr__(self):
        return "Tok(%s,%r,%d)" % (self.kind, self.text, self.line)


BLANKS = " \t"
T_STOP = set(" \t\n\";=[]()")
L_STOP = set(" \t\n\",;=[]()")
C_STOP = set(" \t\n\",;=()")


def lex(text, platform):
    """Tokens with the line number the lexer's counter shows *after* each
    token (zonecfg reports that number, so an error at a newline names the
    next line)."""
    kws = keywords(platform)
    out = []
    i = 0
    n = len(text)
    state = "INITIAL"
    saved = "TSTATE"  # the state ')' returns to
    line = 1
    while i < n:
        c = text[i]
        if state == "INITIAL":
            if c == "#":
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
            matched = None
            for w in sorted(SUBCOMMANDS, key=len, reverse=True):
                if text.startswith(w, i):
                    matched = w
                    break
            if matched:
                out.append(Tok("kw", matched, line))
                i += len(matched)
                state = saved = "TSTATE"
                continue
        if c == ";":
            out.append(Tok(";", ";", line))
            state = "INITIAL"
            i += 1
            continue
        if c == "\n":
            line += 1
            out.append(Tok("\n", "\n", line))
            state = "INITIAL"
            i += 1
            continue
        if c in BLANKS:
            i += 1
            continue
        if state in ("TSTATE", "LSTATE", "CSTATE") and c == "=":
            out.append(Tok("=", c, line))
            i += 1
            continue
        if state == "TSTATE" and c == "[":
            out.append(Tok("[", c, line))
            state = saved = "LSTATE"
            i += 1
            continue
        if state == "LSTATE" and c == "]":
            out.append(Tok("]", c, line))
            state = saved = "TSTATE"
            i += 1
            continue
        if state in ("TSTATE", "LSTATE") and c == "(":
            out.append(Tok("(", c, line))
            state = "CSTATE"
            i += 1
            continue
        if state == "CSTATE" and c == ")":
            out.append(Tok(")", c, line))
            state = saved
            i += 1
            continue
        if state in ("LSTATE", "CSTATE") and c == ",":
            out.append(Tok(",", c, line))
            i += 1
            continue
        if state in ("TSTATE", "LSTATE") and c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 1
            # The closing quote or the newline belongs to the token; an
            # unterminated quote swallows the newline (no line count, no
            # end of command), as in zonecfg_lex.l.
            out.append(Tok("tok", text[i + 1:j], line))
            i = j + 1
            continue
        stop = {"TSTATE": T_STOP, "LSTATE": L_STOP, "CSTATE": C_STOP}.get(state)
        if stop is not None and c not in stop:
            j = i
            while j < n and text[j] not in stop:
                j += 1
            word = text[i:j]
            if state in ("TSTATE", "CSTATE") and word in kws:
                out.append(Tok("kw", word, line))
            else:
                out.append(Tok("tok", word, line))
            i = j
            continue
        out.append(Tok("char", c, line))
        i += 1
    return out


# ---------------------------------------------------------------------------
# parser: one command at a time, bison-style "syntax error at TOKEN"


class SyntaxErr(Exception):
    def __init__(self, tok):
        super().__init__(tok.text)
        self.tok = tok


class Cmd:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.args = []  # plain tokens (options, resource type)
        self.res = None
        self.pairs = []  # [(prop, value)]
        self.prop = None
        self.value = None


def split_commands(toks):
    """Group tokens into commands; yields (tokens, terminator-or-None)."""
    cur = []
    for t in toks:
        if t.kind in (";", "\n"):
            yield cur, t
            cur = []
        else:
            cur.append(t)
    if cur:
        yield cur, None


def parse_value(ts, i):
    """property_value: simple | complex | list. Returns (value, next index)."""
    if i >= len(ts):
        raise IndexError
    t = ts[i]
    if t.kind in ("tok", "kw"):
        return t.text, i + 1
    if t.kind == "(":
        return parse_complex(ts, i)
    if t.kind == "[":
        items = []
        i += 1
        if i < len(ts) and ts[i].kind == "]":
            return [], i + 1
        while True:
            if i >= len(ts):
                raise IndexError
            t = ts[i]
            if t.kind in ("tok", "kw"):
                items.append(t.text)
                i += 1
            elif t.kind == "(":
                v, i = parse_complex(ts, i)
                items.append(v)
            else:
                raise SyntaxErr(t)
            if i >= len(ts):
                raise IndexError
            if ts[i].kind == ",":
                i += 1
                continue
            if ts[i].kind == "]":
                return items, i + 1
            raise SyntaxErr(ts[i])
    raise SyntaxErr(t)


def parse_complex(ts, i):
    pairs = []
    i += 1
    while True:
        if i >= len(ts):
            raise IndexError
        t = ts[i]
        if t.kind != "kw" or t.text not in COMPLEX_NAMES | {"name", "value"}:
            raise SyntaxErr(t)
        name = t.text
        i += 1
        if i >= len(ts):
            raise IndexError
        if ts[i].kind != "=":
            raise SyntaxErr(ts[i])
        i += 1
        if i >= len(ts):
            raise IndexError
        if ts[i].kind not in ("tok", "kw"):
            raise SyntaxErr(ts[i])
        pairs.append([name, ts[i].text])
        i += 1
        if i >= len(ts):
            raise IndexError
        if ts[i].kind == ",":
            i += 1
            continue
        if ts[i].kind == ")":
            return pairs, i + 1
        raise SyntaxErr(ts[i])


def parse_command(ts, term, platform):
    """Parse one command's tokens. `term` is the terminator token (used as
    the error token when the command ends too early)."""
    globs, res = vocab(platform)
    props = set(globs)
    for p in res.values():
        props |= set(p)
    end_tok = term if term is not None else Tok("char", "", ts[-1].line if ts else 1)

    def at(i):
        return ts[i] if i < len(ts) else end_tok

    first = ts[0]
    if first.kind != "kw" or first.text not in SUBCOMMANDS:
        raise SyntaxErr(first)
    cmd = Cmd(first.text, first.line)
    name = first.text
    i = 1
    try:
        if name in ("cancel", "commit", "delete", "end", "exit", "help", "?", "revert", "verify", "create", "export"):
            # create takes up to 3 tokens (-b, -t T, -a P, -F), export up to 2.
            limit = {"create": 3, "export": 2}.get(name, 1)
            while i < len(ts):
                if ts[i].kind != "tok" or len(cmd.args) >= limit:
                    raise SyntaxErr(ts[i])
                cmd.args.append(ts[i].text)
                i += 1
            return cmd
        if name in ("add", "remove", "select", "info"):
            if name == "remove" and at(i).kind == "tok" and at(i).text.startswith("-"):
                cmd.args.append(at(i).text)
                i += 1
            t = at(i)
            if t.kind == "kw" and t.text in res:
                cmd.res = t.text
                i += 1
                while i < len(ts):
                    t = ts[i]
                    if t.kind != "kw" or t.text not in props:
                        raise SyntaxErr(t)
                    if at(i + 1).kind != "=":
                        raise SyntaxErr(at(i + 1))
                    v, i = parse_value(ts, i + 2)
                    cmd.pairs.append((t.text, v))
                return cmd
            if t.kind == "kw" and t.text in props and name in ("add", "remove", "info"):
                cmd.prop = t.text
                i += 1
                if name == "info":
                    if i < len(ts):
                        raise SyntaxErr(ts[i])
                    return cmd
                v, i = parse_value(ts, i)
                cmd.value = v
                if i < len(ts):
                    raise SyntaxErr(ts[i])
                return cmd
            if t is end_tok:
                if name == "info":
                    return cmd
                raise SyntaxErr(t)
            if t.kind == "tok" and name == "add":
                cmd.args.append(t.text)
                if i + 1 < len(ts):
                    raise SyntaxErr(ts[i + 1])
                return cmd
            raise SyntaxErr(t)
        if name == "set":
            t = at(i)
            if t.kind == "tok":
                # `set TOKEN zonepath=...` is a grammar rule, so a bare
                # token is shifted and the error falls on what follows it.
                if not (at(i + 1).kind == "kw" and at(i + 1).text == "zonepath"):
                    raise SyntaxErr(at(i + 1))
                cmd.args.append(t.text)
                i += 1
                t = at(i)
            if t.kind != "kw" or t.text not in props:
                raise SyntaxErr(t)
            cmd.prop = t.text
            if at(i + 1).kind != "=":
                raise SyntaxErr(at(i + 1))
            v, i = parse_value(ts, i + 2)
            cmd.value = v
            if i < len(ts):
                raise SyntaxErr(ts[i])
            return cmd
        if name == "clear":
            t = at(i)
            if t.kind != "kw" or t.text not in props:
                raise SyntaxErr(t)
            cmd.prop = t.text
            if i + 1 < len(ts):
                raise SyntaxErr(ts[i + 1])
            return cmd
    except IndexError:
        raise SyntaxErr(end_tok)
    raise SyntaxErr(first)


# ---------------------------------------------------------------------------
# session: scopes and handlers


def zerr(ses, msg):
    ses.errors += 1
    if ses.file_mode and ses.line is not None:
        where = "On line %d of %s:\n" % (ses.line, ses.file_name) if ses.file_name != "-" else "On line %d:\n" % ses.line
        sys.stderr.write(where)
    sys.stderr.write(msg + "\n")


def new_config(platform):
    if platform == "solaris11":
        g = {"brand": "solaris", "autoboot": "false", "ip-type": "exclusive"}
    else:
        g = {"brand": "ipkg", "autoboot": "false", "ip-type": "exclusive"}
    return {"globals": g, "resources": []}


class Session:
    def __init__(self, host, zone, file_mode, file_name):
        self.host = host
        self.platform = host.platform
        self.zone = zone
        self.file_mode = file_mode
        self.file_name = file_name
        self.rec = zonestore.load(host, zone)
        self.cfg = None if self.rec is None else self.rec["config"]
        self.dirty = False
        self.res = None  # resource being edited: {"type", "props"}
        self.res_index = None  # index when selected (None when added)
        self.errors = 0
        self.line = None
        self.done = False
        self.exists_msg_shown = False

    # -- helpers
    def need_config(self):
        if self.cfg is None:
            zerr(self, "%s: No such zone configured\nUse 'create' to begin configuring a new zone." % self.zone)
            return False
        return True

    def installed(self):
        return self.rec is not None and self.rec.get("state", "configured") != "configured"

    def run(self, cmd):
        h = getattr(self, "c_" + {"?": "help"}.get(cmd.name, cmd.name))
        h(cmd)

    # -- commands
    def c_create(self, cmd):
        if self.res is not None:
            zerr(self, "Cannot create in resource scope.")  # (approximation)
            return
        force = "-F" in cmd.args or any(a.startswith("-") and "F" in a for a in cmd.args)
        if self.cfg is not None and not force and self.rec is not None:
            zerr(self, "Zone %s already exists; create -F to overwrite.\n"
                       "Input not from terminal and -F not specified:\n\tcreate not done." % self.zone)
            return
        if self.installed():
            zerr(self, "Zone %s already installed; create not allowed." % self.zone)
            return
        self.cfg = new_config(self.platform)
        if not any("b" in a for a in cmd.args if a.startswith("-")) and self.platform == "solaris11":
            # The default template (SYSdefault) adds an anet; -b starts blank.
            self.cfg["globals"]["zonepath"] = "/system/zones/%s" % self.zone
            self.cfg["resources"].append({"type": "anet", "props": {
                "linkname": "net0", "lower-link": "auto", "configure-allowed-address": "true",
                "link-protection": ["mac-nospoof"], "mac-address": "auto"}})
        self.dirty = True

    def c_set(self, cmd):
        if not self.need_config():
            return
        globs, res = vocab(self.platform)
        if self.res is None:
            if cmd.prop not in globs:
                zerr(self, "%s is not a valid property for the global scope." % cmd.prop)  # (approximation)
                return
            if cmd.prop == "zonename":
                zerr(self, "Cannot set zonename: the emulator does not rename zones.")
                return
            if cmd.prop in ("zonepath", "brand") and self.installed():
                zerr(self, "Zone %s already installed; set %s not allowed." % (self.zone, cmd.prop))
                return
            if not isinstance(cmd.value, str):
                zerr(self, "A simple value was expected here.")
                return
            if cmd.prop == "autoboot" and cmd.value not in ("true", "false"):
                zerr(self, "%s value must be '%s' or '%s'." % ("autoboot", "true", "false"))
                return
            if cmd.prop == "ip-type" and cmd.value not in ("shared", "exclusive"):
                zerr(self, "%s value must be '%s' or '%s'." % ("ip-type", "shared", "exclusive"))
                return
            self.cfg["globals"][cmd.prop] = cmd.value
        else:
            if cmd.prop not in res[self.res["type"]]:
                zerr(self, "%s is not a valid property for resource type %s." % (cmd.prop, self.res["type"]))
                return
            if (self.res["type"], cmd.prop) in LIST_PROPS:
                v = cmd.value if isinstance(cmd.value, list) else [cmd.value]
            else:
                v = cmd.value
                if isinstance(v, list):
                    zerr(self, "A simple value was expected here.")
                    return
            self.res["props"][cmd.prop] = v
        self.dirty = True

    def c_clear(self, cmd):
        if not self.need_config():
            return
        if self.res is None:
            self.cfg["globals"].pop(cmd.prop, None)
        else:
            self.res["props"].pop(cmd.prop, None)
        self.dirty = True

    def c_add(self, cmd):
        if not self.need_config():
            return
        globs, res = vocab(self.platform)
        if self.res is None:
            if cmd.res is None:
                zerr(self, "%s is not a valid resource type." % (cmd.args[0] if cmd.args else cmd.prop))
                return
            if cmd.pairs:
                zerr(self, "Property values are not allowed with add in the global scope.")
                return
            if cmd.res in ("dedicated-cpu", "capped-cpu", "capped-memory") and any(
                    r["type"] == cmd.res for r in self.cfg["resources"]):
                zerr(self, "The %s resource already exists." % cmd.res)
                return
            self.res = {"type": cmd.res, "props": {}}
            self.res_index = None
            return
        if cmd.prop is None or (self.res["type"], cmd.prop) not in LIST_PROPS:
            zerr(self, "Cannot add a resource when in the resource scope." if cmd.res else
                 "%s is not a list property of %s." % (cmd.prop, self.res["type"]))
            return
        cur = self.res["props"].setdefault(cmd.prop, [])
        cur.extend(cmd.value if isinstance(cmd.value, list) else [cmd.value])
        self.dirty = True

    def matches(self, r, pairs):
        for p, v in pairs:
            if r["props"].get(p) != v:
                return False
        return True

    def c_select(self, cmd):
        if not self.need_config():
            return
        if self.res is not None:
            zerr(self, "Cannot select a resource when in the resource scope.")
            return
        found = [i for i, r in enumerate(self.cfg["resources"]) if r["type"] == cmd.res and self.matches(r, cmd.pairs)]
        if not found:
            zerr(self, "No such %s resource." % cmd.res)
            return
        if len(found) > 1:
            zerr(self, "More than one resource of type %s matched." % cmd.res)  # (approximation)
            return
        self.res_index = found[0]
        r = self.cfg["resources"][found[0]]
        self.res = {"type": r["type"], "props": dict(r["props"])}

    def c_remove(self, cmd):
        if not self.need_config():
            return
        if self.res is not None:
            if cmd.prop is None:
                zerr(self, "Cannot remove a resource when in the resource scope.")
                return
            cur = self.res["props"].get(cmd.prop)
            vals = cmd.value if isinstance(cmd.value, list) else [cmd.value]
            if isinstance(cur, list):
                self.res["props"][cmd.prop] = [x for x in cur if x not in vals]
            elif cur == cmd.value:
                del self.res["props"][cmd.prop]
            self.dirty = True
            return
        if cmd.res is None:
            zerr(self, "A resource type is expected.")
            return
        found = [i for i, r in enumerate(self.cfg["resources"]) if r["type"] == cmd.res and self.matches(r, cmd.pairs)]
        if not found:
            zerr(self, "No such %s resource." % cmd.res)
            return
        if len(found) > 1 and not cmd.pairs and "-F" not in cmd.args:
            zerr(self, "Input not from terminal and -F not specified:\n\tremove not done.")
            return
        self.cfg["resources"] = [r for i, r in enumerate(self.cfg["resources"]) if i not in found]
        self.dirty = True

    def c_end(self, cmd):
        if self.res is None:
            zerr(self, "The end command only makes sense in the resource scope.")
            return
        missing = [p for p in REQUIRED.get(self.res["type"], []) if not self.res["props"].get(p)]
        if self.res["type"] == "capped-memory" and not self.res["props"]:
            missing = ["physical"]
        if missing:
            for p in missing:
                zerr(self, "%s not specified" % p)
            return
        if self.res_index is None:
            self.cfg["resources"].append(self.res)
        else:
            self.cfg["resources"][self.res_index] = self.res
        self.res = None
        self.res_index = None
        self.dirty = True

    def c_cancel(self, cmd):
        if self.res is None:
            zerr(self, "The cancel command only makes sense in the resource scope.")
            return
        self.res = None
        self.res_index = None

    def verify(self):
        g = self.cfg["globals"]
        ok = True
        if not g.get("zonepath"):
            zerr(self, "zonepath cannot be empty.")  # (approximation)
            ok = False
        return ok

    def c_verify(self, cmd):
        if self.need_config():
            self.verify()

    def c_commit(self, cmd):
        if not self.need_config():
            return
        if self.res is not None:
            zerr(self, "You can only use commit in the global scope.")  # (approximation)
            return
        if not self.verify():
            return
        self.commit()

    def commit(self):
        zonestore.commit_config(self.host, self.zone, self.cfg)
        self.rec = zonestore.load(self.host, self.zone)
        self.dirty = False

    def c_revert(self, cmd):
        if self.res is not None:
            zerr(self, "You can only use revert in the global scope.")
            return
        if "-F" not in cmd.args:
            zerr(self, "Input not from terminal and -F not specified:\n\trevert not done.")
            return
        self.rec = zonestore.load(self.host, self.zone)
        self.cfg = None if self.rec is None else self.rec["config"]
        self.dirty = False

    def c_delete(self, cmd):
        if not self.need_config():
            return
        if "-F" not in cmd.args:
            zerr(self, "Input not from terminal and -F not specified:\n\tdelete not done.")
            return
        if self.installed():
            zerr(self, "Zone %s already installed; delete not allowed." % self.zone)
            return
        zonestore.delete(self.host, self.zone)
        self.cfg = None
        self.rec = None
        self.dirty = False
        self.done = True

    def c_exit(self, cmd):
        if self.res is not None and "-F" not in cmd.args:
            zerr(self, "%s resource incomplete; use 'end' or 'cancel', or exit -F." % self.res["type"])
            return
        self.res = None
        if self.dirty and self.cfg is not None and "-F" not in cmd.args:
            if self.verify():
                self.commit()
        self.done = True

    def c_export(self, cmd):
        if not self.need_config():
            return
        text = export_text(self.cfg, self.platform)
        if cmd.args[:1] == ["-f"] and len(cmd.args) == 2:
            with open(cmd.args[1], "w") as f:
                f.write(text)
        else:
            sys.stdout.write(text)

    def c_info(self, cmd):
        if not self.need_config():
            return
        sys.stdout.write(info_text(self.zone, self.cfg, self.platform, cmd.res, cmd.pairs, cmd.prop))

    def c_help(self, cmd):
        sys.stdout.write("Emulated zonecfg: subcommands %s\n" % ", ".join(SUBCOMMANDS))


# ---------------------------------------------------------------------------
# output


def fmt_simple(v, quote_space):
    if quote_space and " " in v:
        return '"%s"' % v
    return v


def fmt_complex(pairs):
    return "(" + ",".join("%s=%s" % (n, v) for n, v in pairs) + ")"


EXPORT_GLOBALS = {
    # Solaris 11 exports brand before zonepath; illumos the other way round.
    "solaris11": ["brand", "zonepath", "autoboot", "autoshutdown", "bootargs", "file-mac-profile", "pool",
                  "limitpriv", "scheduling-class", "ip-type", "hostid", "fs-allowed"],
    "illumos": ["zonepath", "brand", "autoboot", "bootargs", "pool", "limitpriv", "scheduling-class", "ip-type",
                "hostid", "fs-allowed"],
}
ALIASES = ["cpu-shares", "max-lwps", "max-processes", "max-shm-memory", "max-shm-ids", "max-msg-ids", "max-sem-ids"]


def export_text(cfg, platform, bootargs_bug=True):
    g = cfg["globals"]
    out = ["create -b"]
    for p in EXPORT_GLOBALS[platform]:
        v = g.get(p)
        if p == "autoboot":
            v = v or "false"
        if p == "ip-type":
            v = v or "shared"
        if not v:
            continue
        if p == "brand" and platform == "illumos" and v == "native":
            continue
        # Global properties are printed raw (the 11.1 bootargs bug: a value
        # with blanks is not quoted, so re-import fails).
        out.append("set %s=%s" % (p, v))
    for p in ALIASES:
        if g.get(p):
            out.append("set %s=%s" % (p, g[p]))
    _, res = vocab(platform)
    for r in cfg["resources"]:
        out.append("add %s" % r["type"])
        for p in res.get(r["type"], list(r["props"])):
            v = r["props"].get(p)
            if v in (None, "", []):
                continue
            if isinstance(v, list):
                for item in v:
                    if isinstance(item, list):
                        out.append("add %s %s" % (p, fmt_complex(item)))
                    else:
                        out.append("add %s %s" % (p, fmt_simple(item, True)))
            else:
                out.append("set %s=%s" % (p, fmt_simple(v, True)))
        out.append("end")
    return "\n".join(out) + "\n"


INFO_GLOBALS = {
    "solaris11": ["zonename", "zonepath", "brand", "autoboot", "bootargs", "file-mac-profile", "pool", "limitpriv",
                  "scheduling-class", "ip-type", "hostid", "fs-allowed"],
    "illumos": ["zonename", "zonepath", "brand", "autoboot", "bootargs", "pool", "limitpriv", "scheduling-class",
                "ip-type", "hostid", "fs-allowed"],
}


def info_value(v):
    if isinstance(v, list):
        return "[" + ",".join(fmt_complex(x) if isinstance(x, list) else x for x in v) + "]"
    return v


def info_text(zone, cfg, platform, res_type=None, pairs=(), prop=None):
    g = dict(cfg["globals"])
    g["zonename"] = zone
    g.setdefault("autoboot", "false")
    g.setdefault("ip-type", "shared")
    sep = ": " if platform == "solaris11" else ":"
    out = []

    def glob_line(p):
        v = g.get(p, "")
        if v:
            out.append("%s: %s" % (p, v))
        else:
            out.append("%s%s" % (p, sep))

    if prop is not None:
        glob_line(prop)
        return "\n".join(out) + "\n"
    if res_type is None:
        for p in INFO_GLOBALS[platform]:
            glob_line(p)
        for p in ALIASES:
            if g.get(p):
                out.append("[%s: %s]" % (p, g[p]))
    _, res = vocab(platform)
    for r in cfg["resources"]:
        if res_type is not None and r["type"] != res_type:
            continue
        if any(r["props"].get(p) != v for p, v in pairs):
            continue
        out.append("%s:" % r["type"])
        for p in res.get(r["type"], list(r["props"])):
            v = r["props"].get(p)
            if v in (None, "", []):
                out.append("\t%s not specified" % p)
            else:
                out.append("\t%s: %s" % (p, info_value(v)))
    return "\n".join(out) + "\n" if out else ""


# ---------------------------------------------------------------------------
# driver


USAGE = ("usage:\tzonecfg -z <zone> (interactive)\n"
         "\tzonecfg -z <zone> <command>\n"
         "\tzonecfg -z <zone> -f <command-file>\n")


def run_text(ses, text, stop_on_error):
    toks = lex(text, ses.platform)
    for ts, term in split_commands(toks):
        if ses.done:
            break
        if not ts:
            continue
        ses.line = ts[0].line
        try:
            cmd = parse_command(ts, term, ses.platform)
        except SyntaxErr as e:
            t = e.tok
            shown = "\\n" if t.text == "\n" else t.text
            ses.errors += 1
            if ses.file_mode:
                sys.stderr.write("syntax error on line %d at '%s'\n" % (t.line, shown))
            else:
                sys.stderr.write("syntax error at '%s'\n" % shown)
            if stop_on_error:
                return
            continue
        before = ses.errors
        ses.run(cmd)
        if ses.errors > before and stop_on_error:
            return
    # A command file stops at its first error (nothing is committed); `-f -`
    # and one-command mode go on like an interactive session, whose end is
    # an implicit `exit`, which commits.
    if not ses.done and ses.dirty and ses.cfg is not None and (ses.errors == 0 or not stop_on_error):
        if ses.res is not None:
            # An unfinished resource at the end: nothing is committed.
            ses.errors += 1
            return
        if ses.verify():
            ses.commit()


def main(argv):
    h = common.this_host()
    zone = None
    cmd_file = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-z" and i + 1 < len(argv):
            zone = argv[i + 1]
            i += 2
        elif a == "-f" and i + 1 < len(argv):
            cmd_file = argv[i + 1]
            i += 2
        elif a.startswith("-") and a != "-":
            die(USAGE, 2)
        else:
            break
    rest = argv[i:]
    if zone is None:
        die(USAGE, 2)
    if zone != "global":
        err = zonestore.check_name(zone)
        if err:
            die("%s: %s" % (zone, err))
    # Input is read before the zone table is locked, and output is written
    # after: `zonecfg -z a export | zonecfg -z b -f -` must not deadlock.
    if cmd_file == "-" or (cmd_file is None and not rest):
        if cmd_file is None and sys.stdin.isatty():
            die("zonecfg: interactive mode is not emulated; use -f FILE or a command.")
        text, name, stop = sys.stdin.read(), "-", False
    elif cmd_file is not None:
        if not os.path.exists(cmd_file):
            die("could not open file %s: No such file or directory" % cmd_file)
        if not os.path.isfile(cmd_file):
            die("%s is not a regular file." % cmd_file)
        with open(cmd_file) as f:
            text = f.read()
        name, stop = cmd_file, True
    else:
        text, name, stop = " ".join(rest) + "\n", None, False
    out = io.StringIO()
    real_stdout = sys.stdout
    sys.stdout = out
    try:
        with h.lock("zones"):
            ses = Session(h, zone, name is not None, name)
            run_text(ses, text, stop_on_error=stop)
    finally:
        sys.stdout = real_stdout
    sys.stdout.write(out.getvalue())
    return 1 if ses.errors else 0
