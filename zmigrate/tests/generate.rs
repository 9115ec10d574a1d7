//! `zmigrate generate`: completions and man pages (tests/support/generate.rs).

const BIN: &str = "zmigrate";
const SUBCOMMANDS: &[&str] = &["collect", "check"];

#[path = "../../tests/support/generate.rs"]
mod generate;
