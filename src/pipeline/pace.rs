//! Pacing: holding a side of the pipeline to a rate (`--rate` for the
//! generator, `--sink-rate` for the writer).
//!
//! The schedule is absolute: by time `t` since the start, `rate × t` units
//! may have gone out. Pacing against the monotonic clock from the start,
//! rather than sleeping a fixed time per record, keeps the long-run rate
//! exact however long each batch took. Credit that piles up while a side is
//! stalled (by backpressure, a slow disk) is capped at the burst, so a stall
//! is not followed by a flood: pv once let 80 MB/s through a 1 MB/s cap that
//! way.

use std::time::{Duration, Instant};

/// A rate, in records or bytes per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    Records(f64),
    Bytes(f64),
}

impl Rate {
    pub fn per_second(self) -> f64 {
        match self {
            Rate::Records(n) | Rate::Bytes(n) => n,
        }
    }
}

/// The longest single sleep, so a stop flag is seen promptly.
const NAP: Duration = Duration::from_millis(50);

/// Batches are at least this much of the rate's output, so a high rate
/// goes out in a few hundred batches a second, not millions.
const QUANTUM: Duration = Duration::from_millis(10);

#[derive(Debug, Clone)]
pub struct Pacer {
    per_second: f64,
    start: Instant,
    /// Units sent, less any credit forgiven after a stall.
    sent: f64,
    burst: f64,
    quantum: f64,
}

impl Pacer {
    /// `burst` is the most credit that may pile up; `None` is a tenth of a
    /// second's worth. `max_batch` caps a batch (a chunk's bytes).
    pub fn new(per_second: f64, burst: Option<f64>, max_batch: f64, start: Instant) -> Pacer {
        let quantum = (per_second * QUANTUM.as_secs_f64()).clamp(1.0, max_batch.max(1.0));
        let burst = burst.unwrap_or(per_second / 10.0).max(quantum);
        Pacer {
            per_second,
            start,
            // The first batch goes out at once, as with pv -L.
            sent: -quantum,
            burst,
            quantum,
        }
    }

    /// Waits until a batch may go out and returns how many units it may
    /// hold (at least one). Returns `None` if `stop()` turned true meanwhile.
    pub fn wait(&mut self, stop: impl Fn() -> bool) -> Option<u64> {
        loop {
            if stop() {
                return None;
            }
            let now = Instant::now();
            let allowed = self.per_second * now.duration_since(self.start).as_secs_f64();
            if allowed - self.sent > self.burst {
                self.sent = allowed - self.burst;
            }
            let credit = allowed - self.sent;
            if credit >= self.quantum {
                return Some(credit as u64);
            }
            let due = (self.sent + self.quantum) / self.per_second;
            // A due time past what Duration or Instant can hold is far off:
            // nap and look again.
            let sleep = Duration::try_from_secs_f64(due)
                .ok()
                .and_then(|due| self.start.checked_add(due))
                .map_or(NAP, |at| at.saturating_duration_since(now));
            std::thread::sleep(sleep.min(NAP));
        }
    }

    /// Records that `units` went out. It may exceed what `wait` allowed
    /// (a record larger than the credit): the debt delays the next batch.
    pub fn sent(&mut self, units: u64) {
        self.sent += units as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_rate_from_the_start() {
        let start = Instant::now();
        let mut pacer = Pacer::new(2000.0, None, 1e9, start);
        let mut total = 0;
        while total < 400 {
            let batch = pacer.wait(|| false).unwrap().min(400 - total);
            pacer.sent(batch);
            total += batch;
        }
        let took = start.elapsed().as_secs_f64();
        assert!(
            (0.18..0.26).contains(&took),
            "400 units at 2000/s took {took}s"
        );
    }

    #[test]
    fn caps_credit_after_a_stall() {
        let start = Instant::now() - Duration::from_secs(10);
        let mut pacer = Pacer::new(1000.0, None, 1e9, start);
        // Ten idle seconds earn at most the burst, a tenth of a second.
        let credit = pacer.wait(|| false).unwrap();
        assert!((100..=101).contains(&credit), "credit {credit}");
    }
}
