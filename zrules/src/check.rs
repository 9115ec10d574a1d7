//! One run of the checks: configurations, captures and a policy in, a
//! [`Report`] out.
//!
//! This is the library's front door. It reads nothing itself: the binary (or
//! `zgen`, or `zmigrate`) hands it texts. A file that does not parse becomes
//! a `Z00` finding and the run goes on with the others; captures checked
//! together form a fleet, so MAC collisions between hosts are found too.
//! The policy's selection, exceptions and severity overrides are applied
//! here, after the rules ran, so no rule has to know about them.

use std::sync::Arc;

use crate::capture;
use crate::diagnostic::{Assumption, Check, Code, Diagnostic, Diagnostics, Report, Severity};
use crate::facts::HostFacts;
use crate::input::Unreadable;
use crate::names::validate_zone_name;
use crate::policy::Policy;
use crate::rules::{self, HostCx, PolicyGlobs, ZoneCx};
use crate::source::{FileId, Location, Sources};
use crate::span::Span;
use crate::zonecfg::{self, Release, ZoneConfig};

pub use crate::input::{CaptureInput, CheckInput, ConfigInput, zone_from_file_name};

/// The report and the texts it points into.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub sources: Sources,
}

fn parse_error(
    file: FileId,
    zone: &str,
    host: Option<&str>,
    e: &zonecfg::SyntaxError,
) -> Diagnostic {
    Diagnostic::new(
        Code::Z00,
        Check::Parse,
        Severity::Error,
        format!("cannot read zone configuration: {}", e.message),
    )
    .at(Location::new(file, e.span))
    .with_zone(zone)
    .with_host_opt(host)
}

/// A zone with its configuration, before contexts are built.
struct Zone {
    name: String,
    file: FileId,
    config: ZoneConfig,
    /// Index into the run's hosts.
    host: Option<usize>,
}

/// Runs every check on a copy of the texts (see [`run_owned`]).
pub fn run(input: &CheckInput, policy: &Policy) -> Outcome {
    run_owned(input.clone(), policy)
}

