//! The lossless syntax tree of a zonecfg command file, and its nom grammar.
//!
//! `zonecfg -z ZONE export` prints a command file: subcommands separated by
//! newlines or `;`, `#` comment lines, values that are simple (`v`, `"a b"`),
//! lists (`[a,"b c"]`) or complex (`(name=v,name=v)`). The grammar follows the
//! illumos lexer (`usr/src/cmd/zonecfg/zonecfg_lex.l`): an unquoted token is
//! anything but blanks, newline, `"`, `;`, `=`, `[`, `]`, `(`, `)` (and `,`
//! inside lists and complex values); quotes have no escapes.
//!
//! The tree is made of spans into the source, never copies: every byte of the
//! input belongs to exactly one [`Item`], so [`Document`]'s `Display` gives
//! the input back byte for byte, and a diagnostic can point at any value.
//!
//! Two leniencies, both seen in real exports and reported by the model as
//! `Z90` rather than rejected: a value after `=` may contain `=`, `,` and
//! parentheses unquoted (old illumos exports printed attr values raw, e.g.
//! `set value=cpus=16,sockets=2`), and `set` may be followed by further
//! words (the Solaris 11.1 `bootargs` export bug).

use std::fmt;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{cut, map, opt};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use crate::span::Span;

/// The subcommands of zonecfg(8) (illumos) and zonecfg(1M) (Solaris 11).
pub const SUBCOMMANDS: &[&str] = &[
    "add", "cancel", "clear", "commit", "create", "delete", "end", "exit", "export", "help",
    "info", "remove", "revert", "select", "set", "verify",
];

/// A parsed command file: the source and the items that cover it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    pub src: &'a str,
    pub items: Vec<Item>,
}

impl fmt::Display for Document<'_> {
    /// Prints the document from its items: the input, byte for byte.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            f.write_str(&self.src[item.span.range()])?;
        }
        Ok(())
    }
}

impl<'a> Document<'a> {
    /// The text of a span of this document.
    pub fn text(&self, span: Span) -> &'a str {
        &self.src[span.range()]
    }

    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.items.iter().filter_map(|i| match &i.kind {
            ItemKind::Command(c) => Some(c),
            _ => None,
        })
    }
}

/// One segment of the file: leading blanks, a command or comment or
/// nothing, trailing blanks and the terminator (`\n`, `;` or end of input).
/// Consecutive empty segments form one [`ItemKind::Empty`] item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub span: Span,
    pub kind: ItemKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// Only blanks and terminators (empty lines, or `;;`).
    Empty,
    /// `# …` up to the end of the line (span excludes the newline).
    Comment(Span),
    Command(Command),
}

/// A subcommand and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// From the subcommand's first byte to its last argument's last byte.
    pub span: Span,
    pub name: Span,
    pub args: Vec<Arg>,
}

/// One argument of a subcommand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// `name=value` (blanks around `=` allowed).
    Assign {
        span: Span,
        name: Span,
        value: Value,
    },
    /// A bare value: a flag (`-b`), a resource type, a property name, a list…
    Value(Value),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Assign { span, .. } => *span,
            Arg::Value(v) => v.span(),
        }
    }
}

/// A property value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A token or a quoted string. `text` excludes the quotes.
    Simple {
        span: Span,
        text: Span,
        quoted: bool,
    },
    /// `[a,b]`
    List { span: Span, items: Vec<Value> },
    /// `(name=value,name=value)`
    Complex {
        span: Span,
        /// Boxed, not a `Vec` (16 bytes, not 24, and no spare room).
        pairs: Box<[Pair]>,
    },
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Simple { span, .. } | Value::List { span, .. } | Value::Complex { span, .. } => {
                *span
            }
        }
    }
}

