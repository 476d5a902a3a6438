//! Random dates and times in a range, `{date:1992-01-01..1998-12-31}` and
//! `{ts:2026-01-01T00:00:00Z..2026-02-01T00:00:00Z:FORMAT}`, and columns
//! derived from an earlier one, `{date:@shipdate+1..30}`,
//! `{ts:@start+1s..2h}`, `{int:@qty+0..10}`, `{float:@price+0..5:2}`.
//!
//! Unlike `{ts}`, which is a clock (record i is start + i × step), these
//! are drawn per record, uniformly, both ends included. A derived field
//! adds its drawn offset to the number the earlier column kept in its slot
//! (see `sequence::Slots`), in that column's unit, so nothing is reparsed.

use super::digits::PAIRS;
use super::{Base, Field, FromColumn, Resolve, Unit};
use crate::language::clock::{TS_FORMATS, TsFormat, civil_from_days, parse_start_time};
use crate::language::out::Out;

/// `@name` or `@name+OFFSETS`: the column referred to and its offsets.
pub(super) fn reference(args: &str) -> Option<(&str, Option<&str>)> {
    let rest = args.trim_start().strip_prefix('@')?;
    Some(match rest.split_once('+') {
        Some((name, offsets)) => (name.trim(), Some(offsets)),
        None => (rest.trim(), None),
    })
}

