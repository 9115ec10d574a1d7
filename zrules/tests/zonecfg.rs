//! The zonecfg parser against real published files and random documents:
//! lossless printing, spans, the typed model's round trip, and never a panic.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use zrules::span::LineIndex;
use zrules::zonecfg::{self, syntax};

fn real(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/real/zonecfg")
        .join(name);
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Files that are hand-elided in their source (literal `...` lines): they
/// must fail with the position of the first elision.
const ELIDED: &[(&str, usize, usize)] = &[
    ("zonecfg-export-oracle-contrib-kz-memlzr-2.txt", 4, 1),
    ("zonecfg-export-smartos-live-912-1.txt", 1, 1),
];

#[test]
fn every_real_export_and_command_file_parses_losslessly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/real/zonecfg");
    let mut n = 0;
    for e in fs::read_dir(&dir).expect("fixtures") {
        let path = e.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if !name.ends_with(".txt") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("read");
        match ELIDED.iter().find(|(f, _, _)| *f == name) {
            Some((_, line, col)) => {
                let e = zonecfg::parse(&text).expect_err("elided file must not parse");
                let lc = LineIndex::new(&text).line_col(&text, e.span.start());
                assert_eq!((lc.line, lc.column), (*line, *col), "{name}: {}", e.message);
                assert_eq!(&text[e.span.range()], "...", "{name}");
            }
            None => {
                let doc = syntax::parse(&text)
                    .unwrap_or_else(|e| panic!("{name}: {} at {:?}", e.message, e.span));
                assert_eq!(doc.to_string(), text, "{name} round-trips");
                zonecfg::ZoneConfig::from_document(&doc)
                    .unwrap_or_else(|e| panic!("{name}: {}", e.message));
                n += 1;
            }
        }
    }
    assert!(n >= 15, "only {n} real files parsed");
}

#[test]
fn real_values_land_in_the_model() {
    let cfg =
        zonecfg::parse(real("zonecfg-export-oracle-puppet-providers-kz-1.txt")).expect("parses");
    assert_eq!(
        cfg.global_simple("bootargs").map(|s| s.value),
        Some("kz=d -k -m verbose")
    );
    let anet = cfg.resources_of("anet").next().expect("anet");
    assert_eq!(anet.simple("mac-address").map(|s| s.value), Some("auto"));

    let text = real("zonecfg-export-omnios-bhyve-readme-1.txt");
    let cfg = zonecfg::parse(&text).expect("parses");
    let fs0 = cfg.resources_of("fs").next().expect("fs");
    let opts: Vec<&str> = fs0
        .get("options")
        .expect("options")
        .value()
        .members()
        .iter()
        .filter_map(|m| m.as_simple())
        .map(|s| s.value)
        .collect();
    assert_eq!(opts, ["ro", "nodevices"]);
    // Unquoted `=` in attr values: read whole, flagged as a quirk.
    let vcpus = cfg
        .resources_of("attr")
        .find(|a| a.simple("name").is_some_and(|n| n.value == "vcpus"))
        .expect("vcpus");
    assert_eq!(
        vcpus.simple("value").map(|s| s.value),
        Some("cpus=16,sockets=2,cores=4,threads=2")
    );
    assert!(!cfg.quirks.is_empty());

    let cfg =
        zonecfg::parse(real("zonecfg-export-ansible-solaris-zone-role-1.txt")).expect("parses");
    let rctl = cfg.resources_of("rctl").next().expect("rctl");
    let value = rctl.get("value").expect("value").value().members()[0];
    assert_eq!(
        value
            .field("limit")
            .and_then(|v| v.as_simple())
            .map(|s| s.value),
        Some("100")
    );
}

#[test]
fn spans_point_at_the_text() {
    let text = real("zonecfg-export-borges-cookbook-p2v-1.txt");
    let cfg = zonecfg::parse(&text).expect("parses");
    let zp = cfg.zonepath().expect("zonepath");
    assert_eq!(&text[zp.span.range()], "/zones/solaris10");
    let attr = cfg.resources_of("attr").next().expect("attr");
    let name = attr.simple("name").expect("name");
    assert_eq!(name.value, "zonep2vchk-info");
    assert_eq!(&text[name.span.range()], "\"zonep2vchk-info\"");
}

// ---------------------------------------------------------------------------
// Random documents.

fn blank() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec![" ", "\t", "  "]), 0..3)
        .prop_map(|v| v.concat())
}

fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_./:%{}*+-]{1,12}"
}

fn quoted() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _./:=,;()\\[\\]-]{0,16}".prop_map(|s| format!("\"{s}\""))
}

fn member() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9_./:-]{1,8}", quoted()]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => token(),
        2 => quoted(),
        1 => prop::collection::vec(member(), 0..4).prop_map(|m| format!("[{}]", m.join(","))),
        1 => prop::collection::vec(("[a-z]{1,6}", member()), 1..4)
            .prop_map(|p| format!("({})", p.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))),
    ]
}

