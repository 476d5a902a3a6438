//! Sockets: `-o tcp://HOST:PORT` and `-o unix:PATH`, stream sockets that
//! the writer thread writes chunks into like any file descriptor.
//!
//! Backpressure crosses the socket by itself: a slow reader fills the
//! kernel's buffers, `write` blocks, the channel fills and the generator
//! pauses. What this file adds is the connecting: a timeout, retries with
//! backoff for the first connection and, with `--reconnect`, a new
//! connection when the peer drops one, counted in the summary.

use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::{STOP_SLICE, sleep_unless};
use super::{Sink, SinkReport, interrupted};
use crate::net::{Endpoint, describe};
use crate::stats::NetStats;

/// A socket destination and how to connect to it, as checked by the
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub endpoint: Endpoint,
    /// How long one connection attempt may take.
    pub connect_timeout: Duration,
    /// Attempts after a failed one, with backoff; also for reconnecting.
    pub retry: u32,
    /// Connect again when the peer drops the connection, rather than fail.
    pub reconnect: bool,
    /// TCP_NODELAY: send small writes at once rather than coalesce them.
    pub nodelay: bool,
    /// SO_SNDBUF to ask for; the kernel's own choice without it.
    pub send_buffer: Option<u64>,
}

pub struct NetSink {
    network: Network,
    /// Set by Ctrl-C: cuts short connecting, backoff and reconnecting.
    stop: Arc<AtomicBool>,
    name: String,
    socket: Socket,
    stats: NetStats,
    /// The kernel's send queue after the last write: bytes the peer has not
    /// acknowledged (TCP) or read (Unix; counted with the kernel's
    /// overhead, so an upper bound). Looked at only with `--reconnect`,
    /// where it is what a dropped connection may have lost.
    unacknowledged: u64,
}

impl NetSink {
    /// Connects, retrying as `network` allows; the error names the address.
    pub fn connect(network: &Network, stop: Arc<AtomicBool>) -> Result<NetSink> {
        let started = Instant::now();
        let name = network.endpoint.to_string();
        let socket = connect_with_retries(network, &stop)
            .map_err(|err| anyhow!("cannot connect to {name}: {err}"))?;
        let mut sink = NetSink {
            network: network.clone(),
            stop,
            name,
            socket,
            stats: NetStats {
                connect_s: started.elapsed().as_secs_f64(),
                send_buffer_asked: network.send_buffer,
                ..NetStats::default()
            },
            unacknowledged: 0,
        };
        sink.stats.send_buffer_bytes = sink.socket.send_buffer_size().unwrap_or(0) as u64;
        Ok(sink)
    }

