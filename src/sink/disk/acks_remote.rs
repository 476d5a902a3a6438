//! The acknowledgement journal sent to another machine (`--ack-log
//! tcp://HOST:PORT`), where `gush catch --acks -o FILE` stores it: the
//! model of diskchecker.pl, whose whole point is that the journal outlives
//! the machine whose disk is being tested.
//!
//! The bytes sent are exactly the file journal's (`acks.rs`), so `gush
//! verify --acks` reads either. What comes back is the catcher's word
//! that it has the journal on its disk: after each batch it has written
//! and fsynced, the catcher sends the journal's length so far, 8 bytes big
//! endian. "Acknowledged" then means, end to end: the device said a write
//! (or a sync) was done, and only after that was its record sent; and a
//! record counts as journalled once the catcher has confirmed it synced,
//! not once it left this machine's socket.
//!
//! At most [`WINDOW`] bytes may be sent and not yet confirmed. That bounds
//! memory (there is nothing to keep: the kernel holds what is unconfirmed)
//! and bounds what a crash of this machine can take from the journal: the
//! records of the last few hundred kilobytes at most. A catcher that cannot
//! keep up (a slow disk, `--read-rate`) fills the window, and the writer
//! waits for it: a pause, counted in the summary.
//!
//! A dropped connection fails the run (exit 1, naming the journal). Going
//! on would leave a gap of unknown size in the journal, and a lost write
//! whose record fell in it would be judged against an older promise and
//! pass as kept: a false "the device kept its promise". Reconnecting and
//! resending from the last confirmed byte would close that gap, but needs
//! the catcher to resume one file across connections; not built.

use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use socket2::Socket;

use super::acks::Dial;
use crate::net::{Endpoint, describe};
use crate::sink::net::{Network, connect_with_retries};
use crate::sink::{STOP_SLICE, interrupted};

/// The most journal bytes sent and not yet confirmed on the catcher's
/// disk: some 6,500 records. Large enough that a catcher fsyncing every
/// few milliseconds never holds a fast disk back (bench/acks.md), small
/// enough that a crash here loses little of the journal.
pub const WINDOW: u64 = 256 << 10;

/// How long the catcher may take to confirm the journal's first line: a
/// listener that does not is not `gush catch --acks`.
const FIRST_CONFIRMATION: Duration = Duration::from_secs(5);

pub struct RemoteJournal {
    socket: Socket,
    name: String,
    stop: Arc<AtomicBool>,
    /// Journal bytes handed to the socket.
    sent: u64,
    /// Journal bytes the catcher has said are on its disk.
    confirmed: u64,
    /// A confirmation read in part.
    partial: [u8; 8],
    partial_len: usize,
}

