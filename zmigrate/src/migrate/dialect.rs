//! The command forms that differ between Solaris 11 and illumos, in one
//! place: the move plan asks this module how to snapshot, send, receive,
//! shut a zone down and attach it, and never spells those flags itself.
//!
//! The differences, with their sources in `docs/solaris-commands.md`
//! (sections 1 and 5):
//!
//! * a recursive replication stream is `zfs send -r` on Solaris 11 (with
//!   `-c`, *self-contained*: the origins of clones travel too), `zfs send
//!   -R` on illumos, where `-r` does not exist and `-c` means *compressed*;
//! * `zfs receive -u -e PARENT` on both: `-e` names the received dataset
//!   after the last element of the sent one, `-u` leaves it unmounted (a
//!   mounted child changes its received parent, and the next increment
//!   would fail with "destination has been modified since most recent
//!   snapshot");
//! * `zoneadm -z Z shutdown` exists from Solaris 11 11/11 on and in illumos;
//!   the hand procedure of 11.1 uses `zlogin Z init 5`, which also shuts
//!   the zone down cleanly. Neither is ever `halt`, which pulls the plug.
//!   `zoneadm shutdown` also *waits*, but zoneadmd's wait
//!   (`zone_wait_shutdown` in illumos' `zoneadmd.c`) checks the zone's
//!   state once a second and gives up after SMF's stop timeout (60 s), so
//!   the zone is seen `installed` up to a second late and a shorter
//!   `--shutdown-timeout` could not be honoured. The move only *requests*
//!   the shutdown (the command runs in the background on the host) and
//!   waits itself, in 50 ms steps and with its own deadline.
//!
//! The dialect is read from the host's `uname -v` (`11.1`, `11.4.0.15.0`
//! are Solaris 11; `omnios-r151046-…`, `joyent_…`, `illumos-…` are illumos).

use std::fmt;

use serde::{Deserialize, Serialize};
use zrules::shell::Command;
use zrules::zonecfg::template::Release;

/// The family of command forms a global zone speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Oracle Solaris 11, with its update number (`11.1` → 1).
    Solaris11 {
        update: u32,
    },
    Illumos,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dialect::Solaris11 { update } => write!(f, "Solaris 11.{update}"),
            Dialect::Illumos => f.write_str("illumos"),
        }
    }
}

/// A `uname -v` that names no release this tool knows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "uname -v printed {0:?}, which names neither a Solaris 11 release nor an illumos distribution"
)]
pub struct UnknownRelease(pub String);

/// illumos distributions' `uname -v` prefixes (OmniOS, SmartOS, OpenIndiana,
/// Tribblix and the gate's own builds).
const ILLUMOS_PREFIXES: &[&str] = &["omnios-", "joyent_", "illumos-", "oi-", "tribblix"];

impl Dialect {
    /// The dialect of a host from its `uname -v`.
    pub fn from_uname_v(v: &str) -> Result<Self, UnknownRelease> {
        let v = v.trim();
        if let Some(update) = Release::solaris_update(v) {
            return Ok(Dialect::Solaris11 { update });
        }
        if ILLUMOS_PREFIXES.iter().any(|p| v.starts_with(p)) {
            return Ok(Dialect::Illumos);
        }
        Err(UnknownRelease(v.to_owned()))
    }

    /// Whether two hosts speak the same stream format and zone tools: a
    /// stream of one family is not received by the other, and a Solaris
    /// zone does not attach to an illumos GZ.
    pub fn same_family(self, other: Dialect) -> bool {
        matches!(
            (self, other),
            (Dialect::Solaris11 { .. }, Dialect::Solaris11 { .. })
                | (Dialect::Illumos, Dialect::Illumos)
        )
    }

