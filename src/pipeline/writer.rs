//! The writer thread: take chunks off the channel, write each one whole,
//! count it, hand the empty buffer back. A stream (stdout, a pipe, a
//! socket) is written here call by call, each call timed for the latency
//! histograms unless `--no-latency`; a disk takes whole chunks through its
//! [`Queue`](crate::sink::Queue) and hands them back once written, with the
//! latencies its engine measured.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use humansize::{BINARY, format_size};

use super::inline::Maker;
use super::pace::Pacer;
use super::returns::Returns;
use super::{Flow, Integral, is_set};
use crate::chunk::Chunk;
use crate::sink::{Done, Sink, sleep_unless};
use crate::source::RecordShape;
use crate::stats::latency::nanos;
use crate::stats::{CompressStats, Counters, HttpMode, LatencyRecorder, LatencyTotals, SinkReport};

pub(super) struct Writer<'a> {
    pub sink: Box<dyn Sink>,
    /// Set by Ctrl-C: `--sink-delay` and `--sink-rate`, a slow consumer
    /// made up, stop slowing the writer, so what was made goes out at once
    /// and the run ends with its report, not after the delay per chunk.
    pub stop: &'a AtomicBool,
    pub flow: Flow,
    pub shape: RecordShape,
    pub counters: &'a Counters,
    pub started: Instant,
    pub latency: LatencyRecorder<'a>,
    /// Time stream writes (`--no-latency` turns it off).
    pub timed: bool,
}

/// Why the writer stopped before the generator was done.
pub(super) enum Stopped {
    /// The reader went away, and the sink says that is a normal end.
    Closed,
    Failed(anyhow::Error),
    /// A wait in the sink (an HTTP server's Retry-After, a reconnection's
    /// backoff) was cut short by Ctrl-C: the run ends interrupted, and the
    /// error says what was being waited for.
    Interrupted(anyhow::Error),
}

pub(super) struct Written {
    pub outcome: Result<(), Stopped>,
    pub idle: Duration,
    pub writes: u64,
    pub released_integral: f64,
    pub finished: Instant,
    /// What the destination adds to the summary.
    pub sink: SinkReport,
    /// What compressing on the way did (`--compress`).
    pub compression: Option<CompressStats>,
    /// What a Parquet writer wrote (`--format parquet`).
    pub parquet: Option<crate::stats::ParquetStats>,
    pub latency: LatencyTotals,
}

/// Where the writer's chunks come from: the generator's channel, or made
/// on its own thread as each is needed (a region run, `inline.rs`).
pub(super) enum Input<'m, 'a> {
    Channel(Receiver<Chunk>),
    Inline(&'m mut Maker<'a>),
}

impl Input<'_, '_> {
    /// The next chunk if there is one now; `busy` is whether writes are in
    /// flight (one completing is then worth waiting for).
    fn try_next(&mut self, busy: bool) -> Result<Chunk, TryRecvError> {
        match self {
            Input::Channel(full) => full.try_recv(),
            Input::Inline(maker) => maker.next(busy),
        }
    }

    /// The next chunk, waiting for the generator if need be.
    fn next(&mut self) -> Option<Chunk> {
        match self {
            Input::Channel(full) => full.recv().ok(),
            Input::Inline(maker) => maker.next(false).ok(),
        }
    }
}

