//! `zmigrate`: collect and check live global zones (and, later, move zones
//! between them). Parses flags, calls the library through `cli.rs`, and maps
//! the outcome to an exit code: 0 clean, 1 findings (or, for `collect`, an
//! incomplete capture), 2 usage, input or host errors.

// The system allocator, not mimalloc: see "Throughput and memory" in the
// README (mimalloc ran the checks in about 14 % fewer instructions, but held
// up to twice the input again on large inputs, and needs a C compiler for
// each target).

mod cli;
mod move_cli;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use zrules::options::LintOptions;

const ABOUT: &str = "Collect and check live Solaris 11 / illumos global zones over ssh.";

const EXAMPLES: &str = "\
Examples:
  zmigrate collect gz1 -o captures/gz1        capture gz1 (its zones included) into a directory
  zrules check --capture captures/gz1         lint that capture later, or elsewhere
  zmigrate check gz1                          collect and lint in one go
  zmigrate check gz1 gz2 --format json        a fleet: also finds MACs shared between hosts
  zmigrate check --local                      on the global zone itself, without ssh
  zmigrate collect -F ./ssh_config gz-a -o x  hosts from this ssh_config (bastions, keys, ports)
  zmigrate collect gz1 gz2 gz3 -o captures/   a fleet: captures/gz1, captures/gz2, … (4 at a time)
  zmigrate check -i hosts.ini --limit 'zones:!lab' --jobs 8 --format sarif
                                              the hosts of an Ansible inventory, 8 at a time

Hosts are reached with the system's OpenSSH in batch mode (keys or an agent,
never a password prompt), as the user ssh_config says; the commands are
read-only (see `zrules layout`) and need the privileges of that user (root, or
a role with the Zone Management profile for zlogin).

Exit codes: 0 clean; 1 findings at or above the failing level (check), or
some commands failed on a host (collect); 2 usage errors, unreachable hosts
(after the other hosts are done), or a directory that cannot be written.";

#[derive(Debug, Parser)]
#[command(name = "zmigrate", version, about = ABOUT, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the capture layout's read-only commands on a global zone and write the capture directory.
    #[command(
        long_about = "\
Run the read-only commands of the capture layout (`zrules layout`) on a global
zone over one ssh connection: the GZ's own, then `zonecfg -z ZONE export` for
every non-global zone in `zoneadm list -cp`, then `zlogin ZONE …` for each
running zone. Each command's standard output is written, unedited, to its file
under DIR, which `zrules check --capture DIR` reads.

A command that fails on the host does not stop the collection: its file is
not written (so zrules reports the checks needing it as skipped, not passed),
its standard output, if any, is kept under DIR/failed/, and it is listed with
its standard error on stderr and in DIR/collect-errors (one line per problem,
`FILE<TAB>COMMAND<TAB>WHAT`, then the stderr lines indented by a tab).

Where the captures go: with ONE host named on the command line (or --local),
DIR is that host's capture, as it always was. With several hosts, or with
--inventory (whatever --limit leaves), DIR holds one capture per host,
DIR/HOST, named by the host's name as given (its inventory name, not its
ansible_host); DIR itself may exist and hold other captures, but each
DIR/HOST must be new or empty. Hosts are collected --jobs at a time, each over
its own ssh connection, each exactly as it would be alone; a host that cannot
be reached does not stop the others, and its DIR/HOST holds only
collect-errors saying so. Summaries are printed in the order the hosts were
given.",
        after_help = "\
Examples:
  zmigrate collect gz1 -o captures/gz1
  zmigrate collect --local -o /var/tmp/capture      on the GZ itself
  zmigrate collect gz1 gz2 gz3 -o captures/          captures/gz1, captures/gz2, captures/gz3
  zmigrate collect -i inventory.yml -o captures/ --jobs 8
  zmigrate collect -i hosts.ini --limit 'zones:&prod:!gz-lab*' -o captures/

