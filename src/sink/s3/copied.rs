//! An S3 destination whose uploads are written through [`Sink::write`]
//! rather than handed whole chunks: a `{k}` series of objects (cut on
//! records by `sink/series.rs`, each object plain, compressed or a
//! Parquet file of its own), and one compressed or Parquet object. Their uploads copy
//! what they are given into part buffers of their own (`upload.rs`).
//!
//! It is still driven as the writer's [`Queue`], so that the report is the
//! single upload's: a chunk is written through at its submit and handed
//! back at once (it was copied), and what goes back with it are the
//! latencies the uploads measured for their parts and single PUTs, all
//! objects' in one histogram (issue 20, item 5). Timing the write calls
//! instead, as for a stream, would have timed copies into a buffer.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::tally::{self, Tally, tally};
use super::{S3Options, Store};
use crate::chunk::Chunk;
use crate::sink::parquet::Codec;
use crate::sink::{CompressStats, Done, Live, ParquetStats, Queue, Sink, SinkReport, interrupted};
use crate::stats::FilesStats;

/// The destination (see the top of this file).
pub(super) struct Copied {
    /// The series, or the compressor around one upload; `None` once
    /// given up (see [`Copied::give_up`]).
    inner: Option<Box<dyn Sink>>,
    /// What the report says of it once given up.
    kept: Kept,
    store: Arc<Store>,
    tally: Arc<Mutex<Tally>>,
    part_size: u64,
    stop: Arc<AtomicBool>,
    /// The columns' codec when each object is a Parquet file: the report
    /// then counts the completed objects only.
    parquet: Option<Codec>,
}

/// The report's figures of a destination given up, taken as it went.
#[derive(Default)]
struct Kept {
    name: String,
    compression: Option<CompressStats>,
    parquet: Option<ParquetStats>,
}

impl Copied {
    pub(super) fn new(
        inner: Box<dyn Sink>,
        store: Arc<Store>,
        tally: Arc<Mutex<Tally>>,
        options: &S3Options,
        stop: Arc<AtomicBool>,
        parquet: Option<Codec>,
    ) -> Copied {
        Copied {
            kept: Kept {
                name: inner.name().to_string(),
                ..Kept::default()
            },
            inner: Some(inner),
            store,
            tally,
            part_size: options.part_size as u64,
            stop,
            parquet,
        }
    }

    /// Moves the latencies the uploads measured since the last call into
    /// what the writer records.
    fn hand_over_times(&self, done: &mut Done) {
        let mut tally = tally(&self.tally);
        done.write_ns.append(&mut tally.part_ns);
    }

    /// Ctrl-C, a failure or a failed source: the object in progress is
    /// not to be. Dropping it aborts its upload (`S3Upload`'s `Drop`), and
    /// nothing of it is finished first: a Parquet writer's last row group
    /// is not encoded only to be thrown away. The objects finishing behind
    /// it are waited for (each completes, or aborts after a Ctrl-C), so
    /// that the report lists what the store has. The completed ones stay.
    fn give_up(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let _ = self.store.closing.wait_all(&self.store.runtime);
        self.kept = Kept {
            name: inner.name().to_string(),
            compression: inner.compression(),
            parquet: self.parquet_of(inner.as_ref()),
        };
        drop(inner);
    }

    /// The first object finishing behind that failed, if one did (all of
    /// them once the series is written): it ends the run, told by its
    /// URL, after the object in progress is given up.
    fn reap(&mut self, all: bool) -> io::Result<()> {
        let (closing, runtime) = (&self.store.closing, &self.store.runtime);
        let reaped = match all {
            true => closing.wait_all(runtime),
            false => closing.reap(runtime),
        };
        let Err((url, err)) = reaped else {
            return Ok(());
        };
        self.give_up();
        self.kept.name = url;
        Err(err)
    }

    /// The Parquet objects that the store has whole: one aborted by
    /// Ctrl-C or a failure is not in the data set, so not in the count.
    fn parquet_of(&self, inner: &dyn Sink) -> Option<ParquetStats> {
        let codec = self.parquet?;
        // The inner report locks the tally too: asked before it is held.
        let report = inner.report();
        let tally = tally(&self.tally);
        let files = match report {
            SinkReport::Files(FilesStats { files }) => files,
            // One object: its Parquet writer's figures, if it was made.
            _ => {
                let one = inner.parquet()?;
                return Some(match tally.objects().is_empty() {
                    true => ParquetStats {
                        files: 0,
                        bytes: 0,
                        ..one
                    },
                    false => one,
                });
            }
        };
        let whole: Vec<_> = files.iter().filter(|file| tally.has(&file.name)).collect();
        Some(ParquetStats {
            compression: codec.label(),
            files: whole.len() as u64,
            bytes: whole.iter().map(|f| f.bytes).sum(),
            rows: whole.iter().filter_map(|f| f.rows).sum(),
            row_groups: whole.iter().filter_map(|f| f.row_groups).sum(),
        })
    }

