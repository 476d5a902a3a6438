//! A series of files (`-o part-{k:04}.csv --file-size 1GB`): one sink that
//! cuts the stream into numbered files, in order, on record boundaries.
//!
//! The split happens on the writer's side, after the generator threads,
//! so the bytes are the same whatever `--threads` is: the files, put end
//! to end with the repeated headers taken out, are the one file the same
//! seed writes. Each file is its own sink, made by an [`Opener`] (a plain
//! file today; a compressor around one, or an object-store key, can be
//! slotted in there), and is finished ([`Sink::finish`]) as it closes.
//!
//! Each write takes whole records planned into the current file (a
//! "span"): the chunks the generator hands over hold whole records, so a
//! span's end is found by scanning forward from a record's start. A write
//! the destination takes only in part leaves the rest of the span for the
//! next call; a failed one is cut back to the span's start by
//! [`Sink::rewind`], so every file ends on a whole record.
//!
//! With `--format parquet` each file is a Parquet file of its own (the
//! opener puts a [`ParquetSink`] around it), so a row group never spans
//! files; `--file-size` then counts the Parquet bytes written, which grow
//! a row group at a time.

use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};

use super::parquet::ParquetSink;
use super::{CompressStats, Existing, FileSink, ParquetStats, Sink, SinkReport, compress};
use crate::stats::{FileBytes, FilesStats};

mod plan;
pub use plan::{Names, RecordEnds, SeriesPlan, Split};

/// Opens file `name` of a series, ready to write from its start.
pub type Opener = Box<dyn FnMut(&str) -> Result<Box<dyn Sink>> + Send>;

/// Opens a series of plain files: makes the directory, refuses one it
/// cannot write to and, without `--force`, any file this series could name
/// that is already there, all before a byte is written.
pub fn open(
    plan: &SeriesPlan,
    existing: Existing,
    stop: Arc<AtomicBool>,
    compress: Option<compress::Plan>,
) -> Result<Box<dyn Sink>> {
    prepare(plan, existing)?;
    Ok(Box::new(Series::new(
        plan.clone(),
        opener(plan, existing, stop, compress),
    )))
}

/// The checks [`open`] makes before a byte is written, for a run that
/// writes the series' files through several [`Series`] at once (the
/// lanes of `jobs/lanes.rs`) and so checks once for all of them.
pub fn prepare(plan: &SeriesPlan, existing: Existing) -> Result<()> {
    let dir = &plan.names.dir;
    if let Err(err) = fs::create_dir_all(dir) {
        bail!(
            "cannot create directory {} for {}: {err}; choose a directory you can write to",
            dir.display(),
            plan.names.template
        );
    }
    writable(dir)?;
    if existing == Existing::Refuse {
        refuse_existing(&plan.names)?;
    }
    Ok(())
}

/// Opens each file of a series: a plain file, compressed if asked, and
/// a whole Parquet file of its own when the plan writes Parquet.
pub fn opener(
    plan: &SeriesPlan,
    existing: Existing,
    stop: Arc<AtomicBool>,
    compress: Option<compress::Plan>,
) -> Opener {
    let parquet = plan.parquet.clone();
    Box::new(move |name| {
        let file = Box::new(FileSink::open(Path::new(name), existing, &stop)?);
        // A file of the series is always one this run made or replaced:
        // removed, and named, if a write to it fails midway.
        let made = Path::new(name).to_path_buf();
        let sink = match compress {
            Some(plan) => compress::wrap(file, plan, Some(made.clone()))?,
            None => file as Box<dyn Sink>,
        };
        Ok(match &parquet {
            Some(options) => Box::new(ParquetSink::new(sink, options)?.remove_on_failure(made)),
            None => sink,
        })
    })
}

/// Refuses a directory the files cannot be made in, before any is: a
/// failure at the second file would leave a cut-short data set.
fn writable(dir: &Path) -> Result<()> {
    let shown = dir.display();
    let path = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes())
        .with_context(|| format!("cannot use directory {shown}: a NUL in its name"))?;
    // SAFETY: access(2) reads a NUL-terminated path we own.
    if unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) } != 0 {
        let err = io::Error::last_os_error();
        bail!("cannot write files in {shown}: {err}; choose a directory you can write to");
    }
    Ok(())
}

