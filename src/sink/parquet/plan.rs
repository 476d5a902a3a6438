//! How each column chunk is encoded: its encoding, whether it tries a
//! dictionary, whether it is compressed. Set from the column's template at
//! the start and learned from each row group written, for the next.
//!
//! The parquet crate's defaults try a dictionary on every column and
//! compress every page. On columns of mostly distinct values (`{n}`,
//! `{email}`, `{username}`) the dictionary is built for the first 1 MiB of
//! values of every row group and then thrown away; on columns that do not
//! compress (dictionary indices of names, `{bool}`), zstd runs for nothing.
//! Measured on the users preset (bench/parquet.md, 2026-12-05): -8.7 % of
//! the instructions and a 12.6 % smaller file together. A counter is
//! written DELTA_BINARY_PACKED: its deltas are all 1, a few bytes a page.
//!
//! What a row group teaches depends only on its values, which are the same
//! whatever the threads, chunk or hwm, so the file stays the same bytes.

use std::sync::Arc;

use parquet::basic::{Compression, Encoding, PageType};
use parquet::column::writer::ColumnCloseResult;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesPtr};

use crate::language::fields::Field;
use crate::language::kind::Kind;
use crate::language::schema::Schema;

/// A chunk compressed to more than this share of its size (in 1/1000) is
/// not worth its codec: later row groups write that column uncompressed.
const WORTH_COMPRESSING: i64 = 980;

/// One column's choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Choice {
    dictionary: bool,
    compressed: bool,
    /// DELTA_BINARY_PACKED rather than PLAIN (with no dictionary).
    delta: bool,
}

/// Every column's choices, and the writer properties they make.
pub struct Plan {
    compression: Compression,
    created_by: String,
    choices: Vec<Choice>,
    /// One per column, remade when its choice changes.
    props: Vec<WriterPropertiesPtr>,
}

impl Plan {
    /// The first row group's choices, from each column's template.
    pub fn new(schema: &Schema, compression: Compression, created_by: String) -> Plan {
        let choices: Vec<Choice> = schema
            .columns
            .iter()
            .map(|column| {
                let kind = Kind::of(&column.template);
                let counter = matches!(
                    column.template.lone_field(),
                    Some(Field::Counter { width: 0 })
                ) && kind == Kind::Int;
                Choice {
                    // Every UUID is new, every counter value too.
                    dictionary: kind != Kind::Uuid && !counter,
                    compressed: compression != Compression::UNCOMPRESSED,
                    delta: counter,
                }
            })
            .collect();
        let props = choices
            .iter()
            .map(|&c| properties(c, compression, &created_by))
            .collect();
        Plan {
            compression,
            created_by,
            choices,
            props,
        }
    }

    /// The properties each column is encoded with, in column order.
    pub fn props(&self) -> &[WriterPropertiesPtr] {
        &self.props
    }

    /// Learns from a row group's column chunk `column`, before it goes
    /// into the file: a dictionary that overflowed (the crate fell back to
    /// PLAIN pages) is not tried again, nor a codec that saved under 2 %.
    pub fn learn(&mut self, column: usize, chunk: &ColumnCloseResult) {
        let Some(choice) = self.choices.get(column).copied() else {
            return;
        };
        let meta = &chunk.metadata;
        let fell_back = meta.dictionary_page_offset().is_some()
            && meta.page_encoding_stats().is_some_and(|stats| {
                stats.iter().any(|s| {
                    matches!(s.page_type, PageType::DATA_PAGE | PageType::DATA_PAGE_V2)
                        && s.encoding == Encoding::PLAIN
                })
            });
        let (compressed, raw) = (meta.compressed_size(), meta.uncompressed_size());
        let not_worth = raw > 0 && compressed * 1000 > raw * WORTH_COMPRESSING;
        let next = Choice {
            dictionary: choice.dictionary && !fell_back,
            compressed: choice.compressed && !not_worth,
            delta: choice.delta,
        };
        if next != choice {
            self.choices[column] = next;
            self.props[column] = properties(next, self.compression, &self.created_by);
        }
    }
}

/// The file's own properties: the codec, page statistics, who wrote it.
pub fn file_properties(compression: Compression, created_by: &str) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(compression)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_created_by(created_by.to_string())
        .build()
}

/// A column's properties: the file's, with its own choices as defaults
/// (each column writer is given its own, so no path is named).
fn properties(choice: Choice, compression: Compression, created_by: &str) -> WriterPropertiesPtr {
    let mut builder = WriterProperties::builder()
        .set_compression(match choice.compressed {
            true => compression,
            false => Compression::UNCOMPRESSED,
        })
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_created_by(created_by.to_string())
        .set_dictionary_enabled(choice.dictionary);
    if choice.delta {
        builder = builder.set_encoding(Encoding::DELTA_BINARY_PACKED);
    }
    Arc::new(builder.build())
}
