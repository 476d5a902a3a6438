//! Objects finishing behind the next one. An object written through
//! `Sink::write` (one of a `{k}` series, or a compressed or Parquet
//! object) has its bytes copied into parts, so once its last part is sent
//! nothing of the writer's waits on it: its last requests (the parts
//! still in flight and the completing request, or its single PUT) go on
//! as a task here while the next object fills. Without this, each object
//! of a series waited a full round trip or more for the one before, and a
//! series of small objects had one request in flight whatever
//! `--queue-depth` said.
//!
//! `--queue-depth` still bounds the requests, and so the memory: every
//! part and single PUT holds a permit of the store's `flight` semaphore
//! until its request is over, whichever object it belongs to.
//!
//! An object is still whole or absent: its task completes it only when
//! every part is in and no Ctrl-C came, and aborts it otherwise. The
//! first task to fail ends the run, named by its object's URL; the
//! others are waited for, so the report lists exactly what the store has.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use object_store::path::Path;
use object_store::{MultipartUpload, PutPayload};
use tokio::runtime::Runtime;
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinHandle;

use super::Store;
use super::lend::GIVE_BACK_WAIT;
use super::store::said;
use super::tally::{Tally, tally};
use crate::sink::interrupted;

/// A request of an object's: a part, or a single PUT. It holds its
/// permit until it is over.
pub(super) type Request = JoinHandle<(object_store::Result<()>, Duration)>;

/// A failed object: its URL and what went wrong.
pub(super) type Failed = (String, io::Error);

/// An object's last requests, and what became of it.
type Task = JoinHandle<Result<(), Failed>>;

/// The finishing objects of one destination.
#[derive(Default)]
pub(super) struct Closing {
    tasks: Mutex<Vec<Task>>,
}

/// What an object's task needs to say what became of it.
pub(super) struct Object {
    pub url: String,
    /// Its place in the series, for the report's order.
    pub place: u64,
    pub tally: Arc<Mutex<Tally>>,
    pub stop: Arc<AtomicBool>,
}

impl Closing {
    fn tasks(&self) -> MutexGuard<'_, Vec<Task>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last requests of a multipart object: its parts in flight, in
    /// order, then the completing request.
    pub(super) fn complete_after(
        &self,
        runtime: &Runtime,
        object: Object,
        parts: Vec<(u64, Request)>,
        upload: Box<dyn MultipartUpload>,
    ) {
        let task = runtime.spawn(complete(object, parts, upload));
        self.tasks().push(task);
    }

    /// An object under one part: its single PUT.
    pub(super) fn put(
        &self,
        store: &Store,
        object: Object,
        (location, payload): (Path, PutPayload),
        permit: OwnedSemaphorePermit,
    ) {
        let (client, retrying) = (Arc::clone(&store.client), Arc::clone(&store.retrying));
        let task = store.runtime.spawn(async move {
            let started = Instant::now();
            let put = super::store::put(&client, &retrying, &location, payload).await;
            drop(permit);
            match put {
                Ok(_) => {
                    let mut tally = tally(&object.tally);
                    tally.part_ns.push(started.elapsed().as_nanos() as u64);
                    tally.completed(object.place, object.url);
                    Ok(())
                }
                Err(_) if object.stop.load(Ordering::Relaxed) => Err((object.url, aborted())),
                Err(err) => Err((
                    object.url,
                    io::Error::other(format!("cannot put the object: {}", said(&err))),
                )),
            }
        });
        self.tasks().push(task);
    }

    /// Takes the objects that are done, and says the first that failed.
    pub(super) fn reap(&self, runtime: &Runtime) -> Result<(), Failed> {
        let done: Vec<_> = {
            let mut tasks = self.tasks();
            let (done, going) = tasks.drain(..).partition(JoinHandle::is_finished);
            *tasks = going;
            done
        };
        first_failure(runtime, done)
    }

    /// Waits for every finishing object, and says the first that failed.
    pub(super) fn wait_all(&self, runtime: &Runtime) -> Result<(), Failed> {
        let all = std::mem::take(&mut *self.tasks());
        first_failure(runtime, all)
    }
}

/// A permit for one more request, once fewer than `--queue-depth` are in
/// flight.
pub(super) fn room(store: &Store) -> io::Result<OwnedSemaphorePermit> {
    let flight = Arc::clone(&store.flight);
    store
        .runtime
        .block_on(flight.acquire_owned())
        .map_err(|_| io::Error::other("the S3 client was shut down"))
}

/// What a Ctrl-C makes of an object not yet completed.
pub(super) fn aborted() -> io::Error {
    interrupted("the upload: it was aborted, and no object was made")
}

fn first_failure(runtime: &Runtime, tasks: Vec<Task>) -> Result<(), Failed> {
    let mut first = Ok(());
    for task in tasks {
        let outcome = runtime.block_on(task).unwrap_or_else(|err| {
            Err((
                String::from("an object"),
                io::Error::other(format!("its upload ended: {err}")),
            ))
        });
        if first.is_ok() {
            first = outcome;
        }
    }
    first
}

async fn complete(
    object: Object,
    parts: Vec<(u64, Request)>,
    mut upload: Box<dyn MultipartUpload>,
) -> Result<(), Failed> {
    let mut failed = None;
    for (number, part) in parts {
        let err = match part.await {
            Ok((Ok(()), took)) => {
                tally(&object.tally).part_ns.push(took.as_nanos() as u64);
                continue;
            }
            Ok((Err(err), _)) => format!("cannot upload part {number}: {}", said(&err)),
            Err(err) => format!("a part's upload ended: {err}"),
        };
        failed.get_or_insert(io::Error::other(err));
    }
    let failed = match failed {
        _ if object.stop.load(Ordering::Relaxed) => aborted(),
        Some(err) => err,
        None => match upload.complete().await {
            Ok(_) => {
                tally(&object.tally).completed(object.place, object.url);
                return Ok(());
            }
            Err(err) => io::Error::other(format!(
                "cannot complete the multipart upload: {}",
                said(&err)
            )),
        },
    };
    // The parts sent are dropped by the store: no object appears. The
    // failure is the one told, whatever the abort says.
    tally(&object.tally).aborted = true;
    let _ = tokio::time::timeout(GIVE_BACK_WAIT, upload.abort()).await;
    Err((object.url, failed))
}
