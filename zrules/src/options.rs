//! The options of every command that lints (`zrules check`, `zmigrate
//! check`), and how they settle into a policy, an output and an exit code.
//!
//! Both binaries flatten [`LintOptions`] into their arguments, so a flag
//! means the same everywhere and the decision "what format, what colour,
//! did the run fail" is made in one place. Reading the policy file stays in
//! the binaries; this module only decides.

use std::path::PathBuf;

use crate::check::Outcome;
use crate::diagnostic::Severity;
use crate::policy::{Policy, RuleSpec};
use crate::render::{self, Format, RenderOptions};

/// When to colour the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set to something non-empty.
    #[default]
    Auto,
    Always,
    Never,
}

/// The flags shared by every linting command.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct LintOptions {
    /// Policy file (default: zrules.yaml found upwards from here, up to the repository root).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format [default: full on a terminal, concise otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Only these codes or checks, e.g. `Z06,Z05 vnic-name` (adds to the policy's `select`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<RuleSpec>,
    /// Never these codes or checks (adds to the policy's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<RuleSpec>,
    /// Exit 1 for findings at or above this level [default: the policy's fail_level, warning].
    #[arg(long, value_enum)]
    pub fail_level: Option<Severity>,
    /// Print a count per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when there are findings (input, policy and host errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Colour output.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

/// What a linting command prints and how it exits.
#[derive(Debug)]
pub struct Finished {
    pub text: String,
    /// 0 clean, 1 findings at or above the failing level.
    pub exit_code: u8,
}

impl LintOptions {
    /// Adds the command line's selection and failing level to the policy's.
    pub fn apply_to(&self, policy: &mut Policy) {
        policy.select.extend(self.select.iter().cloned());
        policy.ignore.extend(self.ignore.iter().cloned());
        if let Some(level) = self.fail_level {
            policy.fail_level = level;
        }
    }

    /// Renders the outcome and decides the exit code. `terminal` says whether
    /// standard output is one; `no_color` is the value of `NO_COLOR`.
    pub fn finish(
        &self,
        outcome: &Outcome,
        policy: &Policy,
        terminal: bool,
        no_color: Option<&std::ffi::OsStr>,
    ) -> Finished {
        let mut text = Vec::new();
        self.write_report(outcome, terminal, no_color, &mut text)
            .expect("writing to a Vec");
        Finished {
            text: String::from_utf8(text).expect("the report is text"),
            exit_code: self.exit_code(outcome, policy),
        }
    }

    /// 0 clean, 1 findings at or above the policy's failing level (unless
    /// `--exit-zero`).
    pub fn exit_code(&self, outcome: &Outcome, policy: &Policy) -> u8 {
        let failing = outcome.report.count_at_least(policy.fail_level) > 0;
        u8::from(failing && !self.exit_zero)
    }

    /// The report as [`finish`](Self::finish) renders it, written to `out`
    /// (as it is rendered, for the concise format: see
    /// [`render::render_to`]).
    pub fn write_report(
        &self,
        outcome: &Outcome,
        terminal: bool,
        no_color: Option<&std::ffi::OsStr>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
        };
        let format = self.format.unwrap_or(if terminal {
            Format::Full
        } else {
            Format::Concise
        });
        let opts = RenderOptions {
            color,
            statistics: self.statistics,
            tool_version: env!("CARGO_PKG_VERSION"),
        };
        render::render_to(&outcome.report, &outcome.sources, format, &opts, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckInput, ConfigInput, run};

    fn outcome() -> Outcome {
        let input = CheckInput {
            configs: vec![ConfigInput {
                zone: None,
                name: "www.zonecfg".into(),
                text: "create -b\n".into(),
            }],
            captures: vec![],
            problems: vec![],
        };
        run(&input, &Policy::default())
    }

    #[test]
    fn terminal_and_no_color_decide_the_defaults() {
        let o = outcome();
        let p = Policy::default();
        let opts = LintOptions::default();
        let tty = opts.finish(&o, &p, true, None);
        assert!(
            tty.text.contains('\u{1b}') && tty.text.contains("error["),
            "full, coloured"
        );
        let no_color = opts.finish(&o, &p, true, Some(std::ffi::OsStr::new("1")));
        assert!(!no_color.text.contains('\u{1b}'));
        let piped = opts.finish(&o, &p, false, None);
        assert!(
            piped.text.starts_with("www.zonecfg:"),
            "concise when piped: {}",
            piped.text
        );
        assert_eq!(piped.exit_code, 1);
        let zero = LintOptions {
            exit_zero: true,
            ..LintOptions::default()
        }
        .finish(&o, &p, false, None);
        assert_eq!(zero.exit_code, 0);
    }

    #[test]
    fn flags_add_to_the_policy() {
        let mut p = Policy::default();
        let opts = LintOptions {
            select: vec!["Z06".parse().expect("spec")],
            fail_level: Some(Severity::Error),
            ..LintOptions::default()
        };
        opts.apply_to(&mut p);
        assert_eq!(p.select.len(), 1);
        assert_eq!(p.fail_level, Severity::Error);
    }
}
