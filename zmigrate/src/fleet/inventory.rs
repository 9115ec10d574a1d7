//! Ansible inventories (INI and YAML) read as a fleet.
//!
//! Sites that run zones on many hosts already describe them in an Ansible
//! inventory, so `--inventory FILE` reads that file instead of asking for a
//! second list. Only what a collection needs is taken from it: the hosts,
//! their groups (for `--limit`, see [`super::limit`]), and the three
//! connection variables `ansible_host`, `ansible_port` and `ansible_user`.
//! Other variables are read (so their precedence is right) and ignored.
//!
//! The forms follow Ansible's inventory guide ("How to build your
//! inventory", docs.ansible.com, `inventory_guide/intro_inventory`) and its
//! `ini` and `yaml` inventory plugins:
//!
//! * INI: hosts before any section are in `ungrouped`; `[group]` lists
//!   hosts, one per line, `HOST[:PORT] [key=value …]` split like a shell
//!   line (quotes, `#` comments); `[group:vars]` holds `key=value` lines;
//!   `[group:children]` lists child groups. Lines starting with `#` or `;`
//!   are comments.
//! * YAML: a mapping of group names; each group may hold `hosts` (a
//!   mapping of host names to their variables or nothing), `vars` and
//!   `children` (a mapping of groups, recursively).
//! * Host ranges in both: `www[01:50].example.com` (leading zeros kept,
//!   both ends the same width), a stride `[01:50:2]`, letters `db-[a:f]`;
//!   several ranges in one name multiply.
//! * Every host is in `all`; a host in no other group is in `ungrouped`.
//! * Variables merge from lowest to highest precedence: `all`, then the
//!   other groups by depth (a child after its parents), then by
//!   `ansible_group_priority` (default 1), then by name in ASCII order, and
//!   the host's own last. Later wins.
//!
//! Everything that reaches ssh is validated here, with the line it came
//! from: a host name must be a usable host name (`zrules::names`: it can
//! never start with `-` and become an ssh option), `ansible_host` a host
//! name or an IP address, `ansible_port` a number from 1 to 65535,
//! `ansible_user` a login name. The values then reach ssh as separate
//! words (`-p PORT -l USER -- ADDRESS`, [`crate::exec::ssh::Endpoint`]).
//!
//! Not supported, and refused rather than misread: `[group:other]`
//! sections, IPv6 host names with a port (`[::1]:22`), host ranges that
//! expand to more than [`MAX_HOSTS`] hosts, and (for YAML) keys of a group
//! other than `hosts`, `vars` and `children`. Unlike Ansible, a numeric
//! range whose start is above its end is an error, not an empty list.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use zrules::names::{validate_host_name, validate_user_name};

use super::FleetHost;
use crate::exec::ssh::{Endpoint, validate_address};

/// Most hosts one inventory may name (ranges included): a typo such as
/// `gz[0:99999999]` must not allocate the world.
pub const MAX_HOSTS: usize = 100_000;

/// The group every host is in.
pub const ALL: &str = "all";
/// The group of hosts in no other group.
pub const UNGROUPED: &str = "ungrouped";

/// Why an inventory cannot be used. `line` is 1-based; 0 when unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// The file does not have the form of an inventory.
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    /// A host name that cannot be given to ssh.
    #[error("line {line}: host '{host}' is refused: {reason}")]
    Host {
        line: usize,
        host: String,
        reason: String,
    },
    /// A connection variable whose value cannot be given to ssh.
    #[error("line {line}: {var} of host '{host}' is refused: {reason}")]
    Var {
        line: usize,
        host: String,
        var: &'static str,
        reason: String,
    },
    /// A group that is its own ancestor.
    #[error("group '{0}' is its own descendant ([{0}:children] goes round in a circle)")]
    Cycle(String),
    /// More hosts than [`MAX_HOSTS`].
    #[error("line {line}: more than {MAX_HOSTS} hosts")]
    TooMany { line: usize },
}

impl InventoryError {
    fn syntax(line: usize, message: impl Into<String>) -> Self {
        InventoryError::Syntax {
            line,
            message: message.into(),
        }
    }
}

/// The form of an inventory file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ini,
    Yaml,
}

impl Format {
    /// As Ansible's plugins decide: `.yml`, `.yaml` and `.json` files are
    /// YAML (JSON is YAML); for other names, a file whose first line that
    /// is not blank or a comment is a bare `NAME:` key is YAML, else INI.
    pub fn guess(file_name: &str, text: &str) -> Format {
        let lower = file_name.to_ascii_lowercase();
        if [".yml", ".yaml", ".json"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            return Format::Yaml;
        }
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'));
        match first {
            Some(l) if l == "---" || l.starts_with('{') => Format::Yaml,
            Some(l)
                if l.ends_with(':')
                    && !l.starts_with('[')
                    && !l[..l.len() - 1].contains(char::is_whitespace) =>
            {
                Format::Yaml
            }
            _ => Format::Ini,
        }
    }
}

/// A variable's value as written (scalars as text; lists and mappings are
/// kept only as "not a scalar").
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Text(String),
    NotScalar,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Var {
    value: Value,
    line: usize,
}

