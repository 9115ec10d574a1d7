//! The capture layout: which file of a capture directory holds the output of
//! which read-only command. One table, read by `zrules` and filled by
//! `zmigrate collect` (or by a person on a real host).
