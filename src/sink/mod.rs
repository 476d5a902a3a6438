//! Sinks: where the bytes go. A sink takes raw writes and knows nothing of
//! chunks, threads or water marks; the writer thread drives it.
//!
//! A new destination is one new file here and one arm in [`open`].

use std::io;
use std::path::Path;

use anyhow::Result;

pub mod file;

pub use file::FileSink;

/// A destination for the writer thread, in the manner of Node's
/// `Writable._write`: implement [`Sink::name`] and [`Sink::write`] and the
/// pipeline does the rest (see `examples/custom_sink.rs`).
pub trait Sink: Send {
    /// Where the bytes go, for messages and the report.
    fn name(&self) -> &str;

    /// One write, as [`io::Write::write`]: returns how many bytes of `buf`
    /// were accepted. The writer loops until a chunk is written whole.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize>;

    /// A write failed after `torn` bytes of a chunk had gone out: remove
    /// them if the destination allows it, so it never ends mid-record.
    /// Returns how many of them remain.
    fn rewind(&mut self, torn: usize) -> io::Result<usize> {
        Ok(torn)
    }

    /// All chunks are written.
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Whether a reader going away (`EPIPE`) is a normal end, as for
    /// `gush | head`, rather than an error.
    fn reader_may_leave(&self) -> bool {
        false
    }
}

/// What may be done to a destination that already holds data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse to touch an existing regular file or a block device.
    Refuse,
    /// Replace an existing file; write over a block device.
    Overwrite,
    /// Add to the end of an existing file.
    Append,
}

/// Opens the destination named on the command line: `-` is stdout.
pub fn open(dest: &Path, existing: Existing) -> Result<Box<dyn Sink>> {
    if dest == Path::new("-") {
        return Ok(Box::new(FileSink::stdout()?));
    }
    Ok(Box::new(FileSink::open(dest, existing)?))
}
