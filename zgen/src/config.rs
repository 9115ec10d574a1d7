//! Writing zonecfg command files.
//!
//! The text follows the shape of `zonecfg -z ZONE export` (create -b,
//! global properties, then one `add … end` block per resource), so what
//! zgen writes reads like what an operator sees on a host, and it parses
//! back through `zrules` into the same model (the round-trip tests hold
//! the two crates to that). Values are quoted by `zrules`' own zonecfg
//! quoting, which follows the lexer (illumos zonecfg_lex.l): a value with
//! a blank, `;`, `=`, brackets, parentheses or `,` gets double quotes. A
//! value containing `"` or a newline cannot be written at all (zonecfg
//! strings have no escapes) and is refused.

use std::fmt::Write as _;

use zrules::zonecfg::model::quote;

use crate::GenError;

/// One `add RES` … `end` block: `(property, value)` pairs in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: String,
    pub props: Vec<(String, String)>,
}

impl Block {
    pub fn new(kind: &str, props: &[(&str, &str)]) -> Self {
        Self {
            kind: kind.to_owned(),
            props: props
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }
}

/// A zonecfg command, as a small closed set: what zgen ever writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `create -b`: a blank configuration (no template's `anet`).
    CreateBlank,
    /// `set NAME=VALUE` at the global scope.
    Set(String, String),
    /// `add RES` … `end`.
    Add(Block),
    /// `select RES P=V` … `end` with `set` lines inside.
    Select {
        kind: String,
        key: (String, String),
        set: Vec<(String, String)>,
    },
    /// `remove RES P=V`.
    Remove { kind: String, key: (String, String) },
    /// `remove RES`: only when the zone has exactly one of that type
    /// (zonecfg asks for confirmation, which a command file cannot give,
    /// when several match).
    RemoveAll(String),
}

fn value(v: &str) -> Result<String, GenError> {
    if v.contains('"') || v.contains('\n') || v.contains('\r') {
        return Err(GenError::Invalid(format!(
            "zonecfg value {v:?} cannot be written: zonecfg strings have no escapes for '\"' or newlines"
        )));
    }
    Ok(quote(v))
}

/// The command file text, one command per line, resource bodies indented
/// with a tab as `zonecfg export` does.
pub fn write(commands: &[Command]) -> Result<String, GenError> {
    let mut out = String::new();
    for c in commands {
        match c {
            Command::CreateBlank => out.push_str("create -b\n"),
            Command::Set(k, v) => {
                let _ = writeln!(out, "set {k}={}", value(v)?);
            }
            Command::Add(b) => {
                let _ = writeln!(out, "add {}", b.kind);
                for (k, v) in &b.props {
                    let _ = writeln!(out, "\tset {k}={}", value(v)?);
                }
                out.push_str("end\n");
            }
            Command::Select { kind, key, set } => {
                let _ = writeln!(out, "select {kind} {}={}", key.0, value(&key.1)?);
                for (k, v) in set {
                    let _ = writeln!(out, "\tset {k}={}", value(v)?);
                }
                out.push_str("end\n");
            }
            Command::Remove { kind, key } => {
                let _ = writeln!(out, "remove {kind} {}={}", key.0, value(&key.1)?);
            }
            Command::RemoveAll(kind) => {
                let _ = writeln!(out, "remove {kind}");
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_export_shaped_text() {
        let text = write(&[
            Command::CreateBlank,
            Command::Set("zonepath".into(), "/zones/www".into()),
            Command::Add(Block::new(
                "dataset",
                &[("name", "pool1/www/pool1"), ("alias", "pool1")],
            )),
            Command::Select {
                kind: "net".into(),
                key: ("physical".into(), "net1".into()),
                set: vec![("physical".into(), "www0".into())],
            },
            Command::Remove {
                kind: "anet".into(),
                key: ("linkname".into(), "net0".into()),
            },
        ])
        .expect("text");
        assert_eq!(
            text,
            "create -b\nset zonepath=/zones/www\nadd dataset\n\tset name=pool1/www/pool1\n\tset alias=pool1\nend\n\
             select net physical=net1\n\tset physical=www0\nend\nremove anet linkname=net0\n"
        );
    }

    #[test]
    fn values_needing_quotes_get_them_and_unwritable_ones_are_refused() {
        assert_eq!(
            write(&[Command::Set("bootargs".into(), "-m verbose".into())]).expect("q"),
            "set bootargs=\"-m verbose\"\n"
        );
        assert!(write(&[Command::Set("bootargs".into(), "a\"b".into())]).is_err());
    }
}
