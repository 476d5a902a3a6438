//! `gush records`: named columns, each a template, encoded as CSV (RFC
//! 4180), TSV or JSON Lines.
//!
//! Columns are rendered straight into the chunk and escaped in place, and
//! only when they can need it: a column whose fields and literals can never
//! produce a comma, quote, backslash or control byte is not even scanned.

use std::ops::Range;

use clap::ValueEnum;

use super::escape::{escape_in_place, escape_vec};
use super::out::Out;
use super::sequence::Sequence;
use super::template::{Template, TemplateError};
use super::{Filled, RecordShape, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated, quoted per RFC 4180 where needed, with a header row.
    Csv,
    /// Tab-separated; tab, newline, carriage return and backslash escaped
    /// as `\t`, `\n`, `\r`, `\\`.
    Tsv,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub template: Template,
    /// No rendering can need escaping.
    clean: bool,
    /// A lone numeric or boolean field: a bare JSON value.
    json_scalar: bool,
    /// `"name":`, escaped once.
    json_key: Box<[u8]>,
}

/// A parsed `--schema`: `name=template, name=template, …`.
#[derive(Debug, Clone)]
pub struct Schema {
    pub source: String,
    pub columns: Vec<Column>,
}

impl Schema {
    /// Splits at commas outside braces (`\,` is a literal comma) and
    /// parses each `name=template`. Errors point into the whole schema.
    pub fn parse(source: &str) -> Result<Schema, TemplateError> {
        let error = |span: Range<usize>, message: String| TemplateError {
            template: source.to_string(),
            span,
            message,
        };
        let mut columns: Vec<Column> = Vec::new();
        for Piece {
            text,
            offsets,
            region,
        } in split_columns(source)
        {
            let Some(equals) = text.find('=') else {
                let message = "a column needs a name: write name=template".to_string();
                return Err(error(region, message));
            };
            let raw = &text[..equals];
            let lead = raw.len() - raw.trim_start().len();
            let name = raw.trim();
            if name.is_empty() {
                let at = offsets[equals];
                return Err(error(at..at + 1, "a column name is empty".to_string()));
            }
            // The name's span in the schema, from its first byte to just
            // past its last: whole characters, whatever `\,` removed.
            let name_span = offsets[lead]..offsets[lead + name.len() - 1] + 1;
            if columns.iter().any(|c| c.name == name) {
                return Err(error(name_span, format!("column `{name}` appears twice")));
            }
            let template = Template::parse(&text[equals + 1..]).map_err(|mut err| {
                // Map the span from the column's text back into the schema.
                let base = equals + 1;
                let at = |i: usize| offsets.get(base + i).copied().unwrap_or(source.len());
                err.span = at(err.span.start)..at(err.span.end - 1) + 1;
                err.template = source.to_string();
                err
            })?;
            let json_scalar = template.lone_field().is_some_and(|f| f.is_json_scalar());
            let mut json_key = Vec::new();
            json_key.push(b'"');
            let key_start = json_key.len();
            json_key.extend_from_slice(name.as_bytes());
            escape_vec(&mut json_key, key_start, Format::Jsonl);
            json_key.extend_from_slice(b"\":");
            columns.push(Column {
                name: name.to_string(),
                clean: template.is_clean(),
                json_scalar,
                json_key: json_key.into(),
                template,
            });
        }
        if columns.is_empty() {
            return Err(error(
                0..source.len(),
                "the schema has no columns".to_string(),
            ));
        }
        Ok(Schema {
            source: source.to_string(),
            columns,
        })
    }
}

/// One column of a schema as written: its text with `\,` unescaped and
/// leading space trimmed, the schema offset of each of its bytes, and the
/// part of the schema it came from.
struct Piece {
    text: String,
    offsets: Vec<usize>,
    region: Range<usize>,
}

/// The schema's columns, split at commas outside braces.
fn split_columns(source: &str) -> Vec<Piece> {
    let mut columns = Vec::new();
    let mut region_start = 0;
    let (mut text, mut offsets) = (Vec::new(), Vec::new());
    let mut depth = 0usize;
    let bytes = source.as_bytes();
    let mut at = 0;
    let finish = |columns: &mut Vec<Piece>,
                  text: &mut Vec<u8>,
                  offsets: &mut Vec<usize>,
                  region: Range<usize>| {
        let skip = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let kept = offsets.split_off(skip);
        columns.push(Piece {
            text: String::from_utf8(text.split_off(skip)).expect("split at ASCII bytes"),
            region: kept
                .first()
                .map_or(region.clone(), |&first| first..region.end),
            offsets: kept,
        });
        text.clear();
        offsets.clear();
    };
    while at < bytes.len() {
        match (bytes[at], bytes.get(at + 1)) {
            (b'\\', Some(b',')) => {
                text.push(b',');
                offsets.push(at + 1);
                at += 2;
                continue;
            }
            (b'{', Some(b'{')) | (b'}', Some(b'}')) => {
                text.extend_from_slice(&bytes[at..at + 2]);
                offsets.extend([at, at + 1]);
                at += 2;
                continue;
            }
            (b'{', _) => depth += 1,
            (b'}', _) => depth = depth.saturating_sub(1),
            (b',', _) if depth == 0 => {
                finish(&mut columns, &mut text, &mut offsets, region_start..at);
                at += 1;
                region_start = at;
                continue;
            }
            _ => {}
        }
        text.push(bytes[at]);
        offsets.push(at);
        at += 1;
    }
    if !text.is_empty() || !columns.is_empty() {
        finish(
            &mut columns,
            &mut text,
            &mut offsets,
            region_start..source.len(),
        );
    }
    columns
}