Exit codes: 0 every command succeeded on every host; 1 the captures were
written but some commands failed (see DIR/collect-errors, or
DIR/HOST/collect-errors); 2 usage or inventory errors, a host could not be
reached or its connection was lost (after the other hosts are done; what was
captured is still written), or a directory is not empty or cannot be
written."
    )]
    Collect(CollectArgs),
    /// Collect hosts and lint them with zrules (same formats and exit codes as `zrules check`).
    #[command(
        long_about = "\
Collect each host (as `zmigrate collect` does, in memory) and check the
captures with zrules' rules, exactly as `zrules check --capture DIR` would check
the written directories; several hosts are checked together as a fleet. Output
formats, --select/--ignore, --fail-level and exit codes are zrules'. The policy
is --policy, else zrules.yaml in this directory or a parent up to the
repository root, else the write-up's defaults.

Commands that fail on a host are listed on stderr; the checks that needed
their output are reported as skipped. Hosts are collected --jobs at a time,
from the command line or an Ansible inventory (--inventory, --limit). A host
that cannot be reached (or whose connection is lost) is reported on stderr
and left out of the check; the others are still checked and their findings
printed, and the exit status is 2.",
        after_help = "\
Examples:
  zmigrate check gz1
  zmigrate check gz1 gz2 --format json > findings.json
  zmigrate check gz1 --keep captures/     also write captures/gz1 for later
  zmigrate check gz1 --select Z05,Z06     only the VNIC name and MAC rules
  zmigrate check -i inventory.yml --jobs 8 --format sarif > fleet.sarif
  zmigrate check -i hosts.ini --limit 'web:db:!gz-lab' --keep captures/

Exit codes: 0 no finding at or above the failing level; 1 findings; 2 usage,
policy or inventory errors, or a host that cannot be reached (the other hosts'
findings are still printed)."
    )]
    Check(CheckArgs),
    /// Print the move of a zone to another global zone as a commented shell script; changes nothing.
    #[command(
        long_about = "\
Probe both global zones read-only (the capture layout on each, zrules' checks,
dataset sizes, free space, snapshots, whether the source reaches the target)
and print the whole move, in the order `zmigrate move` runs it, as a commented
POSIX shell script to run on the source global zone: readable by a Solaris
administrator, and a fallback to run by hand. Nothing is changed on either
host. The pre-copy shows the full send and one increment; `move` repeats
increments until the convergence rule says switch.",
        after_help = "\
Examples:
  zmigrate plan www --from gz-a --to gz-b
  zmigrate plan www --from gz-a --to gz-b --format json
  zmigrate plan www -F tb/ssh_config --from gz-a --to gz-b

Exit codes: 0 the plan was printed; 2 the move cannot be planned (every reason
is listed), a host cannot be reached, or usage errors."
    )]
    Plan(PlanArgs),
    /// Move a zone to another global zone: pre-copy while it runs, clean shutdown, last increment, attach, boot, verify.
    #[command(
        long_about = "\
Move ZONE from the source global zone to the target with minimal downtime:

  1. pre-flight (nothing changed): both hosts collected and checked with zrules,
     the zone absent from the target, space, a dry-run detach/attach, the VNICs
     with MACs derived from the target's address (house rule 6);
  2. prepare (zone running): configuration and VNICs on the target;
  3. pre-copy (zone running): recursive snapshots, full sends, then incremental
     rounds until the next increment is predicted small enough (--converge-bytes,
     --downtime-target) or --max-rounds, received unmounted;
  4. switch: clean shutdown (never halt), final snapshot and increment, attach,
     boot; if the shutdown does not finish within --shutdown-timeout, or
     anything fails before the zone runs on the target, what the move created on
     the target is removed and the zone runs on the source again;
  5. verify: snapshot GUIDs equal on both sides, the target's configuration the
     one sent, the zone running; then autoboot=false on the source.

The source keeps the zone's configuration, datasets and snapshots: nothing that
existed before the move is destroyed. Every step is recorded in a journal
(--journal-dir) and a lock prevents two moves of the same zone.",
        after_help = "\
Examples:
  zmigrate move www --from gz-a --to gz-b
  zmigrate move www --from gz-a --to gz-b --yes --report move.json
  zmigrate move www --from-here --to gz-b --max-rounds 5 --downtime-target 1
  zmigrate move www -F tb/ssh_config --from gz-a --to gz-b --yes --json