/// Without `--force`, any file of the directory that this series could
/// name is refused: with `--file-size` how many files there will be is
/// not known up front, and an old file left among new ones would join
/// the data set.
fn refuse_existing(names: &Names) -> Result<()> {
    let dir = &names.dir;
    let entries =
        fs::read_dir(dir).with_context(|| format!("cannot list directory {}", dir.display()))?;
    let mut clashes: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| names.could_name(name))
        .collect();
    clashes.sort();
    // A directory with a file's name is not replaced by --force: say so.
    if let Some(folder) = clashes
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_dir())
    {
        bail!(
            "cannot write the series {}: {} is a directory with one of its file names; move it or write elsewhere",
            names.template,
            folder.display()
        );
    }
    if let Some(first) = clashes.first() {
        let more = match clashes.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        bail!(
            "refusing to overwrite {}{more}: it exists and is a file of the series {}; pass --force to replace the series' files or write elsewhere",
            dir.join(first).display(),
            names.template
        );
    }
    Ok(())
}

/// The file being written.
struct Current {
    sink: Box<dyn Sink>,
    name: String,
    /// Bytes in the file, an inserted header included.
    bytes: u64,
    /// Of those, the stream's (all but an inserted header).
    data_bytes: u64,
    records: u64,
}

/// The series sink (see the top of this file).
pub struct Series {
    plan: SeriesPlan,
    opener: Opener,
    current: Option<Current>,
    /// The number of the next file to open.
    next: u64,
    /// The last file opened or being opened, for a failure to name once
    /// it is closed or removed (or could not be opened).
    last_name: Option<String>,
    /// Files already closed, in order.
    closed: Vec<FileBytes>,
    /// Their compressors' figures, summed (`--compress`).
    compressed: Option<CompressStats>,
    /// Bytes of the stream's own header still to go into the first file.
    stream_header_left: usize,
    /// Of the span planned into the current file, the bytes still to
    /// write and those written (what a failed write cuts back).
    span_left: usize,
    span_written: usize,
    /// Records and bytes of the stream planned so far, as one file would
    /// hold them: where `--files` puts each file's end.
    stream_records: u64,
    stream_bytes: u64,
    /// Where in the stream a Parquet file's bytes are next weighed
    /// against `--file-size` (see [`Series::fit`]).
    parquet_check_at: u64,
}

impl Series {
    pub fn new(plan: SeriesPlan, opener: Opener) -> Series {
        let stream_header_left = match (&plan.header, plan.stream_has_header) {
            (Some(header), true) => header.len(),
            _ => 0,
        };
        Series {
            plan,
            opener,
            current: None,
            next: 0,
            last_name: None,
            closed: Vec::new(),
            compressed: None,
            stream_header_left,
            span_left: 0,
            span_written: 0,
            stream_records: 0,
            stream_bytes: 0,
            parquet_check_at: 0,
        }
    }

    /// Numbers the first file `k` rather than 0: a lane of `jobs/lanes.rs`
    /// writes file `k` alone.
    pub fn numbered_from(mut self, k: u64) -> Series {
        self.next = k;
        // What a failure to open it names, rather than the template.
        self.last_name = Some(self.plan.names.name(k));
        self
    }

    /// Plans the next span from `buf`, which starts on a record (or on the
    /// stream's header): opens a file if none is, and moves to the next
    /// while the current one has no room for the next record.
    fn plan_span(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.stream_header_left > 0 {
            if self.current.is_none() {
                self.open_next(false)?;
            }
            self.span_left = self.stream_header_left.min(buf.len());
            self.stream_header_left -= self.span_left;
            self.stream_bytes += self.span_left as u64;
            return Ok(());
        }
        loop {
            if self.current.is_none() {
                self.open_next(true)?;
            }
            let (records, bytes) = self.fit(buf);
            if records > 0 {
                if let (Split::Bytes(limit), true) = (self.plan.split, self.plan.parquet.is_some())
                    && self.stream_bytes >= self.parquet_check_at
                {
                    self.parquet_check_at = self.stream_bytes + (limit / 64).max(1);
                }
                self.span_left = bytes;
                self.stream_records += records;
                self.stream_bytes += bytes as u64;
                if let Some(current) = self.current.as_mut() {
                    current.records += records;
                }
                return Ok(());
            }
            self.close_current()?;
        }
    }

