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
//!
//! How it is stored is shaped by the largest files `zrules check` reads
//! (`zrules/benches/memory.rs`): the configuration holds its source text,
//! shared with the caller, and every name and value is a 12-byte `Str`
//! saying where in it the text is; resources are 32-byte rows of one
//! vector, their properties runs of one property table. A file of a
//! million `add net` blocks is then about twice its size in memory, where
//! owned strings and a vector per resource made it six times. Rules and
//! zgen read it through views ([`Resource`], [`Property`], [`PropValue`])
//! that borrow the configuration and hand out `&str`.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::span::{Span, Spanned};

pub use crate::span::Text;
use crate::zonecfg::syntax::{self, Arg, Command, Document, ItemKind, Pair, SyntaxError, Value};

/// A text of the model: where it stands in the configuration's source, and
/// how to read it there.
///
/// Names and values are not copied out of the file: a 12-byte `Str` says
/// which bytes they are (a quoted value's without its quotes). Only text
/// the file does not contain (a template default, an expanded token) is
/// held, once, in the configuration's `owned` list. A file of a million
/// small resources holds the file once and 12 bytes per text, not a
/// 24-byte owned string with its span per text (`zrules/benches/memory.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Str {
    span: Span,
    /// [`VERBATIM`], [`QUOTED`], or `OWNED + i` for `owned[i]`.
    at: u32,
}

/// The text is the span's bytes.
const VERBATIM: u32 = 0;
/// The text is the span's bytes without the first and last (the quotes:
/// zonecfg's lexer has no escapes inside `"…"`, see `syntax.rs`).
const QUOTED: u32 = 1;
const OWNED: u32 = 2;

impl Str {
    /// A simple value as written at `span`, quoted or not.
    fn written(span: Span, quoted: bool) -> Self {
        Str {
            span,
            at: if quoted { QUOTED } else { VERBATIM },
        }
    }

    fn verbatim(span: Span) -> Self {
        Str { span, at: VERBATIM }
    }

    /// Made by the model, not read from the file.
    fn is_owned(self) -> bool {
        self.at >= OWNED
    }
}

/// The text of `s`, read from `src` or from `owned`.
fn resolve<'a>(src: &'a str, owned: &'a [Text], s: Str) -> &'a str {
    match s.at {
        VERBATIM => &src[s.span.range()],
        QUOTED => &src[s.span.start() + 1..s.span.end() - 1],
        i => &owned[(i - OWNED) as usize],
    }
}

/// A property value as stored: 16 bytes, lists and complex values boxed
/// (most values are simple).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Simple(Str),
    List(Box<ListVal>),
    /// `(name=value,…)`: the syntax's pairs, moved rather than copied
    /// (a list of a million rctl values then costs no allocation beyond
    /// the syntax's). zonecfg's complex values hold only simple values
    /// (`syntax::pair_value`). The parentheses' span is found in the
    /// source when asked for ([`Val::span`]), not stored.
    Complex(Box<[Pair]>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ListVal {
    span: Span,
    items: Vec<Val>,
}

impl Val {
    /// Where the value is in `src`, the configuration's source.
    fn span(&self, src: &str) -> Span {
        match self {
            Val::Simple(s) => s.span,
            Val::List(l) => l.span,
            Val::Complex(c) => complex_span(src, c),
        }
    }
}

/// The span of a complex value, `(` to `)`, from its pairs: the syntax puts
/// only blanks between the parentheses and the first name and last value.
fn complex_span(src: &str, pairs: &[Pair]) -> Span {
    let (Some(first), Some(last)) = (pairs.first(), pairs.last()) else {
        return Span::default();
    };
    let before = &src[..first.name.start()];
    let open = before
        .trim_end_matches([' ', '\t', '\r'])
        .len()
        .saturating_sub(1);
    let after = &src[last.value.end()..];
    let close =
        last.value.end() + (after.len() - after.trim_start_matches([' ', '\t', '\r']).len()) + 1;
    Span::new(open, close.min(src.len()))
}

/// The name/value pairs of a complex value (see [`Val::Complex`]).
fn pairs(c: &[Pair]) -> impl Iterator<Item = (Str, Str)> + '_ {
    c.iter()
        .map(|p| (Str::verbatim(p.name), Str::written(p.value, p.quoted)))
}

/// `set NAME=VALUE` (or the list built by `add NAME VALUE` lines), as
/// stored. A property the template added is the only kind whose name the
/// file does not contain, so its origin needs no field of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PropRow {
    name: Str,
    value: Val,
    /// The whole command(s) that set it.
    span: Span,
}

/// `add TYPE` … `end`, as stored: 32 bytes. As with properties, a
/// resource the template added is the one whose type is not read from the
/// file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ResRow {
    kind: Str,
    /// From `add`/`select` to `end`.
    span: Span,
    /// Its properties: a run of the configuration's one property table,
    /// not a vector of its own (no allocation, header or spare room per
    /// resource: a file of a million small resources paid for each).
    props: Run,
    /// Nested resources (Solaris 11.3+ kernel zones: `mac`, `vlan` in
    /// `anet`): rare, so an index into the configuration's `nested` lists.
    children: u32,
}

/// A run of the property table: `len` properties from `start`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Run {
    start: u32,
    len: u32,
}

