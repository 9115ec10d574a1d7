//! `zgen`: print the commands that set up and repair zones under the
//! site's house rules. Parses flags, calls the library, prints, and maps
//! the outcome to an exit code: 0 plan printed, 1 `fix` left findings for a
//! person, 2 usage, input or host-fact errors.

// The system allocator, not mimalloc: see "Throughput and memory" in the
// README (mimalloc ran the checks in about 14 % fewer instructions, but held
// up to twice the input again on large inputs, and needs a C compiler for
// each target).

mod cli;
mod local;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
