//! The machine formats against their schemas: the JSON report against
//! `schema/report-v1.schema.json` (ours, draft 2020-12) and the SARIF log
//! against the official SARIF 2.1.0 schema (draft 4, kept offline in
//! `schema/sarif-schema-2.1.0.json`). Each schema is also shown to reject a
//! broken document, so a schema that accepts everything cannot pass here.

mod render_fixture;

use jsonschema::Validator;
use serde_json::{Value, json};

use render_fixture::{TOOL_VERSION, clean, clean_but_skipped, repetitive, sample};
use zrules::render::{Format, RenderOptions, render};
use zrules::{Report, Sources};

fn schema(name: &str) -> Value {
    let path = format!("{}/schema/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn validator(name: &str) -> Validator {
    let schema = schema(name);
    jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{name} is a valid schema: {e}"));
    // No retriever is configured and the crate's HTTP and file resolvers are
    // compiled out: a remote `$ref` would fail here instead of going online.
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name} compiles: {e}"))
}

fn rendered(format: Format, (report, sources): (Report, Sources)) -> Value {
    let opts = RenderOptions {
        color: false,
        statistics: false,
        tool_version: TOOL_VERSION,
    };
    let text = render(&report, &sources, format, &opts);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{format:?} output is JSON: {e}\n{text}"))
}

/// What a negative test breaks, and how.
type Breakage = (&'static str, fn(&mut Value));

/// Removes `key` from `v`, which the test knows is an object.
fn remove(v: &mut Value, key: &str) {
    let removed = v.as_object_mut().and_then(|o| o.remove(key));
    assert!(removed.is_some(), "{key} was there to remove");
}

fn errors(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn reports() -> Vec<(&'static str, (Report, Sources))> {
    vec![
        ("sample", sample()),
        ("clean", clean()),
        ("clean_but_skipped", clean_but_skipped()),
        ("repetitive", repetitive()),
    ]
}

#[test]
fn json_reports_match_the_v1_schema() {
    let v = validator("report-v1.schema.json");
    for (name, report) in reports() {
        let doc = rendered(Format::Json, report);
        assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn the_v1_schema_rejects_broken_reports() {
    let v = validator("report-v1.schema.json");
    let good = rendered(Format::Json, sample());
    let breakages: Vec<Breakage> = vec![
        ("wrong version", |d| d["version"] = json!(2)),
        ("missing help key", |d| {
            remove(&mut d["diagnostics"][0], "help")
        }),
        ("unknown key in a diagnostic", |d| {
            d["diagnostics"][0]["extra"] = json!(true)
        }),
        ("line without file", |d| {
            d["diagnostics"][0]["file"] = Value::Null
        }),
        ("file without line", |d| {
            d["diagnostics"][4]["file"] = json!("x.cfg")
        }),
        ("column zero", |d| d["diagnostics"][0]["column"] = json!(0)),
        ("severity outside the three", |d| {
            d["diagnostics"][0]["severity"] = json!("fatal")
        }),
        ("malformed code", |d| d["skipped"][0]["code"] = json!("Z6")),
        ("related without a place", |d| {
            d["diagnostics"][1]["related"][0]["file"] = Value::Null
        }),
        ("negative count", |d| d["summary"]["errors"] = json!(-1)),
    ];
    for (what, breakage) in breakages {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(!v.is_valid(&doc), "the schema accepts a report with {what}");
    }
}

#[test]
fn json_summary_agrees_with_the_lists() {
    for (name, report) in reports() {
        let doc = rendered(Format::Json, report);
        let diags = doc["diagnostics"]
            .as_array()
            .expect("diagnostics is an array");
        let count = |s: &str| diags.iter().filter(|d| d["severity"] == s).count();
        let summary = &doc["summary"];
        assert_eq!(summary["errors"], count("error"), "{name}");
        assert_eq!(summary["warnings"], count("warning"), "{name}");
        assert_eq!(summary["info"], count("info"), "{name}");
        assert_eq!(
            summary["skipped"],
            doc["skipped"].as_array().map(Vec::len).unwrap_or(0),
            "{name}"
        );
    }
}

#[test]
fn sarif_logs_match_the_official_schema() {
    let v = validator("sarif-schema-2.1.0.json");
    for (name, report) in reports() {
        let doc = rendered(Format::Sarif, report);
        assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn the_sarif_schema_rejects_broken_logs() {
    let v = validator("sarif-schema-2.1.0.json");
    let good = rendered(Format::Sarif, sample());
    let breakages: Vec<Breakage> = vec![
        ("another version", |d| d["version"] = json!("2.0.0")),
        ("level info (SARIF says note)", |d| {
            d["runs"][0]["results"][4]["level"] = json!("info")
        }),
        ("line zero", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0);
        }),
        ("a result without message", |d| {
            remove(&mut d["runs"][0]["results"][0], "message");
        }),
        ("a driver without name", |d| {
            remove(&mut d["runs"][0]["tool"]["driver"], "name");
        }),
    ];
    for (what, breakage) in breakages {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(
            !v.is_valid(&doc),
            "the SARIF schema accepts a log with {what}"
        );
    }
}

/// Cross-references inside the log: every result and notification names a
/// rule the driver lists, at the index it claims.
#[test]
fn sarif_rule_references_resolve() {
    let doc = rendered(Format::Sarif, sample());
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules is an array");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("rule id is a string"))
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique: {ids:?}");
    for r in run["results"].as_array().expect("results is an array") {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(r["ruleId"], ids[i]);
    }
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 3);
    for n in notes {
        let i = n["associatedRule"]["index"].as_u64().expect("index") as usize;
        assert_eq!(n["associatedRule"]["id"], ids[i]);
    }
}