type Vars = BTreeMap<String, Var>;

/// One host of an inventory, with its connection variables resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryHost {
    /// The inventory name: the label of its capture and findings.
    pub name: String,
    /// The line that first named it.
    pub line: usize,
    /// `ansible_host`, `ansible_port`, `ansible_user` after precedence.
    pub endpoint: Endpoint,
}

impl InventoryHost {
    pub fn to_fleet_host(&self) -> FleetHost {
        FleetHost {
            name: self.name.clone(),
            endpoint: self.endpoint.clone(),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Group {
    /// Hosts listed in the group itself, by index, in order.
    hosts: Vec<usize>,
    children: Vec<String>,
    vars: Vars,
}

/// A parsed inventory.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    hosts: Vec<InventoryHost>,
    host_vars: Vec<Vars>,
    index: BTreeMap<String, usize>,
    groups: BTreeMap<String, Group>,
}

impl Inventory {
    /// Parses `text` in the form [`Format::guess`] finds for it.
    pub fn parse(file_name: &str, text: &str) -> Result<Self, InventoryError> {
        match Format::guess(file_name, text) {
            Format::Ini => Self::parse_ini(text),
            Format::Yaml => Self::parse_yaml(text),
        }
    }

    /// Parses an INI inventory.
    pub fn parse_ini(text: &str) -> Result<Self, InventoryError> {
        let mut inv = Inventory::default();
        let mut section = Section::Hosts(UNGROUPED.to_owned());
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if trimmed.starts_with('[') && !looks_like_range_host(trimmed) {
                section = parse_header(trimmed, line)?;
                let name = section.group().to_owned();
                inv.group_mut(&name);
                continue;
            }
            let words = split_words(trimmed).map_err(|m| InventoryError::syntax(line, m))?;
            let Some((first, rest)) = words.split_first() else {
                continue;
            };
            match &section {
                Section::Hosts(group) => {
                    let mut vars = Vars::new();
                    for w in rest {
                        let Some((k, v)) = w.split_once('=') else {
                            return Err(InventoryError::syntax(
                                line,
                                format!("expected key=value host variable assignment, got: {w}"),
                            ));
                        };
                        vars.insert(
                            k.to_owned(),
                            Var {
                                value: Value::Text(unquote_literal(v)),
                                line,
                            },
                        );
                    }
                    let (pattern, port) = split_port(first, line)?;
                    if let Some(p) = port {
                        vars.entry("ansible_port".to_owned()).or_insert(Var {
                            value: Value::Text(p),
                            line,
                        });
                    }
                    for name in expand_ranges(&pattern, line)? {
                        inv.add_host(group, &name, line, &vars)?;
                    }
                }
                Section::Vars(group) => {
                    let Some((k, v)) = trimmed.split_once('=') else {
                        return Err(InventoryError::syntax(
                            line,
                            format!("expected key=value in [{group}:vars], got: {trimmed}"),
                        ));
                    };
                    let value = split_words(v.trim())
                        .map_err(|m| InventoryError::syntax(line, m))?
                        .join(" ");
                    inv.group_mut(group).vars.insert(
                        k.trim().to_owned(),
                        Var {
                            value: Value::Text(value),
                            line,
                        },
                    );
                }
                Section::Children(group) => {
                    if !rest.is_empty() {
                        return Err(InventoryError::syntax(
                            line,
                            format!("[{group}:children] lists one group per line"),
                        ));
                    }
                    inv.add_child(group, first, line)?;
                }
            }
        }
        inv.finish()
    }

    /// Parses a YAML inventory.
    pub fn parse_yaml(text: &str) -> Result<Self, InventoryError> {
        let top: Option<Ordered<Option<YamlGroup>>> =
            serde_saphyr::from_str(text).map_err(|e| {
                let line = e.location().map_or(0, |l| l.line() as usize);
                let mut message = e.without_snippet().to_string();
                if let Some(l) = e.location() {
                    let trailer = format!(" at line {}, column {}", l.line(), l.column());
                    if let Some(m) = message.strip_suffix(&trailer) {
                        message = m.to_owned();
                    }
                }
                InventoryError::syntax(line, message)
            })?;
        let mut inv = Inventory::default();
        inv.group_mut(ALL);
        for (name, group) in top.map(|t| t.0).unwrap_or_default() {
            inv.add_yaml_group(&name, group)?;
        }
        inv.finish()
    }

    fn add_yaml_group(
        &mut self,
        (name, line): &(String, usize),
        group: Option<YamlGroup>,
    ) -> Result<(), InventoryError> {
        check_group_name(name, *line)?;
        self.group_mut(name);
        let Some(group) = group else {
            return Ok(());
        };
        for ((k, l), v) in group.vars.map(|v| v.0).unwrap_or_default() {
            self.group_mut(name)
                .vars
                .insert(k, Var { value: v, line: l });
        }
        for ((pattern, l), vars) in group.hosts.map(|h| h.0).unwrap_or_default() {
            let vars: Vars = vars
                .map(|v| v.0)
                .unwrap_or_default()
                .into_iter()
                .map(|((k, kl), v)| (k, Var { value: v, line: kl }))
                .collect();
            for host in expand_ranges(&pattern, l)? {
                self.add_host(name, &host, l, &vars)?;
            }
        }
        for (child, sub) in group.children.map(|c| c.0).unwrap_or_default() {
            self.add_child(name, &child.0, child.1)?;
            self.add_yaml_group(&child, sub)?;
        }
        Ok(())
    }

    fn group_mut(&mut self, name: &str) -> &mut Group {
        self.groups.entry(name.to_owned()).or_default()
    }

    fn add_child(&mut self, parent: &str, child: &str, line: usize) -> Result<(), InventoryError> {
        check_group_name(child, line)?;
        self.group_mut(child);
        let kids = &mut self.group_mut(parent).children;
        if !kids.iter().any(|k| k == child) {
            kids.push(child.to_owned());
        }
        Ok(())
    }

    fn add_host(
        &mut self,
        group: &str,
        name: &str,
        line: usize,
        vars: &Vars,
    ) -> Result<(), InventoryError> {
        validate_host_name(name).map_err(|e| InventoryError::Host {
            line,
            host: name.to_owned(),
            reason: e.reason,
        })?;
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                if self.hosts.len() >= MAX_HOSTS {
                    return Err(InventoryError::TooMany { line });
                }
                self.hosts.push(InventoryHost {
                    name: name.to_owned(),
                    line,
                    endpoint: Endpoint::default(),
                });
                self.host_vars.push(Vars::new());
                self.index.insert(name.to_owned(), self.hosts.len() - 1);
                self.hosts.len() - 1
            }
        };
        for (k, v) in vars {
            self.host_vars[i].insert(k.clone(), v.clone());
        }
        let g = self.group_mut(group);
        if !g.hosts.contains(&i) {
            g.hosts.push(i);
        }
        Ok(())
    }

    /// Fills `all` and `ungrouped`, checks the groups form no circle, and
    /// resolves each host's connection variables.
    fn finish(mut self) -> Result<Self, InventoryError> {
        self.group_mut(ALL);
        self.group_mut(UNGROUPED);
        // `all` is every group's ancestor: the groups no one names as a
        // child hang below it.
        let named_children: BTreeSet<String> = self
            .groups
            .values()
            .flat_map(|g| g.children.iter().cloned())
            .collect();
        let tops: Vec<String> = self
            .groups
            .keys()
            .filter(|g| *g != ALL && !named_children.contains(*g))
            .cloned()
            .collect();
        for t in tops {
            let kids = &mut self.group_mut(ALL).children;
            if !kids.contains(&t) {
                kids.push(t);
            }
        }
        let depth = self.depths()?;
        // A host listed only in `all` or `ungrouped` is in `ungrouped`.
        let grouped: BTreeSet<usize> = self
            .groups
            .iter()
            .filter(|(n, _)| *n != ALL && *n != UNGROUPED)
            .flat_map(|(_, g)| g.hosts.iter().copied())
            .collect();
        let ungrouped: Vec<usize> = (0..self.hosts.len())
            .filter(|i| !grouped.contains(i))
            .collect();
        let u = self.group_mut(UNGROUPED);
        u.hosts.retain(|i| !grouped.contains(i));
        for i in ungrouped {
            if !u.hosts.contains(&i) {
                u.hosts.push(i);
            }
        }
        for i in 0..self.hosts.len() {
            let mut groups: Vec<&String> = self
                .groups
                .keys()
                .filter(|g| self.group_has(g, i))
                .collect();
            groups.sort_by_key(|g| (depth[*g], self.priority(g), (*g).clone()));
            let mut vars = Vars::new();
            for g in groups {
                for (k, v) in &self.groups[g].vars {
                    vars.insert(k.clone(), v.clone());
                }
            }
            for (k, v) in &self.host_vars[i] {
                vars.insert(k.clone(), v.clone());
            }
            let endpoint = endpoint(&self.hosts[i], &vars)?;
            self.hosts[i].endpoint = endpoint;
        }
        Ok(self)
    }

    /// `ansible_group_priority` of a group (Ansible's default: 1).
    fn priority(&self, group: &str) -> i64 {
        match self.groups[group].vars.get("ansible_group_priority") {
            Some(Var {
                value: Value::Text(t),
                ..
            }) => t.trim().parse().unwrap_or(1),
            _ => 1,
        }
    }

    /// Each group's depth below `all` (the longest path), refusing circles.
    fn depths(&self) -> Result<BTreeMap<String, usize>, InventoryError> {
        fn visit(
            inv: &Inventory,
            g: &str,
            d: usize,
            path: &mut Vec<String>,
            out: &mut BTreeMap<String, usize>,
        ) -> Result<(), InventoryError> {
            if path.iter().any(|p| p == g) {
                return Err(InventoryError::Cycle(g.to_owned()));
            }
            if out.get(g).is_some_and(|&old| old >= d) {
                return Ok(());
            }
            out.insert(g.to_owned(), d);
            path.push(g.to_owned());
            for k in &inv.groups[g].children {
                visit(inv, k, d + 1, path, out)?;
            }
            path.pop();
            Ok(())
        }
        let mut out = BTreeMap::new();
        visit(self, ALL, 0, &mut Vec::new(), &mut out)?;
        // A group that is only in a circle is not below `all`.
        if let Some(g) = self.groups.keys().find(|g| !out.contains_key(*g)) {
            return Err(InventoryError::Cycle(g.clone()));
        }
        Ok(out)
    }

    /// Whether host `i` is in `group` or one of its descendants.
    fn group_has(&self, group: &str, i: usize) -> bool {
        let mut stack = vec![group];
        let mut seen = BTreeSet::new();
        while let Some(g) = stack.pop() {
            if !seen.insert(g) {
                continue;
            }
            let Some(grp) = self.groups.get(g) else {
                continue;
            };
            if g == ALL || grp.hosts.contains(&i) {
                return true;
            }
            stack.extend(grp.children.iter().map(String::as_str));
        }
        false
    }

    /// Every host, in the order the inventory first names them.
    pub fn hosts(&self) -> &[InventoryHost] {
        &self.hosts
    }

    /// The group names, `all` and `ungrouped` included, sorted.
    pub fn group_names(&self) -> impl Iterator<Item = &str> {
        self.groups.keys().map(String::as_str)
    }

    /// The hosts of `group` and of its descendants, in inventory order;
    /// `None` when there is no such group.
    pub fn group_hosts(&self, group: &str) -> Option<Vec<&InventoryHost>> {
        self.groups.get(group)?;
        Some(
            (0..self.hosts.len())
                .filter(|&i| self.group_has(group, i))
                .map(|i| &self.hosts[i])
                .collect(),
        )
    }

    /// The hosts of `group` in the group's own order, as Ansible's
    /// `Group.get_hosts` lists them for subscripts (`web[0]`): the group's
    /// hosts as listed, then its descendants', breadth first, each once.
    pub fn group_hosts_listed(&self, group: &str) -> Option<Vec<&InventoryHost>> {
        self.groups.get(group)?;
        if group == ALL {
            return Some(self.hosts.iter().collect());
        }
        let mut queue = std::collections::VecDeque::from([group]);
        let mut seen_groups = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        while let Some(g) = queue.pop_front() {
            if !seen_groups.insert(g) {
                continue;
            }
            let Some(grp) = self.groups.get(g) else {
                continue;
            };
            for &i in &grp.hosts {
                if seen.insert(i) {
                    out.push(&self.hosts[i]);
                }
            }
            queue.extend(grp.children.iter().map(String::as_str));
        }
        Some(out)
    }

    /// The host named `name`.
    pub fn host(&self, name: &str) -> Option<&InventoryHost> {
        self.index.get(name).map(|&i| &self.hosts[i])
    }
}

