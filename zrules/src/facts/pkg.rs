//! `pkg list -H`: installed packages.
//!
//! pkg(1) prints `NAME (PUBLISHER)  VERSION  IFO`, space-padded; `-H` drops
//! the header. The publisher appears, in parentheses after the name, only
//! when it is not the first publisher in search order (Oracle Solaris 11.1
//! "Adding and Updating Software", `pkg list`). Columns are padded but a
//! long name pushes the rest right, so rows are split on runs of blanks
//! rather than by column offset. Names are FMRI stems without `pkg:/`; a
//! `pkg:/` or `pkg://PUBLISHER/` prefix is tolerated for hand-made lists.

use std::str::FromStr;

use super::{FieldError, Rows, parse_lines, split_blank};
use crate::span::Span;

/// What a `pkg list -H` line looks like, for error messages.
pub const EXPECTED: &str = "NAME [(PUBLISHER)] VERSION IFO separated by blanks";

/// One row of `pkg list -H`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// FMRI stem without `pkg:/`, e.g. `group/system/solaris-small-server`.
    pub name: String,
    /// Present only when not the first publisher in search order.
    pub publisher: Option<String>,
    pub version: String,
    /// The IFO column, e.g. `i--`, `if-`, `i-o`.
    pub flags: String,
}

impl FromStr for Package {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let tokens = split_blank(line);
        let (name_tok, publisher, version_tok, flags_tok) = match tokens.as_slice() {
            [name, version, flags] => (*name, None, *version, *flags),
            [name, (publisher, pspan), version, flags] => {
                let inner = publisher
                    .strip_prefix('(')
                    .and_then(|p| p.strip_suffix(')'));
                match inner {
                    Some(p) if !p.is_empty() => (*name, Some(p.to_owned()), *version, *flags),
                    _ => {
                        return Err(FieldError::new(
                            "PUBLISHER",
                            *pspan,
                            format!("'{publisher}' is not a (publisher) token"),
                        ));
                    }
                }
            }
            _ => {
                return Err(FieldError::new(
                    "row",
                    Span::new(0, line.len()),
                    format!(
                        "found {} blank-separated token(s), expected {EXPECTED}",
                        tokens.len()
                    ),
                ));
            }
        };
        let (name_text, name_span) = name_tok;
        let (mut name, mut publisher) = (name_text, publisher);
        if let Some(rest) = name.strip_prefix("pkg://") {
            match rest.split_once('/') {
                Some((p, stem)) if !p.is_empty() => {
                    publisher = publisher.or_else(|| Some(p.to_owned()));
                    name = stem;
                }
                _ => {
                    return Err(FieldError::new(
                        "NAME",
                        name_span,
                        format!("'{name_text}' is not pkg://PUBLISHER/NAME"),
                    ));
                }
            }
        } else if let Some(stem) = name.strip_prefix("pkg:/") {
            name = stem;
        }
        if name.is_empty() {
            return Err(FieldError::new(
                "NAME",
                name_span,
                "the package name is empty",
            ));
        }
        let (flags, flags_span) = flags_tok;
        if flags.chars().count() != 3 || !flags.chars().all(|c| c == '-' || c.is_ascii_lowercase())
        {
            return Err(FieldError::new(
                "IFO",
                flags_span,
                format!("'{flags}' is not a three-letter IFO column such as i--"),
            ));
        }
        Ok(Package {
            name: name.to_owned(),
            publisher,
            version: version_tok.0.to_owned(),
            flags: flags.to_owned(),
        })
    }
}

/// Parses the capture's `pkg list -H`.
pub fn parse(text: &str) -> Rows<Package> {
    parse_lines(text, str::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_publisher() {
        let rows = parse(
            "entire                                            0.5.11-0.175.3.1.0.5.0     i--\n\
             group/system/solaris-small-server                 0.5.11-0.175.3.1.0.5.0     i--\n\
             library/python/six (solarisstudio)                1.10.0-0.175.3.0.0.30.0    i-o\n",
        )
        .into_result()
        .expect("rows");
        assert_eq!(rows[1].value.name, "group/system/solaris-small-server");
        assert_eq!(rows[1].value.publisher, None);
        assert_eq!(rows[2].value.publisher.as_deref(), Some("solarisstudio"));
        assert_eq!(rows[2].value.flags, "i-o");
    }

    #[test]
    fn pkg_prefixes_are_tolerated() {
        let p: Package = "pkg:/web/server/apache-24 2.4.23-0.175.3.15.0.4.0 i--"
            .parse()
            .expect("row");
        assert_eq!(
            (p.name.as_str(), p.publisher),
            ("web/server/apache-24", None)
        );
        let p: Package = "pkg://solaris/web/curl 7.40.0-0.175.3.0.0.30.0 i--"
            .parse()
            .expect("row");
        assert_eq!(
            (p.name.as_str(), p.publisher.as_deref()),
            ("web/curl", Some("solaris"))
        );
    }

    #[test]
    fn bad_rows_name_the_field() {
        let e = "entire 0.5.11 installed"
            .parse::<Package>()
            .expect_err("ifo");
        assert_eq!((e.field, e.span), ("IFO", Span::new(14, 23)));
        let e = "entire solaris 0.5.11 i--"
            .parse::<Package>()
            .expect_err("publisher");
        assert_eq!(e.field, "PUBLISHER");
        let errs = parse("NAME (PUBLISHER)  VERSION  IFO\nentire 0.5.11 i--\n")
            .into_result()
            .expect_err("header");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 1);
    }
}
