//! The jobs' report: their summed [`Stats`] (what the human summary and
//! the JSON's top-level keys show, as for one job), and one line per job
//! (`jobs: [...]` in the JSON), with the steady-state verdict.
//!
//! Apart from `jobs.rs` because it only adds up and formats.

use std::fmt::Write as _;

use serde::Serialize;

use crate::config::{Jobs, Split};
use crate::report::latency::duration_ns;
use crate::report::{seconds, size};
use crate::stats::steady::SteadyReport;
use crate::stats::{Bottleneck, End, Latency, SinkReport, Stats};

/// The jobs' stats added up: counts summed (compression and Parquet
/// figures too), the run as long as the longest job, latencies merged,
/// the bottleneck judged on the sums, and the end the worst any job had.
/// The rates are left for [`Stats::measure`].
pub fn sum(each: &[Stats], jobs: Option<&Jobs>) -> Stats {
    let mut total = each[0].clone();
    for s in &each[1..] {
        total.bytes += s.bytes;
        total.records += s.records;
        total.chunks += s.chunks;
        total.writes += s.writes;
        total.pauses += s.pauses;
        total.drains += s.drains;
        total.paused_s += s.paused_s;
        total.writer_idle_s += s.writer_idle_s;
        total.peak_buffered_bytes += s.peak_buffered_bytes;
        total.mean_buffered_bytes += s.mean_buffered_bytes;
        total.hwm_bytes += s.hwm_bytes;
        total.lwm_bytes += s.lwm_bytes;
        total.threads += s.threads;
        total.generator_busy_s.extend(&s.generator_busy_s);
        total.elapsed_s = total.elapsed_s.max(s.elapsed_s);
        total.end = worse(total.end, s.end);
        merge(&mut total.write_lat_ns, &s.write_lat_ns);
        merge(&mut total.sync_lat_ns, &s.sync_lat_ns);
        // Each file's compressor and Parquet writer are its own, running
        // beside the others': their figures add up (job 0's alone was all
        // a compressed or Parquet run of several reported).
        match (&mut total.compression, &s.compression) {
            (Some(sum), Some(one)) => sum.add_beside(one),
            (None, Some(one)) => total.compression = Some(one.clone()),
            _ => {}
        }
        match (&mut total.parquet, &s.parquet) {
            (Some(sum), Some(one)) => sum.add(one),
            (None, Some(one)) => total.parquet = Some(one.clone()),
            _ => {}
        }
        if let (SinkReport::Disk(sum), SinkReport::Disk(one)) = (&mut total.sink, &s.sink) {
            sum.syncs += one.syncs;
            sum.sync_s += one.sync_s;
            sum.preallocated_bytes += one.preallocated_bytes;
            // The jobs' regions are the same size: their passes and
            // coverage average to the whole's.
            sum.passes = sum.passes.zip(one.passes).map(|(a, b)| a + b);
            sum.coverage_pct = sum.coverage_pct.zip(one.coverage_pct).map(|(a, b)| a + b);
        }
    }
    // Judged on the sums, as for one writer, rather than the first's.
    total.bottleneck = Bottleneck::of(
        total.paused_s,
        total.writer_idle_s,
        total.compression.as_ref(),
    );
    let n = each.len() as f64;
    if let SinkReport::Disk(disk) = &mut total.sink {
        disk.passes = disk.passes.map(|p| p / n);
        disk.coverage_pct = disk.coverage_pct.map(|c| c / n);
        if let (Some(jobs), Some(region)) = (jobs, &disk.region) {
            let how = match jobs.split {
                Split::Files(_) => "files",
                Split::Regions => "regions one after another",
            };
            disk.region = Some(format!("{} {how}, each {region}", jobs.count));
        }
    }
    if let (Some(jobs), Split::Files(paths)) =
        (jobs, jobs.map(|j| &j.split).unwrap_or(&Split::Regions))
    {
        let first = paths[0].display();
        total.destination = format!("{} files, {first} …", jobs.count);
    }
    total
}

