//! Where journals live: one JSON-lines file per move, synced line by line,
//! and one lock per zone.
//!
//! `DIR/ID.jsonl` holds the move's events ([`crate::migrate::journal`]);
//! every line is written with one `write` and `fsync`ed before the runner
//! goes on, so what the journal says completed did complete, whatever kills
//! zmigrate afterwards. `DIR/locks/ZONE.lock` holds the process ID of the
//! move that owns the zone: created with `O_EXCL`, so two moves of one zone
//! from the same journal directory cannot both start; a lock whose process
//! is gone is reported and taken over.
//!
//! The directory is `--journal-dir`, else `$ZMIGRATE_JOURNAL_DIR`, else
//! `$XDG_STATE_HOME/zmigrate`, else `~/.local/state/zmigrate`.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::migrate::journal::{self, Entry, Event, State};

/// A journal or lock could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "zone {zone} is being moved by process {pid} (lock {path}); wait for it, or remove the lock if that process is not zmigrate"
    )]
    Locked {
        zone: String,
        pid: u32,
        path: PathBuf,
    },
    #[error("{path}: {source}")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: journal::Corrupt,
    },
    #[error("no move {id} in {dir}")]
    Unknown { id: String, dir: PathBuf },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The default journal directory.
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ZMIGRATE_JOURNAL_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("zmigrate");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/var/tmp"), PathBuf::from);
    home.join(".local/state/zmigrate")
}

/// An open journal, appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Creates `DIR/ID.jsonl` (it must not exist).
    pub fn create(dir: &Path, id: &str) -> Result<Self, StoreError> {
        fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join(format!("{id}.jsonl"));
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&path)
            .map_err(io(&path))?;
        Ok(Journal { path, file })
    }

    /// Opens an existing journal to append to it (a resume).
    pub fn open(dir: &Path, id: &str) -> Result<Self, StoreError> {
        let path = dir.join(format!("{id}.jsonl"));
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        Ok(Journal { path, file })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event and syncs it to disk before returning.
    pub fn record(&mut self, at: f64, event: Event) -> Result<(), StoreError> {
        let mut l = journal::line(&Entry { at, event });
        l.push('\n');
        self.file.write_all(l.as_bytes()).map_err(io(&self.path))?;
        self.file.sync_data().map_err(io(&self.path))
    }
}

/// Reads a journal back.
pub fn read(dir: &Path, id: &str) -> Result<State, StoreError> {
    let path = dir.join(format!("{id}.jsonl"));
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::Unknown {
                id: id.to_owned(),
                dir: dir.to_owned(),
            });
        }
        Err(e) => return Err(io(&path)(e)),
    };
    journal::replay(&text).map_err(|source| StoreError::Corrupt { path, source })
}

/// The IDs of the journals in `dir`, oldest first (IDs sort by time).
pub fn list(dir: &Path) -> Result<Vec<String>, StoreError> {
    let mut ids = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ids),
        Err(e) => return Err(io(dir)(e)),
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".jsonl") {
            ids.push(id.to_owned());
        }
    }
    ids.sort();
    Ok(ids)
}

/// The lock on one zone, released on drop.
#[derive(Debug)]
pub struct ZoneLock {
    path: PathBuf,
    /// A stale lock that was taken over: its process ID.
    pub took_over: Option<u32>,
}

/// Whether a process runs (`/proc/PID` exists on Linux, Solaris and illumos).
fn alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

impl ZoneLock {
    /// Takes the lock on `zone` in `dir`, or says who holds it.
    pub fn take(dir: &Path, zone: &str) -> Result<Self, StoreError> {
        let locks = dir.join("locks");
        fs::create_dir_all(&locks).map_err(io(&locks))?;
        let path = locks.join(format!("{zone}.lock"));
        let mut took_over = None;
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    writeln!(f, "{}", std::process::id()).map_err(io(&path))?;
                    f.sync_all().map_err(io(&path))?;
                    return Ok(ZoneLock { path, took_over });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = fs::read_to_string(&path).unwrap_or_default();
                    let pid: u32 = text.trim().parse().unwrap_or(0);
                    if pid != 0 && alive(pid) {
                        return Err(StoreError::Locked {
                            zone: zone.to_owned(),
                            pid,
                            path,
                        });
                    }
                    // Its process is gone: a stale lock, taken over.
                    took_over = Some(pid);
                    fs::remove_file(&path).map_err(io(&path))?;
                }
                Err(e) => return Err(io(&path)(e)),
            }
        }
        Err(StoreError::Locked {
            zone: zone.to_owned(),
            pid: 0,
            path,
        })
    }
}

impl Drop for ZoneLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_is_appended_and_read_back() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut j = Journal::create(dir.path(), "m1").expect("create");
        j.record(
            1.0,
            Event::Note {
                text: "hello".into(),
            },
        )
        .expect("write");
        j.record(2.0, Event::Begin { key: "k".into() })
            .expect("write");
        assert!(
            Journal::create(dir.path(), "m1").is_err(),
            "IDs are never reused"
        );
        let st = read(dir.path(), "m1").expect("read");
        assert_eq!(st.interrupted.as_deref(), Some("k"));
        assert_eq!(list(dir.path()).expect("list"), ["m1"]);
        assert!(matches!(
            read(dir.path(), "nope"),
            Err(StoreError::Unknown { .. })
        ));
    }

    #[test]
    fn one_lock_per_zone_and_stale_locks_are_taken_over() {
        let dir = tempfile::tempdir().expect("tmp");
        let l = ZoneLock::take(dir.path(), "www").expect("first");
        let e = ZoneLock::take(dir.path(), "www").expect_err("second");
        assert!(e.to_string().contains("is being moved by process"), "{e}");
        let other = ZoneLock::take(dir.path(), "db").expect("another zone");
        drop(l);
        let again = ZoneLock::take(dir.path(), "www").expect("released");
        assert_eq!(again.took_over, None);
        drop(again);
        // A lock left by a process that no longer exists.
        fs::write(dir.path().join("locks/www.lock"), "4194304999\n").expect("write");
        let taken = ZoneLock::take(dir.path(), "www").expect("stale");
        assert_eq!(taken.took_over, Some(4_194_304_999));
        drop(other);
    }
}
