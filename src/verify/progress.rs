//! The `--interval` lines of `gush verify FILE`: how far the check is and
//! the bad blocks so far. A [`Sampler`] thread reads counters the checking
//! thread keeps, as a write's monitor and `gush catch`'s ticker do, so the
//! check never waits for the display and a slow window does not hold a
//! line back.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::report::sample::{Rated, Sampler, Schedule, Watch};
use crate::report::{self, StatsFormat, size};

/// What the checking thread has done so far, stored after each window.
#[derive(Debug, Default)]
pub struct Live {
    pub checked_bytes: AtomicU64,
    pub ok: AtomicU64,
    pub bad: AtomicU64,
}

/// The thread printing the lines; `finish` stops it.
pub struct Ticker {
    sampler: Sampler<()>,
}

impl Ticker {
    /// Prints a line every `every` from now, of `total_bytes` to check.
    pub fn start(
        live: Arc<Live>,
        total_bytes: u64,
        every: Duration,
        format: Option<StatsFormat>,
    ) -> Result<Ticker> {
        let watch = ProgressWatch {
            live,
            total_bytes,
            started: Instant::now(),
            schedule: Schedule::new(every),
            format,
        };
        let sampler = Sampler::start("gush-verify-ticker", "progress", watch)?;
        Ok(Ticker { sampler })
    }

    pub fn finish(self) {
        // The watch never fails, and a thread that panicked has said so.
        let _ = self.sampler.finish();
    }
}

/// One look at [`Live`].
#[derive(Debug, Clone, Copy, Default)]
struct Look {
    t_s: f64,
    checked_bytes: u64,
    ok: u64,
    bad: u64,
    bytes_per_s: f64,
}

impl Rated for Look {
    fn t_s(&self) -> f64 {
        self.t_s
    }

    fn bytes(&self) -> u64 {
        self.checked_bytes
    }

    fn set_bytes_per_s(&mut self, bytes_per_s: f64) {
        self.bytes_per_s = bytes_per_s;
    }
}

struct ProgressWatch {
    live: Arc<Live>,
    total_bytes: u64,
    started: Instant,
    schedule: Schedule<Look>,
    format: Option<StatsFormat>,
}

impl Watch for ProgressWatch {
    type Output = ();

    fn until_due(&self) -> Duration {
        self.schedule.next().saturating_sub(self.started.elapsed())
    }

    /// Prints the line if it is due; nothing once the check is over, where
    /// the report follows at once.
    fn look(&mut self, last: bool) -> Result<()> {
        if last {
            return Ok(());
        }
        let now = self.started.elapsed();
        let look = Look {
            t_s: now.as_secs_f64(),
            checked_bytes: self.live.checked_bytes.load(Ordering::Relaxed),
            ok: self.live.ok.load(Ordering::Relaxed),
            bad: self.live.bad.load(Ordering::Relaxed),
            bytes_per_s: 0.0,
        };
        let Some(look) = self.schedule.due(now, look) else {
            return Ok(());
        };
        let line = match self.format {
            Some(StatsFormat::Json) => report::json(&serde_json::json!({
                "elapsed_s": look.t_s,
                "checked_bytes": look.checked_bytes,
                "total_bytes": self.total_bytes,
                "ok": look.ok,
                "bad": look.bad,
                "bytes_per_s": look.bytes_per_s,
            })),
            _ => format!(
                "gush verify: {:.1} s: checked {} of {}, {}/s, {} bad blocks so far",
                look.t_s,
                size(look.checked_bytes as f64),
                size(self.total_bytes as f64),
                size(look.bytes_per_s),
                look.bad
            ),
        };
        report::stderr_line(&line);
        Ok(())
    }

    fn into_output(self) {}
}
