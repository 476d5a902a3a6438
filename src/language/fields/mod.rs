//! The fields of the template language: what each `{field}` is, parsed
//! once with its arguments checked (`parse.rs`), then written per record
//! straight into the chunk (`write.rs`): no `String`, no `format!`, no
//! allocation per record or field. Dates and times in a range, and fields
//! derived from an earlier column, are in `dates.rs`; the non-uniform
//! numbers in `dist.rs` and `zipf.rs`.

mod dates;
mod digits;
mod dist;
mod exp_log;
mod fast;
mod parse;
mod write;
mod zipf;

pub use dist::{Dist, Shape};
pub use fast::Fast;
pub use parse::no_columns;
pub use zipf::Zipf;

use super::clock::TsFormat;
use super::sequence::RecordRng;

/// What the number a numeric, date or time field writes counts, so a
/// field derived from its column (`@name`) adds offsets in the same unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Days since 1970-01-01: `{date}`.
    Days,
    /// Nanoseconds since the epoch: `{ts}` and its ranges.
    Nanos,
    /// Counts of 10^-DIGITS: 0 for whole numbers, `{float}`'s DIGITS.
    Scaled(u32),
}

/// What `@name` resolves to: the slot the column's value is kept in for
/// the record, and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base {
    pub slot: u8,
    pub unit: Unit,
}

/// A field's earlier column: the slot to add, times `scale` (a whole
/// number or fewer digits, brought to the field's digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FromColumn {
    pub slot: u8,
    pub scale: i64,
}

/// Resolves `@name` for a field: the schema knows its columns; a line
/// template has none.
pub type Resolve<'r> = &'r mut dyn FnMut(&str) -> Result<Base, String>;

/// Weighted options of `{choice:…}` (and the built-in weighted lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    options: Vec<Box<[u8]>>,
    /// Running totals of the weights, for a binary search.
    cumulative: Vec<u64>,
    /// Every weight the same (unweighted options, the usual case): the
    /// pick is one multiply. It picks what the search would:
    /// ⌊below(n·w) / w⌋ = below(n), so seeded output does not change.
    uniform: bool,
}

impl Choice {
    /// Fails if the weights add up past what a draw can cover.
    fn new(weighted: &[(&str, u64)]) -> Result<Choice, String> {
        let mut total: u64 = 0;
        let mut options = Vec::with_capacity(weighted.len());
        let mut cumulative = Vec::with_capacity(weighted.len());
        for &(text, weight) in weighted {
            total = total
                .checked_add(weight)
                .ok_or_else(|| format!("the weights add up past {}; use smaller ones", u64::MAX))?;
            options.push(text.as_bytes().into());
            cumulative.push(total);
        }
        let uniform = weighted.iter().all(|&(_, weight)| weight == weighted[0].1);
        Ok(Choice {
            options,
            cumulative,
            uniform,
        })
    }

    /// One of the built-in weighted lists, whose weights are small.
    fn builtin(weighted: &[(&str, u64)]) -> Choice {
        Choice::new(weighted).expect("built-in weights are small")
    }

    #[inline]
    fn pick(&self, rng: &mut RecordRng) -> &[u8] {
        if self.uniform {
            return &self.options[rng.below(self.options.len() as u64) as usize];
        }
        let total = *self.cumulative.last().expect("at least one option");
        let ticket = rng.below(total);
        let at = self.cumulative.partition_point(|&c| c <= ticket);
        &self.options[at]
    }

    fn is_clean(&self) -> bool {
        self.options.iter().all(|o| is_clean(o))
    }
}

