//! What a run leaves behind for its summary once the monitor stops: the
//! thinned samples the sparklines are drawn from, whether the progress
//! display appeared, the JSON `intervals` rows and what `--ramp` left out.
//!
//! Kept apart from the monitor thread that fills it: the summary reads it
//! and knows nothing of schedules or windows.

use super::sample::{Rated, Sample};
use crate::stats::series::{IntervalRow, Ramp};

/// The samples of a run, for sparklines: at most [`HISTORY_CAP`] of them,
/// thinned to every other one (and the spacing doubled) when full, so a
/// run of any length costs the same memory.
#[derive(Debug, Default)]
pub struct History {
    pub samples: Vec<Sample>,
    every: u32,
    skipped: u32,
    /// True if the progress display was drawn at some point.
    pub progress_shown: bool,
    /// The JSON summary's `intervals` (empty unless JSON was asked for).
    pub series: Vec<IntervalRow>,
    /// What `--ramp` left out, if one was asked for.
    pub ramp: Option<Ramp>,
}

const HISTORY_CAP: usize = 1024;

impl History {
    pub(super) fn push(&mut self, sample: Sample) {
        self.skipped += 1;
        if self.skipped < self.every.max(1) {
            return;
        }
        self.skipped = 0;
        let sample = match self.samples.last() {
            Some(previous) => sample.since(previous),
            None => sample.since(&Sample::default()),
        };
        self.samples.push(sample);
        if self.samples.len() == HISTORY_CAP {
            let mut keep = 0;
            self.samples.retain(|_| {
                keep += 1;
                keep % 2 == 0
            });
            self.every = self.every.max(1) * 2;
        }
    }
}
