//! Lanes: the files of a `{k}` series written several at once, when one
//! writer (a compressor, an encoder, a slow disk) would hold the run back.
//!
//! A lane is "open file k with the series opener, write records [a, b)
//! into it", then file k + W, and so on: a whole [`Pipeline`] per file,
//! its source moved to the file's first record as `--shard` moves a run's,
//! its sink a one-file [`Series`] numbered k (which puts the header in as
//! the one-writer series does). Every record's bytes depend only on its
//! index, so each file is byte for byte the one-writer run's file k.
//!
//! Parquet files too: each lane's file its own Parquet writer, whose row
//! groups depend only on the records, so they are the same bytes.
//!
//! Lanes need every file's records known before a byte is written: a
//! `--count` cut by `--file-records` or `--files`. `--file-size` ends a
//! file where its bytes run out, known only once written, and a timed or
//! `--size` run does not know its records: those keep the one ordered
//! stream, as does `--threads 1`. W is `--threads N` when given: the cores
//! the user gave the run, each lane one generator thread beside its
//! writer (a run left to choose its threads keeps the one stream, which
//! grows its generators only while they hold it back). No flag of its
//! own: the bytes are the same for any W, as for any `--threads`.
//!
//! As `--jobs`, the lanes are watched by one monitor over their summed
//! counters and reported as one run; the files are listed in order.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::config::Config;
use crate::report::monitor::Monitor;
use crate::run::{Ending, Run};
use crate::sink::series::{self, Series, SeriesPlan, Split};
use crate::stats::{Counters, End, FilesStats, SinkReport, Stats};
use crate::{Limits, Part};

/// How often the monitor's totals are brought up to date (as `--jobs`).
const SUM_EVERY: Duration = Duration::from_millis(10);

/// A series whose files can be written several at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lanes {
    /// W: the files written at once.
    pub count: u64,
    /// The series' files, and how its records are cut among them.
    pub files: u64,
    cut: Cut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// `--file-records`: this many a file, the last taking what is left.
    Each { each: u64, total: u64 },
    /// `--files N` of `--count`: as the series sink cuts them.
    Even { files: u64, total: u64 },
}

impl Lanes {
    /// File `k`'s records, `[a, b)` counted from the run's first.
    pub fn span(&self, k: u64) -> (u64, u64) {
        match self.cut {
            Cut::Each { each, total } => (k * each, ((k + 1) * each).min(total)),
            Cut::Even { files, total } => {
                let share = |k: u64| (u128::from(total) * u128::from(k) / u128::from(files)) as u64;
                (share(k), share(k + 1))
            }
        }
    }
}

/// The lanes a run takes, or `None` for the one ordered stream: see the
/// top of this file for when.
pub fn plan(config: &Config) -> Option<Lanes> {
    let series = config.series.as_ref()?;
    let Limits {
        records: Some(total),
        bytes: None,
        duration: None,
    } = config.limits
    else {
        return None;
    };
    // A rate is the whole run's; a reader (replay) can only go on.
    let paced = config.flow.rate.is_some() || config.flow.sink_rate.is_some();
    let positioned = matches!(
        config.source.spec,
        crate::source::SourceSpec::Lines { .. } | crate::source::SourceSpec::Records { .. }
    );
    // Lanes open files; a series of objects keeps its one stream.
    let objects = config.s3.is_some();
    if paced || !positioned || objects || total == 0 {
        return None;
    }
    let (files, cut) = match series.split {
        Split::Records(each) => (total.div_ceil(each), Cut::Each { each, total }),
        Split::EvenRecords { files, total } => (files, Cut::Even { files, total }),
        Split::Bytes(_) | Split::EvenBytes { .. } => return None,
    };
    // Only threads asked for (`--threads N`): a run left to grow its
    // generators keeps the one stream, which adds threads only while they
    // are what holds it back (bench/lanes.md: lanes cost some CPU where the
    // writer is not the limit).
    if !config.flow.eager_threads {
        return None;
    }
    let count = (config.flow.threads as u64).min(files);
    (count > 1).then_some(Lanes { count, files, cut })
}

/// What the lanes share while they run: each lane's pipelines' counters
/// (one per file, for the monitor's sums), the stop, and what ended them.
struct Shared {
    counters: Vec<Mutex<Vec<Arc<Counters>>>>,
    stop: Arc<AtomicBool>,
}

