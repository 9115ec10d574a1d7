//! Whether an executor reaches a Solaris or illumos global zone, asked
//! before a `--local` run: on any other machine the capture layout's
//! commands print real but unrelated files (a Linux `/etc/passwd`), and a
//! check of them would report findings about the wrong machine.
//!
//! The decision is zrules' ([`zrules::global_zone::decide`], pure, shared
//! with every tool that reads "this machine"); this module only runs its
//! probes over an executor.

use zrules::global_zone::{self, NotGlobalZone};

use super::{ExecError, Executor};

/// The executor's host is not a global zone, or could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{host} is not a Solaris or illumos global zone: {reason}")]
    NotGlobalZone {
        host: String,
        #[source]
        reason: NotGlobalZone,
    },
    #[error(transparent)]
    Exec(#[from] ExecError),
}

/// Runs zrules' probes (`uname -s`, `zonename`) on the executor's host and
/// returns why it is not a global zone, if it is not. A probe that cannot
/// be started or fails counts as not answering (a Linux machine has no
/// `zonename`); a lost connection is an error of its own.
pub fn ensure_global_zone(exec: &dyn Executor) -> Result<(), ProbeError> {
    let [uname, zonename] = global_zone::probes();
    let answer = |cmd| -> Result<Option<String>, ExecError> {
        match exec.run(cmd) {
            Ok(o) if o.success() => Ok(Some(String::from_utf8_lossy(&o.stdout).into_owned())),
            Ok(_) | Err(ExecError::Start { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let uname = answer(&uname)?;
    let zonename = answer(&zonename)?;
    global_zone::decide(uname.as_deref(), zonename.as_deref()).map_err(|reason| {
        ProbeError::NotGlobalZone {
            host: exec.host().to_owned(),
            reason,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::Output;
    use crate::exec::fake::FakeExecutor;

    #[test]
    fn a_global_zone_passes_and_anything_else_says_why() {
        let gz = FakeExecutor::new("gz1")
            .ok(&["uname", "-s"], "SunOS\n")
            .ok(&["zonename"], "global\n");
        assert!(ensure_global_zone(&gz).is_ok());
        assert_eq!(
            gz.asked(),
            [
                vec!["uname".to_owned(), "-s".to_owned()],
                vec!["zonename".to_owned()]
            ]
        );

        let ngz = FakeExecutor::new("www")
            .ok(&["uname", "-s"], "SunOS\n")
            .ok(&["zonename"], "www\n");
        let e = ensure_global_zone(&ngz).expect_err("a non-global zone");
        assert_eq!(
            e.to_string(),
            "www is not a Solaris or illumos global zone: this is the non-global zone www, not a global zone (`zonename` prints `global` there)"
        );

        // Linux: uname answers, zonename is not found (the fake's exit 127).
        let linux = FakeExecutor::new("localhost").ok(&["uname", "-s"], "Linux\n");
        let e = ensure_global_zone(&linux).expect_err("linux");
        assert!(
            matches!(&e, ProbeError::NotGlobalZone { reason: NotGlobalZone::OtherOs(os), .. } if os == "Linux"),
            "{e}"
        );

        let broken = FakeExecutor::new("gz1")
            .answer(&["uname", "-s"], Output::failed(1, "uname: no"))
            .ok(&["zonename"], "global\n");
        assert!(matches!(
            ensure_global_zone(&broken),
            Err(ProbeError::NotGlobalZone {
                reason: NotGlobalZone::NoUname,
                ..
            })
        ));
    }

    #[test]
    fn a_lost_connection_is_not_a_verdict() {
        let gone = FakeExecutor::new("gz1").error(&["uname", "-s"], |h| ExecError::Connection {
            host: h.to_owned(),
            message: "reset".to_owned(),
        });
        assert!(matches!(
            ensure_global_zone(&gone),
            Err(ProbeError::Exec(ExecError::Connection { .. }))
        ));
    }
}
