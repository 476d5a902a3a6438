//! `--jobs N` and `--until-steady`: N independent writers, each a whole
//! [`Pipeline`] (its own source, generator, queue and counters) on its own
//! thread, watched by one monitor over their summed counters, and reported
//! as the total with one line per job.
//!
//! Each job's destination is its own file (`-o DIR/`, a path with `{j}`)
//! or its own region of one file or device, `--size` long and placed at
//! `--offset + j × --size` as fio's `offset_increment` places its clones.
//! The bytes at an offset are made for that offset (`source/scattered.rs`),
//! so one uniform pass by N jobs over one file equals the sequential file.
//!
//! Kept out of `lib.rs`, whose one-pipeline write stays as it was: a job
//! here is that same write, N times, with the sums taken on the side.
//! `--until-steady` runs here too (one job or many), because judging it
//! needs the same look at the totals once a second and a stop that is not
//! a signal's.

pub mod lanes;
mod total;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::{Config, Jobs, Split};
use crate::pipeline::Pipeline;
use crate::report::monitor::Monitor;
use crate::run::{Ending, Run};
use crate::sink::{Destination, DiskOptions, Existing};
use crate::stats::series::ramp_cut;
use crate::stats::steady::{self, Detector};
use crate::stats::{Counters, End, Ramp, RampBaseline, Stats};

/// How often the summed counters are brought up to date for the monitor
/// and the steady-state check: well inside the monitor's 100 ms tick, so
/// its samples lag the jobs by little.
const SUM_EVERY: Duration = Duration::from_millis(10);

/// The latency histograms are summed every this many sums: each is some
/// 33 thousand buckets a job, too many to read a hundred times a second.
const LATENCY_EVERY: u32 = 5;

/// One job, opened and ready to run.
struct Job {
    pipeline: Pipeline,
    counters: Arc<Counters>,
}

