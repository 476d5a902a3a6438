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
use super::digits::{put_i64, put_scaled, put_u64};
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
    /// `{first}` and `{last}`: the record's person's names.
    First,
    Last,
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
            // `Field::Bool` is true when the draw's top bit is set, which is
            // what `rng.below(2)` picks index 1 with.
            Field::Bool => Fast::Pick(
                [b"false".as_slice(), b"true"]
                    .iter()
                    .map(|text| Padded::new(text).expect("short"))
                    .collect(),
            ),
            Field::First => Fast::First,
            Field::Last => Fast::Last,
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
            Fast::First => {
                out.put(ctx.person.first)?;
                Some(0)
            }
            Fast::Last => {
                out.put(ctx.person.last)?;
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
