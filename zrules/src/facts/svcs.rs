//! `svcs -H -o fmri -d FMRI`: the services one service depends on.
//!
//! svcs(1) lists, with `-d`, the instances the given instance depends on,
//! one per line; `-H` drops the header and `-o fmri` keeps one column (the
//! column name is matched case-insensitively, `getcolumnopt` in svcs.c). A
//! dependency on a service lists its instances; `file://` dependencies are
//! not listed. Each line is an FMRI `svc:/…` (or `lrc:/…` for legacy rc
//! scripts).

use super::{FieldError, Rows, parse_lines};
use crate::span::Span;

/// What a `svcs -H -o fmri` line looks like, for error messages.
pub const EXPECTED: &str = "one FMRI per line (svc:/… or lrc:/…)";

/// Reads one FMRI line.
pub fn parse_fmri(line: &str) -> Result<String, FieldError> {
    let fmri = line.trim();
    let start = line.find(fmri).unwrap_or(0);
    let span = Span::new(start, start + fmri.len());
    if !(fmri.starts_with("svc:/") || fmri.starts_with("lrc:/"))
        || fmri.contains(char::is_whitespace)
    {
        return Err(FieldError::new(
            "FMRI",
            span,
            format!("'{fmri}' is not an FMRI (svc:/… or lrc:/…)"),
        ));
    }
    Ok(fmri.to_owned())
}

/// Parses the output of `svcs -H -o fmri -d FMRI`.
pub fn parse(text: &str) -> Rows<String> {
    parse_lines(text, parse_fmri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmris_and_a_default_column_line() {
        let rows = parse("svc:/network/loopback:default\nsvc:/system/filesystem/local:default\n")
            .into_result()
            .expect("rows");
        assert_eq!(rows[1].value, "svc:/system/filesystem/local:default");
        let errs = parse(
            "svc:/network/loopback:default\nonline         Jan_12   svc:/system/utmp:default\n",
        )
        .into_result()
        .expect_err("not -o fmri");
        assert_eq!((errs[0].line, errs[0].span.start), (2, 30));
    }

    #[test]
    fn empty_output_is_no_dependencies() {
        assert_eq!(parse("").into_result().expect("empty"), vec![]);
    }
}
