//! zstd through libzstd's own multithreaded encoder (the `zstd` crate's
//! `zstdmt`): the writer thread hands it input, worker threads compress
//! it in jobs, and the frames they make come out in order, one frame for
//! the whole stream. The job size is set small (1 MiB, where libzstd
//! would take 4× its window, 8 MiB at level 3) so the memory held stays
//! near the hwm; each job still starts from the end of the one before
//! (libzstd's overlap), which keeps the ratio near a single thread's.

use std::io::{self, Write};

use ::zstd::stream::raw;
use ::zstd::stream::write::Encoder as StreamEncoder;
use ::zstd::stream::zio;
use ::zstd::zstd_safe::CParameter;

use super::{Encoder, Out};

/// Bytes of input per job.
const JOB_BYTES: u32 = 1 << 20;

/// What goes to the inner sink per write: as the zstd tool's output
/// buffer (ZSTD_CStreamOutSize is 128 KiB), so a file takes few large
/// writes rather than many of the crate's default 32 KiB.
const OUT_BUFFER_BYTES: usize = 128 << 10;

/// A level's window, as libzstd's parameter tables give it for input of
/// unknown size (levels 1-19; `zstd --show-default-cparams`).
fn window_log(level: i32) -> u32 {
    match level {
        ..=1 => 19,
        2 => 20,
        3..=6 => 21,
        7..=15 => 22,
        _ => 23,
    }
}

/// The compressor's memory with `workers` threads: each worker's context
/// (match tables and sequence store, about a window's worth: libzstd's
/// single-thread estimate is 1.3 windows at level 3, window included),
/// the jobs in flight, each with its input and its output, and the
/// window the next job overlaps.
pub(super) fn buffer_bytes(level: i32, workers: usize) -> u64 {
    let window = 1u64 << window_log(level);
    let context = window;
    let job = JOB_BYTES as u64;
    let workers = workers.max(1) as u64;
    let jobs_in_flight = workers + 2;
    workers * context + jobs_in_flight * (2 * job) + window + 2 * OUT_BUFFER_BYTES as u64
}

pub(super) struct Zstd {
    stream: StreamEncoder<'static, Out>,
}

impl Zstd {
    pub fn new(out: Out, level: i32, workers: usize) -> io::Result<Zstd> {
        let mut operation = raw::Encoder::new(level)?;
        // A checksum of the content, as the zstd tool writes by default,
        // so a damaged file fails to decode rather than decoding wrong.
        operation.set_parameter(CParameter::ChecksumFlag(true))?;
        if workers > 1 {
            operation.set_parameter(CParameter::NbWorkers(workers as u32))?;
            operation.set_parameter(CParameter::JobSize(JOB_BYTES))?;
        }
        let writer = zio::Writer::new_with_capacity(out, operation, OUT_BUFFER_BYTES);
        Ok(Zstd {
            stream: StreamEncoder::with_writer(writer),
        })
    }
}

impl Encoder for Zstd {
    fn write(&mut self, raw: &[u8]) -> io::Result<()> {
        self.stream.write_all(raw)
    }

    fn end(&mut self) -> io::Result<()> {
        self.stream.do_finish()
    }

    fn out(&self) -> &Out {
        self.stream.get_ref()
    }

    fn out_mut(&mut self) -> &mut Out {
        self.stream.get_mut()
    }
}
