//! How long an HTTP connection of `gush catch` may keep the server
//! waiting. The socket's reads time out every [`STOP_CHECK`] so that a stop
//! is seen (`connection::STOP_CHECK`); [`Patient`] waits those out until data comes, catch stops, or
//! the client has taken too long:
//!
//! - `--header-timeout` bounds a whole request head from its first byte,
//!   as nginx's `client_header_timeout` does, so clients that send a byte
//!   a second (slow loris) cannot hold every connection slot;
//! - `--idle-timeout` bounds each wait for a byte, between requests (the
//!   connection is then closed quietly) and inside a body.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use socket2::Socket;

use crate::catch::connection::Shared;

/// What the next read may wait for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Patience {
    /// Each read may wait this long.
    Idle(Duration),
    /// The request head must be whole by this instant, `limit` after its
    /// first byte.
    HeadBy { deadline: Instant, limit: Duration },
}

/// A socket whose reads wait out their short timeouts until data comes:
/// HTTP parsing, TLS above all, wants a read to mean data.
pub(super) struct Patient<'a> {
    pub socket: &'a Socket,
    pub shared: &'a Shared,
    /// Set by the request loop as it moves between head and body.
    pub patience: &'a Cell<Patience>,
}

impl Read for Patient<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (deadline, why) = match self.patience.get() {
            Patience::Idle(limit) => (
                Instant::now() + limit,
                format!(
                    "nothing arrived for {} (--idle-timeout)",
                    humantime::format_duration(limit)
                ),
            ),
            Patience::HeadBy { deadline, limit } => (
                deadline,
                format!(
                    "the request head did not come whole within {} (--header-timeout)",
                    humantime::format_duration(limit)
                ),
            ),
        };
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
                    if Instant::now() >= deadline {
                        return Err(io::Error::new(io::ErrorKind::TimedOut, why));
                    }
                }
                // A reset between requests ends the connection like a close.
                Err(err) if err.kind() == io::ErrorKind::ConnectionReset => return Ok(0),
                other => return other,
            }
        }
    }
}

impl Write for Patient<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self.socket).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// After refusing a request: stop sending, then read and drop what the
/// client still sends for a moment (nginx's lingering close). Closing with
/// unread bytes would reset the connection, and a client can lose the
/// answer that says why.
pub(super) fn linger(socket: &Socket) {
    const LINGER: Duration = Duration::from_secs(1);
    let _ = socket.shutdown(std::net::Shutdown::Write);
    let until = Instant::now() + LINGER;
    let mut sink = [0u8; 16 * 1024];
    while Instant::now() < until {
        match (&*socket).read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(err) if crate::catch::connection::quiet(&err) => {}
            Err(_) => return,
        }
    }
}
