//! The command line: flags, reading files and captures, choosing where host
//! facts come from, and exit codes. Everything that decides what to emit
//! is in the library.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use zgen::fix::{self, FixRequest, Overrides, Selection};
use zgen::vnic::{Owner, VnicRequest};
use zgen::zone::ZoneRequest;
use zgen::{Format, HostContext, Phase, Plan, Platform};
use zrules::check::{CaptureInput, CheckInput};
use zrules::input::{self, Read};
use zrules::os::StdFs;
use zrules::policy::{self, Policy};

const ABOUT: &str =
    "Generate the commands that set up and repair zones under the site's house rules.";

const LONG_ABOUT: &str = "\
Generate the commands that set up and repair Solaris 11 zones under the site's
house rules: VNIC names after the zone (rule 5), MACs derived from the GZ's
primary address (rule 6), exclusive IP over VNICs (4), zonepath and datasets
(8-10), local homes and autofs-free services (11).

zgen prints commands; it never runs them. The default output is a POSIX shell
script to review and run as root on the global zone.

Host facts (the GZ's primary IPv4 address, zone IDs, MACs in use, datasets)
come from, in order:
  --capture DIR     a host capture (the layout `zrules` reads);
  --gz-ip IP        facts given on the command line only;
  (neither)         the local host, read with the capture's read-only
                    commands (run zgen on the global zone itself).
Flags such as --gz-ip, --zone-id and --over override what was read.";

const AFTER_LONG_HELP: &str = "\
Examples:
  zgen vnic www --gz-ip 192.168.31.12 --zone-id 1 --over net0
      dladm create-vnic -l net0 -m 00:00:01:1f:0c:10 www0
  zgen vnic www --count 2 --capture captures/gz-a
  zgen vnic --gz --gz-ip 192.168.31.12 --over net0 gza
  zgen zone www --gz-ip 192.168.31.12 --over net0 --vnics 2 --datasets pool1,pool2 --users alice,bob
  zgen zone www ... --format zonecfg > www.zonecfg
  zrules check --capture captures/gz-a --format json > findings.json
  zgen fix --findings findings.json --capture captures/gz-a

Exit codes: 0 plan printed (nothing left over); 1 `fix` printed a plan but
some findings need a person; 2 usage, input or host-fact errors.";

#[derive(Debug, Parser)]
#[command(name = "zgen", version, about = ABOUT, long_about = LONG_ABOUT, after_long_help = AFTER_LONG_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Cmd,
    /// Output: a shell script, the zonecfg command file only, or the steps as JSON.
    #[arg(long, value_enum, default_value_t = FormatArg::Sh, global = true)]
    format: FormatArg,
    /// Policy file [default: zrules.yaml in the current directory or a parent].
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Command dialect. illumos is supported by `vnic` only (its zonecfg has no dataset alias).
    #[arg(long, value_enum, default_value_t = PlatformArg::Solaris11, global = true)]
    platform: PlatformArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Sh,
    Zonecfg,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PlatformArg {
    Solaris11,
    Illumos,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PhaseArg {
    /// Every step.
    All,
    /// Only steps on the global zone.
    Gz,
    /// Only steps inside zones (after install and boot).
    Zone,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// `dladm create-vnic` commands for a zone's VNICs (or the GZ's own, --gz).
    #[command(
        long_about = "\
Print the dladm create-vnic commands for a zone's VNICs: named ZONE0, ZONE1, ...
(house rule 5), with MACs PREFIX:I3:I4:L (rule 6), L = 16*k + n in the lowest
block k >= 1 free on the host, preferring the zone's current ID. With --gz, the
GZ's own VNICs (L = n), named after NAME, policy gz_vnic_basename or the nodename.",
        after_long_help = "\
Examples:
  zgen vnic www --gz-ip 192.168.31.12 --zone-id 1 --over net0
  zgen vnic www --gz-ip 192.168.31.12 --zone-id 1 --over net0 --count 2
  zgen vnic www --capture captures/gz-a         # facts from a capture
  zgen vnic www                                 # on the GZ itself"
    )]
    Vnic(VnicArgs),
    /// Everything a new compliant zone needs: datasets, VNICs, zonecfg, in-zone steps.
    #[command(
        long_about = "\
Print, in order, what a new zone needs to meet house rules 4-6 and 8-11: on the
GZ the zonepath dataset, the delegated poolN/ZONE/poolN datasets, the VNICs and
the zonecfg command file; then, inside the zone once it is installed and booted
(zoneadm -z ZONE install; zoneadm -z ZONE boot), the home datasets and accounts
and the removal of the autofs dependencies. The script stops, successfully,
before the in-zone steps when the zone is not running: run them later with
--phase zone. The GZ steps check before they create (a dataset, VNIC or zone
configuration that exists is left alone), so a script that stopped can run
again. --format zonecfg prints only the command file, which names the VNICs
but not the link under them: it needs no --over.",
        after_long_help = "\
Examples:
  zgen zone www --gz-ip 192.168.31.12 --zone-id 1 --over net0
  zgen zone www --gz-ip 192.168.31.12 --over net0 --vnics 2 --datasets pool1,pool2 --users alice,bob
  zgen zone www ... --phase gz | ssh gz-a sh      # GZ part only
  zgen zone www ... --phase zone | ssh gz-a sh    # after install and boot"
    )]
    Zone(ZoneArgs),
    /// A script that repairs what zrules found, where a mechanical repair exists.
    #[command(
        long_about = "\
Check the given configurations and captures with zrules' rules and print a
script that repairs what can be repaired mechanically (anet -> net over a new
VNIC, VNIC renames and MACs, ip-type, the pool1 dataset and aliases, account
homes, autofs dependencies), followed by what needs a person and why (e.g. a
wrong zonepath needs a move). With --findings, only the findings of that
`zrules check --format json` report are repaired.",
        after_long_help = "\
Examples:
  zgen fix --capture captures/gz-a
  zgen fix --config www.zonecfg --gz-ip 192.168.31.12 --over net0
  zrules check --capture captures/gz-a --format json > f.json   # review, trim
  zgen fix --findings f.json --capture captures/gz-a"
    )]
    Fix(FixArgs),
    /// Shell completions and man pages, for packagers.
    #[command(subcommand, hide = true)]
    Generate(zrules::generate::Generate),
}

