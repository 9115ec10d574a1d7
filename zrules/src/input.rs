//! Reading inputs: which files a run reads, and how their bytes become
//! texts or `Z00` findings. One reader for every binary (`zrules check`,
//! `zgen`, `zmigrate check`), so the three agree on the same directory.
//!
//! The logic here is pure: the file system is the [`Fs`] trait, passed in.
//! Its one real implementation, [`crate::os::StdFs`], is the only code of the
//! library that touches the disk; tests use an in-memory one.
//!
//! What is read, and what is not:
//! * Only regular files are read from a directory. A FIFO, a device or a
//!   socket under a checked directory would block or never end, so it is
//!   skipped with a note ([`Read::notes`], printed on standard error by the
//!   binaries). A file named on the command line is read whatever it is
//!   (`zrules check /dev/stdin`), up to the size limit.
//! * Names starting with `.` (`.DS_Store`, `.git`) are never read, and
//!   symbolic links to directories are not followed (no loops).
//! * In a capture directory only the files of the capture layout
//!   ([`capture::LAYOUT`]) are read; anything else (`collect-errors`, a
//!   README, binary leftovers) is left alone.
//! * A file larger than [`MAX_FILE_SIZE`] is not read into memory: it is a
//!   `Z00` finding of its own. Real `zonecfg export` outputs and captures
//!   are kilobytes; the limit only stops a mistake (a disk image, a log)
//!   from taking the run's memory.
//!
//! How bytes become text ([`decode`]): a UTF-8 byte-order mark is dropped;
//! a file that is not UTF-8 is a `Z00` finding at the line and column of
//! its first invalid byte (Solaris prints these outputs in the C or a UTF-8
//! locale), and every other file is still checked. An empty configuration
//! file is a `Z00` finding, not an empty zone; an empty capture file is an
//! ordinary empty output (no shares, no dependencies) for its parser.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::capture::{self, Scope};
use crate::diagnostic::{Check, Code, Diagnostic, Severity};
use crate::source::{Location, Sources};
use crate::span::Span;

/// The largest file read: 64 MiB. Larger files are a `Z00` finding.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// What a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// Anything else, described for a message (`a FIFO`, `a character device`).
    Other(&'static str),
}

/// What [`Fs::metadata`] tells about a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub kind: Kind,
    /// Size in bytes (meaningful for regular files).
    pub len: u64,
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: OsString,
    /// The entry is a symbolic link (directories behind one are not walked).
    pub symlink: bool,
}

/// The file-system access the reader needs. `metadata` and `read` follow
/// symbolic links.
pub trait Fs {
    fn metadata(&self, path: &Path) -> std::io::Result<Meta>;
    fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>>;
    /// At most `limit + 1` bytes of the file, so an over-long stream is seen
    /// as too large without being read whole.
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>>;
    fn current_dir(&self) -> std::io::Result<PathBuf>;
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf>;
}

/// Why a file that was found could not be checked. Each becomes one `Z00`
/// finding ([`diagnostics`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A configuration file with nothing in it.
    Empty,
    /// Not UTF-8: `text` is the file with invalid bytes replaced (for
    /// quoting), `offset` the first invalid byte (in `text` too: everything
    /// before it is unchanged) and `byte` its value.
    NotUtf8 {
        text: String,
        offset: usize,
        byte: u8,
    },
    /// Over [`MAX_FILE_SIZE`]; `size` when known before reading.
    TooLarge { size: Option<u64> },
    /// The file could not be read (permissions, I/O error).
    Io(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Empty => f.write_str("the file is empty"),
            Problem::NotUtf8 { offset, byte, .. } => {
                write!(f, "not UTF-8 text (byte 0x{byte:02x} at offset {offset})")
            }
            Problem::TooLarge { .. } => write!(
                f,
                "the file is larger than the {} MiB limit",
                MAX_FILE_SIZE / (1024 * 1024)
            ),
            Problem::Io(e) => f.write_str(e),
        }
    }
}

/// A file of the run that could not be checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Display name: the path as given, as for the files that were read.
    pub name: String,
    pub host: Option<String>,
    pub zone: Option<String>,
    pub problem: Problem,
}

