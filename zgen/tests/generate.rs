//! `zgen generate`: completions and man pages (tests/support/generate.rs).

const BIN: &str = "zgen";
const SUBCOMMANDS: &[&str] = &["vnic", "zone", "fix"];

#[path = "../../tests/support/generate.rs"]
mod generate;