/// Runs every check, moving the input's texts into the outcome's
/// [`Sources`] rather than copying them, so each text is held once for the
/// whole run: `zrules check` keeps peak memory within a few times its
/// largest input this way (`zrules/benches/memory.rs`).
pub fn run_owned(input: CheckInput, policy: &Policy) -> Outcome {
    let CheckInput {
        configs,
        captures,
        problems: unread,
    } = input;
    let mut sources = Sources::new();
    let mut out = Diagnostics::new();
    let globs = match PolicyGlobs::new(policy) {
        Ok(g) => g,
        // `Policy::from_yaml` validates globs; a policy built in code may not.
        Err(e) => {
            out.push(Diagnostic::new(
                Code::Z00,
                Check::Parse,
                Severity::Error,
                format!("bad package glob in the policy: {e}"),
            ));
            PolicyGlobs::new(&Policy {
                zone_package_deny: vec![],
                gz_package_deny: vec![],
                gz_package_allow: vec![],
                ..policy.clone()
            })
            .expect("empty glob lists compile")
        }
    };
    let mut zones = Vec::new();

    // Files that could not be read are registered among the others (by
    // name among the configurations, after their capture's files), so their
    // findings sort with the files around them.
    let mut problems: Vec<&Unreadable> = unread.iter().collect();
    problems.sort_by(|a, b| a.name.cmp(&b.name));
    let mut unreadable =
        |sources: &mut Sources, out: &mut Diagnostics, take: &dyn Fn(&Unreadable) -> bool| {
            let (now, later): (Vec<_>, Vec<_>) = problems.iter().partition(|u| take(u));
            problems = later;
            for u in now {
                for d in crate::input::diagnostics(std::slice::from_ref(u), sources) {
                    out.push(d);
                }
            }
        };
    let files = configs.len() + unread.iter().filter(|p| p.host.is_none()).count();
    for c in configs {
        unreadable(&mut sources, &mut out, &|u| {
            u.host.is_none() && u.name < c.name
        });
        let file = sources.add(c.name.clone(), c.text);
        let zone = c
            .zone
            .clone()
            .unwrap_or_else(|| zone_from_file_name(&c.name));
        if let Err(e) = validate_zone_name(&zone) {
            out.push(
                Diagnostic::new(
                    Code::Z00,
                    Check::Parse,
                    Severity::Error,
                    format!("{e}; name the file ZONE.zonecfg or pass --zone"),
                )
                .at(Location::new(file, Span::at(0)))
                .with_zone(zone.clone()),
            );
            continue;
        }
        // A file on its own does not say which release it is for.
        match zonecfg::parse_resolved(
            Arc::clone(&sources.get(file).text),
            &zone,
            &Release::Assumed,
        ) {
            Ok(config) => zones.push(Zone {
                config,
                name: zone,
                file,
                host: None,
            }),
            Err(e) => out.push(parse_error(file, &zone, None, &e)),
        }
    }

    let mut facts: Vec<HostFacts> = Vec::new();
    let mut host_names = Vec::with_capacity(captures.len());
    for (i, cap) in captures.into_iter().enumerate() {
        let (hf, diags) = capture::load_at(&cap.root, &cap.host, cap.files, &mut sources);
        for d in diags {
            out.push(d);
        }
        let release = Release::of(&hf);
        for (name, zc) in &hf.ngz {
            let Some(file) = zc.config else {
                out.skip(
                    Code::Z00,
                    Check::Parse,
                    Some(name),
                    Some(&cap.host),
                    "the capture has no zonecfg export of this zone: its rules did not run",
                );
                continue;
            };
            match zonecfg::parse_resolved(Arc::clone(&sources.get(file).text), name, &release) {
                Ok(config) => zones.push(Zone {
                    name: name.clone(),
                    file,
                    config,
                    host: Some(i),
                }),
                Err(e) => out.push(parse_error(file, name, Some(&cap.host), &e)),
            }
        }
        let prefix = format!("{}/", cap.root.trim_end_matches('/'));
        unreadable(&mut sources, &mut out, &|u| {
            u.host.as_deref() == Some(cap.host.as_str()) && u.name.starts_with(&prefix)
        });
        facts.push(hf);
        host_names.push(cap.host);
    }

    unreadable(&mut sources, &mut out, &|_| true);

    let hosts: Vec<HostCx<'_>> = facts
        .iter()
        .map(|f| HostCx {
            facts: f,
            policy,
            globs: &globs,
            primary: rules::primary_address(f, policy),
        })
        .collect();
    let contexts: Vec<ZoneCx<'_>> = zones
        .iter()
        .map(|z| {
            let host = z.host.map(|i| &hosts[i]);
            let hf = host.map(|h| h.facts);
            ZoneCx {
                zone: &z.name,
                file: z.file,
                config: &z.config,
                policy,
                globs: &globs,
                entry: hf
                    .and_then(|f| f.zones.as_ref())
                    .and_then(|zs| zs.iter().find(|e| e.value.name == z.name)),
                system: hf
                    .and_then(|f| f.ngz.get(&z.name))
                    .map(|zc| &zc.system)
                    .filter(|s| has_any(s)),
                host,
            }
        })
        .collect();
    rules::run(&contexts, &hosts, policy, &mut out);

    // Said once per zone, so a reader knows what a clean result rests on.
    let assumptions = zones
        .iter()
        .filter(|z| z.config.template_assumed)
        .map(|z| Assumption {
            zone: Some(z.name.clone()),
            host: z.host.map(|i| host_names[i].clone()),
            text: zonecfg::template::ASSUMED_TEMPLATE.into(),
        })
        .collect();
    let mut report = Report {
        diagnostics: Vec::new(),
        skipped: Vec::new(),
        assumptions,
        // Configuration files found, checkable or not.
        files,
        zones: zones.len(),
        hosts: host_names.len(),
    };
    // The models and facts are done with: freed before the findings are
    // sorted, so the two are not held together.
    drop(contexts);
    drop(hosts);
    drop(zones);
    drop(facts);
    apply_policy(out, policy, &mut report);
    Outcome { report, sources }
}

/// Whether anything was captured inside the zone (a zone that was not
/// running has nothing, and its in-zone checks are skipped, not passed).
fn has_any(s: &crate::facts::SystemFacts) -> bool {
    s.nodename.is_some() || s.packages.is_some() || s.passwd.is_some() || !s.svc_deps.is_empty()
}

fn selected(policy: &Policy, code: Code, check: Check) -> bool {
    // Z00 is never filtered away: unread input must always be visible.
    code == Code::Z00
        || ((policy.select.is_empty() || policy.select.iter().any(|s| s.matches(code, check)))
            && !policy.ignore.iter().any(|s| s.matches(code, check)))
}

