//! A schema column's lone field compiled once for the records loop
//! ([`Fast`]), and the digit writers it uses.
//!
//! Written through [`Field::write`], every column of a record went through
//! the whole field match (a 13 KB function, entered once per column, with
//! a 216-byte frame to set up and tear down), `itoa`'s buffer and a copy
//! out of it: about 140 instructions a column before the field's own work
//! (callgrind, the lineitem preset; bench/lineitem.md). Here the common
//! fields are a few flat cases that draw from a random state kept in a
//! register by the caller, add the column they derive from without a
//! branch, and write their digits straight into the chunk; every other
//! field is still [`Field::write`], called out of line. The bytes are the
//! same as [`Field::write`]'s: same draws in the same order, same text.

use super::dates::write_date;
use super::{Choice, Dist, Field, FromColumn, Zipf};
use crate::language::out::Out;
use crate::language::sequence::{Ctx, RecordRng};
use crate::language::words;

/// The earlier column a number is derived from, as `values[slot] × scale`;
/// a field of its own has scale 0, so adding it costs no branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    slot: usize,
    scale: i64,
}

impl Derived {
    fn of(from: Option<FromColumn>) -> Derived {
        match from {
            Some(from) => Derived {
                slot: from.slot as usize,
                scale: from.scale,
            },
            None => Derived { slot: 0, scale: 0 },
        }
    }

    #[inline(always)]
    fn base(self, ctx: &Ctx) -> i64 {
        ctx.slots.values[self.slot].wrapping_mul(self.scale)
    }
}

/// How a column's value is written, decided once per run. The larger
/// cases are boxed so the enum's tag is a plain byte: a dispatch on it is
/// one jump, where a tag folded into `Field`'s niche took nine
/// instructions a column.
#[derive(Debug, Clone)]
pub enum Fast {
    /// `{n}` unpadded.
    Counter,
    /// `{int:LO..HI}`, `{int:@a+LO..HI}`.
    Int {
        lo: i64,
        span: u64,
        from: Derived,
    },
    /// `{float:LO..HI:DIGITS}`, `{float:@a+LO..HI:DIGITS}`.
    Float {
        lo: i64,
        span: u64,
        digits: u32,
        from: Derived,
    },
    /// `{date:LO..HI}`, `{date:@a+LO..HI}`, with its days laid out as
    /// text when they are few ([`Fast::lay_out_days`]).
    Date {
        lo: i64,
        span: u64,
        from: Derived,
        days: Option<Box<DayTable>>,
    },
    /// `{choice:…}` of options of 32 bytes or fewer: one per option when
    /// their weights are equal, else one per ticket of the weighted draw.
    Pick(Box<[Padded]>),
    /// `{words:COUNT}`.
    Words {
        count: usize,
    },
    Zipf(Box<Zipf>),
    Dist(Box<Dist>),
    Choice(Box<Choice>),
    /// Any other lone field: [`Field::write`].
    Field(Box<Field>),
    /// Not a lone field: the column writes its whole template.
    Template,
}

/// A short text padded to 32 bytes, for [`Out::put_padded`].
#[derive(Debug, Clone)]
pub struct Padded {
    text: [u8; 32],
    len: usize,
}

/// The most tickets a weighted `{choice}` is laid out in for [`Fast::Pick`]
/// (`N*2|R|A` has 4): past it, it is searched as `Choice::pick` does.
const MAX_TICKETS: u64 = 64;

impl Padded {
    fn new(text: &[u8]) -> Option<Padded> {
        let mut padded = [0u8; 32];
        padded.get_mut(..text.len())?.copy_from_slice(text);
        Some(Padded {
            text: padded,
            len: text.len(),
        })
    }
}

/// The word list padded to 16 bytes a word, the length in the last byte
/// (words are 12 bytes at most: checked below, when compiled).
static PADDED_WORDS: [[u8; 16]; words::WORDS.len()] = {
    let mut table = [[0u8; 16]; words::WORDS.len()];
    let mut i = 0;
    while i < table.len() {
        let word = words::WORDS[i].as_bytes();
        assert!(word.len() < 16, "a word of 16 bytes or more");
        let mut j = 0;
        while j < word.len() {
            table[i][j] = word[j];
            j += 1;
        }
        table[i][15] = word.len() as u8;
        i += 1;
    }
    table
};

