//! Files, devices, FIFOs and stdout: everything reached through a file
//! descriptor.
//!
//! The no-clobber promise lives here: an existing regular file is replaced
//! only with `--force` (or extended with `--append`), a block device is
//! written only with `--force`, and a file that does not exist is created
//! with O_EXCL so a file appearing meanwhile is not overwritten either.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};

use super::{Existing, Sink, interrupted};
use super::{STOP_SLICE, sleep_unless};

/// Whether fd 1 was closed when gush started (`gush lines >&-`). Rust's
/// runtime reopens a closed fd 0, 1 or 2 on /dev/null before `main`, after
/// which a closed stdout looks like `>/dev/null` and a run would "end
/// complete" having written nowhere. A function in `.init_array` runs
/// before that setup (glibc calls it before `main`, where the runtime's
/// setup runs), so it looks first. Open flags cannot tell the two apart
/// afterwards: the runtime opens /dev/null read-write, as Python's
/// `subprocess.DEVNULL` and daemons do for a stdout meant to be discarded.
static STDOUT_CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

extern "C" fn note_closed_stdout() {
    // SAFETY: F_GETFD reads a descriptor's flags and touches no memory.
    let closed = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1
        && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
    STDOUT_CLOSED_AT_START.store(closed, Ordering::Relaxed);
}

// SAFETY: the function is `extern "C"`, takes nothing, and only reads a
// descriptor's flags and stores a flag: fit to run before `main`.
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

pub struct FileSink {
    file: File,
    name: String,
    /// Only a regular file can be cut back after a torn write.
    regular: bool,
    reader_may_leave: bool,
}

impl FileSink {
    /// Standard output, through a duplicate of fd 1 so dropping the sink
    /// leaves the process's stdout open. Unbuffered: chunks are already
    /// large, and `io::Stdout`'s line buffering would split them.
    pub fn stdout() -> Result<FileSink> {
        if STDOUT_CLOSED_AT_START.load(Ordering::Relaxed) {
            bail!(
                "cannot write to stdout: it was closed when gush started (`>&-`); redirect it to a file or a pipe, name one with -o FILE, or discard with >/dev/null"
            );
        }
        let fd = io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .context("cannot use stdout")?;
        let file = File::from(fd);
        let kind = file.metadata().map(|meta| meta.file_type());
        let regular = kind.as_ref().is_ok_and(|kind| kind.is_file());
        if kind.is_ok_and(|kind| kind.is_fifo()) {
            widen_pipe(&file);
        }
        Ok(FileSink {
            file,
            name: "stdout".to_string(),
            regular,
            reader_may_leave: true,
        })
    }

    /// Opens `path` for writing as `existing` allows. A FIFO is waited on
    /// until a reader opens it, or `stop` is set.
    pub fn open(path: &Path, existing: Existing, stop: &AtomicBool) -> Result<FileSink> {
        let shown = path.display();
        let (mut options, target) = prepare(path, existing)?;
        let regular = matches!(target, Target::New | Target::Regular);
        let opened = if target == Target::Fifo {
            open_fifo(&mut options, path, stop)
        } else {
            options.open(path)
        };
        let file = opened.map_err(|err| match err.kind() {
            io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "refusing to overwrite {shown}: it appeared while gush was opening it; pass --force to replace it"
            ),
            _ => anyhow::Error::new(err).context(format!("cannot open {shown}")),
        })?;
        if file.metadata().is_ok_and(|meta| meta.file_type().is_fifo()) {
            widen_pipe(&file);
        }
        Ok(FileSink {
            file,
            name: shown.to_string(),
            regular,
            // A FIFO's reader leaving is the end it is for stdout's: the
            // reader has what it wanted (`gush -o fifo` with `head` on it).
            reader_may_leave: target == Target::Fifo,
        })
    }
}

/// What a destination path names, as far as writing to it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing yet: a regular file is created.
    New,
    Regular,
    BlockDevice,
    /// Written as a stream, opened once it has a reader.
    Fifo,
    /// A character device, a socket file: written as a stream.
    Other,
}

