//! Signal handling for the command line: SIGINT and SIGTERM stop the
//! generator and let the writer finish what was made; a second one exits at
//! once. SIGXFSZ is ignored so a file size limit (`ulimit -f`) surfaces as
//! a write error with a message, not a silent core dump.
//!
//! The library's [`Pipeline`](crate::pipeline::Pipeline) installs no
//! handlers of its own; it only watches the flag this module sets. The
//! waits before a pipeline runs (connecting, backing off between retries,
//! a FIFO waiting for its reader) watch it too, through [`sleep_unless`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

pub struct Signals {
    stop: Arc<AtomicBool>,
    which: Arc<AtomicUsize>,
}

impl Signals {
    pub fn install() -> Result<Signals> {
        let stop = Arc::new(AtomicBool::new(false));
        let which = Arc::new(AtomicUsize::new(0));
        for signal in [SIGINT, SIGTERM] {
            // Registered before the flag is set below, so the first signal
            // finds it unset and only the second one exits, with the
            // conventional 128 + signal number.
            flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&stop))
                .context("cannot install a signal handler")?;
            flag::register_usize(signal, Arc::clone(&which), signal as usize)
                .context("cannot install a signal handler")?;
            flag::register(signal, Arc::clone(&stop)).context("cannot install a signal handler")?;
        }
        // SAFETY: setting a disposition to SIG_IGN runs no code of ours.
        unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
        Ok(Signals { stop, which })
    }

    /// Set by the first SIGINT or SIGTERM.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// What a failure means once a signal has come: a wait that it cut
    /// short (connecting, a FIFO's reader) or an error while stopping is
    /// reported, and the exit code is the signal's, as for any stopped run.
    /// Without a signal, the error stands.
    pub fn interrupted(&self, err: anyhow::Error) -> Result<std::process::ExitCode> {
        if !self.stop.load(Ordering::Relaxed) {
            return Err(err);
        }
        crate::report::stderr_line(&format!("gush: {err:#}"));
        Ok(std::process::ExitCode::from(self.exit_code()))
    }

    /// 130 after SIGINT, 143 after SIGTERM: the shell's 128 + signal.
    pub fn exit_code(&self) -> u8 {
        match self.which.load(Ordering::Relaxed) {
            0 => 0,
            signal => 128 + signal as u8,
        }
    }
}