/// Writes the series through `lanes`, reports it as one run.
pub fn write(config: &Config, run: &Run, lanes: &Lanes) -> Result<Ending> {
    let plan = config.series.as_ref().context("lanes without a series")?;
    series::prepare(plan, config.existing)?;
    let record_noun = crate::source::open(&config.source, config.flow.chunk_bytes)?.record_noun();
    let shared = Shared {
        counters: (0..lanes.count).map(|_| Mutex::default()).collect(),
        stop: Arc::new(AtomicBool::new(false)),
    };
    let totals = Arc::new(Counters::default());
    let (timeline, latency_log) = config.report.open_logs()?;
    let monitor = Monitor::start(
        Arc::clone(&totals),
        &config.report,
        config.limits,
        config.flow,
        record_noun,
        timeline,
        latency_log,
    )?;
    let started = Instant::now();
    let (finished, done) = crossbeam_channel::bounded::<()>(0);
    let outcomes = std::thread::scope(|scope| {
        let threads = (0..lanes.count)
            .map(|lane| {
                let shared = &shared;
                std::thread::Builder::new()
                    .name(format!("gush-lane{lane}"))
                    .spawn_scoped(scope, move || run_lane(config, plan, lanes, lane, shared))
            })
            .collect::<std::io::Result<Vec<_>>>();
        let summing = scope.spawn(|| {
            while let Err(crossbeam_channel::RecvTimeoutError::Timeout) =
                done.recv_timeout(SUM_EVERY)
            {
                if run.stopped() {
                    shared.stop.store(true, Ordering::Relaxed);
                }
                sum(&shared, &totals, true);
            }
        });
        let outcomes = threads.map(|threads| {
            threads
                .into_iter()
                .map(|thread| thread.join().expect("a lane's thread panicked"))
                .collect::<Vec<_>>()
        });
        drop(finished);
        summing.join().expect("the summing thread panicked");
        outcomes
    });
    let outcomes = outcomes.context("cannot start a lane's thread")?;
    sum(&shared, &totals, true);
    let elapsed_s = started.elapsed().as_secs_f64();
    let mut history = monitor.finish()?;
    let mut error = None;
    let mut each = Vec::with_capacity(outcomes.len());
    let mut files = Vec::new();
    for outcome in outcomes {
        if let Some(failed) = outcome.error {
            error.get_or_insert(failed);
        }
        files.extend(outcome.files);
        each.extend(outcome.stats);
    }
    files.sort_by_key(|(k, _)| *k);
    let Some(mut stats) = (!each.is_empty()).then(|| super::total::sum(&each, None)) else {
        // Not one file's pipeline was built: the error says why.
        return Err(error.unwrap_or_else(|| anyhow::anyhow!("no lane wrote a file")));
    };
    stats.elapsed_s = elapsed_s;
    stats.threads = lanes.count;
    stats.peak_buffered_bytes = Counters::get(&totals.peak_buffered_bytes);
    stats.destination = plan.names.template.clone();
    stats.sink = SinkReport::Files(FilesStats {
        files: files.into_iter().flat_map(|(_, f)| f).collect(),
    });
    stats.seed = Some(config.source.seed);
    // Each lane's compressor holds buffers of its own beside its share of
    // the waiting bytes: said as the hwm raised, when that is more than
    // one writer would have held.
    if let (Some(compression), Some(plan)) = (stats.compression.as_mut(), config.compress) {
        let one_writer = plan
            .hwm_raised_to
            .unwrap_or(config.flow.hwm_bytes + plan.buffer_bytes);
        let held = stats.hwm_bytes + compression.compressor_buffer_bytes;
        if held > one_writer {
            compression.hwm_raised_to = Some(held);
        }
    }
    stats.measure(history.ramp.as_ref());
    stats.intervals = std::mem::take(&mut history.series);
    let report = Report {
        total: &stats,
        lanes: lanes.count,
    };
    run.report(
        &report,
        config.report.stats,
        || {
            crate::report::human(&stats, &history)
                + &format!(
                    "  lanes: {} files written at once, each by its own generator and writer\n",
                    lanes.count
                )
        },
        history.progress_shown,
    )?;
    if let Some(error) = error {
        // The failing file's own figures end the message; the run's come
        // first, with what the other lanes did.
        let listed = match &stats.sink {
            SinkReport::Files(series) => series.files.len(),
            _ => 0,
        };
        let files = if listed == 1 { "file" } else { "files" };
        return Err(error.context(format!(
            "the series stopped with {listed} {files} ({} bytes, {} records) written, the other lanes cut at whole records",
            stats.bytes, stats.records
        )));
    }
    Ok(Ending::of(stats.end))
}

/// What `--stats=json` holds for lanes: the one-writer run's keys, then
/// how many files were written at once.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    total: &'a Stats,
    lanes: u64,
}

/// What one lane did: one lane's stats (its files' summed, its time the
/// sum of theirs), its files by number, and the failure that stopped it.
#[derive(Default)]
struct Outcome {
    stats: Option<Stats>,
    files: Vec<(u64, Vec<crate::stats::FileBytes>)>,
    error: Option<anyhow::Error>,
}

