//! `gush catch --http`: one connection served as HTTP/1.1, over TCP or
//! TLS. A small strict server, enough to receive what gush and curl send:
//! POST and PUT with Content-Length or chunked bodies (RFC 9112 §6, §7.1),
//! kept alive until the client closes or idles. Bodies are counted (bytes,
//! lines) and saved; `--reject PCT` answers a seeded share of requests with
//! 429 and Retry-After instead, so a sender's backpressure handling can be
//! seen without an outside server.
//!
//! A body that carries `X-Gush-Seq` (gush's batches) is saved in sequence
//! order, whatever order the connections deliver it in (`reorder`); other
//! bodies are saved as they arrive.

use std::cell::Cell;
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use socket2::Socket;

use super::connection::{STOP_CHECK, Shared};
use crate::language::seeded;
use head::Refused;
use patient::{Patience, Patient, linger};
pub use reorder::Reorder;
use wire::Wire;

mod head;
mod patient;
mod reorder;
mod wire;

/// How an HTTP catch answers, shared by its connections.
pub struct HttpServe {
    /// The share of requests answered 429, 0 to 1.
    pub reject: f64,
    /// The Retry-After of a 429 (`--reject`) and of a 503 (`--hwm` full).
    pub retry_after: String,
    pub seed: u64,
    /// Requests received, numbered for the seeded reject draw.
    pub requests: AtomicU64,
    pub rejected: AtomicU64,
    /// Answered 503: `--hwm` was full of bodies waiting for their turn.
    pub busy: AtomicU64,
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub reorder: Reorder,
    pub idle_timeout: Duration,
    pub header_timeout: Duration,
}

impl HttpServe {
    /// Saves bodies still waiting for a batch that never came.
    pub fn save_waiting(&self, shared: &Shared) -> Result<()> {
        self.reorder.save_waiting(shared)
    }
}

/// What a connection received.
#[derive(Default)]
pub struct Received {
    pub bytes: u64,
    pub records: u64,
}

impl Received {
    fn add(&mut self, shared: &Shared, bytes: u64, lines: u64) {
        self.bytes += bytes;
        self.records += lines;
        shared.live.bytes.fetch_add(bytes, Ordering::Relaxed);
        shared.live.records.fetch_add(lines, Ordering::Relaxed);
    }
}