Exit codes: 0 the zone runs on the target and was verified; 1 it runs on the
target but verification found differences (listed, with the command that moves
it back); 2 the move was refused, rolled back (the zone is on the source) or
stopped (the one recovery command is printed), or usage errors."
    )]
    Move(MoveArgs),
    /// The moves this machine knows (from their journals), with the zone's state on both hosts read live.
    #[command(after_help = "\
Examples:
  zmigrate status                       every move: phase, last step, outcome, the zone on both hosts
  zmigrate status 20261201T093512-4242  one move: every step with its time and figures, rounds, notes
  zmigrate status --format json

Exit codes: 0 shown; 2 an unknown ID, an unreadable journal, or usage errors.")]
    Status(StatusArgs),
    /// Continue an interrupted move from what the hosts show now.
    #[command(
        long_about = "\
Continue move ID after an interruption (a lost connection, a killed zmigrate, a
reboot of this machine). Nothing is taken on trust from the journal: the zone's
state on both hosts and each dataset tree's last snapshot common to both (same
GUID on every dataset) decide where to go on. A copy that a receive cut short
is removed (it is the move's own) and sent again; pre-copy continues while the
zone runs; a zone already shut down is moved on through the rest of the switch;
one attached or running on the target is booted or verified. Any failure rolls
back as `move` does.",
        after_help = "\
Examples:
  zmigrate resume 20261201T093512-4242
  zmigrate resume 20261201T093512-4242 -F tb/ssh_config --report move.json

Exit codes: as `zmigrate move`."
    )]
    Resume(ResumeArgs),
    /// Undo a move that has not been verified: remove what it created on the target, boot the zone on the source.
    #[command(
        long_about = "\
Remove what move ID created on the target, read from the target itself (the
zone halted, detached and deleted there, its VNICs, the received datasets), drop
the move's snapshots on the source, and boot the zone on the source again if
the move had stopped it. Nothing that existed before the move is touched.
Refused once the zone ran on the target and was verified: going back is then a
new move in the other direction.",
        after_help = "\
Examples:
  zmigrate rollback 20261201T093512-4242

Exit codes: 0 rolled back; 2 refused (the reason is printed), a host cannot be
reached, or part of the undo failed (the commands left to run are printed)."
    )]
    Rollback(IdArgs),
    /// After a verified move: destroy the move's snapshots (and, asked, the source zone and its datasets).
    #[command(
        long_about = "\
After move ID was verified and the zone runs on the target: release the move's
holds and destroy its snapshots on both hosts except the last common one (all of
them with --keep-none). With --destroy-source, also uninstall the zone on the
source, delete its configuration, its VNICs and its datasets. Shows the commands
and asks once unless --yes; refused unless the move completed and the zone runs
on the target.",
        after_help = "\
Examples:
  zmigrate finalize 20261201T093512-4242
  zmigrate finalize 20261201T093512-4242 --destroy-source --yes

Exit codes: 0 done; 2 refused, declined, or some commands failed (listed)."
    )]
    Finalize(FinalizeArgs),
    /// Shell completions and man pages, for packagers.
    #[command(subcommand, hide = true)]
    Generate(zrules::generate::Generate),
}

/// Where the commands run.
#[derive(Debug, Args)]
struct HostArgs {
    /// ssh_config file to use (`ssh -F`), e.g. a testbed's DIR/ssh_config.
    #[arg(short = 'F', long = "ssh-config", value_name = "FILE")]
    ssh_config: Option<PathBuf>,
    /// Seconds to wait for a host to answer.
    #[arg(long, value_name = "SECS", default_value_t = 15)]
    connect_timeout: u64,
    /// Seconds one command may run before it is stopped and reported.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    timeout: u64,
    /// How many hosts are collected at once (each over its own connection).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
}

/// A fleet from an Ansible inventory.
#[derive(Debug, Args)]
struct FleetArgs {
    /// An Ansible inventory (INI, or YAML for *.yml/*.yaml): its hosts, with
    /// ansible_host, ansible_port and ansible_user honoured.
    #[arg(short = 'i', long, value_name = "FILE", conflicts_with = "local")]
    inventory: Option<PathBuf>,
    /// Only the inventory's hosts matching this Ansible host pattern:
    /// host or group names and * wildcards, joined by `:` or `,`; `!NAME`
    /// excludes, `&NAME` intersects; `web[0:2]` picks by position.
    #[arg(short = 'l', long, value_name = "PATTERN", requires = "inventory")]
    limit: Option<String>,
}