    fn inner(&mut self) -> io::Result<&mut Box<dyn Sink>> {
        self.inner
            .as_mut()
            .ok_or_else(|| interrupted("the upload: the object in progress was aborted"))
    }
}

impl Sink for Copied {
    fn name(&self) -> &str {
        self.inner
            .as_ref()
            .map_or(&self.kept.name, |inner| inner.name())
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner()?.write(buf)
    }

    /// Nothing to cut back: an object is never partly visible, and the
    /// one a failed write was in is aborted.
    fn rewind(&mut self, torn: usize) -> io::Result<usize> {
        Ok(torn)
    }

    /// Finishes the last object and waits for every object to be
    /// completed.
    fn finish(&mut self) -> io::Result<()> {
        let finished = match self.inner.as_mut() {
            Some(inner) => inner.finish(),
            None => Ok(()),
        };
        match finished {
            Ok(()) => self.reap(true),
            Err(err) => {
                self.give_up();
                Err(err)
            }
        }
    }

    /// The source failed: the output is cut short, so the object in
    /// progress goes (the completed ones stay).
    fn abandon(&mut self) -> io::Result<bool> {
        self.give_up();
        Ok(true)
    }

    fn queue(&mut self) -> Option<&mut dyn Queue> {
        Some(self)
    }

    fn report(&self) -> SinkReport {
        // Parts are copied, so the hwm is never raised for them.
        tally::report(&self.store, &self.tally, self.part_size, None)
    }

    fn compression(&self) -> Option<CompressStats> {
        match &self.inner {
            Some(inner) => inner.compression(),
            None => self.kept.compression.clone(),
        }
    }

    fn parquet(&self) -> Option<ParquetStats> {
        match &self.inner {
            Some(inner) => self.parquet_of(inner.as_ref()),
            None => self.kept.parquet.clone(),
        }
    }

    fn live(&self) -> Option<Live> {
        Some(Live::Http(Arc::clone(&self.store.counters)))
    }
}

impl Drop for Copied {
    /// A run that ended without a drain: the objects finishing behind
    /// are not left to the process's exit.
    fn drop(&mut self) {
        self.give_up();
    }
}

impl Queue for Copied {
    /// Writes the chunk through (its bytes copied into the current
    /// object's part, which goes up once full, waiting while
    /// `--queue-depth` parts are in flight) and hands it straight back.
    fn submit(&mut self, chunk: Chunk, done: &mut Done) -> io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            // After Ctrl-C nothing more is written.
            done.chunks.push((chunk, 0));
            self.give_up();
            self.hand_over_times(done);
            return Err(interrupted(
                "the upload: the object in progress was aborted",
            ));
        }
        let written = self
            .inner()
            .and_then(|inner| write_all(inner.as_mut(), chunk.as_slice()));
        let written = match written {
            Ok(()) => self.reap(false),
            Err(err) => {
                // The upload that failed has aborted its object.
                self.give_up();
                Err(err)
            }
        };
        self.hand_over_times(done);
        let len = chunk.len();
        match written {
            Ok(()) => {
                done.chunks.push((chunk, len));
                Ok(())
            }
            Err(err) => {
                done.chunks.push((chunk, 0));
                Err(err)
            }
        }
    }

    fn drain(&mut self, done: &mut Done) -> io::Result<()> {
        let finished = self.finish();
        self.hand_over_times(done);
        finished
    }

    /// Chunks never wait here: each is copied and handed back at once,
    /// and the parts in flight are the uploads' to wait for.
    fn busy(&self) -> bool {
        false
    }

    fn wait(&mut self, done: &mut Done) -> io::Result<()> {
        self.hand_over_times(done);
        Ok(())
    }
}

/// Writes `bytes` whole through a sink, as `io::Write::write_all` does,
/// but an `Interrupted` error (Ctrl-C seen as an object closed) ends it.
fn write_all(sink: &mut dyn Sink, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match sink.write(bytes)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => bytes = &bytes[n..],
        }
    }
    Ok(())
}
