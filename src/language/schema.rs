//! `--schema`: named columns, each a template, as `name=template, …`.
//!
//! Parsing a schema is part of the language (it splits at commas outside
//! braces and points errors into the whole text); encoding its records as
//! CSV, TSV or JSON Lines is the records source's job (`source/record.rs`).
//!
//! A schema is also where columns meet: a field may derive from an earlier
//! column (`commitdate={date:@shipdate+1..30}`), which gives that column a
//! slot to keep its value in per record, and a column may be null at a rate
//! (`discount={float:0..0.1:2}?5%`). How a null is written is the output
//! format's decision (`Format::null`).

use std::ops::Range;

use super::escape::{Format, escape_vec};
use super::fields::{Base, Fast, Field};
use super::seeded::mix;
use super::sequence::SLOTS;
use super::template::{Template, TemplateError};

mod write;

pub use write::Cell;

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub template: Template,
    /// No rendering can need escaping.
    pub clean: bool,
    /// A lone numeric or boolean field: a bare JSON value.
    pub json_scalar: bool,
    /// `"name":`, escaped once.
    pub json_key: Box<[u8]>,
    /// `?RATE%` after the column's last field.
    pub null_rate: Option<NullRate>,
    /// Where this column keeps its value for later columns that derive
    /// from it, if any do.
    pub slot: Option<u8>,
    /// The slots this column derives from: a bit each. It is null in a
    /// record where any of them is (as NULL + 1 is NULL in SQL).
    pub derives_from: u16,
    /// Hashed with the record's key to decide this column's nulls.
    null_key: u64,
    /// No nulls and no slot: written as its template alone.
    plain: bool,
    /// The column's lone field compiled for [`Column::write_fast`].
    fast: Fast,
}

/// A column's share of nulls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NullRate {
    pub percent: f64,
    /// Null when the top 32 bits of the (record, column) hash fall below
    /// this: rate × 2^32, so 100 % is 2^32 and every record.
    threshold: u64,
}

impl Column {
    /// Whether some records of this column can be null: by its own rate or
    /// through a column it derives from. A typed writer (Parquet) makes
    /// such a column optional.
    pub fn is_nullable(&self) -> bool {
        self.null_rate.is_some() || self.derives_from != 0
    }
}

