//! The one place the library meets the operating system: [`StdFs`], the
//! `std::fs` implementation of [`crate::input::Fs`] that every binary hands
//! to the reader and to `policy::load`, and [`print`], standard output that
//! treats a closed pipe as the end of the run.
//!
//! Everything else in the library is pure; keeping this apart means the
//! reading rules (`input`) are tested on an in-memory file system, and a
//! port to another platform touches one file.

use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use crate::input::{Entry, Fs, Kind, Meta};

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct StdFs;

fn kind(t: std::fs::FileType) -> Kind {
    if t.is_file() {
        return Kind::File;
    }
    if t.is_dir() {
        return Kind::Dir;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Kind::Other("a FIFO");
        }
        if t.is_char_device() {
            return Kind::Other("a character device");
        }
        if t.is_block_device() {
            return Kind::Other("a block device");
        }
        if t.is_socket() {
            return Kind::Other("a socket");
        }
    }
    Kind::Other("a special file")
}

impl Fs for StdFs {
    fn metadata(&self, path: &Path) -> io::Result<Meta> {
        let m = std::fs::metadata(path)?;
        Ok(Meta {
            kind: kind(m.file_type()),
            len: m.len(),
        })
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        std::fs::read_dir(dir)?
            .map(|e| {
                let e = e?;
                Ok(Entry {
                    name: e.file_name(),
                    symlink: e.file_type()?.is_symlink(),
                })
            })
            .collect()
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let file = std::fs::File::open(path)?;
        // Room for the whole file (and the byte that shows it grew past the
        // limit) up front: a buffer grown by doubling holds the old and the
        // new copy at once, twice the file, while it is read.
        let size = file.metadata().map_or(0, |m| m.len()).min(limit);
        let mut bytes = Vec::with_capacity(usize::try_from(size).map_or(0, |s| s + 1));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn current_dir(&self) -> io::Result<PathBuf> {
        std::env::current_dir()
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

/// Writes `text` to standard output. A closed pipe (`zrules check | head
/// -1`) is not an error: the reader has what it wanted, so the run ends
/// quietly, as ripgrep does. Returns whether the text was all written.
pub fn print(text: impl AsRef<[u8]>) -> io::Result<bool> {
    print_with(|out| out.write_all(text.as_ref()))
}

/// [`print`] for output written piece by piece by `write` (through a
/// buffer), so it need not be held whole first.
pub fn print_with(write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>) -> io::Result<bool> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e),
    }
}
