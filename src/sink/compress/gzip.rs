//! gzip on several threads, as pigz does it: the input is cut into groups
//! of [`GROUP_BYTES`], each compressed on a small pool of threads into a
//! gzip member of its own (header, deflate, CRC-32 and length), and the
//! members are written in order. RFC 1952 §2.2 makes a gzip file a series
//! of members, so `gzip -d` (and flate2's `MultiGzDecoder`) read the whole
//! stream back as one. Each member starts with an empty dictionary, which
//! at 1 MiB groups costs a fraction of a percent of the ratio.
//!
//! At most `workers + 1` groups are out at once: when that many are, the
//! writer thread waits for the oldest, so the memory held stays bounded
//! and a slow compressor holds the writer back, where the report sees it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use flate2::{Compress, Compression, Crc, FlushCompress, Status};

use super::{Encoder, Out};

/// Raw bytes per member.
const GROUP_BYTES: usize = 1 << 20;

/// A member's largest size: deflate's stored blocks add 5 bytes per 64 KiB
/// to input that does not compress, and the header and trailer 18.
const MEMBER_BOUND: usize = GROUP_BYTES + GROUP_BYTES / 1024 + 64;

/// One group to compress: its place in the stream, its input, and a
/// buffer for its output (both come back to be used again).
struct Job {
    seq: u64,
    input: Vec<u8>,
    output: Vec<u8>,
}

/// A compressed group, or why it failed.
struct Member {
    seq: u64,
    input: Vec<u8>,
    output: io::Result<Vec<u8>>,
}

/// The compressor's memory with `workers` threads: the groups out at once,
/// each with its input and its output (deflate's worst case is a little
/// over the input), a deflate state per worker (256 KiB at level 9 in
/// zlib), and the group being filled.
pub(super) fn buffer_bytes(workers: usize) -> u64 {
    let groups = workers.max(1) as u64 + 1;
    let group = GROUP_BYTES as u64;
    groups * 2 * group + workers as u64 * (256 << 10) + group
}

pub(super) struct Gzip {
    out: Out,
    /// The group being filled.
    group: Vec<u8>,
    jobs: Option<Sender<Job>>,
    members: Receiver<Member>,
    /// Groups handed out and not yet written.
    out_at_once: usize,
    most_at_once: usize,
    next_seq: u64,
    /// The next member to write, and those that came back before it.
    next_to_write: u64,
    early: BTreeMap<u64, Vec<u8>>,
    /// Buffers back from the pool, inputs and outputs apart: an output is
    /// touched only as far as its member goes, an input all through.
    spare_inputs: Vec<Vec<u8>>,
    spare_outputs: Vec<Vec<u8>>,
    /// Whether any member was made: an empty stream still gets one, as
    /// `gzip` makes of empty input, so the file is valid gzip.
    any: bool,
    threads: Vec<JoinHandle<()>>,
}

