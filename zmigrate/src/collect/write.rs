//! Writing a capture directory: each output as it was printed, failed
//! commands' output under [`FAILED_DIR`], and the [`ERRORS_FILE`] listing
//! what could not be collected (zrules ignores both: it reads only the
//! layout's files). A collection goes into a new or empty directory only,
//! so no file of an older capture is mistaken for this one's.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Capture;

/// The file listing what could not be collected.
pub const ERRORS_FILE: &str = "collect-errors";
/// The directory holding the standard output of commands that failed.
pub const FAILED_DIR: &str = "failed";

/// A capture directory could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not empty: collect into a new or empty directory, so no file of an older capture is mistaken for this one's", .0.display())]
    NotEmpty(PathBuf),
}

impl Capture {
    /// The `collect-errors` text, or `None` when there is nothing to say.
    pub fn errors_text(&self) -> Option<String> {
        if self.complete() {
            return None;
        }
        let mut out = format!(
            "# zmigrate collect: what could not be collected from {}.\n\
             # FILE<TAB>COMMAND<TAB>WHAT, then the command's standard error indented by a tab.\n\
             # The files named here were not written.\n",
            self.host
        );
        for f in &self.failures {
            out.push_str(&f.entry());
        }
        if let Some(e) = &self.lost {
            out.push_str(&format!(
                "-\t-\tstopped early: {}\n",
                e.to_string().replace(['\t', '\n'], " ")
            ));
        }
        Some(out)
    }

    /// Writes the capture into `dir` (which [`prepare_dir`] made ready):
    /// each file as it was printed, failed commands' output under
    /// [`FAILED_DIR`], and [`ERRORS_FILE`] when something went wrong.
    pub fn write(&self, dir: &Path) -> Result<(), WriteError> {
        for (rel, bytes) in &self.files {
            write_file(&dir.join(rel), bytes)?;
        }
        for (rel, bytes) in &self.failed_stdout {
            write_file(&dir.join(rel), bytes)?;
        }
        if let Some(text) = self.errors_text() {
            write_file(&dir.join(ERRORS_FILE), text.as_bytes())?;
        }
        Ok(())
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io)?;
    }
    fs::write(path, bytes).map_err(io)
}

/// Creates `dir` if needed and makes sure it is empty.
pub fn prepare_dir(dir: &Path) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: dir.to_owned(),
        source,
    };
    fs::create_dir_all(dir).map_err(io)?;
    if fs::read_dir(dir).map_err(io)?.next().is_some() {
        return Err(WriteError::NotEmpty(dir.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ZONES, host};
    use super::super::{Quiet, collect};
    use super::*;
    use crate::exec::{Output, Status};

    #[test]
    fn write_keeps_bytes_and_errors_and_refuses_a_used_directory() {
        let fake = host(ZONES)
            .answer(
                &["uname", "-v"],
                Output {
                    status: Status::Exited(0),
                    stdout: vec![0xff, b'\t', b'\n'],
                    stderr: vec![],
                },
            )
            .answer(
                &["share"],
                Output {
                    status: Status::Exited(2),
                    stdout: b"-@x\n".to_vec(),
                    stderr: b"share: no\n".to_vec(),
                },
            );
        let cap = collect(&fake, &mut Quiet);
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("gz1");
        prepare_dir(&dir).expect("new dir");
        cap.write(&dir).expect("write");
        assert_eq!(
            fs::read(dir.join("uname-v")).expect("uname-v"),
            [0xff, b'\t', b'\n']
        );
        assert_eq!(
            fs::read_to_string(dir.join("zones/www/pkg-list")).expect("pkg"),
            "Z:www:pkg-list\n"
        );
        assert!(!dir.join("share").exists());
        assert_eq!(
            fs::read_to_string(dir.join("failed/share")).expect("failed"),
            "-@x\n"
        );
        let errors = fs::read_to_string(dir.join(ERRORS_FILE)).expect("errors");
        assert!(errors.contains("\nshare\tshare\texit status 2 (its standard output is in failed/share)\n\tshare: no\n"), "{errors}");
        let e = prepare_dir(&dir).expect_err("not empty");
        assert!(matches!(e, WriteError::NotEmpty(_)), "{e}");
        // zrules reads the directory and ignores what is not in the layout.
        let texts = cap.texts();
        let mut sources = zrules::Sources::new();
        let (facts, _) = zrules::capture::load("gz1", &texts, &mut sources);
        assert_eq!(facts.ngz.len(), 3);
        assert!(
            facts.shares.is_none(),
            "the failed command's fact is absent, not empty"
        );
    }
}