    /// The whole records at the start of `buf` that go in the current
    /// file, and their bytes. A record too large for any file goes alone
    /// into one of its own.
    fn fit(&self, buf: &[u8]) -> (u64, usize) {
        let Some(current) = self.current.as_ref() else {
            return (0, 0);
        };
        let k = self.next - 1;
        // A Parquet file's bytes grow a row group at a time: it takes
        // records until they reach the limit (DuckDB's FILE_SIZE_BYTES).
        // The limit is looked at each SIZE/64 bytes of the stream (the
        // first record end past each step, not a chunk's end, so that the
        // files are the same whatever the threads): soon after the row
        // group that reaches it, with few rows then held for the last.
        let parquet_bytes = current.sink.parquet().map(|p| p.bytes);
        let check_now = self.stream_bytes >= self.parquet_check_at;
        let next_check = match (self.plan.split, parquet_bytes, check_now) {
            (Split::Bytes(limit), Some(_), true) => self.stream_bytes + (limit / 64).max(1),
            (Split::Bytes(_), Some(_), false) => self.parquet_check_at,
            _ => u64::MAX,
        };
        let (mut records, mut at) = (0, 0);
        while at < buf.len() {
            // A record cut short (a replayed file's last line without its
            // newline) is taken as it is.
            let end = self
                .plan
                .ends
                .first_end(&buf[at..])
                .map_or(buf.len(), |end| at + end);
            if records > 0 && self.stream_bytes + at as u64 >= next_check {
                break;
            }
            let fits = match self.plan.split {
                Split::Bytes(limit) => match parquet_bytes {
                    Some(written) => !check_now || written < limit,
                    None => current.bytes + end as u64 <= limit,
                },
                Split::Records(each) => current.records + records < each,
                Split::EvenRecords { files, total } => {
                    k + 1 >= files || self.stream_records + records < share(total, files, k + 1)
                }
                Split::EvenBytes { files, total } => {
                    k + 1 >= files || self.stream_bytes + end as u64 <= share(total, files, k + 1)
                }
            };
            let by_bytes = matches!(self.plan.split, Split::Bytes(_) | Split::EvenBytes { .. });
            let alone = by_bytes && current.records + records == 0;
            if !fits && !alone {
                break;
            }
            records += 1;
            at = end;
            if !fits {
                break;
            }
        }
        (records, at)
    }

    /// Opens the next file, putting the header in first unless the stream
    /// brings its own. A file whose header cannot be written is removed:
    /// it holds nothing of the data.
    fn open_next(&mut self, insert_header: bool) -> io::Result<()> {
        let name = self.plan.names.name(self.next);
        // Named before it is opened: a failure to open it is about it, not
        // the file before.
        self.last_name = Some(name.clone());
        let mut sink = (self.opener)(&name)
            .map_err(|err| io::Error::other(unnamed(&format!("{err:#}"), &name)))?;
        self.next += 1;
        let mut bytes = 0;
        if let (true, Some(header)) = (insert_header, self.plan.header.as_ref()) {
            if let Err(err) = write_all(sink.as_mut(), header) {
                drop(sink);
                let _ = fs::remove_file(&name);
                return Err(err);
            }
            bytes = header.len() as u64;
        }
        self.current = Some(Current {
            sink,
            name,
            bytes,
            data_bytes: 0,
            records: 0,
        });
        Ok(())
    }

    /// Finishes the current file and lists it.
    fn close_current(&mut self) -> io::Result<()> {
        let Some(mut current) = self.current.take() else {
            return Ok(());
        };
        let finished = current.sink.finish();
        self.closed.extend(listed(&current));
        self.add_compression(&current);
        finished
    }

    /// Adds a file's compressor figures to the series', as it goes.
    fn add_compression(&mut self, file: &Current) {
        let Some(one) = file.sink.compression() else {
            return;
        };
        match &mut self.compressed {
            Some(sum) => sum.add_after(&one),
            None => self.compressed = Some(one),
        }
    }
}

/// A file as the report lists it, with its size on disk: a compressed
/// file's compressed bytes (its raw ones beside them), a Parquet file's
/// own bytes, rows and row groups; none once removed after a failure.
fn listed(current: &Current) -> Option<FileBytes> {
    let plain = FileBytes {
        name: current.name.clone(),
        bytes: current.bytes,
        raw_bytes: None,
        rows: None,
        row_groups: None,
    };
    match (current.sink.parquet(), current.sink.compression()) {
        (Some(parquet), _) if parquet.files == 0 => None,
        (Some(parquet), _) => Some(FileBytes {
            bytes: parquet.bytes,
            rows: Some(parquet.rows),
            row_groups: Some(parquet.row_groups),
            ..plain
        }),
        (None, Some(compressed)) if compressed.removed => None,
        (None, Some(compressed)) => Some(FileBytes {
            bytes: compressed.compressed_bytes,
            raw_bytes: Some(current.bytes),
            ..plain
        }),
        (None, None) => Some(plain),
    }
}