fn command() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[a-z-]{1,10}", blank(), value()).prop_map(|(n, b, v)| format!("set {n}{b}={b}{v}")),
        token().prop_map(|r| format!("add {r}")),
        (token(), value()).prop_map(|(p, v)| format!("add {p} {v}")),
        Just("end".to_owned()),
        Just("create -b".to_owned()),
        (token(), token()).prop_map(|(r, v)| format!("select {r} name={v}")),
        Just("commit".to_owned()),
        "[a-zA-Z0-9 ]{0,20}".prop_map(|c| format!("# {c}")),
        Just(String::new()),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            blank(),
            command(),
            blank(),
            prop::sample::select(vec!["\n", ";", "\r\n"]),
        ),
        0..25,
    )
    .prop_map(|items| {
        items
            .into_iter()
            .map(|(a, c, b, t)| {
                // A comment runs to the end of the line: never follow it with `;`.
                let t = if c.starts_with('#') && t == ";" {
                    "\n"
                } else {
                    t
                };
                format!("{a}{c}{b}{t}")
            })
            .collect()
    })
}

/// A well-formed configuration: globals, then resources with properties
/// and list members, in random layout (indentation, `;` or newlines).
fn config() -> impl Strategy<Value = String> {
    let prop = ("[a-z][a-z-]{0,9}", prop_oneof![token(), quoted()]);
    let resource = (
        "[a-z][a-z-]{0,7}",
        prop::collection::vec(prop.clone(), 0..4),
        prop::collection::vec(member(), 0..3),
    );
    (
        prop::collection::vec(prop, 0..6),
        prop::collection::vec(resource, 0..5),
        prop::bool::ANY,
    )
        .prop_map(|(globals, resources, semi)| {
            let sep = if semi { "; " } else { "\n\t" };
            let mut out = String::from("create -b\n");
            for (n, v) in globals {
                out.push_str(&format!("set {n}={v}\n"));
            }
            for (kind, props, members) in resources {
                out.push_str(&format!("add {kind}"));
                for (n, v) in props {
                    out.push_str(&format!("{sep}set {n}={v}"));
                }
                for m in members {
                    out.push_str(&format!("{sep}add options {m}"));
                }
                out.push_str(&format!("{sep}end\n"));
            }
            out
        })
}

proptest! {
    #[test]
    fn configurations_survive_export_and_reparse(text in config()) {
        let cfg = zonecfg::parse(&text);
        prop_assert!(cfg.is_ok(), "{:?}\n{}", cfg.err(), text);
        let cfg = cfg.expect("checked");
        let export = cfg.export();
        let back = zonecfg::parse(&export);
        prop_assert!(back.is_ok(), "{:?}\n{}", back.err(), export);
        let back = back.expect("checked");
        prop_assert_eq!(back.export(), export);
        // Same globals and resources, value for value.
        let plain = |c: &zonecfg::ZoneConfig| -> Vec<(String, String)> {
            c.globals().map(|p| (p.name().value.to_string(), format!("{:?}", p.simple().map(|s| s.value)))).collect()
        };
        prop_assert_eq!(plain(&cfg), plain(&back));
        prop_assert_eq!(cfg.resources().len(), back.resources().len());
        for (a, b) in cfg.resources().zip(back.resources()) {
            prop_assert_eq!(a.kind().value, b.kind().value);
            prop_assert_eq!(a.props().count(), b.props().count());
        }
    }

    #[test]
    fn generated_documents_print_back_byte_for_byte(doc in document()) {
        let parsed = syntax::parse(&doc);
        prop_assert!(parsed.is_ok(), "{:?}", parsed.err());
        let parsed = parsed.expect("checked");
        prop_assert_eq!(parsed.to_string(), doc.clone());
        // Items tile the input: contiguous, in order, nothing left over.
        let mut at = 0;
        for item in &parsed.items {
            prop_assert_eq!(item.span.start(), at);
            at = item.span.end();
        }
        prop_assert_eq!(at, doc.len());
    }

    #[test]
    fn any_input_is_parsed_or_refused_without_panic(text in "\\PC{0,200}") {
        match syntax::parse(&text) {
            Ok(doc) => prop_assert_eq!(doc.to_string(), text.clone()),
            Err(e) => prop_assert!(e.span.start() <= text.len() && text.is_char_boundary(e.span.start())),
        }
        let _ = zonecfg::parse(&text);
    }

    #[test]
    fn canonical_export_is_a_fixed_point(doc in document()) {
        if let Ok(cfg) = zonecfg::parse(&doc) {
            let once = cfg.export();
            let again = zonecfg::parse(&once);
            prop_assert!(again.is_ok(), "export does not parse: {:?}\n{}", again.err(), once);
            prop_assert_eq!(again.expect("checked").export(), once);
        }
    }
}
