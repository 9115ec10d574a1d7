//! `--limit PATTERN`: choosing hosts of an inventory with an Ansible host
//! pattern, so an operator selects the same hosts for `zmigrate` as for
//! `ansible-playbook --limit`.
//!
//! The semantics are those of Ansible's guide "Patterns: targeting hosts
//! and groups" (docs.ansible.com, `inventory_guide/intro_patterns`):
//!
//! * terms are separated by `:` or `,`; a term is a host name, a group name
//!   (its hosts and its descendants'), `all` or `*` (every host), or a
//!   wildcard with `*` (and `?`, `[…]` as in fnmatch) matched against host
//!   and group names alike;
//! * `!TERM` removes hosts, `&TERM` keeps only hosts also in TERM;
//! * "pattern processing order": first every plain term is added (union),
//!   then every `&` term intersects, then every `!` term removes, whatever
//!   order they are written in (`a:b:&c:!d == !d:a:&c:b`);
//! * a subscript picks hosts by position in a group: `web[0]`, `web[-1]`,
//!   `web[0:2]` (both ends inclusive, either may be left out).
//!
//! A term matching no host or group is not an error in Ansible (it warns
//! "Could not match supplied host pattern, ignoring"); [`Selection`] lists
//! such terms so the caller warns the same way. Regular expressions
//! (`~…`) and `@FILE` retry lists are refused: they are not supported.
//! Hosts come out in inventory order, each once.

use std::collections::BTreeSet;
use std::str::FromStr;

use globset::{GlobBuilder, GlobMatcher};

use super::inventory::{ALL, Inventory, InventoryHost};

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("the pattern is empty")]
    Empty,
    #[error("'{0}': regular expressions (~) are not supported; use * wildcards")]
    Regex(String),
    #[error("'{0}': @FILE lists are not supported; name the hosts or groups")]
    File(String),
    #[error("'{term}': {reason}")]
    Bad { term: String, reason: String },
}

/// How a term combines with the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Union,
    Intersect,
    Exclude,
}

/// What a term names.
#[derive(Clone, Debug)]
enum Matcher {
    /// A host or group name, exactly.
    Name(String),
    /// A wildcard over host and group names.
    Glob(GlobMatcher),
}

/// A subscript: `[i]` or `[i:j]` (inclusive), negative from the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subscript {
    One(i64),
    Range(Option<i64>, Option<i64>),
}

#[derive(Clone, Debug)]
struct Term {
    op: Op,
    text: String,
    matcher: Matcher,
    subscript: Option<Subscript>,
}

/// A parsed host pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    terms: Vec<Term>,
}

/// The hosts a pattern selects, and the terms that matched nothing.
#[derive(Debug)]
pub struct Selection<'a> {
    pub hosts: Vec<&'a InventoryHost>,
    pub unmatched: Vec<String>,
}

impl FromStr for Pattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut terms = Vec::new();
        for raw in split_terms(s) {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let (op, rest) = match raw.as_bytes()[0] {
                b'!' => (Op::Exclude, &raw[1..]),
                b'&' => (Op::Intersect, &raw[1..]),
                _ => (Op::Union, raw),
            };
            if rest.starts_with('~') {
                return Err(PatternError::Regex(raw.to_owned()));
            }
            if rest.starts_with('@') {
                return Err(PatternError::File(raw.to_owned()));
            }
            let bad = |reason: &str| PatternError::Bad {
                term: raw.to_owned(),
                reason: reason.to_owned(),
            };
            let (name, subscript) = split_subscript(rest).map_err(|r| bad(&r))?;
            if name.is_empty() {
                return Err(bad("no host or group name"));
            }
            let matcher = if name.contains(['*', '?', '[']) {
                let glob = GlobBuilder::new(name)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| bad(&e.kind().to_string()))?;
                Matcher::Glob(glob.compile_matcher())
            } else {
                Matcher::Name(name.to_owned())
            };
            terms.push(Term {
                op,
                text: raw.to_owned(),
                matcher,
                subscript,
            });
        }
        if terms.is_empty() {
            return Err(PatternError::Empty);
        }
        Ok(Pattern { terms })
    }
}