impl Run {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// An index or count of the model's tables as stored: they hold fewer than
/// 2^32 entries, as the file they come from is at most 64 MiB.
fn index32(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 entries in a table of the model")
}

/// [`ResRow::children`] of a resource without nested resources.
const NO_CHILDREN: u32 = u32::MAX;

impl ResRow {
    /// A resource without properties or children yet.
    fn new(kind: Str, span: Span) -> Self {
        ResRow {
            kind,
            span,
            props: Run::default(),
            children: NO_CHILDREN,
        }
    }
}

/// What a property's place in the table holds once its resource was taken
/// out of it (reopened by `select`, or removed) until the table is compacted.
const VACATED: PropRow = PropRow {
    name: Str {
        span: Span::at(0),
        at: VERBATIM,
    },
    value: Val::Simple(Str {
        span: Span::at(0),
        at: VERBATIM,
    }),
    span: Span::at(0),
};

/// A property value, read through its configuration.
#[derive(Clone, Copy, Debug)]
pub struct PropValue<'a> {
    cfg: &'a ZoneConfig,
    val: ValRef<'a>,
}

/// A stored value, or a field of a complex one (stored as a bare text).
#[derive(Clone, Copy, Debug)]
enum ValRef<'a> {
    Stored(&'a Val),
    Field(Str),
}

impl<'a> PropValue<'a> {
    pub fn span(&self) -> Span {
        match self.val {
            ValRef::Stored(v) => v.span(&self.cfg.src),
            ValRef::Field(s) => s.span,
        }
    }

    /// The text of a simple value, or of a one-element list (zonecfg treats
    /// `foo` and `[foo]` alike).
    pub fn as_simple(&self) -> Option<Spanned<&'a str>> {
        match self.val {
            ValRef::Stored(&Val::Simple(s)) | ValRef::Field(s) => Some(self.cfg.spanned(s)),
            ValRef::Stored(Val::List(l)) if l.items.len() == 1 => self.at(&l.items[0]).as_simple(),
            _ => None,
        }
    }

    /// The members of a list, or the value itself as a one-element list.
    pub fn members(&self) -> Vec<PropValue<'a>> {
        match self.val {
            ValRef::Stored(Val::List(l)) => l.items.iter().map(|v| self.at(v)).collect(),
            _ => vec![*self],
        }
    }

    /// A value of a complex property by name (`limit` of `(priv=…,limit=…)`).
    pub fn field(&self, name: &str) -> Option<PropValue<'a>> {
        match self.val {
            ValRef::Stored(Val::Complex(c)) => pairs(c)
                .find(|(n, _)| self.cfg.text(*n) == name)
                .map(|(_, v)| PropValue {
                    cfg: self.cfg,
                    val: ValRef::Field(v),
                }),
            _ => None,
        }
    }

    fn at(&self, val: &'a Val) -> PropValue<'a> {
        PropValue {
            cfg: self.cfg,
            val: ValRef::Stored(val),
        }
    }
}

/// `set NAME=VALUE` (or the list built by `add NAME VALUE` lines).
#[derive(Clone, Copy, Debug)]
pub struct Property<'a> {
    cfg: &'a ZoneConfig,
    row: &'a PropRow,
}

impl<'a> Property<'a> {
    pub fn name(&self) -> Spanned<&'a str> {
        self.cfg.spanned(self.row.name)
    }

    pub fn value(&self) -> PropValue<'a> {
        PropValue {
            cfg: self.cfg,
            val: ValRef::Stored(&self.row.value),
        }
    }

    /// The whole command(s) that set it.
    pub fn span(&self) -> Span {
        self.row.span
    }

    pub fn simple(&self) -> Option<Spanned<&'a str>> {
        self.value().as_simple()
    }

    /// `Some(why)` when `create`'s template set it, not the file (see
    /// [`super::template`]); its spans then point at `create`.
    pub fn from_template(&self) -> Option<&'a str> {
        self.cfg.origin(self.row.name)
    }
}

/// `add TYPE` … `end`.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'a> {
    cfg: &'a ZoneConfig,
    row: &'a ResRow,
}

impl<'a> Resource<'a> {
    /// The resource type (`net`, `anet`, `dataset`, `fs`, …).
    pub fn kind(&self) -> Spanned<&'a str> {
        self.cfg.spanned(self.row.kind)
    }

    /// From `add`/`select` to `end`.
    pub fn span(&self) -> Span {
        self.row.span
    }

    pub fn props(&self) -> impl Iterator<Item = Property<'a>> + 'a {
        let cfg = self.cfg;
        cfg.props[self.row.props.range()]
            .iter()
            .map(move |row| Property { cfg, row })
    }

    /// Nested resources (Solaris 11.3+ kernel zones: `mac`, `vlan` in `anet`).
    pub fn children(&self) -> impl Iterator<Item = Resource<'a>> + 'a {
        let cfg = self.cfg;
        cfg.children(self.row)
            .iter()
            .map(move |row| Resource { cfg, row })
    }

    pub fn get(&self, name: &str) -> Option<Property<'a>> {
        self.props().find(|p| p.name().value == name)
    }

    /// The text of a simple-valued property.
    pub fn simple(&self, name: &str) -> Option<Spanned<&'a str>> {
        self.get(name)?.simple()
    }

    /// `Some(why)` when `create`'s template added it, not the file (the
    /// automatic `anet net0`); its spans then point at `create`.
    pub fn from_template(&self) -> Option<&'a str> {
        self.cfg.origin(self.row.kind)
    }
}

