//! Byte ranges into a source text, and their translation to line and column.
//!
//! Every node the parsers build (zonecfg commands, values, rows of command
//! output) carries a [`Span`], so a diagnostic can point at the exact text
//! that caused it. Columns are counted in characters, 1-based, as editors and
//! `file:line:col` consumers expect.

use serde::Serialize;

/// The text of a name or value in the zonecfg model and in facts rows: a
/// string of 16 bytes that holds up to 15 bytes inline and shares longer
/// text by reference count. Most names and values (`net`, `physical`,
/// `vnic0`, `/zones/www`, `/usr/bin/bash`) are short, so a dense input does
/// not pay an allocation and a 24-byte `String` for each; it reads as a
/// `&str` (`Deref`) and compares with `&str` and `String` (see
/// `zrules/benches/memory.rs`).
pub type Text = ecow::EcoString;

/// A half-open byte range `start..end` into one source text.
///
/// Offsets are `u32`: every node of the model and every fact and finding
/// carries spans, and 8 bytes each instead of 16 is a good part of what a
/// dense input costs (see `zrules/benches/memory.rs`). Texts read from
/// files are at most 64 MiB ([`crate::input::MAX_FILE_SIZE`]); offsets past
/// 4 GiB, which only a text built in memory could have, saturate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

/// `offset` as a span offset, saturating (see [`Span`]).
const fn offset(offset: usize) -> u32 {
    if offset > u32::MAX as usize {
        u32::MAX
    } else {
        offset as u32
    }
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self {
            start: offset(start),
            end: offset(end),
        }
    }

    /// An empty span at `offset` (used for "expected X here" at end of input).
    pub const fn at(at: usize) -> Self {
        Self::new(at, at)
    }

    /// The start as a byte offset.
    pub const fn start(self) -> usize {
        self.start as usize
    }

    /// The end as a byte offset.
    pub const fn end(self) -> usize {
        self.end as usize
    }

    pub const fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// This span shifted by `offset` bytes (for sub-parsers of a slice).
    pub const fn shift(self, by: usize) -> Span {
        Span::new(self.start() + by, self.end() + by)
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

/// A value together with the text it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Offset → line/column lookups over one text.
///
/// It keeps the start of one line in 64 (or of the first line past every
/// 4 KiB), not of every line: an index of every line start cost 8 bytes
/// per line, 8× the input for a file of blank lines. A lookup scans from
/// the nearest mark, at most 64 lines or 4 KiB plus the line itself (whose
/// characters it counts for the column anyway).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// `(byte offset of a line start, 0-based line number)`, ascending.
    marks: Vec<(usize, usize)>,
}

/// Lines between two marks, at most.
const MARK_LINES: usize = 64;
/// Bytes between two marks before a new line start is marked.
const MARK_BYTES: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut marks = vec![(0, 0)];
        let (mut mark_at, mut mark_line) = (0, 0);
        for (line, (i, _)) in text.match_indices('\n').enumerate() {
            let (start, number) = (i + 1, line + 1);
            if number - mark_line >= MARK_LINES || start - mark_at >= MARK_BYTES {
                marks.push((start, number));
                (mark_at, mark_line) = (start, number);
            }
        }
        Self { marks }
    }

    /// Line and column of `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let (mark_at, mut line) = self.marks[self.marks.partition_point(|m| m.0 <= offset) - 1];
        let mut start = mark_at;
        for (i, _) in text.as_bytes()[mark_at..offset]
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
        {
            line += 1;
            start = mark_at + i + 1;
        }
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, text: &str, line: usize) -> Option<usize> {
        let want = line.checked_sub(1)?;
        let (mut at, mut number) = self.marks[self.marks.partition_point(|m| m.1 <= want) - 1];
        while number < want {
            at += text.get(at..)?.find('\n')? + 1;
            number += 1;
        }
        Some(at)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "ab\ncdé f\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'f' is after a two-byte é: byte 8, character column 5.
        assert_eq!(idx.line_col(text, 8), LineCol { line: 2, column: 5 });
        assert_eq!(
            idx.line_col(text, text.len()),
            LineCol { line: 3, column: 1 }
        );
    }

    #[test]
    fn lookups_agree_with_a_full_scan_across_marks() {
        // Short and long lines, so marks fall both by line count and by size.
        let mut text = String::new();
        for n in 0..700 {
            text.push_str(&"é".repeat(if n % 50 == 0 { 2500 } else { n % 3 }));
            text.push('\n');
        }
        let idx = LineIndex::new(&text);
        let (mut line, mut column) = (1, 1);
        for (offset, c) in text.char_indices() {
            if column == 1 || offset % 13 == 0 {
                assert_eq!(
                    idx.line_col(&text, offset),
                    LineCol { line, column },
                    "at {offset}"
                );
            }
            if column == 1 {
                assert_eq!(idx.line_start(&text, line), Some(offset));
            }
            if c == '\n' {
                (line, column) = (line + 1, 1);
            } else {
                column += 1;
            }
        }
        assert_eq!(idx.line_start(&text, 702), None);
        assert_eq!(idx.line_start(&text, 0), None);
    }
}