/// `name=value` in a complex value. The value is simple: zonecfg's
/// grammar gives a complex property's fields plain tokens (see
/// `pair_value`), so a pair is 20 bytes, not a name and a whole [`Value`]
/// (40): a list of a million rctl values is parsed into less.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    pub name: Span,
    /// The value as written, quotes included.
    pub value: Span,
    /// Whether the value is quoted (its text is then `value` without the
    /// first and last byte: `"…"` has no escapes; the model reads it so).
    pub quoted: bool,
}

/// Where the input stops making sense, and what would have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

// ---------------------------------------------------------------------------
// nom plumbing: an error that remembers what was expected.

#[derive(Debug)]
struct PError<'a> {
    input: &'a str,
    expected: &'static str,
}

impl<'a> ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PError {
            input,
            expected: "",
        }
    }
    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        // Prefer the alternative that got further, then the one that names
        // what it expected.
        match self.input.len().cmp(&other.input.len()) {
            std::cmp::Ordering::Less => self,
            std::cmp::Ordering::Greater => other,
            std::cmp::Ordering::Equal if self.expected.is_empty() => other,
            std::cmp::Ordering::Equal => self,
        }
    }
}

type PResult<'a, T> = IResult<&'a str, T, PError<'a>>;

/// Replaces the error of `p` with "expected `what`".
fn expect<'a, O>(
    what: &'static str,
    mut p: impl Parser<&'a str, Output = O, Error = PError<'a>>,
) -> impl Parser<&'a str, Output = O, Error = PError<'a>> {
    move |i: &'a str| match p.parse(i) {
        Err(nom::Err::Error(e)) => Err(nom::Err::Error(PError {
            input: e.input,
            expected: what,
        })),
        Err(nom::Err::Failure(e)) if e.expected.is_empty() => Err(nom::Err::Failure(PError {
            input: e.input,
            expected: what,
        })),
        other => other,
    }
}

/// Offsets are computed from the remaining input's length, so every parser
/// can stay on plain `&str`.
#[derive(Clone, Copy, Debug)]
struct Base(usize);

impl Base {
    fn pos(self, rest: &str) -> usize {
        self.0 - rest.len()
    }
    fn span(self, before: &str, after: &str) -> Span {
        Span::new(self.pos(before), self.pos(after))
    }
}

fn is_blank(c: char) -> bool {
    // `\r` is taken as a blank so files with CRLF line ends still parse.
    matches!(c, ' ' | '\t' | '\r')
}

fn blanks(i: &str) -> PResult<'_, &str> {
    take_while(is_blank)(i)
}

fn is_token_char(c: char) -> bool {
    !matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '"' | ';' | '=' | '[' | ']' | '(' | ')'
    )
}

fn is_member_char(c: char) -> bool {
    is_token_char(c) && c != ','
}

/// A value after `=` that is not quoted, a list or complex: runs to the next
/// blank or terminator (see the module doc on leniency).
fn is_run_char(c: char) -> bool {
    !matches!(c, ' ' | '\t' | '\r' | '\n' | '"' | ';')
}

fn quoted<'a>(b: Base) -> impl Parser<&'a str, Output = Value, Error = PError<'a>> {
    move |i: &'a str| {
        let (rest, _) = char('"').parse(i)?;
        let (rest2, _) = take_till(|c| c == '"' || c == '\n').parse(rest)?;
        let (rest3, _) = cut(expect(
            "a closing '\"' before the end of the line",
            char('"'),
        ))
        .parse(rest2)?;
        Ok((
            rest3,
            Value::Simple {
                span: b.span(i, rest3),
                text: b.span(rest, rest2),
                quoted: true,
            },
        ))
    }
}

fn simple<'a>(
    b: Base,
    pred: fn(char) -> bool,
) -> impl Parser<&'a str, Output = Value, Error = PError<'a>> {
    move |i: &'a str| {
        let (rest, _) = take_while1(pred).parse(i)?;
        let span = b.span(i, rest);
        Ok((
            rest,
            Value::Simple {
                span,
                text: span,
                quoted: false,
            },
        ))
    }
}

