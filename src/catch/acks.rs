//! `gush catch --acks -o FILE`: the far end of `--ack-log tcp://HOST:PORT`
//! (`sink/disk/acks_remote.rs`), on the machine that is not being crashed.
//!
//! It stores the journal exactly as `--ack-log FILE` writes it, whole
//! records only, so `gush verify --acks` reads either: a record cut off by
//! the sender's crash promises nothing and is not stored. After each batch
//! (what one read and the reads ready after it bring, up to [`BATCH`]) it
//! fdatasyncs the file, then sends the sender the journal's length so far,
//! 8 bytes big endian. That is the sender's proof: a record it counts as
//! confirmed is on this machine's disk, and would survive this machine
//! losing power too.
//!
//! The first line must be the journal's (`gush-acks 1`): a stray
//! connection, or `gush lines -o tcp://` pointed here by mistake, is
//! refused before anything of it is stored.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use socket2::Socket;

use super::connection::{BUFFER, Ending, STOP_CHECK, Shared, quiet};
use crate::net::describe;
use crate::pipeline::pace::Pacer;
use crate::sink::Existing;

/// The most one batch stores before it is synced and confirmed: a fast
/// sender's records are synced a megabyte at a time, not a read at a time.
const BATCH: usize = 1 << 20;

/// The journal's first line, as `sink/disk/acks.rs` writes it.
const HEADER: &[u8] = b"gush-acks 1\n";

/// The file the journal is stored in.
pub struct JournalFile {
    file: Mutex<File>,
    pub name: String,
    /// Batches synced and confirmed.
    pub syncs: AtomicU64,
}

impl JournalFile {
    /// Creates `path` (replacing it only with `--force`), and syncs its
    /// directory so the new name survives a crash as the data will.
    pub fn create(path: &Path, existing: Existing) -> Result<JournalFile> {
        let name = path.display().to_string();
        let mut options = OpenOptions::new();
        options.write(true);
        match existing {
            Existing::Overwrite => options.create(true).truncate(true),
            _ => options.create_new(true),
        };
        let file = options.open(path).map_err(|err| match err.kind() {
            io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "refusing to overwrite {name}: it exists; pass --force to replace it"
            ),
            _ => anyhow::anyhow!("cannot create the journal {name}: {err}"),
        })?;
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(directory)
            .and_then(|dir| dir.sync_all())
            .with_context(|| format!("cannot sync the directory of the journal {name}"))?;
        Ok(JournalFile {
            file: Mutex::new(file),
            name,
            syncs: AtomicU64::new(0),
        })
    }

    fn store(&self, bytes: &[u8]) -> Result<()> {
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        file.write_all(bytes)
            .with_context(|| format!("cannot write the journal {}", self.name))
    }

    fn sync(&self) -> Result<()> {
        let file = self
            .file
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        file.sync_data()
            .with_context(|| format!("cannot sync the journal {}", self.name))?;
        self.syncs.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// What one journal connection brought.
#[derive(Default)]
pub struct Received {
    pub bytes: u64,
    /// Records stored, the header line included.
    pub records: u64,
}

/// Serves one journal connection until the sender ends it.
pub fn serve(
    socket: &Socket,
    shared: &Shared,
    journal: &JournalFile,
    started: Instant,
) -> (Result<Ending>, Received) {
    let mut reader = Reader {
        journal,
        buffer: vec![0; BUFFER].into_boxed_slice(),
        kept: 0,
        header_checked: false,
        stored: 0,
        synced: 0,
        received: Received::default(),
    };
    let served = reader.run(socket, shared, started);
    // Whatever ended it, what was stored is synced: the sender may have
    // crashed, and a catcher stopped by Ctrl-C keeps what it had.
    let synced = reader.sync(socket);
    let served = served.and_then(|end| synced.map(|()| end));
    (served, reader.received)
}

struct Reader<'a> {
    journal: &'a JournalFile,
    buffer: Box<[u8]>,
    /// Bytes at the front of `buffer` after the last whole record.
    kept: usize,
    header_checked: bool,
    /// Journal bytes stored, and of those synced and confirmed.
    stored: u64,
    synced: u64,
    received: Received,
}

