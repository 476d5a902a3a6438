//! What a series of files (`-o part-{k}.csv`) adds to the report: each
//! file's name and bytes, in order, as they are on disk. Apart from the
//! other destinations' figures because a series is a list, not counters.

use serde::Serialize;

/// The files of a series, in order: `files` in `--stats=json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FilesStats {
    pub files: Vec<FileBytes>,
}

/// One file of a series: its path and its size on disk, an inserted
/// header included (so a text series' sizes add up to more than `bytes`,
/// which counts the data as one file would hold it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileBytes {
    pub name: String,
    pub bytes: u64,
    /// A compressed file's bytes before compression (`bytes` is what
    /// the compressor wrote); absent for a file written as it was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_bytes: Option<u64>,
    /// A Parquet file's rows and row groups; absent for text files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_groups: Option<u64>,
}

/// What `--format parquet` wrote: the file (or the series' files
/// together), as `parquet` in `--stats=json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParquetStats {
    /// The columns' compression: `zstd:3`, `gzip:6`, `none`.
    pub compression: String,
    pub files: u64,
    /// Bytes of Parquet written, footers included.
    pub bytes: u64,
    pub rows: u64,
    pub row_groups: u64,
}

impl ParquetStats {
    /// Adds `other`'s files (another file of a series, another lane's).
    pub fn add(&mut self, other: &ParquetStats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.rows += other.rows;
        self.row_groups += other.row_groups;
    }
}