#[derive(Debug, Args)]
struct FactArgs {
    /// The GZ's primary IPv4 address (house rule 6); skips reading the local host.
    #[arg(long, value_name = "IP")]
    gz_ip: Option<Ipv4Addr>,
    /// The zone's current ID (its MAC block is preferred when free).
    #[arg(long, value_name = "ID", value_parser = parse_zone_id)]
    zone_id: Option<u32>,
    /// Datalink to create VNICs over [default: the link under the GZ's primary interface].
    #[arg(long, value_name = "LINK")]
    over: Option<String>,
    /// Read host facts from this capture directory.
    #[arg(long, value_name = "DIR")]
    capture: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct VnicArgs {
    /// The zone (or, with --gz, the GZ's VNIC basename).
    name: Option<String>,
    /// The global zone's own VNICs.
    #[arg(long)]
    gz: bool,
    /// How many VNICs.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    count: u32,
    /// Index of the first VNIC (www0 is 0).
    #[arg(long, default_value_t = 0, value_name = "N")]
    first_index: u32,
    #[command(flatten)]
    facts: FactArgs,
}

#[derive(Debug, Args)]
struct ZoneArgs {
    /// The new zone's name.
    name: String,
    /// How many VNICs (ZONE0, ZONE1, ...).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    vnics: u32,
    /// Data pools to delegate as poolN/ZONE/poolN (pool1 is required).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "pool1",
        value_name = "POOLS"
    )]
    datasets: Vec<String>,
    /// Local accounts to create with homes under the home root.
    #[arg(long, value_delimiter = ',', value_name = "USERS")]
    users: Vec<String>,
    /// Write autoboot=false.
    #[arg(long)]
    no_autoboot: bool,
    /// Which steps to print.
    #[arg(long, value_enum, default_value_t = PhaseArg::All)]
    phase: PhaseArg,
    #[command(flatten)]
    facts: FactArgs,
}

#[derive(Debug, Args)]
struct FixArgs {
    /// A `zrules check --format json` report: repair only its findings.
    #[arg(long, value_name = "FILE")]
    findings: Option<PathBuf>,
    /// Zone configuration files (zonecfg export text).
    #[arg(long = "config", value_name = "FILE")]
    configs: Vec<PathBuf>,
    /// Host capture directories.
    #[arg(long = "capture", value_name = "DIR")]
    captures: Vec<PathBuf>,
    /// Only this zone.
    #[arg(long, value_name = "ZONE")]
    zone: Option<String>,
    /// The GZ's primary IPv4 address, for zones without a capture.
    #[arg(long, value_name = "IP")]
    gz_ip: Option<Ipv4Addr>,
    /// Datalink for new VNICs, for zones without a capture.
    #[arg(long, value_name = "LINK")]
    over: Option<String>,
    /// Which steps to print.
    #[arg(long, value_enum, default_value_t = PhaseArg::All)]
    phase: PhaseArg,
}

