//! How a finished run is shown: a short human summary or one JSON object
//! on stderr, and the JSON in a file for scripts.

use std::fmt::Write as _;
use std::fs;

use anyhow::{Context, Result};
use humansize::{BINARY, format_size};

use crate::cli::StatsFormat;
use crate::config::Report;
use crate::stats::Stats;

/// Prints and saves the summary as the configuration asks.
pub fn finish(report: &Report, stats: &Stats) -> Result<()> {
    match report.stats {
        Some(StatsFormat::Human) => eprint!("{}", human(stats)),
        Some(StatsFormat::Json) => eprintln!("{}", json(stats)),
        None => {}
    }
    if let Some(path) = &report.stats_file {
        fs::write(path, json(stats) + "\n")
            .with_context(|| format!("cannot write the stats file {}", path.display()))?;
    }
    Ok(())
}

pub fn json(stats: &Stats) -> String {
    serde_json::to_string(stats).expect("stats serialise")
}

/// The human summary: what was written, how fast, and how it flowed.
pub fn human(s: &Stats) -> String {
    let size = |n: f64| format_size(n as u64, BINARY);
    let mut out = String::new();
    let records = match s.records {
        0 => String::new(),
        n => format!(", {n} {}", s.record_noun),
    };
    let _ = writeln!(
        out,
        "gush: {} ({} bytes{records}) to {} in {}, {}/s",
        size(s.bytes as f64),
        s.bytes,
        s.destination,
        seconds(s.elapsed_s),
        size(s.bytes_per_s),
    );
    let _ = writeln!(
        out,
        "  flow: {} pauses ({} paused), {} drains; writer idle {}; bottleneck: {}",
        s.pauses,
        seconds(s.paused_s),
        s.drains,
        seconds(s.writer_idle_s),
        serde_json::to_value(s.bottleneck)
            .expect("serialises")
            .as_str()
            .unwrap_or_default(),
    );
    let _ = writeln!(
        out,
        "  buffer: peak {}, mean {} (hwm {}, lwm {}, chunk {})",
        size(s.peak_buffered_bytes as f64),
        size(s.mean_buffered_bytes),
        size(s.hwm_bytes as f64),
        size(s.lwm_bytes as f64),
        size(s.chunk_bytes as f64),
    );
    let seed = s
        .seed
        .map_or_else(|| "none".to_string(), |seed| seed.to_string());
    let end = serde_json::to_value(s.end).expect("serialises");
    let _ = writeln!(
        out,
        "  seed {seed}; {} writes; ended {}",
        s.writes,
        end.as_str().unwrap_or_default()
    );
    out
}

/// Seconds as people read them: milliseconds below one second.
fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}
