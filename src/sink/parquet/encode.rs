//! From gathered columns to a Parquet row group: the file's schema (one
//! OPTIONAL column per schema column, typed by its [`Kind`]), the writer's
//! properties, and the encoding of a row group's columns on several threads.
//!
//! Encoding and compressing is most of the CPU a Parquet file costs, and
//! the columns of a row group are independent: each is encoded by its own
//! column writer into a buffer of its own (the parquet crate's
//! `get_column_writer` over an in-memory page writer), on up to one thread
//! per core, and the buffers are then spliced into the file in column order
//! (`append_column`), as the crate's own `ArrowColumnWriter` does. The file
//! is the same bytes whatever the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use parquet::basic::{LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::column::writer::{ColumnCloseResult, ColumnWriter, get_column_writer};
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::errors::{ParquetError, Result};
use parquet::file::properties::WriterPropertiesPtr;
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::{ColumnDescPtr, Type, TypePtr};

use super::plan::Plan;
use super::values::Values;
use crate::language::kind::Kind;

/// Rows handed to a column writer at once: bounds the per-value handles
/// (32 bytes each) built for text, and keeps def levels in a small buffer.
const BATCH_ROWS: usize = 8192;

/// The Parquet type of a column of `kind`; DECIMAL as DOUBLE if `as_double`.
pub fn column_type(name: &str, kind: Kind, as_double: bool) -> Result<Type> {
    let (physical, logical, precision, scale, length) = match kind {
        Kind::Int => (Physical::INT64, None, None, None, None),
        Kind::Decimal { .. } if as_double => (Physical::DOUBLE, None, None, None, None),
        Kind::Decimal { precision, digits } => (
            Physical::INT64,
            Some(LogicalType::decimal(digits as i32, precision as i32)),
            Some(precision as i32),
            Some(digits as i32),
            None,
        ),
        Kind::Bool => (Physical::BOOLEAN, None, None, None, None),
        Kind::Timestamp(_) => (
            Physical::INT64,
            Some(LogicalType::timestamp(true, TimeUnit::MILLIS)),
            None,
            None,
            None,
        ),
        Kind::Date => (Physical::INT32, Some(LogicalType::Date), None, None, None),
        Kind::Uuid => (
            Physical::FIXED_LEN_BYTE_ARRAY,
            Some(LogicalType::Uuid),
            None,
            None,
            Some(16),
        ),
        Kind::Text => (
            Physical::BYTE_ARRAY,
            Some(LogicalType::String),
            None,
            None,
            None,
        ),
    };
    let mut builder = Type::primitive_type_builder(name, physical)
        .with_repetition(Repetition::OPTIONAL)
        .with_logical_type(logical);
    if let (Some(precision), Some(scale)) = (precision, scale) {
        builder = builder.with_precision(precision).with_scale(scale);
    }
    if let Some(length) = length {
        builder = builder.with_length(length);
    }
    builder.build()
}

/// The file's schema: a message of the columns, in order.
pub fn message(columns: &[(String, Kind)], as_double: bool) -> Result<TypePtr> {
    let fields = columns
        .iter()
        .map(|(name, kind)| column_type(name, *kind, as_double).map(Arc::new))
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(
        Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?,
    ))
}

/// One column's values for a row group, taken from the column that
/// gathered them (its memory goes once it is encoded).
pub struct Taken {
    pub name: String,
    pub values: Values,
    /// The rows that are null, in order.
    pub nulls: Vec<usize>,
}

/// Encodes `columns` (`rows` rows each) on up to `threads` threads, each
/// as `plan` says, and appends them to `file` as one row group; `plan`
/// learns from each chunk for the next row group.
pub fn write_row_group<W: std::io::Write + Send>(
    file: &mut SerializedFileWriter<W>,
    columns: Vec<Taken>,
    rows: usize,
    plan: &mut Plan,
    threads: usize,
) -> Result<()> {
    let props = plan.props();
    let count = columns.len();
    let descriptors: Vec<ColumnDescPtr> =
        (0..count).map(|i| file.schema_descr().column(i)).collect();
    let slots: Vec<Mutex<Option<Taken>>> =
        columns.into_iter().map(|c| Mutex::new(Some(c))).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else {
                return done;
            };
            let column = slot.lock().ok().and_then(|mut slot| slot.take());
            let result = match column {
                Some(column) => match props.get(i) {
                    Some(props) => encode(column, rows, descriptors[i].clone(), props.clone()),
                    None => Err(ParquetError::General("a column has no properties".into())),
                },
                None => Err(ParquetError::General("a column was taken twice".into())),
            };
            done.push((i, result));
        }
    };
    let finished: Vec<_> = match threads.clamp(1, count.max(1)) {
        1 => work(),
        threads => std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|handle| handle.join().unwrap_or_default())
                .collect()
        }),
    };
    let mut encoded: Vec<Option<Result<(Bytes, ColumnCloseResult)>>> =
        (0..count).map(|_| None).collect();
    for (i, result) in finished {
        encoded[i] = Some(result);
    }
    let mut group = file.next_row_group()?;
    for (i, slot) in encoded.into_iter().enumerate() {
        let (bytes, close) =
            slot.ok_or_else(|| ParquetError::General("a column encoder thread panicked".into()))??;
        plan.learn(i, &close);
        group.append_column(&bytes, close)?;
    }
    group.close()?;
    Ok(())
}

