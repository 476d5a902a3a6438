//! Timestamps for `{ts}`: where they come from (a simulated clock that
//! advances a fixed step per record, or the wall clock) and how they are
//! written in each format.
//!
//! Formatting must not cost a calendar conversion per record, so the civil
//! date and time of the current second are cached and only the sub-second
//! digits change between most records.

use std::time::{SystemTime, UNIX_EPOCH};

/// Where record timestamps come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// Record `i` is stamped `start + i × step`: a pure function of the
    /// record index, so seeded runs and shards reproduce it.
    Simulated { start_ns: i64, step_ns: i64 },
    /// The wall clock, read once per chunk (not once per record).
    Live,
}

impl TimeSource {
    pub fn live_now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i64)
    }
}

/// The formats `{ts:FORMAT}` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsFormat {
    /// `2026-01-01T00:00:00Z`
    Rfc3339,
    /// `2026-01-01T00:00:00.000Z`
    Rfc3339Ms,
    /// Seconds since the epoch.
    Unix,
    /// Milliseconds since the epoch.
    UnixMs,
    /// Apache's common log format: `10/Oct/2000:13:55:36 +0000`.
    Clf,
    /// BSD syslog (RFC 3164 §4.1.2): `Oct 11 22:14:15`, day space-padded.
    Rfc3164,
    /// `2026-01-01`
    Date,
    /// `13:55:36`
    Time,
    /// Apache's error-log time, `asctime`'s layout with the day zero-padded:
    /// `Wed Oct 11 14:32:52 2000`.
    Ctime,
}

pub const TS_FORMATS: &[(&str, TsFormat)] = &[
    ("rfc3339", TsFormat::Rfc3339),
    ("rfc3339ms", TsFormat::Rfc3339Ms),
    ("unix", TsFormat::Unix),
    ("unix_ms", TsFormat::UnixMs),
    ("clf", TsFormat::Clf),
    ("rfc3164", TsFormat::Rfc3164),
    ("date", TsFormat::Date),
    ("time", TsFormat::Time),
    ("ctime", TsFormat::Ctime),
];

const WEEKDAYS: [&[u8; 3]; 7] = [b"Sun", b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat"];

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// The civil date and time of one second, kept until the next second.
#[derive(Debug, Clone)]
pub struct Civil {
    second: i64,
    /// `YYYY-MM-DD`
    pub date: [u8; 10],
    /// `HH:MM:SS`
    pub time: [u8; 8],
    pub month: usize,
    pub day: u32,
    pub weekday: usize,
}

impl Default for Civil {
    fn default() -> Civil {
        let mut civil = Civil {
            second: 0,
            date: [0; 10],
            time: [0; 8],
            month: 0,
            day: 0,
            weekday: 0,
        };
        civil.compute(0);
        civil
    }
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic
/// Gregorian: Howard Hinnant's `civil_from_days`
/// (<https://howardhinnant.github.io/date_algorithms.html>).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn two(out: &mut [u8], n: u32) {
    out[0] = b'0' + (n / 10) as u8;
    out[1] = b'0' + (n % 10) as u8;
}

impl Civil {
    fn compute(&mut self, second: i64) {
        self.second = second;
        let (year, month, day) = civil_from_days(second.div_euclid(86_400));
        let in_day = second.rem_euclid(86_400) as u32;
        let year = year.clamp(0, 9999) as u32;
        two(&mut self.date[0..2], year / 100);
        two(&mut self.date[2..4], year % 100);
        self.date[4] = b'-';
        two(&mut self.date[5..7], month);
        self.date[7] = b'-';
        two(&mut self.date[8..10], day);
        two(&mut self.time[0..2], in_day / 3600);
        self.time[2] = b':';
        two(&mut self.time[3..5], in_day / 60 % 60);
        self.time[5] = b':';
        two(&mut self.time[6..8], in_day % 60);
        self.month = month as usize - 1;
        self.day = day;
        // 1970-01-01 was a Thursday.
        self.weekday = (second.div_euclid(86_400) + 4).rem_euclid(7) as usize;
    }

    /// Writes `ns` (nanoseconds since the epoch) in `format` into `scratch`,
    /// returning the bytes written.
    pub fn format<'s>(&mut self, ns: i64, format: TsFormat, scratch: &'s mut [u8; 40]) -> &'s [u8] {
        let second = ns.div_euclid(1_000_000_000);
        let millis = (ns.rem_euclid(1_000_000_000) / 1_000_000) as u32;
        if second != self.second {
            self.compute(second);
        }
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            scratch[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        let mut digits = itoa::Buffer::new();
        match format {
            TsFormat::Rfc3339 | TsFormat::Rfc3339Ms => {
                put(&self.date);
                put(b"T");
                put(&self.time);
                if format == TsFormat::Rfc3339Ms {
                    let ms = [
                        b'.',
                        b'0' + (millis / 100) as u8,
                        b'0' + (millis / 10 % 10) as u8,
                        b'0' + (millis % 10) as u8,
                    ];
                    put(&ms);
                }
                put(b"Z");
            }
            TsFormat::Unix => put(digits.format(second).as_bytes()),
            TsFormat::UnixMs => put(digits.format(ns.div_euclid(1_000_000)).as_bytes()),
            TsFormat::Clf => {
                put(&self.date[8..10]);
                put(b"/");
                put(MONTHS[self.month]);
                put(b"/");
                put(&self.date[0..4]);
                put(b":");
                put(&self.time);
                put(b" +0000");
            }
            TsFormat::Rfc3164 => {
                put(MONTHS[self.month]);
                let day = [
                    b' ',
                    if self.day < 10 {
                        b' '
                    } else {
                        b'0' + (self.day / 10) as u8
                    },
                    b'0' + (self.day % 10) as u8,
                ];
                put(&day);
                put(b" ");
                put(&self.time);
            }
            TsFormat::Ctime => {
                put(WEEKDAYS[self.weekday]);
                put(b" ");
                put(MONTHS[self.month]);
                put(&[
                    b' ',
                    b'0' + (self.day / 10) as u8,
                    b'0' + (self.day % 10) as u8,
                ]);
                put(b" ");
                put(&self.time);
                put(b" ");
                put(&self.date[0..4]);
            }
            TsFormat::Date => put(&self.date),
            TsFormat::Time => put(&self.time),
        }
        &scratch[..at]
    }
}

