//! The HTTP/1.1 wire format as `gush catch --http` reads and writes it
//! (RFC 9112): request heads, Content-Length and chunked bodies (§6,
//! §7.1), and short responses.
//!
//! Heads, chunk sizes and trailers are parsed by `httparse`, the parser
//! hyper uses, not by hand: it refuses a space before a header's colon and
//! other shapes that two parsers read differently (`head` checks what it
//! leaves to its caller). A connection that sent a bad request is closed
//! after the answer: nothing after it is read as a request.

use std::io::{self, Read, Write};

use anyhow::{Context, Result, bail};
use httparse::Status;

use super::head::{Head, Refused};

/// Bytes read at once; the longest head taken (nginx's default large
/// header buffers hold 32 KiB).
const BUFFER: usize = 64 * 1024;

/// The most headers (or trailers) in one request.
const MAX_HEADERS: usize = 100;

/// A connection's byte stream, buffered: requests are parsed from the
/// buffer and bodies handed out of it.
pub(super) struct Wire<S> {
    stream: S,
    buffer: Box<[u8]>,
    /// The unread bytes are `buffer[start..end]`.
    start: usize,
    end: usize,
}

impl<S: Read + Write> Wire<S> {
    pub fn new(stream: S) -> Wire<S> {
        Wire {
            stream,
            buffer: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
        }
    }

    fn buffered(&self) -> &[u8] {
        &self.buffer[self.start..self.end]
    }

    /// Reads more after the unread bytes; `Ok(0)` at the end of the stream.
    fn fill(&mut self) -> io::Result<usize> {
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let read = self.stream.read(&mut self.buffer[self.end..])?;
        self.end += read;
        Ok(read)
    }

    /// Reads more of `what`, which has not yet come whole. A timeout is
    /// answered 408; a part that cannot fit the buffer, `too_long`.
    fn more(&mut self, what: &str, too_long: Refused) -> Result<()> {
        if self.start == 0 && self.end == self.buffer.len() {
            bail!(too_long);
        }
        match self.fill() {
            Ok(0) => bail!("the connection closed in the middle of {what}"),
            Ok(_) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::TimedOut => bail!(Refused {
                status: "408 Request Timeout",
                why: err.to_string(),
            }),
            Err(err) => {
                Err(err).with_context(|| format!("cannot read {what}; the connection is closed"))
            }
        }
    }

    /// Waits for the first byte of the next request: false when the client
    /// closed the connection, or left it idle past the idle timeout.
    pub fn wait_for_request(&mut self) -> Result<bool> {
        if !self.buffered().is_empty() {
            return Ok(true);
        }
        match self.fill() {
            Ok(read) => Ok(read > 0),
            Err(err) if err.kind() == io::ErrorKind::TimedOut => Ok(false),
            Err(err) => Err(err).context("cannot read the next request"),
        }
    }