impl Fast {
    /// The fast form of a column whose template is `lone` alone, if it is.
    pub fn of(lone: Option<&Field>) -> Fast {
        let Some(field) = lone else {
            return Fast::Template;
        };
        match *field {
            Field::Counter { width: 0 } => Fast::Counter,
            Field::Int { lo, span, from } => Fast::Int {
                lo,
                span,
                from: Derived::of(from),
            },
            Field::Float {
                lo,
                span,
                digits,
                from,
            } => Fast::Float {
                lo,
                span,
                digits,
                from: Derived::of(from),
            },
            Field::Date { lo, span, from } => Fast::Date {
                lo,
                span,
                from: Derived::of(from),
                days: None,
            },
            Field::Words { count } => Fast::Words { count },
            Field::Zipf(ref zipf) => Fast::Zipf(Box::new(zipf.clone())),
            Field::Dist(ref dist) => Fast::Dist(Box::new(dist.clone())),
            Field::Choice(ref choice) => {
                let total = choice.cumulative.last().copied().unwrap_or(0);
                // A ticket's option is the one `Choice::pick`'s search finds
                // for it, so the table draws exactly what the search does.
                let padded: Option<Box<[Padded]>> = match choice.uniform {
                    true => choice.options.iter().map(|o| Padded::new(o)).collect(),
                    false if total <= MAX_TICKETS => (0..total)
                        .map(|ticket| {
                            let at = choice.cumulative.partition_point(|&c| c <= ticket);
                            Padded::new(&choice.options[at])
                        })
                        .collect(),
                    false => None,
                };
                match padded {
                    Some(options) => Fast::Pick(options),
                    None => Fast::Choice(Box::new(choice.clone())),
                }
            }
            _ => Fast::Field(Box::new(field.clone())),
        }
    }

    /// Writes the value for the record in `ctx`, drawing from `rng` (which
    /// stands for `ctx.rng`: it is handed over around [`Field::write`]),
    /// and returns the number a later column may derive from (what
    /// `ctx.value` would hold). Not for [`Fast::Template`].
    ///
    /// `rng` and `out` are only ever passed on by value or as a part of
    /// their own, so that the caller can keep them in registers.
    #[inline(always)]
    pub fn write(&self, rng: &mut RecordRng, ctx: &mut Ctx, out: &mut Out) -> Option<i64> {
        match self {
            Fast::Counter => {
                put_u64(out, ctx.n)?;
                Some(ctx.n as i64)
            }
            Fast::Int { lo, span, from } => {
                let value = lo
                    .wrapping_add(rng.below(*span) as i64)
                    .wrapping_add(from.base(ctx));
                put_i64(out, value)?;
                Some(value)
            }
            Fast::Float {
                lo,
                span,
                digits,
                from,
            } => {
                let value = lo
                    .wrapping_add(rng.below(*span) as i64)
                    .wrapping_add(from.base(ctx));
                put_scaled(out, value, *digits)?;
                Some(value)
            }
            Fast::Date {
                lo,
                span,
                from,
                days: table,
            } => {
                let days = lo
                    .wrapping_add(rng.below(*span) as i64)
                    .wrapping_add(from.base(ctx));
                match table.as_ref().and_then(|table| table.text(days)) {
                    Some(text) => out.put_padded(text, 10)?,
                    None => write_date(days, out)?,
                }
                Some(days)
            }
            Fast::Pick(options) => {
                let option = &options[rng.below(options.len() as u64) as usize];
                out.put_padded(&option.text, option.len)?;
                Some(0)
            }
            Fast::Words { count } => {
                for i in 0..*count {
                    if i > 0 {
                        out.byte(b' ')?;
                    }
                    let word = &PADDED_WORDS[rng.below(PADDED_WORDS.len() as u64) as usize];
                    out.put_padded(word, usize::from(word[15]))?;
                }
                Some(0)
            }
            Fast::Zipf(zipf) => {
                let value = by_value(rng, |rng| zipf.draw(rng));
                put_u64(out, value)?;
                Some(value as i64)
            }
            Fast::Dist(dist) => {
                let value = by_value(rng, |rng| dist.draw_scaled(rng));
                put_scaled(out, value, dist.digits)?;
                Some(value)
            }
            Fast::Choice(choice) => {
                let text = by_value(rng, |rng| choice.pick(rng));
                out.put(text)?;
                Some(0)
            }
            Fast::Field(field) => {
                ctx.rng = rng.clone();
                let mut rest = out.rest();
                write_field(field, ctx, &mut rest)?;
                let written = rest.len;
                out.advance(written);
                *rng = ctx.rng.clone();
                Some(ctx.value)
            }
            Fast::Template => None,
        }
    }
}

