//! The typed zone configuration: what a command file sets up, after its
//! subcommands have been applied in order.
//!
//! zonecfg is a small state machine: `add RES` opens a resource scope, `set`
//! and `add PROP VALUE` fill it, `end` closes it, `select` reopens an
//! existing one, `remove`/`clear` take things away. [`ZoneConfig::from_document`]
//! replays a [`Document`] the same way, so a config written by hand (with
//! `select`, `remove`, `;`-separated one-liners) means what zonecfg would
//! make of it. Every property keeps the spans of the text that set it.
//!
//! Unknown resource types and properties are kept as they are: the model
//! knows the shape of the language, not a closed list of names.

use std::fmt::Write as _;

use crate::span::{Span, Spanned};

pub use crate::span::Text;
use crate::zonecfg::syntax::{self, Arg, Command, Document, ItemKind, SyntaxError, Value};

/// A property value with owned text and the spans it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropValue {
    Simple(Spanned<Text>),
    List {
        items: Vec<PropValue>,
        span: Span,
    },
    Complex {
        /// Boxed (16 bytes, not a `Vec`'s 24): built once, never grown.
        pairs: Box<[(Spanned<Text>, PropValue)]>,
        span: Span,
    },
}

impl PropValue {
    pub fn span(&self) -> Span {
        match self {
            PropValue::Simple(s) => s.span,
            PropValue::List { span, .. } | PropValue::Complex { span, .. } => *span,
        }
    }

    /// The text of a simple value, or of a one-element list (zonecfg treats
    /// `foo` and `[foo]` alike).
    pub fn as_simple(&self) -> Option<&Spanned<Text>> {
        match self {
            PropValue::Simple(s) => Some(s),
            PropValue::List { items, .. } if items.len() == 1 => items[0].as_simple(),
            _ => None,
        }
    }

    /// The members of a list, or the value itself as a one-element list.
    pub fn members(&self) -> Vec<&PropValue> {
        match self {
            PropValue::List { items, .. } => items.iter().collect(),
            other => vec![other],
        }
    }

    /// A value of a complex property by name (`limit` of `(priv=…,limit=…)`).
    pub fn field(&self, name: &str) -> Option<&PropValue> {
        match self {
            PropValue::Complex { pairs, .. } => {
                pairs.iter().find(|(n, _)| n.value == name).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}

/// `set NAME=VALUE` (or the list built by `add NAME VALUE` lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub name: Spanned<Text>,
    pub value: PropValue,
    /// The whole command(s) that set it.
    pub span: Span,
    /// `Some(which template)` when `create`'s template set it, not the file
    /// (see [`super::template`]); its spans then point at `create`. Boxed:
    /// a pointer's 8 bytes in every property, for the few a template adds.
    pub from_template: Option<Box<Text>>,
}

impl Property {
    pub fn simple(&self) -> Option<&Spanned<Text>> {
        self.value.as_simple()
    }
}

/// `add TYPE` … `end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The resource type (`net`, `anet`, `dataset`, `fs`, …).
    pub kind: Spanned<Text>,
    /// Boxed slices, not `Vec`s (16 bytes, not 24, and no spare room): a
    /// resource is filled while open and fixed at its `end`.
    pub props: Box<[Property]>,
    /// Nested resources (Solaris 11.3+ kernel zones: `mac`, `vlan` in `anet`).
    pub children: Box<[Resource]>,
    /// From `add`/`select` to `end`.
    pub span: Span,
    /// `Some(which template)` when `create`'s template added it, not the
    /// file (the automatic `anet net0`); its spans then point at `create`.
    pub from_template: Option<Box<Text>>,
}

impl Resource {
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name.value == name)
    }

    /// The text of a simple-valued property.
    pub fn simple(&self, name: &str) -> Option<&Spanned<Text>> {
        self.get(name)?.simple()
    }
}

fn set_prop(props: &mut Vec<Property>, prop: Property) {
    match props.iter_mut().find(|p| p.name.value == prop.name.value) {
        Some(old) => *old = prop,
        None => props.push(prop),
    }
}

