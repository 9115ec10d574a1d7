//! Properties over large generated inputs: deep nesting, long lines, many
//! lines, multi-byte text. Every parser must answer (a value or errors with
//! spans on character boundaries) without overflowing the stack, and the
//! number of errors it keeps must stay bounded. Sized to run in a few
//! seconds in a debug build; the fuzz targets (`fuzz/`) go further.

use proptest::prelude::*;
use zrules::facts::{self, RowError};
use zrules::zonecfg::{self, syntax};

/// Text made of `unit` repeated `n` times.
fn repeat(unit: &str, n: usize) -> String {
    unit.repeat(n)
}

/// Every capture parser, by name.
fn capture_parsers(text: &str) -> Vec<(&'static str, Vec<RowError>)> {
    vec![
        ("zoneadm", facts::zoneadm::parse(text).errors),
        ("vnic", facts::dladm::parse_vnic_capture(text).errors),
        ("links", facts::dladm::parse_links(text).errors),
        ("ipadm", facts::ipadm::parse(text).errors),
        ("zfs list", facts::zfs::parse_list(text).errors),
        ("zfs get", facts::zfs::parse_get(text).errors),
        ("share", facts::share::parse(text).errors),
        ("pkg", facts::pkg::parse(text).errors),
        ("passwd", facts::passwd::parse(text).errors),
        ("svcs", facts::svcs::parse(text).errors),
    ]
}

fn check_zonecfg(text: &str) -> Result<(), TestCaseError> {
    match syntax::parse(text) {
        Ok(doc) => prop_assert_eq!(doc.to_string(), text),
        Err(e) => {
            prop_assert!(e.span.start() <= e.span.end() && e.span.end() <= text.len());
            prop_assert!(
                text.is_char_boundary(e.span.start()) && text.is_char_boundary(e.span.end())
            );
        }
    }
    let _ = zonecfg::parse(text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn nesting_of_any_depth_is_refused_without_recursion(
        depth in 2usize..20_000,
        open in prop::sample::select(vec!["(a=", "[", "[(a=", "(a=[", "(", "(a=\"x\",b="]),
    ) {
        let text = format!("add rctl\nadd value {}b\nend\n", repeat(open, depth));
        let e = zonecfg::parse(&text).expect_err("nested deeper than zonecfg allows");
        prop_assert_eq!(text[..e.span.start()].lines().count(), 2, "{}", e.message);
        check_zonecfg(&text)?;
    }

    #[test]
    fn long_lines_parse_whole(len in 0usize..400_000, c in prop::sample::select(vec!['x', 'é', '漢', '🦀'])) {
        let value: String = std::iter::repeat_n(c, len / c.len_utf8()).collect();
        let text = format!("create -b\nset comment=\"{value}\"\nset bootargs={value}x\n");
        let cfg = zonecfg::parse(&text).expect("long values are fine");
        prop_assert_eq!(cfg.global_simple("comment").map(|s| s.value.len()), Some(value.len()));
        check_zonecfg(&text)?;
    }

    #[test]
    fn many_lines_of_any_kind(
        lines in prop::collection::vec(
            prop::sample::select(vec!["", "  ", "# comment é", "add net", "set physical=net0", "end", ";;", "\r"]),
            1..500,
        ),
        times in 1usize..40,
    ) {
        let text = repeat(&(lines.join("\n") + "\n"), times);
        check_zonecfg(&text)?;
        for (name, errors) in capture_parsers(&text) {
            // One error per bad row, at most 100, then one that counts the rest.
            prop_assert!(errors.len() <= 101, "{name}: {}", errors.len());
        }
    }

    #[test]
    fn capture_parsers_survive_huge_rows(
        row in "[a-z0-9:/\\\\. \t-]{0,40}",
        len in 0usize..100_000,
        n in 1usize..4_000,
    ) {
        let text = format!("{}\n{}", repeat(&format!("{row}\n"), n), "é".repeat(len));
        for (name, errors) in capture_parsers(&text) {
            prop_assert!(errors.len() <= 101, "{name}: {}", errors.len());
            for e in &errors {
                prop_assert!(text.is_char_boundary(e.span.start()) && text.is_char_boundary(e.span.end()), "{name}");
            }
        }
    }
}