fn set_prop(props: &mut Vec<PropRow>, prop: PropRow, text: impl Fn(Str) -> bool) {
    match props.iter_mut().find(|p| text(p.name)) {
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
///
/// It holds its source text (shared, not copied: `zrules check` hands over
/// the text its report quotes) and reads every name and value from it;
/// [`Resource`], [`Property`] and [`PropValue`] are views that borrow it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZoneConfig {
    src: Arc<String>,
    /// Texts the file does not contain (template defaults, expanded tokens).
    owned: Vec<Text>,
    pub create: Option<Create>,
    globals: Vec<PropRow>,
    resources: Vec<ResRow>,
    /// Every resource's properties, each resource's in one run ([`Run`]).
    props: Vec<PropRow>,
    /// Places in `props` that no resource points at any more (see
    /// [`VACATED`]); compacted away before they outnumber the rest.
    vacated: usize,
    /// The nested resources of the resources that have some.
    nested: Vec<Vec<ResRow>>,
    /// `remove TYPE …` that matched nothing written here: it removes from a
    /// template (e.g. `remove anet` after `create -t SYSsolaris10`).
    template_removals: Vec<Str>,
    pub quirks: Vec<Quirk>,
    /// Why the template's properties and resources are there (see
    /// [`super::template`]): said by every finding about one of them.
    template_origin: Option<Text>,
    /// `create`'s default template was applied (by
    /// [`super::template::resolve`]) on an assumed release, because no
    /// capture's `uname -v` said which release the zone is for.
    pub template_assumed: bool,
    /// The whole text.
    pub span: Span,
}

/// A text a configuration is read from and then reads its names and values
/// from: a borrowed text is copied once, a shared one (the run's
/// [`crate::source::Sources`] hand theirs over) is not copied at all.
pub trait IntoSource {
    fn into_source(self) -> Arc<String>;
}

impl IntoSource for Arc<String> {
    fn into_source(self) -> Arc<String> {
        self
    }
}

impl IntoSource for String {
    fn into_source(self) -> Arc<String> {
        Arc::new(self)
    }
}

impl IntoSource for &str {
    fn into_source(self) -> Arc<String> {
        Arc::new(self.to_owned())
    }
}

impl IntoSource for &String {
    fn into_source(self) -> Arc<String> {
        Arc::new(self.clone())
    }
}

/// Parses a command file into a configuration: syntax, then semantics.
///
/// The syntax items are streamed into the model one by one rather than
/// collected into a [`Document`] first, so peak memory is the model's, not
/// the model's plus a whole syntax tree.
pub fn parse(src: impl IntoSource) -> Result<ZoneConfig, SyntaxError> {
    let src = src.into_source();
    let text = Arc::clone(&src);
    let doc = Document {
        src: &text,
        items: Vec::new(),
    };
    let mut b = Builder::new(&doc, src);
    for item in syntax::items(&text) {
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
    res: ResRow,
    props: Vec<PropRow>,
    children: Vec<ResRow>,
    /// `Some(i)`: reopened by `select` from position `i` of its parent.
    from: Option<usize>,
}

struct Builder<'d, 'a> {
    doc: &'d Document<'a>,
    cfg: ZoneConfig,
    stack: Vec<Open>,
    /// An empty vector with room, for the next resource's properties.
    scratch: Vec<PropRow>,
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
    fn new(doc: &'d Document<'a>, src: Arc<String>) -> Self {
        Builder {
            doc,
            cfg: ZoneConfig {
                span: Span::new(0, doc.src.len()),
                src,
                ..ZoneConfig::default()
            },
            stack: Vec::new(),
            scratch: Vec::new(),
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
                    Val::List(l) => 1 + l.items.len(),
                    _ => 1,
                })
                .sum(),
            ("set" | "clear", None) => self.cfg.globals.len(),
            ("select" | "remove", None) => self.cfg.resources.len(),
            _ => 0,
        }
    }

    /// The configuration, once every command was applied.
    fn finish(mut self) -> Result<ZoneConfig, SyntaxError> {
        if let Some(open) = self.stack.last() {
            return Err(err(
                open.res.kind.span,
                format!(
                    "expected 'end' to close this {} resource before the end of the input",
                    self.s(open.res.kind)
                ),
            ));
        }
        self.cfg.compact(true);
        Ok(self.cfg)
    }
}

impl ZoneConfig {
    pub fn from_document(doc: &Document<'_>) -> Result<Self, SyntaxError> {
        let src = Arc::new(doc.src.to_owned());
        let mut b = Builder::new(doc, src);
        for item in &doc.items {
            if let ItemKind::Command(c) = &item.kind {
                b.command(c.clone())?;
            }
        }
        b.finish()
    }

    /// The nested resources of `row`.
    fn children(&self, row: &ResRow) -> &[ResRow] {
        match row.children {
            NO_CHILDREN => &[],
            i => &self.nested[i as usize],
        }
    }

    /// Marks the properties of `row` and of its children as no longer
    /// pointed at (`row` is removed).
    fn vacate(&mut self, row: &ResRow) {
        self.vacated += row.props.len as usize;
        if row.children != NO_CHILDREN {
            let children = std::mem::take(&mut self.nested[row.children as usize]);
            for c in &children {
                self.vacate(c);
            }
        }
    }