/// Resolves `@name` and checks its unit fits a field of unit `want`.
pub(super) fn from_column(name: &str, want: Unit, resolve: Resolve) -> Result<FromColumn, String> {
    let base: Base = resolve(name)?;
    let scale = match (base.unit, want) {
        (Unit::Days, Unit::Days) | (Unit::Nanos, Unit::Nanos) => 1,
        (Unit::Scaled(have), Unit::Scaled(digits)) if have <= digits => 10i64.pow(digits - have),
        (have, _) => {
            let hint = match have {
                Unit::Days => "a date: derive `{date:@NAME+LO..HI}` (days) from it".to_string(),
                Unit::Nanos => "a time: derive `{ts:@NAME+1s..2h}` from it".to_string(),
                Unit::Scaled(0) => {
                    "a whole number: derive `{int:@NAME+LO..HI}` or `{float:@NAME+LO..HI:D}` from it"
                        .to_string()
                }
                Unit::Scaled(digits) => format!(
                    "a decimal with {digits} digits: derive `{{float:@NAME+LO..HI:D}}` with D of {digits} or more from it"
                ),
            };
            return Err(format!(
                "column `{name}` holds {}",
                hint.replace("NAME", name)
            ));
        }
    };
    Ok(FromColumn {
        slot: base.slot,
        scale,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date: Hinnant's
/// `days_from_civil`, the inverse of `clock::civil_from_days`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` (years 0 to 9999) as days since the epoch.
fn parse_day(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not a date; write YYYY-MM-DD, as in 1992-01-01");
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = parts[..] else {
        return Err(bad());
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return Err(bad());
    }
    let (year, month, day) = (
        year.parse::<i64>().map_err(|_| bad())?,
        month.parse::<u32>().map_err(|_| bad())?,
        day.parse::<u32>().map_err(|_| bad())?,
    );
    let days = days_from_civil(year, month, day);
    // Month 13 or 30 February come back as another date.
    if !(1..=12).contains(&month) || civil_from_days(days) != (year, month, day) {
        return Err(format!("`{}` is not a day of the calendar", text.trim()));
    }
    Ok(days)
}

/// `LO..HI` of `parse`d ends, LO not after HI, as (lo, span).
fn bounds(
    text: &str,
    example: &str,
    parse: impl Fn(&str) -> Result<i64, String>,
) -> Result<(i64, u64), String> {
    let (lo, hi) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}` is not a range; write LO..HI, as in {example}"))?;
    let (lo, hi) = (parse(lo)?, parse(hi)?);
    if lo > hi {
        return Err(format!(
            "the range `{text}` is empty: LO must not come after HI"
        ));
    }
    let span = u64::try_from(i128::from(hi) - i128::from(lo) + 1)
        .map_err(|_| format!("the range `{text}` is too wide"))?;
    Ok((lo, span))
}

/// A whole number of days, for a derived date's offsets.
fn days(text: &str) -> Result<i64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of days"))
}

/// A duration such as `90s`, `2h`, `1h30m` or `-5m` (humantime's units),
/// in nanoseconds.
fn duration(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let (negative, magnitude) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let ns = if magnitude == "0" {
        0
    } else {
        let parsed = humantime::parse_duration(magnitude)
            .map_err(|_| format!("`{text}` is not a duration; write one such as 1s, 90m or 2h"))?;
        i64::try_from(parsed.as_nanos()).map_err(|_| format!("`{text}` is too long"))?
    };
    Ok(if negative { -ns } else { ns })
}

/// `{date:LO..HI}` or `{date:@column+LO..HI}` (days).
pub(super) fn parse_date(args: Option<&str>, resolve: Resolve) -> Result<Field, String> {
    let args = args.ok_or(
        "`{date}` needs a range, as in `{date:1992-01-01..1998-12-31}` or `{date:@shipdate+1..30}`",
    )?;
    if let Some((column, offsets)) = reference(args) {
        let from = from_column(column, Unit::Days, resolve)?;
        let (lo, span) = bounds(offsets.unwrap_or("0..0"), "@shipdate+1..30", days)?;
        return Ok(Field::Date {
            lo,
            span,
            from: Some(from),
        });
    }
    let (lo, span) = bounds(args, "1992-01-01..1998-12-31", parse_day)?;
    Ok(Field::Date {
        lo,
        span,
        from: None,
    })
}

/// Whether `{ts:ARGS}` is a range or a derived time rather than a clock
/// format.
pub(super) fn is_ts_range(args: &str) -> bool {
    args.contains("..") || args.trim_start().starts_with('@')
}

/// `{ts:LO..HI}`, `{ts:@column+LO..HI}`, either with `:FORMAT` after.
pub(super) fn parse_ts_range(args: &str, resolve: Resolve) -> Result<Field, String> {
    // RFC 3339 times hold colons: a format is only what follows the last
    // one when it is a format's name.
    let (range, format) = match args.rsplit_once(':') {
        Some((range, name)) => match TS_FORMATS.iter().find(|(known, _)| *known == name.trim()) {
            Some(&(_, format)) => (range, format),
            None => (args, TsFormat::Rfc3339),
        },
        None => (args, TsFormat::Rfc3339),
    };
    if let Some((column, offsets)) = reference(range) {
        let from = from_column(column, Unit::Nanos, resolve)?;
        let (lo, span) = bounds(offsets.unwrap_or("0..0"), "@start+1s..2h", duration)?;
        return Ok(Field::TsRange {
            lo,
            span,
            format,
            from: Some(from),
        });
    }
    let (lo, span) = bounds(range, "2026-01-01T00:00:00Z..2026-02-01T00:00:00Z", |end| {
        parse_start_time(end.trim())
    })?;
    Ok(Field::TsRange {
        lo,
        span,
        format,
        from: None,
    })
}

/// The first and last days `{date}` writes, 0000-01-01 and 9999-12-31:
/// four digits of year.
const FIRST_DAY: i64 = -719_528;
const LAST_DAY: i64 = 2_932_896;

/// Days since 1970-01-01 to (year, month, day) by Neri & Schneider's
/// Euclidean affine functions ("Euclidean affine functions and their
/// application to calendar algorithms", Software: Practice and Experience
/// 53(4), 2023), shifted 82 eras so everything is unsigned 32-bit: a
/// third of `clock::civil_from_days`'s instructions, which counted for
/// half of a `{date}` column. Valid for `FIRST_DAY..=LAST_DAY`; a test
/// checks every one of those days against Hinnant's algorithm.
#[inline]
fn civil_fast(days: i64) -> (u32, u32, u32) {
    const ERAS: u32 = 82;
    const SHIFT: u32 = 719_468 + 146_097 * ERAS;
    let n = (days as i32 as u32).wrapping_add(SHIFT);
    let n1 = 4 * n + 3;
    let century = n1 / 146_097;
    let in_century = n1 % 146_097 / 4;
    let n2 = 4 * in_century + 3;
    let p2 = 2_939_745 * u64::from(n2);
    let year_of_century = (p2 >> 32) as u32;
    let day_of_year = (p2 as u32) / 2_939_745 / 4;
    let n3 = 2_141 * day_of_year + 197_913;
    let month = n3 >> 16;
    let day = (n3 & 0xffff) / 2_141 + 1;
    // The computation's years start in March.
    let january_or_february = u32::from(day_of_year >= 306);
    let year = 100 * century + year_of_century + january_or_february - 400 * ERAS;
    (year, month - 12 * january_or_february, day)
}

/// Writes `days` since the epoch as `YYYY-MM-DD`; a derived date pushed
/// past the years 0 to 9999 is held at the nearest end.
#[inline(always)]
pub(super) fn write_date(days: i64, out: &mut Out) -> Option<()> {
    let (year, month, day) = civil_fast(days.clamp(FIRST_DAY, LAST_DAY));
    let [y1, y2] = PAIRS[(year / 100) as usize];
    let [y3, y4] = PAIRS[(year % 100) as usize];
    let [m1, m2] = PAIRS[month as usize];
    let [d1, d2] = PAIRS[day as usize];
    out.reserve(10)?
        .copy_from_slice(&[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2]);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::render;
    use super::*;

    fn no_columns(name: &str) -> Result<Base, String> {
        Err(format!("no column `{name}` here"))
    }

    #[test]
    fn days_round_trip_through_the_calendar() {
        for days in [-719_468, -1, 0, 59, 11_016, 20_454, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(parse_day("1992-01-01"), Ok(8035));
        assert!(parse_day("1993-02-29").unwrap_err().contains("not a day"));
        assert!(parse_day("1993-13-01").unwrap_err().contains("not a day"));
        assert!(parse_day("93-1-1").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn ranges_parse_with_and_without_a_format() {
        let field = parse_ts_range(
            "2026-01-01T00:00:00Z..2026-01-01T00:00:01Z:unix_ms",
            &mut no_columns,
        )
        .unwrap();
        assert_eq!(
            field,
            Field::TsRange {
                lo: 1_767_225_600_000_000_000,
                span: 1_000_000_001,
                format: TsFormat::UnixMs,
                from: None
            }
        );
        let err = parse_date(Some("1998-12-31..1992-01-01"), &mut no_columns).unwrap_err();
        assert!(err.contains("empty"), "{err}");
        let err = parse_date(Some("@ship+1..30"), &mut no_columns).unwrap_err();
        assert!(err.contains("no column `ship`"), "{err}");
    }

    #[test]
    fn durations_take_units_and_signs() {
        assert_eq!(duration("1s"), Ok(1_000_000_000));
        assert_eq!(duration("-2m"), Ok(-120_000_000_000));
        assert_eq!(duration("0"), Ok(0));
        assert!(duration("soon").unwrap_err().contains("duration"));
    }

    #[test]
    fn the_fast_calendar_agrees_with_hinnants_on_every_day() {
        for days in FIRST_DAY..=LAST_DAY {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(civil_fast(days), (y as u32, m, d), "day {days}");
        }
    }

    #[test]
    fn dates_are_written_as_iso_days() {
        let mut buf = [0u8; 10];
        let mut out = Out::new(&mut buf);
        write_date(8035, &mut out).unwrap();
        assert_eq!(&buf, b"1992-01-01");
        for (days, text) in [(i64::MIN, b"0000-01-01"), (i64::MAX, b"9999-12-31")] {
            let mut out = Out::new(&mut buf);
            write_date(days, &mut out).unwrap();
            assert_eq!(&buf, text);
        }
    }

    #[test]
    fn dates_and_times_stay_in_their_range() {
        for i in 0..2000 {
            let date = render("date", Some("1992-01-01..1992-01-31"), i);
            assert!(
                ("1992-01-01"..="1992-01-31").contains(&date.as_str()),
                "{date}"
            );
            let ts = render(
                "ts",
                Some("2026-01-01T00:00:00Z..2026-01-01T00:59:59Z:unix"),
                i,
            );
            let ts: i64 = ts.parse().unwrap();
            assert!((1_767_225_600..1_767_229_200).contains(&ts), "{ts}");
        }
        let ends: std::collections::BTreeSet<String> = (0..2000)
            .map(|i| render("date", Some("2000-02-28..2000-03-01"), i))
            .collect();
        assert_eq!(
            ends.into_iter().collect::<Vec<_>>(),
            ["2000-02-28", "2000-02-29", "2000-03-01"]
        );
    }
}
