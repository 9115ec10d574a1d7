//! Commands as data: what a generated plan holds before it is rendered.
//!
//! A plan is a list of [`Step`]s, each one program with its argument list on
//! one host (the global zone, or inside a zone through `zlogin`). Arguments
//! are never joined into a string here: the renderers in [`crate::render`]
//! quote every argument in one place, and `zmigrate` can run the same steps
//! without a shell. Nothing in this module runs anything.

use serde::Serialize;

/// Where a step runs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The global zone itself.
    Gz,
    /// Inside this non-global zone, reached from the GZ with `zlogin ZONE`
    /// (zlogin(1): non-interactive mode runs the utility in the zone).
    Zone(String),
}

impl Target {
    pub fn zone(&self) -> Option<&str> {
        match self {
            Target::Gz => None,
            Target::Zone(z) => Some(z),
        }
    }
}

/// The programs a plan may call: a closed list, so no step can name a
/// program nobody checked against its man page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Program {
    /// dladm(1M): `create-vnic`, `modify-vnic`, `rename-link`.
    Dladm,
    /// zfs(1M): `create`.
    Zfs,
    /// zonecfg(1M): `-z ZONE -f FILE`.
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
}

impl Serialize for Program {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
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

/// A command that decides whether a step runs: the step runs only when the
/// guard exits 0 (or, with `negate`, only when it does not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Guard {
    pub program: Program,
    pub args: Vec<String>,
    pub negate: bool,
}

/// One command on one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub target: Target,
    pub program: Program,
    pub args: Vec<String>,
    /// One line for a person: what the step does and which rule wants it.
    pub purpose: String,
    /// The file the command reads (zonecfg's command file).
    pub input: Option<InputFile>,
    /// Run only when this command succeeds (on the same target).
    pub only_if: Option<Guard>,
    /// This zone must not be running (e.g. its links cannot be renamed
    /// while it holds them).
    pub requires_halted: Option<String>,
}

impl Step {
    pub fn new(
        target: Target,
        program: Program,
        args: Vec<String>,
        purpose: impl Into<String>,
    ) -> Self {
        Self {
            target,
            program,
            args,
            purpose: purpose.into(),
            input: None,
            only_if: None,
            requires_halted: None,
        }
    }

    pub fn gz(program: Program, args: &[&str], purpose: impl Into<String>) -> Self {
        Self::new(Target::Gz, program, strings(args), purpose)
    }

    pub fn in_zone(
        zone: &str,
        program: Program,
        args: &[&str],
        purpose: impl Into<String>,
    ) -> Self {
        Self::new(
            Target::Zone(zone.to_owned()),
            program,
            strings(args),
            purpose,
        )
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

    /// The argument vector to run on the global zone: the program and its
    /// arguments, wrapped in `zlogin ZONE` for an in-zone step. zlogin
    /// joins its arguments with blanks and hands the line to the zone's
    /// shell (`su root -c`, illumos zlogin.c `prep_args`), so each in-zone
    /// argument is shell-quoted once for that inner shell here.
    pub fn gz_argv(&self) -> Vec<String> {
        let mut inner = Vec::with_capacity(self.args.len() + 1);
        inner.push(self.program.name().to_owned());
        inner.extend(self.args.iter().cloned());
        match &self.target {
            Target::Gz => inner,
            Target::Zone(zone) => {
                let mut argv = vec!["zlogin".to_owned(), zone.clone()];
                argv.extend(inner.iter().map(|a| crate::render::sh_quote(a)));
                argv
            }
        }
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
            Phase::Gz => s.target == Target::Gz,
            Phase::Zone => s.target != Target::Gz,
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

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
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
        let g = Step::gz(Program::Zfs, &["create", "pool1/www"], "x");
        assert_eq!(g.gz_argv(), vec!["zfs", "create", "pool1/www"]);
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
        assert_eq!(p.filter(Phase::Zone).steps[0].program, Program::Svcadm);
        assert_eq!(p.filter(Phase::All).steps.len(), 2);
    }
}
