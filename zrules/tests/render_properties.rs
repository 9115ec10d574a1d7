//! Properties over arbitrary texts and spans. Rules compute spans by hand
//! and can get them wrong: an offset inside a multi-byte character, past the
//! end of the text, a span that ends after a line break, or one on a CRLF
//! line. No renderer may panic on such a span, and every format must report
//! a position that exists in the text, with the end not before the start.

use proptest::prelude::*;
use serde_json::Value;

use zrules::render::{Format, RenderOptions, render};
use zrules::{Check, Code, Diagnostic, Location, Report, Severity, Sources, Span};

const FORMATS: [Format; 5] = [
    Format::Full,
    Format::Concise,
    Format::Json,
    Format::Sarif,
    Format::Github,
];

fn text() -> impl Strategy<Value = String> {
    // Short lines mixing ASCII, multi-byte characters, tabs and CRLF.
    prop::collection::vec("[a-z =/:é€\t]{0,12}(\r)?", 0..6).prop_map(|lines| lines.join("\n"))
}

fn span(len: usize) -> impl Strategy<Value = Span> {
    (0..=len + 3, 0..=len + 3).prop_map(|(a, b)| Span::new(a.min(b), a.max(b)))
}

type Case = (String, String, Span, Span, Span, Severity, bool);

fn case() -> impl Strategy<Value = Case> {
    (text(), text()).prop_flat_map(|(a, b)| {
        let (la, lb) = (a.len(), b.len());
        (
            Just(a),
            Just(b),
            span(la),
            span(la),
            span(lb),
            prop_oneof![
                Just(Severity::Error),
                Just(Severity::Warning),
                Just(Severity::Info)
            ],
            any::<bool>(),
        )
    })
}

proptest! {
    #[test]
    fn every_format_renders_any_span_and_reports_real_positions(
        (a, b, sa, sa2, sb, severity, color) in case()
    ) {
        let mut sources = Sources::new();
        let fa = sources.add("a.cfg", a.clone());
        let fb = sources.add("b.cfg", b.clone());
        let report = Report {
            diagnostics: vec![
                Diagnostic::new(Code::Z06, Check::MacIpBytes, severity, "message")
                    .at(Location::new(fa, sa))
                    .with_related(Location::new(fa, sa2), "same file")
                    .with_related(Location::new(fb, sb), "other file")
                    .with_help("help"),
            ],
            skipped: Vec::new(),
            assumptions: Vec::new(),
            files: 2,
            zones: 1,
            hosts: 0,
        };
        let opts = RenderOptions { color, statistics: false, tool_version: "test" };
        for format in FORMATS {
            let out = render(&report, &sources, format, &opts);
            prop_assert!(out.ends_with('\n'), "{format:?}");
        }
        let json: Value = serde_json::from_str(&render(&report, &sources, Format::Json, &opts))
            .expect("json output parses");
        let d = &json["diagnostics"][0];
        check_position(d, &a)?;
        check_position(&d["related"][0], &a)?;
        check_position(&d["related"][1], &b)?;
    }
}

fn check_position(p: &Value, text: &str) -> Result<(), TestCaseError> {
    let n = |k: &str| {
        p[k].as_u64()
            .map(|v| v as usize)
            .expect("a position number")
    };
    let (line, column, end_line, end_column) =
        (n("line"), n("column"), n("end_line"), n("end_column"));
    let lines: Vec<&str> = text.split('\n').collect();
    prop_assert!(
        line >= 1 && line <= lines.len(),
        "line {line} of {}",
        lines.len()
    );
    prop_assert!(end_line >= line && end_line <= lines.len());
    prop_assert!(column >= 1 && column <= lines[line - 1].chars().count() + 1);
    prop_assert!(end_column >= 1 && end_column <= lines[end_line - 1].chars().count() + 1);
    prop_assert!(
        end_line > line || end_column >= column,
        "end before start: {p}"
    );
    Ok(())
}
