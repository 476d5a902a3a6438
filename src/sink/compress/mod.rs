//! Compression on the fly (`--compress zstd[:LEVEL]|gzip[:LEVEL]|none`): a
//! sink that wraps another. [`Compressed`] takes the raw bytes the writer
//! hands it, compresses them (`zstd.rs` through libzstd's multithreaded
//! encoder, `gzip.rs` in independent members on a small pool, as pigz
//! does) and writes the result to the sink it owns; its `finish` ends the
//! stream and then finishes that sink. Being a sink itself is what lets
//! anything that opens files (one output, or a series of them) make each
//! one a complete compressed stream by wrapping it.
//!
//! Backpressure stays honest in two ways. The compressor's own buffers are
//! counted against the hwm ([`Codec::buffer_bytes`]; the configuration
//! raises the hwm when they do not fit, and the summary says so). And the
//! writer's time is split between compressing and writing, so the report
//! can name the compressor as the bottleneck when it is the slow stage.
//!
//! A compressed stream cannot be cut back to whole records: after a failed
//! write the file is removed, and the error names it.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use super::Sink;
use crate::stats::{CompressStats, SinkReport};

mod gzip;
mod zstd;

/// A compression format and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Zstd { level: i32 },
    Gzip { level: u32 },
}

/// `--compress` as given: a codec, or `none`, which also turns off what
/// the output path's ending would ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked(pub Option<Codec>);

/// zstd's levels that stream in bounded memory (20-22 need windows of
/// 32 MiB and more, and `--ultra` in the zstd tool).
const ZSTD_LEVELS: std::ops::RangeInclusive<i32> = 1..=19;
const GZIP_LEVELS: std::ops::RangeInclusive<u32> = 1..=9;
/// The tools' own defaults: `zstd` is -3, `gzip` -6.
const ZSTD_DEFAULT: i32 = 3;
const GZIP_DEFAULT: u32 = 6;

impl Codec {
    /// `--compress`'s value: `zstd`, `zstd:19`, `gzip:6`; `none` is `None`.
    pub fn parse(arg: &str) -> Result<Option<Codec>, String> {
        let try_these = "try zstd, zstd:19, gzip, gzip:9 or none";
        let (name, level) = match arg.split_once(':') {
            Some((name, level)) => (name, Some(level)),
            None => (arg, None),
        };
        let bad_level = |range: String| format!("`{arg}`: the level must be {range} ({try_these})");
        match (name, level) {
            ("none", None) => Ok(None),
            ("zstd", None) => Ok(Some(Codec::Zstd {
                level: ZSTD_DEFAULT,
            })),
            ("gzip", None) => Ok(Some(Codec::Gzip {
                level: GZIP_DEFAULT,
            })),
            ("zstd", Some(level)) => match level.parse::<i32>() {
                Ok(level) if ZSTD_LEVELS.contains(&level) => Ok(Some(Codec::Zstd { level })),
                _ => Err(bad_level(format!(
                    "{} to {}",
                    ZSTD_LEVELS.start(),
                    ZSTD_LEVELS.end()
                ))),
            },
            ("gzip", Some(level)) => match level.parse::<u32>() {
                Ok(level) if GZIP_LEVELS.contains(&level) => Ok(Some(Codec::Gzip { level })),
                _ => Err(bad_level(format!(
                    "{} to {}",
                    GZIP_LEVELS.start(),
                    GZIP_LEVELS.end()
                ))),
            },
            _ => Err(format!("`{arg}` is not a compression ({try_these})")),
        }
    }

    /// What a path's ending asks for: `.zst` zstd, `.gz` gzip, at their
    /// default levels. Only the ending is read, so a `{k}` series path
    /// (`part-{k}.csv.zst`) is judged the same way.
    pub fn for_path(path: &Path) -> Option<Codec> {
        let name = path.to_string_lossy();
        if name.ends_with(".zst") {
            Some(Codec::Zstd {
                level: ZSTD_DEFAULT,
            })
        } else if name.ends_with(".gz") {
            Some(Codec::Gzip {
                level: GZIP_DEFAULT,
            })
        } else {
            None
        }
    }