/// How the file began: `create [-F] [-b | -t TEMPLATE | -a PATH] [-X]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Create {
    pub span: Span,
    /// `-b`: start from nothing (every export says so).
    pub blank: bool,
    /// `-t TEMPLATE`; `None` with `blank == false` means the default template.
    pub template: Option<Spanned<Text>>,
    /// `-a PATH`: configure from a detached zonepath.
    pub attach_path: Option<Spanned<Text>>,
    pub force: bool,
}

/// Something read leniently that real zonecfg may not read back (`Z90`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quirk {
    pub span: Span,
    pub check: crate::diagnostic::Check,
    pub message: String,
    pub help: String,
}

/// A subcommand that is well-formed text but makes no sense where it stands.
pub type ModelError = SyntaxError;

/// A zone's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZoneConfig {
    pub create: Option<Create>,
    pub globals: Vec<Property>,
    pub resources: Vec<Resource>,
    /// `remove TYPE …` that matched nothing written here: it removes from a
    /// template (e.g. `remove anet` after `create -t SYSsolaris10`).
    pub template_removals: Vec<Spanned<Text>>,
    pub quirks: Vec<Quirk>,
    /// `create`'s default template was applied (by
    /// [`super::template::resolve`]) on an assumed release, because no
    /// capture's `uname -v` said which release the zone is for.
    pub template_assumed: bool,
    /// The whole text.
    pub span: Span,
}

/// Parses a command file into a configuration: syntax, then semantics.
///
/// The syntax items are streamed into the model one by one rather than
/// collected into a [`Document`] first, so peak memory is the model's, not
/// the model's plus a whole syntax tree.
pub fn parse(src: &str) -> Result<ZoneConfig, SyntaxError> {
    let doc = Document {
        src,
        items: Vec::new(),
    };
    let mut b = Builder::new(&doc);
    for item in syntax::items(src) {
        if let ItemKind::Command(c) = item?.kind {
            b.command(c)?;
        }
    }
    b.finish()
}

/// A resource being filled, and where it goes back on `end`.
struct Open {
    /// Its kind, spans and origin; `props` and `children` are empty while
    /// it is open and filled from the two below at `end`.
    res: Resource,
    props: Vec<Property>,
    children: Vec<Resource>,
    /// `Some(i)`: reopened by `select` from position `i` of its parent.
    from: Option<usize>,
}

impl Open {
    /// `res` opened (by `add`, or reopened by `select` from position `from`).
    fn new(mut res: Resource, from: Option<usize>) -> Self {
        Open {
            props: std::mem::take(&mut res.props).into_vec(),
            children: std::mem::take(&mut res.children).into_vec(),
            res,
            from,
        }
    }
}

struct Builder<'d, 'a> {
    doc: &'d Document<'a>,
    cfg: ZoneConfig,
    stack: Vec<Open>,
    /// Elements scanned so far by `set`, `add`, `clear`, `select` and
    /// `remove` (each looks through the open resource's properties or the
    /// zone's resources), and how many the input may cost: see [`WORK_PER_BYTE`].
    work: u64,
    budget: u64,
}

/// How many property or resource comparisons one byte of input may cost.
///
/// zonecfg's commands find what they change by scanning: `set` the open
/// resource's properties, `select` and `remove` every resource. A real
/// configuration has tens of resources of a few properties each, so this
/// never binds; a crafted file of 50,000 distinct `set`s in one resource, or
/// 10,000 `select`s of 10,000 resources, would otherwise take time
/// quadratic in its size (seconds per megabyte, hours for the largest file
/// read). Past the budget the file is refused with a `Z00` at the command
/// that exceeded it, so the time any input can take grows with its size.
pub const WORK_PER_BYTE: u64 = 16;

/// The budget's constant part: small files are never refused for it.
const WORK_FLOOR: u64 = 1_000_000;

fn err(span: Span, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        span,
        message: message.into(),
    }
}