impl Reader<'_> {
    fn run(&mut self, socket: &Socket, shared: &Shared, started: Instant) -> Result<Ending> {
        socket
            .set_read_timeout(Some(STOP_CHECK))
            .context("cannot set up the connection")?;
        let mut pacer = shared
            .read_rate
            .map(|rate| Pacer::new(rate.per_second(), None, BUFFER as f64, started));
        loop {
            if shared.stopping() {
                return Ok(Ending::Interrupted);
            }
            if let Some(delay) = shared.read_delay {
                crate::sink::sleep_unless_stopping(|| shared.stopping(), delay);
            }
            let mut room = BUFFER - self.kept;
            if let Some(pacer) = pacer.as_mut() {
                let Some(credit) = pacer.wait(|| shared.stopping()) else {
                    return Ok(Ending::Interrupted);
                };
                room = room.min(credit.try_into().unwrap_or(usize::MAX));
            }
            let read = (&*socket).read(&mut self.buffer[self.kept..self.kept + room]);
            match read {
                Ok(0) => return Ok(Ending::Closed),
                Ok(n) => {
                    if let Some(pacer) = pacer.as_mut() {
                        pacer.sent(n as u64);
                    }
                    self.take(n)?;
                    // A slow reader (--read-rate) reads what its credit
                    // allows; otherwise the batch takes what is ready.
                    if pacer.is_none() && self.batch_more(socket)? {
                        self.sync(socket)?;
                        return Ok(Ending::Closed);
                    }
                    self.sync(socket)?;
                }
                Err(err) if quiet(&err) => {}
                Err(err) if err.kind() == io::ErrorKind::ConnectionReset => {
                    return Ok(Ending::Reset);
                }
                Err(err) => bail!("cannot read: {}", describe(&err)),
            }
        }
    }

    /// Reads what is ready without waiting, up to a batch; true at the
    /// end of the stream.
    fn batch_more(&mut self, socket: &Socket) -> Result<bool> {
        let batch_end = self.stored + BATCH as u64;
        while self.stored < batch_end {
            let room = &mut self.buffer[self.kept..];
            // SAFETY: receives into the live rest of our own buffer.
            let read = unsafe {
                libc::recv(
                    socket.as_raw_fd(),
                    room.as_mut_ptr().cast(),
                    room.len(),
                    libc::MSG_DONTWAIT,
                )
            };
            match read {
                0 => return Ok(true),
                n if n > 0 => self.take(n as usize)?,
                _ => {
                    let err = io::Error::last_os_error();
                    match err.kind() {
                        io::ErrorKind::Interrupted => {}
                        // Nothing more now; a reset shows at the next read.
                        _ => return Ok(false),
                    }
                }
            }
        }
        Ok(false)
    }

    /// Takes `n` new bytes after the kept ones: stores the whole records,
    /// keeps the rest for the next read.
    fn take(&mut self, n: usize) -> Result<()> {
        self.received.bytes += n as u64;
        let filled = self.kept + n;
        if !self.header_checked {
            match memchr::memchr(b'\n', &self.buffer[..filled]) {
                Some(end) if self.buffer[..=end] == *HEADER => self.header_checked = true,
                None if filled < HEADER.len() && HEADER.starts_with(&self.buffer[..filled]) => {
                    self.kept = filled;
                    return Ok(());
                }
                _ => {
                    let shown = &self.buffer[..filled.min(40)];
                    bail!(
                        "not an --ack-log journal: it began {:?}, not `gush-acks 1`; nothing of it was stored",
                        String::from_utf8_lossy(shown)
                    );
                }
            }
        }
        let Some(last) = memchr::memrchr(b'\n', &self.buffer[..filled]) else {
            if filled == BUFFER {
                bail!("a journal record longer than {BUFFER} bytes: not an --ack-log journal");
            }
            self.kept = filled;
            return Ok(());
        };
        let whole = last + 1;
        self.journal.store(&self.buffer[..whole])?;
        self.received.records += memchr::memchr_iter(b'\n', &self.buffer[..whole]).count() as u64;
        self.stored += whole as u64;
        self.buffer.copy_within(whole..filled, 0);
        self.kept = filled - whole;
        Ok(())
    }

    /// Syncs what was stored since the last sync, then tells the sender
    /// how much of the journal is on disk. A sender gone by then has
    /// nothing more to learn: its records are stored all the same.
    fn sync(&mut self, socket: &Socket) -> Result<()> {
        if self.stored == self.synced {
            return Ok(());
        }
        self.journal.sync()?;
        self.synced = self.stored;
        // MSG_NOSIGNAL: a sender gone is not a SIGPIPE for the catcher.
        let confirmation = self.synced.to_be_bytes();
        let mut sent = 0;
        while sent < confirmation.len() {
            // SAFETY: sends from a live 8-byte array on a socket we hold.
            let n = unsafe {
                libc::send(
                    socket.as_raw_fd(),
                    confirmation[sent..].as_ptr().cast(),
                    confirmation.len() - sent,
                    libc::MSG_NOSIGNAL,
                )
            };
            if n < 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Ok(());
            }
            sent += n as usize;
        }
        Ok(())
    }
}
