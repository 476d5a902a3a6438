//! When a run gets another generator thread, and when it gives one back.
//!
//! Threads cost a short run more than they give (starting one, and the
//! turn every chunk then waits for), and they give nothing where the
//! generator is not the limit: a slow destination, or a source so cheap
//! (a repeated pattern, counter lines) that the writer or memory is. So a
//! run starts with one generator, and every [`WINDOW`] the first thread
//! looks at how it went: a window in which the writer waited for chunks
//! longer than the generators waited for room (the summary's `bottleneck:
//! generator`, over the window) earns a thread on trial. Not "no pause at
//! all": the hwm holds about a millisecond of a fast generator's output,
//! so on a busy machine any time the writer is kept off a core the
//! generator pauses, and lineitem's lone generator paused in every window
//! (644 pauses in 1 s, writer idle 76 % of it) and never got a second
//! thread (issue 19). If the next window did not write [`GAIN`] times as fast, the
//! thread is parked again, and no trial is made for [`SETTLE`].
//!
//! With `--threads N` given the user has decided: every thread starts at
//! once and stays.

use std::time::{Duration, Instant};

use crate::stats::Counters;

/// How long a window is: short enough that a run of a second is at full
/// strength after a few, long enough that a run of a few milliseconds (a
/// million short lines into a file) never starts a thread.
const WINDOW: Duration = Duration::from_millis(25);

/// How much faster a window with one more thread must write to keep it.
const GAIN: f64 = 1.15;

/// How long after a failed trial before the next.
const SETTLE: Duration = Duration::from_secs(1);

/// What to do after a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Hold,
    Grow,
    Shrink,
}

#[derive(Debug)]
pub(super) struct Growth {
    eager: bool,
    next_look: Instant,
    window_start: Instant,
    bytes_then: u64,
    paused_ns_then: u64,
    writer_idle_ns_then: u64,
    /// The rate before the thread on trial started, if one is.
    trial: Option<f64>,
}

impl Growth {
    pub fn new(started: Instant, eager: bool) -> Growth {
        Growth {
            eager,
            next_look: started + WINDOW,
            window_start: started,
            bytes_then: 0,
            paused_ns_then: 0,
            writer_idle_ns_then: 0,
            trial: None,
        }
    }

    /// Looks at the window just ended, if one has: `can_grow` says whether
    /// a thread is left to add.
    pub fn look(&mut self, now: Instant, counters: &Counters, can_grow: bool) -> Step {
        if self.eager {
            return if can_grow { Step::Grow } else { Step::Hold };
        }
        if now < self.next_look {
            return Step::Hold;
        }
        let bytes = Counters::get(&counters.bytes);
        let paused_ns = Counters::get(&counters.paused_ns);
        let writer_idle_ns = Counters::get(&counters.writer_idle_ns);
        let seconds = now.duration_since(self.window_start).as_secs_f64();
        let rate = (bytes - self.bytes_then) as f64 / seconds.max(1e-9);
        let held_back_by_generator =
            writer_idle_ns - self.writer_idle_ns_then > paused_ns - self.paused_ns_then;
        self.window_start = now;
        self.bytes_then = bytes;
        self.paused_ns_then = paused_ns;
        self.writer_idle_ns_then = writer_idle_ns;
        self.next_look = now + WINDOW;
        if let Some(before) = self.trial.take()
            && rate < before * GAIN
        {
            self.next_look = now + SETTLE;
            return Step::Shrink;
        }
        if held_back_by_generator && can_grow {
            self.trial = Some(rate);
            return Step::Grow;
        }
        Step::Hold
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;

    /// A window later, with `bytes` more written, in which the writer
    /// waited a millisecond for chunks.
    fn window(growth: &mut Growth, at: &mut Instant, counters: &Counters, bytes: u64) -> Step {
        *at += WINDOW;
        counters.bytes.fetch_add(bytes, Ordering::Relaxed);
        counters
            .writer_idle_ns
            .fetch_add(1_000_000, Ordering::Relaxed);
        growth.look(*at, counters, true)
    }

    #[test]
    fn waits_a_window_then_tries_a_thread() {
        let start = Instant::now();
        let counters = Counters::default();
        let mut growth = Growth::new(start, false);
        assert_eq!(growth.look(start, &counters, true), Step::Hold);
        let mut at = start;
        assert_eq!(window(&mut growth, &mut at, &counters, 100), Step::Grow);
    }

    #[test]
    fn keeps_a_thread_that_paid_and_parks_one_that_did_not() {
        let start = Instant::now();
        let counters = Counters::default();
        let mut growth = Growth::new(start, false);
        let mut at = start;
        assert_eq!(window(&mut growth, &mut at, &counters, 100), Step::Grow);
        // 1.8 times as fast: kept, and another tried.
        assert_eq!(window(&mut growth, &mut at, &counters, 180), Step::Grow);
        // No faster: parked, and no trial for a while.
        assert_eq!(window(&mut growth, &mut at, &counters, 185), Step::Shrink);
        assert_eq!(window(&mut growth, &mut at, &counters, 185), Step::Hold);
    }

    #[test]
    fn a_window_held_back_by_the_writer_earns_no_thread() {
        let start = Instant::now();
        let counters = Counters::default();
        let mut growth = Growth::new(start, false);
        // The generators waited 2 ms for room, the writer 1 ms for chunks.
        counters.paused_ns.fetch_add(2_000_000, Ordering::Relaxed);
        let mut at = start;
        assert_eq!(window(&mut growth, &mut at, &counters, 100), Step::Hold);
        assert_eq!(window(&mut growth, &mut at, &counters, 100), Step::Grow);
    }

    #[test]
    fn a_pause_in_a_window_the_writer_mostly_waited_still_earns_a_thread() {
        let start = Instant::now();
        let counters = Counters::default();
        let mut growth = Growth::new(start, false);
        // One short pause (the writer kept off a core a moment), and the
        // writer waited longer for chunks: the generator is the limit.
        counters.pauses.fetch_add(1, Ordering::Relaxed);
        counters.paused_ns.fetch_add(300_000, Ordering::Relaxed);
        let mut at = start;
        assert_eq!(window(&mut growth, &mut at, &counters, 100), Step::Grow);
    }

    #[test]
    fn given_threads_all_start_at_once() {
        let start = Instant::now();
        let counters = Counters::default();
        let mut growth = Growth::new(start, true);
        assert_eq!(growth.look(start, &counters, true), Step::Grow);
        assert_eq!(growth.look(start, &counters, false), Step::Hold);
    }
}
