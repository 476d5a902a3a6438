//! The command line of gush for a series of files: `-o part-{k:04}.csv`
//! with `--file-size`, `--file-records` or `--files`. `config/series.rs`
//! weighs them against the path and the amount; `sink/series.rs` splits.
//!
//! A part of `cli.rs` kept in its own file because it is one idea: a data
//! set shipped as many files rather than one.

use clap::Args;

use super::{parse_count, parse_size};

/// Flags that split the output into numbered files.
#[derive(Debug, Args)]
pub struct SeriesArgs {
    /// Split into files of at most SIZE bytes each (header included): the
    /// next file starts before a record would cross SIZE, and a record
    /// larger than SIZE goes alone in its file. Needs {k} in -o, as in
    /// `-o out/part-{k:04}.csv` (zero-padded to 4 digits). Each CSV or TSV
    /// file starts with the header row; the files, concatenated with the
    /// later headers removed, are the one file the same seed writes. With
    /// --shard K/N, {k} is written `K-k` (both padded alike): each shard
    /// numbers its own files from 0 and shards never collide. With
    /// --format parquet each file is a whole Parquet file, and SIZE is
    /// weighed as DuckDB's FILE_SIZE_BYTES is: a file ends once the bytes
    /// it has written (its footer aside) reach SIZE, looked at after each
    /// SIZE/64 of records, so it goes past SIZE by about a row group
    /// (capped at SIZE/8 of values) and its footer. One writer cuts the
    /// files from one ordered stream, whatever --threads: where a file
    /// ends is known only once it is written.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Files",
          conflicts_with_all = ["file_records", "files"])]
    pub file_size: Option<u64>,

    /// Split into files of N records each (the last may hold fewer).
    /// Needs {k} in -o; see --file-size. With --count and --threads T
    /// given, T files are written at once, each by a generator and a
    /// writer of its own (for a writer that is the limit: a compressor, a
    /// slow disk); every file is the same bytes as with one.
    #[arg(long, value_name = "N", value_parser = parse_count, help_heading = "Files",
          conflicts_with = "files")]
    pub file_records: Option<u64>,

    /// Split --count (or else --size) into N files of near-equal records
    /// (bytes). Needs {k} in -o; see --file-size. Of --count, with
    /// --threads T given, T files at once (see --file-records).
    #[arg(long, value_name = "N", value_parser = parse_count, help_heading = "Files")]
    pub files: Option<u64>,
}
