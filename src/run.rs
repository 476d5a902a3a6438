//! The shape every run has, set up once: a write (`lib.rs`'s `send`), a
//! read-back check (`readback.rs`), `gush verify FILE` (`verify/stamped.rs`)
//! and `gush catch` each hand [`drive`] their work, and it
//!
//! 1. installs the signal handlers and creates `--stats-file`, before
//!    anything is opened, so a bad path fails the run before a byte is
//!    written or an old output replaced;
//! 2. runs the work, which opens its destination, starts its monitor
//!    (`report::monitor`), runs, and reports through [`Run::report`];
//! 3. maps the [`Ending`] the work returns to the exit code, and an error
//!    after a signal (a wait it cut short, a failure while stopping) to
//!    the signal's exit, reported, as for any stopped run.
//!
//! Keeping this in one place is what keeps the exit codes the README
//! promises (0, 1, 3, 130/143) the same for every command.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use serde::Serialize;

use crate::report::{self, StatsFile, StatsFormat};
use crate::signals::Signals;
use crate::stats::End;

/// How a run ended, as its exit code tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Done as asked, or the reader went away (`| head`): 0.
    Done,
    /// A runtime failure, already reported: 1.
    Failed,
    /// The data is not what was written: 3.
    Differs,
    /// Stopped by SIGINT or SIGTERM: 130 or 143.
    Interrupted,
}

impl Ending {
    /// The ending of a run that moved data, by how its flow ended.
    pub fn of(end: End) -> Ending {
        match end {
            End::Complete | End::Closed => Ending::Done,
            End::Interrupted => Ending::Interrupted,
            End::Error => Ending::Failed,
        }
    }
}

/// What a running piece of work sees of its run: the stop flag the
/// signals set, and where its report goes.
pub struct Run {
    signals: Signals,
    stats_file: Option<StatsFile>,
}

/// Runs `work` in the shape above, with its `--stats-file` at
/// `stats_file`.
pub fn drive(
    stats_file: Option<&Path>,
    work: impl FnOnce(&Run) -> Result<Ending>,
) -> Result<ExitCode> {
    let signals = Signals::install()?;
    let stats_file = stats_file.map(StatsFile::create).transpose()?;
    let run = Run {
        signals,
        stats_file,
    };
    match work(&run) {
        Ok(ending) => Ok(run.exit_code(ending)),
        Err(err) => run.signals.interrupted(err),
    }
}

impl Run {
    /// Set by the first SIGINT or SIGTERM; every stage of the run watches it.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.signals.stop_flag()
    }

    pub fn stopped(&self) -> bool {
        self.signals.stop_flag().load(Ordering::Relaxed)
    }

    /// Prints the run's summary on stderr as `format` asks (the human one
    /// also when `human_anyway`: a run that showed live progress gets it
    /// in the display's place) and writes its JSON to `--stats-file`.
    pub fn report<T: Serialize>(
        &self,
        stats: &T,
        format: Option<StatsFormat>,
        human: impl FnOnce() -> String,
        human_anyway: bool,
    ) -> Result<()> {
        report::emit(stats, format, self.stats_file.as_ref(), human, human_anyway)
    }

    fn exit_code(&self, ending: Ending) -> ExitCode {
        match ending {
            Ending::Done => ExitCode::SUCCESS,
            Ending::Failed => ExitCode::FAILURE,
            Ending::Differs => ExitCode::from(3),
            Ending::Interrupted => ExitCode::from(self.signals.exit_code()),
        }
    }
}
