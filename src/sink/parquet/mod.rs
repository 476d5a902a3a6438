//! `--format parquet`: a sink that wraps another (the file, stdout, a
//! socket) and writes it an Apache Parquet file. The generator frames each
//! record's column texts (`language/framed.rs`); this sink parses each text
//! into its column's type as it arrives (`values.rs`), and once a row
//! group's worth of data is held, encodes its columns on several threads
//! and writes the row group (`encode.rs`). `finish` writes the last row
//! group and the footer.
//!
//! Being a sink wrapper keeps the language a leaf and the pipeline
//! unchanged (generator threads, the hwm and the report work as for CSV),
//! and lets a file series wrap each of its files in one, so that a row
//! group never spans files. Memory: the row group being gathered (typed,
//! `--row-group`), its encoded columns while they are written, and the
//! hwm's chunks, which are parsed and handed back as they come.

mod encode;
mod plan;
mod values;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::writer::SerializedFileWriter;

use super::{Live, ParquetStats, Sink, SinkReport};
use crate::language::framed;
use crate::language::kind::Kind;
use crate::language::schema::Schema;
use values::Column;

/// Column compression for `--format parquet` (`--compress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    None,
    Zstd(i32),
    Gzip(u32),
}

impl Codec {
    /// zstd at level 3: the `zstd` tool's default, and DuckDB's.
    pub const DEFAULT: Codec = Codec::Zstd(3);

    /// The columns' compression from `--compress` (the one flag stream
    /// compression takes too), zstd at level 3 when it is not given.
    pub fn from_asked(asked: Option<crate::sink::compress::Asked>) -> Codec {
        use crate::sink::compress::Codec as Stream;
        match asked {
            None => Codec::DEFAULT,
            Some(asked) => match asked.0 {
                None => Codec::None,
                Some(Stream::Zstd { level }) => Codec::Zstd(level),
                Some(Stream::Gzip { level }) => Codec::Gzip(level),
            },
        }
    }

    /// As the summary names it: `zstd:3`, `gzip:6`, `none`.
    pub fn label(self) -> String {
        match self {
            Codec::None => "none".into(),
            Codec::Zstd(level) => format!("zstd:{level}"),
            Codec::Gzip(level) => format!("gzip:{level}"),
        }
    }

    fn compression(self) -> Compression {
        match self {
            Codec::None => Compression::UNCOMPRESSED,
            Codec::Zstd(level) => Compression::ZSTD(ZstdLevel::try_new(level).unwrap_or_default()),
            Codec::Gzip(level) => Compression::GZIP(GzipLevel::try_new(level).unwrap_or_default()),
        }
    }
}

/// How the Parquet file is laid out, as the configuration checked it.
#[derive(Debug, Clone)]
pub struct ParquetOptions {
    /// The records' columns, whose templates give each its type.
    pub schema: Schema,
    /// A row group is written once its values hold this many bytes.
    pub row_group_bytes: u64,
    pub codec: Codec,
    /// `{float}` columns as DOUBLE rather than DECIMAL.
    pub float_as_double: bool,
}

/// 128 MiB of values per row group, as common writers default to.
pub const DEFAULT_ROW_GROUP: u64 = 128 << 20;

/// The columns of `schema` with the kind each is stored as.
pub fn kinds(schema: &Schema) -> Vec<(String, Kind)> {
    schema
        .columns
        .iter()
        .map(|c| (c.name.clone(), Kind::of(&c.template)))
        .collect()
}

/// `--describe`: each column's name, Parquet type and template, then the
/// Parquet schema as the parquet tools print it.
pub fn describe(schema: &Schema, float_as_double: bool) -> anyhow::Result<String> {
    let columns = kinds(schema);
    let message = encode::message(&columns, float_as_double)?;
    let width = columns.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let types: Vec<String> = message.get_fields().iter().map(|f| type_name(f)).collect();
    let type_width = types.iter().map(String::len).max().unwrap_or(0);
    let mut text = String::new();
    for (((name, _), parquet_type), column) in columns.iter().zip(&types).zip(&schema.columns) {
        text += &format!(
            "{name:<width$}  {parquet_type:<type_width$}  {}\n",
            column.template.source
        );
    }
    let typed = columns.iter().filter(|(_, k)| k.is_typed()).count();
    text += &format!(
        "\n{typed} of {} columns typed; the rest are strings.\n\n",
        columns.len()
    );
    let mut printed = Vec::new();
    parquet::schema::printer::print_schema(&mut printed, &message);
    text += &String::from_utf8_lossy(&printed);
    text += "\n";
    Ok(text)
}

