//! `gush records`: named columns, each a template, encoded as CSV (RFC
//! 4180), TSV or JSON Lines.
//!
//! Columns are rendered straight into the chunk and escaped in place, and
//! only when they can need it: a column whose fields and literals can never
//! produce a comma, quote, backslash or control byte is not even scanned.

use std::ops::Range;

use clap::ValueEnum;

use super::fields::{Out, Sequence};
use super::template::{Template, TemplateError};
use super::{Filled, Source};

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
            escape_json(&mut json_key, key_start);
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
                    Format::Csv => quote_csv(&mut row, start),
                    _ => escape_tsv(&mut row, start),
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

    fn record_terminator(&self) -> Option<u8> {
        Some(b'\n')
    }

    fn record_noun(&self) -> &'static str {
        "records"
    }
}

/// Escapes the bytes written since `start` as `format` requires, growing
/// them in place; `None` if the grown text does not fit.
fn escape_in_place(out: &mut Out, start: usize, format: Format) -> Option<()> {
    let end = out.len;
    let text = &out.bytes_mut()[start..end];
    let extra: usize = match format {
        Format::Csv
            if !text
                .iter()
                .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) =>
        {
            return Some(());
        }
        Format::Csv => 2 + text.iter().filter(|&&b| b == b'"').count(),
        Format::Tsv => text
            .iter()
            .filter(|&&b| matches!(b, b'\t' | b'\n' | b'\r' | b'\\'))
            .count(),
        Format::Jsonl => text
            .iter()
            .map(|&b| json_escape(b).len().saturating_sub(1))
            .sum(),
    };
    if extra == 0 {
        return Some(());
    }
    out.reserve(extra)?;
    let buf = out.bytes_mut();
    // Walk backwards so each byte moves once, into space already free.
    let mut to = end + extra;
    if format == Format::Csv {
        to -= 1;
        buf[to] = b'"';
    }
    for from in (start..end).rev() {
        let byte = buf[from];
        let escaped: &[u8] = match format {
            Format::Csv if byte == b'"' => b"\"\"",
            Format::Csv => &[byte],
            Format::Tsv => tsv_escape(byte),
            Format::Jsonl => &json_escape(byte),
        };
        to -= escaped.len();
        buf[to..to + escaped.len()].copy_from_slice(escaped);
    }
    if format == Format::Csv {
        buf[start] = b'"';
    }
    Some(())
}

fn tsv_escape(byte: u8) -> &'static [u8] {
    match byte {
        b'\t' => b"\\t",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\\' => b"\\\\",
        _ => &BYTES[byte as usize..byte as usize + 1],
    }
}

/// Every byte value, so a byte can be returned as a `'static` slice.
static BYTES: [u8; 256] = {
    let mut all = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        all[i] = i as u8;
        i += 1;
    }
    all
};

/// A byte as JSON string text (RFC 8259 §7): short escapes where JSON has
/// them, `\u00XX` for other control bytes.
fn json_escape(byte: u8) -> JsonEscape {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let (bytes, len): ([u8; 6], usize) = match byte {
        b'"' => (*b"\\\"    ", 2),
        b'\\' => (*b"\\\\    ", 2),
        b'\n' => (*b"\\n    ", 2),
        b'\r' => (*b"\\r    ", 2),
        b'\t' => (*b"\\t    ", 2),
        0x08 => (*b"\\b    ", 2),
        0x0c => (*b"\\f    ", 2),
        0..0x20 => (
            [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(byte >> 4) as usize],
                HEX[(byte & 15) as usize],
            ],
            6,
        ),
        _ => ([byte, 0, 0, 0, 0, 0], 1),
    };
    JsonEscape { bytes, len }
}

struct JsonEscape {
    bytes: [u8; 6],
    len: usize,
}

impl JsonEscape {
    fn len(&self) -> usize {
        self.len
    }
}

impl std::ops::Deref for JsonEscape {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The escapers for header cells and keys, which are built once.
fn quote_csv(row: &mut Vec<u8>, start: usize) {
    escape_vec(row, start, Format::Csv);
}

fn escape_tsv(row: &mut Vec<u8>, start: usize) {
    escape_vec(row, start, Format::Tsv);
}

fn escape_json(row: &mut Vec<u8>, start: usize) {
    escape_vec(row, start, Format::Jsonl);
}

fn escape_vec(row: &mut Vec<u8>, start: usize, format: Format) {
    let text = row.split_off(start);
    let mut buf = vec![0u8; text.len() * 6 + 2];
    buf[..text.len()].copy_from_slice(&text);
    let mut out = Out::new(&mut buf);
    out.len = text.len();
    escape_in_place(&mut out, 0, format).expect("room for the worst case");
    let len = out.len;
    row.extend_from_slice(&buf[..len]);
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
