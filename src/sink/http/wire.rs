//! Plain `http://` written by hand: one HTTP/1.1 connection that sends a
//! request head and its body with one `writev` (the chunk is never
//! copied), and reads the response with `httparse`.
//!
//! ureq copies every body into its output buffer before writing it, and
//! keeps per-request state that costs more than the request itself over
//! loopback (bench/http.md); https still goes through ureq, as TLS copies
//! the bytes to encrypt them anyway.

use std::io::{self, IoSlice, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use base64::Engine as _;

use super::send::{Answer, QUOTED};
use super::{HttpOptions, Method};

/// How long a server that broke off a body has to say why.
const LAST_WORD: Duration = Duration::from_secs(2);

/// The most a response head may take; a server's answer to a batch is a
/// few hundred bytes.
const MAX_HEAD: usize = 64 * 1024;

/// Where requests go, and the part of every request head that never
/// changes, written once.
pub(super) struct Target {
    addrs: Vec<SocketAddr>,
    connect_timeout: Duration,
    request_timeout: Option<Duration>,
    /// `POST /path HTTP/1.1` and every header but the per-request ones.
    head: Vec<u8>,
}

impl Target {
    /// `None` for a URL that is not plain http (ureq sends those).
    pub fn new(options: &HttpOptions) -> io::Result<Option<Target>> {
        let Ok(uri) = options.url.parse::<ureq::http::Uri>() else {
            return Ok(None);
        };
        if uri.scheme_str() != Some("http") {
            return Ok(None);
        }
        let host = uri.host().unwrap_or_default();
        let port = uri.port_u16().unwrap_or(80);
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = (bare, port).to_socket_addrs()?.collect();
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let method = match options.method {
            Method::Post => "POST",
            Method::Put => "PUT",
        };
        let authority = uri.authority().map_or("", |a| a.as_str());
        let host_header = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: gush/{}\r\nContent-Type: {}\r\n",
            env!("CARGO_PKG_VERSION"),
            options.content_type
        );
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            // RFC 9110 §11.2 with the Basic scheme, as curl does for a URL's user.
            let token = base64::engine::general_purpose::STANDARD.encode(userinfo);
            head += &format!("Authorization: Basic {token}\r\n");
        }
        for (name, value) in &options.headers {
            head += &format!("{name}: {value}\r\n");
        }
        Ok(Some(Target {
            addrs,
            connect_timeout: options.connect_timeout,
            request_timeout: options.request_timeout,
            head: head.into_bytes(),
        }))
    }

    /// A batch's head: the fixed part, its sequence and its length.
    pub fn batch_head(&self, into: &mut Vec<u8>, sequence: u64, length: usize) {
        into.clear();
        into.extend_from_slice(&self.head);
        let mut number = itoa::Buffer::new();
        into.extend_from_slice(b"X-Gush-Seq: ");
        into.extend_from_slice(number.format(sequence).as_bytes());
        into.extend_from_slice(b"\r\nContent-Length: ");
        into.extend_from_slice(number.format(length).as_bytes());
        into.extend_from_slice(b"\r\n\r\n");
    }

    /// A stream's head: its body goes in chunks.
    pub fn stream_head(&self) -> Vec<u8> {
        let mut head = self.head.clone();
        head.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        head
    }

    pub fn connect(&self) -> io::Result<Connection> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "the host has no address");
        for addr in &self.addrs {
            match TcpStream::connect_timeout(addr, self.connect_timeout) {
                Ok(stream) => {
                    stream.set_nodelay(true)?;
                    stream.set_read_timeout(self.request_timeout)?;
                    stream.set_write_timeout(self.request_timeout)?;
                    return Ok(Connection {
                        stream,
                        buffer: vec![0; 16 * 1024],
                        start: 0,
                        end: 0,
                    });
                }
                Err(err) => last = err,
            }
        }
        Err(last)
    }
}

/// One kept-alive connection, and what it has read past the last response.
pub(super) struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    start: usize,
    end: usize,
}

impl Connection {
    /// Writes every byte of `parts`, in order, with as few `writev`s as
    /// the socket allows.
    pub fn send(&mut self, parts: &mut [IoSlice<'_>]) -> io::Result<()> {
        let mut parts = &mut parts[..];
        IoSlice::advance_slices(&mut parts, 0);
        while !parts.is_empty() {
            match self.stream.write_vectored(parts) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut parts, n),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    pub fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&self.stream)
    }

    /// Whether the server has said something before being asked (an
    /// early refusal of a stream), without waiting.
    pub fn has_spoken(&mut self) -> bool {
        let _ = self.stream.set_nonblocking(true);
        let mut byte = [0u8; 1];
        let spoken = matches!(self.stream.peek(&mut byte), Ok(n) if n > 0);
        let _ = self.stream.set_nonblocking(false);
        spoken
    }