/// A member of a list: a simple value or a complex one.
fn member<'a>(b: Base) -> impl Parser<&'a str, Output = Value, Error = PError<'a>> {
    move |i: &'a str| {
        expect(
            "a value",
            alt((quoted(b), complex(b), simple(b, is_member_char))),
        )
        .parse(i)
    }
}

/// The value of a pair in a complex value: simple only. zonecfg(8) and
/// the illumos grammar (`complex_piece` in `zonecfg_grammar.y`) give a
/// complex property's fields plain tokens, so `(a=(b=c))` is an error there
/// too. Refusing it here also means no input can make the parser recurse:
/// values nest at most list → complex → simple, whatever the input.
fn pair_value<'a>(b: Base) -> impl Parser<&'a str, Output = Value, Error = PError<'a>> {
    move |i: &'a str| {
        if i.starts_with(['(', '[']) {
            return Err(nom::Err::Failure(PError {
                input: i,
                expected: "a simple value (a complex value's fields hold no lists or complex values)",
            }));
        }
        expect("a value", alt((quoted(b), simple(b, is_member_char)))).parse(i)
    }
}

fn list<'a>(b: Base) -> impl Parser<&'a str, Output = Value, Error = PError<'a>> {
    move |i: &'a str| {
        let (mut rest, _) = (char('['), blanks).parse(i)?;
        let mut items = Vec::new();
        if let Ok((r, _)) = char::<_, PError<'a>>(']').parse(rest) {
            return Ok((
                r,
                Value::List {
                    span: b.span(i, r),
                    items,
                },
            ));
        }
        loop {
            let (r, v) = cut(member(b)).parse(rest)?;
            items.push(v);
            let (r, _) = blanks(r)?;
            let (r, sep) = cut(expect("',' or ']'", alt((char(','), char(']'))))).parse(r)?;
            if sep == ']' {
                return Ok((
                    r,
                    Value::List {
                        span: b.span(i, r),
                        items,
                    },
                ));
            }
            rest = blanks(r)?.0;
        }
    }
}

fn complex<'a>(b: Base) -> impl Parser<&'a str, Output = Value, Error = PError<'a>> {
    move |i: &'a str| {
        let (mut rest, _) = (char('('), blanks).parse(i)?;
        // Room for three, what rctl values have (`priv`, `limit`,
        // `action`): a list of many holds each at its exact size.
        let mut pairs = Vec::with_capacity(3);
        loop {
            let (r, _) = cut(expect("a property name", take_while1(is_member_char))).parse(rest)?;
            let name_span = b.span(rest, r);
            let (r, _) = cut(expect("'='", (blanks, char('='), blanks))).parse(r)?;
            let (r, v) = cut(pair_value(b)).parse(r)?;
            let Value::Simple { span, quoted, .. } = v else {
                unreachable!("pair_value parses simple values only");
            };
            pairs.push(Pair {
                name: name_span,
                value: span,
                quoted,
            });
            let (r, _) = blanks(r)?;
            let (r, sep) = cut(expect("',' or ')'", alt((char(','), char(')'))))).parse(r)?;
            if sep == ')' {
                return Ok((
                    r,
                    Value::Complex {
                        span: b.span(i, r),
                        pairs: pairs.into_boxed_slice(),
                    },
                ));
            }
            rest = blanks(r)?.0;
        }
    }
}

/// The value after `name=`.
fn assigned_value<'a>(b: Base) -> impl Parser<&'a str, Output = Value, Error = PError<'a>> {
    move |i: &'a str| {
        expect(
            "a value after '='",
            alt((quoted(b), list(b), complex(b), simple(b, is_run_char))),
        )
        .parse(i)
    }
}