    /// Drops the vacated places of the property table, moving each
    /// resource's run down, when they are many: at the end, and whenever
    /// they outnumber the rest (so a file of many `select`s holds at most
    /// twice its properties). Only while no resource is open: an open
    /// resource's children have runs in the table but are in no list here.
    fn compact(&mut self, at_end: bool) {
        let live = self.props.len() - self.vacated;
        if self.vacated == 0 || (!at_end && self.vacated < live.max(1024)) {
            return;
        }
        let mut old = std::mem::replace(&mut self.props, Vec::with_capacity(live));
        let mut nested = std::mem::take(&mut self.nested);
        let mut resources = std::mem::take(&mut self.resources);
        let mut take = |r: &mut ResRow, table: &mut Self| {
            let run = old[r.props.range()]
                .iter_mut()
                .map(|p| std::mem::replace(p, VACATED));
            r.props = table.push_run(run, 0);
        };
        for r in resources.iter_mut() {
            take(r, self);
            if r.children != NO_CHILDREN {
                let mut children = std::mem::take(&mut nested[r.children as usize]);
                for c in children.iter_mut() {
                    take(c, self);
                }
                r.children = index32(self.nested.len());
                self.nested.push(children);
            }
        }
        self.resources = resources;
        self.vacated = 0;
    }

    /// Appends `props` to the property table as one run, growing it by the
    /// density of the text read so far (`read` bytes of the source; see
    /// `grow.rs`).
    fn push_run(&mut self, props: impl Iterator<Item = PropRow>, read: usize) -> Run {
        let start = index32(self.props.len());
        let total = self.src.len();
        for p in props {
            crate::grow::reserve_for_rest(&mut self.props, read, total);
            self.props.push(p);
        }
        Run {
            start,
            len: index32(self.props.len()) - start,
        }
    }

    /// The text the configuration was read from.
    pub fn source(&self) -> &str {
        &self.src
    }

    fn text(&self, s: Str) -> &str {
        resolve(&self.src, &self.owned, s)
    }

    fn spanned(&self, s: Str) -> Spanned<&str> {
        Spanned::new(self.text(s), s.span)
    }

    /// Why the template added something (`None` for what the file wrote).
    fn origin(&self, s: Str) -> Option<&str> {
        if s.is_owned() {
            self.template_origin.as_deref()
        } else {
            None
        }
    }

    /// A text the file does not contain, pointing at `span`.
    fn own(&mut self, text: Text, span: Span) -> Str {
        let at = OWNED + index32(self.owned.len());
        self.owned.push(text);
        Str { span, at }
    }

    /// The global properties, in file order.
    pub fn globals(&self) -> impl Iterator<Item = Property<'_>> {
        self.globals
            .iter()
            .map(move |row| Property { cfg: self, row })
    }

    /// Every resource, in file order.
    pub fn resources(&self) -> impl ExactSizeIterator<Item = Resource<'_>> {
        self.resources
            .iter()
            .map(move |row| Resource { cfg: self, row })
    }

    /// The resource at `index` of [`ZoneConfig::resources`].
    pub fn resource(&self, index: usize) -> Option<Resource<'_>> {
        self.resources
            .get(index)
            .map(|row| Resource { cfg: self, row })
    }

    /// `remove TYPE …` that matched nothing written here: it removes from a
    /// template (e.g. `remove anet` after `create -t SYSsolaris10`).
    pub fn template_removals(&self) -> impl Iterator<Item = Spanned<&str>> {
        self.template_removals.iter().map(|s| self.spanned(*s))
    }

    /// A global property.
    pub fn global(&self, name: &str) -> Option<Property<'_>> {
        self.globals().find(|p| p.name().value == name)
    }

    /// The text of a simple-valued global property.
    pub fn global_simple(&self, name: &str) -> Option<Spanned<&str>> {
        self.global(name)?.simple()
    }

    pub fn zonepath(&self) -> Option<Spanned<&str>> {
        self.global_simple("zonepath")
    }

    pub fn brand(&self) -> Option<Spanned<&str>> {
        self.global_simple("brand")
    }

    /// `ip-type` as written (`exclusive` or `shared`).
    pub fn ip_type(&self) -> Option<Spanned<&str>> {
        self.global_simple("ip-type")
    }

    /// Resources of one type, in file order.
    pub fn resources_of<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = Resource<'s>> + 's {
        self.resources().filter(move |r| r.kind().value == kind)
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
        for r in self.template_removals() {
            let _ = writeln!(out, "remove {}", r.value);
        }
        // What the template added is the template's: `create` above brings
        // it back, so printing it would add it twice.
        for p in self.globals().filter(|p| p.from_template().is_none()) {
            write_set(&mut out, p, 0);
        }
        for r in self.resources().filter(|r| r.from_template().is_none()) {
            write_resource(&mut out, r, 0);
        }
        out
    }

    /// Sets global property `name` to a simple `value` the file does not
    /// contain, as `create`'s template does ([`super::template`]): `why`
    /// says which template, `at` is the `create` command.
    pub(crate) fn imply_global(&mut self, name: &str, value: String, at: Span, why: &Text) {
        self.template_origin = Some(why.clone());
        let row = PropRow {
            name: self.own(name.into(), at),
            value: Val::Simple(self.own(value.into(), at)),
            span: at,
        };
        self.globals.push(row);
    }

    /// Adds, first, a resource of simple properties the file does not
    /// contain (the template's automatic `anet`).
    pub(crate) fn imply_resource(
        &mut self,
        kind: &str,
        props: &[(&str, &str)],
        at: Span,
        why: &Text,
    ) {
        self.template_origin = Some(why.clone());
        let mut row = ResRow::new(self.own(kind.into(), at), at);
        let rows: Vec<PropRow> = props
            .iter()
            .map(|(n, v)| PropRow {
                name: self.own((*n).into(), at),
                value: Val::Simple(self.own((*v).into(), at)),
                span: at,
            })
            .collect();
        row.props = self.push_run(rows.into_iter(), self.src.len());
        self.resources.insert(0, row);
    }

    /// Replaces the text of the simple value of property `prop` (a global
    /// when `resource` is `None`) by `f` of it, where `f` says so: token
    /// expansion ([`super::template`]). The span stays the file's.
    pub(crate) fn rewrite_simple(
        &mut self,
        resource: Option<usize>,
        prop: &str,
        f: impl Fn(&str) -> Option<String>,
    ) {
        let (src, owned) = (&self.src, &self.owned);
        let rows = match resource {
            Some(i) => &self.props[self.resources[i].props.range()],
            None => &self.globals[..],
        };
        let Some(at) = rows
            .iter()
            .position(|p| resolve(src, owned, p.name) == prop)
        else {
            return;
        };
        let Val::Simple(old) = rows[at].value else {
            return;
        };
        let Some(new) = f(resolve(src, owned, old)) else {
            return;
        };
        let new = self.own(new.into(), old.span);
        let rows = match resource {
            Some(i) => &mut self.props[self.resources[i].props.range()],
            None => &mut self.globals[..],
        };
        rows[at].value = Val::Simple(new);
    }
}