/// Error over interrupted over closed over complete.
fn worse(a: End, b: End) -> End {
    let rank = |end: End| match end {
        End::Error => 3,
        End::Interrupted => 2,
        End::Closed => 1,
        End::Complete => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn merge(into: &mut Option<Latency>, from: &Option<Latency>) {
    match (into.as_mut(), from) {
        (Some(sum), Some(one)) => {
            // Same bounds and precision (stats/latency.rs), so adding cannot fail.
            let _ = sum.histogram.add(&one.histogram);
            sum.clamped += one.clamped;
        }
        (None, Some(one)) => *into = Some(one.clone()),
        _ => {}
    }
}

/// One job's line.
#[derive(Debug, Clone, Serialize)]
pub struct JobLine {
    pub job: usize,
    pub destination: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub bytes: u64,
    pub writes: u64,
    pub elapsed_s: f64,
    pub bytes_per_s: f64,
    pub iops: f64,
    pub write_lat_p99_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_pct: Option<f64>,
    pub end: End,
}

/// What `--stats=json` and `--stats-file` hold for jobs: the total's keys,
/// as for one job, then `jobs` and `steady`.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    #[serde(flatten)]
    pub total: &'a Stats,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<JobLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steady: Option<SteadyReport>,
}

impl<'a> Report<'a> {
    /// Each job's line only when there were jobs (`--jobs` over 1).
    pub fn new(
        total: &'a Stats,
        each: &[Stats],
        jobs: bool,
        steady: Option<SteadyReport>,
    ) -> Report<'a> {
        let lines = match jobs {
            false => Vec::new(),
            true => each.iter().enumerate().map(|(j, s)| line(j, s)).collect(),
        };
        Report {
            total,
            jobs: lines,
            steady,
        }
    }

    /// The lines under the human summary: each job, then the verdict.
    pub fn human_lines(&self) -> String {
        let mut out = String::new();
        for job in &self.jobs {
            let p99 = job
                .write_lat_p99_ns
                .map(|ns| format!(", p99 {}", duration_ns(ns)))
                .unwrap_or_default();
            let coverage = job
                .coverage_pct
                .map(|c| format!(", coverage {c:.1} %"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  job {}: {} to {}{} in {}, {}/s, {:.0} IOPS{p99}{coverage}, {}",
                job.job,
                size(job.bytes as f64),
                job.destination,
                job.region
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                seconds(job.elapsed_s),
                size(job.bytes_per_s),
                job.iops,
                job.end.as_str(),
            );
        }
        if let Some(steady) = &self.steady {
            let verdict = match (steady.attained, steady.attained_s) {
                (true, Some(t)) => format!("reached after {}", seconds(t)),
                _ => "not reached".to_string(),
            };
            let criterion = steady
                .criterion_pct
                .map(|c| format!(" (last window: {c:.2} % of the mean)"))
                .unwrap_or_else(|| " (the window never filled)".to_string());
            let _ = writeln!(
                out,
                "  steady state {} over {}: {verdict}{criterion}",
                steady.rule,
                seconds(steady.window_s)
            );
        }
        out
    }
}

fn line(j: usize, s: &Stats) -> JobLine {
    let disk = s.sink.disk();
    JobLine {
        job: j,
        destination: s.destination.clone(),
        region: disk.and_then(|d| d.region.clone()),
        bytes: s.bytes,
        writes: s.writes,
        elapsed_s: s.elapsed_s,
        bytes_per_s: s.bytes_per_s,
        iops: s.iops,
        write_lat_p99_ns: s
            .write_lat_ns
            .as_ref()
            .map(|l| crate::stats::latency::percentile(&l.histogram, 99.0)),
        coverage_pct: disk.and_then(|d| d.coverage_pct),
        end: s.end,
    }
}
