//! A read-back check as a run of its own: after a write (`--verify`) or
//! instead of one (`--verify-only`), with the live progress a write shows,
//! its report, and the ending that says whether the file is what was
//! written (3 if not). The reading and comparing are in `verify/`; this is
//! how a run (`run.rs`) uses them, beside `lib.rs`'s write.

use std::sync::Arc;

use anyhow::Result;

use crate::config::Config;
use crate::pipeline::Limits;
use crate::report::monitor::{History, Monitor};
use crate::report::{self, StatsFormat};
use crate::run::{Ending, Run};
use crate::source;
use crate::stats::{Counters, End, Stats};
use crate::verify::{self, VerifyStats};

/// `--verify`: checks what the write wrote, if it ended complete (an
/// interrupted or failed write is not checked: a note says so).
pub fn after_write(
    config: &Config,
    stats: &mut Stats,
    history: &mut History,
    run: &Run,
) -> Result<()> {
    if stats.end != End::Complete {
        if !config.report.quiet {
            report::stderr_line(&format!(
                "gush: verify: skipped: the write ended {}, and the file was not checked",
                stats.end.as_str()
            ));
        }
        return Ok(());
    }
    // Only what the write wrote: its bytes, whatever limit ended it.
    let limits = Limits {
        bytes: Some(stats.bytes),
        ..Limits::default()
    };
    let (verified, shown) = check(config, limits, run)?;
    history.progress_shown |= shown;
    stats.verify = Some(verified);
    Ok(())
}

/// Interrupted for a run (or its verify) stopped by a signal; `Differs`
/// for a file that is not what was written, after its one line says where.
pub fn ending(config: &Config, stats: &Stats) -> Ending {
    let verified = stats.verify.as_ref();
    if stats.end == End::Interrupted || verified.is_some_and(|v| v.verify_end == End::Interrupted) {
        return Ending::Interrupted;
    }
    if let Some(line) =
        verified.and_then(|v| report::verify::failure_line(v, &config.output.display().to_string()))
    {
        report::stderr_line(&line);
        return Ending::Differs;
    }
    Ending::Done
}

/// `--verify-only`: the check alone, reported as a run that wrote nothing.
pub fn only(config: &Config, run: &Run) -> Result<Ending> {
    let limits = Limits {
        duration: None,
        ..config.limits
    };
    let (verified, shown) = check(config, limits, run)?;
    let mut stats =
        Stats::nothing_written(config.output.display().to_string(), verified.record_noun);
    stats.seed = Some(config.source.seed);
    stats.verify = Some(verified);
    let human = || report::verify::human(stats.verify.as_ref().expect("verified"));
    // A check is its own report: shown unless -q, as a write's summary is
    // with --stats.
    let format = config
        .report
        .stats
        .or((!config.report.quiet).then_some(StatsFormat::Human));
    run.report(&stats, format, human, shown && !config.report.quiet)?;
    Ok(ending(config, &stats))
}

/// Reads the destination back and compares it, with live progress as a
/// write shows it; also says whether the progress display appeared.
fn check(config: &Config, limits: Limits, run: &Run) -> Result<(VerifyStats, bool)> {
    // The configuration allows a verify only on a disk or an S3 object.
    let (direct, queue_depth) = match (&config.disk, &config.s3) {
        (Some(disk), _) => (disk.direct, disk.queue_depth),
        (None, Some(s3)) => (false, s3.queue_depth),
        (None, None) => (false, 1),
    };
    let counters = Arc::new(Counters::default());
    let report = report::Report {
        interval: None,
        timeline: None,
        latency_log: None,
        ramp: None,
        series: None,
        ..config.report.clone()
    };
    let record_noun = match &config.source.spec {
        source::SourceSpec::Lines { .. } => "lines",
        _ => "records",
    };
    let monitor = Monitor::start(
        Arc::clone(&counters),
        &report,
        limits,
        config.flow,
        record_noun,
        None,
        None,
    )?;
    let checked = verify::run(
        &verify::Check {
            path: &config.output,
            source: &config.source,
            limits,
            chunk_bytes: config.flow.chunk_bytes,
            hwm_bytes: config.flow.hwm_bytes,
            direct,
            queue_depth,
            object: config.s3.as_ref(),
            compressed: config.compress.map(|plan| plan.codec),
        },
        &run.stop_flag(),
        &counters,
    );
    let history = monitor.finish()?;
    Ok((checked?, history.progress_shown))
}