/// The connection variables of a host, validated, with the line each came
/// from in errors.
fn endpoint(host: &InventoryHost, vars: &Vars) -> Result<Endpoint, InventoryError> {
    let text = |var: &'static str| -> Result<Option<(String, usize)>, InventoryError> {
        match vars.get(var) {
            None => Ok(None),
            Some(Var {
                value: Value::Text(t),
                line,
            }) => Ok(Some((t.clone(), *line))),
            Some(Var { line, .. }) => Err(InventoryError::Var {
                line: *line,
                host: host.name.clone(),
                var,
                reason: "not a single value".to_owned(),
            }),
        }
    };
    let refuse = |var: &'static str, line: usize, reason: String| InventoryError::Var {
        line,
        host: host.name.clone(),
        var,
        reason,
    };
    let mut e = Endpoint::default();
    if let Some((a, line)) = text("ansible_host")? {
        validate_address(&a).map_err(|err| refuse("ansible_host", line, err.to_string()))?;
        e.address = Some(a);
    }
    if let Some((p, line)) = text("ansible_port")? {
        match p.trim().parse::<u16>() {
            Ok(n) if n > 0 => e.port = Some(n),
            _ => {
                return Err(refuse(
                    "ansible_port",
                    line,
                    format!("'{p}' is not a port number (1 to 65535)"),
                ));
            }
        }
    }
    if let Some((u, line)) = text("ansible_user")? {
        validate_user_name(&u).map_err(|err| refuse("ansible_user", line, err.to_string()))?;
        e.user = Some(u);
    }
    Ok(e)
}