fn excepted(policy: &Policy, d: &Diagnostic) -> bool {
    policy.exceptions.iter().any(|e| {
        let zone_ok = match d.zone() {
            Some(z) => e.zone == z,
            None => e.zone == "global",
        };
        zone_ok
            && e.host.as_ref().is_none_or(|h| d.host() == Some(h))
            && e.rules.iter().any(|r| r.matches(d.code, d.check))
    })
}

fn apply_policy(out: Diagnostics, policy: &Policy, report: &mut Report) {
    // Filtered in the sink's chunks, then moved into one vector of the
    // findings kept: a run with a finding per input row holds its findings
    // once, plus a chunk.
    let (mut found, skipped) =
        out.into_found(|d| selected(policy, d.code, d.check) && !excepted(policy, d));
    for d in &mut found {
        // A check-level override beats a code-level one.
        let over = policy
            .severity
            .iter()
            .filter(|(spec, _)| spec.matches(d.code, d.check))
            .max_by_key(|(spec, _)| spec.check.is_some())
            .map(|(_, s)| *s);
        if let Some(s) = over {
            d.severity = s;
        }
    }
    // Sources are added in input order (files sorted by path, then
    // captures), so the file's index orders findings by file.
    sort_stable_by(&mut found, |a, b| {
        let key = |d: &Diagnostic| {
            (
                d.location().is_none(),
                d.location().map(|l| (l.file, l.span.start)),
                d.code,
                d.check.as_str(),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.message().cmp(&b.message()))
    });
    found.dedup();
    report.diagnostics = found;
    // Skips come out zone by zone in input order, then host by host, which
    // is deterministic already; a check skipped twice for the same reason
    // (once per missing input) is reported once.
    let mut skipped: Vec<_> = skipped
        .into_iter()
        .filter(|s| selected(policy, s.code, s.check))
        .collect();
    skipped.dedup();
    report.skipped = skipped;
}

/// A stable sort that needs scratch memory for indices only: the standard
/// stable sort borrows a buffer of up to half the slice's elements, which
/// for a run with a finding per input row was as large as the input. The
/// indices (4 bytes each) are sorted, then the elements are moved into place
/// cycle by cycle, by swaps. Rules mostly report in input order, so a slice
/// already in order is left as it is, without the indices.
fn sort_stable_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
    if v.is_sorted_by(|a, b| cmp(a, b).is_le()) {
        return;
    }
    let len = u32::try_from(v.len()).expect("fewer than 2^32 findings");
    let mut order: Vec<u32> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(&v[a as usize], &v[b as usize]));
    // Position `i` takes the element at `order[i]`; a visited position is
    // marked by `order[i] == i`.
    for start in 0..order.len() {
        let mut at = start;
        while order[at] as usize != start && order[at] as usize != at {
            let from = order[at] as usize;
            v.swap(at, from);
            order[at] = at as u32;
            at = from;
        }
        order[at] = at as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_sort_is_stable_and_sorts() {
        // Pairs sorted by their first member only: equal keys keep their
        // order, whatever the permutation's cycles look like.
        for n in [0usize, 1, 2, 3, 7, 64, 1000] {
            let mut v: Vec<(usize, usize)> = (0..n).map(|i| ((i * 7919 + 13) % 11, i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            sort_stable_by(&mut v, |a, b| a.0.cmp(&b.0));
            assert_eq!(v, want, "n = {n}");
        }
    }

    #[test]
    fn zone_names_from_files() {
        assert_eq!(zone_from_file_name("configs/www.zonecfg"), "www");
        assert_eq!(zone_from_file_name("db.cfg"), "db");
        assert_eq!(zone_from_file_name("x/mail.export"), "mail");
        assert_eq!(zone_from_file_name("web.prod.zonecfg"), "web.prod");
    }

    #[test]
    fn a_bad_file_does_not_stop_the_others() {
        let input = CheckInput {
            configs: vec![
                ConfigInput {
                    zone: None,
                    name: "bad.zonecfg".into(),
                    text: "create -b\n...\n".into(),
                },
                ConfigInput {
                    zone: None,
                    name: "www.zonecfg".into(),
                    text: "create -b\nset zonepath=/export/www\n".into(),
                },
            ],
            captures: vec![],
            problems: vec![],
        };
        let o = run(&input, &Policy::default());
        let codes: Vec<_> = o.report.diagnostics.iter().map(|d| d.rule_id()).collect();
        assert!(codes.contains(&"Z00 parse".to_owned()), "{codes:?}");
        assert!(codes.contains(&"Z08 zonepath".to_owned()), "{codes:?}");
        assert_eq!(o.report.zones, 1);
    }
}
