//! What to do after each attempt at one batch: done, wait as the server
//! asked (429, 503) and send it again, back off and retry a failure, or
//! give up; and how long the server's own `Retry-After` asks for (RFC 9110
//! §10.2.3: delay-seconds or an HTTP-date).
//!
//! Kept apart from the sending because it is pure arithmetic on answers,
//! strings and times, tested here without a server, and because every way
//! of sending a batch follows the same course.

use std::time::{Duration, SystemTime};

use crate::net::backoff::{AFTER_FAILURE, Backoff, SERVER_PAUSE};

/// How one attempt went, as far as the course is concerned.
#[derive(Clone)]
pub enum Attempt<'a> {
    /// A response, with its status, `Retry-After` and the quoted body.
    Answered {
        status: u16,
        retry_after: Option<&'a str>,
        quoted: &'a [u8],
    },
    /// A failure below HTTP worth another try (a reset, a refused
    /// connection), told in words.
    Failed(String),
    /// A failure no retry mends (a timeout, a certificate), in words.
    Fatal(String),
}

/// What comes next.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Answered 2xx.
    Done,
    /// The server pushed back: wait this long, then send the same bytes.
    Pause(Duration),
    /// It failed: wait this long, then send the same bytes.
    Retry(Duration),
    /// The run stops, for this reason.
    GiveUp(String),
}

/// One batch's way through refusals and failures.
#[derive(Debug)]
pub struct Course {
    /// `--retry`: failures (resets, 5xx other than 503) allowed.
    retry: u32,
    /// `--max-pause`: the most the server may hold one batch back.
    max_pause: Duration,
    failures: u32,
    after_failure: Backoff,
    floor: Backoff,
    /// The server's pauses so far, and what they asked for in all.
    pauses: u32,
    paused: Duration,
    /// The last refusal, to name if the batch ends in a failure.
    last_status: Option<u16>,
}

impl Course {
    pub fn new(retry: u32, max_pause: Duration) -> Course {
        Course {
            retry,
            max_pause,
            failures: 0,
            after_failure: AFTER_FAILURE,
            floor: SERVER_PAUSE,
            pauses: 0,
            paused: Duration::ZERO,
            last_status: None,
        }
    }

    /// Weighs one attempt, at `now` (for a `Retry-After` date).
    pub fn next(&mut self, attempt: Attempt, now: SystemTime) -> Next {
        let why = match attempt {
            Attempt::Answered { status, .. } if (200..=299).contains(&status) => return Next::Done,
            Attempt::Answered {
                status: status @ (429 | 503),
                retry_after,
                ..
            } => {
                // The server's own backpressure, but never less than the
                // floor: `Retry-After: 0` is no licence to spin.
                let asked = retry_after.and_then(|value| self::retry_after(value, now));
                let floor = self.floor.pause();
                let wait = asked.map_or(floor, |asked| asked.max(floor));
                self.last_status = Some(status);
                if self.paused + wait > self.max_pause {
                    return Next::GiveUp(format!(
                        "{} to the same batch {} times over {}{}; waiting more would pass --max-pause {} (raise it, or send slower with --rate)",
                        answered(status, &[]),
                        self.pauses + 1,
                        shown(self.paused),
                        retry_after.map_or(String::new(), |v| format!(" (Retry-After: {v})")),
                        shown(self.max_pause),
                    ));
                }
                self.pauses += 1;
                self.paused += wait;
                return Next::Pause(wait);
            }
            Attempt::Answered {
                status: status @ 500..=599,
                quoted,
                ..
            } => answered(status, quoted),
            Attempt::Answered { status, quoted, .. } => {
                return Next::GiveUp(answered(status, quoted));
            }
            Attempt::Fatal(why) => return Next::GiveUp(why),
            Attempt::Failed(why) => match self.last_status {
                // A failure after refusals: the refusals are the news.
                Some(status) => format!(
                    "{why}, after the server answered {status} to the batch {} times",
                    self.pauses
                ),
                None => why,
            },
        };
        self.failures += 1;
        if self.failures > self.retry {
            return Next::GiveUp(match self.failures {
                1 => why,
                n => format!("{why} ({n} attempts)"),
            });
        }
        Next::Retry(self.after_failure.pause())
    }
}