    /// `zstd:3`, as the summary names it.
    pub fn label(self) -> String {
        match self {
            Codec::Zstd { level } => format!("zstd:{level}"),
            Codec::Gzip { level } => format!("gzip:{level}"),
        }
    }

    /// Threads that compress: the machine's cores. The generator and the
    /// writer use some of them; the compressor takes whatever they leave
    /// idle, and an idle worker costs nothing.
    pub fn workers() -> usize {
        std::thread::available_parallelism().map_or(1, usize::from)
    }

    /// The most memory the compressor holds with `workers` threads, in
    /// bytes: what it adds to the bytes waiting under the hwm.
    pub fn buffer_bytes(self, workers: usize) -> u64 {
        match self {
            Codec::Zstd { level } => zstd::buffer_bytes(level, workers),
            Codec::Gzip { .. } => gzip::buffer_bytes(workers),
        }
    }
}

/// What compressing a destination was set up with: the codec, its
/// threads, and what the configuration did about their memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub codec: Codec,
    pub workers: usize,
    /// The compressor's buffers, counted against the hwm.
    pub buffer_bytes: u64,
    /// The hwm the run has, compressor included, when it had to be raised
    /// above what was asked (or the default) to hold the compressor.
    pub hwm_raised_to: Option<u64>,
}

impl Plan {
    pub fn new(codec: Codec) -> Plan {
        let workers = Codec::workers();
        Plan {
            codec,
            workers,
            buffer_bytes: codec.buffer_bytes(workers),
            hwm_raised_to: None,
        }
    }
}

impl CompressStats {
    /// Adds `next`'s bytes and times to these: the next file of a series,
    /// compressed after this one by the same threads in the same buffers.
    pub fn add_after(&mut self, next: &CompressStats) {
        self.raw_bytes += next.raw_bytes;
        self.compressed_bytes += next.compressed_bytes;
        self.compression_ratio = match self.compressed_bytes {
            0 => 0.0,
            compressed => self.raw_bytes as f64 / compressed as f64,
        };
        self.compress_s += next.compress_s;
        self.compressed_write_s += next.compressed_write_s;
        self.removed |= next.removed;
    }

    /// Adds `other`'s, compressed at the same time (another lane or job):
    /// its threads and buffers are more of them, held at once.
    pub fn add_beside(&mut self, other: &CompressStats) {
        self.add_after(other);
        self.compress_workers += other.compress_workers;
        self.compressor_buffer_bytes += other.compressor_buffer_bytes;
    }
}

/// A format's encoder: takes raw bytes, writes compressed ones to [`Out`].
trait Encoder: Send {
    /// Compresses all of `raw` (what cannot go out yet is kept).
    fn write(&mut self, raw: &[u8]) -> io::Result<()>;
    /// Ends the stream: everything kept goes out, the trailer last.
    fn end(&mut self) -> io::Result<()>;
    fn out(&self) -> &Out;
    fn out_mut(&mut self) -> &mut Out;
}

/// The wrapped sink, as an [`io::Write`] for the encoders, counting the
/// compressed bytes and the time spent writing them.
pub(crate) struct Out {
    sink: Box<dyn Sink>,
    bytes: u64,
    write_ns: u64,
}

