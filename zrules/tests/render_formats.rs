//! Snapshots of every output format on hand-built reports, plus the few
//! properties a snapshot cannot state on its own (colour, escaping).

mod render_fixture;

use render_fixture::{TOOL_VERSION, clean, clean_but_skipped, repetitive, sample};
use zrules::render::{Format, RenderOptions, render};
use zrules::{Check, Code, Diagnostic, Report, Severity, Sources, Span};

fn plain() -> RenderOptions {
    RenderOptions {
        color: false,
        statistics: false,
        tool_version: TOOL_VERSION,
    }
}

fn statistics() -> RenderOptions {
    RenderOptions {
        statistics: true,
        ..plain()
    }
}

fn out((report, sources): (Report, Sources), format: Format, opts: &RenderOptions) -> String {
    render(&report, &sources, format, opts)
}

#[test]
fn full_sample() {
    insta::assert_snapshot!(out(sample(), Format::Full, &plain()));
}

#[test]
fn full_clean() {
    insta::assert_snapshot!(out(clean(), Format::Full, &plain()));
}

#[test]
fn full_clean_but_skipped() {
    insta::assert_snapshot!(out(clean_but_skipped(), Format::Full, &plain()));
}

#[test]
fn full_statistics() {
    insta::assert_snapshot!(out(repetitive(), Format::Full, &statistics()));
}

#[test]
fn concise_sample() {
    insta::assert_snapshot!(out(sample(), Format::Concise, &plain()));
}

#[test]
fn concise_clean() {
    insta::assert_snapshot!(out(clean(), Format::Concise, &plain()));
}

#[test]
fn concise_clean_but_skipped() {
    insta::assert_snapshot!(out(clean_but_skipped(), Format::Concise, &plain()));
}

#[test]
fn concise_statistics() {
    insta::assert_snapshot!(out(repetitive(), Format::Concise, &statistics()));
}

#[test]
fn json_sample() {
    insta::assert_snapshot!(out(sample(), Format::Json, &plain()));
}

#[test]
fn json_clean() {
    insta::assert_snapshot!(out(clean(), Format::Json, &plain()));
}

#[test]
fn sarif_sample() {
    insta::assert_snapshot!(out(sample(), Format::Sarif, &plain()));
}

#[test]
fn sarif_clean() {
    insta::assert_snapshot!(out(clean(), Format::Sarif, &plain()));
}

#[test]
fn github_sample() {
    insta::assert_snapshot!(out(sample(), Format::Github, &plain()));
}

#[test]
fn github_clean_prints_nothing() {
    assert_eq!(out(clean(), Format::Github, &plain()), "");
}

#[test]
fn color_on_emits_ansi_escapes_and_color_off_none() {
    let colored = RenderOptions {
        color: true,
        ..plain()
    };
    for format in [Format::Full, Format::Concise] {
        assert!(
            out(sample(), format, &colored).contains("\x1b["),
            "{format:?} with colour has escapes"
        );
        assert!(
            !out(sample(), format, &plain()).contains('\x1b'),
            "{format:?} without colour has none"
        );
    }
    assert!(
        out(
            repetitive(),
            Format::Full,
            &RenderOptions {
                color: true,
                ..statistics()
            }
        )
        .contains("\x1b[")
    );
}

#[test]
fn color_and_statistics_do_not_change_the_machine_formats() {
    let both = RenderOptions {
        color: true,
        statistics: true,
        ..plain()
    };
    for format in [Format::Json, Format::Sarif, Format::Github] {
        assert_eq!(
            out(sample(), format, &both),
            out(sample(), format, &plain()),
            "{format:?}"
        );
    }
}

#[test]
fn statistics_replace_the_findings_but_keep_the_summary() {
    let (report, sources) = sample();
    let text = render(&report, &sources, Format::Full, &statistics());
    assert!(!text.contains("zonepath is /export/zones/www"));
    assert!(text.contains("Z08 zonepath"));
    assert!(text.trim_end().ends_with(
        "Found 5 findings (3 errors, 1 warning, 1 info) in 2 zones on 1 host; 3 checks skipped."
    ));
}

/// Messages and paths carry the characters GitHub's workflow-command
/// parser treats specially; they must arrive escaped, or a `,` in a path
/// would end the `file=` property and a newline would end the command.
#[test]
fn github_escapes_messages_and_properties() {
    let mut sources = Sources::new();
    let id = sources.add("odd,dir/a:b.cfg", "set zonepath=/x\n");
    let report = Report {
        diagnostics: vec![
            Diagnostic::new(
                Code::Z08,
                Check::Zonepath,
                Severity::Warning,
                "100% wrong\nsecond line",
            )
            .at(zrules::Location::new(id, Span::new(4, 12))),
        ],
        ..Report::default()
    };
    let text = render(&report, &sources, Format::Github, &plain());
    assert_eq!(
        text,
        "::warning file=odd%2Cdir/a%3Ab.cfg,line=1,col=5,endLine=1,endColumn=13,title=Z08 zonepath::100%25 wrong%0Asecond line\n"
    );
}

/// Every line of `full` and `concise` output is plain text a terminal shows as is: a
/// control character from a message (a tab, an escape) must not reach it.
#[test]
fn full_output_neutralises_control_characters_in_untrusted_text() {
    let mut sources = Sources::new();
    let id = sources.add("z.cfg", "set zonepath=/x\n");
    let report = Report {
        diagnostics: vec![
            Diagnostic::new(
                Code::Z08,
                Check::Zonepath,
                Severity::Error,
                "bad\x1b[31m value",
            )
            .at(zrules::Location::new(id, Span::new(13, 15)))
            .with_help("fix \x1b[0m it")
            .with_zone("w\x07ww"),
        ],
        ..Report::default()
    };
    for format in [Format::Full, Format::Concise] {
        let text = render(&report, &sources, format, &plain());
        assert!(!text.contains('\x1b'), "{format:?}: {text}");
        assert!(!text.contains('\x07'), "{format:?}: {text}");
    }
}

#[test]
fn a_concise_finding_stays_on_one_line() {
    let report = Report {
        diagnostics: vec![Diagnostic::new(
            Code::Z91,
            Check::OuiNotLocal,
            Severity::Info,
            "first\nsecond\r\nthird",
        )],
        ..Report::default()
    };
    let text = render(&report, &Sources::new(), Format::Concise, &plain());
    assert_eq!(
        text.lines().next(),
        Some("-: Z91 oui-not-local first second third")
    );
    assert_eq!(
        text.lines().count(),
        2,
        "the finding and the summary: {text}"
    );
}
