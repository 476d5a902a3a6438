//! The upload: chunks gather into parts of `--part-size`, up to
//! `--queue-depth` parts in flight, each part's chunks handed back to the
//! writer (and so to the generator's pool) once the store has the part.
//!
//! A part is not copied: each chunk becomes a `Bytes` that owns it, and
//! when the last reference goes (the request is done, retries included)
//! the chunk is sent back on the part's channel. So the high-water mark
//! still bounds memory: chunks in parts in flight count under it, and the
//! configuration raises it to hold the parts (`config/s3.rs`).
//!
//! An object smaller than one part is a single PUT; a larger one is a
//! multipart upload, started with the first full part and completed only
//! when the writer has drained. Anything else (a failure, Ctrl-C, the
//! sink dropped) aborts it: no partial object is ever visible.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::{Receiver, Sender};
use object_store::path::Path;
use object_store::{MultipartUpload, ObjectStore, ObjectStoreExt, PutMultipartOptions, PutPayload};
use tokio::task::JoinHandle;

use super::count::PartRetry;
use super::store::said;
use super::{S3Options, Store};
use crate::chunk::Chunk;
use crate::sink::{Done, Live, Queue, Sink, SinkReport, interrupted};
use crate::stats::S3Stats;

/// How long an abort may take when the sink is dropped after a failure:
/// the run is ending, and a store that does not answer must not hold it.
const ABORT_WAIT: Duration = Duration::from_secs(10);

/// One chunk lent to a request. Dropping the last `Bytes` made from it
/// sends it back, with its place in the part.
struct Lent {
    chunk: Option<Chunk>,
    index: usize,
    back: Sender<(usize, Chunk)>,
}

impl AsRef<[u8]> for Lent {
    fn as_ref(&self) -> &[u8] {
        self.chunk.as_ref().map_or(&[], |chunk| chunk.as_slice())
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let Some(chunk) = self.chunk.take() {
            // The sink may be gone (a failed run): the chunk is then freed.
            let _ = self.back.send((self.index, chunk));
        }
    }
}

/// A part in flight.
struct Part {
    sent: JoinHandle<(object_store::Result<()>, Duration)>,
    back: Receiver<(usize, Chunk)>,
    chunks: usize,
}

pub struct S3Upload {
    store: Store,
    name: String,
    location: Path,
    part_size: usize,
    queue_depth: usize,
    stop: Arc<AtomicBool>,
    /// Chunks of the part being gathered, and their bytes.
    filling: Vec<Chunk>,
    filling_bytes: usize,
    upload: Option<Box<dyn MultipartUpload>>,
    in_flight: VecDeque<Part>,
    parts: u64,
    /// Objects the store has whole (one, or none before the end).
    completed: Vec<String>,
    aborted: bool,
    hwm_raised_from: Option<u64>,
}

impl S3Upload {
    pub fn new(store: Store, options: &S3Options, stop: Arc<AtomicBool>) -> S3Upload {
        S3Upload {
            store,
            name: options.url(),
            location: Path::from(options.key.as_str()),
            part_size: options.part_size,
            queue_depth: options.queue_depth.max(1),
            stop,
            filling: Vec::new(),
            filling_bytes: 0,
            upload: None,
            in_flight: VecDeque::new(),
            parts: 0,
            completed: Vec::new(),
            aborted: false,
            hwm_raised_from: options.hwm_raised_from,
        }
    }

    fn failed(&self, what: &str, err: &object_store::Error) -> io::Error {
        io::Error::other(format!("{what}: {}", said(err)))
    }

    /// The gathered chunks as one payload, each lent (see [`Lent`]).
    fn payload(&mut self) -> (PutPayload, Receiver<(usize, Chunk)>, usize) {
        let (back, returned) = crossbeam_channel::unbounded();
        let chunks = self.filling.len();
        let payload = self
            .filling
            .drain(..)
            .enumerate()
            .map(|(index, chunk)| {
                Bytes::from_owner(Lent {
                    chunk: Some(chunk),
                    index,
                    back: back.clone(),
                })
            })
            .collect();
        self.filling_bytes = 0;
        (payload, returned, chunks)
    }

    /// Starts the multipart upload, before its first part.
    fn start(&mut self) -> io::Result<()> {
        let client = Arc::clone(&self.store.client);
        let location = self.location.clone();
        let policy = Arc::new(PartRetry(Arc::clone(&self.store.retrying)));
        let started = self.store.runtime.block_on(self.store.retrying.run(|| {
            let (client, location) = (Arc::clone(&client), location.clone());
            let options = PutMultipartOptions::default().with_retry_policy(policy.clone());
            async move { client.put_multipart_opts(&location, options).await }
        }));
        let upload = started.map_err(|err| self.failed("cannot start a multipart upload", &err))?;
        self.upload = Some(upload);
        Ok(())
    }

    /// Sends the gathered chunks as the next part, once there is room.
    fn send_part(&mut self, done: &mut Done) -> io::Result<()> {
        while self.in_flight.len() >= self.queue_depth {
            self.settle_oldest(done)?;
        }
        if self.upload.is_none() {
            self.start()?;
        }
        let (payload, back, chunks) = self.payload();
        let upload = self.upload.as_mut().expect("started above");
        let request = upload.put_part(payload);
        let sent = self.store.runtime.spawn(async move {
            let started = Instant::now();
            let result = request.await;
            (result, started.elapsed())
        });
        self.parts += 1;
        self.in_flight.push_back(Part { sent, back, chunks });
        Ok(())
    }

