//! Commands as data: what a generated plan holds before it is rendered.
//!
//! A plan is a list of [`Step`]s. Each holds one `zrules::shell::Command`
//! (a program and its arguments, the toolkit's one command type), the host
//! role it runs on (a generated script runs on the global zone it was made
//! for: [`Role::Target`]) and, for a step inside a non-global zone, that
//! zone: the command is then wrapped with `Command::in_zone` (`zlogin ZONE
//! …`), the one place that wrapping is defined. Arguments are never joined
//! into a string here: the renderers in [`crate::render`](mod@crate::render) quote them with
//! `zrules::shell::quote`, and `zmigrate` can run the same steps without a
//! shell. Nothing in this module runs anything.

use serde::Serialize;
use zrules::shell::{Command, Role};

/// The programs a plan may call: a closed list, so no step can name a
/// program nobody checked against its man page. Every step's and guard's
/// command is built from one of these ([`Program::command`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Program {
    /// dladm(1M): `create-vnic`, `modify-vnic`, `rename-link`; `show-vnic
    /// LINK` as a guard (fails for a link that is not a VNIC).
    Dladm,
    /// zfs(1M): `create`; `list -H -o name DATASET` as a guard (fails when
    /// the dataset does not exist).
    Zfs,
    /// zonecfg(1M): `-z ZONE -f FILE`; `-z ZONE info` as a guard (fails
    /// for a zone that is not configured).
    Zonecfg,
    /// chmod(1): the zonepath must be mode 700 for zoneadm(1M).
    Chmod,
    /// chown(1): a new home dataset belongs to its user.
    Chown,
    /// useradd(1M), usermod(1M): `-d` sets the home directory.
    Useradd,
    Usermod,
    /// svccfg(1M): `-s FMRI delpg PG`.
    Svccfg,
    /// svcadm(1M): `refresh FMRI`.
    Svcadm,
    /// svcs(1): guards (`svcs -H FMRI` fails for an unknown service).
    Svcs,
}

impl Program {
    pub const fn name(self) -> &'static str {
        match self {
            Program::Dladm => "dladm",
            Program::Zfs => "zfs",
            Program::Zonecfg => "zonecfg",
            Program::Chmod => "chmod",
            Program::Chown => "chown",
            Program::Useradd => "useradd",
            Program::Usermod => "usermod",
            Program::Svccfg => "svccfg",
            Program::Svcadm => "svcadm",
            Program::Svcs => "svcs",
        }
    }

    /// This program with these arguments.
    pub fn command<S: AsRef<str>>(self, args: &[S]) -> Command {
        Command::new(self.name(), args.iter().map(AsRef::as_ref))
    }
}

/// A text a step reads from a file: the zonecfg command file. The step's
/// arguments name the file by [`InputFile::name`], relative to a private
/// working directory the runner creates and writes the file into first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputFile {
    pub name: String,
    pub text: String,
}

/// A command that decides whether a step runs, on the same host and in the
/// same zone as the step: the step runs only when the guard exits 0 (or,
/// with `negate`, only when it does not). Guards make set-up scripts safe
/// to run again: check, then create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Guard {
    #[serde(flatten)]
    pub command: Command,
    pub negate: bool,
}

impl Guard {
    /// Run the step only when `command` succeeds.
    pub fn when(command: Command) -> Self {
        Guard {
            command,
            negate: false,
        }
    }

    /// Run the step only when `command` fails.
    pub fn unless(command: Command) -> Self {
        Guard {
            command,
            negate: true,
        }
    }

    /// Only when `dataset` does not exist: `zfs list -H -o name DATASET`
    /// exits 1 ("dataset does not exist") for a missing dataset (zfs(1M),
    /// Solaris 11 and illumos alike).
    pub fn no_dataset(dataset: &str) -> Self {
        Guard::unless(Program::Zfs.command(&["list", "-H", "-o", "name", dataset]))
    }

    /// Only when no VNIC `link` exists: `dladm show-vnic LINK` fails with
    /// "invalid vnic name 'LINK': object not found" (dladm(1M), Solaris 11
    /// and illumos alike).
    pub fn no_vnic(link: &str) -> Self {
        Guard::unless(Program::Dladm.command(&["show-vnic", link]))
    }

    /// Only when zone `zone` is not configured: `zonecfg -z ZONE info` ends
    /// with "ZONE: No such zone configured" and a non-zero status for an
    /// unknown zone (zonecfg(1M); illumos zonecfg.c, `initialize`).
    pub fn zone_not_configured(zone: &str) -> Self {
        Guard::unless(Program::Zonecfg.command(&["-z", zone, "info"]))
    }
}

/// One command on one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Which host of the operation runs it: a generated script runs on
    /// the global zone it is for, so always [`Role::Target`] here.
    pub role: Role,
    /// The non-global zone the command runs inside (through `zlogin`), or
    /// `None` for the global zone itself.
    pub zone: Option<String>,
    /// The program and its arguments, as the zone (or GZ) runs them.
    pub command: Command,
    /// One line for a person: what the step does and which rule wants it.
    pub purpose: String,
    /// The file the command reads (zonecfg's command file).
    pub input: Option<InputFile>,
    /// Run only when this command succeeds (on the same host and zone).
    pub only_if: Option<Guard>,
    /// This zone must not be running (e.g. its links cannot be renamed
    /// while it holds them).
    pub requires_halted: Option<String>,
}