    /// How many bytes wait in the kernel's send queue (SIOCOUTQ).
    fn send_queue(&self) -> u64 {
        let mut queued: libc::c_int = 0;
        // SAFETY: TIOCOUTQ (SIOCOUTQ for sockets) writes one int.
        let done = unsafe { libc::ioctl(self.socket.as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
        if done == 0 { queued.max(0) as u64 } else { 0 }
    }
}

impl Sink for NetSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match (&self.socket).write(buf) {
            Ok(n) => {
                if self.network.reconnect {
                    self.unacknowledged = self.send_queue();
                }
                Ok(n)
            }
            // Reworded so the writer's message reads "connection reset by
            // peer", not "Connection reset by peer (os error 104)".
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Err(err),
            Err(err) => Err(io::Error::new(err.kind(), describe(&err))),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        // Everything was handed to the kernel, which delivers it after the
        // FIN; a peer that has already gone is the peer's business.
        match self.socket.shutdown(std::net::Shutdown::Write) {
            Err(err) if err.kind() != io::ErrorKind::NotConnected => {
                Err(io::Error::new(err.kind(), describe(&err)))
            }
            _ => Ok(()),
        }
    }

    fn recover(&mut self, err: &io::Error, unsent: usize) -> io::Result<bool> {
        let dropped = matches!(
            err.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::NotConnected
                | io::ErrorKind::TimedOut
                | io::ErrorKind::WriteZero
        );
        if !self.network.reconnect || !dropped {
            return Ok(false);
        }
        self.stats.lost_in_flight_bytes += self.unacknowledged;
        self.stats.dropped_bytes += unsent as u64;
        self.unacknowledged = 0;
        let started = Instant::now();
        let socket = connect_with_retries(&self.network, &self.stop);
        self.stats.connect_s += started.elapsed().as_secs_f64();
        self.socket = socket.map_err(|again| {
            io::Error::new(again.kind(), format!("reconnecting failed: {again}"))
        })?;
        self.stats.reconnects += 1;
        Ok(true)
    }

    fn fit_chunk(&self, chunk_bytes: usize) -> usize {
        // A write of a whole chunk that is not a multiple of the segment
        // size ends in a small segment of its own. Over loopback, where
        // every segment is acknowledged at once and Nagle never holds the
        // tail back, that doubles the segments and the reader's wake-ups:
        // 64 KiB chunks (one 65483-byte segment and a 53-byte one) ran at
        // a third of the rate of 60 KiB ones. Whole segments avoid it.
        // A Unix socket has no segments, and no TCP_MAXSEG to read.
        let mss = self.socket.tcp_mss().unwrap_or(0) as usize;
        if mss == 0 || chunk_bytes < mss {
            return chunk_bytes;
        }
        chunk_bytes - chunk_bytes % mss
    }

    fn report(&self) -> SinkReport {
        SinkReport::Network(self.stats.clone())
    }
}

/// One attempt, then `retry` more with doubling pauses. The error says
/// what went wrong last and, after retries, how many attempts were made.
/// A stop (Ctrl-C) ends the attempt or the pause at once, with an
/// `Interrupted` error.
pub(crate) fn connect_with_retries(network: &Network, stop: &AtomicBool) -> io::Result<Socket> {
    let attempts = network.retry.saturating_add(1);
    let mut backoff = crate::net::backoff::AFTER_FAILURE;
    let mut attempt = 1;
    loop {
        match connect_once(network, stop) {
            Ok(socket) => return Ok(socket),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => return Err(err),
            Err(err) if attempt >= attempts => {
                let mut message = match err.kind() {
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => format!(
                        "timed out after {}",
                        humantime::format_duration(network.connect_timeout)
                    ),
                    _ => describe(&err),
                };
                if attempts > 1 {
                    message += &format!(" ({attempts} attempts)");
                }
                return Err(io::Error::new(err.kind(), message));
            }
            Err(_) => {
                if !sleep_unless(stop, backoff.pause()) {
                    return Err(interrupted(&format!(
                        "while waiting to retry (after {attempt} of {attempts} attempts)"
                    )));
                }
                attempt += 1;
            }
        }
    }
}

fn connect_once(network: &Network, stop: &AtomicBool) -> io::Result<Socket> {
    let timeout = network.connect_timeout;
    match &network.endpoint {
        Endpoint::Tcp { host, port } => {
            let mut last_error = None;
            for addr in Endpoint::resolve(host, *port)? {
                let socket =
                    Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
                configure(&socket, network)?;
                match connect_unless(&socket, &addr.into(), timeout, stop) {
                    Ok(()) => {
                        if network.nodelay {
                            socket.set_tcp_nodelay(true)?;
                        }
                        return Ok(socket);
                    }
                    Err(err) => last_error = Some(err),
                }
            }
            Err(last_error.expect("resolve returns at least one address"))
        }
        Endpoint::Unix(path) => {
            let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
            configure(&socket, network)?;
            // A Unix connect to a full backlog blocks for up to the send
            // timeout (and a non-blocking one fails with EAGAIN instead of
            // waiting), so the send timeout, one slice at a time, bounds
            // each try while the stop flag and the deadline are watched.
            let address = SockAddr::unix(path)?;
            let deadline = Instant::now() + timeout;
            socket
                .set_write_timeout(Some(STOP_SLICE.min(timeout).max(Duration::from_millis(1))))?;
            loop {
                match socket.connect(&address) {
                    Ok(()) => break,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                        if stop.load(Ordering::Relaxed) {
                            return Err(interrupted("while connecting"));
                        }
                        if Instant::now() >= deadline {
                            return Err(err);
                        }
                    }
                    Err(err) => return Err(not_a_socket(path).unwrap_or(err)),
                }
            }
            socket.set_write_timeout(None)?;
            Ok(socket)
        }
    }
}

/// Connecting to a path that is not a socket fails with ECONNREFUSED,
/// which reads as if a server had gone; this names what the path is.
fn not_a_socket(path: &std::path::Path) -> Option<io::Error> {
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata(path).ok()?.file_type();
    let what = if kind.is_socket() {
        return None;
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "a device or FIFO"
    };
    Some(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is not a socket ({what}); name the socket a server listens on",
            path.display()
        ),
    ))
}

/// `connect` with a timeout, as socket2's `connect_timeout`, but waiting in
/// slices so that a stop is seen within one: a SYN that goes unanswered
/// (a firewall that drops it) otherwise holds Ctrl-C off for the whole
/// --connect-timeout.
fn connect_unless(
    socket: &Socket,
    address: &SockAddr,
    timeout: Duration,
    stop: &AtomicBool,
) -> io::Result<()> {
    socket.set_nonblocking(true)?;
    match socket.connect(address) {
        Ok(()) => return socket.set_nonblocking(false),
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => {}
        Err(err) => return Err(err),
    }
    let deadline = Instant::now() + timeout;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Err(interrupted("while connecting"));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let mut poll = libc::pollfd {
            fd: socket.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        let wait_ms = left.min(STOP_SLICE).as_millis().max(1) as libc::c_int;
        // SAFETY: one pollfd for a descriptor we hold, for at most wait_ms.
        let ready = unsafe { libc::poll(&mut poll, 1, wait_ms) };
        if ready < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        if ready > 0 {
            if let Some(err) = socket.take_error()? {
                return Err(err);
            }
            return socket.set_nonblocking(false);
        }
    }
}

/// Options set before connecting, so they hold from the first byte.
fn configure(socket: &Socket, network: &Network) -> io::Result<()> {
    if let Some(size) = network.send_buffer {
        socket.set_send_buffer_size(size.try_into().unwrap_or(usize::MAX))?;
    }
    Ok(())
}