    pub fn set_write_timeout(&mut self, limit: Option<Duration>) {
        let _ = self.stream.set_write_timeout(limit);
    }

    /// After a write failed (the server closed while the body was on its
    /// way), the answer it may have given first, such as a 413, waited for
    /// a short while: its status says more than the reset did.
    pub fn last_word(&mut self) -> Option<Answer> {
        self.set_response_timeout(Some(LAST_WORD));
        self.response().ok().map(|(answer, _)| answer)
    }

    /// Waits at most `limit` for the response from now on.
    pub fn set_response_timeout(&mut self, limit: Option<Duration>) {
        let _ = self.stream.set_read_timeout(limit);
    }

    /// Reads one whole response (skipping 1xx); also says whether the
    /// connection can carry another request.
    pub fn response(&mut self) -> io::Result<(Answer, bool)> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut parsed = httparse::Response::new(&mut headers);
            let head = match parsed.parse(&self.buffer[self.start..self.end]) {
                Ok(httparse::Status::Complete(n)) => n,
                Ok(httparse::Status::Partial) => {
                    if self.fill()? == 0 {
                        return Err(closed());
                    }
                    continue;
                }
                Err(err) => return Err(io::Error::other(format!("a bad response: {err}"))),
            };
            let status = parsed.code.unwrap_or(0);
            let mut length = None;
            let mut chunked = false;
            let mut keep = parsed.version == Some(1);
            let mut retry_after = None;
            for header in parsed.headers.iter() {
                let value = String::from_utf8_lossy(header.value);
                let value = value.trim();
                match header.name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse::<u64>().ok(),
                    "transfer-encoding" => {
                        chunked = value.to_ascii_lowercase().ends_with("chunked")
                    }
                    "connection" => keep &= !value.eq_ignore_ascii_case("close"),
                    "retry-after" => retry_after = Some(value.to_string()),
                    _ => {}
                }
            }
            self.start += head;
            if (100..200).contains(&status) {
                continue;
            }
            let mut quoted = Vec::new();
            if chunked {
                self.chunked_body(&mut quoted)?;
            } else if let Some(length) = length {
                self.body(length, &mut quoted)?;
            } else if status != 204 && status != 304 {
                // Delimited by the close (RFC 9112 §6.3): read to the end.
                self.body(u64::MAX, &mut quoted)?;
                keep = false;
            }
            let answer = Answer {
                status,
                retry_after,
                quoted,
            };
            return Ok((answer, keep));
        }
    }

    /// Reads more into the buffer; returns how much (0 at the end).
    fn fill(&mut self) -> io::Result<usize> {
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buffer.len() {
            if self.buffer.len() >= MAX_HEAD {
                return Err(io::Error::other("a response head larger than 64 KiB"));
            }
            self.buffer.resize(self.buffer.len() * 2, 0);
        }
        loop {
            match self.stream.read(&mut self.buffer[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// Takes `length` bytes of body (to the end for `u64::MAX`), keeping
    /// the first [`QUOTED`].
    fn body(&mut self, mut length: u64, quoted: &mut Vec<u8>) -> io::Result<()> {
        while length > 0 {
            if self.start == self.end {
                if self.fill()? == 0 {
                    return match length {
                        u64::MAX => Ok(()),
                        _ => Err(closed()),
                    };
                }
                continue;
            }
            let take = ((self.end - self.start) as u64).min(length) as usize;
            let room = QUOTED.saturating_sub(quoted.len()).min(take);
            quoted.extend_from_slice(&self.buffer[self.start..self.start + room]);
            self.start += take;
            if length != u64::MAX {
                length -= take as u64;
            }
        }
        Ok(())
    }

    /// A chunked body (RFC 9112 §7.1), trailers skipped.
    fn chunked_body(&mut self, quoted: &mut Vec<u8>) -> io::Result<()> {
        loop {
            let size = loop {
                match httparse::parse_chunk_size(&self.buffer[self.start..self.end]) {
                    Ok(httparse::Status::Complete((used, size))) => {
                        self.start += used;
                        break size;
                    }
                    Ok(httparse::Status::Partial) => {
                        if self.fill()? == 0 {
                            return Err(closed());
                        }
                    }
                    Err(_) => return Err(io::Error::other("a bad chunk size in the response")),
                }
            };
            if size == 0 {
                break;
            }
            self.body(size, quoted)?;
            self.line()?;
        }
        // Trailer lines, up to the empty one.
        while !self.line()?.is_empty() {}
        Ok(())
    }

    /// One line, without its CRLF.
    fn line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(at) = memchr::memchr(b'\n', &self.buffer[self.start..self.end]) {
                let line = self.buffer[self.start..self.start + at].to_vec();
                self.start += at + 1;
                return Ok(line.strip_suffix(b"\r").unwrap_or(&line).to_vec());
            }
            if self.fill()? == 0 {
                return Err(closed());
            }
        }
    }
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the server closed the connection before its response ended",
    )
}