/// Runs the command and maps the outcome to an exit code.
pub fn run(cli: Cli) -> Result<ExitCode> {
    // Man pages and completions describe the binary, not a site: a broken
    // `zrules.yaml` nearby must not stop them.
    if let Cmd::Generate(what) = &cli.command {
        zrules::os::print(what.render(<Cli as clap::CommandFactory>::command())?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let policy = policy::load(&StdFs, cli.policy.as_deref())?.policy;
    let platform = match cli.platform {
        PlatformArg::Solaris11 => Platform::Solaris11,
        PlatformArg::Illumos => Platform::Illumos,
    };
    let format = match cli.format {
        FormatArg::Sh => Format::Sh,
        FormatArg::Zonecfg => Format::Zonecfg,
        FormatArg::Json => Format::Json,
    };
    let (plan, phase) = match cli.command {
        Cmd::Vnic(a) => {
            let zone = if a.gz { None } else { a.name.as_deref() };
            let host = host_context(&a.facts, zone, &policy)?;
            let owner = match (a.gz, a.name) {
                (true, base) => Owner::Gz(base),
                (false, Some(zone)) => Owner::Zone(zone),
                (false, None) => {
                    bail!("name the zone (zgen vnic ZONE), or use --gz for the GZ's own VNICs")
                }
            };
            let req = VnicRequest {
                owner,
                count: a.count,
                first_index: a.first_index,
                over: a.facts.over.clone(),
                platform,
            };
            (zgen::vnic::plan(&req, &host, &policy)?, PhaseArg::All)
        }
        Cmd::Zone(a) => {
            let host = host_context(&a.facts, Some(&a.name), &policy)?;
            let req = ZoneRequest {
                zone: a.name,
                vnics: a.vnics,
                over: a.facts.over.clone(),
                pools: a.datasets,
                users: a.users,
                autoboot: !a.no_autoboot,
                platform,
            };
            // The zonecfg command file never names the link under the
            // VNICs nor their MACs: it needs neither --over nor a MAC block.
            let plan = if format == Format::Zonecfg {
                zgen::zone::config_plan(&req, &host, &policy)?
            } else {
                zgen::zone::plan(&req, &host, &policy)?
            };
            (plan, a.phase)
        }
        Cmd::Fix(a) => {
            let selection = match &a.findings {
                Some(p) => Some(
                    fix::read_findings_json(&read(p)?)
                        .with_context(|| format!("reading {}", p.display()))?,
                ),
                None => None,
            };
            let input = fix_input(&a, selection.as_deref())?;
            let req = FixRequest {
                input: &input,
                selection: selection.as_deref(),
                zone: a.zone.as_deref(),
                overrides: Overrides {
                    gz_ip: a.gz_ip,
                    over: a.over.clone(),
                },
                platform,
            };
            (fix::plan(&req, &policy)?, a.phase)
        }
        // Handled above, before the policy is read.
        Cmd::Generate(_) => return Ok(ExitCode::SUCCESS),
    };
    let plan = plan.filter(match phase {
        PhaseArg::All => Phase::All,
        PhaseArg::Gz => Phase::Gz,
        PhaseArg::Zone => Phase::Zone,
    });
    zrules::os::print(zgen::render(&plan, format))?;
    Ok(exit_for(&plan))
}

/// `--zone-id`: a number, and not the global zone's.
fn parse_zone_id(s: &str) -> Result<u32, String> {
    let id: u32 = s
        .parse()
        .map_err(|e| format!("'{s}' is not a zone ID: {e}"))?;
    zgen::validate::validate_zone_id(id).map_err(|e| e.to_string())
}

fn exit_for(plan: &Plan) -> ExitCode {
    if plan.unfixable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn read(path: &Path) -> Result<String> {
    Ok(input::text(&StdFs, path)?)
}

/// The one host capture `vnic` and `zone` take their facts from, read with
/// zrules' reader (the same files, skips and findings as `zrules check
/// --capture`); notes on what was skipped go to standard error.
fn read_capture(dir: &Path) -> Result<(CaptureInput, Vec<input::Unreadable>)> {
    let mut read = Read::default();
    input::captures(&StdFs, dir, &mut read)?;
    for note in &read.notes {
        eprintln!("note: {note}");
    }
    let mut input = read.input;
    if input.captures.len() != 1 {
        bail!(
            "{} holds the captures of {} hosts: give one host's capture directory",
            dir.display(),
            input.captures.len()
        );
    }
    Ok((input.captures.remove(0), input.problems))
}

/// Host facts for `vnic` and `zone`: a capture, the flags alone, or the
/// local host; flags override (`--zone-id` for `zone`).
fn host_context(a: &FactArgs, zone: Option<&str>, policy: &Policy) -> Result<HostContext> {
    let mut ctx = if let Some(dir) = &a.capture {
        let (cap, problems) = read_capture(dir)?;
        for p in &problems {
            warn_unreadable(p);
        }
        load_facts(&cap.host, &cap.files, policy)
    } else if a.gz_ip.is_some() {
        HostContext::default()
    } else {
        let (host, files) = crate::local::read_local_host()?;
        load_facts(&host, &files, policy)
    };
    if let Some(ip) = a.gz_ip {
        ctx.gz_ip = Some(ip);
    }
    if let Some(over) = &a.over {
        ctx.default_over = Some(over.clone());
    }
    if let (Some(id), Some(zone)) = (a.zone_id, zone) {
        ctx.zone_ids.insert(zone.to_owned(), id);
    }
    Ok(ctx)
}

/// A capture file that could not be read: its facts are unknown, as for a
/// file that does not parse.
fn warn_unreadable(u: &input::Unreadable) {
    let mut sources = zrules::Sources::new();
    for d in input::diagnostics(std::slice::from_ref(u), &mut sources) {
        let at = d
            .location()
            .map(|l| {
                let lc = sources.get(l.file).line_col(l.span.start());
                format!(" (line {}, column {})", lc.line, lc.column)
            })
            .unwrap_or_default();
        eprintln!("warning: {}{at}: {}", u.name, d.message());
    }
}

fn load_facts(host: &str, files: &BTreeMap<String, String>, policy: &Policy) -> HostContext {
    let mut sources = zrules::Sources::new();
    let (facts, diags) = zrules::capture::load(host, files, &mut sources);
    for d in diags {
        eprintln!("warning: {}", d.message());
    }
    HostContext::from_facts(&facts, policy)
}

/// The texts `fix` checks: the given configs and captures, or (with only a
/// findings report) the files the report names.
fn fix_input(a: &FixArgs, selection: Option<&[Selection]>) -> Result<CheckInput> {
    let mut read = Read::default();
    if !a.configs.is_empty() {
        input::configs(&StdFs, &a.configs, None, &mut read)?;
    }
    for d in &a.captures {
        input::captures(&StdFs, d, &mut read)?;
    }
    if read.input.configs.is_empty()
        && read.input.captures.is_empty()
        && read.input.problems.is_empty()
    {
        let Some(sel) = selection else {
            bail!(
                "give the configurations (--config FILE) or captures (--capture DIR) to repair, or a findings report (--findings FILE)"
            );
        };
        let mut seen = std::collections::BTreeSet::new();
        for s in sel {
            let Some(file) = &s.file else { continue };
            match &s.host {
                Some(host) => {
                    let Some(root) = capture_root(file).filter(|r| Path::new(r).is_dir()) else {
                        bail!(
                            "the report's findings about host {host} come from a capture: give its directory with --capture DIR"
                        );
                    };
                    if seen.insert(format!("capture:{root}")) {
                        input::captures(&StdFs, Path::new(root), &mut read)?;
                    }
                }
                None => {
                    if seen.insert(format!("config:{file}")) {
                        input::configs(
                            &StdFs,
                            &[PathBuf::from(file)],
                            s.zone.as_deref(),
                            &mut read,
                        )?;
                    }
                }
            }
        }
    }
    for note in &read.notes {
        eprintln!("note: {note}");
    }
    Ok(read.input)
}

/// The capture directory a report's file lies in: the path without its
/// capture-layout part (`captures/gz-a/zones/www/pkg-list` →
/// `captures/gz-a`), as `zrules check` names capture files.
fn capture_root(file: &str) -> Option<&str> {
    file.match_indices('/')
        .map(|(i, _)| (&file[..i], &file[i + 1..]))
        .find(|(root, rest)| !root.is_empty() && zrules::capture::classify(rest).is_some())
        .map(|(root, _)| root)
}