impl<'d, 'a> Builder<'d, 'a> {
    fn new(doc: &'d Document<'a>) -> Self {
        Builder {
            doc,
            cfg: ZoneConfig {
                span: Span::new(0, doc.src.len()),
                ..ZoneConfig::default()
            },
            stack: Vec::new(),
            work: 0,
            budget: WORK_FLOOR.saturating_add(WORK_PER_BYTE.saturating_mul(doc.src.len() as u64)),
        }
    }

    /// What `cmd` will scan: the open resource's properties (and, for an
    /// in-resource `remove`, a list's members), or the zone's globals or
    /// resources.
    fn scan_cost(&self, name: &str) -> usize {
        match (name, self.stack.last()) {
            ("set" | "add" | "clear", Some(open)) => open.props.len(),
            ("remove", Some(open)) => open
                .props
                .iter()
                .map(|p| match &p.value {
                    PropValue::List { items, .. } => 1 + items.len(),
                    _ => 1,
                })
                .sum(),
            ("set" | "clear", None) => self.cfg.globals.len(),
            ("select" | "remove", None) => self.cfg.resources.len(),
            _ => 0,
        }
    }

    /// The configuration, once every command was applied.
    fn finish(self) -> Result<ZoneConfig, SyntaxError> {
        if let Some(open) = self.stack.last() {
            return Err(err(
                open.res.kind.span,
                format!(
                    "expected 'end' to close this {} resource before the end of the input",
                    open.res.kind.value
                ),
            ));
        }
        Ok(self.cfg)
    }
}

impl ZoneConfig {
    pub fn from_document(doc: &Document<'_>) -> Result<Self, SyntaxError> {
        let mut b = Builder::new(doc);
        for item in &doc.items {
            if let ItemKind::Command(c) = &item.kind {
                b.command(c.clone())?;
            }
        }
        b.finish()
    }

    /// A global property.
    pub fn global(&self, name: &str) -> Option<&Property> {
        self.globals.iter().find(|p| p.name.value == name)
    }

    /// The text of a simple-valued global property.
    pub fn global_simple(&self, name: &str) -> Option<&Spanned<Text>> {
        self.global(name)?.simple()
    }

    pub fn zonepath(&self) -> Option<&Spanned<Text>> {
        self.global_simple("zonepath")
    }

    pub fn brand(&self) -> Option<&Spanned<Text>> {
        self.global_simple("brand")
    }

    /// `ip-type` as written (`exclusive` or `shared`).
    pub fn ip_type(&self) -> Option<&Spanned<Text>> {
        self.global_simple("ip-type")
    }

    /// Resources of one type, in file order.
    pub fn resources_of<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Resource> + 's {
        self.resources.iter().filter(move |r| r.kind.value == kind)
    }

    /// The configuration as `zonecfg export` would print it, with values
    /// quoted wherever the lexer needs it (so the Solaris 11.1 bootargs bug
    /// cannot recur). Two configurations are the same iff their exports are.
    pub fn export(&self) -> String {
        let mut out = String::new();
        match &self.create {
            Some(c) if !c.blank => {
                out.push_str("create");
                if let Some(t) = &c.template {
                    let _ = write!(out, " -t {}", quote(&t.value));
                }
                out.push('\n');
            }
            _ => out.push_str("create -b\n"),
        }
        for r in &self.template_removals {
            let _ = writeln!(out, "remove {}", r.value);
        }
        // What the template added is the template's: `create` above brings
        // it back, so printing it would add it twice.
        for p in self.globals.iter().filter(|p| p.from_template.is_none()) {
            write_set(&mut out, p, 0);
        }
        for r in self.resources.iter().filter(|r| r.from_template.is_none()) {
            write_resource(&mut out, r, 0);
        }
        out
    }
}

fn write_set(out: &mut String, p: &Property, depth: usize) {
    let indent = "\t".repeat(depth);
    match &p.value {
        // List-valued resource properties are exported as one `add` per
        // member (illumos export_func does so for fs options and rctl values).
        PropValue::List { items, .. } if depth > 0 && !items.is_empty() => {
            for item in items {
                let _ = writeln!(out, "{indent}add {} {}", p.name.value, render_value(item));
            }
        }
        v => {
            let _ = writeln!(out, "{indent}set {}={}", p.name.value, render_value(v));
        }
    }
}