fn arg<'a>(b: Base) -> impl Parser<&'a str, Output = Arg, Error = PError<'a>> {
    move |i: &'a str| {
        match alt((quoted(b), list(b), complex(b))).parse(i) {
            Ok((r, v)) => return Ok((r, Arg::Value(v))),
            Err(nom::Err::Error(_)) => {}
            Err(e) => return Err(e),
        }
        let (r, _) = expect("an argument", take_while1(is_token_char)).parse(i)?;
        let name = b.span(i, r);
        let (r2, eq) = opt((blanks, tag("="), blanks)).parse(r)?;
        if eq.is_none() {
            return Ok((
                r,
                Arg::Value(Value::Simple {
                    span: name,
                    text: name,
                    quoted: false,
                }),
            ));
        }
        let (r3, value) = cut(assigned_value(b)).parse(r2)?;
        Ok((
            r3,
            Arg::Assign {
                span: b.span(i, r3),
                name,
                value,
            },
        ))
    }
}

fn at_end_of_command(i: &str) -> bool {
    i.is_empty() || i.starts_with('\n') || i.starts_with(';')
}

fn command<'a>(b: Base) -> impl Parser<&'a str, Output = Command, Error = PError<'a>> {
    move |i: &'a str| {
        let (mut rest, name) = expect("a subcommand", take_while1(is_token_char)).parse(i)?;
        if !SUBCOMMANDS.contains(&name) {
            return Err(nom::Err::Failure(PError {
                input: i,
                expected: "a zonecfg subcommand",
            }));
        }
        let name_span = b.span(i, rest);
        let mut args = Vec::new();
        loop {
            let (r, _) = blanks(rest)?;
            if at_end_of_command(r) {
                break;
            }
            let (r, a) = cut(arg(b)).parse(r)?;
            args.push(a);
            rest = r;
        }
        let end = args.last().map_or(name_span.end(), |a| a.span().end());
        Ok((
            rest,
            Command {
                span: Span::new(name_span.start(), end),
                name: name_span,
                args,
            },
        ))
    }
}

fn terminator(i: &str) -> PResult<'_, &str> {
    if i.is_empty() {
        return Ok((i, i));
    }
    expect("a newline or ';'", alt((tag("\n"), tag(";")))).parse(i)
}

fn item<'a>(b: Base) -> impl Parser<&'a str, Output = Item, Error = PError<'a>> {
    move |i: &'a str| {
        let (rest, _) = blanks(i)?;
        let (rest, kind) = if rest.starts_with('#') {
            let (r, _) = take_till(|c| c == '\n').parse(rest)?;
            (r, ItemKind::Comment(b.span(rest, r)))
        } else if at_end_of_command(rest) {
            (rest, ItemKind::Empty)
        } else {
            map(command(b), ItemKind::Command).parse(rest)?
        };
        let (rest, _) = blanks(rest)?;
        let (rest, _) = cut(terminator).parse(rest)?;
        Ok((
            rest,
            Item {
                span: b.span(i, rest),
                kind,
            },
        ))
    }
}

/// Describes the text at an error position for "found …".
fn found(rest: &str) -> String {
    match rest.chars().next() {
        None => "end of input".to_owned(),
        Some('\n') => "end of line".to_owned(),
        Some(_) => {
            let word: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(24)
                .collect();
            format!("'{word}'")
        }
    }
}

/// Parses a whole command file. Never panics; on bad input returns where it
/// stopped and what was expected there.
pub fn parse(src: &str) -> Result<Document<'_>, SyntaxError> {
    let mut items: Vec<Item> = Vec::new();
    for it in self::items(src) {
        let it = it?;
        // A run of empty items (blank lines, `;;`) is kept as one: an item
        // per blank line made a file of blank lines cost some 80 bytes per
        // input byte.
        match (items.last_mut(), &it.kind) {
            (
                Some(Item {
                    span,
                    kind: ItemKind::Empty,
                }),
                ItemKind::Empty,
            ) => *span = span.cover(it.span),
            _ => items.push(it),
        }
    }
    Ok(Document { src, items })
}

