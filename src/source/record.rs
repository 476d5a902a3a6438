//! `gush records`: named columns, each a template, encoded as CSV (RFC
//! 4180), TSV or JSON Lines.
//!
//! Columns are rendered straight into the chunk and escaped in place, and
//! only when they can need it: a column whose fields and literals can never
//! produce a comma, quote, backslash or control byte is not even scanned.

use super::{Filled, Position, RecordShape, Source};
use crate::language::escape::{Format, escape_in_place, escape_vec};
use crate::language::framed;
use crate::language::out::Out;
use crate::language::schema::{Cell, Schema};
use crate::language::sequence::Sequence;

pub struct Records {
    schema: Schema,
    format: Format,
    /// The header row, if the run has one.
    header: Option<Box<[u8]>>,
    /// Whether the header is still to be written before the next record:
    /// only ever before record 0.
    header_due: bool,
    sequence: Sequence,
    /// Whether some field writes the record's person, so it is looked up.
    person: bool,
}

impl Records {
    /// `header` is false for `--no-header` and for every shard but the first.
    pub fn new(schema: Schema, format: Format, header: bool, sequence: Sequence) -> Records {
        let header = (header && matches!(format, Format::Csv | Format::Tsv))
            .then(|| header_row(&schema, format).into());
        Records {
            person: schema.columns.iter().any(|column| column.uses_person()),
            schema,
            format,
            header_due: header.is_some(),
            header,
            sequence,
        }
    }

    /// Writes one record at the start of `buf` and returns its length;
    /// `None` if it does not fit. The [`Out`] is this function's own and
    /// is handed to nothing out of line (`Out::rest`, [`escape_from`]),
    /// so its length stays in a register for the whole record.
    #[inline]
    fn write_record(&mut self, buf: &mut [u8]) -> Option<usize> {
        let mut out = Out::new(buf);
        let out = &mut out;
        let mut ctx = self.sequence.ctx_with(self.person);
        // The record's random state, held here and not in `ctx` so that it
        // stays in a register across the columns (`Column::write_fast`).
        let mut rng = ctx.rng.clone();
        match self.format {
            Format::Csv | Format::Tsv => {
                let separator = if self.format == Format::Csv {
                    b','
                } else {
                    b'\t'
                };
                let row_start = out.len;
                // Each column is followed by the separator, and the last
                // one taken back: no test for the first column in the loop
                // (a schema has a column at least: parsing refuses none).
                for column in self.schema.columns.iter() {
                    let start = out.len;
                    if column.write_fast(&mut rng, &mut ctx, out)? == Cell::Null {
                        out.len = start;
                        out.put(self.format.null())?;
                    } else if !column.clean {
                        escape_from(out, start, self.format)?;
                    }
                    out.byte(separator)?;
                }
                out.len -= 1;
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
                    let cell_start = out.len;
                    if !column.json_scalar {
                        out.byte(b'"')?;
                    }
                    let start = out.len;
                    if column.write_fast(&mut rng, &mut ctx, out)? == Cell::Null {
                        out.len = cell_start;
                        out.put(Format::Jsonl.null())?;
                        continue;
                    }
                    if column.json_scalar {
                        continue;
                    }
                    if !column.clean {
                        escape_from(out, start, Format::Jsonl)?;
                    }
                    out.byte(b'"')?;
                }
                out.byte(b'}')?;
            }
            Format::Parquet => {
                // Length-framed for the Parquet sink, with no newline: a
                // null (`?PCT`) is `framed::write_null` in a column's place.
                for column in &self.schema.columns {
                    let at = out.len;
                    let mut cell = Cell::Value;
                    framed::write_field(out, |out| {
                        cell = column.write_fast(&mut rng, &mut ctx, out)?;
                        Some(())
                    })?;
                    if cell == Cell::Null {
                        out.len = at;
                        framed::write_null(out)?;
                    }
                }
                return Some(out.len);
            }
        }
        out.byte(b'\n')?;
        Some(out.len)
    }
}

/// Escapes what was written from `start` on ([`escape_in_place`]) through
/// an [`Out`] of its own, so that the caller's does not leave its register.
#[inline(always)]
fn escape_from(out: &mut Out, start: usize, format: Format) -> Option<()> {
    let written = out.len - start;
    let mut tail = Out::new(&mut out.bytes_mut()[start..]);
    tail.len = written;
    escape_in_place(&mut tail, 0, format)?;
    out.len = start + tail.len;
    Some(())
}

/// The header row of `schema` in CSV or TSV, newline included: the
/// column names, escaped as values are. A series of files puts it at the
/// start of each file.
pub fn header_row(schema: &Schema, format: Format) -> Vec<u8> {
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
    row
}

