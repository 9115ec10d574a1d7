//! Collecting a host capture: running the read-only commands of zrules'
//! capture layout on a global zone and keeping their outputs, unedited.
//!
//! zrules defines the capture layout (one table: file → command, see
//! `zrules layout`); this module is the only thing that runs it. The order
//! is the table's: first every GZ command, once; then, from the
//! `zoneadm list -cp` just captured, `zonecfg -z ZONE export` for every
//! non-global zone and the `zlogin ZONE …` commands for each zone that is
//! running. Zone names read from the host are validated before they reach
//! a command line or a path.
//!
//! A command that fails on the host does not stop the collection. Its file
//! is *not* written (so zrules reports the checks that need it as skipped,
//! never as passed on a partial output); what it printed on stdout, if
//! anything, is kept under `failed/` with the same relative path; and an
//! entry goes into the `collect-errors` file, which zrules ignores (it reads
//! only the layout's files):
//!
//! ```text
//! FILE<TAB>COMMAND<TAB>WHAT HAPPENED
//! <TAB>each line of the command's standard error
//! ```
//!
//! `FILE` is `-` for problems that are not one command's (a zone whose name
//! is unusable, zones that could not be listed). A capture without problems
//! has no `collect-errors` file. Only a lost connection stops a collection
//! early; what was captured until then is kept all the same.
//!
//! One failure is a fact rather than a problem: `svcs -d FMRI` of a service
//! that is not installed (sendmail, usually) ends with svcs(1)'s
//! `Pattern 'FMRI' doesn't match any instances`. Its file is not written
//! either, which zrules reads as "the service is absent" (house rule 11 asks
//! about sendmail only where it is present), and the path is listed in
//! [`Capture::absent`] instead of the failures.
//!
//! One unit per step: `plan` (which commands, for which zones), `run`
//! (running them over an [`Executor`](crate::exec::Executor)), `capture`
//! (what a collection holds), `failure` (one problem, as a line and as a
//! `collect-errors` entry), `summary` (the account on stderr) and `write`
//! (the capture directory).

mod capture;
mod failure;
mod plan;
mod run;
mod summary;
mod write;

pub use capture::Capture;
pub use failure::Failure;
pub use plan::{Planned, global_plan, zone_plan};
pub use run::{Observer, Quiet, collect};
pub use write::{ERRORS_FILE, FAILED_DIR, WriteError, prepare_dir};

/// A fake global zone for the tests of the units above.
#[cfg(test)]
pub(crate) mod testing {
    use zrules::capture::{LAYOUT, Scope};

    use super::{Planned, global_plan};
    use crate::exec::fake::FakeExecutor;

    pub const ZONES: &str = "0:global:running:/::solaris:shared:-:none\n\
        1:www:running:/zones/www:u-1:solaris:excl:-:none\n\
        -:db:installed:/zones/db:u-2:solaris:excl:-:none\n\
        -:new:configured:/zones/new::solaris:excl:-:\n";

    /// A GZ whose every global command prints `G:FILE`, and whose zones
    /// answer with `Z:ZONE:FILE`.
    pub fn host(zoneadm: &str) -> FakeExecutor {
        let mut f = FakeExecutor::new("gz1");
        for p in global_plan() {
            let text = if p.path == "zoneadm-list-cp" {
                zoneadm.to_owned()
            } else {
                format!("G:{}\n", p.path)
            };
            f = f.ok(&argv(&p), &text);
        }
        for zone in ["www", "db", "new"] {
            for p in LAYOUT
                .iter()
                .filter(|c| c.scope != Scope::Global)
                .map(|c| Planned::new(c, Some(zone)))
            {
                f = f.ok(&argv(&p), &format!("Z:{zone}:{}\n", p.entry.file));
            }
        }
        f
    }

    fn argv(p: &Planned) -> Vec<&str> {
        std::iter::once(p.cmd.program.as_str())
            .chain(p.cmd.args.iter().map(String::as_str))
            .collect()
    }

    /// Each asked argument vector as one line.
    pub fn joined(asked: &[Vec<String>]) -> Vec<String> {
        asked.iter().map(|a| a.join(" ")).collect()
    }
}