/// An opener's error about file `name` without the name up front: the
/// writer's message starts `cannot write to NAME: `, so `cannot open NAME:
/// ` or `cannot write to NAME: ` would say it twice on the one line, and
/// any other opening (`refusing to overwrite NAME: `) says `it`.
fn unnamed(message: &str, name: &str) -> String {
    let named = format!("{name}: ");
    let Some(at) = message.find(&named) else {
        return message.to_string();
    };
    let (before, after) = (&message[..at], &message[at + named.len()..]);
    match before {
        "cannot open " | "cannot write to " => after.to_string(),
        _ => format!("{before}it: {after}"),
    }
}

/// Where the `k`-th of `files` near-equal parts of `total` ends.
fn share(total: u64, files: u64, k: u64) -> u64 {
    (u128::from(total) * u128::from(k) / u128::from(files.max(1))) as u64
}

/// Writes `bytes` whole, as `io::Write::write_all` does, through a sink.
fn write_all(sink: &mut dyn Sink, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match sink.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

impl Sink for Series {
    /// The file being written, or last written (what a failure names);
    /// the template before the first.
    fn name(&self) -> &str {
        match (&self.current, &self.last_name) {
            (Some(current), _) => &current.name,
            (None, Some(last)) => last,
            (None, None) => &self.plan.names.template,
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.span_left == 0 {
            self.span_written = 0;
            self.plan_span(buf)?;
        }
        let Some(current) = self.current.as_mut() else {
            return Err(io::Error::other("no file of the series is open"));
        };
        let take = self.span_left.min(buf.len());
        let written = current.sink.write(&buf[..take])?;
        current.bytes += written as u64;
        current.data_bytes += written as u64;
        self.span_left -= written;
        self.span_written += written;
        Ok(written)
    }

    /// Cuts the current file back to the start of the span a failed write
    /// tore (all of it from the chunk being written), and removes the file
    /// if nothing of the data is left in it.
    fn rewind(&mut self, torn: usize) -> io::Result<usize> {
        let cut = match self.span_left {
            0 => 0,
            _ => self.span_written,
        };
        let Some(current) = self.current.as_mut() else {
            return Ok(torn);
        };
        let left = current.sink.rewind(cut)?;
        let removed = cut - left;
        current.bytes -= removed as u64;
        current.data_bytes -= removed as u64;
        (self.span_left, self.span_written) = (0, 0);
        if current.data_bytes == 0 && left == 0 {
            let name = std::mem::take(&mut current.name);
            if let Some(removed) = self.current.take() {
                self.add_compression(&removed);
            }
            fs::remove_file(&name)?;
        }
        Ok(torn.saturating_sub(removed))
    }

    fn finish(&mut self) -> io::Result<()> {
        self.close_current()
    }

    fn report(&self) -> SinkReport {
        let mut files = self.closed.clone();
        files.extend(self.current.as_ref().and_then(listed));
        SinkReport::Files(FilesStats { files })
    }

    /// The series' files' compressors together, as one compressed file
    /// reports its own: the raw bytes, the bytes on disk, the ratio.
    fn compression(&self) -> Option<CompressStats> {
        let mut sum = self.compressed.clone();
        if let Some(now) = self.current.as_ref().and_then(|c| c.sink.compression()) {
            match &mut sum {
                Some(sum) => sum.add_after(&now),
                None => sum = Some(now),
            }
        }
        sum
    }

    /// The series' Parquet files together.
    fn parquet(&self) -> Option<ParquetStats> {
        let options = self.plan.parquet.as_ref()?;
        let SinkReport::Files(FilesStats { files }) = self.report() else {
            return None;
        };
        Some(ParquetStats {
            compression: options.codec.label(),
            files: files.len() as u64,
            bytes: files.iter().map(|f| f.bytes).sum(),
            rows: files.iter().filter_map(|f| f.rows).sum(),
            row_groups: files.iter().filter_map(|f| f.row_groups).sum(),
        })
    }
}