/// The items of a command file one at a time, in order, ending after the
/// first error. [`crate::zonecfg::parse`] builds the model from this, so
/// the syntax tree of a whole (possibly huge) file is never held at once.
pub fn items(src: &str) -> Items<'_> {
    Items {
        b: Base(src.len()),
        rest: src,
        failed: false,
    }
}

/// See [`items`].
#[derive(Debug)]
pub struct Items<'a> {
    b: Base,
    rest: &'a str,
    failed: bool,
}

impl Iterator for Items<'_> {
    type Item = Result<Item, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let b = self.b;
        let result = match item(b).parse(self.rest) {
            Ok((r, it)) => {
                self.rest = r;
                return Some(Ok(it));
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let at = b.pos(e.input);
                // Underline the word found there (nothing at end of line).
                let len = e.input.find(char::is_whitespace).unwrap_or(e.input.len());
                let expected = if e.expected.is_empty() {
                    "a zonecfg subcommand"
                } else {
                    e.expected
                };
                SyntaxError {
                    span: Span::new(at, at + len),
                    message: format!("expected {expected}, found {}", found(e.input)),
                }
            }
            Err(nom::Err::Incomplete(_)) => SyntaxError {
                span: Span::at(b.pos(self.rest)),
                message: "unexpected end of input".into(),
            },
        };
        self.failed = true;
        Some(Err(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(src: &str) -> Vec<(String, Vec<String>)> {
        let doc = parse(src).expect("parses");
        assert_eq!(doc.to_string(), src, "lossless");
        doc.commands()
            .map(|c| {
                (
                    doc.text(c.name).to_owned(),
                    c.args
                        .iter()
                        .map(|a| doc.text(a.span()).to_owned())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn export_lines() {
        let got = cmds("create -b\nset zonepath=/zones/www\nadd net\n\tset physical=www0\nend\n");
        assert_eq!(got[0], ("create".into(), vec!["-b".into()]));
        assert_eq!(got[1], ("set".into(), vec!["zonepath=/zones/www".into()]));
        assert_eq!(got[3], ("set".into(), vec!["physical=www0".into()]));
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn semicolons_lists_complex_and_quotes() {
        let src = "add rctl; set name=zone.cpu-cap; add value (priv=privileged,limit=100,action=deny); end;\n\
                   set limitpriv=\"default,sys_time\"\nadd fs\nset options=[ro, \"no devices\"]\nend";
        let got = cmds(src);
        assert_eq!(
            got[2].1,
            vec![
                "value".to_owned(),
                "(priv=privileged,limit=100,action=deny)".to_owned()
            ]
        );
        assert_eq!(got[6].1, vec!["options=[ro, \"no devices\"]".to_owned()]);
    }

    #[test]
    fn comments_blanks_and_crlf() {
        let got = cmds("# a comment\n\n   \ncreate -b\r\nexit\n");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn lenient_values_after_equals() {
        let got = cmds("set value=cpus=16,sockets=2\nset bootargs=-m verbose\n");
        assert_eq!(got[0].1, vec!["value=cpus=16,sockets=2".to_owned()]);
        assert_eq!(
            got[1].1,
            vec!["bootargs=-m".to_owned(), "verbose".to_owned()]
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = parse("create -b\n...\n").expect_err("elided line");
        assert_eq!(e.span, Span::new(10, 13));
        assert_eq!(e.message, "expected a zonecfg subcommand, found '...'");
        let e = parse("set bootargs=\"-m verbose\n").expect_err("open quote");
        assert!(
            e.message.starts_with("expected a closing '\"'"),
            "{}",
            e.message
        );
        let e = parse("add value (priv=privileged limit=1)\n").expect_err("missing comma");
        assert!(
            e.message.starts_with("expected ',' or ')'"),
            "{}",
            e.message
        );
        let e = parse("set x=\n").expect_err("no value");
        assert!(
            e.message.starts_with("expected a value after '='"),
            "{}",
            e.message
        );
    }
}
