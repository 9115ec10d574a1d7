//! The texts a run reads, kept so diagnostics can quote them.
//!
//! The library never reads files: binaries hand it texts with a display name
//! (a path, or `capture/dladm-show-vnic`). Diagnostics refer to a text by
//! [`FileId`] and a [`Span`]; renderers turn that into `file:line:col` and
//! caret snippets.

use std::sync::{Arc, OnceLock};

use crate::span::{LineCol, LineIndex, Span};

/// Index of a text in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

/// One text and its display name.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    /// Shared with the zone configuration read from it, which reads its
    /// names and values from here rather than holding copies.
    pub text: Arc<String>,
    /// Built when a finding in this text is first placed: most texts of a
    /// clean run never are, and scanning each for its lines cost about a
    /// twentieth of checking a fleet.
    index: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: Arc::new(text.into()),
            index: OnceLock::new(),
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.index
            .get_or_init(|| LineIndex::new(&self.text))
            .line_col(&self.text, offset)
    }
}

/// Every text of one run.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(SourceFile::new(name, text));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// A place in one of the run's texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

impl Location {
    pub const fn new(file: FileId, span: Span) -> Self {
        Self { file, span }
    }
}