/// The section an INI line belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Section {
    Hosts(String),
    Vars(String),
    Children(String),
}

impl Section {
    fn group(&self) -> &str {
        match self {
            Section::Hosts(g) | Section::Vars(g) | Section::Children(g) => g,
        }
    }
}

/// A line starting with `[` that is a host with a range (`[a:c]-gz`),
/// not a section: a section header ends with `]` (or a comment after it).
fn looks_like_range_host(line: &str) -> bool {
    let end = line.split('#').next().unwrap_or(line).trim_end();
    !end.ends_with(']')
}

/// `[group]`, `[group:vars]`, `[group:children]` (Ansible's ini plugin:
/// `^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:\#.*)?$`).
fn parse_header(line: &str, n: usize) -> Result<Section, InventoryError> {
    let body = line
        .split('#')
        .next()
        .unwrap_or(line)
        .trim_end()
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .ok_or_else(|| InventoryError::syntax(n, format!("not a section header: {line}")))?;
    let (group, kind) = match body.split_once(':') {
        Some((g, k)) => (g, Some(k)),
        None => (body, None),
    };
    check_group_name(group, n)?;
    let g = group.to_owned();
    match kind {
        None => Ok(Section::Hosts(g)),
        Some("vars") => Ok(Section::Vars(g)),
        Some("children") => Ok(Section::Children(g)),
        Some(other) => Err(InventoryError::syntax(
            n,
            format!(
                "section [{group}:{other}]: only [{group}], [{group}:vars] and [{group}:children] exist"
            ),
        )),
    }
}