/// A column's type in one word or two: `INT64`, `DECIMAL(6,2)`,
/// `TIMESTAMP(MILLIS,UTC)`, `STRING`.
fn type_name(field: &parquet::schema::types::Type) -> String {
    use parquet::basic::LogicalType;
    let info = field.get_basic_info();
    match info.logical_type_ref() {
        Some(LogicalType::String) => "STRING".into(),
        Some(LogicalType::Uuid) => "UUID".into(),
        Some(LogicalType::Date) => "DATE".into(),
        Some(LogicalType::Decimal(d)) => format!("DECIMAL({},{})", d.precision, d.scale),
        Some(LogicalType::Timestamp(_)) => "TIMESTAMP(MILLIS,UTC)".into(),
        _ => field.get_physical_type().to_string(),
    }
}

/// The regular file `dest` names if this run makes or replaces it: what a
/// failed Parquet write removes. Never a file appended to, a device or a
/// FIFO. Asked before the destination is opened (which makes the file).
pub fn made_by_run(
    dest: &super::Destination,
    existing: super::Existing,
) -> anyhow::Result<Option<PathBuf>> {
    use super::{Destination, Existing, Target};
    let (Destination::File(path) | Destination::Disk(path, _)) = *dest else {
        return Ok(None);
    };
    let made = match Target::of(path)? {
        Target::New => true,
        Target::Regular => existing == Existing::Overwrite,
        _ => false,
    };
    Ok(made.then(|| path.to_path_buf()))
}

/// Rows gathered before the row group's buffers are sized for the rest.
const SAMPLE_ROWS: usize = 4096;

/// The sink: `inner` receives the Parquet file.
pub struct ParquetSink {
    name: String,
    file: Option<SerializedFileWriter<Inner>>,
    /// The inner sink once the footer is written, for its report.
    finished: Option<Box<dyn Sink>>,
    /// Each column's encoding and codec, learned row group by row group.
    plan: plan::Plan,
    columns: Vec<Column>,
    /// Bytes of a record cut at the end of a write, kept for the next.
    carry: Vec<u8>,
    /// Where each field of the record being read lies (start, length),
    /// or `None` for a null: reused from record to record.
    fields: Vec<Option<(usize, usize)>>,
    /// Rows in the row group being gathered, and the bytes they hold.
    rows: usize,
    held_bytes: u64,
    row_group_bytes: u64,
    threads: usize,
    codec: Codec,
    /// Rows and row groups written to the file so far.
    rows_written: u64,
    row_groups: u64,
    /// Bytes of the file once the footer is written.
    finished_bytes: Option<u64>,
    /// The file to remove if a write fails: a Parquet file without its
    /// footer cannot be read, nor cut back to whole rows.
    remove_on_failure: Option<PathBuf>,
    removed: bool,
}

/// The inner sink as the parquet writer's `io::Write`, with the bytes it
/// took.
struct Inner(Box<dyn Sink>, u64);

