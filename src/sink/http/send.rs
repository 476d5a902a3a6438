//! One batch, sent until the server takes it: the server's backpressure
//! (429, 503) waits as `Retry-After` says and sends the same bytes again;
//! resets and other 5xx are retried up to `--retry`; any other 4xx stops
//! the run with the status and the start of the body.
//!
//! A batch is answered 2xx exactly once, so nothing is lost and nothing
//! sent twice once it succeeds (a reset after the server took a batch but
//! before it answered is the one case HTTP/1.1 cannot tell apart).

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use ureq::Agent;
use ureq::http::Response;

use super::retry::{Backoff, retry_after};
use super::{HttpCounters, HttpOptions, Method};
use crate::sink::interrupted;
use crate::sink::{STOP_SLICE, sleep_unless};

/// How much of a refusing response's body an error quotes.
const QUOTED: usize = 200;

/// What one worker needs to send: the client, the options, the counters
/// it adds to, and the stop flag its waits watch.
pub struct Sender {
    pub agent: Agent,
    pub options: Arc<HttpOptions>,
    pub counters: Arc<HttpCounters>,
    pub stop: Arc<AtomicBool>,
    /// Set when another batch failed: the run is over, so waiting to
    /// retry this one is pointless.
    pub abort: Arc<AtomicBool>,
}

/// What came back for one attempt.
pub(super) struct Answer {
    pub status: u16,
    retry_after: Option<String>,
    /// The first [`QUOTED`] bytes of the body.
    quoted: Vec<u8>,
}

impl Sender {
    /// Sends `body` (batch number `sequence`) until a 2xx; returns how long
    /// the request that succeeded took, send to full response, in ns.
    pub fn send(&self, body: &[u8], sequence: u64) -> io::Result<u64> {
        let options = &*self.options;
        let mut backoff = Backoff::default();
        let mut failures = 0u32;
        loop {
            let started = Instant::now();
            let attempt = self.attempt(body, sequence);
            let took = started.elapsed().as_nanos() as u64;
            let why = match attempt {
                Ok(answer) => {
                    self.counters.status(answer.status);
                    match answer.status {
                        200..=299 => return Ok(took),
                        429 | 503 => {
                            // The server's own backpressure: as many waits
                            // as it asks for, counted as pauses.
                            let wait = answer
                                .retry_after
                                .as_deref()
                                .and_then(|value| retry_after(value, SystemTime::now()))
                                .unwrap_or_else(|| backoff.pause());
                            let paused = Instant::now();
                            self.counters.server_pauses.fetch_add(1, Ordering::Relaxed);
                            let waited = self.sleep(wait);
                            self.counters
                                .server_paused_ns
                                .fetch_add(paused.elapsed().as_nanos() as u64, Ordering::Relaxed);
                            if !waited {
                                return Err(interrupted(&format!(
                                    "while waiting to retry after the server answered {}",
                                    answer.status
                                )));
                            }
                            self.again(body);
                            continue;
                        }
                        500..=599 => refused(&answer),
                        _ => return Err(io::Error::other(refused(&answer))),
                    }
                }
                Err(err) => match transport(&err, options) {
                    Transport::Retry(why) => why,
                    Transport::Fatal(why) => return Err(io::Error::other(why)),
                },
            };
            failures += 1;
            if failures > options.retry {
                let attempts = match failures {
                    1 => String::new(),
                    n => format!(" ({n} attempts)"),
                };
                return Err(io::Error::other(format!("{why}{attempts}")));
            }
            if !self.sleep(backoff.pause()) {
                return Err(interrupted(&format!("while waiting to retry after {why}")));
            }
            self.again(body);
        }
    }

    /// Sleeps unless Ctrl-C or a failed batch cuts it short; false if so.
    fn sleep(&self, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        loop {
            if self.abort.load(Ordering::Relaxed) {
                return false;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            if !sleep_unless(&self.stop, left.min(STOP_SLICE)) {
                return false;
            }
        }
    }

    fn again(&self, body: &[u8]) {
        self.counters.retries.fetch_add(1, Ordering::Relaxed);
        self.counters
            .retried_bytes
            .fetch_add(body.len() as u64, Ordering::Relaxed);
    }

    fn attempt(&self, body: &[u8], sequence: u64) -> Result<Answer, ureq::Error> {
        let options = &*self.options;
        let request = match options.method {
            Method::Post => self.agent.post(&options.url),
            Method::Put => self.agent.put(&options.url),
        };
        let mut request = request
            .header("Content-Type", &options.content_type)
            .header("X-Gush-Seq", sequence);
        for (name, value) in &options.headers {
            request = request.header(name, value);
        }
        let response = request.send(body)?;
        Ok(answer(response))
    }
}

/// Reads the whole response, so the connection can be used again, keeping
/// the start of its body to quote.
pub(super) fn answer(mut response: Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let mut quoted = Vec::new();
    let mut reader = response.body_mut().as_reader();
    let mut buffer = [0u8; 4096];
    // A body that fails midway still has its status: the status decides.
    while let Ok(n) = reader.read(&mut buffer) {
        if n == 0 {
            break;
        }
        let room = QUOTED.saturating_sub(quoted.len());
        quoted.extend_from_slice(&buffer[..n.min(room)]);
    }
    Answer {
        status,
        retry_after,
        quoted,
    }
}

/// `the server answered 400 Bad Request: "…"`.
pub(super) fn refused(answer: &Answer) -> String {
    let reason = ureq::http::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map_or(String::new(), |reason| format!(" {reason}"));
    let body = String::from_utf8_lossy(&answer.quoted);
    let body = body.trim();
    match body.is_empty() {
        true => format!("the server answered {}{reason}", answer.status),
        false => format!("the server answered {}{reason}: {body:?}", answer.status),
    }
}

pub(super) enum Transport {
    Retry(String),
    Fatal(String),
}

/// A failure below HTTP: connections that were refused or reset are
/// retried; timeouts are not (the server may be working on the batch, and
/// a second copy would be a duplicate), and each names its flag.
pub(super) fn transport(err: &ureq::Error, options: &HttpOptions) -> Transport {
    use ureq::Timeout;
    let shown = |duration| humantime::format_duration(duration).to_string();
    match err {
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => Transport::Fatal(format!(
            "connecting timed out after {} (--connect-timeout)",
            shown(options.connect_timeout)
        )),
        ureq::Error::Timeout(_) => Transport::Fatal(format!(
            "no response within {} (--request-timeout)",
            options.request_timeout.map_or("its limit".into(), shown)
        )),
        ureq::Error::Io(io) => Transport::Retry(crate::net::describe(io)),
        ureq::Error::ConnectionFailed | ureq::Error::Protocol(_) => {
            Transport::Retry(err.to_string())
        }
        ureq::Error::HostNotFound => {
            Transport::Fatal(format!("cannot resolve the host of {}", options.url))
        }
        _ => Transport::Fatal(err.to_string()),
    }
}