/// Group names: no blanks, and none of the characters host patterns use
/// (`:`, `,`, `!`, `&`, `[`, `]`, `*`, `?`), so every group can be named
/// in `--limit`.
fn check_group_name(name: &str, line: usize) -> Result<(), InventoryError> {
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || ":,!&[]*?~@".contains(c))
    {
        return Err(InventoryError::syntax(
            line,
            format!("'{name}' is not a usable group name"),
        ));
    }
    Ok(())
}

/// Splits a line into words as a shell would (Python's `shlex.split` with
/// comments, which Ansible's ini plugin uses): blanks separate words,
/// single quotes keep everything, double quotes keep all but `\"` and
/// `\\`, a backslash outside quotes keeps the next character, and a `#`
/// starting a word starts a comment.
fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("no closing quotation".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') if matches!(chars.peek(), Some('"' | '\\')) => {
                            if let Some(n) = chars.next() {
                                word.push(n);
                            }
                        }
                        Some(c) => word.push(c),
                        None => return Err("no closing quotation".to_owned()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(n) => word.push(n),
                    None => return Err("no escaped character".to_owned()),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// A host-line value: Ansible reads it as a Python literal when it is one
/// (`ansible_port=22` is the number 22, `x='a'` the string `a`), else as
/// the text. The quotes shlex kept are the only literal syntax that
/// changes a connection variable's text.
fn unquote_literal(v: &str) -> String {
    for q in ['\'', '"'] {
        if let Some(inner) = v
            .strip_prefix(q)
            .and_then(|r| r.strip_suffix(q))
            .filter(|_| v.len() >= 2)
        {
            return inner.to_owned();
        }
    }
    v.to_owned()
}

/// `host:PORT` → (`host`, `PORT`); a name with one `:` after which only
/// digits follow (Ansible's `parse_address`). IPv6 addresses are not host
/// names here, so any other `:` is left for the name check to refuse.
fn split_port(pattern: &str, line: usize) -> Result<(String, Option<String>), InventoryError> {
    if pattern.matches(':').count() == 1
        && !pattern.contains('[')
        && let Some((host, port)) = pattern.rsplit_once(':')
    {
        if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            return Ok((host.to_owned(), Some(port.to_owned())));
        }
        return Err(InventoryError::Host {
            line,
            host: pattern.to_owned(),
            reason: format!("'{port}' after ':' is not a port number"),
        });
    }
    Ok((pattern.to_owned(), None))
}

/// Expands host ranges (`www[01:03]`, `db-[a:c]`, `[1:9:2]`), recursively
/// for several ranges in one name, as Ansible's `expand_hostname_range`.
pub fn expand_ranges(pattern: &str, line: usize) -> Result<Vec<String>, InventoryError> {
    let mut out = Vec::new();
    expand_into(pattern, line, &mut out)?;
    Ok(out)
}