pub struct Records {
    schema: Schema,
    format: Format,
    /// The header row, still to be written before the first record.
    header: Option<Box<[u8]>>,
    sequence: Sequence,
}

impl Records {
    /// `header` is false for `--no-header` and for every shard but the first.
    pub fn new(schema: Schema, format: Format, header: bool, sequence: Sequence) -> Records {
        let header = (header && format != Format::Jsonl).then(|| {
            let mut row = Vec::new();
            for (i, column) in schema.columns.iter().enumerate() {
                if i > 0 {
                    row.push(if format == Format::Csv { b',' } else { b'\t' });
                }
                let start = row.len();
                row.extend_from_slice(column.name.as_bytes());
                match format {
                    Format::Csv => escape_vec(&mut row, start, Format::Csv),
                    _ => escape_vec(&mut row, start, Format::Tsv),
                }
            }
            row.push(b'\n');
            row.into()
        });
        Records {
            schema,
            format,
            header,
            sequence,
        }
    }

    /// Writes one record; `None` if it does not fit.
    #[inline]
    fn write_record(&mut self, out: &mut Out) -> Option<()> {
        let mut ctx = self.sequence.ctx();
        match self.format {
            Format::Csv | Format::Tsv => {
                let separator = if self.format == Format::Csv {
                    b','
                } else {
                    b'\t'
                };
                let row_start = out.len;
                for (i, column) in self.schema.columns.iter().enumerate() {
                    if i > 0 {
                        out.byte(separator)?;
                    }
                    let start = out.len;
                    column.template.write(&mut ctx, out)?;
                    if !column.clean {
                        escape_in_place(out, start, self.format)?;
                    }
                }
                // A lone empty CSV field would be a blank line, which
                // readers skip: write it quoted, as Python's csv does.
                if self.format == Format::Csv
                    && self.schema.columns.len() == 1
                    && out.len == row_start
                {
                    out.put(b"\"\"")?;
                }
            }
            Format::Jsonl => {
                out.byte(b'{')?;
                for (i, column) in self.schema.columns.iter().enumerate() {
                    if i > 0 {
                        out.byte(b',')?;
                    }
                    out.put(&column.json_key)?;
                    if column.json_scalar {
                        column.template.write(&mut ctx, out)?;
                        continue;
                    }
                    out.byte(b'"')?;
                    let start = out.len;
                    column.template.write(&mut ctx, out)?;
                    if !column.clean {
                        escape_in_place(out, start, Format::Jsonl)?;
                    }
                    out.byte(b'"')?;
                }
                out.byte(b'}')?;
            }
        }
        out.byte(b'\n')
    }
}

impl Source for Records {
    fn fill(&mut self, buf: &mut [u8], max_records: u64) -> Filled {
        self.sequence.begin_chunk();
        let mut filled = Filled::default();
        if let Some(header) = &self.header {
            if header.len() > buf.len() {
                return filled;
            }
            buf[..header.len()].copy_from_slice(header);
            filled.bytes = header.len();
        }
        while filled.records < max_records {
            let mut out = Out::new(&mut buf[filled.bytes..]);
            if self.write_record(&mut out).is_none() {
                break;
            }
            filled.bytes += out.len;
            filled.records += 1;
            self.sequence.index += 1;
        }
        // The header goes out with the first record, so it is never written
        // alone into a --size too small for any row.
        if filled.records > 0 {
            self.header = None;
        } else {
            filled.bytes = 0;
        }
        filled
    }

    /// One newline a record: TSV and JSON escape theirs; a CSV value
    /// quoting a newline (rare in generated data) is miscounted here.
    fn record_shape(&self) -> RecordShape {
        RecordShape::Lines { per_record: 1 }
    }

    fn never_runs_dry(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::clock::TimeSource;

    fn render(schema: &str, format: Format, count: u64) -> String {
        let schema = Schema::parse(schema).unwrap();
        let mut records = Records::new(
            schema,
            format,
            true,
            Sequence::new(1, 0, 0, TimeSource::Live),
        );
        let mut buf = vec![0u8; 4096];
        let filled = records.fill(&mut buf, count);
        String::from_utf8(buf[..filled.bytes].to_vec()).unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let out = render(
            r#"id={n}, text={choice:a\,b|say "hi"}, plain=x"#,
            Format::Csv,
            40,
        );
        assert!(out.starts_with("id,text,plain\n"));
        assert!(
            out.contains("\"a,b\"") && out.contains("\"say \"\"hi\"\"\""),
            "{out}"
        );
    }

    #[test]
    fn tsv_escapes_tabs_and_backslashes() {
        let out = render("a={choice:x\ty|back\\slash}", Format::Tsv, 40);
        assert!(
            out.contains("x\\ty") && out.contains("back\\\\slash"),
            "{out}"
        );
    }

    #[test]
    fn jsonl_types_scalars_and_escapes_strings() {
        let out = render(r#"id={n}, ok={bool}, q={choice:"|\\}"#, Format::Jsonl, 3);
        let first = out.lines().next().unwrap();
        assert!(first.starts_with("{\"id\":0,\"ok\":"), "{first}");
        assert!(
            out.contains(r#""q":"\"""#) || out.contains(r#""q":"\\""#),
            "{out}"
        );
    }

    #[test]
    fn schema_errors_point_into_the_schema() {
        let err = Schema::parse("id={n}, name={nope}").unwrap_err();
        assert_eq!(&err.template[err.span.clone()], "{nope}");
        let err = Schema::parse("id={n}, oops").unwrap_err();
        assert!(err.message.contains("name=template"));
        let err = Schema::parse("a={n}, a={n}").unwrap_err();
        assert!(err.message.contains("twice"));
    }
}
