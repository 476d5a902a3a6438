//! Opening a disk target: a regular file or block device, with O_DIRECT
//! and O_DSYNC as asked, the tail of an unaligned file carried for
//! `--append --direct`, preallocation, and the engine started on it.
//!
//! Kept apart from the write queue (`queue.rs`): everything here happens
//! once, before the first write, and every refusal here is a message that
//! says what to do.

use std::collections::{BTreeMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::direct::{self, Reblock};
use super::sync::Syncer;
use super::{DiskOptions, DiskSink, EngineKind};
use crate::sink::Existing;
use crate::sink::file::{Target, prepare};

impl DiskSink {
    pub fn open(path: &Path, existing: Existing, options: &DiskOptions) -> Result<DiskSink> {
        let shown = path.display();
        let (mut open, target) = prepare(path, existing)?;
        // Positioned writes: O_APPEND would make Linux ignore the offsets.
        open.append(false);
        let appending = existing == Existing::Append && target == Target::Regular;
        let mut flags = 0;
        if options.direct {
            flags |= libc::O_DIRECT;
        }
        if options.dsync {
            flags |= libc::O_DSYNC;
        }
        open.custom_flags(flags);
        let file = open_file(&open, path, target, options.direct)?;
        let start = if appending {
            file.metadata()
                .with_context(|| format!("cannot read the size of {shown}"))?
                .len()
        } else {
            0
        };
        let mut next_write = start;
        let reblock = match options.direct {
            false => None,
            true => {
                let alignment = direct::alignment_of(path);
                if !(options.chunk_bytes as u64).is_multiple_of(alignment) {
                    bail!(
                        "--chunk {} is not a multiple of {shown}'s direct-I/O alignment ({alignment} bytes); use a multiple of it",
                        options.chunk_bytes
                    );
                }
                let mut reblock = Reblock::new(alignment);
                let partial = start % alignment;
                if partial > 0 {
                    next_write = start - partial;
                    let mut tail = vec![0; partial as usize];
                    // Through a second, buffered descriptor: an O_DIRECT
                    // read of an unaligned length into an unaligned Vec is
                    // EINVAL, which made every `--append --direct` onto an
                    // unaligned file fail (tests/integration/disk/direct.rs).
                    File::open(path)
                        .and_then(|plain| plain.read_exact_at(&mut tail, next_write))
                        .with_context(|| format!("cannot read the end of {shown} to append"))?;
                    reblock.carry_from(&tail);
                }
                Some(reblock)
            }
        };
        let preallocation = match (options.preallocate, target) {
            (Some((mode, bytes)), Target::New | Target::Regular) => {
                preallocate(&file, start, bytes, mode, path)
            }
            _ => Preallocation::default(),
        };
        let preallocated = preallocation.done == Preallocate::Native;
        let file = Arc::new(file);
        let engine = match super::open(options.engine, Arc::clone(&file), options.queue_depth) {
            Ok(engine) => engine,
            // Only a forced uring gets here refused (the default falls
            // back); the kernel's bare ENOSYS told the user nothing of
            // why or what to do (tests/integration/disk/queue.rs).
            Err(err) if options.engine == Some(EngineKind::Uring) && super::is_refusal(&err) => {
                bail!(
                    "cannot start the uring engine for {shown}: io_uring is refused here ({err}), as container seccomp profiles and kernel.io_uring_disabled do; pass --engine threads, or drop --engine to fall back to it"
                )
            }
            Err(err) => {
                return Err(err).with_context(|| {
                    format!(
                        "cannot start the {} engine for {shown}",
                        options.engine.map_or("default", EngineKind::as_str)
                    )
                });
            }
        };
        Ok(DiskSink {
            file,
            name: shown.to_string(),
            regular: target != Target::BlockDevice,
            engine,
            options: options.clone(),
            reblock,
            next_write,
            taken_end: start,
            written_to: next_write,
            completed: BTreeMap::new(),
            slots: VecDeque::new(),
            syncer: Syncer::new(options.sync, options.sync_call),
            preallocated,
            preallocation,
            error: None,
            reaped: Vec::new(),
        })
    }
}

/// Opens the destination; a filesystem that refuses O_DIRECT gets a message
/// that says so, and a file created for the attempt is removed again.
fn open_file(open: &OpenOptions, path: &Path, target: Target, direct: bool) -> Result<File> {
    let shown = path.display();
    match open.open(path) {
        Ok(file) => Ok(file),
        Err(err) if direct && err.raw_os_error() == Some(libc::EINVAL) => {
            if target == Target::New {
                let _ = std::fs::remove_file(path);
            }
            bail!(
                "cannot open {shown} with O_DIRECT: its filesystem refuses direct I/O ({err}); drop --direct to write through the page cache"
            )
        }
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => bail!(
            "refusing to overwrite {shown}: it appeared while gush was opening it; pass --force to replace it"
        ),
        Err(err) => Err(err).with_context(|| format!("cannot open {shown}")),
    }
}

/// `--preallocate`: how a file's blocks are reserved before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Preallocate {
    /// Blocks are allocated as writes reach them.
    #[default]
    None,
    /// fallocate, growing the file to its full size (fio's
    /// `fallocate=native`, its Linux default).
    Native,
    /// fallocate with FALLOC_FL_KEEP_SIZE: blocks reserved past the end,
    /// the size growing with the writes (fio's `fallocate=keep`).
    Keep,
}

impl Preallocate {
    pub fn as_str(self) -> &'static str {
        match self {
            Preallocate::None => "none",
            Preallocate::Native => "native",
            Preallocate::Keep => "keep",
        }
    }
}

/// What preallocation a run asked for and got, for its summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Preallocation {
    pub asked: Preallocate,
    /// What was done: `asked`, or `None` where the filesystem refused.
    pub done: Preallocate,
    pub bytes: u64,
}

/// Reserves `bytes` from `start`. `Native` grows the file to its full size
/// as fio's `fallocate=native` does: writes inside the file's size need no
/// size update, which on ext4 keeps io_uring's direct writes off its worker
/// threads (2x faster here than KEEP_SIZE). A run that ends short cuts the
/// file back (see [`DiskSink::drain`]). A filesystem that cannot preallocate
/// is told about in one line of its own on stderr (never inside a JSON
/// summary), and the run goes on without.
fn preallocate(
    file: &File,
    start: u64,
    bytes: u64,
    mode: Preallocate,
    path: &Path,
) -> Preallocation {
    let flags = match mode {
        Preallocate::None => return Preallocation::default(),
        Preallocate::Native => 0,
        Preallocate::Keep => libc::FALLOC_FL_KEEP_SIZE,
    };
    // SAFETY: fallocate only reserves blocks for the descriptor we hold.
    let rc = unsafe {
        libc::fallocate(
            file.as_raw_fd(),
            flags,
            start as libc::off_t,
            bytes as libc::off_t,
        )
    };
    let done = match rc {
        0 => mode,
        _ => {
            let err = io::Error::last_os_error();
            // Straight to stderr, one line, never a panic; the sink
            // stays out of `report` (which already depends on it).
            let _ = writeln!(
                io::stderr().lock(),
                "gush: warning: cannot preallocate {} ({err}); writing without it",
                path.display()
            );
            Preallocate::None
        }
    };
    Preallocation {
        asked: mode,
        done,
        bytes,
    }
}