    /// The flags that make `zfs send` carry a whole tree: its descendants,
    /// their snapshots and properties.
    fn tree_flags(self) -> &'static [&'static str] {
        match self {
            // zfs(1M), Solaris 11: `-r` recursive, `-c` self-contained.
            Dialect::Solaris11 { .. } => &["-rc"],
            // zfs(8), illumos: `-R` replication stream.
            Dialect::Illumos => &["-R"],
        }
    }

    /// `zfs snapshot -r DS@SNAP …`: one atomic snapshot of every tree.
    pub fn snapshot(self, roots: &[String], snap: &str) -> Command {
        let mut args = vec!["snapshot".to_owned(), "-r".to_owned()];
        args.extend(roots.iter().map(|r| format!("{r}@{snap}")));
        Command::new("zfs", args)
    }

    /// `zfs send TREE [-i @FROM] ROOT@SNAP`: the full stream of a tree, or
    /// the increment from `from`.
    pub fn send(self, root: &str, from: Option<&str>, snap: &str) -> Command {
        let mut args = vec!["send".to_owned()];
        args.extend(self.tree_flags().iter().map(|s| (*s).to_owned()));
        if let Some(f) = from {
            args.push("-i".to_owned());
            args.push(format!("@{f}"));
        }
        args.push(format!("{root}@{snap}"));
        Command::new("zfs", args)
    }

    /// `zfs send -nvP …`: the size estimate of the same stream, in bytes
    /// (`size\tN` on the last line), computed by the sender without sending.
    pub fn estimate(self, root: &str, from: Option<&str>, snap: &str) -> Command {
        let mut c = self.send(root, from, snap);
        c.args.insert(1, "-nvP".to_owned());
        c
    }

    /// `zfs receive -u -e PARENT` (with `-F` to roll a modified target back
    /// first: only ever for datasets this move created).
    pub fn receive(self, parent: &str, force: bool) -> Command {
        let mut args = vec!["receive".to_owned(), "-u".to_owned()];
        if force {
            args.push("-F".to_owned());
        }
        args.push("-e".to_owned());
        args.push(parent.to_owned());
        Command::new("zfs", args)
    }

    /// `zfs hold -r TAG ROOT@SNAP …`: protects the incremental base from
    /// destruction until released (zfs(1M) Solaris 11, zfs(8) illumos: the
    /// same form on both; `zfs destroy` of a held snapshot fails with
    /// "dataset is busy").
    pub fn hold(self, tag: &str, roots: &[String], snap: &str) -> Command {
        let mut args = vec!["hold".to_owned(), "-r".to_owned(), tag.to_owned()];
        args.extend(roots.iter().map(|r| format!("{r}@{snap}")));
        Command::new("zfs", args)
    }

    /// `zfs release -r TAG ROOT@SNAP …`: the hold's end.
    pub fn release(self, tag: &str, roots: &[String], snap: &str) -> Command {
        let mut c = self.hold(tag, roots, snap);
        c.args[0] = "release".to_owned();
        c
    }

    /// The clean shutdown of a running zone: `zoneadm -z Z shutdown` where
    /// the release has it, `zlogin Z init 5` on Solaris 11.0/11.1, as the
    /// hand procedure does there. It only asks; waiting is the caller's:
    /// `zoneadm shutdown` runs in the background (its own wait polls once
    /// a second; see the module's notes), with no standard stream left
    /// open, so the ssh session ends at once.
    pub fn shutdown(self, zone: &str) -> Command {
        match self {
            Dialect::Solaris11 { update } if update < 2 => {
                Command::new("init", ["5"]).in_zone(zone)
            }
            _ => {
                let ask = Command::new("zoneadm", ["-z", zone, "shutdown"]).to_shell();
                Command::new("sh", ["-c", &format!("{ask} </dev/null >/dev/null 2>&1 &")])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_read_from_uname_v() {
        assert_eq!(
            Dialect::from_uname_v("11.1\n"),
            Ok(Dialect::Solaris11 { update: 1 })
        );
        assert_eq!(
            Dialect::from_uname_v("11.4.0.15.0"),
            Ok(Dialect::Solaris11 { update: 4 })
        );
        assert_eq!(
            Dialect::from_uname_v("omnios-r151046-4f6e8a1e86"),
            Ok(Dialect::Illumos)
        );
        assert!(Dialect::from_uname_v("#1 SMP Debian 6.1.0").is_err());
        assert!(Dialect::Illumos.same_family(Dialect::Illumos));
        assert!(!Dialect::Illumos.same_family(Dialect::Solaris11 { update: 4 }));
    }

    #[test]
    fn command_forms_per_dialect() {
        let sol = Dialect::Solaris11 { update: 1 };
        let roots = vec!["rpool/zones/www".to_owned(), "pool1/www".to_owned()];
        assert_eq!(
            sol.snapshot(&roots, "zmigrate-x-0").to_string(),
            "zfs snapshot -r rpool/zones/www@zmigrate-x-0 pool1/www@zmigrate-x-0"
        );
        assert_eq!(
            sol.send("pool1/www", Some("a"), "b").to_string(),
            "zfs send -rc -i @a pool1/www@b"
        );
        assert_eq!(
            Dialect::Illumos.send("pool1/www", None, "b").to_string(),
            "zfs send -R pool1/www@b"
        );
        assert_eq!(
            Dialect::Illumos
                .estimate("pool1/www", None, "b")
                .to_string(),
            "zfs send -nvP -R pool1/www@b"
        );
        assert_eq!(
            sol.receive("pool1", false).to_string(),
            "zfs receive -u -e pool1"
        );
        assert_eq!(
            sol.receive("pool1", true).to_string(),
            "zfs receive -u -F -e pool1"
        );
        assert_eq!(sol.shutdown("www").to_string(), "zlogin www init 5");
        assert_eq!(
            sol.hold("zmigrate-x", &roots, "s").to_string(),
            "zfs hold -r zmigrate-x rpool/zones/www@s pool1/www@s"
        );
        assert_eq!(
            Dialect::Illumos
                .release("zmigrate-x", &roots, "s")
                .to_string(),
            "zfs release -r zmigrate-x rpool/zones/www@s pool1/www@s"
        );
        // Only the request: zoneadm's own wait runs on in the background.
        for d in [Dialect::Solaris11 { update: 4 }, Dialect::Illumos] {
            assert_eq!(
                d.shutdown("www").to_string(),
                "sh -c 'zoneadm -z www shutdown </dev/null >/dev/null 2>&1 &'"
            );
        }
    }
}
