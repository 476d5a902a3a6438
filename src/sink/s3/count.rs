//! Every response the store gives, counted by status class, and the
//! store's backpressure (503 SlowDown, 429) turned into counted pauses.
//!
//! `object_store` would retry 5xx and 429 itself, with its own backoff,
//! and the caller would never see them: the run would slow down with
//! nothing in the report to say why. So its own retries are off (see
//! `store.rs`), every response passes through [`Counting`], and the
//! retrying is done here, as HTTP batches do it (`sink/http/retry.rs`):
//! the store's pauses after [`SERVER_PAUSE`], floored and capped, for as
//! long as `--max-pause` allows; other failures up to `--retry` times
//! after [`AFTER_FAILURE`].

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use object_store::ClientOptions;
use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpService, ReqwestConnector,
};
use object_store::retry::{RetryContext, RetryFailure, RetryPolicy};

use crate::net::backoff::{AFTER_FAILURE, Backoff, SERVER_PAUSE};
use crate::sink::STOP_SLICE;
use crate::stats::HttpCounters;

tokio::task_local! {
    /// The status of the last response the current task had, 0 for none:
    /// how a failed call's status is read without parsing its message.
    static LAST_STATUS: Cell<u16>;
}

/// Makes the client that counts: reqwest's, wrapped.
#[derive(Debug)]
pub(super) struct Counting(pub Arc<HttpCounters>);

impl HttpConnector for Counting {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let inner = ReqwestConnector::default().connect(options)?;
        Ok(HttpClient::new(CountingService {
            inner,
            counters: Arc::clone(&self.0),
        }))
    }
}

#[derive(Debug)]
struct CountingService {
    inner: HttpClient,
    counters: Arc<HttpCounters>,
}

#[async_trait]
impl HttpService for CountingService {
    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let _ = LAST_STATUS.try_with(|last| last.set(0));
        let response = self.inner.execute(request).await?;
        let status = response.status().as_u16();
        self.counters.status(status);
        let _ = LAST_STATUS.try_with(|last| last.set(status));
        Ok(response)
    }
}

/// Whether a status is the store asking to slow down: S3's 503 SlowDown
/// (also sent as 503 "Please reduce your request rate") and 429 from the
/// S3-compatible stores that use it.
fn slow_down(status: u16) -> bool {
    status == 503 || status == 429
}

/// How a failed request is tried again, shared by every request of a
/// destination.
#[derive(Debug)]
pub(super) struct Retrying {
    pub counters: Arc<HttpCounters>,
    pub retry: u32,
    pub max_pause: Duration,
    pub stop: Arc<AtomicBool>,
}

impl Retrying {
    /// The decision after a failure with `status` (0: no response), on
    /// `attempt` (1 for the first failure), `paused` into the store's
    /// pauses so far: waits as it decides, and returns whether to go on.
    async fn again(
        &self,
        status: u16,
        attempt: usize,
        failures: &mut u32,
        paused: Duration,
    ) -> bool {
        if self.stop.load(Ordering::Relaxed) {
            return false;
        }
        let wait = if slow_down(status) {
            let wait = nth(SERVER_PAUSE, attempt);
            if paused + wait > self.max_pause {
                return false;
            }
            self.counters.server_pauses.fetch_add(1, Ordering::Relaxed);
            let ns = wait.as_nanos() as u64;
            self.counters
                .server_paused_ns
                .fetch_add(ns, Ordering::Relaxed);
            wait
        } else {
            // A 4xx other than 429 is the request's fault (credentials,
            // a missing bucket): trying again would only repeat it.
            if (400..500).contains(&status) || *failures >= self.retry {
                return false;
            }
            *failures += 1;
            nth(AFTER_FAILURE, *failures as usize)
        };
        self.counters.retries.fetch_add(1, Ordering::Relaxed);
        self.sleep(wait).await
    }

    /// Sleeps in slices, so a Ctrl-C is seen within one; false if cut short.
    async fn sleep(&self, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return false;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            tokio::time::sleep(left.min(STOP_SLICE)).await;
        }
    }

    /// Runs `call` until it succeeds or [`Retrying::again`] says stop: for
    /// every request but the parts, which `object_store` repeats itself
    /// through the [`RetryPolicy`] below.
    pub async fn run<T, F, Fut>(&self, mut call: F) -> object_store::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = object_store::Result<T>>,
    {
        let started = Instant::now();
        let mut failures = 0;
        let mut attempt = 0;
        loop {
            let (result, status) = LAST_STATUS
                .scope(Cell::new(0), async {
                    let result = call().await;
                    (result, LAST_STATUS.with(Cell::get))
                })
                .await;
            let Err(err) = result else {
                return result;
            };
            attempt += 1;
            if !self
                .again(status, attempt, &mut failures, started.elapsed())
                .await
            {
                return Err(err);
            }
        }
    }
}

/// A part's tries: the policy sees each failure with its status, and the
/// attempt number of that part. Parts share the policy, so a part's
/// failures other than pauses are counted from its attempts: a part that
/// was paused twice has used two of its `--retry`.
#[derive(Debug)]
pub(super) struct PartRetry(pub Arc<Retrying>);

#[async_trait]
impl RetryPolicy for PartRetry {
    async fn retry(&self, context: RetryContext) -> bool {
        let status = match context.failure {
            RetryFailure::Status(status) => status.as_u16(),
            _ => 0,
        };
        let mut failures = context.attempt.saturating_sub(1) as u32;
        self.0
            .again(status, context.attempt, &mut failures, context.elapsed)
            .await
    }
}

/// The `attempt`th pause of `backoff` (1 for the first).
fn nth(mut backoff: Backoff, attempt: usize) -> Duration {
    let mut wait = backoff.pause();
    for _ in 1..attempt.min(32) {
        wait = backoff.pause();
    }
    wait
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nth_pause_doubles_to_the_cap() {
        let ms = |n| nth(SERVER_PAUSE, n).as_millis();
        assert_eq!(
            [ms(1), ms(2), ms(3), ms(8), ms(100)],
            [10, 20, 40, 1000, 1000]
        );
    }
}