fn write_set(out: &mut String, p: Property<'_>, depth: usize) {
    let indent = "\t".repeat(depth);
    let name = p.name().value;
    let v = p.value();
    match v.val {
        // List-valued resource properties are exported as one `add` per
        // member (illumos export_func does so for fs options and rctl values).
        ValRef::Stored(Val::List(l)) if depth > 0 && !l.items.is_empty() => {
            for item in v.members() {
                let _ = writeln!(out, "{indent}add {name} {}", render_value(item));
            }
        }
        _ => {
            let _ = writeln!(out, "{indent}set {name}={}", render_value(v));
        }
    }
}

fn write_resource(out: &mut String, r: Resource<'_>, depth: usize) {
    let indent = "\t".repeat(depth);
    let _ = writeln!(out, "{indent}add {}", r.kind().value);
    for p in r.props() {
        write_set(out, p, depth + 1);
    }
    for c in r.children() {
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

fn render_value(v: PropValue<'_>) -> String {
    match v.val {
        ValRef::Stored(&Val::Simple(s)) | ValRef::Field(s) => quote(v.cfg.text(s)),
        ValRef::Stored(Val::List(_)) => {
            let inner: Vec<String> = v.members().into_iter().map(render_value).collect();
            format!("[{}]", inner.join(","))
        }
        ValRef::Stored(Val::Complex(c)) => {
            let inner: Vec<String> = pairs(c)
                .map(|(n, x)| format!("{}={}", v.cfg.text(n), quote(v.cfg.text(x))))
                .collect();
            format!("({})", inner.join(","))
        }
    }
}

impl Builder<'_, '_> {
    /// The text of `s` (in the file, or made by the model).
    fn s(&self, s: Str) -> &str {
        resolve(self.doc.src, &self.cfg.owned, s)
    }

    /// The model of a syntax value, consuming it: a long list's syntax
    /// members are dropped as their model is built, instead of the whole
    /// syntax list and the whole model list being held at once.
    fn value(&self, v: Value) -> Val {
        match v {
            Value::Simple { span, quoted, .. } => Val::Simple(Str::written(span, quoted)),
            Value::List { span, items } => Val::List(Box::new(ListVal {
                span,
                items: items.into_iter().map(|i| self.value(i)).collect(),
            })),
            Value::Complex { pairs, .. } => Val::Complex(pairs),
        }
    }

    /// A bare word argument (flag, resource type, property name).
    fn word(&self, cmd: &Command, arg: Option<&Arg>, what: &str) -> Result<Str, SyntaxError> {
        match arg {
            Some(Arg::Value(Value::Simple { text, .. })) => Ok(Str::verbatim(*text)),
            Some(other) => Err(err(other.span(), format!("expected {what}"))),
            None => Err(err(
                Span::at(cmd.span.end()),
                format!("expected {what} after '{}'", self.doc.text(cmd.name)),
            )),
        }
    }

    /// A bare word argument as owned text with its span (`create`'s flags).
    fn word_text(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        what: &str,
    ) -> Result<Spanned<Text>, SyntaxError> {
        let w = self.word(cmd, arg, what)?;
        Ok(Spanned::new(self.s(w).into(), w.span))
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

    /// Counts `n` elements of work for the command at `at` against the
    /// budget (see [`WORK_PER_BYTE`]).
    fn charge(&mut self, n: usize, at: Span) -> Result<(), SyntaxError> {
        self.work = self.work.saturating_add(n as u64);
        if self.work > self.budget {
            return Err(err(
                at,
                format!(
                    "this configuration is too costly to read: its set/select/remove commands scan {} properties or resources, more than {WORK_PER_BYTE} per byte of input (a real configuration needs a few)",
                    self.work
                ),
            ));
        }
        Ok(())
    }

    /// Opens `res` for its properties to be set (`from`: see [`Open`]):
    /// its properties are copied out of the table into `scratch` (an empty
    /// vector whose room is reused from resource to resource, see
    /// [`Builder::end`]), and its children's rows out of `nested`. The
    /// stored resource is left as it is, so `cancel` leaves it unchanged.
    fn open(&mut self, res: ResRow, from: Option<usize>) {
        let mut props = std::mem::take(&mut self.scratch);
        props.extend(self.cfg.props[res.props.range()].iter().cloned());
        let children = self.cfg.children(&res).to_vec();
        self.stack.push(Open {
            res,
            props,
            children,
            from,
        });
    }

    fn command(&mut self, cmd: Command) -> Result<(), SyntaxError> {
        let cmd = &mut { cmd };
        let name = self.doc.text(cmd.name);
        self.charge(self.scan_cost(name), cmd.name)?;
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
                let (src, owned) = (self.doc.src, &self.cfg.owned);
                let prop = resolve(src, owned, prop);
                let keep = |p: &PropRow| resolve(src, owned, p.name) != prop;
                match self.stack.last_mut() {
                    Some(open) => open.props.retain(keep),
                    None => self.cfg.globals.retain(keep),
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
            let flag = self.word_text(cmd, Some(a), "a flag (-b, -F, -t TEMPLATE, -a PATH)")?;
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
                        let v = self.word_text(
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
        let prop_name = self.doc.text(name);
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
            let raw = self.doc.text(span);
            self.cfg.quirks.push(Quirk {
                span,
                check: crate::diagnostic::Check::ExportQuirk,
                message: format!("{prop_name} value with blanks is not quoted (Solaris 11.1 export bug); read as \"{raw}\""),
                help: format!("quote it: set {prop_name}=\"{raw}\""),
            });
            v = Val::Simple(Str::verbatim(span));
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
        let prop = PropRow {
            name: Str::verbatim(name),
            value: v,
            span: cmd.span,
        };
        let (src, owned) = (self.doc.src, &self.cfg.owned);
        let same = |s: Str| resolve(src, owned, s) == prop_name;
        match self.stack.last_mut() {
            Some(open) => set_prop(&mut open.props, prop, same),
            None => set_prop(&mut self.cfg.globals, prop, same),
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
                let (src, owned) = (self.doc.src, &self.cfg.owned);
                let name = resolve(src, owned, what);
                let open = self.stack.last_mut().expect("checked above");
                match open
                    .props
                    .iter_mut()
                    .find(|p| resolve(src, owned, p.name) == name)
                {
                    Some(p) => {
                        p.span = p.span.cover(cmd.span);
                        match &mut p.value {
                            Val::List(l) => {
                                l.span = l.span.cover(member.span(src));
                                l.items.push(member);
                            }
                            old => {
                                let span = old.span(src).cover(member.span(src));
                                let first =
                                    std::mem::replace(old, Val::Simple(Str::verbatim(span)));
                                *old = Val::List(Box::new(ListVal {
                                    items: vec![first, member],
                                    span,
                                }));
                            }
                        }
                    }
                    None => {
                        let span = member.span(src);
                        open.props.push(PropRow {
                            name: what,
                            value: Val::List(Box::new(ListVal {
                                items: vec![member],
                                span,
                            })),
                            span: cmd.span,
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
                    self.s(what)
                ),
            )),
            (None, _) => {
                if self.stack.len() >= 2 {
                    return Err(err(
                        what.span,
                        "resources nest at most one level (e.g. 'mac' inside 'anet')",
                    ));
                }
                self.open(ResRow::new(what, cmd.span), None);
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
        // Appended to the table, and the vector kept for the next resource.
        open.res.props = self.cfg.push_run(open.props.drain(..), cmd.span.end());
        self.scratch = open.props;
        if !open.children.is_empty() {
            open.res.children = index32(self.cfg.nested.len());
            self.cfg.nested.push(open.children);
        }
        let siblings = match self.stack.last_mut() {
            Some(parent) => &mut parent.children,
            None => &mut self.cfg.resources,
        };
        match open.from {
            // A selected resource replaces what it was; its old run of the
            // table is vacated (its children's rows were copied with their
            // runs, which stay theirs).
            Some(i) if i < siblings.len() => {
                self.cfg.vacated += siblings[i].props.len as usize;
                siblings[i] = open.res;
            }
            _ => {
                crate::grow::reserve_for_rest(siblings, cmd.span.end(), self.doc.src.len());
                siblings.push(open.res)
            }
        }
        if self.stack.is_empty() {
            self.cfg.compact(false);
        }
        Ok(())
    }

    /// `PROP=VALUE` selectors of `select`/`remove`, from argument `from` on:
    /// the property name (`None` for a bare value, which selects by `id`)
    /// and the value's text.
    fn selectors(
        &self,
        cmd: &Command,
        from: usize,
    ) -> Result<Vec<(Option<Str>, Str)>, SyntaxError> {
        cmd.args[from.min(cmd.args.len())..]
            .iter()
            .map(|a| match a {
                Arg::Assign { name, value, .. } => {
                    Ok((Some(Str::verbatim(*name)), Str::verbatim(value_text(value))))
                }
                Arg::Value(Value::Simple { text, .. }) => Ok((None, Str::verbatim(*text))),
                other => Err(err(other.span(), "expected PROPERTY=VALUE")),
            })
            .collect()
    }

    /// Whether resource `res` is of `kind` and matches every selector.
    fn matches(&self, res: &ResRow, kind: &str, sel: &[(Option<Str>, Str)]) -> bool {
        let view = Resource {
            cfg: &self.cfg,
            row: res,
        };
        self.s(res.kind) == kind
            && sel.iter().all(|(k, v)| {
                let k = k.map_or("id", |k| self.s(k));
                view.simple(k).is_some_and(|s| s.value == self.s(*v))
            })
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
        let doc = self.doc;
        let kind_text = doc.text(kind.span);
        let found: Vec<usize> = (0..self.cfg.resources.len())
            .filter(|&i| self.matches(&self.cfg.resources[i], kind_text, &sel))
            .collect();
        match found.as_slice() {
            [i] => {
                // Copied out and written back at `end` in the same place
                // (nothing else touches the top level while a selected
                // resource is open): what copying its properties costs
                // counts against the budget, like a scan.
                let res = self.cfg.resources[*i].clone();
                self.charge(res.props.len as usize, cmd.name)?;
                self.open(res, Some(*i));
                Ok(())
            }
            [] if self.template_based() => {
                // The resource comes from the template: model what the file
                // says of it (its selectors, each pointing at its own text).
                self.open(ResRow::new(kind, cmd.span), None);
                let open = self.stack.last_mut().expect("just opened");
                open.props.extend(sel.into_iter().filter_map(|(k, v)| {
                    Some(PropRow {
                        name: k?,
                        value: Val::Simple(v),
                        span: cmd.span,
                    })
                }));
                Ok(())
            }
            [] => Err(err(
                cmd.span,
                format!("no {kind_text} resource matches this selection"),
            )),
            _ => Err(err(
                cmd.span,
                format!("more than one {kind_text} resource matches this selection"),
            )),
        }
    }

    fn remove(&mut self, cmd: &Command) -> Result<(), SyntaxError> {
        if !self.stack.is_empty() {
            // `remove PROP VALUE` inside a resource: drop one list member.
            let (Some(Arg::Value(Value::Simple { text, .. })), Some(Arg::Value(v))) =
                (cmd.args.first(), cmd.args.get(1))
            else {
                return Err(err(
                    cmd.span,
                    "expected 'remove PROPERTY VALUE' inside a resource",
                ));
            };
            let (src, owned) = (self.doc.src, &self.cfg.owned);
            let prop = &src[text.range()];
            let want = &src[v.span().range()];
            let open = self.stack.last_mut().expect("checked above");
            if let Some(p) = open
                .props
                .iter_mut()
                .find(|p| resolve(src, owned, p.name) == prop)
                && let Val::List(l) = &mut p.value
            {
                l.items.retain(|i| &src[i.span(src).range()] != want);
            }
            return Ok(());
        }
        let first = match cmd.args.first() {
            Some(Arg::Value(Value::Simple { text, .. })) if self.doc.text(*text) == "-F" => 1,
            _ => 0,
        };
        let kind = self.word(cmd, cmd.args.get(first), "a resource type")?;
        let sel = self.selectors(cmd, first + 1)?;
        let doc = self.doc;
        let kind_text = doc.text(kind.span);
        let keep: Vec<bool> = self
            .cfg
            .resources
            .iter()
            .map(|r| !self.matches(r, kind_text, &sel))
            .collect();
        let before = self.cfg.resources.len();
        let mut at = 0;
        let mut removed = Vec::new();
        self.cfg.resources.retain(|r| {
            at += 1;
            if !keep[at - 1] {
                removed.push(r.clone());
            }
            keep[at - 1]
        });
        for r in &removed {
            self.cfg.vacate(r);
        }
        if self.cfg.resources.len() == before {
            if !self.template_based() {
                return Err(err(
                    cmd.span,
                    format!("no {kind_text} resource matches this selection"),
                ));
            }
            self.cfg.template_removals.push(kind);
        }
        Ok(())
    }
}

/// The span of a value's text (a simple value's without its quotes).
fn value_text(v: &Value) -> Span {
    match v {
        Value::Simple { text, .. } => *text,
        other => other.span(),
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
        assert_eq!(cfg.zonepath().map(|s| s.value), Some("/zones/www"));
        assert_eq!(cfg.ip_type().map(|s| s.value), Some("exclusive"));
        let net = cfg.resources_of("net").next().expect("net");
        assert_eq!(
            net.simple("physical").map(|s| &src[s.span.range()]),
            Some("www0")
        );
        assert_eq!(cfg.resources_of("dataset").count(), 1);
        assert!(cfg.quirks.is_empty());
        // The canonical export of an export is itself (modulo indentation).
        let again = parse(cfg.export()).expect("export parses");
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
            .value()
            .members()
            .iter()
            .filter_map(|m| m.as_simple())
            .map(|s| s.value)
            .collect();
        assert_eq!(opts, ["ro", "nodevices"]);
        let nets: Vec<_> = cfg.resources_of("net").collect();
        assert_eq!(nets.len(), 1);
        assert_eq!(
            nets[0].simple("defrouter").map(|s| s.value),
            Some("10.0.0.1")
        );
        assert!(cfg.global("pool").is_none());
    }

    #[test]
    fn bootargs_bug_is_read_leniently() {
        let cfg = parse("create -b\nset bootargs=-m verbose\n").expect("parses");
        assert_eq!(
            cfg.global_simple("bootargs").map(|s| s.value),
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
        assert_eq!(cfg.template_removals().count(), 1);
        let net = cfg.resources_of("net").next().expect("net");
        assert_eq!(net.simple("physical").map(|s| s.value), Some("e0"));
    }

    #[test]
    fn selects_and_removes_keep_the_property_table_tight() {
        // One resource of 200 properties selected 300 times: each select
        // moves its properties out and back; the table is compacted as it
        // goes and at the end.
        let mut src = String::from("create -b\nadd attr\nset name=big\n");
        for i in 0..200 {
            src.push_str(&format!("set p{i}=v{i}\n"));
        }
        src.push_str("end\nadd net\nset physical=a0\nend\n");
        for i in 0..300 {
            src.push_str(&format!("select attr name=big\nset p{}=w\nend\n", i % 200));
        }
        src.push_str("remove net physical=a0\n");
        // Fed command by command, as `parse` does, to watch the table.
        let text = Arc::new(src.clone());
        let doc = Document {
            src: &src,
            items: Vec::new(),
        };
        let mut b = Builder::new(&doc, text);
        let mut most = 0;
        for item in syntax::items(&src) {
            if let ItemKind::Command(c) = item.expect("syntax").kind {
                b.command(c).expect("command");
            }
            most = most.max(b.cfg.props.len());
        }
        assert!(most <= 2 * 201 + 1024, "the table held {most} places");
        let cfg = b.finish().expect("finishes");
        assert_eq!(cfg.props.len(), 201, "compacted at the end");
        assert_eq!(cfg.vacated, 0);
        let attr = cfg.resources_of("attr").next().expect("attr");
        assert_eq!(attr.simple("p0").map(|s| s.value), Some("w"));
        assert_eq!(attr.simple("p199").map(|s| s.value), Some("w"));
        assert_eq!(attr.props().count(), 201);
        assert!(cfg.resources_of("net").next().is_none());
    }

    #[test]
    fn nested_resources_survive_select_remove_and_compaction() {
        let src = "create -b\nset brand=solaris-kz\n\
                   add anet\nset linkname=net0\nadd mac\nset mac-address=auto\nend\nend\n\
                   add anet\nset linkname=net1\nadd mac\nset mac-address=factory\nend\nend\n\
                   remove anet linkname=net0\n\
                   select anet linkname=net1\nset lower-link=auto\nend\n";
        let cfg = parse(src).expect("parses");
        let anets: Vec<_> = cfg.resources_of("anet").collect();
        assert_eq!(anets.len(), 1);
        assert_eq!(anets[0].simple("lower-link").map(|s| s.value), Some("auto"));
        let macs: Vec<_> = anets[0].children().collect();
        assert_eq!(macs.len(), 1);
        assert_eq!(
            macs[0].simple("mac-address").map(|s| s.value),
            Some("factory")
        );
        assert!(
            cfg.export()
                .contains("\tadd mac\n\t\tset mac-address=factory\n\tend\n")
        );
        assert_eq!(cfg.props.len(), 3, "linkname, lower-link and the mac's");
    }

    #[test]
    fn complex_values_keep_their_span_and_fields() {
        let src = "create -b\nadd rctl\nset name=zone.cpu-shares\n\
                   add value ( priv=privileged , limit=\"10\" ,action=none )\n\
                   add value (priv=basic,limit=20,action=deny)\nend\n";
        let cfg = parse(src).expect("parses");
        let rctl = cfg.resources_of("rctl").next().expect("rctl");
        let members = rctl.get("value").expect("value").value().members();
        assert_eq!(members.len(), 2);
        assert_eq!(
            &src[members[0].span().range()],
            "( priv=privileged , limit=\"10\" ,action=none )"
        );
        assert_eq!(
            &src[members[1].span().range()],
            "(priv=basic,limit=20,action=deny)"
        );
        let limit = members[0].field("limit").and_then(|v| v.as_simple());
        assert_eq!(limit.map(|l| l.value), Some("10"));
        assert_eq!(limit.map(|l| &src[l.span.range()]), Some("\"10\""));
        assert!(
            cfg.export()
                .contains("\tadd value (priv=privileged,limit=10,action=none)\n")
        );
    }

    #[test]
    fn cancel_after_select_leaves_the_resource_as_it_was() {
        // zonecfg(8): `cancel` ends the resource specification and resets
        // the scope, discarding what was changed since `select`.
        let src = "create -b\nadd net\nset physical=a0\nadd mac\nset mac-address=auto\nend\nend\n\
                   select net physical=a0\nset physical=b0\nadd vlan\nset vlan-id=3\nend\ncancel\n";
        let cfg = parse(src).expect("parses");
        let nets: Vec<_> = cfg.resources().collect();
        assert_eq!(nets.len(), 1);
        assert_eq!(nets[0].kind().value, "net");
        assert_eq!(nets[0].simple("physical").map(|s| s.value), Some("a0"));
        let children: Vec<_> = nets[0].children().map(|c| c.kind().value).collect();
        assert_eq!(children, ["mac"]);
        assert_eq!(
            cfg.export(),
            "create -b\nadd net\n\tset physical=a0\n\tadd mac\n\t\tset mac-address=auto\n\tend\nend\n"
        );
    }
}