fn expand_into(pattern: &str, line: usize, out: &mut Vec<String>) -> Result<(), InventoryError> {
    let bad = |m: String| InventoryError::syntax(line, format!("host range in '{pattern}': {m}"));
    let Some(open) = pattern.find('[') else {
        if pattern.contains(']') {
            return Err(bad("']' without '['".to_owned()));
        }
        if out.len() >= MAX_HOSTS {
            return Err(InventoryError::TooMany { line });
        }
        out.push(pattern.to_owned());
        return Ok(());
    };
    let close = pattern[open..]
        .find(']')
        .map(|c| open + c)
        .ok_or_else(|| bad("'[' without ']'".to_owned()))?;
    let (head, range, tail) = (
        &pattern[..open],
        &pattern[open + 1..close],
        &pattern[close + 1..],
    );
    let bounds: Vec<&str> = range.split(':').collect();
    if !(2..=3).contains(&bounds.len()) {
        return Err(bad("a range is [begin:end] or [begin:end:step]".to_owned()));
    }
    let (beg, end) = (
        if bounds[0].is_empty() { "0" } else { bounds[0] },
        bounds[1],
    );
    if end.is_empty() {
        return Err(bad("the range has no end".to_owned()));
    }
    let step: usize = match bounds.get(2) {
        None => 1,
        Some(s) => s
            .parse()
            .ok()
            .filter(|&s| s > 0)
            .ok_or_else(|| bad(format!("the step '{s}' is not a positive number")))?,
    };
    let letters: Vec<char> = ('a'..='z').chain('A'..='Z').collect();
    let letter = |s: &str| {
        let mut cs = s.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) => letters.iter().position(|&l| l == c),
            _ => None,
        }
    };
    let items: Vec<String> = match (letter(beg), letter(end)) {
        (Some(b), Some(e)) => {
            if b > e {
                return Err(bad(format!("'{beg}' comes after '{end}'")));
            }
            letters[b..=e]
                .iter()
                .step_by(step)
                .map(char::to_string)
                .collect()
        }
        _ => {
            let b: u64 = beg
                .parse()
                .map_err(|_| bad(format!("'{beg}' is not a number or a letter")))?;
            let e: u64 = end
                .parse()
                .map_err(|_| bad(format!("'{end}' is not a number or a letter")))?;
            if b > e {
                return Err(bad(format!("{beg} is above {end}")));
            }
            if (e - b) / step as u64 >= MAX_HOSTS as u64 {
                return Err(InventoryError::TooMany { line });
            }
            // A leading zero fixes the width: `[01:10]` is 01 … 10.
            let width = if beg.len() > 1 && beg.starts_with('0') {
                if beg.len() != end.len() {
                    return Err(bad(
                        "a range with leading zeros needs a begin and end of the same width"
                            .to_owned(),
                    ));
                }
                beg.len()
            } else {
                0
            };
            (b..=e)
                .step_by(step)
                .map(|n| format!("{n:0width$}"))
                .collect()
        }
    };
    for item in items {
        expand_into(&format!("{head}{item}{tail}"), line, out)?;
    }
    Ok(())
}

// ---- YAML ----------------------------------------------------------------

/// A group of a YAML inventory. Unknown keys are refused: a misspelt
/// `host:` would otherwise silently drop hosts from the fleet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlGroup {
    hosts: Option<Ordered<Option<Ordered<Value>>>>,
    vars: Option<Ordered<Value>>,
    children: Option<Ordered<Option<YamlGroup>>>,
}

