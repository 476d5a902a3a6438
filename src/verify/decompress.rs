//! The reader's lane for a compressed file (`--verify` of a `--compress`
//! output): the file is read from its start through the codec's decoder,
//! and the windows handed to the checker are of the decompressed bytes,
//! so the comparison is the same as for a plain file.
//!
//! A stream the decoder cannot read on (a flipped byte that breaks a
//! block or a checksum, a file cut short) is not a read error: the data
//! is not what was written. The windows decoded before it are compared,
//! then a [`Damaged`] error says where and why, and the check reports the
//! file as differing (exit 3) rather than failing (exit 1).

use std::io::{self, BufReader, Read};

use anyhow::Result;
use crossbeam_channel::{Receiver, Sender};

use super::reader::{ReadAt, ReadPlan, Window, next_chunk};
use crate::chunk::{Chunk, ChunkPool};
use crate::sink::compress::Codec;

/// The compressed stream could not be decoded past `at` bytes of data.
#[derive(Debug)]
pub struct Damaged {
    pub at: u64,
    pub why: String,
}

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the compressed stream is damaged after {} bytes of data: {}",
            self.at, self.why
        )
    }
}

impl std::error::Error for Damaged {}

/// A [`ReadAt`] read from its start onwards, as a decoder wants it.
struct Sequential<'a> {
    file: &'a dyn ReadAt,
    offset: u64,
}

impl Read for Sequential<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }
}

fn decoder(file: &dyn ReadAt, codec: Codec) -> io::Result<Box<dyn Read + '_>> {
    let file = Sequential { file, offset: 0 };
    Ok(match codec {
        Codec::Zstd { .. } => Box::new(::zstd::stream::read::Decoder::new(file)?),
        // Every member, as `gzip -d` reads them (RFC 1952 §2.2).
        Codec::Gzip { .. } => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))),
    })
}

/// Reads the whole stream in windows of decompressed bytes, in order.
pub(super) fn read_lane(
    plan: &ReadPlan,
    codec: Codec,
    filled: &Sender<Result<Window>>,
    empty: &Receiver<Chunk>,
) {
    let mut decoder = match decoder(plan.file.as_ref(), codec) {
        Ok(decoder) => decoder,
        Err(err) => {
            let _ = filled.send(Err(anyhow::Error::new(err)));
            return;
        }
    };
    let mut pool = ChunkPool::new(plan.window_bytes);
    let mut made = 0;
    let mut offset = 0u64;
    loop {
        if plan.stop.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let Some(mut chunk) = next_chunk(empty, &mut pool, &mut made, plan.slots) else {
            return;
        };
        let (got, failed) = fill(&mut *decoder, &mut chunk.space()[..plan.window_bytes]);
        if got > 0 {
            chunk.set_filled(got, 0);
            let window = Window {
                offset,
                chunk,
                unreadable: Vec::new(),
            };
            if filled.send(Ok(window)).is_err() {
                return;
            }
            offset += got as u64;
        }
        if let Some(err) = failed {
            let damaged = Damaged {
                at: offset,
                why: err.to_string(),
            };
            let _ = filled.send(Err(anyhow::Error::new(damaged)));
            return;
        }
        if got < plan.window_bytes {
            return;
        }
    }
}

/// Reads until `buf` is full, the stream ends, or the decoder fails:
/// the bytes read, and the failure.
fn fill(decoder: &mut dyn Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut got = 0;
    while got < buf.len() {
        match decoder.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return (got, Some(err)),
        }
    }
    (got, None)
}