fn write_resource(out: &mut String, r: &Resource, depth: usize) {
    let indent = "\t".repeat(depth);
    let _ = writeln!(out, "{indent}add {}", r.kind.value);
    for p in &r.props {
        write_set(out, p, depth + 1);
    }
    for c in &r.children {
        write_resource(out, c, depth + 1);
    }
    let _ = writeln!(out, "{indent}end");
}

/// Quotes a simple value when the lexer would otherwise split it.
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            !matches!(
                c,
                ' ' | '\t' | '\r' | '\n' | '"' | ';' | '=' | '[' | ']' | '(' | ')' | ','
            )
        });
    if plain {
        s.to_owned()
    } else {
        format!("\"{s}\"")
    }
}

fn render_value(v: &PropValue) -> String {
    match v {
        PropValue::Simple(s) => quote(&s.value),
        PropValue::List { items, .. } => {
            let inner: Vec<String> = items.iter().map(render_value).collect();
            format!("[{}]", inner.join(","))
        }
        PropValue::Complex { pairs, .. } => {
            let inner: Vec<String> = pairs
                .iter()
                .map(|(n, v)| format!("{}={}", n.value, render_value(v)))
                .collect();
            format!("({})", inner.join(","))
        }
    }
}

impl Builder<'_, '_> {
    fn text(&self, span: Span) -> Text {
        Text::from(self.doc.text(span))
    }

    /// The model of a syntax value, consuming it: a long list's syntax
    /// members are dropped as their model is built (the two vectors are the
    /// same size, so the list's is reused in place), instead of the whole
    /// syntax list and the whole model list being held at once.
    fn value(&self, v: Value) -> PropValue {
        match v {
            Value::Simple { span, text, .. } => {
                PropValue::Simple(Spanned::new(self.text(text), span))
            }
            Value::List { span, items } => PropValue::List {
                items: items.into_iter().map(|i| self.value(i)).collect(),
                span,
            },
            Value::Complex { span, pairs } => PropValue::Complex {
                pairs: pairs
                    .into_vec()
                    .into_iter()
                    .map(|(n, v)| (Spanned::new(self.text(n), n), self.value(v)))
                    .collect(),
                span,
            },
        }
    }

    /// A bare word argument (flag, resource type, property name).
    fn word(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        what: &str,
    ) -> Result<Spanned<Text>, SyntaxError> {
        match arg {
            Some(Arg::Value(Value::Simple { text, .. })) => {
                Ok(Spanned::new(self.text(*text), *text))
            }
            Some(other) => Err(err(other.span(), format!("expected {what}"))),
            None => Err(err(
                Span::at(cmd.span.end()),
                format!("expected {what} after '{}'", self.doc.text(cmd.name)),
            )),
        }
    }

    fn no_more(&self, cmd: &Command, from: usize) -> Result<(), SyntaxError> {
        match cmd.args.get(from) {
            Some(a) => Err(err(
                a.span(),
                format!(
                    "unexpected '{}' after '{}'",
                    self.doc.text(a.span()),
                    self.doc.text(cmd.name)
                ),
            )),
            None => Ok(()),
        }
    }

    fn command(&mut self, cmd: Command) -> Result<(), SyntaxError> {
        let cmd = &mut { cmd };
        let name = self.doc.text(cmd.name);
        self.work = self.work.saturating_add(self.scan_cost(name) as u64);
        if self.work > self.budget {
            return Err(err(
                cmd.name,
                format!(
                    "this configuration is too costly to read: its set/select/remove commands scan {} properties or resources, more than {WORK_PER_BYTE} per byte of input (a real configuration needs a few)",
                    self.work
                ),
            ));
        }
        match name {
            "create" => self.create(cmd),
            "set" => self.set(cmd),
            "add" => self.add(cmd),
            "end" => {
                self.no_more(cmd, 0)?;
                self.end(cmd)
            }
            "cancel" => {
                self.no_more(cmd, 0)?;
                self.stack.pop().map(|_| ()).ok_or_else(|| {
                    err(
                        cmd.name,
                        "'cancel' outside a resource: there is nothing to cancel",
                    )
                })
            }
            "select" => self.select(cmd),
            "remove" => self.remove(cmd),
            "clear" => {
                let prop = self.word(cmd, cmd.args.first(), "a property name")?;
                self.no_more(cmd, 1)?;
                match self.stack.last_mut() {
                    Some(open) => open.props.retain(|p| p.name.value != prop.value),
                    None => self.cfg.globals.retain(|p| p.name.value != prop.value),
                }
                Ok(())
            }
            // Commands that do not change the configuration.
            _ => Ok(()),
        }
    }