/// Errors that stop the run (exit 2): the command line names something
/// that cannot be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {}: {source}", path.display())]
    Access {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot list {}: {source}", path.display())]
    List {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "no zone configuration found in {}: it holds no regular *.zonecfg file (for a host capture, use --capture {})",
        path.display(),
        path.display()
    )]
    NoConfigs { path: PathBuf },
    #[error(
        "{} is not a capture directory: it has none of the files of the capture layout (see `zrules layout`)",
        path.display()
    )]
    NotACapture { path: PathBuf },
    #[error(
        "--zone names the zone of a single file, but {} is a directory",
        path.display()
    )]
    ZoneWithDirectory { path: PathBuf },
    #[error("--zone names the zone of a single file, but {0} files were given")]
    ZoneWithManyFiles(usize),
    #[error("cannot use {}: {problem}", path.display())]
    Unusable { path: PathBuf, problem: Problem },
}

/// What was read: the texts for the checks, the files that could not be
/// checked (in `input.problems`) and notes on what was skipped.
#[derive(Debug, Default)]
pub struct Read {
    pub input: CheckInput,
    /// One line per file deliberately not read (`skipped d/p.zonecfg: a FIFO, …`).
    pub notes: Vec<String>,
}

/// One zone configuration file.
#[derive(Clone, Debug)]
pub struct ConfigInput {
    /// The zone's name; `None` takes it from the file name's stem.
    pub zone: Option<String>,
    /// Display name (the path as the user gave it).
    pub name: String,
    pub text: String,
}

/// One host capture directory, read into memory.
#[derive(Clone, Debug)]
pub struct CaptureInput {
    /// The host's label (the directory's name).
    pub host: String,
    /// The directory as the user named it (`captures/gz1`), or the host's
    /// name for a capture held in memory: file names in findings are
    /// `ROOT/relative/path`, a path that exists from where the run started.
    pub root: String,
    /// Relative path (`zones/www/zonecfg-export`) → file content.
    pub files: BTreeMap<String, String>,
}

impl CaptureInput {
    /// A capture held in memory (collected over ssh, or built in a test):
    /// its files are named `HOST/relative/path`.
    pub fn new(host: impl Into<String>, files: BTreeMap<String, String>) -> Self {
        let host = host.into();
        Self {
            root: host.clone(),
            host,
            files,
        }
    }
}

/// Everything one run looks at.
#[derive(Clone, Debug, Default)]
pub struct CheckInput {
    pub configs: Vec<ConfigInput>,
    pub captures: Vec<CaptureInput>,
    /// Files found but not checkable (not UTF-8, empty, too large): each
    /// is a `Z00` finding (see [`diagnostics`]).
    pub problems: Vec<Unreadable>,
}

/// The zone a configuration file is for: `www.zonecfg`, `www.cfg`,
/// `www.export` → `www` (any directory part is dropped).
pub fn zone_from_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    for ext in [".zonecfg", ".cfg", ".export"] {
        if let Some(stem) = base.strip_suffix(ext) {
            return stem.to_owned();
        }
    }
    base.split_once('.')
        .map_or(base, |(stem, _)| stem)
        .to_owned()
}

/// Bytes to text: drops a UTF-8 byte-order mark; anything not UTF-8 is
/// [`Problem::NotUtf8`] at its first invalid byte.
pub fn decode(bytes: Vec<u8>) -> Result<String, Problem> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        Problem::NotUtf8 {
            text: String::from_utf8_lossy(&bytes).into_owned(),
            offset,
            byte: bytes[offset],
        }
    })
}

/// A display path, with `/` separators for the part under a directory.
fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Reads one file: its text, or why not.
fn read_file(fs: &dyn Fs, path: &Path, meta: Meta) -> Result<String, Problem> {
    if meta.kind == Kind::File && meta.len > MAX_FILE_SIZE {
        return Err(Problem::TooLarge {
            size: Some(meta.len),
        });
    }
    let bytes = fs
        .read(path, MAX_FILE_SIZE)
        .map_err(|e| Problem::Io(e.to_string()))?;
    checked(bytes)
}

/// The size limit, then [`decode`].
fn checked(bytes: Vec<u8>) -> Result<String, Problem> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Problem::TooLarge { size: None });
    }
    decode(bytes)
}