/// Splits at `:` and `,`, but not inside a subscript (`web[0:2]`).
fn split_terms(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ':' | ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `web[0:2]` → (`web`, Range(0, 2)). A trailing `[N]` or `[N:M]` (N, M
/// optional, maybe negative integers) is a subscript, as in Ansible's
/// pattern parser; any other `[…]` is a wildcard class (`web[2-3]`).
fn split_subscript(term: &str) -> Result<(&str, Option<Subscript>), String> {
    let Some((name, inner)) = term
        .strip_suffix(']')
        .and_then(|b| b.rfind('[').map(|o| (&b[..o], &b[o + 1..])))
    else {
        return Ok((term, None));
    };
    let int = |s: &str| -> Option<Option<i64>> {
        if s.is_empty() {
            return Some(None);
        }
        let digits = s.strip_prefix('-').unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().map(Some)
    };
    let sub = match inner.split_once(':') {
        None => match int(inner) {
            Some(Some(i)) => Subscript::One(i),
            _ => return Ok((term, None)),
        },
        Some((a, b)) => match (int(a), int(b)) {
            (Some(None), Some(None)) => {
                return Err("[:] selects nothing: give a start or an end".to_owned());
            }
            (Some(x), Some(y)) => Subscript::Range(x, y),
            _ => return Ok((term, None)),
        },
    };
    Ok((name, Some(sub)))
}

impl Subscript {
    /// The positions of `len` hosts it picks (Python's indexing, the end
    /// inclusive as Ansible's guide says).
    fn pick<T: Copy>(self, items: &[T]) -> Vec<T> {
        let len = items.len() as i64;
        let at = |i: i64| if i < 0 { len + i } else { i };
        match self {
            Subscript::One(i) => {
                let i = at(i);
                if (0..len).contains(&i) {
                    vec![items[i as usize]]
                } else {
                    Vec::new()
                }
            }
            Subscript::Range(a, b) => {
                let a = at(a.unwrap_or(0)).max(0);
                let b = b.map_or(len - 1, at).min(len - 1);
                if a > b {
                    return Vec::new();
                }
                items[a as usize..=b as usize].to_vec()
            }
        }
    }
}

impl Pattern {
    /// The hosts of `inv` the pattern selects, in inventory order.
    pub fn select<'a>(&self, inv: &'a Inventory) -> Selection<'a> {
        let mut unmatched = Vec::new();
        let mut matched = |t: &Term| -> BTreeSet<usize> {
            let found = term_hosts(inv, t);
            if found.is_none() {
                unmatched.push(t.text.clone());
            }
            found.unwrap_or_default()
        };
        let mut chosen: BTreeSet<usize> = BTreeSet::new();
        let by = |op| self.terms.iter().filter(move |t| t.op == op);
        for t in by(Op::Union) {
            chosen.extend(matched(t));
        }
        // Only `&` or `!` terms: they act on every host (as `all:&x`).
        if by(Op::Union).next().is_none() {
            chosen.extend(0..inv.hosts().len());
        }
        for t in by(Op::Intersect) {
            let keep = matched(t);
            chosen.retain(|i| keep.contains(i));
        }
        for t in by(Op::Exclude) {
            let drop = matched(t);
            chosen.retain(|i| !drop.contains(i));
        }
        Selection {
            hosts: chosen.into_iter().map(|i| &inv.hosts()[i]).collect(),
            unmatched,
        }
    }
}