    fn create(&mut self, cmd: &Command) -> Result<(), SyntaxError> {
        if !self.stack.is_empty() {
            return Err(err(
                cmd.name,
                "'create' inside a resource: 'end' the resource first",
            ));
        }
        let mut c = Create {
            span: cmd.span,
            blank: false,
            template: None,
            attach_path: None,
            force: false,
        };
        let mut args = cmd.args.iter();
        while let Some(a) = args.next() {
            let flag = self.word(cmd, Some(a), "a flag (-b, -F, -t TEMPLATE, -a PATH)")?;
            let Some(letters) = flag.value.strip_prefix('-').filter(|l| !l.is_empty()) else {
                return Err(err(
                    flag.span,
                    format!(
                        "unexpected '{}': create takes -b, -F, -t TEMPLATE or -a PATH",
                        flag.value
                    ),
                ));
            };
            for l in letters.chars() {
                match l {
                    'b' => c.blank = true,
                    'F' => c.force = true,
                    'X' => {}
                    't' | 'a' => {
                        let v = self.word(
                            cmd,
                            args.next(),
                            if l == 't' {
                                "a template name"
                            } else {
                                "a path"
                            },
                        )?;
                        if l == 't' {
                            c.template = Some(v)
                        } else {
                            c.attach_path = Some(v)
                        }
                    }
                    _ => return Err(err(flag.span, format!("unknown create flag '-{l}'"))),
                }
            }
        }
        self.cfg.create = Some(c);
        Ok(())
    }

    fn set(&mut self, cmd: &mut Command) -> Result<(), SyntaxError> {
        let Some(Arg::Assign { name, value, .. }) = cmd.args.first_mut() else {
            let at = cmd.args.first().map_or(Span::at(cmd.span.end()), Arg::span);
            return Err(err(at, "expected NAME=VALUE after 'set'"));
        };
        let name = *name;
        let value_span = value.span();
        let unquoted = match value {
            Value::Simple {
                text,
                quoted: false,
                ..
            } => Some(*text),
            _ => None,
        };
        // Taken out of the command, so its syntax is dropped as the model
        // is built (see `value`).
        let value = std::mem::replace(
            value,
            Value::Simple {
                span: value_span,
                text: value_span,
                quoted: false,
            },
        );
        let prop_name = self.text(name);
        let mut v = self.value(value);
        if let Some(extra) = cmd.args.get(1) {
            if !self.stack.is_empty() {
                return Err(err(
                    extra.span(),
                    format!(
                        "unexpected '{}': quote values that contain blanks",
                        self.doc.text(extra.span())
                    ),
                ));
            }
            // Solaris 11.1 prints global properties raw, so `bootargs` with
            // blanks comes out unquoted: the value runs to the end.
            let span = Span::new(value_span.start(), cmd.span.end());
            let raw = self.text(span);
            self.cfg.quirks.push(Quirk {
                span,
                check: crate::diagnostic::Check::ExportQuirk,
                message: format!("{prop_name} value with blanks is not quoted (Solaris 11.1 export bug); read as \"{raw}\""),
                help: format!("quote it: set {prop_name}=\"{raw}\""),
            });
            v = PropValue::Simple(Spanned::new(raw, span));
        } else if let Some(text) = unquoted {
            let raw = self.doc.text(text);
            if raw.contains(['=', '(', ')', ',']) && !raw.contains(['[']) && raw.contains('=') {
                self.cfg.quirks.push(Quirk {
                    span: text,
                    check: crate::diagnostic::Check::ExportQuirk,
                    message: format!("{prop_name} value '{raw}' contains '=' unquoted; zonecfg reports a syntax error when reading it back"),
                    help: format!("quote it: set {prop_name}=\"{raw}\""),
                });
            }
        }
        let prop = Property {
            name: Spanned::new(prop_name, name),
            value: v,
            span: cmd.span,
            from_template: None,
        };
        match self.stack.last_mut() {
            Some(open) => set_prop(&mut open.props, prop),
            None => set_prop(&mut self.cfg.globals, prop),
        }
        Ok(())
    }