impl io::Write for Inner {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.0.write(buf)?;
        self.1 += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl ParquetSink {
    /// Starts a Parquet file of `schema`'s records on `inner`.
    pub fn new(inner: Box<dyn Sink>, options: &ParquetOptions) -> anyhow::Result<ParquetSink> {
        return_large_buffers_at_once();
        let kinds = kinds(&options.schema);
        let message = encode::message(&kinds, options.float_as_double)?;
        let created_by = format!("gush {}", env!("CARGO_PKG_VERSION"));
        let compression = options.codec.compression();
        let props = Arc::new(plan::file_properties(compression, &created_by));
        let plan = plan::Plan::new(&options.schema, compression, created_by);
        let name = inner.name().to_string();
        let file = SerializedFileWriter::new(Inner(inner, 0), message, props).map_err(|err| {
            anyhow::anyhow!("cannot start a Parquet file on {name}: {}", io_error(err))
        })?;
        Ok(ParquetSink {
            name,
            file: Some(file),
            finished: None,
            plan,
            columns: kinds
                .iter()
                .map(|(name, kind)| Column::new(name, *kind, options.float_as_double))
                .collect(),
            carry: Vec::new(),
            fields: Vec::with_capacity(kinds.len()),
            rows: 0,
            held_bytes: 0,
            row_group_bytes: options.row_group_bytes.max(1),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            codec: options.codec,
            rows_written: 0,
            row_groups: 0,
            finished_bytes: None,
            remove_on_failure: None,
            removed: false,
        })
    }

    /// Has a failed write or end remove `path` (a file this run made),
    /// and say so in the error.
    pub fn remove_on_failure(mut self, path: PathBuf) -> ParquetSink {
        self.remove_on_failure = Some(path);
        self
    }

    /// A failed write or end: the file goes, if it may, and the error
    /// says so in its one line.
    fn failed(&mut self, err: io::Error) -> io::Error {
        let Some(path) = &self.remove_on_failure else {
            return err;
        };
        if self.removed {
            return err;
        }
        let shown = path.display();
        let fate = match std::fs::remove_file(path) {
            Ok(()) => {
                self.removed = true;
                format!("{shown} was removed: a Parquet file without its footer cannot be read")
            }
            Err(remove) => format!(
                "{shown} is a Parquet file without its footer, and removing it failed too: {remove}"
            ),
        };
        io::Error::new(err.kind(), format!("{err}; {fate}"))
    }

    /// Parses the whole records at the start of `bytes` into the columns,
    /// writing a row group whenever one is full; returns the bytes taken.
    fn gather(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut at = 0;
        // The last record of a write may be cut short: its fields are
        // found first (one pass over their lengths, into `self.fields`),
        // and only a whole record is pushed.
        'records: loop {
            self.fields.clear();
            let mut end = at;
            for _ in 0..self.columns.len() {
                match framed::read_field(&bytes[end..]) {
                    Some((text, took)) => {
                        self.fields
                            .push(text.map(|t| (end + framed::PREFIX, t.len())));
                        end += took;
                    }
                    None => break 'records,
                }
            }
            for (column, field) in self.columns.iter_mut().zip(&self.fields) {
                let text = field.map(|(from, len)| &bytes[from..from + len]);
                self.held_bytes += column.push(self.rows, text)? as u64;
            }
            self.rows += 1;
            at = end;
            if self.rows == SAMPLE_ROWS && self.held_bytes < self.row_group_bytes {
                // Room for the whole row group at once, estimated from its
                // first rows: buffers that double as they grow would hold
                // up to twice the row group.
                let rows = self.row_group_bytes as u128 * SAMPLE_ROWS as u128
                    / self.held_bytes.max(1) as u128;
                let rows = rows.min(usize::MAX as u128) as usize;
                self.columns.iter_mut().for_each(|c| c.reserve_rows(rows));
            }
            if self.held_bytes >= self.row_group_bytes {
                self.write_row_group()?;
            }
        }
        Ok(at)
    }

    fn write_row_group(&mut self) -> io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Err(io::Error::other("the Parquet file is already finished"));
        };
        // The next row group will likely hold as many rows as this one.
        let next_rows = (self.held_bytes >= self.row_group_bytes).then_some(self.rows);
        let taken = self
            .columns
            .iter_mut()
            .map(|column| {
                let (values, nulls) = column.take(next_rows);
                encode::Taken {
                    name: column.name.clone(),
                    values,
                    nulls,
                }
            })
            .collect();
        encode::write_row_group(file, taken, self.rows, &mut self.plan, self.threads)
            .map_err(io_error)?;
        self.rows_written += self.rows as u64;
        self.row_groups += 1;
        self.rows = 0;
        self.held_bytes = 0;
        Ok(())
    }
}

impl ParquetSink {
    fn inner(&self) -> Option<&dyn Sink> {
        match (&self.file, &self.finished) {
            (Some(file), _) => Some(&*file.inner().0),
            (None, Some(inner)) => Some(&**inner),
            (None, None) => None,
        }
    }
}

/// Has glibc give every allocation of 1 MiB or more back to the system
/// when it is freed. A row group's buffers are large, short-lived and
/// freed on the encoder threads; glibc's default raises its mmap
/// threshold after such frees (up to 32 MiB), and then keeps the freed
/// memory in per-thread arenas: measured on 3 M users rows, peak RSS was
/// 242 MB with 128 MiB row groups and 147 MB with this (row group + 19
/// MB), for about 0.3 s more system time in page faults.
///
/// Below that size, up to 4 MiB freed at the top of a heap is kept rather
/// than handed back (glibc's trim threshold is 128 KiB): the encoders'
/// page buffers are freed and made again a page at a time, and each time
/// they were faulted in afresh. 6 M users rows: 451k faults -> 218k,
/// system time 1.10 -> 0.54 s, peak RSS +3 MiB (bench/parquet.md).
fn return_large_buffers_at_once() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only sets a tuning value of the allocator; it is
    // safe to call at any time, from any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 4 << 20);
    }
}

/// A parquet error as an `io::Error`, keeping the inner sink's own error
/// (a broken pipe, a full disk) as it was.
fn io_error(err: ParquetError) -> io::Error {
    match err {
        ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other),
        },
        other => io::Error::other(other.to_string()),
    }
}

impl Sink for ParquetSink {
    fn name(&self) -> &str {
        &self.name
    }