impl Writer<'_> {
    pub fn run(mut self, full: &mut Input<'_, '_>, empty: Sender<Chunk>) -> Written {
        let inline = matches!(full, Input::Inline(_));
        let mut empty = Returns {
            empty,
            held: Vec::new(),
            // Made on this thread, chunks are never waited for by a
            // paused generator: hand each back at once.
            lwm_bytes: if inline {
                u64::MAX
            } else {
                self.flow.lwm_bytes
            },
        };
        let mut pacer = self.flow.sink_rate.map(|rate| {
            Pacer::new(
                rate.per_second(),
                None,
                self.flow.chunk_bytes as f64,
                self.started,
            )
        });
        let mut idle = Duration::ZERO;
        let mut writes = 0;
        let mut released = Integral::new(self.started);
        let mut done = Done::default();
        let outcome = loop {
            // Only a writer that makes its own chunks asks before taking one.
            let busy = inline && self.sink.queue().is_some_and(|q| q.busy());
            let chunk = match full.try_next(busy) {
                Ok(chunk) => chunk,
                Err(TryRecvError::Disconnected) => {
                    break self.finish(&mut done, &mut released, &mut empty, &mut writes);
                }
                Err(TryRecvError::Empty) if self.sink.queue().is_some_and(|q| q.busy()) => {
                    // Nothing to take yet, writes in flight: collect one,
                    // so its chunk can go back to a generator that may be
                    // waiting for it.
                    // Not idle time: the destination is busy.
                    let queue = self.sink.queue().expect("checked");
                    let result = queue.wait(&mut done);
                    writes += self.settle(&mut done, &mut released, &mut empty);
                    if let Err(err) = result {
                        break Err(self.failure(err));
                    }
                    continue;
                }
                Err(TryRecvError::Empty) => {
                    // Nothing is buffered: whatever was held goes back first.
                    empty.flush();
                    let waited = Instant::now();
                    let next = full.next();
                    let waited = waited.elapsed();
                    idle += waited;
                    self.counters
                        .add_time(&self.counters.writer_idle_ns, waited);
                    match next {
                        Some(chunk) => chunk,
                        None => {
                            break self.finish(&mut done, &mut released, &mut empty, &mut writes);
                        }
                    }
                }
            };
            if let Some(delay) = self.flow.sink_delay {
                sleep_unless(self.stop, delay);
            }
            if self.sink.queue().is_some() {
                if let Some(pacer) = pacer.as_mut() {
                    // A disk takes a chunk whole: wait for credit, then
                    // owe the rest, which the next wait pays off.
                    let stop = self.stop;
                    pacer.wait(|| is_set(stop));
                    pacer.sent(chunk.len() as u64);
                }
                let result = self.sink.queue().expect("checked").submit(chunk, &mut done);
                writes += self.settle(&mut done, &mut released, &mut empty);
                if let Err(err) = result {
                    break Err(self.failure(err));
                }
                continue;
            }
            let mut last_write_ended = None;
            let result =
                self.write_chunk(&chunk, pacer.as_mut(), &mut writes, &mut last_write_ended);
            let len = chunk.len() as u64;
            // The clock read that timed the last write dates the release
            // too: one read fewer per chunk in the hot loop.
            released.add(len, last_write_ended.unwrap_or_else(Instant::now));
            if let Err(failure) = result {
                self.counters
                    .buffered_bytes
                    .fetch_sub(len, Ordering::SeqCst);
                break Err(failure);
            }
            // Lowers the count, then hands the buffer back (see Returns).
            empty.hand_back(std::iter::once(chunk), len, self.counters);
        };
        Written {
            outcome,
            idle,
            writes,
            released_integral: released.integral_until(Instant::now()),
            finished: Instant::now(),
            sink: self.sink.report(),
            compression: self.sink.compression(),
            parquet: self.sink.parquet(),
            latency: self.latency.finish(),
        }
    }

    /// Counts the chunks a disk queue has written, lowers the buffered
    /// bytes by theirs, hands the buffers back to the generator, and
    /// records the latencies; returns the writes that finished.
    fn settle(&mut self, done: &mut Done, released: &mut Integral, empty: &mut Returns) -> u64 {
        if !done.chunks.is_empty() {
            // Counted once for all the chunks reaped together: with 4 KiB
            // random writes there are tens of thousands a second.
            let bytes: u64 = done.chunks.iter().map(|&(_, b)| b as u64).sum();
            let records: u64 = done.chunks.iter().map(|(c, _)| c.records).sum();
            self.counters.bytes.fetch_add(bytes, Ordering::Relaxed);
            self.counters.records.fetch_add(records, Ordering::Relaxed);
            self.counters
                .chunks
                .fetch_add(done.chunks.len() as u64, Ordering::Relaxed);
            released.add(bytes, Instant::now());
            let chunks = done.chunks.drain(..).map(|(chunk, _)| chunk);
            empty.hand_back(chunks, bytes, self.counters);
        }
        let writes = done.write_ns.len() as u64;
        self.counters.ios.fetch_add(writes, Ordering::Relaxed);
        for ns in done.write_ns.drain(..) {
            self.latency.record_write(ns);
        }
        for ns in done.sync_ns.drain(..) {
            self.latency.record_sync(ns);
        }
        writes
    }

    /// The generator is done: a disk writes what it still holds (and
    /// syncs, if asked); any sink finishes.
    fn finish(
        &mut self,
        done: &mut Done,
        released: &mut Integral,
        empty: &mut Returns,
        writes: &mut u64,
    ) -> Result<(), Stopped> {
        // The generator let go after its source failed: the output is cut
        // short, and a destination that can (an S3 upload) drops it rather
        // than make a partial object visible. The run ends in the
        // source's error either way.
        if self.counters.source_failed.load(Ordering::SeqCst) {
            match self.sink.abandon() {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(err) => return Err(self.failure(err)),
            }
        }
        if let Some(queue) = self.sink.queue() {
            let drained = queue.drain(done);
            *writes += self.settle(done, released, empty);
            drained.map_err(|err| self.failure(err))?;
        }
        self.sink.finish().map_err(|err| {
            // Ctrl-C seen at the end (an S3 object aborted rather than
            // completed) ends the run interrupted, as it would mid-write.
            let interrupted = err.kind() == io::ErrorKind::Interrupted;
            let err = anyhow!(err).context(format!("cannot finish writing {}", self.sink.name()));
            match interrupted {
                true => Stopped::Interrupted(err),
                false => Stopped::Failed(err),
            }
        })
    }

    /// Writes a chunk whole and counts it; with a pacer, in slices no larger
    /// than its credit. On failure, cuts a torn chunk back where the sink
    /// allows and counts what is left of it. `last_write_ended` is when
    /// the last write call returned.
    fn write_chunk(
        &mut self,
        chunk: &Chunk,
        mut pacer: Option<&mut Pacer>,
        writes: &mut u64,
        last_write_ended: &mut Option<Instant>,
    ) -> Result<(), Stopped> {
        let data = chunk.as_slice();
        let stop = self.stop;
        let mut done = 0;
        while done < data.len() {
            let mut end = data.len();
            if let Some(pacer) = pacer.as_deref_mut() {
                // After a stop, what was made goes out unpaced.
                let credit = pacer.wait(|| is_set(stop)).unwrap_or(u64::MAX);
                end = end.min(done.saturating_add(credit.try_into().unwrap_or(usize::MAX)));
            }
            *writes += 1;
            self.counters.ios.fetch_add(1, Ordering::Relaxed);
            // Every call is timed, failed or interrupted ones too (a disk
            // that takes 30 s to say EIO is the stall to see), so the
            // histogram's count is the `writes` count.
            let called = self.timed.then(Instant::now);
            let written = self.sink.write(&data[done..end]);
            if let Some(called) = called {
                let ended = Instant::now();
                self.latency
                    .record_write(nanos(ended.duration_since(called)));
                *last_write_ended = Some(ended);
            }
            let err = match written {
                Ok(0) => io::ErrorKind::WriteZero.into(),
                Ok(n) => {
                    done += n;
                    // Counted per write, not per chunk, so the live rate is
                    // smooth when a slow sink takes a chunk in many writes.
                    self.counters.bytes.fetch_add(n as u64, Ordering::Relaxed);
                    if let Some(pacer) = pacer.as_deref_mut() {
                        pacer.sent(n as u64);
                    }
                    continue;
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => err,
            };
            return match self.sink.recover(&err, data.len() - done) {
                Ok(true) => {
                    // Carry on at the next chunk: the whole records that
                    // went out count, the rest of this one is dropped.
                    let records = self.records_in(&data[..done]);
                    self.counters.records.fetch_add(records, Ordering::Relaxed);
                    Ok(())
                }
                Ok(false) => Err(self.fail(data, done, err)),
                Err(again) => {
                    let err = io::Error::new(err.kind(), format!("{err}; {again}"));
                    Err(self.fail(data, done, err))
                }
            };
        }
        self.counters
            .records
            .fetch_add(chunk.records, Ordering::Relaxed);
        self.counters.chunks.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn fail(&mut self, data: &[u8], torn: usize, err: io::Error) -> Stopped {
        let (kept, rewind_error) = match torn {
            0 => (0, None),
            _ => match self.sink.rewind(torn) {
                Ok(kept) => (kept, None),
                Err(rewind) => (torn, Some(rewind)),
            },
        };
        let kept_records = self.records_in(&data[..kept]);
        // The torn bytes were counted as they went out; uncount those cut.
        self.counters
            .bytes
            .fetch_sub((torn - kept) as u64, Ordering::Relaxed);
        self.counters
            .records
            .fetch_add(kept_records, Ordering::Relaxed);
        let err = match rewind_error {
            None => err,
            Some(rewind) => io::Error::new(
                err.kind(),
                format!("{err}, and cutting the torn last chunk failed too: {rewind}"),
            ),
        };
        self.failure(err)
    }

    /// Why the writer stopped: a reader that went away where that is a
    /// normal end, or a write error told with how much was written and
    /// what to do about it.
    fn failure(&self, err: io::Error) -> Stopped {
        if err.kind() == io::ErrorKind::BrokenPipe && self.sink.reader_may_leave() {
            return Stopped::Closed;
        }
        let name = self.sink.name();
        let bytes = Counters::get(&self.counters.bytes);
        let records = Counters::get(&self.counters.records);
        // A socket's kernel buffers hold what was written: say so.
        let fate = match self.sink.report() {
            SinkReport::Network(_) => "handed to the socket",
            // A stream's bytes are counted as they go into its body.
            SinkReport::Http(http) if http.http_mode == HttpMode::Stream => {
                "sent in the request body"
            }
            SinkReport::Http(_) => "taken by the server",
            SinkReport::S3(_) => "in parts the store took",
            SinkReport::Stream | SinkReport::Disk(_) | SinkReport::Files(_) => "written",
        };
        // A compressed file cut short is removed (the error says so): its
        // bytes were compressed, and are gone.
        let fate = match self.sink.compression() {
            Some(compression) if compression.removed => "compressed before the failure",
            _ => fate,
        };
        let mut message = format!(
            "cannot write to {name}: {err}; {} ({bytes} bytes, {records} records) {fate}",
            format_size(bytes, BINARY)
        );
        match err.kind() {
            io::ErrorKind::StorageFull => message += "; free some space or write less with --size",
            io::ErrorKind::FileTooLarge => {
                message += "; raise the file size limit (ulimit -f) or write less with --size"
            }
            _ => {}
        }
        match err.kind() {
            io::ErrorKind::Interrupted => Stopped::Interrupted(anyhow!(message)),
            _ => Stopped::Failed(anyhow!(message)),
        }
    }

    /// Whole records in the part of a chunk that went out.
    fn records_in(&self, sent: &[u8]) -> u64 {
        self.shape.whole_records(sent)
    }
}
