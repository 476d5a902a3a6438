//! `gush catch --http`: one connection served as HTTP/1.1, over TCP or
//! TLS. A small strict server, enough to receive what gush and curl send:
//! POST and PUT with Content-Length or chunked bodies (RFC 9112 §6, §7.1),
//! kept alive until the client closes. Bodies are counted (bytes, lines)
//! and saved; `--reject PCT` answers a seeded share of requests with 429
//! and Retry-After instead, so a sender's backpressure handling can be
//! seen without an outside server.
//!
//! A body that carries `X-Gush-Seq` (gush's batches) is saved in sequence
//! order, whatever order the connections deliver it in; other bodies are
//! saved as they arrive.

use std::collections::BTreeMap;
use std::io::{self, BufReader, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use socket2::Socket;

use super::connection::{Ending, STOP_CHECK, Shared};
use crate::net::describe;
use wire::{read_body, read_head, respond, respond_raw};

mod wire;

/// How an HTTP catch answers, shared by its connections.
pub struct HttpServe {
    /// The share of requests answered 429, 0 to 1.
    pub reject: f64,
    pub retry_after: String,
    pub seed: u64,
    /// Requests received, numbered for the seeded reject draw.
    pub requests: AtomicU64,
    pub rejected: AtomicU64,
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Bodies waiting for an earlier `X-Gush-Seq` before they are saved.
    pub reorder: Mutex<Reorder>,
}

#[derive(Default)]
pub struct Reorder {
    next: u64,
    waiting: BTreeMap<u64, Vec<u8>>,
}

/// What a connection received.
#[derive(Default)]
pub struct Received {
    pub bytes: u64,
    pub records: u64,
}

/// Serves requests on `stream` until the client closes it. An `Err` is a
/// malformed request (answered 400 first) or a failed read or save.
pub fn serve<S: Read + Write>(
    stream: S,
    shared: &Shared,
    serve: &HttpServe,
    received: &mut Received,
) -> Result<(), String> {
    let mut stream = BufReader::with_capacity(64 * 1024, stream);
    let mut line = Vec::with_capacity(256);
    let mut body = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut line) {
            Ok(Some(head)) => head,
            Ok(None) => return Ok(()),
            Err(why) => {
                let _ = respond(stream.get_mut(), "400 Bad Request", &[], &why);
                return Err(why);
            }
        };
        if head.expect_continue {
            respond_raw(stream.get_mut(), b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let number = serve.requests.fetch_add(1, Ordering::Relaxed);
        let accepted = matches!(head.method.as_str(), "POST" | "PUT");
        let reject = accepted && draw(serve.seed, number) < serve.reject;
        // Kept whole only when it must wait for its turn in the output.
        let keep = accepted && !reject && head.sequence.is_some() && shared.output.is_some();
        body.clear();
        read_body(&mut stream, &head, &mut line, |piece| {
            if !accepted || reject {
                return Ok(());
            }
            count(shared, received, piece);
            if keep {
                body.extend_from_slice(piece);
                Ok(())
            } else {
                shared.save(piece)
            }
        })?;
        if !accepted {
            respond(
                stream.get_mut(),
                "405 Method Not Allowed",
                &[("Allow", "POST, PUT")],
                "gush catch takes POST and PUT\n",
            )?;
        } else if reject {
            serve.rejected.fetch_add(1, Ordering::Relaxed);
            respond(
                stream.get_mut(),
                "429 Too Many Requests",
                &[("Retry-After", &serve.retry_after)],
                "",
            )?;
        } else {
            if let Some(sequence) = head.sequence.filter(|_| keep) {
                save_in_order(shared, serve, sequence, std::mem::take(&mut body))?;
            }
            respond(stream.get_mut(), "200 OK", &[], "")?;
        }
        if head.close {
            return Ok(());
        }
    }
}

/// One connection served as HTTP, over TLS with
/// `--tls-cert`.
pub(super) fn serve_connection(
    socket: &Socket,
    shared: &Shared,
    http: &HttpServe,
) -> (Ending, Option<String>, Received) {
    let mut received = Received::default();
    let patient = Patient { socket, shared };
    let served = match socket.set_read_timeout(Some(STOP_CHECK)) {
        Err(err) => Err(describe(&err)),
        Ok(()) => match &http.tls {
            None => serve(patient, shared, http, &mut received),
            Some(tls) => match rustls::ServerConnection::new(Arc::clone(tls)) {
                Err(err) => Err(format!("cannot start TLS: {err}")),
                Ok(connection) => serve(
                    rustls::StreamOwned::new(connection, patient),
                    shared,
                    http,
                    &mut received,
                ),
            },
        },
    };
    let (end, error) = match served {
        Ok(()) => (Ending::Closed, None),
        Err(_) if shared.stopping() => (Ending::Interrupted, None),
        Err(message) => (Ending::Error, Some(message)),
    };
    (end, error, received)
}

/// A socket whose reads wait out their timeouts (set so that a stop is
/// seen) until data comes or catch stops: HTTP parsing, TLS above all,
/// wants a read to mean data.
struct Patient<'a> {
    socket: &'a Socket,
    shared: &'a Shared,
}

impl Read for Patient<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match (&*self.socket).read(buf) {
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if self.shared.stopping() {
                        return Err(io::ErrorKind::Interrupted.into());
                    }
                }
                // A reset between requests ends the connection like a close.
                Err(err) if err.kind() == io::ErrorKind::ConnectionReset => return Ok(0),
                other => return other,
            }
        }
    }
}

impl io::Write for Patient<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self.socket).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A number in [0, 1) drawn from the seed and the request's number
/// (SplitMix64), so a run with one connection rejects the same requests
/// every time.
fn draw(seed: u64, number: u64) -> f64 {
    let mut z = seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn count(shared: &Shared, received: &mut Received, piece: &[u8]) {
    let lines = memchr::memchr_iter(b'\n', piece).count() as u64;
    received.bytes += piece.len() as u64;
    received.records += lines;
    shared
        .live
        .bytes
        .fetch_add(piece.len() as u64, Ordering::Relaxed);
    shared.live.records.fetch_add(lines, Ordering::Relaxed);
}

/// Saves batch `sequence` once every earlier one is saved. A sequence
/// below the next expected (a new sender starting over) is saved at once.
fn save_in_order(
    shared: &Shared,
    serve: &HttpServe,
    sequence: u64,
    body: Vec<u8>,
) -> Result<(), String> {
    let mut reorder = serve.reorder.lock().unwrap_or_else(|p| p.into_inner());
    if sequence < reorder.next {
        return shared.save(&body);
    }
    reorder.waiting.insert(sequence, body);
    loop {
        let next = reorder.next;
        let Some(body) = reorder.waiting.remove(&next) else {
            return Ok(());
        };
        shared.save(&body)?;
        reorder.next += 1;
    }
}

/// Saves bodies still waiting for a batch that never came, in order, so
/// nothing received is dropped.
pub fn save_waiting(shared: &Shared, serve: &HttpServe) -> Result<(), String> {
    let mut reorder = serve.reorder.lock().unwrap_or_else(|p| p.into_inner());
    for (_, body) in std::mem::take(&mut reorder.waiting) {
        shared.save(&body)?;
    }
    Ok(())
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