    fn add(&mut self, cmd: &mut Command) -> Result<(), SyntaxError> {
        let what = self.word(cmd, cmd.args.first(), "a resource type or property name")?;
        match (cmd.args.get(1), self.stack.last_mut()) {
            // `add options ro`, `add value (priv=…)`: append to a list property.
            (Some(Arg::Value(_)), Some(_)) => {
                self.no_more(cmd, 2)?;
                let Some(Arg::Value(v)) = cmd.args.pop() else {
                    unreachable!("the second of two arguments, a value");
                };
                let member = self.value(v);
                let open = self.stack.last_mut().expect("checked above");
                match open.props.iter_mut().find(|p| p.name.value == what.value) {
                    Some(p) => {
                        p.span = p.span.cover(cmd.span);
                        match &mut p.value {
                            PropValue::List { items, span } => {
                                *span = span.cover(member.span());
                                items.push(member);
                            }
                            old => {
                                let span = old.span().cover(member.span());
                                let first = std::mem::replace(
                                    old,
                                    PropValue::List {
                                        items: Vec::new(),
                                        span,
                                    },
                                );
                                *old = PropValue::List {
                                    items: vec![first, member],
                                    span,
                                };
                            }
                        }
                    }
                    None => {
                        let span = member.span();
                        open.props.push(Property {
                            name: what,
                            value: PropValue::List {
                                items: vec![member],
                                span,
                            },
                            span: cmd.span,
                            from_template: None,
                        });
                    }
                }
                Ok(())
            }
            (Some(other), _) => Err(err(
                other.span(),
                format!(
                    "unexpected '{}' after 'add {}'",
                    self.doc.text(other.span()),
                    what.value
                ),
            )),
            (None, _) => {
                if self.stack.len() >= 2 {
                    return Err(err(
                        what.span,
                        "resources nest at most one level (e.g. 'mac' inside 'anet')",
                    ));
                }
                self.stack.push(Open::new(
                    Resource {
                        kind: what,
                        props: Box::default(),
                        children: Box::default(),
                        span: cmd.span,
                        from_template: None,
                    },
                    None,
                ));
                Ok(())
            }
        }
    }

    fn end(&mut self, cmd: &Command) -> Result<(), SyntaxError> {
        let Some(mut open) = self.stack.pop() else {
            return Err(err(
                cmd.name,
                "'end' outside a resource: there is no 'add' or 'select' to end",
            ));
        };
        open.res.span = open.res.span.cover(cmd.span);
        // Exact size (the first push gave room for four properties; a file
        // of many small resources, `add net; set physical=…; end`, paid for
        // three unused ones each).
        open.res.props = open.props.into_boxed_slice();
        open.res.children = open.children.into_boxed_slice();
        let siblings = match self.stack.last_mut() {
            Some(parent) => &mut parent.children,
            None => &mut self.cfg.resources,
        };
        match open.from {
            // A selected resource goes back into the hole it left.
            Some(i) if i < siblings.len() => siblings[i] = open.res,
            _ => siblings.push(open.res),
        }
        Ok(())
    }

    /// `PROP=VALUE` selectors of `select`/`remove`, from argument `from` on.
    fn selectors(&self, cmd: &Command, from: usize) -> Result<Vec<(String, String)>, SyntaxError> {
        cmd.args[from.min(cmd.args.len())..]
            .iter()
            .map(|a| match a {
                Arg::Assign { name, value, .. } => Ok((
                    self.doc.text(*name).to_owned(),
                    self.doc.text(self.value_text(value)).to_owned(),
                )),
                Arg::Value(Value::Simple { text, .. }) => {
                    Ok(("id".to_owned(), self.doc.text(*text).to_owned()))
                }
                other => Err(err(other.span(), "expected PROPERTY=VALUE")),
            })
            .collect()
    }