impl FleetArgs {
    /// The hosts: the inventory's, or the operands (or this machine).
    fn target(self, hosts: Vec<String>, local: bool) -> anyhow::Result<cli::Target> {
        match self.inventory {
            Some(file) => cli::Target::from_inventory(&file, self.limit.as_deref()),
            // clap's `requires` is not enforced here next to the host
            // operands, so the rule is kept by hand.
            None if self.limit.is_some() => {
                anyhow::bail!("--limit selects hosts of an inventory: give --inventory FILE too")
            }
            None => Ok(cli::Target::new(hosts, local)),
        }
    }
}

#[derive(Debug, Args)]
struct CollectArgs {
    /// Global zones: ssh host names or aliases (never starting with `-`).
    #[arg(required_unless_present_any = ["local", "inventory"], conflicts_with_all = ["local", "inventory"], value_parser = host_operand)]
    hosts: Vec<String>,
    /// Run the commands on this machine instead; refused unless `uname -s` is SunOS and `zonename` is global.
    #[arg(long)]
    local: bool,
    /// The capture directory to create (new or empty); with several hosts
    /// or --inventory, the directory holding DIR/HOST for each.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    #[command(flatten)]
    fleet: FleetArgs,
    #[command(flatten)]
    how: HostArgs,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Global zones: ssh host names or aliases (never starting with `-`).
    #[arg(required_unless_present_any = ["local", "inventory"], conflicts_with_all = ["local", "inventory"], value_parser = host_operand)]
    hosts: Vec<String>,
    /// Check this machine instead; refused unless `uname -s` is SunOS and `zonename` is global.
    #[arg(long)]
    local: bool,
    /// Also write each capture to DIR/HOST.
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    #[command(flatten)]
    lint: LintOptions,
    #[command(flatten)]
    fleet: FleetArgs,
    #[command(flatten)]
    how: HostArgs,
}

/// The zone and the two hosts of a move.
#[derive(Debug, Args)]
struct MoveHosts {
    /// The zone to move.
    zone: String,
    /// The source global zone (ssh host name or alias).
    #[arg(long, value_name = "HOST", value_parser = host_operand, required_unless_present = "from_here", conflicts_with = "from_here")]
    from: Option<String>,
    /// The source is this machine (refused unless it is a Solaris or illumos global zone).
    #[arg(long)]
    from_here: bool,
    /// The target global zone (ssh host name or alias).
    #[arg(long, value_name = "HOST", value_parser = host_operand)]
    to: String,
    /// The target's name as the source's ssh knows it [default: --to].
    #[arg(long, value_name = "HOST", value_parser = host_operand)]
    target_from_source: Option<String>,
    /// Relay the streams through this machine instead of sending them from the source to the target directly.
    #[arg(long)]
    relay: bool,
    /// Policy file (zrules.yaml) [default: discovered as zrules does].
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Move even though zrules reports errors about the zone, for this reason (recorded).
    #[arg(long, value_name = "REASON")]
    force: Option<String>,
    /// Most pre-copy rounds, the full send included.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=100))]
    max_rounds: u32,
    /// Switch when the next increment is predicted at most this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 4 << 20)]
    converge_bytes: u64,
    /// Switch when the next increment is predicted to send within this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    downtime_target: f64,
    /// Seconds the clean shutdown may take; then the switch is abandoned and the zone runs on the source.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    shutdown_timeout: u64,
    /// Seconds the boot on the target may take to reach running.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    boot_timeout: u64,
    /// Where journals and locks are kept [default: $ZMIGRATE_JOURNAL_DIR, $XDG_STATE_HOME/zmigrate or ~/.local/state/zmigrate].
    #[arg(long, value_name = "DIR")]
    journal_dir: Option<PathBuf>,
    #[command(flatten)]
    how: HostArgs,
}

#[derive(Debug, Args)]
struct PlanArgs {
    #[command(flatten)]
    m: MoveHosts,
    /// `sh`: the commented script; `json`: the same plan as data.
    #[arg(long, value_name = "FORMAT", default_value = "sh", value_parser = ["sh", "json"])]
    format: String,
}