/// A parsed field, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `{n}`, `{n:08}`: the record counter, zero-padded to a width.
    Counter {
        width: usize,
    },
    /// `{int:LO..HI}`, both ends included; `{int:@qty+LO..HI}` adds an
    /// earlier column's value.
    Int {
        lo: i64,
        span: u64,
        from: Option<FromColumn>,
    },
    /// `{float:LO..HI:DIGITS}`: drawn as an integer count of 10^-DIGITS, so
    /// it is exact and needs no float formatting.
    Float {
        lo: i64,
        span: u64,
        digits: u32,
        from: Option<FromColumn>,
    },
    /// `{normal:…}`, `{lognormal:…}`, `{exp:…}`, written as `{float}` is.
    Dist(Dist),
    /// `{zipf:N:S}`: a whole number in 1..=N.
    Zipf(Zipf),
    /// `{date:LO..HI}`: days since the epoch, both ends included, written
    /// `YYYY-MM-DD`; `{date:@shipdate+1..30}` adds days to an earlier one.
    Date {
        lo: i64,
        span: u64,
        from: Option<FromColumn>,
    },
    /// `{ts:LO..HI:FORMAT}`: nanoseconds since the epoch drawn per record
    /// (unlike `Ts`, a clock); `{ts:@start+1s..2h}` adds to an earlier one.
    TsRange {
        lo: i64,
        span: u64,
        format: TsFormat,
        from: Option<FromColumn>,
    },
    Bool,
    Hex {
        len: usize,
    },
    Alnum {
        len: usize,
    },
    /// Printable ASCII, quotes and backslashes included: the encoders
    /// escape them.
    Ascii {
        len: usize,
    },
    Choice(Choice),
    Uuid,
    Word,
    Words {
        count: usize,
    },
    Sentence,
    First,
    Last,
    Name,
    Email,
    Username,
    Ipv4,
    Ipv6,
    Mac,
    Domain,
    Url,
    Path,
    UserAgent,
    HttpMethod(Choice),
    HttpStatus(Choice),
    Level(Choice),
    Host,
    App,
    Ts(TsFormat),
}

/// Every field name, for `--help`, error hints and `gush presets`.
pub const FIELD_NAMES: &[&str] = &[
    "n",
    "int",
    "float",
    "normal",
    "lognormal",
    "exp",
    "zipf",
    "date",
    "bool",
    "hex",
    "alnum",
    "ascii",
    "choice",
    "uuid",
    "word",
    "words",
    "sentence",
    "first",
    "last",
    "name",
    "email",
    "username",
    "ipv4",
    "ipv6",
    "mac",
    "domain",
    "url",
    "path",
    "user_agent",
    "http_method",
    "http_status",
    "level",
    "host",
    "app",
    "ts",
];

impl Field {
    /// Whether JSON should carry this field, alone in a column, as a number
    /// or boolean rather than a string.
    pub fn is_json_scalar(&self) -> bool {
        matches!(
            self,
            Field::Counter { width: 0 }
                | Field::Int { .. }
                | Field::Float { .. }
                | Field::Dist(_)
                | Field::Zipf(_)
                | Field::Bool
                | Field::HttpStatus(_)
                | Field::Ts(TsFormat::Unix | TsFormat::UnixMs)
                | Field::TsRange {
                    format: TsFormat::Unix | TsFormat::UnixMs,
                    ..
                }
        )
    }

    /// The unit of the number this field keeps in `Ctx::value` when
    /// written, if it is a number, date or time a later column may derive
    /// from.
    pub fn unit(&self) -> Option<Unit> {
        match self {
            Field::Counter { .. } | Field::Int { .. } | Field::Zipf(_) => Some(Unit::Scaled(0)),
            Field::Float { digits, .. } | Field::Dist(Dist { digits, .. }) => {
                Some(Unit::Scaled(*digits))
            }
            Field::Date { .. } => Some(Unit::Days),
            Field::Ts(_) | Field::TsRange { .. } => Some(Unit::Nanos),
            _ => None,
        }
    }

    /// Whether this field writes the record's person (`Ctx::person`), which
    /// a record need not look up when no field does.
    pub fn uses_person(&self) -> bool {
        matches!(
            self,
            Field::First | Field::Last | Field::Name | Field::Email | Field::Username
        )
    }

    /// Whether the output can never hold a byte that CSV, TSV or JSON must
    /// escape; lets the encoders skip scanning it.
    pub fn is_clean(&self) -> bool {
        match self {
            Field::Ascii { .. } | Field::UserAgent => false,
            Field::Choice(choice) => choice.is_clean(),
            _ => true,
        }
    }
}

