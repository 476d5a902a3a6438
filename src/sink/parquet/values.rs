//! A row group's values as they are gathered: one buffer per column, each
//! value parsed from the text the generator framed (`language/framed.rs`)
//! into its column's type as it arrives, so the sink holds numbers, not
//! their text, until the row group is encoded.
//!
//! The parsers read exactly what the language's fields write (`{float}`
//! always has its D digits, `{ts}` its fixed layout): a value that does not
//! parse means the kind was inferred wrongly, and fails the run with the
//! value shown rather than writing something else.

use std::io;

use crate::language::clock::TsFormat;
use crate::language::kind::Kind;

/// How a column stores its values: the Parquet physical type's buffer.
#[derive(Debug)]
pub enum Values {
    /// INT64: integers, decimals (scaled), timestamps (ms).
    Int64(Vec<i64>),
    /// INT32: dates (days since the epoch).
    Int32(Vec<i32>),
    /// DOUBLE: `{float}` under `--parquet-float double`.
    Double(Vec<f64>),
    Bool(Vec<bool>),
    /// FIXED_LEN_BYTE_ARRAY(16): UUIDs, back to back.
    Uuid(Vec<u8>),
    /// BYTE_ARRAY: text, back to back, with where each value ends. The
    /// ends are 32-bit: half the memory of `usize`, whose pages are
    /// zeroed afresh for every row group (lineitem: five text columns, 20
    /// bytes a row of ~160; bench/lineitem.md). A column's text in one
    /// row group past 4 GiB is refused in `push`.
    Text {
        bytes: Vec<u8>,
        ends: Vec<u32>,
    },
}

/// One column of the row group being gathered.
#[derive(Debug)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub values: Values,
    /// Rows of this row group that are null, in order (no value is kept
    /// for them).
    pub nulls: Vec<usize>,
}

impl Column {
    pub fn new(name: &str, kind: Kind, as_double: bool) -> Column {
        let values = match kind {
            Kind::Int | Kind::Timestamp(_) => Values::Int64(Vec::new()),
            Kind::Decimal { .. } if as_double => Values::Double(Vec::new()),
            Kind::Decimal { .. } => Values::Int64(Vec::new()),
            Kind::Date => Values::Int32(Vec::new()),
            Kind::Bool => Values::Bool(Vec::new()),
            Kind::Uuid => Values::Uuid(Vec::new()),
            Kind::Text => Values::Text {
                bytes: Vec::new(),
                ends: Vec::new(),
            },
        };
        Column {
            name: name.to_string(),
            kind,
            values,
            nulls: Vec::new(),
        }
    }

