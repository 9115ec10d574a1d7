//! Table-driven test of every per-rule fixture under `fixtures/rules/`: each
//! directory must give exactly the findings its name (or `expected.txt`)
//! says, and the rendered diagnostics are snapshotted for review.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use zrules::capture::{LAYOUT, Scope};
use zrules::check::{CaptureInput, CheckInput, ConfigInput, run};
use zrules::policy::Policy;
use zrules::render::{Format, RenderOptions, render};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules")
}

fn is_capture(dir: &Path) -> bool {
    LAYOUT
        .iter()
        .any(|c| c.scope == Scope::Global && dir.join(c.file).is_file())
}

fn read_tree(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for e in fs::read_dir(dir).expect("list capture") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            read_tree(root, &p, files);
        } else {
            let rel = p
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, fs::read_to_string(&p).expect("read capture file"));
        }
    }
}

fn capture(dir: &Path) -> CaptureInput {
    let mut files = BTreeMap::new();
    read_tree(dir, dir, &mut files);
    let host = dir
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    CaptureInput {
        // Named by host, so snapshots do not depend on the checkout's path.
        root: host.clone(),
        host,
        files,
    }
}

/// The inputs of one fixture directory, with names relative to `fixtures/`
/// so snapshots do not depend on where the repository is checked out.
fn input(dir: &Path) -> CheckInput {
    let mut input = CheckInput::default();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    if is_capture(dir) {
        input.captures.push(capture(dir));
    }
    for p in entries {
        if p.extension().is_some_and(|e| e == "zonecfg") {
            let name = p
                .strip_prefix(root())
                .expect("under fixtures/rules")
                .display()
                .to_string();
            input.configs.push(ConfigInput {
                zone: None,
                name,
                text: fs::read_to_string(&p).expect("read"),
            });
        } else if p.is_dir() && is_capture(&p) {
            input.captures.push(capture(&p));
        }
    }
    input
}

fn expected(dir: &Path) -> BTreeSet<String> {
    let name = dir
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    if name.starts_with("compliant") {
        return BTreeSet::new();
    }
    if let Ok(text) = fs::read_to_string(dir.join("expected.txt")) {
        return text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
    }
    let id = name.split("--").next().expect("name");
    let (code, check) = id.split_once('-').expect("CODE-check directory name");
    BTreeSet::from([format!("{code} {check}")])
}

#[test]
fn every_rule_fixture_gives_exactly_its_findings() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root())
        .expect("fixtures/rules")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "fixtures found: {dirs:?}");
    let mut failures = Vec::new();
    for dir in &dirs {
        let policy = fs::read_to_string(dir.join("zrules.yaml")).map_or_else(
            |_| Policy::default(),
            |t| Policy::from_yaml(&t).expect("fixture policy"),
        );
        let outcome = run(&input(dir), &policy);
        let got: BTreeSet<String> = outcome
            .report
            .diagnostics
            .iter()
            .map(|d| d.rule_id())
            .filter(|id| id != "Z91 oui-not-local")
            .collect();
        let want = expected(dir);
        if got != want {
            failures.push(format!("{}: expected {want:?}, got {got:?}", dir.display()));
        }
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let opts = RenderOptions {
            color: false,
            statistics: false,
            tool_version: "test",
        };
        let text = render(&outcome.report, &outcome.sources, Format::Full, &opts);
        insta::assert_snapshot!(name, text);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