    fn value_text(&self, v: &Value) -> Span {
        match v {
            Value::Simple { text, .. } => *text,
            other => other.span(),
        }
    }

    fn matches(res: &Resource, kind: &str, sel: &[(String, String)]) -> bool {
        res.kind.value == kind
            && sel
                .iter()
                .all(|(k, v)| res.simple(k).is_some_and(|s| s.value == *v))
    }

    fn template_based(&self) -> bool {
        self.cfg.create.as_ref().is_none_or(|c| !c.blank)
    }

    fn select(&mut self, cmd: &Command) -> Result<(), SyntaxError> {
        if !self.stack.is_empty() {
            return Err(err(
                cmd.name,
                "'select' inside a resource: 'end' the resource first",
            ));
        }
        let kind = self.word(cmd, cmd.args.first(), "a resource type")?;
        let sel = self.selectors(cmd, 1)?;
        let found: Vec<usize> = (0..self.cfg.resources.len())
            .filter(|&i| Self::matches(&self.cfg.resources[i], &kind.value, &sel))
            .collect();
        match found.as_slice() {
            [i] => {
                // Taken out in place, not removed: `end` puts it back at the
                // same index (nothing else touches the top level while a
                // selected resource is open), so 10,000 selects of 10,000
                // resources move no resource more than twice.
                let hole = Resource {
                    kind: Spanned::new(Text::new(), cmd.span),
                    props: Box::default(),
                    children: Box::default(),
                    span: cmd.span,
                    from_template: None,
                };
                let res = std::mem::replace(&mut self.cfg.resources[*i], hole);
                self.stack.push(Open::new(res, Some(*i)));
                Ok(())
            }
            [] if self.template_based() => {
                // The resource comes from the template: model what the file
                // says of it.
                let props = sel
                    .into_iter()
                    .filter(|(k, _)| k != "id")
                    .map(|(k, v)| Property {
                        name: Spanned::new(k.into(), cmd.span),
                        value: PropValue::Simple(Spanned::new(v.into(), cmd.span)),
                        span: cmd.span,
                        from_template: None,
                    })
                    .collect();
                self.stack.push(Open::new(
                    Resource {
                        kind,
                        props,
                        children: Box::default(),
                        span: cmd.span,
                        from_template: None,
                    },
                    None,
                ));
                Ok(())
            }
            [] => Err(err(
                cmd.span,
                format!("no {} resource matches this selection", kind.value),
            )),
            _ => Err(err(
                cmd.span,
                format!(
                    "more than one {} resource matches this selection",
                    kind.value
                ),
            )),
        }
    }

