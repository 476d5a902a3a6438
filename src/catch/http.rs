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
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::connection::{Shared, write_all};

/// The longest request line or header line taken.
const MAX_LINE: usize = 8 * 1024;

/// The most headers in one request.
const MAX_HEADERS: usize = 100;

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

/// One request's head.
struct Head {
    method: String,
    content_length: Option<u64>,
    chunked: bool,
    close: bool,
    sequence: Option<u64>,
    expect_continue: bool,
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
                save(shared, piece)
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

/// Saves `bytes`, if saving; a failure stops the whole catch.
fn save(shared: &Shared, bytes: &[u8]) -> Result<(), String> {
    let Some(output) = &shared.output else {
        return Ok(());
    };
    if bytes.is_empty() || output.closed.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut sink = output
        .sink
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    write_all(sink.as_mut(), bytes).map_err(|err| {
        shared.halt.store(true, Ordering::Relaxed);
        if err.kind() == io::ErrorKind::BrokenPipe && sink.reader_may_leave() {
            output.closed.store(true, Ordering::Relaxed);
        }
        format!("cannot write to {}: {err}", sink.name())
    })
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
        return save(shared, &body);
    }
    reorder.waiting.insert(sequence, body);
    loop {
        let next = reorder.next;
        let Some(body) = reorder.waiting.remove(&next) else {
            return Ok(());
        };
        save(shared, &body)?;
        reorder.next += 1;
    }
}

/// Saves bodies still waiting for a batch that never came, in order, so
/// nothing received is dropped.
pub fn save_waiting(shared: &Shared, serve: &HttpServe) -> Result<(), String> {
    let mut reorder = serve.reorder.lock().unwrap_or_else(|p| p.into_inner());
    for (_, body) in std::mem::take(&mut reorder.waiting) {
        save(shared, &body)?;
    }
    Ok(())
}

fn respond<W: Write>(
    stream: &mut W,
    status: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(), String> {
    let mut response = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(body);
    respond_raw(stream, response.as_bytes())
}

fn respond_raw<W: Write>(stream: &mut W, bytes: &[u8]) -> Result<(), String> {
    stream
        .write_all(bytes)
        .and_then(|()| stream.flush())
        .map_err(|err| format!("cannot answer: {}", crate::net::describe(&err)))
}

/// Reads one line ending in CRLF (a bare LF is taken too), without it.
/// `Ok(false)` at a clean end of stream before any byte.
fn read_line<R: BufRead>(reader: &mut R, line: &mut Vec<u8>) -> Result<bool, String> {
    line.clear();
    let read = reader
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', line)
        .map_err(|err| read_error(&err))?;
    if read == 0 {
        return Ok(false);
    }
    if line.last() != Some(&b'\n') {
        return Err(match line.len() > MAX_LINE {
            true => format!("a line longer than {MAX_LINE} bytes"),
            false => "the connection closed in the middle of a request".to_string(),
        });
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(true)
}

fn read_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::Interrupted => "interrupted".to_string(),
        _ => format!("cannot read: {}", crate::net::describe(err)),
    }
}

/// The request line and headers; `None` when the client closed the
/// connection between requests.
fn read_head<R: BufRead>(reader: &mut R, line: &mut Vec<u8>) -> Result<Option<Head>, String> {
    if !read_line(reader, line)? {
        return Ok(None);
    }
    let request = String::from_utf8_lossy(line).into_owned();
    let mut parts = request.split(' ');
    let (Some(method), Some(_target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("a malformed request line {request:?}"));
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(format!("an unsupported version {version:?}"));
    }
    let mut head = Head {
        method: method.to_string(),
        content_length: None,
        chunked: false,
        close: version == "HTTP/1.0",
        sequence: None,
        expect_continue: false,
    };
    for _ in 0..=MAX_HEADERS {
        if !read_line(reader, line)? {
            return Err("the connection closed in the middle of a request".to_string());
        }
        if line.is_empty() {
            if head.chunked && head.content_length.is_some() {
                return Err("both Content-Length and chunked (RFC 9112 §6.3)".to_string());
            }
            return Ok(Some(head));
        }
        let text = String::from_utf8_lossy(line);
        let Some((name, value)) = text.split_once(':') else {
            return Err(format!("a malformed header {text:?}"));
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => {
                let length = value
                    .parse()
                    .map_err(|_| format!("a bad Content-Length {value:?}"))?;
                head.content_length = Some(length);
            }
            "transfer-encoding" => {
                if !value.eq_ignore_ascii_case("chunked") {
                    return Err(format!("an unsupported Transfer-Encoding {value:?}"));
                }
                head.chunked = true;
            }
            "connection" => head.close = value.eq_ignore_ascii_case("close"),
            "expect" => head.expect_continue = value.eq_ignore_ascii_case("100-continue"),
            "x-gush-seq" => {
                head.sequence = Some(
                    value
                        .parse()
                        .map_err(|_| format!("a bad X-Gush-Seq {value:?}"))?,
                );
            }
            _ => {}
        }
    }
    Err(format!("more than {MAX_HEADERS} headers"))
}

/// Hands the body to `piece` as it arrives: Content-Length bytes, or
/// chunks up to the last, empty one and its trailers.
fn read_body<R: BufRead>(
    reader: &mut R,
    head: &Head,
    line: &mut Vec<u8>,
    mut piece: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    if !head.chunked {
        return read_exact_pieces(reader, head.content_length.unwrap_or(0), &mut piece);
    }
    loop {
        if !read_line(reader, line)? {
            return Err("the connection closed in the middle of a body".to_string());
        }
        let text = String::from_utf8_lossy(line);
        let size = text.split(';').next().unwrap_or("").trim();
        let size =
            u64::from_str_radix(size, 16).map_err(|_| format!("a bad chunk size {text:?}"))?;
        if size == 0 {
            // Trailers, up to an empty line.
            loop {
                if !read_line(reader, line)? || line.is_empty() {
                    return Ok(());
                }
            }
        }
        read_exact_pieces(reader, size, &mut piece)?;
        if !read_line(reader, line)? || !line.is_empty() {
            return Err("a chunk not followed by CRLF".to_string());
        }
    }
}

fn read_exact_pieces<R: BufRead>(
    reader: &mut R,
    mut left: u64,
    piece: &mut impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    while left > 0 {
        let buffer = reader.fill_buf().map_err(|err| read_error(&err))?;
        if buffer.is_empty() {
            return Err("the connection closed in the middle of a body".to_string());
        }
        let n = buffer.len().min(left.try_into().unwrap_or(usize::MAX));
        piece(&buffer[..n])?;
        reader.consume(n);
        left -= n as u64;
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

    #[test]
    fn reads_chunked_bodies_and_trailers() {
        let wire = b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\nNEXT";
        let mut reader = &wire[..];
        let head = Head {
            method: "POST".into(),
            content_length: None,
            chunked: true,
            close: false,
            sequence: None,
            expect_continue: false,
        };
        let mut body = Vec::new();
        let mut line = Vec::new();
        read_body(&mut reader, &head, &mut line, |p| {
            body.extend_from_slice(p);
            Ok(())
        })
        .unwrap();
        assert_eq!(body, b"hello world");
        assert_eq!(reader, b"NEXT");
    }
}