/// The most days a `{date}` column's text is laid out for: 64 KiB, which
/// holds the 7 years of TPC-H's ship dates (2,526 days) with room.
const MAX_DAYS: i64 = 4096;

/// Every day a `{date}` column can write, as its `YYYY-MM-DD` text: a
/// lookup in place of the calendar arithmetic (about 60 instructions a
/// date, a third of a `{date}` column's cost).
#[derive(Debug, Clone)]
pub struct DayTable {
    first: i64,
    text: Box<[[u8; 16]]>,
}

impl DayTable {
    #[inline(always)]
    fn text(&self, days: i64) -> Option<&[u8; 16]> {
        self.text
            .get(usize::try_from(days.wrapping_sub(self.first)).ok()?)
    }
}

impl Fast {
    /// For a `{date}` column: the first and last days it can write, given
    /// those of the column it derives from (`base`, if known), and, when
    /// they are few, their text laid out for [`Fast::write`]. `None` for
    /// any other column, or a date whose days are not known.
    pub fn lay_out_days(&mut self, base: Option<(i64, i64)>) -> Option<(i64, i64)> {
        let Fast::Date {
            lo,
            span,
            from,
            days,
        } = self
        else {
            return None;
        };
        let last = lo.checked_add(i64::try_from(*span).ok()? - 1)?;
        let (first, last) = match from.scale {
            0 => (*lo, last),
            _ => {
                let (base_first, base_last) = base?;
                (base_first.checked_add(*lo)?, base_last.checked_add(last)?)
            }
        };
        if last.checked_sub(first)? < MAX_DAYS {
            let text = (first..=last)
                .map(|day| {
                    let mut padded = [0u8; 16];
                    let mut out = Out::new(&mut padded);
                    write_date(day, &mut out).map(|()| padded)
                })
                .collect::<Option<_>>()?;
            *days = Some(Box::new(DayTable { first, text }));
        }
        Some((first, last))
    }

    /// The slot a derived `{date}` adds to.
    pub fn date_base_slot(&self) -> Option<usize> {
        match self {
            Fast::Date { from, .. } if from.scale != 0 => Some(from.slot),
            _ => None,
        }
    }
}

/// Runs `draw` on a copy of `rng` and keeps what it advanced to: `draw`
/// is out of line, and handing it `rng` itself would pin the caller's
/// state to memory for the whole record.
#[inline(always)]
fn by_value<T>(rng: &mut RecordRng, draw: impl FnOnce(&mut RecordRng) -> T) -> T {
    let mut copy = rng.clone();
    let value = draw(&mut copy);
    *rng = copy;
    value
}

/// [`Field::write`] kept out of the records loop: inlined, its match and
/// frame are what this module exists to avoid.
#[inline(never)]
fn write_field(field: &Field, ctx: &mut Ctx, out: &mut Out) -> Option<()> {
    field.write(ctx, out)
}

/// "00" to "99", so two digits are one lookup.
static PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

