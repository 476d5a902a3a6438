//! The live progress display on stderr: two lines, redrawn at most ten
//! times a second from the monitor's samples, never from the hot threads.
//!
//! indicatif does the terminal work (hiding itself when stderr is not a
//! terminal or `TERM=dumb`, clearing the lines at the end); the text is
//! ours. It uses no colour, so `NO_COLOR` holds by construction.

use std::time::Duration;

use humansize::{BINARY, format_size};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Progress;
use super::sample::Sample;
use crate::pipeline::Limits;

pub struct ProgressLine {
    mode: Progress,
    limits: Limits,
    hwm_bytes: u64,
    record_noun: &'static str,
    bar: Option<ProgressBar>,
    /// Smoothed rate, so the shown figure does not flicker per sample.
    bytes_per_s: f64,
}

/// Weight of the newest sample in the smoothed rate (about a second's memory at 10 Hz).
const SMOOTHING: f64 = 0.2;

impl ProgressLine {
    pub fn new(
        mode: Progress,
        limits: Limits,
        hwm_bytes: u64,
        record_noun: &'static str,
    ) -> ProgressLine {
        ProgressLine {
            mode,
            limits,
            hwm_bytes,
            record_noun,
            bar: None,
            bytes_per_s: 0.0,
        }
    }

    fn bar(&mut self) -> Option<&ProgressBar> {
        if self.bar.is_none() {
            let target = match self.mode {
                Progress::Never => return None,
                // A forced display draws even where indicatif would hide it.
                Progress::Always => {
                    ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 10)
                }
                Progress::Auto if dumb_terminal() => ProgressDrawTarget::hidden(),
                Progress::Auto => ProgressDrawTarget::stderr_with_hz(10),
            };
            let bar = ProgressBar::with_draw_target(None, target);
            bar.set_style(ProgressStyle::with_template("{msg}").expect("a valid template"));
            self.bar = Some(bar);
        }
        self.bar.as_ref().filter(|bar| !bar.is_hidden())
    }

    pub fn draw(&mut self, sample: &Sample, elapsed: Duration, paused: bool) {
        self.bytes_per_s = match self.bytes_per_s {
            0.0 => sample.bytes_per_s,
            smooth => smooth + SMOOTHING * (sample.bytes_per_s - smooth),
        };
        // Nothing is formatted for a display that is hidden or off.
        if self.bar().is_some() {
            let text = self.render(sample, elapsed, paused);
            if let Some(bar) = &self.bar {
                bar.set_message(text);
            }
        }
    }

    /// What a record is called on the display and in interval lines.
    pub fn record_noun(&self) -> &'static str {
        self.record_noun
    }

    fn render(&self, s: &Sample, elapsed: Duration, paused: bool) -> String {
        let fraction = [
            self.limits.bytes.map(|limit| s.bytes as f64 / limit as f64),
            self.limits
                .records
                .map(|limit| s.records as f64 / limit as f64),
            self.limits
                .duration
                .map(|limit| elapsed.as_secs_f64() / limit.as_secs_f64()),
        ]
        .into_iter()
        .flatten()
        .fold(None, |most: Option<f64>, f| {
            Some(most.map_or(f, |m| m.max(f)))
        })
        .map(|f| f.clamp(0.0, 1.0));
        let mut first = match fraction {
            Some(f) => {
                let eta = if f > 0.0 {
                    elapsed.as_secs_f64() * (1.0 - f) / f
                } else {
                    f64::INFINITY
                };
                format!("{} {:>3.0}% ETA {} | ", gauge(f, 20), f * 100.0, clock(eta))
            }
            None => String::new(),
        };
        first += &format!(
            "{}, {} {}, {}/s, {}",
            format_size(s.bytes, BINARY),
            count(s.records),
            self.record_noun,
            format_size(self.bytes_per_s as u64, BINARY),
            clock(elapsed.as_secs_f64()),
        );
        let occupancy = s.buffered_bytes as f64 / self.hwm_bytes.max(1) as f64;
        let second = format!(
            "buffer {} {:>3.0}% of {} | {} pauses, {} drains{}",
            gauge(occupancy, 20),
            occupancy * 100.0,
            format_size(self.hwm_bytes, BINARY),
            s.pauses,
            s.drains,
            if paused { " | paused" } else { "" },
        );
        format!("{first}\n{second}")
    }

    /// Prints a line above the display (or plainly, when none is drawn).
    pub fn print(&mut self, line: &str) {
        match self.bar.as_ref().filter(|bar| !bar.is_hidden()) {
            Some(bar) => bar.suspend(|| super::stderr_line(line)),
            None => super::stderr_line(line),
        }
    }

    /// Clears the display; true if it was ever drawn.
    pub fn finish(&mut self) -> bool {
        match self.bar.take() {
            Some(bar) if !bar.is_hidden() => {
                bar.finish_and_clear();
                true
            }
            _ => false,
        }
    }
}

fn dumb_terminal() -> bool {
    std::env::var_os("TERM").is_none_or(|term| term == "dumb")
}

/// A bar of `width` cells, `fraction` of them full.
fn gauge(fraction: f64, width: usize) -> String {
    let full = ((fraction.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("[{}{}]", "#".repeat(full), "-".repeat(width - full))
}

/// A count with a decimal suffix: 950, 12.3k, 4.56M.
pub fn count(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.2}M", n as f64 / 1e6),
        _ => format!("{:.2}G", n as f64 / 1e9),
    }
}

/// Seconds as `m:ss` or `h:mm:ss`.
fn clock(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "--:--".to_string();
    }
    let s = seconds.round() as u64;
    match s {
        0..3600 => format!("{}:{:02}", s / 60, s % 60),
        _ => format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_counts_and_clocks() {
        assert_eq!(count(999), "999");
        assert_eq!(count(12_345), "12.3k");
        assert_eq!(clock(75.0), "1:15");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(gauge(0.5, 4), "[##--]");
    }
}