/// Lane `lane`: files `lane`, `lane + W`, … one after another, until they
/// are done or the lanes are stopped (a signal, or a failure in any lane,
/// which stops the others so the error is the run's).
fn run_lane(
    config: &Config,
    plan: &SeriesPlan,
    lanes: &Lanes,
    lane: u64,
    shared: &Shared,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut each = Vec::new();
    let mut k = lane;
    while k < lanes.files && !shared.stop.load(Ordering::Relaxed) {
        let (pipeline, _) = match open_file(config, plan, lanes, k, &shared.stop) {
            Ok(opened) => opened,
            Err(err) => {
                shared.stop.store(true, Ordering::Relaxed);
                outcome.error = Some(err);
                break;
            }
        };
        if let Ok(mut parts) = shared.counters[lane as usize].lock() {
            parts.push(pipeline.counters());
        }
        let stats = match pipeline.run() {
            Ok(stats) => stats,
            Err(failed) => {
                shared.stop.store(true, Ordering::Relaxed);
                outcome.error = Some(failed.error);
                failed.stats
            }
        };
        if let SinkReport::Files(series) = &stats.sink {
            outcome.files.push((k, series.files.clone()));
        }
        let end = stats.end;
        each.push(stats);
        if end != End::Complete {
            break;
        }
        k += lanes.count;
    }
    if !each.is_empty() {
        outcome.stats = Some(fold(&each));
    }
    outcome
}

/// File `k`'s pipeline: the run's source at the file's first record, its
/// share of the run's buffer and compressor threads, a one-file series.
fn open_file(
    config: &Config,
    plan: &SeriesPlan,
    lanes: &Lanes,
    k: u64,
    stop: &Arc<AtomicBool>,
) -> Result<(crate::Pipeline, &'static str)> {
    let (a, b) = lanes.span(k);
    let share = lanes.count;
    let mut flow = config.flow;
    flow.threads = 1;
    flow.eager_threads = false;
    // The lanes together keep to the run's hwm, as one writer would.
    let hwm = (flow.hwm_bytes / share).max(flow.chunk_bytes as u64);
    flow.lwm_bytes =
        (u128::from(flow.lwm_bytes) * u128::from(hwm) / u128::from(flow.hwm_bytes.max(1))) as u64;
    flow.lwm_bytes = flow.lwm_bytes.min(hwm.saturating_sub(1));
    flow.hwm_bytes = hwm;
    // The lanes share the compressor's threads. zstd's multithreaded frames
    // are the same for any count of workers, but not the same as the one
    // thread's, so a lane keeps two or more if the run had them.
    let compress = config.compress.map(|mut compress| {
        if compress.workers > 1 {
            compress.workers = (compress.workers / share as usize).max(2);
            compress.buffer_bytes = compress.codec.buffer_bytes(compress.workers);
        }
        compress
    });
    let part = Part {
        flow,
        limits: Limits {
            records: Some(b - a),
            bytes: None,
            duration: None,
        },
        seek: Some(config.source.first + a),
    };
    let mut file_plan = plan.clone();
    file_plan.split = Split::Records(b - a);
    // Only the file holding the run's first record takes the header from
    // the stream; the others have it put in, as in the one-writer series.
    file_plan.stream_has_header = plan.stream_has_header && a == 0;
    let existing = config.existing;
    crate::build(config, part, None, Arc::clone(stop), move |stop| {
        let opener = series::opener(&file_plan, existing, stop, compress);
        Ok(Box::new(Series::new(file_plan, opener).numbered_from(k)) as Box<dyn crate::Sink>)
    })
}

/// One lane's files as one: counts summed, its time the sum of theirs
/// (they ran one after another), its buffer the largest any file held,
/// its compressor's threads and buffers those of one file's.
fn fold(each: &[Stats]) -> Stats {
    let mut lane = super::total::sum(each, None);
    lane.elapsed_s = each.iter().map(|s| s.elapsed_s).sum();
    lane.threads = each[0].threads;
    lane.hwm_bytes = each[0].hwm_bytes;
    lane.lwm_bytes = each[0].lwm_bytes;
    lane.peak_buffered_bytes = each
        .iter()
        .map(|s| s.peak_buffered_bytes)
        .max()
        .unwrap_or(0);
    lane.mean_buffered_bytes = each
        .iter()
        .map(|s| s.mean_buffered_bytes)
        .fold(0.0, f64::max);
    lane.generator_busy_s = vec![each.iter().flat_map(|s| &s.generator_busy_s).sum()];
    // One compressor after another: the same threads and buffers.
    lane.compression = each.iter().filter_map(|s| s.compression.as_ref()).fold(
        None,
        |sum: Option<crate::stats::CompressStats>, one| match sum {
            Some(mut sum) => {
                sum.add_after(one);
                Some(sum)
            }
            None => Some(one.clone()),
        },
    );
    lane
}

/// The lanes' counters summed into `totals` for the monitor; the peak
/// buffered is each lane's largest, added up (the lanes run at once, a
/// lane's files one after another).
fn sum(shared: &Shared, totals: &Counters, latencies: bool) {
    let mut parts = Vec::new();
    let mut peak = 0;
    for lane in &shared.counters {
        let Ok(lane) = lane.lock() else { continue };
        peak += lane
            .iter()
            .map(|part| Counters::get(&part.peak_buffered_bytes))
            .max()
            .unwrap_or(0);
        parts.extend(lane.iter().cloned());
    }
    super::sum(&parts, totals, latencies);
    totals.peak_buffered_bytes.store(peak, Ordering::Relaxed);
}