/// A capture held in memory (`zmigrate check` collects over ssh and does
/// not write it): the same files, limits and decoding as a capture read
/// from a directory, so both give the same findings. Files are named
/// `ROOT/relative/path`; unreadable ones go to `problems`.
pub fn capture_from_bytes(
    host: &str,
    root: &str,
    files: &BTreeMap<String, Vec<u8>>,
    problems: &mut Vec<Unreadable>,
) -> CaptureInput {
    let mut texts = BTreeMap::new();
    for (rel, bytes) in files {
        let Some((_, zone)) = capture::classify(rel) else {
            continue;
        };
        match checked(bytes.clone()) {
            Ok(text) => {
                texts.insert(rel.clone(), text);
            }
            Err(problem) => problems.push(Unreadable {
                name: format!("{}/{rel}", root.trim_end_matches('/')),
                host: Some(host.to_owned()),
                zone: zone.map(str::to_owned),
                problem,
            }),
        }
    }
    CaptureInput {
        host: host.to_owned(),
        root: root.to_owned(),
        files: texts,
    }
}

/// The text of one file the run needs whole (a findings report): as a
/// checked file is read (size limit, byte-order mark, UTF-8), but any
/// problem stops the run.
pub fn text(fs: &dyn Fs, path: &Path) -> Result<String, InputError> {
    let meta = fs.metadata(path).map_err(|source| InputError::Access {
        path: path.to_path_buf(),
        source,
    })?;
    read_file(fs, path, meta).map_err(|problem| InputError::Unusable {
        path: path.to_path_buf(),
        problem,
    })
}

fn skipped(path: &Path, what: &str) -> String {
    format!("skipped {}: {what}, not a regular file", display(path))
}