    /// Takes every byte (see [`ParquetSink::take`]); a failure removes
    /// the file if it may.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.removed {
            return Err(io::Error::other(
                "the Parquet file was removed after a failure",
            ));
        }
        self.take(buf).map_err(|err| self.failed(err))
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.removed {
            return Ok(());
        }
        self.end().map_err(|err| self.failed(err))
    }

    fn reader_may_leave(&self) -> bool {
        self.inner().is_some_and(|inner| inner.reader_may_leave())
    }

    fn report(&self) -> SinkReport {
        self.inner()
            .map_or(SinkReport::Stream, |inner| inner.report())
    }

    fn parquet(&self) -> Option<ParquetStats> {
        let bytes = match (&self.file, self.finished_bytes) {
            (_, Some(bytes)) => bytes,
            (Some(file), None) => file.bytes_written() as u64,
            (None, None) => 0,
        };
        Some(ParquetStats {
            compression: self.codec.label(),
            files: u64::from(!self.removed),
            bytes: if self.removed { 0 } else { bytes },
            rows: self.rows_written,
            row_groups: self.row_groups,
        })
    }

    fn live(&self) -> Option<Live> {
        self.inner().and_then(|inner| inner.live())
    }
}

impl ParquetSink {
    /// Takes every byte: whole records are gathered (and written once a
    /// row group is full), a record cut at the end waits for the rest.
    fn take(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.carry.is_empty() {
            let taken = self.gather(buf)?;
            self.carry.extend_from_slice(&buf[taken..]);
        } else {
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(buf);
            let taken = self.gather(&joined)?;
            self.carry = joined.split_off(taken);
        }
        Ok(buf.len())
    }

    /// Writes the last row group and the footer, and finishes the inner
    /// sink.
    fn end(&mut self) -> io::Result<()> {
        if !self.carry.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the records ended inside a record",
            ));
        }
        if self.rows > 0 {
            self.write_row_group()?;
        }
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        // Writes the footer, and flushes the writer's buffer into `inner`.
        let Inner(mut inner, bytes) = file.into_inner().map_err(io_error)?;
        self.finished_bytes = Some(bytes);
        // A disk, driven here by plain writes rather than its queue, still
        // cuts back what it reserved and makes its final sync.
        let drained = match inner.queue() {
            Some(queue) => queue.drain(&mut super::Done::default()),
            None => Ok(()),
        };
        let finished = drained.and_then(|()| inner.finish());
        self.finished = Some(inner);
        finished
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    use super::*;
    use crate::language::out::Out;

    /// A sink that keeps what it is given.
    struct Kept(Arc<Mutex<Vec<u8>>>);

    impl Sink for Kept {
        fn name(&self) -> &str {
            "memory"
        }

        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
    }

    /// The hook for `?PCT` nulls: a field framed as `framed::NULL` is a
    /// Parquet null, whatever the column's type; and a record cut between
    /// two writes is joined.
    #[test]
    fn the_null_marker_is_a_parquet_null_in_every_kind() {
        let schema = Schema::parse("i={int}, t={ts}, u={uuid}, s={name}").unwrap();
        let options = ParquetOptions {
            schema,
            row_group_bytes: DEFAULT_ROW_GROUP,
            codec: Codec::DEFAULT,
            float_as_double: false,
        };
        let file = Arc::new(Mutex::new(Vec::new()));
        let mut sink = ParquetSink::new(Box::new(Kept(file.clone())), &options).unwrap();
        let mut buf = [0u8; 256];
        let mut out = Out::new(&mut buf);
        let texts: [&[u8]; 4] = [
            b"-7",
            b"2026-01-01T00:00:01Z",
            b"00112233-4455-6677-8899-aabbccddeeff",
            b"Ann Lee",
        ];
        for text in texts {
            framed::write_field(&mut out, |out| out.put(text)).unwrap();
        }
        for _ in 0..4 {
            framed::write_null(&mut out).unwrap();
        }
        let len = out.len;
        sink.write(&buf[..len - 3]).unwrap();
        sink.write(&buf[len - 3..len]).unwrap();
        sink.finish().unwrap();
        let bytes = bytes::Bytes::from(file.lock().unwrap().clone());
        let reader = SerializedFileReader::new(bytes).unwrap();
        let rows: Vec<Vec<Field>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|row| {
                row.unwrap()
                    .get_column_iter()
                    .map(|(_, f)| f.clone())
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], Field::Long(-7));
        assert_eq!(rows[0][1], Field::TimestampMillis(1_767_225_601_000));
        assert_eq!(rows[0][3], Field::Str("Ann Lee".into()));
        assert!(rows[1].iter().all(|f| *f == Field::Null), "{:?}", rows[1]);
    }
}