    fn remove(&mut self, cmd: &Command) -> Result<(), SyntaxError> {
        if let Some(open) = self.stack.last_mut() {
            // `remove PROP VALUE` inside a resource: drop one list member.
            let (Some(Arg::Value(Value::Simple { text, .. })), Some(Arg::Value(v))) =
                (cmd.args.first(), cmd.args.get(1))
            else {
                return Err(err(
                    cmd.span,
                    "expected 'remove PROPERTY VALUE' inside a resource",
                ));
            };
            let prop = self.doc.text(*text);
            let want = self.doc.text(v.span());
            let doc = self.doc;
            if let Some(p) = open.props.iter_mut().find(|p| p.name.value == prop)
                && let PropValue::List { items, .. } = &mut p.value
            {
                items.retain(|i| doc.text(i.span()) != want);
            }
            return Ok(());
        }
        let first = match cmd.args.first() {
            Some(Arg::Value(Value::Simple { text, .. })) if self.doc.text(*text) == "-F" => 1,
            _ => 0,
        };
        let kind = self.word(cmd, cmd.args.get(first), "a resource type")?;
        let sel = self.selectors(cmd, first + 1)?;
        let before = self.cfg.resources.len();
        self.cfg
            .resources
            .retain(|r| !Self::matches(r, &kind.value, &sel));
        if self.cfg.resources.len() == before {
            if !self.template_based() {
                return Err(err(
                    cmd.span,
                    format!("no {} resource matches this selection", kind.value),
                ));
            }
            self.cfg.template_removals.push(kind);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_of_a_compliant_zone() {
        let src = "create -b\nset brand=solaris\nset zonepath=/zones/www\nset autoboot=true\nset ip-type=exclusive\n\
                   add net\nset physical=www0\nend\nadd dataset\nset name=pool1/www/pool1\nset alias=pool1\nend\n";
        let cfg = parse(src).expect("parses");
        assert_eq!(cfg.zonepath().map(|s| s.value.as_str()), Some("/zones/www"));
        assert_eq!(cfg.ip_type().map(|s| s.value.as_str()), Some("exclusive"));
        let net = cfg.resources_of("net").next().expect("net");
        assert_eq!(
            net.simple("physical").map(|s| &src[s.span.range()]),
            Some("www0")
        );
        assert_eq!(cfg.resources_of("dataset").count(), 1);
        assert!(cfg.quirks.is_empty());
        // The canonical export of an export is itself (modulo indentation).
        let again = parse(&cfg.export()).expect("export parses");
        assert_eq!(again.export(), cfg.export());
    }

    #[test]
    fn list_adds_select_remove_clear() {
        let src = "create -b\nadd fs\nset dir=/data\nadd options ro\nadd options nodevices\nend\n\
                   add net\nset physical=a0\nend\nadd net\nset physical=b0\nend\n\
                   select net physical=a0\nset defrouter=10.0.0.1\nend\nremove net physical=b0\nset pool=p\nclear pool\n";
        let cfg = parse(src).expect("parses");
        let fs = cfg.resources_of("fs").next().expect("fs");
        let opts: Vec<_> = fs
            .get("options")
            .expect("options")
            .value
            .members()
            .iter()
            .filter_map(|m| m.as_simple())
            .map(|s| s.value.clone())
            .collect();
        assert_eq!(opts, ["ro", "nodevices"]);
        let nets: Vec<_> = cfg.resources_of("net").collect();
        assert_eq!(nets.len(), 1);
        assert_eq!(
            nets[0].simple("defrouter").map(|s| s.value.as_str()),
            Some("10.0.0.1")
        );
        assert!(cfg.global("pool").is_none());
    }

    #[test]
    fn bootargs_bug_is_read_leniently() {
        let cfg = parse("create -b\nset bootargs=-m verbose\n").expect("parses");
        assert_eq!(
            cfg.global_simple("bootargs").map(|s| s.value.as_str()),
            Some("-m verbose")
        );
        assert_eq!(cfg.quirks.len(), 1);
        assert!(cfg.export().contains("set bootargs=\"-m verbose\""));
    }

    #[test]
    fn semantic_errors_point_at_the_command() {
        let e = parse("create -b\nend\n").expect_err("end outside");
        assert_eq!(e.span, Span::new(10, 13));
        let e = parse("create -b\nadd net\nset physical=a0\n").expect_err("no end");
        assert!(e.message.contains("expected 'end'"), "{}", e.message);
        let e = parse("add net\nset physical=a b\nend\n").expect_err("blank in resource value");
        assert!(e.message.contains("quote values"), "{}", e.message);
        let e = parse("create -b\nremove net physical=x\n").expect_err("nothing to remove");
        assert!(e.message.contains("no net resource"), "{}", e.message);
        assert!(parse("create -q\n").is_err());
    }

    #[test]
    fn template_selections_are_kept() {
        let cfg = parse("create -t SYSsolaris10\nremove anet\nselect net physical=e0\nset address=1.2.3.4\nend\n").expect("parses");
        assert_eq!(cfg.template_removals.len(), 1);
        let net = cfg.resources_of("net").next().expect("net");
        assert_eq!(net.simple("physical").map(|s| s.value.as_str()), Some("e0"));
    }
}