/// Sorted, visible entries of a directory.
fn visible(fs: &dyn Fs, dir: &Path) -> Result<Vec<Entry>, InputError> {
    let mut entries = fs.list(dir).map_err(|source| InputError::List {
        path: dir.to_path_buf(),
        source,
    })?;
    entries.retain(|e| !e.name.to_string_lossy().starts_with('.'));
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// The zone configurations named on the command line: files as given
/// (whatever their name), and every `*.zonecfg` under directories. A
/// directory with none is an error, so a run pointed at the wrong place
/// fails instead of passing on nothing. `zone` names the zone of a single
/// file, and is refused with a directory or several files.
pub fn configs(
    fs: &dyn Fs,
    paths: &[PathBuf],
    zone: Option<&str>,
    out: &mut Read,
) -> Result<(), InputError> {
    let mut files = Vec::new();
    for p in paths {
        let meta = fs.metadata(p).map_err(|source| InputError::Access {
            path: p.clone(),
            source,
        })?;
        if meta.kind == Kind::Dir {
            if zone.is_some() {
                return Err(InputError::ZoneWithDirectory { path: p.clone() });
            }
            let before = files.len();
            walk_configs(fs, p, &mut files, &mut out.notes)?;
            if files.len() == before {
                return Err(InputError::NoConfigs { path: p.clone() });
            }
        } else {
            files.push((p.clone(), meta));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    if zone.is_some() && files.len() != 1 {
        return Err(InputError::ZoneWithManyFiles(files.len()));
    }
    for (path, meta) in files {
        let name = display(&path);
        let text = read_file(fs, &path, meta).and_then(|t| {
            if t.trim().is_empty() {
                Err(Problem::Empty)
            } else {
                Ok(t)
            }
        });
        match text {
            Ok(text) => out.input.configs.push(ConfigInput {
                zone: zone.map(str::to_owned),
                name,
                text,
            }),
            Err(problem) => out.input.problems.push(Unreadable {
                zone: Some(zone.map_or_else(|| zone_from_file_name(&name), str::to_owned)),
                name,
                host: None,
                problem,
            }),
        }
    }
    Ok(())
}

fn walk_configs(
    fs: &dyn Fs,
    dir: &Path,
    files: &mut Vec<(PathBuf, Meta)>,
    notes: &mut Vec<String>,
) -> Result<(), InputError> {
    for entry in visible(fs, dir)? {
        let path = dir.join(&entry.name);
        let Ok(meta) = fs.metadata(&path) else {
            // A dangling symbolic link: nothing to read.
            continue;
        };
        match meta.kind {
            Kind::Dir if !entry.symlink => walk_configs(fs, &path, files, notes)?,
            Kind::Dir => {}
            _ if path.extension().is_none_or(|e| e != "zonecfg") => {}
            Kind::File => files.push((path, meta)),
            Kind::Other(what) => notes.push(skipped(&path, what)),
        }
    }
    Ok(())
}

/// Whether `dir` is one capture (it holds a file of the layout's GZ part).
fn is_capture(fs: &dyn Fs, dir: &Path) -> bool {
    capture::LAYOUT
        .iter()
        .filter(|c| c.scope == Scope::Global)
        .any(|c| {
            fs.metadata(&dir.join(c.file))
                .is_ok_and(|m| m.kind != Kind::Dir)
        })
}

/// The captures under `dir`: `dir` itself when it is one, else each of its
/// subdirectories that is (so `--capture fixtures/fleet` reads a fleet).
pub fn captures(fs: &dyn Fs, dir: &Path, out: &mut Read) -> Result<(), InputError> {
    let meta = fs.metadata(dir).map_err(|source| InputError::Access {
        path: dir.to_path_buf(),
        source,
    })?;
    if meta.kind == Kind::Dir && is_capture(fs, dir) {
        return capture_dir(fs, dir, out);
    }
    let not_a_capture = || InputError::NotACapture {
        path: dir.to_path_buf(),
    };
    if meta.kind != Kind::Dir {
        return Err(not_a_capture());
    }
    let subdirs: Vec<PathBuf> = visible(fs, dir)?
        .into_iter()
        .map(|e| dir.join(e.name))
        .filter(|p| fs.metadata(p).is_ok_and(|m| m.kind == Kind::Dir) && is_capture(fs, p))
        .collect();
    if subdirs.is_empty() {
        return Err(not_a_capture());
    }
    for d in subdirs {
        capture_dir(fs, &d, out)?;
    }
    Ok(())
}

/// The host label of a capture: its directory's name (`captures/gz1/` →
/// `gz1`, `.` → the current directory's name).
fn host_label(fs: &dyn Fs, dir: &Path) -> String {
    fs.canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| display(dir))
}

/// Reads one capture directory: the layout's files at its top and under
/// `zones/ZONE/`, nothing else.
fn capture_dir(fs: &dyn Fs, dir: &Path, out: &mut Read) -> Result<(), InputError> {
    let host = host_label(fs, dir);
    let mut candidates: Vec<String> = Vec::new();
    for e in visible(fs, dir)? {
        let name = e.name.to_string_lossy().into_owned();
        if name == capture::ZONES_DIR {
            let zones = dir.join(&name);
            if fs.metadata(&zones).is_ok_and(|m| m.kind == Kind::Dir) && !e.symlink {
                for z in visible(fs, &zones)? {
                    let zone = z.name.to_string_lossy().into_owned();
                    let zdir = zones.join(&z.name);
                    if z.symlink || !fs.metadata(&zdir).is_ok_and(|m| m.kind == Kind::Dir) {
                        continue;
                    }
                    for f in visible(fs, &zdir)? {
                        let file = f.name.to_string_lossy();
                        candidates.push(format!("{}/{zone}/{file}", capture::ZONES_DIR));
                    }
                }
            }
        } else {
            candidates.push(name);
        }
    }
    let mut files = BTreeMap::new();
    for rel in candidates {
        let Some((_, zone)) = capture::classify(&rel) else {
            continue;
        };
        let zone = zone.map(str::to_owned);
        let path = rel.split('/').fold(dir.to_path_buf(), |p, c| p.join(c));
        let Ok(meta) = fs.metadata(&path) else {
            continue;
        };
        let text = match meta.kind {
            Kind::Dir => continue,
            Kind::Other(what) => {
                out.notes.push(skipped(&path, what));
                continue;
            }
            Kind::File => read_file(fs, &path, meta),
        };
        match text {
            Ok(text) => {
                files.insert(rel, text);
            }
            Err(problem) => out.input.problems.push(Unreadable {
                name: display(&path),
                host: Some(host.clone()),
                zone,
                problem,
            }),
        }
    }
    out.input.captures.push(CaptureInput {
        host,
        root: display(dir),
        files,
    });
    Ok(())
}

/// One `Z00 parse` error per file that could not be checked, each pointing
/// at the file (and, for invalid UTF-8, at the first invalid byte).
pub fn diagnostics(problems: &[Unreadable], sources: &mut Sources) -> Vec<Diagnostic> {
    problems
        .iter()
        .map(|u| {
            let (text, span, message, help) = match &u.problem {
                Problem::Empty => (
                    String::new(),
                    Span::at(0),
                    "the file is empty: it holds no zone configuration".to_owned(),
                    "give the output of `zonecfg -z ZONE export`".to_owned(),
                ),
                Problem::NotUtf8 { text, offset, byte } => {
                    let width = text[*offset..].chars().next().map_or(0, char::len_utf8);
                    (
                        text.clone(),
                        Span::new(*offset, offset + width),
                        format!("not UTF-8 text: byte 0x{byte:02x} is not valid UTF-8; the file was not checked"),
                        "save the file as UTF-8 (for a Latin-1 file: iconv -f ISO-8859-1 -t UTF-8)".to_owned(),
                    )
                }
                Problem::TooLarge { size } => {
                    let size = size.map_or_else(String::new, |s| format!(" ({s} bytes)"));
                    (
                        String::new(),
                        Span::at(0),
                        format!(
                            "the file is larger than the {} MiB limit{size}; it was not read",
                            MAX_FILE_SIZE / (1024 * 1024)
                        ),
                        "zone configurations and capture files are kilobytes: is this the right file?".to_owned(),
                    )
                }
                Problem::Io(e) => (
                    String::new(),
                    Span::at(0),
                    format!("cannot read the file: {e}"),
                    "check the file's permissions".to_owned(),
                ),
            };
            let file = sources.add(u.name.clone(), text);
            Diagnostic::new(Code::Z00, Check::Parse, Severity::Error, message)
                .with_help(help)
                .at(Location::new(file, span))
                .with_zone_opt(u.zone.as_deref())
                .with_host_opt(u.host.as_deref())
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::io;

    /// An in-memory file system: path → kind and content.
    #[derive(Default)]
    pub(crate) struct MemFs(BTreeMap<PathBuf, (Kind, Vec<u8>)>);

    impl MemFs {
        pub(crate) fn file(mut self, p: &str, content: &[u8]) -> Self {
            self.0.insert(p.into(), (Kind::File, content.to_vec()));
            for a in Path::new(p).ancestors().skip(1) {
                self.0
                    .entry(a.to_path_buf())
                    .or_insert((Kind::Dir, Vec::new()));
            }
            self
        }
        fn other(mut self, p: &str) -> Self {
            self.0.insert(p.into(), (Kind::Other("a FIFO"), Vec::new()));
            self
        }
    }

    impl Fs for MemFs {
        fn metadata(&self, path: &Path) -> io::Result<Meta> {
            let (kind, c) = self.0.get(path).ok_or(io::ErrorKind::NotFound)?;
            Ok(Meta {
                kind: *kind,
                len: c.len() as u64,
            })
        }
        fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
            Ok(self
                .0
                .keys()
                .filter(|p| p.parent() == Some(dir) && p.as_os_str() != dir.as_os_str())
                .map(|p| Entry {
                    name: p.file_name().expect("name").to_owned(),
                    symlink: false,
                })
                .collect())
        }
        fn read(&self, path: &Path, _limit: u64) -> io::Result<Vec<u8>> {
            match self.0.get(path) {
                Some((Kind::Other(_), _)) => panic!("read a FIFO: would hang"),
                Some((_, c)) => Ok(c.clone()),
                None => Err(io::ErrorKind::NotFound.into()),
            }
        }
        fn current_dir(&self) -> io::Result<PathBuf> {
            Ok("/".into())
        }
        fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
            Ok(path.to_path_buf())
        }
    }

    #[test]
    fn decode_strips_a_bom_and_finds_the_first_invalid_byte() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFcreate -b\n".to_vec()),
            Ok("create -b\n".into())
        );
        let Err(Problem::NotUtf8 { text, offset, byte }) =
            decode(b"create -b\n# caf\xe9\n".to_vec())
        else {
            panic!("not UTF-8")
        };
        assert_eq!((offset, byte), (15, 0xe9));
        assert_eq!(&text[..offset], "create -b\n# caf");
    }

    #[test]
    fn directories_yield_regular_zonecfg_files_only() {
        let fs = MemFs::default()
            .file("c/www.zonecfg", b"create -b\n")
            .file("c/notes.txt", b"x")
            .file("c/.hidden.zonecfg", b"x")
            .file("c/sub/db.zonecfg", b"\xff")
            .file("c/empty.zonecfg", b" \n")
            .other("c/p.zonecfg");
        let mut out = Read::default();
        configs(&fs, &["c".into()], None, &mut out).expect("read");
        let names: Vec<_> = out.input.configs.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["c/www.zonecfg"]);
        let problems: Vec<_> = out
            .input
            .problems
            .iter()
            .map(|u| (u.name.as_str(), u.zone.as_deref()))
            .collect();
        assert_eq!(
            problems,
            [
                ("c/empty.zonecfg", Some("empty")),
                ("c/sub/db.zonecfg", Some("db"))
            ]
        );
        assert_eq!(
            out.notes,
            ["skipped c/p.zonecfg: a FIFO, not a regular file"]
        );
    }

    #[test]
    fn nothing_to_check_and_zone_with_a_directory_are_errors() {
        let fs = MemFs::default()
            .file("c/notes.txt", b"x")
            .file("c/www.zonecfg", b"x");
        let mut out = Read::default();
        assert!(matches!(
            configs(
                &fs,
                &["c/notes.txt".into(), "c".into()],
                Some("www"),
                &mut out
            ),
            Err(InputError::ZoneWithDirectory { .. })
        ));
        let fs = MemFs::default().file("e/notes.txt", b"x");
        assert!(matches!(
            configs(&fs, &["e".into()], None, &mut out),
            Err(InputError::NoConfigs { .. })
        ));
    }

    #[test]
    fn captures_read_the_layout_only_and_name_files_by_their_path() {
        let fs = MemFs::default()
            .file("caps/gz1/dladm-show-vnic", b"")
            .file("caps/gz1/.DS_Store", b"\x00\x01\xff")
            .file("caps/gz1/README", b"\xff")
            .file(
                "caps/gz1/passwd",
                b"root:x:0:0:Super-User:/root:/bin/sh\nb:x:1:1:Jos\xe9:/h:/bin/sh\n",
            )
            .file("caps/gz1/zones/www/pkg-list", b"")
            .file("caps/gz1/zones/www/deep/pkg-list", b"\xff")
            .other("caps/gz1/zoneadm-list-cp")
            .file("caps/gz2/nodename", b"gz2\n");
        let mut out = Read::default();
        captures(&fs, Path::new("caps"), &mut out).expect("fleet");
        let hosts: Vec<_> = out.input.captures.iter().map(|c| c.host.as_str()).collect();
        assert_eq!(hosts, ["gz1", "gz2"]);
        let gz1 = &out.input.captures[0];
        assert_eq!(gz1.root, "caps/gz1");
        assert_eq!(
            gz1.files.keys().collect::<Vec<_>>(),
            ["dladm-show-vnic", "zones/www/pkg-list"]
        );
        assert_eq!(out.input.problems.len(), 1);
        assert_eq!(out.input.problems[0].name, "caps/gz1/passwd");
        assert_eq!(out.input.problems[0].host.as_deref(), Some("gz1"));
        assert_eq!(
            out.notes,
            ["skipped caps/gz1/zoneadm-list-cp: a FIFO, not a regular file"]
        );
    }

    #[test]
    fn problems_become_z00_at_the_first_invalid_byte() {
        let problems = vec![Unreadable {
            name: "c/www.zonecfg".into(),
            host: None,
            zone: Some("www".into()),
            problem: decode(b"create -b\n# caf\xe9\n".to_vec()).expect_err("latin-1"),
        }];
        let mut sources = Sources::new();
        let d = diagnostics(&problems, &mut sources);
        let loc = d[0].location().expect("located");
        let lc = sources.get(loc.file).line_col(loc.span.start());
        assert_eq!((lc.line, lc.column), (2, 6));
        assert_eq!(d[0].rule_id(), "Z00 parse");
    }
}