/// Runs the jobs, reports the total and each job, and says how it ended.
pub fn write(config: &Config, run: &Run) -> Result<Ending> {
    let count = config.jobs.as_ref().map_or(1, |jobs| jobs.count);
    // The jobs stop on this flag: a signal sets it (through the summing
    // loop), and so does a run that became steady, which is no signal.
    let stop = Arc::new(AtomicBool::new(false));
    if let (
        Some(Jobs {
            split: Split::Files(paths),
            ..
        }),
        Existing::Refuse,
    ) = (&config.jobs, config.existing)
        && let Some(taken) = paths.iter().find(|path| path.exists())
    {
        // Before job 0 makes its file: a refusal leaves nothing behind.
        anyhow::bail!(
            "refusing to overwrite {}: it exists; pass --force to replace every job's file",
            taken.display()
        );
    }
    let mut record_noun = "records";
    let mut jobs = Vec::with_capacity(count);
    for j in 0..count {
        let (job, noun) = open(config, j, &stop)?;
        record_noun = noun;
        jobs.push(job);
    }
    let totals = Arc::new(Counters::default());
    if let (1, Some(http)) = (count, jobs[0].counters.http.get()) {
        let _ = totals.http.set(Arc::clone(http));
    }
    let mut limits = config.limits;
    let times = count as u64;
    limits.bytes = limits.bytes.map(|b| b.saturating_mul(times));
    limits.records = limits.records.map(|r| r.saturating_mul(times));
    let (timeline, latency_log) = config.report.open_logs()?;
    let monitor = Monitor::start(
        Arc::clone(&totals),
        &config.report,
        limits,
        config.flow,
        record_noun,
        timeline,
        latency_log,
    )?;
    let parts: Vec<Arc<Counters>> = jobs.iter().map(|job| Arc::clone(&job.counters)).collect();
    let mut detector = config
        .steady
        .map(|(rule, window)| Detector::new(rule, window));
    // Dropped once the jobs are done, which wakes the summing loop at once.
    let (finished, done) = crossbeam_channel::bounded::<()>(0);
    let outcomes = std::thread::scope(|scope| {
        let threads = jobs
            .into_iter()
            .enumerate()
            .map(|(j, job)| {
                std::thread::Builder::new()
                    .name(format!("gush-job{j}"))
                    .spawn_scoped(scope, move || job.pipeline.run())
            })
            .collect::<std::io::Result<Vec<_>>>();
        let summing = scope.spawn(|| {
            let ramp = config.report.ramp;
            watch(&parts, &totals, run, &stop, ramp, detector.as_mut(), &done)
        });
        let outcomes = threads.map(|threads| {
            threads
                .into_iter()
                .map(|thread| thread.join().expect("a job's thread panicked"))
                .collect::<Vec<_>>()
        });
        drop(finished);
        let ramps = summing.join().expect("the summing thread panicked");
        (outcomes, ramps)
    });
    let (outcomes, mut ramps) = outcomes;
    // The total's ramp is the jobs' own cuts added up, not the monitor's
    // look at the summed counters a moment apart: each job's latencies
    // already leave its ramp out (below), so the total's, their merge, has
    // nothing more to leave out, and its writes match its latencies' N.
    let total_ramp = config.report.ramp.map(|asked| Ramp {
        asked_s: asked.as_secs_f64(),
        baseline: added_up(&ramps),
    });
    let outcomes = outcomes.context("cannot start a job's thread")?;
    sum(&parts, &totals, true);
    let mut history = monitor.finish()?;
    let steady = detector.as_ref().map(Detector::report);
    let became_steady = steady.as_ref().is_some_and(|s| s.attained);
    let mut error = None;
    let mut each: Vec<Stats> = Vec::with_capacity(count);
    for outcome in outcomes {
        let mut stats = match outcome {
            Ok(stats) => stats,
            Err(failed) => {
                error.get_or_insert(failed.error);
                failed.stats
            }
        };
        // Stopped because it was steady, not by a signal: done as asked.
        if became_steady && stats.end == End::Interrupted && !run.stopped() {
            stats.end = End::Complete;
        }
        stats.seed = Some(config.source.seed);
        // Each job's line leaves its own ramp out, as the total does.
        let ramp = config.report.ramp.map(|asked| Ramp {
            asked_s: asked.as_secs_f64(),
            baseline: ramps.get_mut(each.len()).and_then(Option::take),
        });
        stats.measure(ramp.as_ref());
        each.push(stats);
    }
    let mut stats = total::sum(&each, config.jobs.as_ref());
    stats.measure(total_ramp.as_ref());
    stats.intervals = std::mem::take(&mut history.series);
    // The rows start at the monitor's own look at the ramp's end, a few
    // milliseconds from the jobs' cut: the first row takes the writes in
    // between, so the rows still add up to the measured figures.
    let seen = history
        .ramp
        .as_ref()
        .and_then(|ramp| ramp.baseline.as_ref());
    if let (Some(seen), Some(first)) = (seen, stats.intervals.first_mut()) {
        first.start_at((seen.bytes, seen.ios), (stats.ramp_bytes, stats.ramp_ios));
    }
    let report = total::Report::new(&stats, &each, config.jobs.is_some(), steady);
    run.report(
        &report,
        config.report.stats,
        || crate::report::human(&stats, &history) + &report.human_lines(),
        history.progress_shown,
    )?;
    if let Some(error) = error {
        return Err(error);
    }
    Ok(Ending::of(stats.end))
}

/// Opens job `j`'s destination and source. Job 0 opens `-o` as asked
/// (creating or replacing it, and preallocating for every region); the
/// others write their regions of the same file in place.
fn open(config: &Config, j: usize, stop: &Arc<AtomicBool>) -> Result<(Job, &'static str)> {
    let split = config.jobs.as_ref().map(|jobs| &jobs.split);
    let mut disk: Option<DiskOptions> = config.disk.clone();
    let mut existing = config.existing;
    let path: &Path = match split {
        Some(Split::Files(paths)) => &paths[j],
        _ => &config.output,
    };
    if let (Some(Split::Regions), Some(options)) = (split, &mut disk) {
        if let Some(region) = &mut options.region {
            region.start += j as u64 * region.size;
            // Each job its own order over its own blocks.
            region.seed = region.seed.wrapping_add(j as u64);
        }
        if j > 0 {
            options.preallocate = None;
            existing = Existing::InPlace;
        }
    }
    if let Some(Split::Files(_)) = split
        && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
    {
        // As fio makes the directories its filename_format names.
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the directory {}", parent.display()))?;
    }
    let destination = match (&config.http, &config.network, &disk) {
        (Some(http), _, _) => Destination::Http(http),
        (None, Some(network), _) => Destination::Network(network),
        (None, None, Some(disk)) => Destination::Disk(path, disk),
        (None, None, None) => Destination::stream(path),
    };
    let (pipeline, record_noun) = crate::assemble(config, destination, existing, Arc::clone(stop))?;
    let counters = pipeline.counters();
    Ok((Job { pipeline, counters }, record_noun))
}