/// Serves requests on `stream` until the client closes it or leaves it
/// idle. An `Err` is a refused request (answered first), or a failed read
/// or save.
fn serve<S: Read + Write>(
    stream: S,
    shared: &Shared,
    serve: &HttpServe,
    patience: &Cell<Patience>,
    received: &mut Received,
) -> Result<()> {
    let mut wire = Wire::new(stream);
    loop {
        patience.set(Patience::Idle(serve.idle_timeout));
        if !wire.wait_for_request()? {
            return Ok(());
        }
        patience.set(Patience::HeadBy {
            deadline: Instant::now() + serve.header_timeout,
            limit: serve.header_timeout,
        });
        let head = wire.read_head().or_else(|err| refuse(&mut wire, err))?;
        patience.set(Patience::Idle(serve.idle_timeout));
        if head.expect_continue {
            wire.respond_raw(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let number = serve.requests.fetch_add(1, Ordering::Relaxed);
        let reject = head.takes_body && draw(serve.seed, number) < serve.reject;
        let accepted = head.takes_body && !reject;
        // Sequenced bodies wait for their turn only when saving.
        let mut intake = head
            .sequence
            .filter(|_| accepted && shared.output.is_some())
            .map(|sequence| serve.reorder.begin(sequence));
        let (mut bytes, mut lines) = (0u64, 0u64);
        wire.read_body(&head, |piece| {
            if !accepted {
                return Ok(());
            }
            let piece_lines = memchr::memchr_iter(b'\n', piece).count() as u64;
            match intake.as_mut() {
                // Counted once the body is taken whole.
                Some(intake) => {
                    bytes += piece.len() as u64;
                    lines += piece_lines;
                    intake.take(shared, piece)
                }
                None => {
                    received.add(shared, piece.len() as u64, piece_lines);
                    shared.save(piece)
                }
            }
            .map_err(could_not_save)
        })
        .or_else(|err| refuse(&mut wire, err))?;
        let taken = match intake {
            Some(intake) => intake
                .finish(shared)
                .map_err(could_not_save)
                .or_else(|err| refuse(&mut wire, err))?,
            None => true,
        };
        if !head.takes_body {
            wire.respond(
                "405 Method Not Allowed",
                &[("Allow", "POST, PUT")],
                "gush catch takes POST and PUT\n",
            )?;
        } else if reject {
            serve.rejected.fetch_add(1, Ordering::Relaxed);
            wire.respond(
                "429 Too Many Requests",
                &[("Retry-After", &serve.retry_after)],
                "",
            )?;
        } else if !taken {
            serve.busy.fetch_add(1, Ordering::Relaxed);
            wire.respond(
                "503 Service Unavailable",
                &[("Retry-After", &serve.retry_after)],
                "gush catch: --hwm is full of batches waiting for an earlier one\n",
            )?;
        } else {
            received.add(shared, bytes, lines);
            wire.respond("200 OK", &[], "")?;
        }
        if head.close {
            return Ok(());
        }
    }
}

/// Answers a refused request with its status before the error ends the
/// connection; other errors (a read that failed) are passed on as they are.
fn refuse<S: Read + Write, T>(wire: &mut Wire<S>, err: anyhow::Error) -> Result<T> {
    if let Some(refused) = err.downcast_ref::<Refused>() {
        let _ = wire.respond(
            refused.status,
            &[("Connection", "close")],
            &format!("gush catch: {}\n", refused.why),
        );
    }
    Err(err)
}

/// A body that could not be saved is answered 500: the client must not
/// take it for delivered.
fn could_not_save(err: anyhow::Error) -> anyhow::Error {
    anyhow::anyhow!(Refused {
        status: "500 Internal Server Error",
        why: format!("{err:#}"),
    })
}

/// One connection served as HTTP, over TLS with `--tls-cert`.
pub(super) fn serve_connection(
    socket: &Socket,
    shared: &Shared,
    http: &HttpServe,
) -> (Result<()>, Received) {
    let mut received = Received::default();
    let patience = Cell::new(Patience::Idle(http.idle_timeout));
    let patient = Patient {
        socket,
        shared,
        patience: &patience,
    };
    let served = socket
        .set_read_timeout(Some(STOP_CHECK))
        // A client that stops reading its answers must not hold a slot.
        .and_then(|()| socket.set_write_timeout(Some(http.idle_timeout)))
        .context("cannot set up the connection")
        .and_then(|()| match &http.tls {
            None => serve(patient, shared, http, &patience, &mut received),
            Some(tls) => {
                let connection =
                    rustls::ServerConnection::new(Arc::clone(tls)).context("cannot start TLS")?;
                let stream = rustls::StreamOwned::new(connection, patient);
                serve(stream, shared, http, &patience, &mut received)
            }
        });
    if let Err(err) = &served
        && err.downcast_ref::<Refused>().is_some()
    {
        linger(socket);
    }
    (served, received)
}

/// A number in [0, 1) drawn from the seed and the request's number with
/// the seeded stream's key, so a run with one connection rejects the same
/// requests every time.
fn draw(seed: u64, number: u64) -> f64 {
    (seeded::block_key(seed, number) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draw_is_seeded_and_fair() {
        let rejected = (0..10_000).filter(|&n| draw(7, n) < 0.1).count();
        assert!((900..1100).contains(&rejected), "{rejected}");
        assert_eq!(draw(7, 42), draw(7, 42));
        assert_ne!(draw(7, 42), draw(8, 42));
    }
}
