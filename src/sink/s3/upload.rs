//! The upload: chunks gather into parts of `--part-size`, up to
//! `--queue-depth` parts in flight, each part's chunks handed back to the
//! writer (and so to the generator's pool) once the store has the part.
//!
//! A part is not copied when the writer hands whole chunks to the
//! [`Queue`]: each chunk is lent to the request (`lend.rs`). So the
//! high-water mark still bounds memory: chunks in parts in flight count
//! under it, and the configuration raises it to hold the parts
//! (`config/s3.rs`). An object written through [`Sink::write`] instead
//! (one of a `{k}` series, cut on records by `sink/series.rs`, or a
//! compressor's output) is copied into a part buffer of its own; those
//! buffers are bounded the same way, `--queue-depth` in flight and one
//! being filled, and the chunks go back at once.
//!
//! An object smaller than one part is a single PUT; a larger one is a
//! multipart upload, started with the first full part and completed only
//! when the writer has drained. A copied object's last requests are left
//! to finish behind the next object (`closing.rs`). Anything else (a
//! failure, Ctrl-C, the source failing, the sink dropped) aborts it: no
//! partial object is ever visible.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use crossbeam_channel::Receiver;
use object_store::path::Path;
use object_store::{MultipartUpload, ObjectStore, PutMultipartOptions, PutPayload};

use super::closing::{self, Object, Request};
use super::count::PartRetry;
use super::lend::{GIVE_BACK_WAIT, hand_back, lend};
use super::store::{self, said};
use super::tally::{self, Tally, tally};
use super::{S3Options, Store};
use crate::chunk::Chunk;
use crate::sink::{Done, Live, Queue, Sink, SinkReport, interrupted};

/// A part in flight.
struct Part {
    /// Its number in the object, from 1.
    number: u64,
    sent: Request,
    back: Receiver<(usize, Chunk)>,
    chunks: usize,
}

pub struct S3Upload {
    store: Arc<Store>,
    name: String,
    location: Path,
    part_size: usize,
    queue_depth: usize,
    stop: Arc<AtomicBool>,
    /// Chunks of the part being gathered, and their bytes.
    filling: Vec<Chunk>,
    filling_bytes: usize,
    /// Bytes of the part being gathered that came through [`Sink::write`],
    /// copied (see the top of this file).
    copied: Vec<u8>,
    upload: Option<Box<dyn MultipartUpload>>,
    in_flight: VecDeque<Part>,
    /// Parts sent so far.
    parts_sent: u64,
    tally: Arc<Mutex<Tally>>,
    /// The object's place in the series (1 for one object).
    place: u64,
    /// The object was completed, or given up: nothing is left to finish.
    ended: bool,
    /// Written through [`Sink::write`] (copied), not driven as the
    /// writer's queue: the parts' latencies then go to the tally.
    copying: bool,
    hwm_raised_from: Option<u64>,
}

impl S3Upload {
    pub fn new(
        store: Arc<Store>,
        options: &S3Options,
        stop: Arc<AtomicBool>,
        shared: Arc<Mutex<Tally>>,
    ) -> S3Upload {
        let place = tally(&shared).begin();
        S3Upload {
            store,
            name: options.url(),
            location: Path::from(options.key.as_str()),
            part_size: options.part_size,
            queue_depth: options.queue_depth.max(1),
            stop,
            filling: Vec::new(),
            filling_bytes: 0,
            copied: Vec::new(),
            upload: None,
            in_flight: VecDeque::new(),
            parts_sent: 0,
            tally: shared,
            place,
            ended: false,
            copying: false,
            hwm_raised_from: options.hwm_raised_from,
        }
    }

    fn failed(&self, what: &str, err: &object_store::Error) -> io::Error {
        io::Error::other(format!("{what}: {}", said(err)))
    }

    /// Bytes of the part being gathered, lent or copied.
    fn gathered(&self) -> usize {
        self.filling_bytes + self.copied.len()
    }