/// Splits `?RATE%` off a column's template when it follows a field's
/// closing brace (a lone `}`, not a literal `}}`), as in
/// `{float:0..0.1:2}?5%`; literal text ending in `?5%` stays literal.
fn split_null_rate(text: &str) -> Result<(&str, Option<NullRate>), String> {
    let trimmed = text.trim_end();
    let Some((template, rate)) = trimmed
        .strip_suffix('%')
        .and_then(|body| body.rsplit_once('?'))
    else {
        return Ok((text, None));
    };
    let closing = template.len() - template.trim_end_matches('}').len();
    if closing != 1 || rate.is_empty() || !rate.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Ok((text, None));
    }
    let percent: f64 = rate
        .parse()
        .map_err(|_| format!("`{rate}%` is not a share of nulls; write one such as ?5%"))?;
    if !(0.0..=100.0).contains(&percent) {
        return Err(format!(
            "a null rate of {rate}% is out of range: use 0 to 100%"
        ));
    }
    let threshold = (percent / 100.0 * 4_294_967_296.0).round() as u64;
    Ok((template, Some(NullRate { percent, threshold })))
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
        let pieces = split_columns(source);
        // Every name, to tell a column named later from one never named.
        let names: Vec<&str> = pieces
            .iter()
            .map(|piece| {
                piece
                    .text
                    .split_once('=')
                    .map_or("", |(name, _)| name.trim())
            })
            .collect();
        let mut slots_used = 0;
        for (
            index,
            Piece {
                text,
                offsets,
                region,
            },
        ) in pieces.iter().enumerate()
        {
            let Some(equals) = text.find('=') else {
                let message = "a column needs a name: write name=template".to_string();
                return Err(error(region.clone(), message));
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
            let base = equals + 1;
            let at = |i: usize| offsets.get(base + i).copied().unwrap_or(source.len());
            let (template_text, null_rate) = split_null_rate(&text[base..])
                .map_err(|message| error(at(0)..at(text.len() - base - 1) + 1, message))?;
            let mut derives_from = 0u16;
            let mut resolve = |name: &str| -> Result<Base, String> {
                let Some(earlier) = columns.iter_mut().find(|c| c.name == name) else {
                    return Err(match names.contains(&name) {
                        true => format!(
                            "column `{name}` is not before this one; a column can derive only from earlier columns"
                        ),
                        false => format!("unknown column `{name}`; columns: {}", names.join(", ")),
                    });
                };
                let unit = earlier
                    .template
                    .lone_field()
                    .and_then(Field::unit)
                    .ok_or_else(|| {
                        format!(
                            "column `{name}` is not a lone number, date or time field, so nothing can derive from it"
                        )
                    })?;
                let slot = match earlier.slot {
                    Some(slot) => slot,
                    None if slots_used == SLOTS => {
                        return Err(format!(
                            "more than {SLOTS} columns are derived from; derive from fewer"
                        ));
                    }
                    None => {
                        slots_used += 1;
                        *earlier.slot.insert(slots_used as u8 - 1)
                    }
                };
                derives_from |= 1 << slot;
                Ok(Base { slot, unit })
            };
            let template =
                Template::parse_with(template_text, &mut resolve).map_err(|mut err| {
                    // Map the span from the column's text back into the schema.
                    err.span = at(err.span.start)..at(err.span.end - 1) + 1;
                    err.template = source.to_string();
                    err
                })?;
            let json_scalar = template.lone_field().is_some_and(|f| f.is_json_scalar());
            let fast = Fast::of(template.lone_field());
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
                null_rate,
                slot: None,
                derives_from,
                null_key: mix(index as u64 ^ 0x6a09_e667_f3bc_c909),
                plain: true,
                fast,
            });
        }
        // The days each date column can write, by slot, so a date derived
        // from it knows its own (`Fast::lay_out_days`).
        let mut day_ranges: [Option<(i64, i64)>; SLOTS] = [None; SLOTS];
        for column in &mut columns {
            column.plain = column.slot.is_none() && !column.is_nullable();
            let base = column
                .fast
                .date_base_slot()
                .and_then(|slot| day_ranges.get(slot).copied().flatten());
            let range = column.fast.lay_out_days(base);
            if let Some(slot) = column.slot {
                day_ranges[slot as usize] = range;
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::clock::TimeSource;
    use crate::language::out::Out;
    use crate::language::sequence::Sequence;

    #[test]
    fn a_null_rate_follows_a_field_only() {
        let schema = Schema::parse("a={n}?5%, b=why?5%, c={{n}}?5%, d={n}?12.5% ").unwrap();
        let rates: Vec<Option<f64>> = schema
            .columns
            .iter()
            .map(|c| c.null_rate.map(|r| r.percent))
            .collect();
        assert_eq!(rates, [Some(5.0), None, None, Some(12.5)]);
        assert!(schema.columns[0].is_nullable() && !schema.columns[1].is_nullable());
        assert!(
            Schema::parse("a={n}?101%")
                .unwrap_err()
                .message
                .contains("0 to 100%")
        );
    }

    #[test]
    fn rates_of_none_and_all_are_exact() {
        let schema = Schema::parse("a={n}?0%, b={n}?100%, c={int:@a+1..1}").unwrap();
        let mut sequence = Sequence::new(1, 0, 0, TimeSource::Live);
        let mut buf = [0u8; 64];
        for index in 0..1000 {
            sequence.index = index;
            let mut ctx = sequence.ctx();
            let mut cells = schema.columns.iter().map(|column| {
                let mut out = Out::new(&mut buf);
                column.write(&mut ctx, &mut out).unwrap()
            });
            assert_eq!(cells.next(), Some(Cell::Value));
            assert_eq!(cells.next(), Some(Cell::Null));
            assert_eq!(cells.next(), Some(Cell::Value));
        }
        // Only `a` is referred to, so only it has a slot.
        let slots: Vec<Option<u8>> = schema.columns.iter().map(|c| c.slot).collect();
        assert_eq!(slots, [Some(0), None, None]);
        assert!(schema.columns[2].is_nullable());
    }
}