impl Source for Records {
    fn fill(&mut self, buf: &mut [u8], max_records: u64) -> Filled {
        self.sequence.begin_chunk();
        let mut filled = Filled::default();
        if let Some(header) = self.header.as_ref().filter(|_| self.header_due) {
            if header.len() > buf.len() {
                return filled;
            }
            buf[..header.len()].copy_from_slice(header);
            filled.bytes = header.len();
        }
        while filled.records < max_records {
            let Some(len) = self.write_record(&mut buf[filled.bytes..]) else {
                break;
            };
            filled.bytes += len;
            filled.records += 1;
            self.sequence.index += 1;
        }
        // The header goes out with the first record, so it is never written
        // alone into a --size too small for any row.
        if filled.records > 0 {
            self.header_due = false;
        } else {
            filled.bytes = 0;
        }
        filled
    }

    /// One newline a record: TSV and JSON escape theirs; a CSV value
    /// quoting a newline (rare in generated data) is miscounted here.
    fn record_shape(&self) -> RecordShape {
        match self.format {
            // Framed records have no newline; a torn Parquet chunk is
            // never counted (the file is unusable without its footer).
            Format::Parquet => RecordShape::Unknown,
            _ => RecordShape::Lines { per_record: 1 },
        }
    }

    fn never_runs_dry(&self) -> bool {
        true
    }

    fn position(&self) -> Option<Position> {
        Some(Position::record(self.sequence.index))
    }

    fn seek(&mut self, at: u64) {
        self.sequence.index = at;
        // A source made for a run that starts at record 0 has the header;
        // it goes out before record 0 and nowhere else.
        self.header_due = self.header.is_some() && at == 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::clock::TimeSource;

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

    /// The record loop's compiled columns (`Column::write_fast`) against
    /// the template path (`Column::write`), encoded here the plain way:
    /// the same cells, byte for byte, nulls and escapes included.
    #[test]
    fn compiled_columns_write_what_their_templates_do() {
        let schemas = [
            crate::source::presets::find("lineitem").unwrap().text(),
            "on={bool}?30%, first={first}, last={last}, both={first} {last}, mail={email}, \
             user={username}, age={int:18..90}, ln={lognormal:0:2:9}",
            "id={n}, w={n:06}, a={int:-1000000..1000000}?10%, b={int:@a+-5..5}, \
             f={float:-5..5:3}, g={float:@f+0..1:4}?50%, h={float:0..99999:0}, \
             v={float:-0.5..0.5:9}, big={int:-9223372036854775807..9223372036854775806}, \
             d={date:0000-01-01..0000-03-01}?20%, d2={date:@d+-30..5}, \
             e={date:9999-12-01..9999-12-31}, e2={date:@e+0..40}, \
             wide={date:1900-01-01..2100-12-31}, wide2={date:@wide+-400..400}, \
             t={ts:2026-01-01T00:00:00Z..2026-02-01T00:00:00Z:unix_ms}, t2={ts:@t+1s..2h}, \
             z={zipf:1000:1.1}, nrm={normal:0:100:1}, ex={exp:3:0}, w3={words:3}, \
             c={choice:a\\,b|say \"hi\"|x*5}, long={choice:a much longer option than 32 bytes|b}, \
             many={choice:a*40|b*40}, lit=pre {int:1..9} post, e-mail={email}, u={uuid}",
        ];
        let count = 3000;
        for schema in schemas {
            for format in [Format::Csv, Format::Tsv, Format::Jsonl] {
                let parsed = Schema::parse(schema).unwrap();
                let mut records = Records::new(
                    parsed.clone(),
                    format,
                    false,
                    Sequence::new(5, 0, 0, TimeSource::Live),
                );
                let mut fast = vec![0u8; 4 << 20];
                let filled = records.fill(&mut fast, count);
                assert_eq!(filled.records, count);
                let mut sequence = Sequence::new(5, 0, 0, TimeSource::Live);
                let mut expected = Vec::new();
                let mut cell = [0u8; 4096];
                for index in 0..count {
                    sequence.index = index;
                    let mut ctx = sequence.ctx();
                    let mut cells = Vec::new();
                    for column in &parsed.columns {
                        let mut out = Out::new(&mut cell);
                        let written = column.write(&mut ctx, &mut out).unwrap();
                        let len = out.len;
                        let mut text = cell[..len].to_vec();
                        cells.push(match written {
                            Cell::Null => format.null().to_vec(),
                            Cell::Value if format == Format::Jsonl && column.json_scalar => text,
                            Cell::Value => {
                                escape_vec(&mut text, 0, format);
                                match format {
                                    Format::Jsonl => [&b"\""[..], &text, b"\""].concat(),
                                    _ => text,
                                }
                            }
                        });
                    }
                    if format == Format::Jsonl {
                        expected.push(b'{');
                        for (i, (column, cell)) in parsed.columns.iter().zip(&cells).enumerate() {
                            if i > 0 {
                                expected.push(b',');
                            }
                            expected.extend_from_slice(&column.json_key);
                            expected.extend_from_slice(cell);
                        }
                        expected.extend_from_slice(b"}\n");
                    } else {
                        let separator: &[u8] = if format == Format::Csv { b"," } else { b"\t" };
                        expected.extend_from_slice(&cells.join(separator));
                        expected.push(b'\n');
                    }
                }
                assert!(
                    fast[..filled.bytes] == expected[..],
                    "{format:?} of `{schema}` differs"
                );
            }
        }
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