#[derive(Debug, Args)]
struct MoveArgs {
    #[command(flatten)]
    m: MoveHosts,
    /// Do not ask before moving (for scripts).
    #[arg(short, long)]
    yes: bool,
    /// Progress as JSON lines on stdout, for automation.
    #[arg(long)]
    json: bool,
    /// Write the move's report (rounds, downtime, steps, outcome) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write the move's timeline (rounds, the downtime window, retries) as a self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    report_html: Option<PathBuf>,
    /// Bytes per second at most (streams are then relayed through this machine).
    #[arg(long, value_name = "BYTES")]
    bwlimit: Option<u64>,
    /// ssh compression on the streams (direct path).
    #[arg(long)]
    compress: bool,
}

/// Reaching the hosts of a recorded move.
#[derive(Debug, Args)]
struct ReachArgs {
    /// Where journals and locks are kept [default: $ZMIGRATE_JOURNAL_DIR, $XDG_STATE_HOME/zmigrate or ~/.local/state/zmigrate].
    #[arg(long, value_name = "DIR")]
    journal_dir: Option<PathBuf>,
    #[command(flatten)]
    how: HostArgs,
}

impl ReachArgs {
    fn reach(self) -> move_cli::Reach {
        move_cli::Reach {
            ssh_config: self.how.ssh_config,
            connect_timeout: std::time::Duration::from_secs(self.how.connect_timeout),
            timeout: std::time::Duration::from_secs(self.how.timeout),
            journal_dir: self.journal_dir,
        }
    }
}

#[derive(Debug, Args)]
struct StatusArgs {
    /// One move's ID (as `move` printed it); all moves when left out.
    id: Option<String>,
    /// `text` or `json`.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    format: String,
    #[command(flatten)]
    reach: ReachArgs,
}

#[derive(Debug, Args)]
struct IdArgs {
    /// The move's ID (see `zmigrate status`).
    id: String,
    /// Progress as JSON lines on stdout.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    reach: ReachArgs,
}