    /// Waits for the oldest part, then hands its chunks back in order.
    fn settle_oldest(&mut self, done: &mut Done) -> io::Result<()> {
        let Some(part) = self.in_flight.pop_front() else {
            return Ok(());
        };
        let (result, took) = self
            .store
            .runtime
            .block_on(part.sent)
            .map_err(|err| io::Error::other(format!("a part's upload ended: {err}")))?;
        if let Err(err) = result {
            return Err(match self.stop.load(Ordering::Relaxed) {
                true => interrupted("uploading a part"),
                false => self.failed(&format!("cannot upload part {}", self.parts), &err),
            });
        }
        hand_back(&part.back, part.chunks, done)?;
        done.write_ns.push(took.as_nanos() as u64);
        Ok(())
    }

    /// Aborts the multipart upload, if one was started: every part sent so
    /// far is dropped by the store, and no object appears.
    fn abort(&mut self) -> io::Result<()> {
        for part in self.in_flight.drain(..) {
            part.sent.abort();
        }
        let Some(mut upload) = self.upload.take() else {
            return Ok(());
        };
        self.aborted = true;
        let aborted = self
            .store
            .runtime
            .block_on(async { tokio::time::timeout(ABORT_WAIT, upload.abort()).await });
        match aborted {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(self.failed("cannot abort the multipart upload", &err)),
            Err(_) => Err(io::Error::other(
                "cannot abort the multipart upload: the store did not answer in 10 s; list and abort it with `aws s3api list-multipart-uploads`",
            )),
        }
    }

    /// The object is under one part: one PUT of what was gathered.
    fn put_whole(&mut self, done: &mut Done) -> io::Result<()> {
        let (payload, back, chunks) = self.payload();
        let client = Arc::clone(&self.store.client);
        let location = self.location.clone();
        let started = Instant::now();
        let put = {
            // Moved in here so the chunks are free once the PUT is done.
            let payload = payload;
            self.store.runtime.block_on(self.store.retrying.run(|| {
                let (client, location) = (Arc::clone(&client), location.clone());
                let payload = payload.clone();
                async move { client.put(&location, payload).await }
            }))
        };
        let took = started.elapsed();
        drop(put.map_err(|err| self.failed("cannot put the object", &err))?);
        hand_back(&back, chunks, done)?;
        done.write_ns.push(took.as_nanos() as u64);
        Ok(())
    }

    fn finish_object(&mut self, done: &mut Done) -> io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(interrupted(
                "the upload: it was aborted, and no object was made",
            ));
        }
        if self.upload.is_none() {
            self.put_whole(done)?;
        } else {
            if !self.filling.is_empty() {
                self.send_part(done)?;
            }
            while !self.in_flight.is_empty() {
                self.settle_oldest(done)?;
            }
            let upload = self.upload.as_mut().expect("checked");
            let completed = self.store.runtime.block_on(upload.complete());
            completed.map_err(|err| self.failed("cannot complete the multipart upload", &err))?;
            self.upload = None;
        }
        self.completed.push(self.name.clone());
        Ok(())
    }
}

/// Takes a part's chunks back, in their order in the part. The request
/// is over, so every `Bytes` is gone or about to be: the wait is short.
fn hand_back(back: &Receiver<(usize, Chunk)>, chunks: usize, done: &mut Done) -> io::Result<()> {
    let mut returned = Vec::with_capacity(chunks);
    for _ in 0..chunks {
        let chunk = back.recv_timeout(ABORT_WAIT).map_err(|_| {
            io::Error::other("a part's buffers were not given back by the S3 client")
        })?;
        returned.push(chunk);
    }
    returned.sort_unstable_by_key(|(index, _)| *index);
    done.chunks.extend(returned.into_iter().map(|(_, chunk)| {
        let len = chunk.len();
        (chunk, len)
    }));
    Ok(())
}

impl Queue for S3Upload {
    fn submit(&mut self, chunk: Chunk, done: &mut Done) -> io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            // After Ctrl-C nothing more is sent: the object is not to be.
            done.chunks.push((chunk, 0));
            let _ = self.abort();
            return Err(interrupted(
                "the upload: it was aborted, and no object was made",
            ));
        }
        self.filling_bytes += chunk.len();
        self.filling.push(chunk);
        if self.filling_bytes < self.part_size {
            return Ok(());
        }
        let sent = self.send_part(done);
        if sent.is_err() {
            let _ = self.abort();
        }
        sent
    }

    fn drain(&mut self, done: &mut Done) -> io::Result<()> {
        let finished = self.finish_object(done);
        if finished.is_err() {
            // Whatever the abort says, the first failure is the one told.
            let _ = self.abort();
        }
        finished
    }

    fn busy(&self) -> bool {
        !self.in_flight.is_empty()
    }

    fn wait(&mut self, done: &mut Done) -> io::Result<()> {
        let settled = self.settle_oldest(done);
        if settled.is_err() {
            let _ = self.abort();
        }
        settled
    }
}

impl Sink for S3Upload {
    fn name(&self) -> &str {
        &self.name
    }

    fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
        Err(io::Error::other(
            "an S3 upload takes whole chunks, through its queue",
        ))
    }

    fn queue(&mut self) -> Option<&mut dyn Queue> {
        Some(self)
    }

    fn report(&self) -> SinkReport {
        SinkReport::S3(S3Stats {
            http: self.store.counters.snapshot(),
            objects: self.completed.clone(),
            parts: self.parts,
            part_size: self.part_size as u64,
            aborted: self.aborted,
            hwm_raised_from: self.hwm_raised_from,
        })
    }

    fn live(&self) -> Option<Live> {
        Some(Live::Http(Arc::clone(&self.store.counters)))
    }
}

impl Drop for S3Upload {
    fn drop(&mut self) {
        // A run that failed before draining (a generator error, a submit
        // that failed): the upload must not be left open on the store.
        if self.upload.is_some() {
            let _ = self.abort();
        }
    }
}