/// A YAML mapping in document order, each key with its line.
#[derive(Debug)]
struct Ordered<V>(Vec<((String, usize), V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<serde_saphyr::Spanned<Key>>()? {
                    let v = map.next_value()?;
                    out.push(((k.value.0, k.referenced.line() as usize), v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

/// A mapping key: YAML reads `10.0.0.5` or `1234` as a number, but as an
/// inventory key it is a name.
#[derive(Debug)]
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Text(t) => Ok(Key(t)),
            Value::NotScalar => Err(de::Error::custom("a key must be a name")),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_owned()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::NotScalar)
            }
            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::NotScalar)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Value, D2::Error> {
                Value::deserialize(d)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Value::NotScalar)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Value, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Value::NotScalar)
            }
        }
        d.deserialize_any(ValueVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(hosts: &[InventoryHost]) -> Vec<&str> {
        hosts.iter().map(|h| h.name.as_str()).collect()
    }

    fn group(inv: &Inventory, g: &str) -> Vec<String> {
        inv.group_hosts(g)
            .expect("group")
            .iter()
            .map(|h| h.name.clone())
            .collect()
    }

    const INI: &str = "\
# the zone hosts
gz-lab ansible_host=10.0.0.9

[web]
web[01:03] ansible_user=zadmin
gz-a:2222

[db]
db-[a:c]
web02    # in two groups

[db:vars]
ansible_port=2200
ansible_user = \"dbadmin\"

[zones:children]
web
db

[zones:vars]
ansible_user=zones
ansible_port=22

[all:vars]
ansible_user=root
";

    #[test]
    fn ini_groups_children_ranges_and_vars() {
        let inv = Inventory::parse_ini(INI).expect("parse");
        assert_eq!(
            names(inv.hosts()),
            [
                "gz-lab", "web01", "web02", "web03", "gz-a", "db-a", "db-b", "db-c"
            ]
        );
        assert_eq!(group(&inv, "web"), ["web01", "web02", "web03", "gz-a"]);
        assert_eq!(group(&inv, "db"), ["web02", "db-a", "db-b", "db-c"]);
        assert_eq!(group(&inv, "zones").len(), 7);
        assert_eq!(group(&inv, UNGROUPED), ["gz-lab"]);
        assert_eq!(group(&inv, ALL).len(), 8);
        let ep = |h: &str| inv.host(h).expect(h).endpoint.clone();
        // all < zones < db (child) < host.
        assert_eq!(
            ep("gz-lab"),
            Endpoint {
                address: Some("10.0.0.9".into()),
                port: None,
                user: Some("root".into())
            }
        );
        assert_eq!(ep("db-a").port, Some(2200));
        assert_eq!(ep("db-a").user.as_deref(), Some("dbadmin"));
        assert_eq!(ep("web01").user.as_deref(), Some("zadmin"), "host vars win");
        assert_eq!(ep("gz-a").port, Some(2222), "host:PORT");
        assert_eq!(ep("gz-a").user.as_deref(), Some("zones"));
        // web02 is in web and db, both depth 2 under zones: db's port
        // (ASCII order: db before web, web has none) and its own user.
        assert_eq!(ep("web02").port, Some(2200));
        assert_eq!(ep("web02").user.as_deref(), Some("zadmin"));
        assert_eq!(inv.host("web01").expect("web01").line, 5);
    }

    #[test]
    fn same_level_groups_merge_in_ascii_order_unless_prioritised() {
        let text = "[a]\nh1\n[b]\nh1\n[a:vars]\nansible_user=ua\n[b:vars]\nansible_user=ub\n";
        let inv = Inventory::parse_ini(text).expect("parse");
        assert_eq!(inv.hosts()[0].endpoint.user.as_deref(), Some("ub"));
        let text = format!("{text}[a:vars]\nansible_group_priority=10\n");
        let inv = Inventory::parse_ini(&text).expect("parse");
        assert_eq!(inv.hosts()[0].endpoint.user.as_deref(), Some("ua"));
    }

    const YAML: &str = "\
all:
  hosts:
    gz-lab:
      ansible_host: 10.0.0.9
  vars:
    ansible_user: root
  children:
    zones:
      vars:
        ansible_port: 22
      children:
        web:
          hosts:
            web[01:03]:
              ansible_user: zadmin
            gz-a:
              ansible_port: 2222
        db:
          hosts:
            db-[a:c]:
            web02:
          vars:
            ansible_port: 2200
ungrouped:
  hosts:
    10.1.1.1:
";

    #[test]
    fn yaml_groups_children_ranges_and_vars() {
        let inv = Inventory::parse_yaml(YAML).expect("parse");
        assert_eq!(
            names(inv.hosts()),
            [
                "gz-lab", "web01", "web02", "web03", "gz-a", "db-a", "db-b", "db-c", "10.1.1.1"
            ]
        );
        assert_eq!(group(&inv, "zones").len(), 7);
        assert_eq!(group(&inv, UNGROUPED), ["gz-lab", "10.1.1.1"]);
        let ep = |h: &str| inv.host(h).expect(h).endpoint.clone();
        assert_eq!(ep("gz-lab").address.as_deref(), Some("10.0.0.9"));
        assert_eq!(ep("gz-lab").user.as_deref(), Some("root"));
        assert_eq!(ep("gz-a").port, Some(2222));
        assert_eq!(ep("web01").port, Some(22));
        assert_eq!(ep("db-b").port, Some(2200));
        assert_eq!(inv.host("gz-a").expect("gz-a").line, 16);
        // The same fleet as the INI form, host for host.
        let ini = Inventory::parse_ini(INI).expect("ini");
        for h in ["web01", "gz-a", "db-a"] {
            assert_eq!(ini.host(h).expect(h).endpoint.port, ep(h).port, "{h}");
        }
    }

    #[test]
    fn the_form_is_guessed_as_ansible_does() {
        assert_eq!(Format::guess("hosts.yml", ""), Format::Yaml);
        assert_eq!(Format::guess("inv", YAML), Format::Yaml);
        assert_eq!(Format::guess("inv", INI), Format::Ini);
        assert_eq!(Format::guess("inv", "[web]\nh\n"), Format::Ini);
        assert_eq!(Format::guess("inv", "gz1\n"), Format::Ini);
        assert_eq!(
            names(Inventory::parse("x.yaml", YAML).expect("yaml").hosts()).len(),
            9
        );
    }

    #[test]
    fn option_like_or_odd_host_names_are_refused_with_their_line() {
        for (text, line, host) in [
            (
                "[web]\ngz1\n-oProxyCommand=touch\n",
                3,
                "-oProxyCommand=touch",
            ),
            ("[web]\ngz1\n'-x'\n", 3, "-x"),
            ("gz1\n\"a b\"\n", 2, "a b"),
            ("[web]\nroot@gz1\n", 2, "root@gz1"),
            ("[web]\n..\n", 2, ".."),
        ] {
            let e = Inventory::parse_ini(text).expect_err(text);
            match &e {
                InventoryError::Host {
                    line: l, host: h, ..
                } => {
                    assert_eq!((*l, h.as_str()), (line, host), "{e}");
                }
                other => panic!("{text}: {other}"),
            }
            assert!(
                e.to_string().starts_with(&format!("line {line}: host '")),
                "{e}"
            );
        }
        let e = Inventory::parse_yaml("all:\n  hosts:\n    gz1:\n    -oProxyCommand=x:\n")
            .expect_err("refused");
        assert!(
            e.to_string()
                .starts_with("line 4: host '-oProxyCommand=x' is refused: "),
            "{e}"
        );
    }

    #[test]
    fn connection_variables_that_would_be_options_are_refused() {
        for (text, want) in [
            (
                "gz1 ansible_host=-oProxyCommand=x\n",
                "line 1: ansible_host of host 'gz1' is refused: ",
            ),
            (
                "gz1\n[all:vars]\nansible_user=-oX\n",
                "line 3: ansible_user of host 'gz1' is refused: ",
            ),
            (
                "gz1 ansible_port=ssh\n",
                "line 1: ansible_port of host 'gz1' is refused: 'ssh' is not a port number",
            ),
            (
                "gz1 ansible_port=0\n",
                "line 1: ansible_port of host 'gz1' is refused",
            ),
            ("gz1 ansible_port=70000\n", "line 1: ansible_port"),
        ] {
            let e = Inventory::parse_ini(text).expect_err(text);
            assert!(e.to_string().starts_with(want), "{text}: {e}");
        }
        let e = Inventory::parse_yaml("all:\n  hosts:\n    gz1:\n      ansible_host: [a, b]\n")
            .expect_err("list");
        assert_eq!(
            e.to_string(),
            "line 4: ansible_host of host 'gz1' is refused: not a single value"
        );
        let ok = Inventory::parse_ini("gz1 ansible_host=fe80::1 ansible_port=22\n").expect("v6");
        assert_eq!(ok.hosts()[0].endpoint.address.as_deref(), Some("fe80::1"));
    }

    #[test]
    fn malformed_inventories_say_where() {
        for (text, want) in [
            ("[web\n", "line 1: host range in '[web': '[' without ']'"),
            ("[web:hosts]\n", "line 1: section [web:hosts]"),
            ("[web]\ngz1 user\n", "line 2: expected key=value"),
            ("[web:vars]\njust-a-word\n", "line 2: expected key=value"),
            (
                "[web]\ngz[1:]\n",
                "line 2: host range in 'gz[1:]': the range has no end",
            ),
            (
                "[web]\ngz[3:1]\n",
                "line 2: host range in 'gz[3:1]': 3 is above 1",
            ),
            (
                "[web]\ngz[01:100]\n",
                "line 2: host range in 'gz[01:100]': a range with leading zeros",
            ),
            ("[web]\ngz[1:x]\n", "line 2: host range"),
            ("[web]\ngz[0:99999999]\n", "line 2: more than 100000 hosts"),
            (
                "[a:children]\nb\n[b:children]\na\n",
                "group 'a' is its own descendant",
            ),
            ("[web]\ngz1 x='unclosed\n", "line 2: no closing quotation"),
        ] {
            let e = Inventory::parse_ini(text).expect_err(text);
            assert!(e.to_string().starts_with(want), "{text}: {e}");
        }
        let e = Inventory::parse_yaml("all:\n  host:\n    gz1:\n").expect_err("typo");
        assert!(
            e.to_string().starts_with("line 2: unknown field `host`"),
            "{e}"
        );
    }

    #[test]
    fn ranges_expand_as_ansible_does() {
        let x = |p: &str| expand_ranges(p, 1).expect(p);
        assert_eq!(x("web[01:03]"), ["web01", "web02", "web03"]);
        assert_eq!(x("web[1:3]"), ["web1", "web2", "web3"]);
        assert_eq!(x("web[01:09:4]"), ["web01", "web05", "web09"]);
        assert_eq!(x("db-[a:c].x"), ["db-a.x", "db-b.x", "db-c.x"]);
        assert_eq!(x("[y:B]"), ["y", "z", "A", "B"]);
        assert_eq!(x("r[1:2]c[a:b]"), ["r1ca", "r1cb", "r2ca", "r2cb"]);
        assert_eq!(x("[:2]"), ["0", "1", "2"]);
        assert_eq!(x("plain"), ["plain"]);
        let inv = Inventory::parse_ini("[a:c]-gz\n").expect("a range-led host line");
        assert_eq!(names(inv.hosts()), ["a-gz", "b-gz", "c-gz"]);
    }

    proptest! {
        /// A numeric range gives end - begin + 1 names (stride 1), each with
        /// the begin's width when it has a leading zero, all distinct.
        #[test]
        fn numeric_ranges(b in 0u32..500, len in 0u32..50, pad in proptest::bool::ANY) {
            let e = b + len;
            let width = e.to_string().len() + 1;
            let (bs, es) = if pad {
                (format!("{b:0width$}"), format!("{e:0width$}"))
            } else {
                (b.to_string(), e.to_string())
            };
            let out = expand_ranges(&format!("h[{bs}:{es}]x"), 1).expect("expands");
            prop_assert_eq!(out.len() as u32, len + 1);
            let distinct: BTreeSet<&String> = out.iter().collect();
            prop_assert_eq!(distinct.len(), out.len());
            for name in &out {
                prop_assert!(validate_host_name(name).is_ok());
                if pad {
                    prop_assert_eq!(name.len(), width + 2);
                }
            }
        }

        /// No INI text makes the parser panic, and every host it accepts is
        /// a valid host name with a validated endpoint.
        #[test]
        fn any_ini_text_is_parsed_or_refused(text in "([\\[\\]a-z0-9:=#;'\" \\-._!]{0,20}\n){0,6}") {
            if let Ok(inv) = Inventory::parse_ini(&text) {
                for h in inv.hosts() {
                    prop_assert!(validate_host_name(&h.name).is_ok());
                    prop_assert!(h.endpoint.validate().is_ok());
                }
            }
        }
    }
}
