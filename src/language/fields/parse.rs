//! Parsing a field's name and arguments, with messages that say what is
//! wrong and, for an unknown name, which known names are nearest.

use super::dates::{from_column, is_ts_range, parse_date, parse_ts_range, reference};
use super::{Base, Choice, Dist, FIELD_NAMES, Field, Resolve, Shape, Unit, Zipf};
use crate::language::clock::TS_FORMATS;

const HTTP_METHODS: &[(&str, u64)] = &[
    ("GET", 70),
    ("POST", 15),
    ("PUT", 5),
    ("DELETE", 3),
    ("HEAD", 4),
    ("PATCH", 2),
    ("OPTIONS", 1),
];
const HTTP_STATUSES: &[(&str, u64)] = &[
    ("200", 78),
    ("201", 3),
    ("204", 2),
    ("301", 2),
    ("302", 3),
    ("304", 4),
    ("400", 1),
    ("401", 1),
    ("403", 1),
    ("404", 3),
    ("500", 1),
    ("502", 1),
];
const LEVELS: &[(&str, u64)] = &[("INFO", 70), ("DEBUG", 15), ("WARN", 10), ("ERROR", 5)];

/// Longest `LEN` a string field may ask for: a typo guard, far above any
/// real column.
const MAX_LEN: usize = 4096;

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{text}` is not {what}"))
}

fn length(name: &str, args: Option<&str>) -> Result<usize, String> {
    let args = args.ok_or_else(|| format!("`{{{name}}}` needs a length, as in `{{{name}:16}}`"))?;
    let len: usize = number(args, "a length")?;
    if len == 0 || len > MAX_LEN {
        return Err(format!("length {len} is out of range: use 1 to {MAX_LEN}"));
    }
    Ok(len)
}

/// `LO..HI` as integers, both ends included.
fn range(args: &str) -> Result<(i64, i64), String> {
    let (lo, hi) = args
        .split_once("..")
        .ok_or_else(|| format!("`{args}` is not a range; write LO..HI, as in 1..100"))?;
    let (lo, hi): (i64, i64) = (number(lo, "a whole number")?, number(hi, "a whole number")?);
    if lo > hi {
        return Err(format!(
            "the range {lo}..{hi} is empty: LO must not exceed HI"
        ));
    }
    Ok((lo, hi))
}

fn span(lo: i64, hi: i64) -> Result<u64, String> {
    u64::try_from(i128::from(hi) - i128::from(lo) + 1)
        .map_err(|_| format!("the range {lo}..{hi} is too wide"))
}

/// `LO..HI:DIGITS` with decimal bounds, scaled to integers of 10^-DIGITS;
/// `@column+LO..HI:DIGITS` adds them to an earlier column.
fn float_range(args: &str, resolve: Resolve) -> Result<Field, String> {
    let (args, from) = match reference(args) {
        Some((column, offsets)) => (offsets.unwrap_or("0..0"), Some(column)),
        None => (args, None),
    };
    let (bounds, digits) = match args.rsplit_once(':') {
        Some((bounds, digits)) => (bounds, number::<u32>(digits, "a number of digits")?),
        None => (args, 2),
    };
    if digits > 9 {
        return Err(format!("{digits} digits is too many: use 0 to 9"));
    }
    let (lo, hi) = bounds.split_once("..").ok_or_else(|| {
        format!("`{bounds}` is not a range; write LO..HI:DIGITS, as in 0..1000:2")
    })?;
    let scale = 10f64.powi(digits as i32);
    let scaled = |text: &str| -> Result<i64, String> {
        let value: f64 = number(text, "a number")?;
        let value = (value * scale).round();
        if !value.is_finite() || value.abs() > 9e15 {
            return Err(format!("`{text}` is out of range"));
        }
        Ok(value as i64)
    };
    let (lo, hi) = (scaled(lo)?, scaled(hi)?);
    if lo > hi {
        return Err(format!(
            "the range `{bounds}` is empty: LO must not exceed HI"
        ));
    }
    let from = match from {
        Some(column) => Some(from_column(column, Unit::Scaled(digits), resolve)?),
        None => None,
    };
    Ok(Field::Float {
        lo,
        span: span(lo, hi)?,
        digits,
        from,
    })
}

/// `{int:LO..HI}` or `{int:@column+LO..HI}`.
fn int_range(args: Option<&str>, resolve: Resolve) -> Result<Field, String> {
    let args = args.unwrap_or("0..4294967295");
    let (args, from) = match reference(args) {
        Some((column, offsets)) => (
            offsets.unwrap_or("0..0"),
            Some(from_column(column, Unit::Scaled(0), resolve)?),
        ),
        None => (args, None),
    };
    let (lo, hi) = range(args)?;
    Ok(Field::Int {
        lo,
        span: span(lo, hi)?,
        from,
    })
}

/// The resolver of a template outside a schema: it has no columns.
pub fn no_columns(name: &str) -> Result<Base, String> {
    Err(format!(
        "`@{name}` refers to a column, and only `gush records --schema` has columns"
    ))
}

/// `a|b*3|c`: the last `*` in an option starts its weight, a whole number
/// from 1 up. An option whose text holds a `*` therefore ends in a weight,
/// `*1` at least: `{choice:a*b*1|c}` picks `a*b` or `c`.
fn choice(args: &str) -> Result<Choice, String> {
    let mut weighted = Vec::new();
    for option in args.split('|') {
        let (text, weight) = match option.rsplit_once('*') {
            Some((text, weight)) => {
                let weight = weight.trim().parse::<u64>().map_err(|_| {
                    format!(
                        "option `{text}` has weight `{weight}`, not a whole number from 1 to {}; for a literal `*` in an option, end it with a weight, as in `{option}*1`",
                        u64::MAX
                    )
                })?;
                (text, weight)
            }
            None => (option, 1),
        };
        if weight == 0 {
            return Err(format!(
                "option `{text}` has weight 0; leave it out instead"
            ));
        }
        weighted.push((text, weight));
    }
    Choice::new(&weighted)
}

impl Field {
    /// Checks a field's name and arguments: `{name}` or `{name:args}`.
    pub fn parse(name: &str, args: Option<&str>) -> Result<Field, String> {
        Field::parse_with(name, args, &mut no_columns)
    }

    /// As [`Field::parse`], with `resolve` answering what `@name` (an
    /// earlier column of the same record) is.
    pub fn parse_with(name: &str, args: Option<&str>, resolve: Resolve) -> Result<Field, String> {
        let no_args = |field: Field| match args {
            None => Ok(field),
            Some(args) => Err(format!("`{{{name}}}` takes no arguments, found `{args}`")),
        };
        match name {
            "n" => match args {
                None => Ok(Field::Counter { width: 0 }),
                Some(width) => {
                    let width: usize = number(width, "a width such as 08")?;
                    if width > 20 {
                        return Err(format!(
                            "width {width} is too wide: a counter has at most 20 digits"
                        ));
                    }
                    Ok(Field::Counter { width })
                }
            },
            "int" => int_range(args, resolve),
            "float" => float_range(args.unwrap_or("0..1:2"), resolve),
            "normal" => Ok(Field::Dist(Dist::parse(Shape::Normal, name, args)?)),
            "lognormal" => Ok(Field::Dist(Dist::parse(Shape::Lognormal, name, args)?)),
            "exp" => Ok(Field::Dist(Dist::parse(Shape::Exp, name, args)?)),
            "zipf" => Ok(Field::Zipf(Zipf::parse(args)?)),
            "date" => parse_date(args, resolve),
            "bool" => no_args(Field::Bool),
            "hex" => Ok(Field::Hex {
                len: length(name, args)?,
            }),
            "alnum" => Ok(Field::Alnum {
                len: length(name, args)?,
            }),
            "ascii" => Ok(Field::Ascii {
                len: length(name, args)?,
            }),
            "choice" => match args {
                Some(args) if !args.is_empty() => Ok(Field::Choice(choice(args)?)),
                _ => Err(
                    "`{choice}` needs options, as in `{choice:GET*8|POST*2|DELETE}`".to_string(),
                ),
            },
            "uuid" => no_args(Field::Uuid),
            "word" => no_args(Field::Word),
            "words" => {
                let count: usize = number(args.unwrap_or("3"), "a word count")?;
                if count == 0 || count > 1000 {
                    return Err(format!("{count} words is out of range: use 1 to 1000"));
                }
                Ok(Field::Words { count })
            }
            "sentence" => no_args(Field::Sentence),
            "first" => no_args(Field::First),
            "last" => no_args(Field::Last),
            "name" => no_args(Field::Name),
            "email" => no_args(Field::Email),
            "username" => no_args(Field::Username),
            "ipv4" => no_args(Field::Ipv4),
            "ipv6" => no_args(Field::Ipv6),
            "mac" => no_args(Field::Mac),
            "domain" => no_args(Field::Domain),
            "url" => no_args(Field::Url),
            "path" => no_args(Field::Path),
            "user_agent" => no_args(Field::UserAgent),
            "http_method" => no_args(Field::HttpMethod(Choice::builtin(HTTP_METHODS))),
            "http_status" => no_args(Field::HttpStatus(Choice::builtin(HTTP_STATUSES))),
            "level" => no_args(Field::Level(Choice::builtin(LEVELS))),
            "host" => no_args(Field::Host),
            "app" => no_args(Field::App),
            "ts" if args.is_some_and(is_ts_range) => {
                parse_ts_range(args.unwrap_or_default(), resolve)
            }
            "ts" => {
                let format = args.unwrap_or("rfc3339");
                TS_FORMATS
                    .iter()
                    .find(|(known, _)| *known == format)
                    .map(|&(_, format)| Field::Ts(format))
                    .ok_or_else(|| {
                        let known: Vec<&str> = TS_FORMATS.iter().map(|(n, _)| *n).collect();
                        format!(
                            "unknown time format `{format}`; known: {}; or a range, as in `{{ts:2026-01-01T00:00:00Z..2026-02-01T00:00:00Z}}`",
                            known.join(", ")
                        )
                    })
            }
            "" => Err(format!(
                "empty field; known fields: {}",
                FIELD_NAMES.join(", ")
            )),
            _ => Err(unknown(name)),
        }
    }
}

/// The error for an unknown field, naming the nearest known ones.
fn unknown(name: &str) -> String {
    let mut near: Vec<(f64, &str)> = FIELD_NAMES
        .iter()
        .map(|known| (strsim::jaro_winkler(name, known), *known))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    match &near[..] {
        [] => format!(
            "unknown field `{name}`; known fields: {}",
            FIELD_NAMES.join(", ")
        ),
        near => {
            let names: Vec<String> = near
                .iter()
                .take(3)
                .map(|(_, n)| format!("`{{{n}}}`"))
                .collect();
            format!(
                "unknown field `{name}`; did you mean {}?",
                names.join(" or ")
            )
        }
    }
}
