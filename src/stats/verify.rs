//! What a read-back check counted (`--verify`, `--verify-only`): the
//! summary's verify keys, kept with the other counters; `report::verify`
//! formats them and `verify/` fills them.

use serde::Serialize;

use super::End;

/// How many differences are listed (the count of bad bytes goes on).
pub const MAX_LISTED: usize = 10;

/// One place where the file differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The first differing byte, from the start of the file.
    pub offset: u64,
    /// The record (line) it falls in, 1-based as `sed -n Np` counts; a
    /// header row is record 0. None for raw bytes.
    pub record: Option<u64>,
    /// A short view of what should be there and what is: the record's
    /// text for lines and records, hex bytes for raw bytes.
    pub expected: String,
    pub found: String,
}

/// What a verify adds to the summary. Its field names are JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyStats {
    /// Bytes read back that matched or not: the part of the file checked.
    pub verified_bytes: u64,
    /// Bytes that differ, with those missing from or added to the file.
    pub bad_bytes: u64,
    pub first_bad_offset: Option<u64>,
    /// The record (line) of the first bad byte, from 1; a header row is
    /// record 0. None for raw bytes.
    pub first_bad_record: Option<u64>,
    /// The first [`MAX_LISTED`] places that differ.
    pub mismatches: Vec<Mismatch>,
    /// `device`, or `page cache` where the cached pages could not be
    /// dropped (or the file lives in memory).
    pub read_from: ReadFrom,
    /// What the arguments generate; None if the check was interrupted
    /// before the end.
    pub expected_bytes: Option<u64>,
    /// The file's length (a block device's whole size).
    pub file_bytes: u64,
    /// Chunks read, and how many of them differ.
    pub verify_chunks: u64,
    pub verify_bad_chunks: u64,
    pub verify_s: f64,
    /// `complete` or `interrupted` (a check has no other end).
    pub verify_end: End,
    /// A compressed file whose stream could not be decoded to its end:
    /// where, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub damaged: Option<String>,
    #[serde(skip)]
    pub block_device: bool,
    /// What a record is called ("lines").
    #[serde(skip)]
    pub record_noun: &'static str,
}

impl VerifyStats {
    /// Whether the file is not what the arguments make.
    pub fn failed(&self) -> bool {
        self.bad_bytes > 0 || self.damaged.is_some()
    }
}

/// Where the bytes a check read came from: what makes its verdict about
/// the device, or only about the kernel's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReadFrom {
    #[serde(rename = "device")]
    Device,
    /// The cached pages could not be dropped, or the file lives in memory.
    #[serde(rename = "page cache")]
    PageCache,
}

impl ReadFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadFrom::Device => "device",
            ReadFrom::PageCache => "page cache",
        }
    }
}
