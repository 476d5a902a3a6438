//! What kind of value a column holds, read off its template: a lone `{n}`
//! or `{int}` is an integer, `{float:..:D}` a decimal with D digits, and so
//! on; anything with literal text around a field, or more than one field,
//! is text. A typed writer (Parquet) stores each kind as its own type; the
//! text formats ignore it.
//!
//! It lives in the language because only the language knows what text a
//! field can make: the kind promises that every rendering of the column
//! parses back as that kind (`sink/parquet/values.rs` does the parsing).

use super::clock::TsFormat;
use super::fields::Field;
use super::template::Template;

/// The kind of value every rendering of a template is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A signed 64-bit integer: `{n}` (unpadded), `{int}`.
    Int,
    /// `{float:LO..HI:DIGITS}`: a decimal with `digits` after the point and
    /// `precision` digits in all, enough for both ends of the range.
    Decimal { precision: u32, digits: u32 },
    /// `{bool}`: `true` or `false`.
    Bool,
    /// `{ts}` in a format that names an instant (RFC 3339, Unix seconds or
    /// milliseconds), held in milliseconds since the epoch, UTC.
    Timestamp(TsFormat),
    /// `{ts:date}`: a calendar day.
    Date,
    /// `{uuid}`: 16 bytes, written as 36 characters.
    Uuid,
    /// Anything else: UTF-8 text.
    Text,
}

impl Kind {
    /// The kind of every rendering of `template`.
    pub fn of(template: &Template) -> Kind {
        match template.lone_field() {
            Some(field) => Kind::of_field(field),
            None => Kind::Text,
        }
    }

    fn of_field(field: &Field) -> Kind {
        match field {
            // A padded counter keeps its zeros only as text.
            Field::Counter { width: 0 } | Field::Int { .. } => Kind::Int,
            Field::Zipf(_) => Kind::Int,
            Field::Float {
                lo,
                span,
                digits,
                from: None,
            } => {
                let hi = lo.saturating_add((*span - 1).min(i64::MAX as u64) as i64);
                let widest = lo.unsigned_abs().max(hi.unsigned_abs());
                let precision = (widest.checked_ilog10().unwrap_or(0) + 1).max(digits + 1);
                Kind::Decimal {
                    precision,
                    digits: *digits,
                }
            }
            // No bound known up front (a distribution's tail, an offset
            // from another column): the widest decimal an i64 holds.
            Field::Float { digits, .. } | Field::Dist(super::fields::Dist { digits, .. }) => {
                Kind::Decimal {
                    precision: 18,
                    digits: *digits,
                }
            }
            Field::Date { .. } => Kind::Date,
            Field::TsRange {
                format:
                    format @ (TsFormat::Rfc3339
                    | TsFormat::Rfc3339Ms
                    | TsFormat::Unix
                    | TsFormat::UnixMs),
                ..
            } => Kind::Timestamp(*format),
            Field::TsRange {
                format: TsFormat::Date,
                ..
            } => Kind::Date,
            Field::Bool => Kind::Bool,
            Field::Ts(
                format @ (TsFormat::Rfc3339
                | TsFormat::Rfc3339Ms
                | TsFormat::Unix
                | TsFormat::UnixMs),
            ) => Kind::Timestamp(*format),
            Field::Ts(TsFormat::Date) => Kind::Date,
            Field::Uuid => Kind::Uuid,
            _ => Kind::Text,
        }
    }

    /// Whether the kind is more than text.
    pub fn is_typed(self) -> bool {
        self != Kind::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(template: &str) -> Kind {
        Kind::of(&Template::parse(template).unwrap())
    }

    #[test]
    fn lone_fields_have_their_kind() {
        assert_eq!(kind("{n}"), Kind::Int);
        assert_eq!(kind("{int:-5..5}"), Kind::Int);
        assert_eq!(
            kind("{float:-1000..10:2}"),
            Kind::Decimal {
                precision: 6,
                digits: 2
            }
        );
        assert_eq!(
            kind("{float:0..1:3}"),
            Kind::Decimal {
                precision: 4,
                digits: 3
            }
        );
        assert_eq!(kind("{bool}"), Kind::Bool);
        assert_eq!(kind("{ts}"), Kind::Timestamp(TsFormat::Rfc3339));
        assert_eq!(kind("{ts:date}"), Kind::Date);
        assert_eq!(kind("{uuid}"), Kind::Uuid);
    }

    #[test]
    fn anything_else_is_text() {
        assert_eq!(kind("{n:08}"), Kind::Text);
        assert_eq!(kind("id-{n}"), Kind::Text);
        assert_eq!(kind("{int}{int}"), Kind::Text);
        assert_eq!(kind("{ts:clf}"), Kind::Text);
        assert_eq!(kind("{email}"), Kind::Text);
    }
}