impl RemoteJournal {
    /// Connects (retried as `-o tcp://` is, with `dial`), sends `header` and
    /// waits for the catcher to confirm it: a refused connection, or a
    /// listener that is not `gush catch --acks`, fails before any write.
    pub fn connect(
        endpoint: &Endpoint,
        dial: Dial,
        header: &[u8],
        stop: Arc<AtomicBool>,
    ) -> io::Result<RemoteJournal> {
        let name = endpoint.to_string();
        let network = Network {
            endpoint: endpoint.clone(),
            connect_timeout: dial.connect_timeout,
            retry: dial.retry,
            reconnect: false,
            // Records go as soon as they are handed over: each batch ends
            // at a sync, the promise the catcher should have at once.
            nodelay: true,
            send_buffer: None,
        };
        let socket = connect_with_retries(&network, &stop).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!(
                    "cannot connect to the --ack-log {name}: {err}; start `gush catch --acks -o FILE --listen ADDR` there first"
                ),
            )
        })?;
        let mut remote = RemoteJournal {
            socket,
            name,
            stop,
            sent: 0,
            confirmed: 0,
            partial: [0; 8],
            partial_len: 0,
        };
        let deadline = Instant::now() + FIRST_CONFIRMATION;
        let started = remote
            .send(header)
            .and_then(|_| remote.settle(Some(deadline)));
        let why = match started {
            Ok(_) => return Ok(remote),
            Err(err) if err.kind() == io::ErrorKind::TimedOut => format!(
                "it took the journal's first line and confirmed nothing within {}s: is it `gush catch --acks`?",
                FIRST_CONFIRMATION.as_secs()
            ),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => return Err(err),
            Err(err) => err.to_string(),
        };
        Err(io::Error::other(format!(
            "cannot start the --ack-log {}: {why}",
            remote.name
        )))
    }

    /// Journal bytes the catcher has confirmed on its disk.
    pub fn confirmed(&self) -> u64 {
        self.confirmed
    }

    /// Hands `bytes` to the socket, within the window; true if it had to
    /// wait for the catcher (a pause).
    pub fn send(&mut self, mut bytes: &[u8]) -> io::Result<bool> {
        let mut paused = false;
        while !bytes.is_empty() {
            self.read_confirmations()?;
            let room = WINDOW.saturating_sub(self.sent - self.confirmed);
            if room == 0 {
                paused = true;
                self.wait(libc::POLLIN, None)?;
                continue;
            }
            let length = bytes.len().min(room as usize);
            // SAFETY: sends from a live slice of `length` bytes on a socket
            // we hold. MSG_NOSIGNAL: a catcher gone is an error, not SIGPIPE.
            let sent = unsafe {
                libc::send(
                    self.socket.as_raw_fd(),
                    bytes.as_ptr().cast(),
                    length,
                    libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
                )
            };
            if sent >= 0 {
                self.sent += sent as u64;
                bytes = &bytes[sent as usize..];
                continue;
            }
            let err = io::Error::last_os_error();
            match err.kind() {
                io::ErrorKind::Interrupted => {}
                // The socket's buffers are full: the catcher reads slowly.
                io::ErrorKind::WouldBlock => {
                    paused = true;
                    self.wait(libc::POLLIN | libc::POLLOUT, None)?;
                }
                _ => return Err(self.gone(&err)),
            }
        }
        Ok(paused)
    }

    /// Waits until the catcher has confirmed every byte sent (until
    /// `deadline`, if one is given); true if it had to wait.
    pub fn settle(&mut self, deadline: Option<Instant>) -> io::Result<bool> {
        let mut paused = false;
        loop {
            self.read_confirmations()?;
            if self.confirmed >= self.sent {
                return Ok(paused);
            }
            paused = true;
            self.wait(libc::POLLIN, deadline)?;
        }
    }

    /// The journal is complete: the catcher sees its end, and ends too.
    pub fn close(&mut self) -> io::Result<()> {
        match self.socket.shutdown(std::net::Shutdown::Write) {
            Err(err) if err.kind() != io::ErrorKind::NotConnected => Err(self.gone(&err)),
            _ => Ok(()),
        }
    }

    /// Reads the confirmations waiting, without blocking.
    fn read_confirmations(&mut self) -> io::Result<()> {
        let mut buffer = [0u8; 256];
        loop {
            // SAFETY: receives into a live buffer of its own length.
            let read = unsafe {
                libc::recv(
                    self.socket.as_raw_fd(),
                    buffer.as_mut_ptr().cast(),
                    buffer.len(),
                    libc::MSG_DONTWAIT,
                )
            };
            if read == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    format!(
                        "the catcher closed the connection with {} of {} journal bytes confirmed; the run stops, as records it may have missed could hide a lost write",
                        self.confirmed, self.sent
                    ),
                ));
            }
            if read < 0 {
                let err = io::Error::last_os_error();
                match err.kind() {
                    io::ErrorKind::WouldBlock => return Ok(()),
                    io::ErrorKind::Interrupted => continue,
                    _ => return Err(self.gone(&err)),
                }
            }
            for &byte in &buffer[..read as usize] {
                self.partial[self.partial_len] = byte;
                self.partial_len += 1;
                if self.partial_len == 8 {
                    self.partial_len = 0;
                    let stored = u64::from_be_bytes(self.partial);
                    if stored > self.sent {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "the catcher confirmed {stored} journal bytes of {} sent: it is not `gush catch --acks`, or not this run's",
                                self.sent
                            ),
                        ));
                    }
                    self.confirmed = self.confirmed.max(stored);
                }
            }
        }
    }

    /// Waits for the socket to be ready for `events`, in slices that look
    /// at the stop flag (Ctrl-C) and the deadline.
    fn wait(&mut self, events: libc::c_short, deadline: Option<Instant>) -> io::Result<()> {
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Err(interrupted("while waiting for the --ack-log's catcher"));
            }
            let mut slice = STOP_SLICE;
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(io::ErrorKind::TimedOut.into());
                }
                slice = slice.min(left);
            }
            let mut poll = libc::pollfd {
                fd: self.socket.as_raw_fd(),
                events,
                revents: 0,
            };
            let wait_ms = slice.as_millis().max(1) as libc::c_int;
            // SAFETY: one pollfd for a descriptor we hold, for at most wait_ms.
            let ready = unsafe { libc::poll(&mut poll, 1, wait_ms) };
            if ready > 0 {
                return Ok(());
            }
            if ready < 0 {
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
        }
    }

    fn gone(&self, err: &io::Error) -> io::Error {
        io::Error::new(
            io::ErrorKind::ConnectionAborted,
            format!(
                "the connection to the catcher failed ({}) with {} of {} journal bytes confirmed; the run stops, as records it may have missed could hide a lost write",
                describe(err),
                self.confirmed,
                self.sent
            ),
        )
    }
}
