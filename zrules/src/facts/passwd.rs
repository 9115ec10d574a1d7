//! `/etc/passwd` entries.

/// One line of `/etc/passwd` (`name:x:uid:gid:gecos:home:shell`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswdEntry {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub gecos: String,
    pub home: String,
    /// Empty means the default shell (`/usr/bin/sh`), which is a login shell.
    pub shell: String,
}