impl io::Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let started = Instant::now();
        let written = self.sink.write(buf);
        self.write_ns += started.elapsed().as_nanos() as u64;
        if let Ok(n) = written {
            self.bytes += n as u64;
        }
        written
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A sink that compresses into another (see the module's note).
pub struct Compressed {
    encoder: Box<dyn Encoder>,
    plan: Plan,
    /// The file to remove if a write fails: a regular file gush created
    /// or replaced. `None` for stdout, a FIFO, a device.
    remove_on_failure: Option<PathBuf>,
    removed: bool,
    raw_bytes: u64,
    /// Time in the encoder, writing to the inner sink included.
    busy_ns: u64,
}

/// Wraps `inner` in a compressor. `remove_on_failure` is the regular file
/// behind it, removed (and named in the error) when a write fails.
pub fn wrap(
    inner: Box<dyn Sink>,
    plan: Plan,
    remove_on_failure: Option<PathBuf>,
) -> Result<Box<dyn Sink>> {
    let out = Out {
        sink: inner,
        bytes: 0,
        write_ns: 0,
    };
    let encoder: Box<dyn Encoder> = match plan.codec {
        Codec::Zstd { level } => Box::new(zstd::Zstd::new(out, level, plan.workers)?),
        Codec::Gzip { level } => Box::new(gzip::Gzip::new(out, level, plan.workers)?),
    };
    Ok(Box::new(Compressed {
        encoder,
        plan,
        remove_on_failure,
        removed: false,
        raw_bytes: 0,
        busy_ns: 0,
    }))
}

impl Compressed {
    /// A failed write or end: the stream cannot be cut back to whole
    /// records, so the file goes, and the error says so in its one line.
    fn failed(&mut self, err: io::Error) -> io::Error {
        let Some(path) = &self.remove_on_failure else {
            return err;
        };
        let shown = path.display();
        let fate = match std::fs::remove_file(path) {
            Ok(()) => {
                self.removed = true;
                format!(
                    "{shown} was removed: a compressed stream cannot be cut back to whole records"
                )
            }
            Err(remove) => format!(
                "{shown} is a cut {} stream, and removing it failed too: {remove}",
                self.plan.codec.label()
            ),
        };
        io::Error::new(err.kind(), format!("{err}; {fate}"))
    }
}

impl Sink for Compressed {
    fn name(&self) -> &str {
        self.encoder.out().sink.name()
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.removed {
            return Err(io::Error::other("the output was removed after a failure"));
        }
        let started = Instant::now();
        let written = self.encoder.write(buf);
        self.busy_ns += started.elapsed().as_nanos() as u64;
        match written {
            Ok(()) => {
                self.raw_bytes += buf.len() as u64;
                Ok(buf.len())
            }
            Err(err) => Err(self.failed(err)),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.removed {
            return Ok(());
        }
        let started = Instant::now();
        let ended = self
            .encoder
            .end()
            .and_then(|()| self.encoder.out_mut().sink.finish());
        self.busy_ns += started.elapsed().as_nanos() as u64;
        ended.map_err(|err| self.failed(err))
    }

    fn abandon(&mut self) -> io::Result<bool> {
        self.encoder.out_mut().sink.abandon()
    }

    fn reader_may_leave(&self) -> bool {
        self.encoder.out().sink.reader_may_leave()
    }

    fn live(&self) -> Option<super::Live> {
        self.encoder.out().sink.live()
    }

    fn report(&self) -> SinkReport {
        self.encoder.out().sink.report()
    }

    fn compression(&self) -> Option<CompressStats> {
        let out = self.encoder.out();
        let write_s = out.write_ns as f64 / 1e9;
        Some(CompressStats {
            compression: self.plan.codec.label(),
            compress_workers: self.plan.workers as u64,
            raw_bytes: self.raw_bytes,
            compressed_bytes: out.bytes,
            compression_ratio: match out.bytes {
                0 => 0.0,
                compressed => self.raw_bytes as f64 / compressed as f64,
            },
            compress_s: (self.busy_ns.saturating_sub(out.write_ns)) as f64 / 1e9,
            compressed_write_s: write_s,
            compressor_buffer_bytes: self.plan.buffer_bytes,
            hwm_raised_to: self.plan.hwm_raised_to,
            removed: self.removed,
        })
    }
}
