//! The `--timeline` CSV: one row per interval (100 ms, or `--interval`),
//! for spreadsheets and plotting scripts.
//!
//! Kept apart from the monitor that feeds it: the file is created before
//! the destination is opened (a bad path fails the run before it leaves an
//! empty output behind), and its columns are a contract of their own.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::sample::Sample;

/// New columns go at the end, so scripts that read columns by position
/// keep working.
const HEADER: &str =
    "t_s,bytes,records,bytes_per_s,buffered_bytes,pauses,drains,write_p50_ns,write_p99_ns,ios,iops";

pub struct Timeline {
    out: BufWriter<File>,
    path: PathBuf,
}

impl Timeline {
    pub fn create(path: &Path) -> Result<Timeline> {
        let shown = || format!("cannot create the timeline file {}", path.display());
        let mut out = BufWriter::new(File::create(path).with_context(shown)?);
        writeln!(out, "{HEADER}").with_context(shown)?;
        Ok(Timeline {
            out,
            path: path.to_path_buf(),
        })
    }

    /// One row; the `last` one flushes the file. A sample with no write
    /// has empty latency fields.
    pub fn row(&mut self, s: &Sample, last: bool) -> Result<()> {
        let field = |ns: Option<u64>| ns.map_or_else(String::new, |ns| ns.to_string());
        writeln!(
            self.out,
            "{:.3},{},{},{:.0},{},{},{},{},{},{},{:.0}",
            s.t_s,
            s.bytes,
            s.records,
            s.bytes_per_s,
            s.buffered_bytes,
            s.pauses,
            s.drains,
            field(s.write_p50_ns),
            field(s.write_p99_ns),
            s.ios,
            s.iops,
        )
        .and_then(|()| if last { self.out.flush() } else { Ok(()) })
        .with_context(|| format!("cannot write the timeline file {}", self.path.display()))
    }
}
