//! `--until-steady`: fio's steady-state detection (`ss`, `ss_dur`), which
//! SSD preconditioning runs use to stop once a device has settled rather
//! than after a guessed time.
//!
//! As fio's steadystate.c: one sample a second (its `ss_interval`) of the
//! IOPS or bandwidth of that second, a rolling window of `--steady-window`
//! of them, and a rule over the full window: `iops:P%` holds when no
//! sample is further than P % of the mean from the mean; `iops_slope:P%`
//! when the least-squares slope, per second, is within P % of the mean.
//! A figure about the run's counters, so it lives with them; the jobs
//! runner (`jobs.rs`) takes the samples and stops the run.

use std::collections::VecDeque;
use std::time::Duration;

use serde::Serialize;

/// How often a sample is taken, as fio's default `ss_interval`.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(1);

/// What is watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SteadyMetric {
    Iops,
    Bw,
}

/// The rule `--until-steady` gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Steady {
    pub metric: SteadyMetric,
    /// The slope rule (`_slope`) rather than the deviation one.
    pub slope: bool,
    pub limit_pct: f64,
}

impl Steady {
    /// The rule as the user typed it, for the summary.
    pub fn name(&self) -> String {
        let metric = match self.metric {
            SteadyMetric::Iops => "iops",
            SteadyMetric::Bw => "bw",
        };
        let slope = if self.slope { "_slope" } else { "" };
        format!("{metric}{slope}:{}%", self.limit_pct)
    }
}

/// The window and the verdict so far.
pub struct Detector {
    rule: Steady,
    samples: VecDeque<f64>,
    size: usize,
    /// The last sample's time and counts, to take differences from.
    last: Option<(f64, u64, u64)>,
    /// The criterion of the last full window, in percent of its mean.
    pub criterion_pct: Option<f64>,
    pub attained_at: Option<f64>,
}

/// What the summary and the JSON say of it.
#[derive(Debug, Clone, Serialize)]
pub struct SteadyReport {
    pub rule: String,
    pub window_s: f64,
    pub attained: bool,
    /// Seconds into the run when the rule first held.
    pub attained_s: Option<f64>,
    /// The last full window's deviation or slope, in percent of its mean.
    pub criterion_pct: Option<f64>,
}

impl Detector {
    pub fn new(rule: Steady, window: Duration) -> Detector {
        let size = (window.as_secs_f64() / SAMPLE_EVERY.as_secs_f64())
            .round()
            .max(2.0) as usize;
        Detector {
            rule,
            samples: VecDeque::with_capacity(size),
            size,
            last: None,
            criterion_pct: None,
            attained_at: None,
        }
    }

    /// One sample, about a second after the last: the run's total I/Os
    /// and bytes at `t_s`, rated over the time since the last sample
    /// (a late look must not read as a faster second). True once the
    /// rule holds over a full window.
    pub fn sample(&mut self, t_s: f64, ios: u64, bytes: u64) -> bool {
        let Some((last_t, last_ios, last_bytes)) = self.last.replace((t_s, ios, bytes)) else {
            return false;
        };
        let value = match self.rule.metric {
            SteadyMetric::Iops => ios - last_ios,
            SteadyMetric::Bw => bytes - last_bytes,
        } as f64
            / (t_s - last_t).max(1e-3);
        if self.samples.len() == self.size {
            self.samples.pop_front();
        }
        self.samples.push_back(value);
        if self.samples.len() < self.size {
            return false;
        }
        let criterion = criterion_pct(&self.samples, self.rule.slope);
        self.criterion_pct = Some(criterion);
        if criterion <= self.rule.limit_pct && self.attained_at.is_none() {
            self.attained_at = Some(t_s);
        }
        self.attained_at.is_some()
    }

    pub fn report(&self) -> SteadyReport {
        SteadyReport {
            rule: self.rule.name(),
            window_s: self.size as f64 * SAMPLE_EVERY.as_secs_f64(),
            attained: self.attained_at.is_some(),
            attained_s: self.attained_at,
            criterion_pct: self.criterion_pct,
        }
    }
}

/// fio's two criteria, in percent of the window's mean: the largest
/// deviation from the mean, or the absolute least-squares slope per
/// sample. A window whose mean is 0 (nothing written) is never steady.
fn criterion_pct(samples: &VecDeque<f64>, slope: bool) -> f64 {
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return f64::INFINITY;
    }
    let measure = if slope {
        let mean_x = (n - 1.0) / 2.0;
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for (x, y) in samples.iter().enumerate() {
            let dx = x as f64 - mean_x;
            sxy += dx * (y - mean);
            sxx += dx * dx;
        }
        (sxy / sxx).abs()
    } else {
        samples.iter().map(|y| (y - mean).abs()).fold(0.0, f64::max)
    };
    measure / mean * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(slope: bool) -> Steady {
        Steady {
            metric: SteadyMetric::Iops,
            slope,
            limit_pct: 2.0,
        }
    }

    #[test]
    fn a_flat_rate_is_steady_once_the_window_is_full() {
        let mut detector = Detector::new(rule(false), Duration::from_secs(3));
        let verdicts: Vec<bool> = (0..5)
            .map(|t| detector.sample(t as f64, t * 1000, 0))
            .collect();
        assert_eq!(verdicts, [false, false, false, true, true]);
    }

    #[test]
    fn a_rising_rate_is_not() {
        let mut detector = Detector::new(rule(true), Duration::from_secs(3));
        let mut ios = 0;
        for t in 0..10u64 {
            ios += 1000 + t * 100;
            assert!(!detector.sample(t as f64, ios, 0));
        }
        assert!(detector.criterion_pct.unwrap() > 2.0);
    }
}