    /// The part gathered so far as one payload: the chunks lent (see
    /// `lend.rs`), or the copied bytes, which the payload then owns.
    fn payload(&mut self) -> (PutPayload, Receiver<(usize, Chunk)>, usize) {
        self.filling_bytes = 0;
        if self.filling.is_empty() {
            let copied = std::mem::take(&mut self.copied);
            let (_, nothing_lent) = crossbeam_channel::bounded(0);
            return (PutPayload::from(Bytes::from(copied)), nothing_lent, 0);
        }
        lend(std::mem::take(&mut self.filling))
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
        // Parts of the objects finishing behind this one count too.
        let permit = closing::room(&self.store)?;
        let (payload, back, chunks) = self.payload();
        let upload = self.upload.as_mut().expect("started above");
        let request = upload.put_part(payload);
        let sent = self.store.runtime.spawn(async move {
            let started = Instant::now();
            let result = request.await;
            drop(permit);
            (result, started.elapsed())
        });
        tally(&self.tally).parts += 1;
        self.parts_sent += 1;
        self.in_flight.push_back(Part {
            number: self.parts_sent,
            sent,
            back,
            chunks,
        });
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
                false => self.failed(&format!("cannot upload part {}", part.number), &err),
            });
        }
        hand_back(&part.back, part.chunks, done)?;
        done.write_ns.push(took.as_nanos() as u64);
        Ok(())
    }

    /// The latencies an object written through [`Sink::write`] measured:
    /// into the tally, for `copied.rs` to hand to the writer.
    fn keep_times(&self, done: Done) {
        if !done.write_ns.is_empty() {
            tally(&self.tally).part_ns.extend(done.write_ns);
        }
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
        tally(&self.tally).aborted = true;
        let aborted = self
            .store
            .runtime
            .block_on(async { tokio::time::timeout(GIVE_BACK_WAIT, upload.abort()).await });
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
        let started = Instant::now();
        // The payload is moved in, so the chunks are free once it is done.
        let put = store::put(
            &self.store.client,
            &self.store.retrying,
            &self.location,
            payload,
        );
        let put = self.store.runtime.block_on(put);
        let took = started.elapsed();
        put.map_err(|err| self.failed("cannot put the object", &err))?;
        hand_back(&back, chunks, done)?;
        done.write_ns.push(took.as_nanos() as u64);
        Ok(())
    }

    fn finish_object(&mut self, done: &mut Done) -> io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(closing::aborted());
        }
        if self.copying {
            return self.hand_off(done);
        }
        if self.upload.is_none() {
            self.put_whole(done)?;
        } else {
            if self.gathered() > 0 {
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
        self.ended = true;
        tally(&self.tally).completed(self.place, self.name.clone());
        Ok(())
    }

    /// Sends what is left of a copied object and leaves its last requests
    /// to finish behind the next object (`closing.rs`): its bytes are all
    /// copied, so no chunk of the writer's waits on them.
    fn hand_off(&mut self, done: &mut Done) -> io::Result<()> {
        let object = Object {
            url: self.name.clone(),
            place: self.place,
            tally: Arc::clone(&self.tally),
            stop: Arc::clone(&self.stop),
        };
        match self.upload.is_some() {
            false => {
                let permit = closing::room(&self.store)?;
                let (payload, _, _) = self.payload();
                let put = (self.location.clone(), payload);
                self.store.closing.put(&self.store, object, put, permit);
            }
            true => {
                if self.gathered() > 0 {
                    self.send_part(done)?;
                }
                let parts = self.in_flight.drain(..).map(|p| (p.number, p.sent));
                let parts = parts.collect();
                let upload = self.upload.take().expect("checked");
                let runtime = &self.store.runtime;
                self.store
                    .closing
                    .complete_after(runtime, object, parts, upload);
            }
        }
        self.ended = true;
        Ok(())
    }
}

impl Queue for S3Upload {
    fn submit(&mut self, chunk: Chunk, done: &mut Done) -> io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            // After Ctrl-C nothing more is sent: the object is not to be.
            done.chunks.push((chunk, 0));
            let _ = self.abort();
            return Err(closing::aborted());
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
        // A Parquet writer drains the upload it wrote into (its `end`):
        // the parts were copied, and their latencies go to the tally.
        let mut own = Done::default();
        let finished = match self.copying {
            true => self.finish_object(&mut own),
            false => self.finish_object(done),
        };
        self.keep_times(own);
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

    /// Copies into the part being gathered, sending it when full (and
    /// waiting, as a chunk's submit does, while `--queue-depth` parts are
    /// in flight).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.copying = true;
        if self.stop.load(Ordering::Relaxed) {
            // After Ctrl-C nothing more is sent: the object is given up
            // now, what the writer still drains is dropped, and the finish
            // says it was aborted.
            self.copied = Vec::new();
            return self.abort().map(|()| buf.len());
        }
        if self.copied.capacity() == 0 {
            self.copied.reserve_exact(self.part_size);
        }
        let take = buf.len().min(self.part_size - self.copied.len());
        self.copied.extend_from_slice(&buf[..take]);
        if self.copied.len() >= self.part_size {
            let mut done = Done::default();
            let sent = self.send_part(&mut done);
            self.keep_times(done);
            if sent.is_err() {
                let _ = self.abort();
            }
            sent?;
        }
        Ok(take)
    }

    /// Completes the object written through [`Sink::write`]; nothing for
    /// one the queue's drain completed.
    fn finish(&mut self) -> io::Result<()> {
        if self.ended {
            return Ok(());
        }
        let mut done = Done::default();
        let finished = self.finish_object(&mut done);
        self.keep_times(done);
        if finished.is_err() {
            let _ = self.abort();
        }
        finished
    }

    /// The source failed: the object is cut short, so it is not made.
    fn abandon(&mut self) -> io::Result<bool> {
        self.ended = true;
        self.filling.clear();
        self.filling_bytes = 0;
        self.copied = Vec::new();
        self.abort()?;
        Ok(true)
    }

    fn queue(&mut self) -> Option<&mut dyn Queue> {
        Some(self)
    }

    fn report(&self) -> SinkReport {
        tally::report(
            &self.store,
            &self.tally,
            self.part_size as u64,
            self.hwm_raised_from,
        )
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
