//! One batch over ureq (https; plain http goes by `multiplex.rs`), sent
//! until the server takes it: the [`Course`] in `retry.rs` says after
//! each attempt whether to wait as the server asked, back off and retry,
//! or give up; this file does the waiting and the asking.
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

use super::retry::{Attempt, Course, Next};
use super::{HttpCounters, HttpOptions, Method};
use crate::sink::interrupted;
use crate::sink::{STOP_SLICE, sleep_unless};

/// How much of a refusing response's body an error quotes.
pub(super) const QUOTED: usize = 200;

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
    pub retry_after: Option<String>,
    /// The first [`QUOTED`] bytes of the body.
    pub quoted: Vec<u8>,
}

impl Answer {
    pub fn attempt(&self) -> Attempt<'_> {
        Attempt::Answered {
            status: self.status,
            retry_after: self.retry_after.as_deref(),
            quoted: &self.quoted,
        }
    }
}

impl Sender {
    /// Sends the batch `header` + `body` (number `sequence`) until a 2xx;
    /// returns how long the request that succeeded took, send to full
    /// response, in ns. `spare` is room to join the two for ureq.
    pub fn send(
        &self,
        header: &[u8],
        body: &[u8],
        sequence: u64,
        spare: &mut Vec<u8>,
    ) -> io::Result<u64> {
        let options = Arc::clone(&self.options);
        let mut course = Course::new(options.retry, options.max_pause);
        let length = (header.len() + body.len()) as u64;
        loop {
            let started = Instant::now();
            let whole = match header.is_empty() {
                true => body,
                false => {
                    spare.clear();
                    spare.extend_from_slice(header);
                    spare.extend_from_slice(body);
                    &spare[..]
                }
            };
            let attempt = self
                .attempt(whole, sequence)
                .map_err(|err| transport(&err, &options));
            let took = started.elapsed().as_nanos() as u64;
            let next = match attempt {
                Ok(ref answer) => {
                    self.counters.status(answer.status);
                    course.next(answer.attempt(), SystemTime::now())
                }
                Err(ref failed) => course.next(failed.clone(), SystemTime::now()),
            };
            match next {
                Next::Done => return Ok(took),
                Next::GiveUp(why) => return Err(io::Error::other(why)),
                Next::Pause(wait) => {
                    let status = attempt.as_ref().map_or(0, |answer| answer.status);
                    self.counters.server_pauses.fetch_add(1, Ordering::Relaxed);
                    let paused = Instant::now();
                    let waited = self.sleep(wait);
                    self.counters
                        .server_paused_ns
                        .fetch_add(paused.elapsed().as_nanos() as u64, Ordering::Relaxed);
                    waited.map_err(|cut| {
                        cut(&format!(
                            "while waiting to retry after the server answered {status}"
                        ))
                    })?;
                }
                Next::Retry(wait) => {
                    self.sleep(wait)
                        .map_err(|cut| cut("while waiting to retry a failed request"))?;
                }
            }
            self.again(length);
        }
    }

    /// Sleeps unless Ctrl-C or a failed batch cuts it short; if one does,
    /// the error to end in, given what was being waited for.
    fn sleep(&self, wait: Duration) -> Result<(), fn(&str) -> io::Error> {
        let until = Instant::now() + wait;
        loop {
            if self.abort.load(Ordering::Relaxed) {
                // Another batch failed: its error is the one reported.
                return Err(|what| io::Error::other(format!("gave up {what}")));
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            if !sleep_unless(&self.stop, left.min(STOP_SLICE)) {
                return Err(interrupted);
            }
        }
    }

    fn again(&self, length: u64) {
        self.counters.retries.fetch_add(1, Ordering::Relaxed);
        self.counters
            .retried_bytes
            .fetch_add(length, Ordering::Relaxed);
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

/// Connecting by hand failed: a timeout is final, as ureq's is.
pub(super) fn connect_failed(err: &io::Error, options: &HttpOptions) -> Attempt<'static> {
    match err.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Attempt::Fatal(format!(
            "connecting timed out after {} (--connect-timeout)",
            humantime::format_duration(options.connect_timeout)
        )),
        _ => Attempt::Failed(crate::net::describe(err)),
    }
}

/// No response in time: final, as the server may be working on the batch.
pub(super) fn no_response(options: &HttpOptions) -> Attempt<'static> {
    Attempt::Fatal(format!(
        "no response within {} (--request-timeout)",
        options
            .request_timeout
            .map_or("its limit".into(), |limit| humantime::format_duration(
                limit
            )
            .to_string())
    ))
}

/// A failure below HTTP: connections that were refused or reset are
/// retried; timeouts are not (the server may be working on the batch, and
/// a second copy would be a duplicate), nor is a certificate refused
/// (trying again changes nothing), and each names its flag.
pub(super) fn transport<'a>(err: &ureq::Error, options: &HttpOptions) -> Attempt<'a> {
    use ureq::Timeout;
    let shown = |duration| humantime::format_duration(duration).to_string();
    match err {
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => Attempt::Fatal(format!(
            "connecting timed out after {} (--connect-timeout)",
            shown(options.connect_timeout)
        )),
        ureq::Error::Timeout(_) => no_response(options),
        ureq::Error::Rustls(tls) => Attempt::Fatal(super::tls::describe(tls, options)),
        ureq::Error::Io(io) => match io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(tls) => Attempt::Fatal(super::tls::describe(tls, options)),
            None => Attempt::Failed(crate::net::describe(io)),
        },
        ureq::Error::ConnectionFailed | ureq::Error::Protocol(_) => {
            Attempt::Failed(err.to_string())
        }
        ureq::Error::HostNotFound => Attempt::Fatal(format!(
            "cannot resolve the host of {}",
            options.shown_url()
        )),
        _ => Attempt::Fatal(err.to_string()),
    }
}
