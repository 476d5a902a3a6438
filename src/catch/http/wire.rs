//! The HTTP/1.1 wire format as `gush catch --http` reads and writes it
//! (RFC 9112): request lines and headers, Content-Length and chunked
//! bodies (§6, §7.1), and short responses. Strict and small: what gush and
//! curl send, and a clear error for anything else.

use std::io::{self, BufRead, Read, Write};

/// The longest request line or header line taken.
const MAX_LINE: usize = 8 * 1024;

/// The most headers in one request.
const MAX_HEADERS: usize = 100;

/// One request's head.
pub(super) struct Head {
    pub method: String,
    pub content_length: Option<u64>,
    pub chunked: bool,
    pub close: bool,
    pub sequence: Option<u64>,
    pub expect_continue: bool,
}

pub(super) fn respond<W: Write>(
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

pub(super) fn respond_raw<W: Write>(stream: &mut W, bytes: &[u8]) -> Result<(), String> {
    stream
        .write_all(bytes)
        .and_then(|()| stream.flush())
        .map_err(|err| format!("cannot answer: {}", crate::net::describe(&err)))
}

/// Reads one line ending in CRLF (a bare LF is taken too), without it.
/// `Ok(false)` at a clean end of stream before any byte.
fn read_line<R: BufRead>(reader: &mut R, line: &mut Vec<u8>) -> Result<bool, String> {
    line.clear();
    let read = Read::take(&mut *reader, MAX_LINE as u64 + 1)
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
pub(super) fn read_head<R: BufRead>(
    reader: &mut R,
    line: &mut Vec<u8>,
) -> Result<Option<Head>, String> {
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
pub(super) fn read_body<R: BufRead>(
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
