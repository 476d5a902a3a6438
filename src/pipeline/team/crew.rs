//! How many threads the team runs: the first thread (the lead) adds one
//! when `growth.rs` says another should be tried, by waking a parked thread
//! or starting a new one on a spare source, and parks the last one again
//! when it did not pay. Kept apart from the claim loop (`claims.rs`): this
//! is bookkeeping of threads, that is the making of the stream.

use std::sync::PoisonError;
use std::sync::atomic::Ordering;
use std::thread::Scope;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::{Team, lock};
use crate::chunk::Chunk;
use crate::pipeline::is_set;

impl Team<'_> {
    /// Whether another thread can still be started or unparked.
    pub fn can_grow(&self) -> bool {
        self.wanted_threads.load(Ordering::SeqCst) < self.started_threads.load(Ordering::SeqCst)
            || !lock(&self.spare).is_empty()
    }

    /// Lets one more thread run: a parked one, or a new one if a source is
    /// left for it.
    pub(super) fn grow<'scope>(
        &'scope self,
        scope: &'scope Scope<'scope, '_>,
        full: &Sender<Chunk>,
        empty: &Receiver<Chunk>,
    ) {
        if self.wanted_threads.load(Ordering::SeqCst) < self.started_threads.load(Ordering::SeqCst)
        {
            let _parking = lock(&self.parking);
            // Counted active before it wakes, so the first thread never
            // claims as if alone while it does.
            self.active_helpers.fetch_add(1, Ordering::SeqCst);
            self.wanted_threads.fetch_add(1, Ordering::SeqCst);
            self.unparked.notify_all();
            return;
        }
        let Some(source) = lock(&self.spare).pop() else {
            return;
        };
        self.active_helpers.fetch_add(1, Ordering::SeqCst);
        let index = self.started_threads.fetch_add(1, Ordering::SeqCst);
        self.wanted_threads.fetch_add(1, Ordering::SeqCst);
        let (full, empty) = (full.clone(), empty.clone());
        scope.spawn(move || {
            let generated = self.work(source, index, None, full, empty);
            lock(&self.results).push(generated);
        });
    }

    /// Parks the thread that came last, once it has finished its unit.
    pub(super) fn shrink(&self) {
        let _parking = lock(&self.parking);
        let wanted = self.wanted_threads.load(Ordering::SeqCst);
        self.wanted_threads
            .store(wanted.max(2) - 1, Ordering::SeqCst);
    }

    /// Waits while thread `index` is parked; false if the run is over.
    pub(super) fn parked(&self, index: usize) -> bool {
        let mut parking = lock(&self.parking);
        if index >= self.wanted_threads.load(Ordering::SeqCst) {
            // Woken only by `grow`, which counts it active again.
            self.active_helpers.fetch_sub(1, Ordering::SeqCst);
        }
        while index >= self.wanted_threads.load(Ordering::SeqCst) {
            if self.over.load(Ordering::SeqCst) || is_set(self.stop) {
                return false;
            }
            // Timed, to see a stop (which notifies no one) soon.
            parking = self
                .unparked
                .wait_timeout(parking, Duration::from_millis(20))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}