    /// Adds row `row`'s value, or a null; returns the bytes it now holds
    /// more.
    #[inline]
    pub fn push(&mut self, row: usize, text: Option<&[u8]>) -> io::Result<usize> {
        let Some(text) = text else {
            self.nulls.push(row);
            return Ok(size_of::<usize>());
        };
        let bad = || not_a(&self.name, self.kind, text);
        Ok(match &mut self.values {
            Values::Int64(values) => {
                let value = match self.kind {
                    Kind::Decimal { digits, .. } => parse_scaled(text, digits),
                    Kind::Timestamp(format) => parse_instant_ms(text, format),
                    _ => parse_int(text),
                };
                values.push(value.ok_or_else(bad)?);
                8
            }
            Values::Double(values) => {
                let Kind::Decimal { digits, .. } = self.kind else {
                    unreachable!("only decimals are kept as doubles")
                };
                // Both operands are exact (|scaled| < 2^53), and IEEE
                // division rounds once: the double nearest the decimal,
                // which is what parsing the CSV's text gives.
                let scaled = parse_scaled(text, digits).ok_or_else(bad)?;
                values.push(scaled as f64 / 10f64.powi(digits as i32));
                8
            }
            Values::Int32(values) => {
                values.push(parse_date(text).ok_or_else(bad)?);
                4
            }
            Values::Bool(values) => {
                values.push(match text {
                    b"true" => true,
                    b"false" => false,
                    _ => return Err(bad()),
                });
                1
            }
            Values::Uuid(bytes) => {
                parse_uuid(text, bytes).ok_or_else(bad)?;
                16
            }
            Values::Text { bytes, ends } => {
                bytes.extend_from_slice(text);
                let end = u32::try_from(bytes.len()).map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "column `{}`: over 4 GiB of text in one row group; give a smaller --row-group",
                            self.name
                        ),
                    )
                })?;
                ends.push(end);
                // Counted as before the ends were 32-bit, so `--row-group`
                // cuts where it did and the files are the same bytes.
                text.len() + size_of::<usize>()
            }
        })
    }

    /// Hands the row group's values and nulls over to be encoded, leaving
    /// the column empty, with room for `rows` more rows like those it held
    /// (`None`: no room made). Taking rather than clearing lets each
    /// column's memory go as soon as it is encoded.
    pub fn take(&mut self, rows: Option<usize>) -> (Values, Vec<usize>) {
        let fresh = self.empty_like(rows);
        (
            std::mem::replace(&mut self.values, fresh),
            std::mem::take(&mut self.nulls),
        )
    }

    /// Makes room for `rows` rows in all, like those held so far, so that
    /// the buffers do not double past the row group they are to hold.
    pub fn reserve_rows(&mut self, rows: usize) {
        let more = self.empty_like(Some(rows));
        let grow = |len: usize, cap: usize| cap.saturating_sub(len);
        match (&mut self.values, more) {
            (Values::Int64(v), Values::Int64(m)) => v.reserve(grow(v.len(), m.capacity())),
            (Values::Int32(v), Values::Int32(m)) => v.reserve(grow(v.len(), m.capacity())),
            (Values::Double(v), Values::Double(m)) => v.reserve(grow(v.len(), m.capacity())),
            (Values::Bool(v), Values::Bool(m)) => v.reserve(grow(v.len(), m.capacity())),
            (Values::Uuid(v), Values::Uuid(m)) => v.reserve(grow(v.len(), m.capacity())),
            (Values::Text { bytes, ends }, Values::Text { bytes: b, ends: e }) => {
                bytes.reserve(grow(bytes.len(), b.capacity()));
                ends.reserve(grow(ends.len(), e.capacity()));
            }
            _ => unreachable!("the same kind"),
        }
    }

    /// Empty buffers of this column's type, sized for `rows` rows like
    /// those held now (a twentieth more, for the spread of text lengths).
    fn empty_like(&self, rows: Option<usize>) -> Values {
        let held = self.len().max(1);
        let rows = rows.map_or(0, |rows| rows + rows / 20);
        let per_row = |bytes: usize| bytes.div_ceil(held) * rows;
        match &self.values {
            Values::Int64(_) => Values::Int64(Vec::with_capacity(rows)),
            Values::Int32(_) => Values::Int32(Vec::with_capacity(rows)),
            Values::Double(_) => Values::Double(Vec::with_capacity(rows)),
            Values::Bool(_) => Values::Bool(Vec::with_capacity(rows)),
            Values::Uuid(_) => Values::Uuid(Vec::with_capacity(rows * 16)),
            Values::Text { bytes, .. } => Values::Text {
                bytes: Vec::with_capacity(per_row(bytes.len())),
                ends: Vec::with_capacity(rows),
            },
        }
    }

    /// Values held (nulls not counted).
    fn len(&self) -> usize {
        match &self.values {
            Values::Int64(v) => v.len(),
            Values::Int32(v) => v.len(),
            Values::Double(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Uuid(v) => v.len() / 16,
            Values::Text { ends, .. } => ends.len(),
        }
    }
}

fn not_a(column: &str, kind: Kind, text: &[u8]) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "column `{column}`: `{}` is not the {kind:?} its template promised; \
             report this, and write the column as text meanwhile (put a literal beside the field)",
            String::from_utf8_lossy(text)
        ),
    )
}

