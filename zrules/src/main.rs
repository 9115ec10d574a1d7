//! `zrules`: lint zone configurations and host captures against the house
//! rules. Parses flags, reads files (see `cli.rs`), calls the library,
//! renders, and maps the outcome to an exit code: 0 clean, 1 findings at or
//! above the failing level, 2 usage, input or policy errors.

mod cli;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use zrules::Severity;
use zrules::check::{self, CheckInput};
use zrules::policy::RuleSpec;
use zrules::render::{self, Format, RenderOptions};
use zrules::rules::{self, REGISTRY};

const EXAMPLES: &str = "\
Examples:
  zrules check configs/                      lint every *.zonecfg under configs/
  zrules check --zone www exported.txt       one file whose name is not the zone's
  zrules check --capture captures/gz1        every check, host facts included
  zrules check --capture captures/           every capture below: a fleet (finds MAC collisions)
  zrules check --format json configs/ > findings.json
  zrules explain Z06                         what Z06 checks, why, and the fix
  zrules rules                               every code, check and default severity
  zrules layout                              the files of a capture and their commands";

/// Check Solaris 11 / illumos zone configurations and host captures
/// against the site's eleven house rules.
#[derive(Parser, Debug)]
#[command(name = "zrules", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint zone configurations (`zonecfg -z ZONE export` output) and host
    /// captures.
    ///
    /// Every `*.zonecfg` under the given paths is checked; the zone name is
    /// the file's stem (`www.zonecfg` → `www`) unless `--zone` names it. A
    /// capture directory holds the unedited outputs of read-only commands
    /// run on a global zone (`zrules layout` lists them); with captures,
    /// the checks that need host facts run too. The policy is `--policy`,
    /// else `zrules.yaml` in this directory or a parent up to the
    /// repository root, else the write-up's defaults.
    #[command(after_help = EXAMPLES)]
    Check(CheckArgs),
    /// Print a rule's documentation: what it checks, why, an example and the fix.
    Explain {
        /// A code (`Z06`) or code and check (`Z06 mac-ip-bytes`, `Z06/mac-ip-bytes`).
        rule: Vec<String>,
    },
    /// List every rule code, its checks and their default severities.
    Rules,
    /// List the files of a host capture and the command that fills each.
    Layout,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Zone configuration files, or directories searched for `*.zonecfg`.
    paths: Vec<PathBuf>,
    /// A host capture directory, or a directory of them. Repeatable.
    #[arg(long, value_name = "DIR")]
    capture: Vec<PathBuf>,
    /// The zone of a single configuration file whose name is not `ZONE.zonecfg`.
    #[arg(long, value_name = "NAME")]
    zone: Option<String>,
    /// Policy file (default: zrules.yaml found upwards from here).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Output format [default: full on a terminal, concise otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Only these codes or checks, e.g. `Z06,Z05 vnic-name` (adds to the policy's `select`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<RuleSpec>,
    /// Never these codes or checks (adds to the policy's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<RuleSpec>,
    /// Exit 1 for findings at or above this level [default: the policy's fail_level, warning].
    #[arg(long, value_enum)]
    fail_level: Option<Level>,
    /// Print a count per rule instead of each finding.
    #[arg(long)]
    statistics: bool,
    /// Exit 0 even when there are findings (errors reading input still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Colour output [default: auto: on a terminal, unless NO_COLOR is set].
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Explain { rule } => explain(&rule.join(" ")).map(|()| ExitCode::SUCCESS),
        Command::Rules => {
            print!("{}", rules_table());
            Ok(ExitCode::SUCCESS)
        }
        Command::Layout => {
            print!("{}", zrules::capture::describe_layout());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_check(args: CheckArgs) -> Result<ExitCode> {
    if args.paths.is_empty() && args.capture.is_empty() {
        bail!(
            "nothing to check: give configuration files or directories, or --capture DIR (see zrules check --help)"
        );
    }
    let (mut policy, _) = cli::load_policy(args.policy.as_deref())?;
    policy.select.extend(args.select);
    policy.ignore.extend(args.ignore);
    if let Some(l) = args.fail_level {
        policy.fail_level = match l {
            Level::Info => Severity::Info,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        };
    }
    let mut input = CheckInput {
        configs: cli::config_inputs(&args.paths, args.zone.as_deref())?,
        captures: Vec::new(),
    };
    for dir in &args.capture {
        input.captures.extend(cli::capture_inputs(dir)?);
    }
    let outcome = check::run(&input, &policy);

    let tty = std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let format = args
        .format
        .unwrap_or(if tty { Format::Full } else { Format::Concise });
    let opts = RenderOptions {
        color,
        statistics: args.statistics,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let text = render::render(&outcome.report, &outcome.sources, format, &opts);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;

    let failing = outcome.report.count_at_least(policy.fail_level);
    Ok(if failing > 0 && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn explain(spec: &str) -> Result<()> {
    let spec: RuleSpec = spec.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let rule = rules::lookup(spec.code);
    println!("{} — {}\n", rule.code, rule.name);
    for c in rule
        .checks
        .iter()
        .filter(|c| spec.check.is_none_or(|k| k == c.slug))
    {
        println!(
            "  {} {:<20} {:<8} {}",
            rule.code, c.slug, c.severity, c.input
        );
    }
    println!("\n{}", rule.documentation().trim_end());
    Ok(())
}

fn rules_table() -> String {
    let mut out = String::from("CODE CHECK                SEVERITY INPUT\n");
    for r in REGISTRY {
        out.push_str(&format!("{}  {}\n", r.code, r.name));
        for c in r.checks {
            out.push_str(&format!(
                "     {:<20} {:<8} {}\n",
                c.slug,
                c.severity.as_str(),
                c.input
            ));
        }
    }
    out
}