/// One column chunk, encoded and compressed into a buffer of its own. The
/// column's values are dropped as soon as they are encoded.
fn encode(
    column: Taken,
    rows: usize,
    descr: ColumnDescPtr,
    props: WriterPropertiesPtr,
) -> Result<(Bytes, ColumnCloseResult)> {
    let Taken {
        name,
        mut values,
        nulls,
    } = column;
    // Text and UUIDs are handed to the writer as slices of one shared
    // buffer, moved rather than copied.
    let text = match &mut values {
        Values::Text { bytes, .. } | Values::Uuid(bytes) => Bytes::from(std::mem::take(bytes)),
        _ => Bytes::new(),
    };
    let mut buffer = TrackedWrite::new(Vec::new());
    let close = {
        let pages = SerializedPageWriter::new(&mut buffer);
        let mut writer = get_column_writer(descr, props, Box::new(pages));
        write_values(&mut writer, &name, &values, &nulls, &text, rows)?;
        drop((values, nulls, text));
        writer.close()?
    };
    Ok((Bytes::from(buffer.into_inner()?), close))
}

/// Hands the column's values to its writer, `BATCH_ROWS` rows at a time,
/// with a definition level per row (0 for a null).
fn write_values(
    writer: &mut ColumnWriter,
    name: &str,
    values: &Values,
    nulls: &[usize],
    text: &Bytes,
    rows: usize,
) -> Result<()> {
    let mut levels = Vec::with_capacity(BATCH_ROWS);
    let mut nulls = nulls.iter().peekable();
    let mut value = 0;
    let mut row = 0;
    while row < rows {
        let end = (row + BATCH_ROWS).min(rows);
        levels.clear();
        levels.resize(end - row, 1i16);
        while let Some(&&null) = nulls.peek() {
            if null >= end {
                break;
            }
            levels[null - row] = 0;
            nulls.next();
        }
        let present = levels.iter().filter(|&&level| level == 1).count();
        let batch = value..value + present;
        let levels = Some(&levels[..]);
        match (&mut *writer, values) {
            (ColumnWriter::Int64ColumnWriter(w), Values::Int64(v)) => {
                w.write_batch(&v[batch.clone()], levels, None)?
            }
            (ColumnWriter::Int32ColumnWriter(w), Values::Int32(v)) => {
                w.write_batch(&v[batch.clone()], levels, None)?
            }
            (ColumnWriter::DoubleColumnWriter(w), Values::Double(v)) => {
                w.write_batch(&v[batch.clone()], levels, None)?
            }
            (ColumnWriter::BoolColumnWriter(w), Values::Bool(v)) => {
                w.write_batch(&v[batch.clone()], levels, None)?
            }
            (ColumnWriter::FixedLenByteArrayColumnWriter(w), Values::Uuid(_)) => {
                let batch: Vec<FixedLenByteArray> = batch
                    .clone()
                    .map(|i| ByteArray::from(text.slice(i * 16..i * 16 + 16)).into())
                    .collect();
                w.write_batch(&batch, levels, None)?
            }
            (ColumnWriter::ByteArrayColumnWriter(w), Values::Text { ends, .. }) => {
                let batch: Vec<ByteArray> = batch
                    .clone()
                    .map(|i| {
                        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
                        ByteArray::from(text.slice(start..ends[i] as usize))
                    })
                    .collect();
                w.write_batch(&batch, levels, None)?
            }
            _ => {
                return Err(ParquetError::General(format!(
                    "column `{name}`: its values do not match its Parquet type"
                )));
            }
        };
        value += present;
        row = end;
    }
    Ok(())
}
