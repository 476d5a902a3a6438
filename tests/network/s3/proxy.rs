//! A forwarding proxy in front of moto that answers every third part
//! upload with a fault of the store's (503 SlowDown, or 500 InternalError),
//! or none, and counts the parts, PUTs and ranged GETs in flight at once:
//! what moto cannot be made to do, and how the tests see `--queue-depth`
//! kept.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// An answer of the store's, as S3 sends it: status line, error code and
/// message.
type Fault = (&'static str, &'static str, &'static str);

/// S3's answer when it sheds load: a pause, not a failure.
const SLOW_DOWN: Fault = (
    "503 Slow Down",
    "SlowDown",
    "Please reduce your request rate.",
);

/// S3's answer when a request failed on its side: retried up to `--retry`.
const INTERNAL_ERROR: Fault = (
    "500 Internal Server Error",
    "InternalError",
    "We encountered an internal error. Please try again.",
);

/// A forwarding proxy in front of moto that answers every third part
/// upload (PUT with `partNumber=`) with a [`Fault`], unforwarded, if it
/// has one, and counts what it forwards.
pub struct FaultProxy {
    pub port: u16,
    pub seen: Arc<Seen>,
}

/// What the proxy saw.
#[derive(Default)]
pub struct Seen {
    parts: AtomicU64,
    /// Faults answered so far.
    pub refused: AtomicU64,
    /// GETs with a `Range` header, and the most of them in flight at once.
    pub ranged_gets: AtomicU64,
    pub gets: InFlight,
    /// Part uploads forwarded to moto, the most of them in flight at once.
    pub parts_forwarded: InFlight,
    /// Every PUT forwarded (parts and single PUTs of whole objects), the
    /// most of them in flight at once.
    pub puts_forwarded: InFlight,
}

/// Requests of one kind in flight through the proxy: from the whole
/// request read to its answer's last byte, so never more than the client
/// had in flight.
#[derive(Default)]
pub struct InFlight {
    now: AtomicU64,
    pub most_at_once: AtomicU64,
}

impl InFlight {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_at_once.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    pub fn most(&self) -> u64 {
        self.most_at_once.load(Ordering::SeqCst)
    }
}

impl FaultProxy {
    /// Every third part answered 503 SlowDown.
    pub fn slow_down(upstream: u16) -> FaultProxy {
        FaultProxy::start(upstream, Some(SLOW_DOWN))
    }

    /// Every third part answered 500 InternalError.
    pub fn internal_error(upstream: u16) -> FaultProxy {
        FaultProxy::start(upstream, Some(INTERNAL_ERROR))
    }

    /// Everything forwarded, and counted.
    pub fn counting(upstream: u16) -> FaultProxy {
        FaultProxy::start(upstream, None)
    }

    fn start(upstream: u16, fault: Option<Fault>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Seen::default());
        let shared = Arc::clone(&seen);
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let seen = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = forward(client, upstream, fault, &seen);
                });
            }
        });
        FaultProxy { port, seen }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// One request from `client`: read whole, then refused or passed to moto,
/// whose answer (it closes after each) is copied back before closing.
fn forward(
    client: TcpStream,
    upstream: u16,
    fault: Option<Fault>,
    seen: &Seen,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = String::new();
    let mut length = 0usize;
    let mut ranged = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            ranged |= name.eq_ignore_ascii_case("range");
        }
        // moto closes after each answer: say so to the client too, so it
        // does not send a second request on this connection.
        if !line.to_ascii_lowercase().starts_with("connection:") {
            head.push_str(&line);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut client = client;
    let request_line = head.lines().next().unwrap_or_default().to_string();
    let part = request_line.starts_with("PUT ") && request_line.contains("partNumber=");
    if let Some((status, code, message)) = fault
        && part
        && seen.parts.fetch_add(1, Ordering::SeqCst) % 3 == 2
    {
        seen.refused.fetch_add(1, Ordering::SeqCst);
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        );
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return client.write_all(response.as_bytes());
    }
    let head = head.trim_end_matches("\r\n").to_string() + "\r\nConnection: close\r\n\r\n";
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    server.write_all(head.as_bytes())?;
    server.write_all(&body)?;
    // A PUT with a body (a part, or a whole object; not the multipart
    // upload's start or completion, which are POSTs).
    let counted: &[&InFlight] = if ranged && request_line.starts_with("GET ") {
        seen.ranged_gets.fetch_add(1, Ordering::SeqCst);
        &[&seen.gets]
    } else if part {
        &[&seen.parts_forwarded, &seen.puts_forwarded]
    } else if request_line.starts_with("PUT ") && length > 0 {
        &[&seen.puts_forwarded]
    } else {
        return std::io::copy(&mut server, &mut client).map(drop);
    };
    // A request is over for the client once its answer is through, which
    // may be well before moto closes the connection: counted out just
    // before the answer's last byte goes, so the client cannot have sent
    // its next one yet; or when the exchange fails, whichever is first.
    let mut inside = Some(Counted::enter(counted));
    copy_response(server, &mut client, || drop(inside.take()))
}

/// Requests counted in while it lives.
struct Counted<'a>(&'a [&'a InFlight]);

impl<'a> Counted<'a> {
    fn enter(counted: &'a [&'a InFlight]) -> Counted<'a> {
        counted.iter().for_each(|c| c.enter());
        Counted(counted)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.iter().for_each(|c| c.leave());
    }
}

/// Copies one response, its head and `Content-Length` bytes of body,
/// calling `before_last` before the last byte (the body's, or the
/// head's blank line when there is no body).
fn copy_response(
    server: TcpStream,
    client: &mut TcpStream,
    before_last: impl FnOnce(),
) -> std::io::Result<()> {
    let mut server = BufReader::new(server);
    let mut length = 0u64;
    loop {
        let mut line = String::new();
        if server.read_line(&mut line)? == 0 {
            before_last();
            return Ok(());
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
        client.write_all(line.as_bytes())?;
    }
    // The last byte is the blank line's when there is no body (a PUT's
    // answer): the client has the whole answer once it has that.
    if length == 0 {
        before_last();
        client.write_all(b"\r\n")?;
        return client.flush();
    }
    client.write_all(b"\r\n")?;
    let mut body = (&mut server).take(length - 1);
    std::io::copy(&mut body, client)?;
    before_last();
    std::io::copy(&mut server.take(1), client)?;
    client.flush()
}