/// Parses `--start-time`: RFC 3339, such as `2026-01-01T00:00:00Z`.
pub fn parse_start_time(arg: &str) -> Result<i64, String> {
    let time = humantime::parse_rfc3339_weak(arg).map_err(|err| {
        format!("`{arg}` is not an RFC 3339 time ({err}); try 2026-01-01T00:00:00Z")
    })?;
    let ns = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i64,
        Err(before) => -(before.duration().as_nanos() as i64),
    };
    Ok(ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(ns: i64, format: TsFormat) -> String {
        let mut civil = Civil::default();
        let mut scratch = [0; 40];
        String::from_utf8(civil.format(ns, format, &mut scratch).to_vec()).unwrap()
    }

    #[test]
    fn formats_a_known_instant() {
        // 2000-10-10T13:55:36.789Z, Apache's documentation example.
        let ns = 971_186_136_789_000_000;
        assert_eq!(show(ns, TsFormat::Rfc3339), "2000-10-10T13:55:36Z");
        assert_eq!(show(ns, TsFormat::Rfc3339Ms), "2000-10-10T13:55:36.789Z");
        assert_eq!(show(ns, TsFormat::Clf), "10/Oct/2000:13:55:36 +0000");
        assert_eq!(show(ns, TsFormat::Rfc3164), "Oct 10 13:55:36");
        assert_eq!(show(ns, TsFormat::Unix), "971186136");
        assert_eq!(show(ns, TsFormat::UnixMs), "971186136789");
        assert_eq!(show(ns, TsFormat::Date), "2000-10-10");
        assert_eq!(show(ns, TsFormat::Time), "13:55:36");
        assert_eq!(show(ns, TsFormat::Ctime), "Tue Oct 10 13:55:36 2000");
    }

    #[test]
    fn pads_single_digit_days_with_a_space_for_syslog() {
        let ns = parse_start_time("2026-03-05T01:02:03Z").unwrap();
        assert_eq!(show(ns, TsFormat::Rfc3164), "Mar  5 01:02:03");
    }

    #[test]
    fn civil_dates_match_known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
    }
}