impl Target {
    /// What `path` names now; a directory is an error.
    pub fn of(path: &Path) -> Result<Target> {
        let shown = path.display();
        let kind = match fs::metadata(path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Target::New),
            Err(err) => return Err(err).with_context(|| format!("cannot open {shown}")),
            Ok(meta) => meta.file_type(),
        };
        Ok(if kind.is_dir() {
            bail!("cannot write to {shown}: it is a directory; name a file inside it")
        } else if kind.is_file() {
            Target::Regular
        } else if kind.is_block_device() {
            Target::BlockDevice
        } else if kind.is_fifo() {
            Target::Fifo
        } else {
            Target::Other
        })
    }

    /// Whether gush writes it as a disk: positioned writes, syncs, O_DIRECT.
    pub fn is_disk(self) -> bool {
        matches!(self, Target::New | Target::Regular | Target::BlockDevice)
    }
}

/// How to open `path` without breaking the no-clobber promise: a new file
/// is created with O_EXCL, an existing one is replaced only with --force
/// (extended with --append), a block device is written only with --force.
pub(super) fn prepare(path: &Path, existing: Existing) -> Result<(OpenOptions, Target)> {
    let shown = path.display();
    let mut options = OpenOptions::new();
    options.write(true);
    let target = Target::of(path)?;
    match target {
        Target::New => {
            options.create_new(true);
        }
        Target::BlockDevice if !matches!(existing, Existing::Overwrite | Existing::InPlace) => {
            bail!("refusing to write to block device {shown}: pass --force to overwrite it")
        }
        Target::Regular => match existing {
            Existing::Refuse => bail!(
                "refusing to overwrite {shown}: it exists; pass --force to replace it or --append to add to it"
            ),
            Existing::Overwrite => {
                options.truncate(true);
            }
            Existing::InPlace => {}
            Existing::Append => {
                options.append(true);
            }
        },
        Target::BlockDevice | Target::Fifo | Target::Other => {}
    }
    Ok((options, target))
}

/// Opens a FIFO for writing once it has a reader. A plain open would block
/// in the kernel until then, deaf to Ctrl-C (the handler only sets a flag);
/// a non-blocking one fails with ENXIO while there is no reader, so it is
/// tried again every slice until one comes or a stop is asked for. The
/// descriptor is made blocking again for the writer.
fn open_fifo(options: &mut OpenOptions, path: &Path, stop: &AtomicBool) -> io::Result<File> {
    options.custom_flags(libc::O_NONBLOCK);
    let file = loop {
        match options.open(path) {
            Ok(file) => break file,
            Err(err) if err.raw_os_error() == Some(libc::ENXIO) => {
                if !sleep_unless(stop, STOP_SLICE) {
                    return Err(interrupted("while waiting for a reader of the FIFO"));
                }
            }
            Err(err) => return Err(err),
        }
    };
    // SAFETY: F_GETFL/F_SETFL only read and change the flags of a
    // descriptor we hold.
    let cleared = unsafe {
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        flags >= 0 && libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
    };
    if !cleared {
        return Err(io::Error::last_os_error());
    }
    Ok(file)
}

/// The pipe size gush asks for: Linux's default ceiling for unprivileged
/// processes (/proc/sys/fs/pipe-max-size).
const PIPE_BYTES: libc::c_int = 1 << 20;

/// Widens a pipe from the default 64 KiB so each wake-up of the reader
/// moves more data: fewer context switches on a busy two-core machine.
/// Best effort: where the kernel refuses, the pipe stays as it was.
fn widen_pipe(file: &File) {
    // SAFETY: F_SETPIPE_SZ only resizes the pipe behind a descriptor we hold.
    unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES) };
}

impl Sink for FileSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn rewind(&mut self, torn: usize) -> io::Result<usize> {
        if !self.regular {
            return Ok(torn);
        }
        // The position after the failed write is the end of what this
        // process wrote, in append mode too.
        let end = self.file.stream_position()?;
        let kept = end.saturating_sub(torn as u64);
        self.file.set_len(kept)?;
        self.file.seek(io::SeekFrom::Start(kept))?;
        Ok(0)
    }

    fn reader_may_leave(&self) -> bool {
        self.reader_may_leave
    }
}