/// `-?[0-9]+`, within an i64.
#[inline]
pub fn parse_int(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &b in digits {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        magnitude = magnitude.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    match negative {
        true => 0i64.checked_sub_unsigned(magnitude),
        false => i64::try_from(magnitude).ok(),
    }
}

/// `{float}`'s `-?I.F` with exactly `digits` digits of F, as the integer
/// count of 10^-digits it was drawn as.
#[inline]
pub fn parse_scaled(text: &[u8], digits: u32) -> Option<i64> {
    if digits == 0 {
        return parse_int(text);
    }
    let point = text.len().checked_sub(digits as usize + 1)?;
    if text[point] != b'.' {
        return None;
    }
    let whole = parse_int(&text[..point])?;
    let fraction = parse_int(&text[point + 1..])?;
    if text[point + 1] == b'-' {
        return None;
    }
    let scaled = whole.checked_mul(10i64.pow(digits))?;
    // `-0.50` is negative with a whole part of zero: the sign is the text's.
    match text[0] == b'-' {
        true => scaled.checked_sub(fraction),
        false => scaled.checked_add(fraction),
    }
}

/// An instant as `{ts}` writes it in `format`, in ms since the epoch.
#[inline]
pub fn parse_instant_ms(text: &[u8], format: TsFormat) -> Option<i64> {
    match format {
        TsFormat::Unix => parse_int(text)?.checked_mul(1000),
        TsFormat::UnixMs => parse_int(text),
        // `YYYY-MM-DDTHH:MM:SSZ`, or `….mmmZ`.
        _ => {
            let (date, rest) = text.split_at_checked(10)?;
            let days = i64::from(parse_date(date)?);
            let time = rest.strip_prefix(b"T")?;
            let (hms, rest) = time.split_at_checked(8)?;
            let seconds = parse_hms(hms)?;
            let ms = match rest {
                b"Z" => 0,
                [b'.', ms @ .., b'Z'] if ms.len() == 3 => parse_int(ms)?,
                _ => return None,
            };
            Some((days * 86_400 + seconds) * 1000 + ms)
        }
    }
}

/// `HH:MM:SS` in seconds.
fn parse_hms(text: &[u8]) -> Option<i64> {
    match text {
        [h1, h0, b':', m1, m0, b':', s1, s0] => {
            let two = |a: u8, b: u8| Some(i64::from(digit(a)? * 10 + digit(b)?));
            Some(two(*h1, *h0)? * 3600 + two(*m1, *m0)? * 60 + two(*s1, *s0)?)
        }
        _ => None,
    }
}

fn digit(b: u8) -> Option<u8> {
    let d = b.wrapping_sub(b'0');
    (d <= 9).then_some(d)
}

/// `YYYY-MM-DD` in days since 1970-01-01 (proleptic Gregorian).
#[inline]
pub fn parse_date(text: &[u8]) -> Option<i32> {
    match text {
        [y3, y2, y1, y0, b'-', m1, m0, b'-', d1, d0] => {
            let year = parse_int(&[*y3, *y2, *y1, *y0])?;
            let month = u32::from(digit(*m1)? * 10 + digit(*m0)?);
            let day = u32::from(digit(*d1)? * 10 + digit(*d0)?);
            if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                return None;
            }
            i32::try_from(days_from_civil(year, month, day)).ok()
        }
        _ => None,
    }
}

/// Days from 1970-01-01 to a civil date: Howard Hinnant's
/// `days_from_civil` (chrono-compatible algorithms, 2013).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `8-4-4-4-12` hex digits, appended to `bytes` as 16 bytes.
#[inline]
fn parse_uuid(text: &[u8], bytes: &mut Vec<u8>) -> Option<()> {
    if text.len() != 36 || [8, 13, 18, 23].iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = text.iter().filter(|&&b| b != b'-');
    for byte in &mut out {
        let high = hex(*nibbles.next()?)?;
        let low = hex(*nibbles.next()?)?;
        *byte = high << 4 | low;
    }
    bytes.extend_from_slice(&out);
    Some(())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_as_written() {
        assert_eq!(parse_int(b"-42"), Some(-42));
        assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int(b"9223372036854775808"), None);
        assert_eq!(parse_int(b"-"), None);
        assert_eq!(parse_scaled(b"-0.05", 2), Some(-5));
        assert_eq!(parse_scaled(b"12.30", 2), Some(1230));
        assert_eq!(parse_scaled(b"12.3", 2), None);
        assert_eq!(parse_scaled(b"7", 0), Some(7));
    }

    #[test]
    fn instants_and_dates_parse() {
        assert_eq!(parse_date(b"1970-01-01"), Some(0));
        assert_eq!(parse_date(b"2026-01-01"), Some(20_454));
        assert_eq!(parse_date(b"1969-12-31"), Some(-1));
        let rfc = TsFormat::Rfc3339;
        assert_eq!(
            parse_instant_ms(b"2026-01-01T00:00:01Z", rfc),
            Some(1_767_225_601_000)
        );
        assert_eq!(
            parse_instant_ms(b"2026-01-01T00:00:01.250Z", TsFormat::Rfc3339Ms),
            Some(1_767_225_601_250)
        );
        assert_eq!(parse_instant_ms(b"12", TsFormat::Unix), Some(12_000));
    }

    #[test]
    fn uuids_parse_to_their_bytes() {
        let mut bytes = Vec::new();
        parse_uuid(b"00112233-4455-6677-8899-aabbccddeeff", &mut bytes).unwrap();
        assert_eq!(bytes, (0..16).map(|i| i * 0x11).collect::<Vec<u8>>());
        assert!(parse_uuid(b"00112233-4455-6677-8899-aabbccddeefg", &mut bytes).is_none());
    }
}