#[derive(Debug, Args)]
struct ResumeArgs {
    #[command(flatten)]
    id: IdArgs,
    /// Write the report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write the timeline as HTML to FILE.
    #[arg(long, value_name = "FILE")]
    report_html: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct FinalizeArgs {
    /// The move's ID.
    id: String,
    /// Also uninstall the zone on the source and destroy its configuration, VNICs and datasets.
    #[arg(long)]
    destroy_source: bool,
    /// Destroy every snapshot of the move, the last common one included.
    #[arg(long)]
    keep_none: bool,
    /// Do not ask.
    #[arg(short, long)]
    yes: bool,
    #[command(flatten)]
    reach: ReachArgs,
}

impl MoveHosts {
    fn request(self) -> anyhow::Result<move_cli::MoveRequest> {
        if !(self.downtime_target.is_finite() && self.downtime_target >= 0.0) {
            anyhow::bail!("--downtime-target must be a number of seconds, 0 or more");
        }
        Ok(move_cli::MoveRequest {
            zone: self.zone,
            hosts: move_cli::Hosts {
                from: self.from,
                to: self.to,
                ssh_config: self.how.ssh_config,
                connect_timeout: std::time::Duration::from_secs(self.how.connect_timeout),
                timeout: std::time::Duration::from_secs(self.how.timeout),
                target_from_source: self.target_from_source,
                relay: self.relay,
            },
            options: zmigrate::migrate::plan::Options {
                limits: zmigrate::migrate::converge::Limits {
                    max_rounds: self.max_rounds as usize,
                    converge_bytes: self.converge_bytes,
                    downtime_target: std::time::Duration::from_secs_f64(self.downtime_target),
                },
                shutdown_timeout: std::time::Duration::from_secs(self.shutdown_timeout),
                boot_timeout: std::time::Duration::from_secs(self.boot_timeout),
                force: self.force,
                ..Default::default()
            },
            policy: self.policy,
            journal_dir: self.journal_dir,
        })
    }
}

/// A host operand, refused by clap (exit 2, before anything runs) unless it
/// is a usable host name: one starting with `-` would reach ssh as an
/// option, so it is refused even after `--`.
fn host_operand(s: &str) -> Result<String, String> {
    zrules::names::validate_host_name(s)
        .map(|()| s.to_owned())
        .map_err(|e| e.to_string())
}

/// Refuses a short option with its value attached (`-oVALUE`, `-FVALUE`)
/// anywhere before `--`.
///
/// ssh spells its options that way (`-oProxyCommand=…`), so such a word in
/// a zmigrate command line is most likely a host operand gone wrong (a
/// variable holding `-o…`), and clap would silently read it as `-o` with a
/// value: `zmigrate collect -F cfg -oProxyCommand=… gz-a` wrote a capture
/// directory named `ProxyCommand=…`. Here a short option's value is always
/// the next word.
fn refuse_attached_values(cmd: &clap::Command, args: &[OsString]) -> Result<(), String> {
    let mut takes_value = std::collections::BTreeSet::new();
    let mut stack = vec![cmd];
    while let Some(c) = stack.pop() {
        for a in c.get_arguments() {
            if let Some(short) = a.get_short().filter(|_| a.get_action().takes_values()) {
                takes_value.insert(short);
            }
        }
        stack.extend(c.get_subcommands());
    }
    for arg in args.iter().skip(1) {
        let Some(word) = arg.to_str() else { continue };
        if word == "--" {
            break;
        }
        let mut chars = word.chars();
        if chars.next() != Some('-') {
            continue;
        }
        let (Some(short), Some(_)) = (chars.next(), chars.next()) else {
            continue;
        };
        if takes_value.contains(&short) {
            return Err(format!(
                "'{word}' is refused: a host name never starts with '-', zmigrate passes \
                 no ssh options (put them in an ssh_config and use -F FILE), and a short \
                 option takes its value as the next word (-{short} VALUE, not -{short}VALUE)"
            ));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Err(message) = refuse_attached_values(&Cli::command(), &args) {
        Cli::command()
            .error(clap::error::ErrorKind::ValueValidation, message)
            .exit();
    }
    let result = match Cli::parse_from(args).command {
        Command::Collect(a) => a.fleet.target(a.hosts, a.local).and_then(|target| {
            cli::collect(cli::CollectRequest {
                target,
                output: a.output,
                how: a.how.into(),
            })
        }),
        Command::Check(a) => a.fleet.target(a.hosts, a.local).and_then(|target| {
            cli::check(cli::CheckRequest {
                target,
                keep: a.keep,
                lint: a.lint,
                how: a.how.into(),
            })
        }),
        Command::Plan(a) => {
            a.m.request()
                .and_then(|r| move_cli::plan(&r, a.format == "json"))
        }
        Command::Move(a) => a.m.request().and_then(|r| {
            move_cli::do_move(
                &r,
                a.yes,
                a.json,
                a.report,
                a.report_html,
                zmigrate::run::runner::Transport {
                    bwlimit: a.bwlimit,
                    compress: a.compress,
                },
            )
        }),
        Command::Status(a) => {
            let json = a.format == "json";
            move_cli::status(&a.reach.reach(), a.id.as_deref(), json)
        }
        Command::Resume(a) => {
            let id = a.id.id.clone();
            move_cli::resume(&a.id.reach.reach(), &id, a.id.json, a.report, a.report_html)
        }
        Command::Rollback(a) => {
            let id = a.id.clone();
            move_cli::rollback(&a.reach.reach(), &id, a.json)
        }
        Command::Finalize(a) => {
            let id = a.id.clone();
            move_cli::finalize(&a.reach.reach(), &id, a.destroy_source, a.keep_none, a.yes)
        }
        Command::Generate(what) => generate(&what),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The hidden `generate` subcommand: completions and man pages (zrules::generate).
fn generate(what: &zrules::generate::Generate) -> anyhow::Result<ExitCode> {
    zrules::os::print(what.render(Cli::command())?)?;
    Ok(ExitCode::SUCCESS)
}

impl From<HostArgs> for cli::How {
    fn from(a: HostArgs) -> Self {
        cli::How {
            ssh_config: a.ssh_config,
            connect_timeout: std::time::Duration::from_secs(a.connect_timeout),
            timeout: std::time::Duration::from_secs(a.timeout),
            jobs: usize::from(a.jobs),
        }
    }
}