impl Gzip {
    pub fn new(out: Out, level: u32, workers: usize) -> io::Result<Gzip> {
        let workers = workers.max(1);
        let (jobs, taken) = crossbeam_channel::unbounded::<Job>();
        let (made, members) = crossbeam_channel::unbounded::<Member>();
        let threads = (0..workers)
            .map(|i| {
                let taken = taken.clone();
                let made = made.clone();
                std::thread::Builder::new()
                    .name(format!("gzip-{i}"))
                    .spawn(move || compress_groups(level, &taken, &made))
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Gzip {
            out,
            group: Vec::with_capacity(GROUP_BYTES),
            jobs: Some(jobs),
            members,
            out_at_once: 0,
            most_at_once: workers + 1,
            next_seq: 0,
            next_to_write: 0,
            early: BTreeMap::new(),
            spare_inputs: Vec::new(),
            spare_outputs: Vec::new(),
            any: false,
            threads,
        })
    }

    /// Hands the group filled so far to the pool, first making room.
    fn hand_out(&mut self) -> io::Result<()> {
        while self.out_at_once >= self.most_at_once {
            self.write_next(true)?;
        }
        let fresh = self
            .spare_inputs
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(GROUP_BYTES));
        let input = std::mem::replace(&mut self.group, fresh);
        // Full size from the start: a buffer grown by doubling on a pool
        // thread leaves freed pieces behind in that thread's malloc arena.
        let output = self
            .spare_outputs
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(MEMBER_BOUND));
        let job = Job {
            seq: self.next_seq,
            input,
            output,
        };
        self.next_seq += 1;
        self.out_at_once += 1;
        self.any = true;
        let sent = self.jobs.as_ref().map(|jobs| jobs.send(job));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(io::Error::other("the gzip threads ended early")),
        }
    }

    /// Writes the next member in order if it is back (waiting for it if
    /// `wait`); returns whether one was written.
    fn write_next(&mut self, wait: bool) -> io::Result<bool> {
        loop {
            if let Some(output) = self.early.remove(&self.next_to_write) {
                let written = self.out.write_all(&output);
                self.spare_outputs.push(output);
                written?;
                self.next_to_write += 1;
                self.out_at_once -= 1;
                return Ok(true);
            }
            let member = match wait {
                true => self.members.recv().ok(),
                false => self.members.try_recv().ok(),
            };
            let Some(member) = member else {
                return match wait {
                    true => Err(io::Error::other("the gzip threads ended early")),
                    false => Ok(false),
                };
            };
            let mut input = member.input;
            input.clear();
            self.spare_inputs.push(input);
            self.early.insert(member.seq, member.output?);
        }
    }
}

/// A pool thread: compresses each group it takes into one gzip member.
/// One deflate state per thread, reset for each member, rather than an
/// encoder made and dropped per group: the churn of its buffers through
/// the thread's malloc arena left megabytes resident.
fn compress_groups(level: u32, taken: &Receiver<Job>, made: &Sender<Member>) {
    let mut deflate = Compress::new(Compression::new(level), false);
    for Job {
        seq,
        input,
        mut output,
    } in taken.iter()
    {
        deflate.reset();
        let output = member(&mut deflate, &input, &mut output).map(|()| output);
        if made.send(Member { seq, input, output }).is_err() {
            return;
        }
    }
}

/// The gzip header gush writes (RFC 1952 §2.3): deflate, no flags, no
/// modification time (the data is made, not a file's copy), no extra
/// flags, made on Unix.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];

/// One member: the header, `input` deflated, its CRC-32 and its length
/// modulo 2^32, both little-endian (RFC 1952 §2.3.1).
fn member(deflate: &mut Compress, input: &[u8], output: &mut Vec<u8>) -> io::Result<()> {
    output.clear();
    output.extend_from_slice(&HEADER);
    loop {
        if output.capacity() - output.len() < 1 << 16 {
            output.reserve(1 << 16);
        }
        let taken = deflate.total_in() as usize;
        let status = deflate
            .compress_vec(&input[taken..], output, FlushCompress::Finish)
            .map_err(io::Error::other)?;
        if status == Status::StreamEnd {
            break;
        }
    }
    let mut crc = Crc::new();
    crc.update(input);
    output.extend_from_slice(&crc.sum().to_le_bytes());
    output.extend_from_slice(&(input.len() as u32).to_le_bytes());
    Ok(())
}

impl Encoder for Gzip {
    fn write(&mut self, mut raw: &[u8]) -> io::Result<()> {
        while !raw.is_empty() {
            let room = GROUP_BYTES - self.group.len();
            let (now, later) = raw.split_at(room.min(raw.len()));
            self.group.extend_from_slice(now);
            raw = later;
            if self.group.len() == GROUP_BYTES {
                self.hand_out()?;
            }
        }
        // Members already back go out now, not all at the end.
        while self.write_next(false)? {}
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        if !self.group.is_empty() || !self.any {
            self.hand_out()?;
        }
        while self.out_at_once > 0 {
            self.write_next(true)?;
        }
        Ok(())
    }

    fn out(&self) -> &Out {
        &self.out
    }

    fn out_mut(&mut self) -> &mut Out {
        &mut self.out
    }
}

impl Drop for Gzip {
    fn drop(&mut self) {
        // Closing the job channel ends every thread after its group.
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