/// The summing loop: brings `totals` up to the jobs' sums, passes a
/// signal on to the jobs, takes each job's counts when the `--ramp` ends
/// (returned, one per job, empty if the run ended inside it), and samples
/// the steady-state rule once a second after the ramp, stopping the jobs
/// once it holds.
fn watch(
    parts: &[Arc<Counters>],
    totals: &Counters,
    run: &Run,
    stop: &AtomicBool,
    ramp: Option<Duration>,
    mut detector: Option<&mut Detector>,
    done: &crossbeam_channel::Receiver<()>,
) -> Vec<Option<RampBaseline>> {
    let started = Instant::now();
    // As fio's ss_ramp: the ramp is no part of a steady window.
    let mut next_sample = started + ramp.unwrap_or_default();
    let mut ramp_until = ramp.map(|ramp| started + ramp);
    let mut baselines = Vec::new();
    let mut sums = 0u32;
    while let Err(crossbeam_channel::RecvTimeoutError::Timeout) = done.recv_timeout(SUM_EVERY) {
        if run.stopped() {
            stop.store(true, Ordering::Relaxed);
        }
        sums = sums.wrapping_add(1);
        // Until the ramp ends, the totals' latencies are kept as fresh as
        // their counts: the monitor's ramp cut counts the ramp's writes
        // from the latencies (`ramp_cut`), and a mirror 50 ms old would
        // move that cut back by as much.
        let latencies = ramp_until.is_some() || sums.is_multiple_of(LATENCY_EVERY);
        sum(parts, totals, latencies);
        if ramp_until.is_some_and(|until| Instant::now() >= until) {
            ramp_until = None;
            let t_s = started.elapsed().as_secs_f64();
            baselines = parts.iter().map(|part| Some(baseline(part, t_s))).collect();
        }
        if let Some(detector) = detector.as_deref_mut()
            && Instant::now() >= next_sample
        {
            // A second from this look, not from the schedule: a look made
            // late on a loaded machine would otherwise be followed by one
            // 10 ms later, rating a handful of writes far off the mean.
            next_sample = Instant::now() + steady::SAMPLE_EVERY;
            let t_s = started.elapsed().as_secs_f64();
            let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
            if detector.sample(t_s, get(&totals.ios), get(&totals.bytes)) {
                stop.store(true, Ordering::Relaxed);
            }
        }
    }
    baselines
}

/// The jobs' ramp cuts as one, with no latencies to leave out (see
/// `total_ramp`); `None` if the run ended inside its ramp.
fn added_up(baselines: &[Option<RampBaseline>]) -> Option<RampBaseline> {
    let each: Option<Vec<&RampBaseline>> = baselines.iter().map(Option::as_ref).collect();
    let each = each.filter(|each| !each.is_empty())?;
    Some(RampBaseline {
        t_s: each[0].t_s,
        bytes: each.iter().map(|b| b.bytes).sum(),
        ios: each.iter().map(|b| b.ios).sum(),
        write: None,
        sync: None,
    })
}

/// One job's counts at the end of the ramp.
fn baseline(part: &Counters, t_s: f64) -> RampBaseline {
    let ios = part.ios.load(Ordering::Relaxed);
    let write = part.latency.write.snapshot();
    RampBaseline {
        t_s,
        bytes: part.bytes.load(Ordering::Relaxed),
        ios: ramp_cut(ios, write.as_ref()),
        write,
        sync: part.latency.sync.snapshot(),
    }
}

/// Stores the jobs' sums into `totals`, which only this writes; their
/// latencies too when `latencies`.
fn sum(parts: &[Arc<Counters>], totals: &Counters, latencies: bool) {
    let add = |field: fn(&Counters) -> &AtomicU64| {
        let sum: u64 = parts
            .iter()
            .map(|part| field(part).load(Ordering::Relaxed))
            .sum();
        field(totals).store(sum, Ordering::Relaxed);
    };
    add(|c| &c.bytes);
    add(|c| &c.records);
    add(|c| &c.chunks);
    add(|c| &c.ios);
    add(|c| &c.buffered_bytes);
    add(|c| &c.peak_buffered_bytes);
    add(|c| &c.pauses);
    add(|c| &c.drains);
    let paused = parts.iter().any(|p| p.paused.load(Ordering::Relaxed));
    totals.paused.store(paused, Ordering::Relaxed);
    if !latencies {
        return;
    }
    let writes: Vec<_> = parts.iter().map(|p| &p.latency.write).collect();
    totals.latency.write.mirror_sum(&writes);
    let syncs: Vec<_> = parts.iter().map(|p| &p.latency.sync).collect();
    totals.latency.sync.mirror_sum(&syncs);
}
