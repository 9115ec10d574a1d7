//! `zrules`: lint zone configurations and host captures against the house
//! rules. Parses flags, reads files and the policy through the library's
//! one reader (`zrules::input`, `zrules::policy::load`, on `os::StdFs`),
//! calls the checks, renders, and maps the outcome to an exit code: 0
//! clean, 1 findings at or above the failing level, 2 usage, input or
//! policy errors. A closed standard output ends the run quietly.

// The system allocator, not mimalloc: see "Throughput and memory" in the
// README (mimalloc ran the checks in about 14 % fewer instructions, but held
// up to twice the input again on large inputs, and needs a C compiler for
// each target).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{CommandFactory, Parser, Subcommand};
use zrules::check;
use zrules::input;
use zrules::options::LintOptions;
use zrules::os::{StdFs, print, print_with};
use zrules::policy::{self, RuleSpec};
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

const LAYOUT_EXAMPLES: &str = "\
Examples:
  zrules layout                              the table: file, where it runs, command, purpose
  zrules layout --format json > layout.json  the same, for another collector";

/// The output forms of `zrules layout`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum LayoutFormat {
    Text,
    Json,
}

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
    ///
    /// Only regular files are read from directories (FIFOs, devices and
    /// sockets are skipped with a note on standard error) and names starting
    /// with `.` are ignored. A file that is empty, not UTF-8 or larger than
    /// 64 MiB is a Z00 finding and the other files are still checked. A
    /// directory with no `*.zonecfg` file is an error (exit 2): a run that
    /// checks nothing does not pass.
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
    ///
    /// `--format json` prints the same table for programs (another
    /// collector, an Ansible role): schema `zrules-layout/1`, described in
    /// the project's docs/layout.md.
    #[command(after_help = LAYOUT_EXAMPLES)]
    Layout {
        /// `text`: a table for people; `json`: one JSON object for programs.
        #[arg(long, value_enum, default_value_t = LayoutFormat::Text)]
        format: LayoutFormat,
    },
    /// Shell completions and man pages, for packagers.
    #[command(subcommand, hide = true)]
    Generate(zrules::generate::Generate),
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
    #[command(flatten)]
    lint: LintOptions,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Explain { rule } => explain(&rule.join(" ")).map(|()| ExitCode::SUCCESS),
        Command::Rules => print(rules_table())
            .map(|_| ExitCode::SUCCESS)
            .map_err(Into::into),
        Command::Layout { format } => print(match format {
            LayoutFormat::Text => zrules::capture::describe_layout(),
            LayoutFormat::Json => zrules::capture::describe_layout_json(),
        })
        .map(|_| ExitCode::SUCCESS)
        .map_err(Into::into),
        Command::Generate(g) => generate(&g),
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
    if args.zone.is_some() && args.paths.is_empty() {
        bail!("--zone names the zone of a configuration file: give that file");
    }
    let mut policy = policy::load(&StdFs, args.lint.policy.as_deref())?.policy;
    args.lint.apply_to(&mut policy);
    let mut read = input::Read::default();
    input::configs(&StdFs, &args.paths, args.zone.as_deref(), &mut read)?;
    for dir in &args.capture {
        input::captures(&StdFs, dir, &mut read)?;
    }
    for note in &read.notes {
        eprintln!("note: {note}");
    }
    let outcome = check::run_owned(read.input, &policy);
    let no_color = std::env::var_os("NO_COLOR");
    let terminal = std::io::stdout().is_terminal();
    // Written as it is rendered: a report of many findings is not held
    // whole as text beside the findings themselves.
    print_with(|out| {
        args.lint
            .write_report(&outcome, terminal, no_color.as_deref(), out)
    })?;
    Ok(ExitCode::from(args.lint.exit_code(&outcome, &policy)))
}

/// The hidden `generate` subcommand: completions and man pages (zrules::generate).
fn generate(what: &zrules::generate::Generate) -> Result<ExitCode> {
    print(what.render(Cli::command())?)?;
    Ok(ExitCode::SUCCESS)
}

fn explain(spec: &str) -> Result<()> {
    let spec: RuleSpec = spec.parse()?;
    let rule = rules::lookup(spec.code);
    let mut out = format!("{} — {}\n\n", rule.code, rule.name);
    for c in rule
        .checks
        .iter()
        .filter(|c| spec.check.is_none_or(|k| k == c.slug))
    {
        out.push_str(&format!(
            "  {} {:<20} {:<8} {}\n",
            rule.code, c.slug, c.severity, c.input
        ));
    }
    out.push_str(&format!("\n{}\n", rule.documentation().trim_end()));
    print(&out)?;
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
