//! `zrules layout --format json` (schema `zrules-layout/1`, docs/layout.md):
//! the document is a snapshot for review, it validates against
//! `schema/layout-v1.schema.json` (which rejects broken documents), and
//! every entry, with a zone name put in place of the placeholder and
//! wrapped as the document says, is exactly the command and path
//! `zrules::capture` gives `zmigrate collect`. So a collector that follows
//! the document runs what `zmigrate collect` runs.

use serde_json::{Value, json};
use zrules::capture::{self, LAYOUT, Scope};
use zrules::shell::quote;

fn document() -> Value {
    serde_json::from_str(&capture::describe_layout_json()).expect("the layout is JSON")
}

fn words(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|w| w.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn the_document_is_stable() {
    insta::assert_snapshot!(capture::describe_layout_json());
}

#[test]
fn the_binary_prints_the_document_and_keeps_the_table_as_default() {
    let bin = env!("CARGO_BIN_EXE_zrules");
    let json = std::process::Command::new(bin)
        .args(["layout", "--format", "json"])
        .output()
        .expect("run zrules");
    assert!(json.status.success());
    assert_eq!(
        String::from_utf8(json.stdout).expect("utf-8"),
        capture::describe_layout_json()
    );
    for args in [&["layout"][..], &["layout", "--format", "text"]] {
        let text = std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("run zrules");
        assert!(text.status.success());
        assert_eq!(
            String::from_utf8(text.stdout).expect("utf-8"),
            capture::describe_layout()
        );
    }
    let bad = std::process::Command::new(bin)
        .args(["layout", "--format", "yaml"])
        .output()
        .expect("run zrules");
    assert_eq!(bad.status.code(), Some(2));
}

/// A collector following the document: the command for `zone`.
fn argv_for(entry: &Value, zone: &str) -> Vec<String> {
    let placeholder = document()["zone_placeholder"]
        .as_str()
        .expect("placeholder")
        .to_owned();
    let fill = |w: String| w.replace(&placeholder, zone);
    let argv: Vec<String> = words(&entry["argv"]).into_iter().map(fill).collect();
    match entry.get("via") {
        None => argv,
        Some(via) => words(via)
            .into_iter()
            .map(fill)
            .chain(argv.iter().map(|w| quote(w)))
            .collect(),
    }
}

#[test]
fn every_entry_is_the_command_zmigrate_collect_runs() {
    let doc = document();
    let entries = doc["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), LAYOUT.len(), "one entry per row, in order");
    for (entry, row) in entries.iter().zip(LAYOUT) {
        for zone in ["www", "db-1", "z.2_a"] {
            assert_eq!(
                argv_for(entry, zone),
                row.command(Some(zone)).argv(),
                "{entry}"
            );
            let file = entry["file"]
                .as_str()
                .expect("file")
                .replace("{zone}", zone);
            assert_eq!(file, row.path(Some(zone)));
        }
        let scope = match row.scope {
            Scope::Global => "global",
            Scope::ZoneConfig => "per-zone",
            Scope::InZone => "in-zone",
        };
        assert_eq!(entry["scope"], scope);
        assert_eq!(entry["purpose"], row.purpose);
        assert_eq!(
            words(&entry["checks"]),
            row.checks
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        );
    }
    // A word the zone's shell would read differently is quoted for it: the
    // quoting `via` asks for is the one `zlogin` lines get everywhere.
    let odd = json!({"argv": ["echo", "a b", "{zone}"], "via": ["zlogin", "{zone}"]});
    assert_eq!(
        argv_for(&odd, "www"),
        ["zlogin", "www", "echo", "'a b'", "www"]
    );
}

fn validator() -> jsonschema::Validator {
    let path = format!(
        "{}/schema/layout-v1.schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::meta::validate(&schema).expect("a valid schema");
    jsonschema::options().build(&schema).expect("compiles")
}

#[test]
fn the_document_matches_its_schema_and_the_schema_rejects_broken_ones() {
    let v = validator();
    let doc = document();
    if let Err(e) = v.validate(&doc) {
        panic!("layout JSON does not match its schema: {e}");
    }
    let mut broken = Vec::new();
    let mut d = doc.clone();
    d["schema"] = json!("zrules-layout/2");
    broken.push(d);
    let mut d = doc.clone();
    d["entries"][0]["scope"] = json!("everywhere");
    broken.push(d);
    let mut d = doc.clone();
    let last = doc["entries"].as_array().expect("entries").len() - 1;
    d["entries"][last]
        .as_object_mut()
        .expect("entry")
        .remove("via");
    broken.push(d);
    let mut d = doc.clone();
    d["entries"][0]["via"] = json!(["zlogin", "{zone}"]);
    broken.push(d);
    let mut d = doc.clone();
    d["entries"][0]["argv"] = json!([]);
    broken.push(d);
    let mut d = doc;
    d["entries"][0]["checks"] = json!(["house rule 5"]);
    broken.push(d);
    for d in broken {
        assert!(!v.is_valid(&d), "accepted a broken document");
    }
}