impl Step {
    fn new(zone: Option<&str>, command: Command, purpose: impl Into<String>) -> Self {
        Self {
            role: Role::Target,
            zone: zone.map(str::to_owned),
            command,
            purpose: purpose.into(),
            input: None,
            only_if: None,
            requires_halted: None,
        }
    }

    /// A step on the global zone.
    pub fn gz(program: Program, args: &[&str], purpose: impl Into<String>) -> Self {
        Self::new(None, program.command(args), purpose)
    }

    /// A step inside non-global zone `zone`.
    pub fn in_zone(
        zone: &str,
        program: Program,
        args: &[&str],
        purpose: impl Into<String>,
    ) -> Self {
        Self::new(Some(zone), program.command(args), purpose)
    }

    /// `zfs create [-o mountpoint=MP] DATASET` on the GZ or inside `zone`,
    /// skipped when the dataset exists (see [`Guard::no_dataset`]), so a
    /// script stopped halfway can run again.
    pub fn create_dataset(
        zone: Option<&str>,
        dataset: &str,
        mountpoint: Option<&str>,
        purpose: impl Into<String>,
    ) -> Self {
        let mp = mountpoint.map(|m| format!("mountpoint={m}"));
        let mut args = vec!["create"];
        if let Some(mp) = &mp {
            args.extend(["-o", mp]);
        }
        args.push(dataset);
        Self::new(zone, Program::Zfs.command(&args), purpose).only_if(Guard::no_dataset(dataset))
    }

    pub fn with_input(mut self, input: InputFile) -> Self {
        self.input = Some(input);
        self
    }

    pub fn only_if(mut self, guard: Guard) -> Self {
        self.only_if = Some(guard);
        self
    }

    pub fn requires_halted(mut self, zone: &str) -> Self {
        self.requires_halted = Some(zone.to_owned());
        self
    }

    /// `command` as the global zone runs it: as is, or wrapped in
    /// `zlogin ZONE` for a step inside a zone.
    pub fn on_gz(&self, command: &Command) -> Command {
        match &self.zone {
            None => command.clone(),
            Some(zone) => command.in_zone(zone),
        }
    }

    /// The argument vector to run on the global zone (see [`Step::on_gz`]).
    pub fn gz_argv(&self) -> Vec<String> {
        self.on_gz(&self.command).argv()
    }
}

/// Something a finding asks for that no mechanical step can do, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unfixable {
    /// `Z08 zonepath`
    pub rule: String,
    pub zone: Option<String>,
    pub host: Option<String>,
    pub message: String,
    /// Why zgen leaves it alone, and what to do instead.
    pub reason: String,
}

/// What a generator returns: the steps in the order they must run, notes
/// for the person running them, and what could not be done.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// One line saying what the plan does (the script's heading).
    pub title: String,
    pub steps: Vec<Step>,
    /// Facts the plan relied on or follow-ups it cannot do (printed as
    /// comments; not errors).
    pub notes: Vec<String>,
    pub unfixable: Vec<Unfixable>,
}

impl Plan {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            ..Self::default()
        }
    }

    pub fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// Only the steps on the global zone, or only those inside zones.
    pub fn filter(&self, phase: Phase) -> Plan {
        let keep = |s: &Step| match phase {
            Phase::All => true,
            Phase::Gz => s.zone.is_none(),
            Phase::Zone => s.zone.is_some(),
        };
        Plan {
            title: self.title.clone(),
            steps: self.steps.iter().filter(|s| keep(s)).cloned().collect(),
            notes: self.notes.clone(),
            unfixable: self.unfixable.clone(),
        }
    }

    /// Appends another plan (e.g. the fixes for the next zone).
    pub fn extend(&mut self, other: Plan) {
        self.steps.extend(other.steps);
        self.notes.extend(other.notes);
        self.unfixable.extend(other.unfixable);
    }
}

/// Which part of a plan to print: a new zone's in-zone steps can only run
/// after `zoneadm install` and `boot`, which the plan does not do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    All,
    /// Steps on the global zone.
    Gz,
    /// Steps inside zones (through zlogin).
    Zone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_zone_argv_is_wrapped_in_zlogin_and_quoted_for_the_inner_shell() {
        let s = Step::in_zone(
            "www",
            Program::Usermod,
            &["-d", "/local/home/a b", "alice"],
            "x",
        );
        assert_eq!(
            s.gz_argv(),
            vec![
                "zlogin",
                "www",
                "usermod",
                "-d",
                "'/local/home/a b'",
                "alice"
            ]
        );
        assert_eq!(s.role, Role::Target);
        let g = Step::gz(Program::Zfs, &["create", "pool1/www"], "x");
        assert_eq!(g.gz_argv(), vec!["zfs", "create", "pool1/www"]);
        let guard = Guard::no_dataset("pool1/www");
        assert_eq!(
            s.on_gz(&guard.command).argv(),
            [
                "zlogin",
                "www",
                "zfs",
                "list",
                "-H",
                "-o",
                "name",
                "pool1/www"
            ]
        );
    }

    #[test]
    fn phases_split_gz_and_zone_steps() {
        let mut p = Plan::new("t");
        p.push(Step::gz(Program::Zfs, &["create", "a/b"], "x"));
        p.push(Step::in_zone(
            "www",
            Program::Svcadm,
            &["refresh", "svc:/network/ssh:default"],
            "y",
        ));
        assert_eq!(p.filter(Phase::Gz).steps.len(), 1);
        assert_eq!(p.filter(Phase::Zone).steps[0].command.program, "svcadm");
        assert_eq!(p.filter(Phase::All).steps.len(), 2);
    }
}