/// Whether `text` holds nothing CSV, TSV or JSON would escape.
pub fn is_clean(text: &[u8]) -> bool {
    text.iter()
        .all(|&b| b >= 0x20 && !matches!(b, b',' | b'"' | b'\\' | 0x7f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::clock::Civil;
    use crate::language::out::Out;
    use crate::language::sequence::{Ctx, Person, Slots};

    /// Field `field` with `args`, written for record `index` of seed 7.
    pub(super) fn render(field: &str, args: Option<&str>, index: u64) -> String {
        let field = Field::parse(field, args).unwrap();
        let mut civil = Civil::default();
        let mut slots = Slots::default();
        let mut ctx = Ctx {
            n: index,
            person: Person::from_key(index),
            rng: RecordRng::for_record(7, index),
            key: 0,
            value: 0,
            slots: &mut slots,
            ts_ns: 0,
            civil: &mut civil,
        };
        let mut buf = [0u8; 512];
        let mut out = Out::new(&mut buf);
        field.write(&mut ctx, &mut out).unwrap();
        let len = out.len;
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn counters_pad() {
        assert_eq!(render("n", Some("08"), 42), "00000042");
        assert_eq!(render("n", None, 42), "42");
    }

    #[test]
    fn ints_and_floats_stay_in_range() {
        for i in 0..2000 {
            let int: i64 = render("int", Some("-5..5"), i).parse().unwrap();
            assert!((-5..=5).contains(&int));
            let float = render("float", Some("-1.5..2.25:2"), i);
            let value: f64 = float.parse().unwrap();
            assert!((-1.5..=2.25).contains(&value), "{float}");
            assert_eq!(float.split('.').nth(1).map(str::len), Some(2), "{float}");
        }
    }

    #[test]
    fn decimals_put_the_point_in_the_right_place() {
        assert_eq!(render("float", Some("0.05..0.05:2"), 0), "0.05");
        assert_eq!(render("float", Some("-0.05..-0.05:3"), 0), "-0.050");
        assert_eq!(render("float", Some("12.3..12.3:2"), 0), "12.30");
        assert_eq!(render("float", Some("0..0:4"), 0), "0.0000");
        assert_eq!(render("float", Some("7..7:0"), 0), "7");
        assert_eq!(render("normal", Some("-3:0:1"), 0), "-3.0");
    }

    #[test]
    fn equal_weights_pick_as_the_weighted_search_does() {
        let uniform = Choice::new(&[("a", 3), ("b", 3), ("c", 3), ("d", 3), ("e", 3)]).unwrap();
        let mut searched = uniform.clone();
        searched.uniform = false;
        for i in 0..10_000 {
            let seed = RecordRng::for_record(3, i);
            assert_eq!(
                uniform.pick(&mut seed.clone()),
                searched.pick(&mut seed.clone())
            );
        }
    }

    #[test]
    fn uuids_have_the_v4_layout() {
        let uuid = render("uuid", None, 3);
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!("89ab".contains(&uuid[19..20]), "{uuid}");
        assert_eq!(uuid.matches('-').count(), 4);
    }

    #[test]
    fn weighted_choices_follow_their_weights() {
        let heavy = (0..10_000)
            .filter(|&i| render("choice", Some("a*9|b"), i) == "a")
            .count();
        assert!((8_700..9_300).contains(&heavy), "{heavy}");
    }

    #[test]
    fn addresses_are_well_formed() {
        let v4: Vec<u16> = render("ipv4", None, 1)
            .split('.')
            .map(|o| o.parse().unwrap())
            .collect();
        assert_eq!(v4.len(), 4);
        assert!(
            render("ipv6", None, 1)
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
        );
        assert_eq!(render("mac", None, 1).len(), 17);
        assert!(render("email", None, 5).contains('@'));
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert!(
            Field::parse("int", Some("10..1"))
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            Field::parse("float", Some("0..1:x"))
                .unwrap_err()
                .contains("`x`")
        );
        assert!(Field::parse("nmae", None).unwrap_err().contains("{name}"));
        assert!(
            Field::parse("ts", Some("iso"))
                .unwrap_err()
                .contains("rfc3339")
        );
        assert!(
            Field::parse("date", Some("@start+1..3"))
                .unwrap_err()
                .contains("only `gush records --schema` has columns")
        );
    }

    #[test]
    fn a_record_that_does_not_fit_is_refused() {
        let mut civil = Civil::default();
        let mut slots = Slots::default();
        let mut ctx = Ctx {
            n: 0,
            person: Person::from_key(0),
            rng: RecordRng::for_record(0, 0),
            key: 0,
            value: 0,
            slots: &mut slots,
            ts_ns: 0,
            civil: &mut civil,
        };
        let mut buf = [0u8; 10];
        let mut out = Out::new(&mut buf);
        assert_eq!(
            Field::parse("uuid", None)
                .unwrap()
                .write(&mut ctx, &mut out),
            None
        );
    }
}