fn shown(duration: Duration) -> String {
    // Whole milliseconds: `1s 300ms`, not nanoseconds.
    let millis = Duration::from_millis(duration.as_millis() as u64);
    humantime::format_duration(millis).to_string()
}

/// `the server answered 400 Bad Request: "…"`, quoting the start of the
/// body when there is one.
pub fn answered(status: u16, quoted: &[u8]) -> String {
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map_or(String::new(), |reason| format!(" {reason}"));
    let body = String::from_utf8_lossy(quoted);
    let body = body.trim();
    match body.is_empty() {
        true => format!("the server answered {status}{reason}"),
        false => format!("the server answered {status}{reason}: {body:?}"),
    }
}

/// The wait a `Retry-After` value asks for, as of `now`: seconds (a
/// fraction is taken too, as `gush catch --reject` sends `0.05`), or an
/// HTTP date, of which a past one means at once. `None` for a value that
/// is neither, so the caller falls back to its backoff.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_and_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(" 0.05 ", now), Some(Duration::from_millis(50)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:30 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["", "soon", "-1", "NaN"] {
            assert_eq!(retry_after(bad, now), None, "{bad}");
        }
    }

    fn refused(status: u16, retry_after: Option<&str>) -> Attempt<'_> {
        Attempt::Answered {
            status,
            retry_after,
            quoted: b"",
        }
    }

    #[test]
    fn retry_after_zero_still_waits_a_growing_floor_up_to_the_cap() {
        let mut course = Course::new(3, Duration::from_secs(1));
        let now = SystemTime::now();
        let mut waits = Vec::new();
        let given_up = loop {
            match course.next(refused(429, Some("0")), now) {
                Next::Pause(wait) => waits.push(wait.as_millis()),
                Next::GiveUp(why) => break why,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(waits, [10, 20, 40, 80, 160, 320]);
        assert!(given_up.contains("429 Too Many Requests"), "{given_up}");
        assert!(given_up.contains("--max-pause 1s"), "{given_up}");
    }

    #[test]
    fn the_server_asking_longer_than_the_floor_is_obeyed() {
        let mut course = Course::new(0, Duration::from_secs(60));
        let now = SystemTime::now();
        assert_eq!(
            course.next(refused(503, Some("2")), now),
            Next::Pause(Duration::from_secs(2))
        );
        // No Retry-After: the floor.
        assert_eq!(
            course.next(refused(503, None), now),
            Next::Pause(Duration::from_millis(20))
        );
    }

    #[test]
    fn failures_back_off_then_give_up_naming_earlier_refusals() {
        let mut course = Course::new(1, Duration::from_secs(60));
        let now = SystemTime::now();
        assert!(matches!(
            course.next(refused(429, None), now),
            Next::Pause(_)
        ));
        let reset = || Attempt::Failed("connection reset by peer".into());
        assert_eq!(
            course.next(reset(), now),
            Next::Retry(Duration::from_millis(100))
        );
        let Next::GiveUp(why) = course.next(reset(), now) else {
            panic!("a second failure past --retry 1 gives up");
        };
        assert!(why.contains("after the server answered 429"), "{why}");
        assert!(why.contains("(2 attempts)"), "{why}");
        let mut course = Course::new(5, Duration::from_secs(60));
        let bad = Attempt::Answered {
            status: 400,
            retry_after: None,
            quoted: b"no",
        };
        assert_eq!(
            course.next(bad, now),
            Next::GiveUp("the server answered 400 Bad Request: \"no\"".into())
        );
    }
}