/// Decimal digits of `value`: 1 for 0.
#[inline(always)]
fn digit_count(value: u64) -> usize {
    value.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Fills `slot` with the last `slot.len()` decimal digits of `value`,
/// zeros ahead: two digits a step, from the right.
#[inline(always)]
fn fill_digits(slot: &mut [u8], mut value: u64) {
    let mut at = slot.len();
    while at >= 2 {
        at -= 2;
        slot[at..at + 2].copy_from_slice(&PAIRS[(value % 100) as usize]);
        value /= 100;
    }
    if at == 1 {
        slot[0] = b'0' + (value % 10) as u8;
    }
}

/// `value` in decimal, as `itoa` writes it.
#[inline(always)]
pub(super) fn put_u64(out: &mut Out, value: u64) -> Option<()> {
    if value < 100_000_000
        && let Some(window) = out.window::<8>()
    {
        let len = put_eight(window, value as u32);
        out.advance(len);
        return Some(());
    }
    fill_digits(out.reserve(digit_count(value))?, value);
    Some(())
}

/// Writes `value` (under 10^8) at the start of `window` as its eight
/// digits shifted past its leading zeros, and returns how many are its
/// own: four pair lookups and one store, with no count of digits first.
#[inline(always)]
fn put_eight(window: &mut [u8; 8], value: u32) -> usize {
    let (high, low) = (value / 10_000, value % 10_000);
    let pair = |n: u32| u64::from(u16::from_le_bytes(PAIRS[n as usize]));
    let digits =
        pair(high / 100) | pair(high % 100) << 16 | pair(low / 100) << 32 | pair(low % 100) << 48;
    // Little-endian: the leading digits are the low bytes; a leading zero
    // is a zero byte once b'0' is taken from each.
    let leading_zeros = ((digits - 0x3030_3030_3030_3030).trailing_zeros() / 8).min(7);
    *window = (digits >> (8 * leading_zeros)).to_le_bytes();
    8 - leading_zeros as usize
}

#[inline(always)]
fn put_i64(out: &mut Out, value: i64) -> Option<()> {
    if value < 0 {
        out.byte(b'-')?;
    }
    put_u64(out, value.unsigned_abs())
}

/// `value` × 10^-digits, as `write::write_scaled` writes it: a sign, the
/// whole part (0 under 1), a point and exactly `digits` decimals. The
/// common digit counts get a division by a constant (a multiply).
#[inline(always)]
fn put_scaled(out: &mut Out, value: i64, digits: u32) -> Option<()> {
    match digits {
        0 => put_i64(out, value),
        1 => put_decimal::<1>(out, value),
        2 => put_decimal::<2>(out, value),
        3 => put_decimal::<3>(out, value),
        4 => put_decimal::<4>(out, value),
        _ => put_decimal_any(out, value, digits),
    }
}

#[inline(always)]
fn put_decimal<const DIGITS: u32>(out: &mut Out, value: i64) -> Option<()> {
    let magnitude = value.unsigned_abs();
    let pow = 10u64.pow(DIGITS);
    write_decimal(
        out,
        value < 0,
        magnitude / pow,
        magnitude % pow,
        DIGITS as usize,
    )
}

#[inline(never)]
fn put_decimal_any(out: &mut Out, value: i64, digits: u32) -> Option<()> {
    let magnitude = value.unsigned_abs();
    // DIGITS is 9 at most (parsing refuses more): 10^9 fits with room.
    let pow = 10u64.pow(digits.min(19));
    write_decimal(
        out,
        value < 0,
        magnitude / pow,
        magnitude % pow,
        digits as usize,
    )
}

#[inline(always)]
fn write_decimal(
    out: &mut Out,
    negative: bool,
    whole: u64,
    fraction: u64,
    digits: usize,
) -> Option<()> {
    let sign = usize::from(negative);
    let whole_digits = digit_count(whole);
    let slot = out.reserve(sign + whole_digits + 1 + digits)?;
    if negative {
        slot[0] = b'-';
    }
    let (whole_slot, rest) = slot[sign..].split_at_mut(whole_digits);
    fill_digits(whole_slot, whole);
    rest[0] = b'.';
    fill_digits(&mut rest[1..], fraction);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(write: impl FnOnce(&mut Out) -> Option<()>) -> String {
        let mut buf = [0u8; 64];
        let mut out = Out::new(&mut buf);
        write(&mut out).unwrap();
        let len = out.len;
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn whole_numbers_are_written_as_itoa_does() {
        let mut values = vec![0, 1, -1, 9, 10, 99, 100, 101, i64::MIN, i64::MAX];
        values.extend((0..19).flat_map(|p| {
            let ten = 10i64.pow(p);
            [ten - 1, ten, ten + 1, -ten]
        }));
        for value in values {
            assert_eq!(
                written(|out| put_i64(out, value)),
                itoa::Buffer::new().format(value)
            );
        }
        assert_eq!(written(|out| put_u64(out, u64::MAX)), u64::MAX.to_string());
    }

    #[test]
    fn decimals_are_written_as_before() {
        for digits in 0..=9 {
            for value in [
                0,
                1,
                -1,
                5,
                -5,
                99,
                100,
                12_345,
                -12_345,
                999_999_999,
                i64::MAX,
                i64::MIN,
            ] {
                let mut buf = [0u8; 64];
                let mut out = Out::new(&mut buf);
                super::super::write::write_scaled(value, digits, &mut out).unwrap();
                let len = out.len;
                let expected = String::from_utf8(buf[..len].to_vec()).unwrap();
                assert_eq!(
                    written(|out| put_scaled(out, value, digits)),
                    expected,
                    "{value} with {digits} digits"
                );
            }
        }
    }

    #[test]
    fn a_number_that_does_not_fit_is_refused() {
        let mut buf = [0u8; 4];
        let mut out = Out::new(&mut buf);
        assert_eq!(put_scaled(&mut out, 12_345, 2), None);
        assert_eq!(put_u64(&mut out, 12_345), None);
        assert_eq!(put_u64(&mut out, 1_234), Some(()));
    }
}
