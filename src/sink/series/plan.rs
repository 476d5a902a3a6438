//! What a series of files is, as the configuration checked it: how its
//! files are named (`{k}`, `{k:04}`), where each one ends, and how records
//! sit in the bytes so a file never ends mid-record. Kept apart from the
//! sink so the configuration can build and test it without opening files.

use std::path::PathBuf;

use crate::language::framed;
use crate::sink::parquet::ParquetOptions;
use crate::source::framing;

/// A series, checked: everything [`super::open`] needs.
#[derive(Debug, Clone)]
pub struct SeriesPlan {
    pub names: Names,
    pub split: Split,
    pub ends: RecordEnds,
    /// The header row every file starts with (CSV and TSV, unless
    /// `--no-header`); `None` for formats without one.
    pub header: Option<Vec<u8>>,
    /// Whether the stream itself starts with that header (the run holds
    /// record 0): then the first file takes it from the stream rather than
    /// having it put in, so the files stay the one stream cut up.
    pub stream_has_header: bool,
    /// `--format parquet`: each file is a Parquet file of its own, its
    /// row groups capped by [`SeriesPlan::for_parquet`].
    pub parquet: Option<ParquetOptions>,
}

impl SeriesPlan {
    /// Makes the series one of Parquet files: records arrive framed (no
    /// header), and with `--file-size` a row group holds at most an eighth
    /// of SIZE in values, so that a file, which ends with the row group
    /// that brings it to SIZE (DuckDB's FILE_SIZE_BYTES), stays near SIZE.
    pub fn for_parquet(&mut self, mut options: ParquetOptions) {
        if let Split::Bytes(limit) = self.split {
            options.row_group_bytes = options.row_group_bytes.min((limit / 8).max(1));
        }
        self.ends = RecordEnds::Framed {
            columns: options.schema.columns.len(),
        };
        self.header = None;
        self.stream_has_header = false;
        self.parquet = Some(options);
    }
}

/// The names of a series: `-o` with `{k}` replaced by each file's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// `-o` as given, for the summary.
    pub template: String,
    /// The directory the files go in (created if missing).
    pub dir: PathBuf,
    /// The path before `{k}`, directory included, and after it.
    pub head: String,
    pub tail: String,
    /// The file name's part before `{k}` (the directory left out).
    pub file_head: String,
    /// Digits the number is zero-padded to (`{k:04}`: 4; `{k}`: none).
    pub width: usize,
    /// `--shard K/N`'s K: its files are numbered `K-k`, so every shard
    /// counts its own files from 0 and no two shards name the same file.
    pub shard: Option<u64>,
}

impl Names {
    /// The number `{k}` is replaced with for file `k`.
    pub fn number(&self, k: u64) -> String {
        let width = self.width;
        match self.shard {
            None => format!("{k:0width$}"),
            Some(shard) => format!("{shard:0width$}-{k:0width$}"),
        }
    }

    /// The path of file `k`.
    pub fn name(&self, k: u64) -> String {
        format!("{}{}{}", self.head, self.number(k), self.tail)
    }

    /// Whether `file_name` (in [`Names::dir`]) is a name this series could
    /// give: what an existing file must not be without `--force`, when how
    /// many files there will be is not known up front.
    pub fn could_name(&self, file_name: &str) -> bool {
        let Some(middle) = file_name
            .strip_prefix(self.file_head.as_str())
            .and_then(|rest| rest.strip_suffix(self.tail.as_str()))
        else {
            return false;
        };
        let digits = match self.shard {
            None => Some(middle),
            Some(shard) => middle.strip_prefix(&format!("{shard:0w$}-", w = self.width)),
        };
        digits.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// Where each file of a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// `--file-size`: at most this many bytes a file, header included.
    Bytes(u64),
    /// `--file-records`: this many records a file.
    Records(u64),
    /// `--files N` of `--count`: file k holds the records up to
    /// (k+1)·total/N.
    EvenRecords { files: u64, total: u64 },
    /// `--files N` of `--size`: file k holds the records that end by
    /// (k+1)·total/N bytes into the stream (as one file would hold it).
    EvenBytes { files: u64, total: u64 },
}

/// How records sit in the bytes, to find where one ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordEnds {
    /// Each record ends at its `per_record`-th newline (a template with
    /// newlines in its text has more than one).
    Lines { per_record: u64 },
    /// CSV rows (RFC 4180): a newline inside a quoted field is data.
    CsvRows,
    /// Octet-counted frames, `LEN SP MSG` (RFC 6587 §3.4.1).
    Frames,
    /// Parquet's framed records (`language/framed.rs`): this many
    /// length-prefixed fields a record.
    Framed { columns: usize },
}

impl RecordEnds {
    /// The end of the first record of `bytes` (which starts on a record),
    /// or `None` if no record ends in it.
    pub fn first_end(self, bytes: &[u8]) -> Option<usize> {
        match self {
            RecordEnds::Lines { per_record } => {
                let mut ends = memchr::memchr_iter(b'\n', bytes);
                ends.nth(per_record.max(1) as usize - 1).map(|at| at + 1)
            }
            RecordEnds::CsvRows => {
                let mut quoted = false;
                // A doubled quote inside a field toggles twice: no change.
                for at in memchr::memchr2_iter(b'"', b'\n', bytes) {
                    match bytes[at] {
                        b'"' => quoted = !quoted,
                        _ if !quoted => return Some(at + 1),
                        _ => {}
                    }
                }
                None
            }
            RecordEnds::Frames => framing::frame_end(bytes),
            RecordEnds::Framed { columns } => framed::record_len(bytes, columns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(shard: Option<u64>, width: usize) -> Names {
        Names {
            template: "out/part-{k}.csv".into(),
            dir: "out".into(),
            head: "out/part-".into(),
            tail: ".csv".into(),
            file_head: "part-".into(),
            width,
            shard,
        }
    }

    #[test]
    fn numbers_are_padded_and_prefixed_by_the_shard() {
        assert_eq!(names(None, 0).name(7), "out/part-7.csv");
        assert_eq!(names(None, 4).name(7), "out/part-0007.csv");
        assert_eq!(names(Some(2), 3).name(7), "out/part-002-007.csv");
    }

    #[test]
    fn could_name_only_this_series_files() {
        let plain = names(None, 4);
        assert!(plain.could_name("part-0003.csv"));
        assert!(plain.could_name("part-12345.csv"));
        assert!(!plain.could_name("part-.csv"));
        assert!(!plain.could_name("part-1-0003.csv"));
        assert!(!plain.could_name("part-0003.csv.bak"));
        let shard = names(Some(1), 0);
        assert!(shard.could_name("part-1-0.csv"));
        assert!(!shard.could_name("part-2-0.csv"));
        assert!(!shard.could_name("part-0.csv"));
    }

    #[test]
    fn finds_record_ends_by_shape() {
        let lines = RecordEnds::Lines { per_record: 2 };
        assert_eq!(lines.first_end(b"a\nb\nc\n"), Some(4));
        assert_eq!(lines.first_end(b"a\nb"), None);
        assert_eq!(
            RecordEnds::CsvRows.first_end(b"\"a\nb\",\"\"\"\"\nx\n"),
            Some(11)
        );
        assert_eq!(RecordEnds::Frames.first_end(b"3 abc4 defg"), Some(5));
        let framed = RecordEnds::Framed { columns: 2 };
        assert_eq!(
            framed.first_end(b"\x01\0\0\0a\xff\xff\xff\xff\x02"),
            Some(9)
        );
        assert_eq!(framed.first_end(b"\x01\0\0\0a\x02\0\0\0b"), None);
    }
}
