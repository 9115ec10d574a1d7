//! `zrules generate`: completions and man pages (tests/support/generate.rs).

const BIN: &str = "zrules";
const SUBCOMMANDS: &[&str] = &["check", "explain", "rules", "layout"];

#[path = "../../tests/support/generate.rs"]
mod generate;