    pub fn read_head(&mut self) -> Result<Head> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut request = httparse::Request::new(&mut headers);
            let parsed = match request.parse(self.buffered()) {
                Ok(Status::Complete(length)) => Some((length, Head::of(&request)?)),
                Ok(Status::Partial) => None,
                Err(err) => return Err(Refused::bad(format!("a malformed request head: {err}"))),
            };
            if let Some((length, head)) = parsed {
                self.start += length;
                return Ok(head);
            }
            self.more(
                "a request head",
                Refused {
                    status: "431 Request Header Fields Too Large",
                    why: format!("a request head over {} KiB", BUFFER / 1024),
                },
            )?;
        }
    }

    /// Hands the body to `piece` as it arrives: Content-Length bytes, or
    /// chunks up to the last, empty one and its trailers.
    pub fn read_body(
        &mut self,
        head: &Head,
        mut piece: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        if !head.chunked {
            return self.read_exactly(head.content_length.unwrap_or(0), &mut piece);
        }
        loop {
            let size = self.chunk_size()?;
            if size == 0 {
                return self.trailers();
            }
            self.read_exactly(size, &mut piece)?;
            while self.buffered().len() < 2 {
                self.more("a chunked body", line_too_long())?;
            }
            if &self.buffered()[..2] != b"\r\n" {
                return Err(Refused::bad(
                    "a chunk not followed by CRLF (RFC 9112 §7.1)".to_string(),
                ));
            }
            self.start += 2;
        }
    }

    fn chunk_size(&mut self) -> Result<u64> {
        loop {
            let buffered = self.buffered();
            // httparse takes an empty size line for 0, the last chunk.
            let starts_well = buffered.first().is_none_or(u8::is_ascii_hexdigit);
            match httparse::parse_chunk_size(buffered) {
                Ok(Status::Complete((length, size))) if starts_well => {
                    self.start += length;
                    return Ok(size);
                }
                Ok(Status::Partial) if starts_well => {}
                _ => {
                    let line = buffered.split(|&b| b == b'\n').next().unwrap_or_default();
                    let shown = String::from_utf8_lossy(&line[..line.len().min(40)]);
                    return Err(Refused::bad(format!("a bad chunk size line {shown:?}")));
                }
            }
            self.more("a chunked body", line_too_long())?;
        }
    }

    /// The trailer section after the last chunk, up to its empty line;
    /// trailers are read and dropped.
    fn trailers(&mut self) -> Result<()> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            match httparse::parse_headers(self.buffered(), &mut headers) {
                Ok(Status::Complete((length, _))) => {
                    self.start += length;
                    return Ok(());
                }
                Ok(Status::Partial) => {}
                Err(err) => return Err(Refused::bad(format!("malformed trailers: {err}"))),
            }
            self.more("a chunked body", line_too_long())?;
        }
    }

    fn read_exactly(
        &mut self,
        mut left: u64,
        piece: &mut impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        while left > 0 {
            if self.buffered().is_empty() {
                self.more("a body", line_too_long())?;
            }
            let n = self
                .buffered()
                .len()
                .min(left.try_into().unwrap_or(usize::MAX));
            piece(&self.buffer[self.start..self.start + n])?;
            self.start += n;
            left -= n as u64;
        }
        Ok(())
    }

    pub fn respond(&mut self, status: &str, headers: &[(&str, &str)], body: &str) -> Result<()> {
        let mut response = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
        for (name, value) in headers {
            response.push_str(&format!("{name}: {value}\r\n"));
        }
        response.push_str("\r\n");
        response.push_str(body);
        self.respond_raw(response.as_bytes())
    }

    pub fn respond_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.stream
            .write_all(bytes)
            .and_then(|()| self.stream.flush())
            .context("cannot answer the client")
    }
}

fn line_too_long() -> Refused {
    Refused {
        status: "400 Bad Request",
        why: format!("a chunk-size line or trailers over {} KiB", BUFFER / 1024),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that reads from `input` and swallows writes.
    struct Script<'a>(&'a [u8]);

    impl Read for Script<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.read(buf)
        }
    }

    impl Write for Script<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn body_of(wire: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let mut wire = Wire::new(Script(wire));
        let head = wire.read_head()?;
        let mut body = Vec::new();
        wire.read_body(&head, |piece| {
            body.extend_from_slice(piece);
            Ok(())
        })?;
        Ok((body, wire.buffered().to_vec()))
    }

    #[test]
    fn reads_chunked_bodies_and_trailers() {
        let wire = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
            5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\nNEXT";
        let (body, rest) = body_of(wire).unwrap();
        assert_eq!(body, b"hello world");
        assert_eq!(rest, b"NEXT");
    }

    #[test]
    fn refuses_what_smuggling_relies_on() {
        for (wire, why) in [
            (
                &b"POST / HTTP/1.1\r\nContent-Length: +6\r\n\r\n"[..],
                "Content-Length",
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 6\r\nContent-Length: 6\r\n\r\n",
                "more than one",
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 6\r\nContent-Length: 7\r\n\r\n",
                "more than one",
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length : 6\r\n\r\n",
                "header name",
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "both",
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\nx\r\n",
                "chunk size",
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
                "chunk size",
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
                "CRLF",
            ),
        ] {
            let err = body_of(wire).expect_err("refused");
            let refused = err.downcast_ref::<Refused>().expect("answered");
            assert_eq!(refused.status, "400 Bad Request");
            assert!(refused.why.contains(why), "{refused}");
        }
    }
}