/// The indices of the hosts one term names; `None` when it names no host
/// and no group.
fn term_hosts(inv: &Inventory, t: &Term) -> Option<BTreeSet<usize>> {
    let pos = |h: &InventoryHost| {
        inv.hosts()
            .iter()
            .position(|x| x.name == h.name)
            .unwrap_or(usize::MAX)
    };
    let mut hosts: Vec<usize> = Vec::new();
    let mut any = false;
    let mut add_group = |g: &str, hosts: &mut Vec<usize>| {
        if let Some(members) = inv.group_hosts_listed(g) {
            any = true;
            let members: Vec<usize> = members.iter().map(|h| pos(h)).collect();
            match t.subscript {
                Some(s) => hosts.extend(s.pick(&members)),
                None => hosts.extend(members),
            }
        }
    };
    match &t.matcher {
        Matcher::Name(n) if n == "*" => add_group(ALL, &mut hosts),
        Matcher::Name(n) => {
            add_group(n, &mut hosts);
            if let Some(h) = inv.host(n) {
                any = true;
                let one = [pos(h)];
                match t.subscript {
                    Some(s) => hosts.extend(s.pick(&one)),
                    None => hosts.push(pos(h)),
                }
            }
        }
        Matcher::Glob(glob) => {
            let groups: Vec<&str> = inv.group_names().filter(|g| glob.is_match(g)).collect();
            for g in groups {
                add_group(g, &mut hosts);
            }
            for (i, h) in inv.hosts().iter().enumerate() {
                if glob.is_match(&h.name) {
                    any = true;
                    hosts.push(i);
                }
            }
        }
    }
    any.then(|| hosts.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INV: &str = "\
[web]
web[1:3]
[db]
db1
web2
[staging]
web1
db1
[atlanta]
web3
db1
[dc:children]
web
db
";

    fn sel(p: &str) -> Vec<String> {
        let inv = Inventory::parse_ini(INV).expect("inventory");
        let pat: Pattern = p.parse().expect(p);
        pat.select(&inv)
            .hosts
            .iter()
            .map(|h| h.name.clone())
            .collect()
    }

    #[test]
    fn the_guides_patterns() {
        assert_eq!(sel("all"), ["web1", "web2", "web3", "db1"]);
        assert_eq!(sel("*"), sel("all"));
        assert_eq!(sel("web1"), ["web1"]);
        assert_eq!(sel("web1:db1"), ["web1", "db1"]);
        assert_eq!(sel("web1,db1"), ["web1", "db1"]);
        assert_eq!(sel("web"), ["web1", "web2", "web3"]);
        assert_eq!(sel("web:db"), ["web1", "web2", "web3", "db1"]);
        assert_eq!(sel("web:!atlanta"), ["web1", "web2"]);
        assert_eq!(sel("web:&staging"), ["web1"]);
        assert_eq!(sel("web:db:&staging:!atlanta"), ["web1"]);
        assert_eq!(sel("dc"), ["web1", "web2", "web3", "db1"], "children count");
        assert_eq!(sel("web*"), ["web1", "web2", "web3"]);
        assert_eq!(sel("*1"), ["web1", "db1"]);
        assert_eq!(sel("w?b[2-3]"), ["web2", "web3"]);
        assert_eq!(sel("!atlanta"), ["web1", "web2"]);
    }

    #[test]
    fn processing_order_is_union_then_intersection_then_exclusion() {
        // The guide: a:b:&c:!d:!e == &c:a:!d:b:!e == !d:a:!e:&c:b
        let a = sel("web:db:&staging:!atlanta:!web2");
        assert_eq!(a, sel("&staging:web:!atlanta:db:!web2"));
        assert_eq!(a, sel("!atlanta:web:!web2:&staging:db"));
    }

    #[test]
    fn subscripts_pick_by_position() {
        assert_eq!(sel("web[0]"), ["web1"]);
        assert_eq!(sel("web[-1]"), ["web3"]);
        assert_eq!(sel("web[0:1]"), ["web1", "web2"]);
        assert_eq!(sel("web[1:]"), ["web2", "web3"]);
        assert_eq!(sel("web[:0]"), ["web1"]);
        assert_eq!(sel("web[2:1]"), Vec::<String>::new());
        // Positions count in the group's own order (db lists db1 first),
        // the result comes in inventory order.
        assert_eq!(sel("db[0]"), ["db1"]);
        assert_eq!(sel("db[0]:web[1]"), ["web2", "db1"]);
        assert_eq!(sel("dc[-1]"), ["db1"]);
        assert_eq!(sel("web[7]"), Vec::<String>::new());
    }

    #[test]
    fn unmatched_terms_are_listed_and_unsupported_forms_refused() {
        let inv = Inventory::parse_ini(INV).expect("inventory");
        let pat: Pattern = "web1:nosuch:!gone".parse().expect("pattern");
        let s = pat.select(&inv);
        assert_eq!(s.hosts.len(), 1);
        assert_eq!(s.unmatched, ["nosuch", "!gone"]);
        for (p, want) in [
            ("", "the pattern is empty"),
            (":,", "the pattern is empty"),
            ("~web.*", "regular expressions"),
            ("@retry", "@FILE"),
            ("web[:]", "[:] selects nothing"),
            ("!", "no host or group name"),
        ] {
            let e = p.parse::<Pattern>().expect_err(p);
            assert!(e.to_string().contains(want), "{p}: {e}");
        }
    }

    proptest::proptest! {
        /// Whatever the order of the terms, the result is (union of the
        /// plain terms, or every host) ∩ each `&` term − each `!` term,
        /// computed here from the groups' and hosts' own lists.
        #[test]
        fn order_does_not_matter_and_the_set_algebra_holds(
            terms in proptest::collection::vec((0usize..3, 0usize..9), 1..6),
            rotate in 0usize..6,
        ) {
            let names = ["web", "db", "staging", "atlanta", "dc", "web1", "db1", "web*", "nosuch"];
            let ops = ["", "&", "!"];
            let words: Vec<String> = terms.iter().map(|(o, n)| format!("{}{}", ops[*o], names[*n])).collect();
            let inv = Inventory::parse_ini(INV).expect("inventory");
            let members = |n: &str| -> BTreeSet<String> {
                let pat: Pattern = n.parse().expect("term");
                pat.select(&inv).hosts.iter().map(|h| h.name.clone()).collect()
            };
            let mut want: BTreeSet<String> = BTreeSet::new();
            let plain: Vec<&(usize, usize)> = terms.iter().filter(|(o, _)| *o == 0).collect();
            if plain.is_empty() {
                want = inv.hosts().iter().map(|h| h.name.clone()).collect();
            }
            for (_, n) in &plain {
                want.extend(members(names[*n]));
            }
            for (_, n) in terms.iter().filter(|(o, _)| *o == 1) {
                let keep = members(names[*n]);
                want.retain(|h| keep.contains(h));
            }
            for (_, n) in terms.iter().filter(|(o, _)| *o == 2) {
                let drop = members(names[*n]);
                want.retain(|h| !drop.contains(h));
            }
            let mut rotated = words.clone();
            let k = rotate % rotated.len();
            rotated.rotate_left(k);
            for p in [words.join(":"), rotated.join(",")] {
                let got: BTreeSet<String> = sel(&p).into_iter().collect();
                proptest::prop_assert_eq!(&got, &want, "{}", p);
            }
        }
    }
}
