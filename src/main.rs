//! The `gush` binary: parse the command line, check it, run it, turn the
//! outcome into an exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use gush::cli::Cli;
use gush::config::Job;

fn main() -> ExitCode {
    let job = match Job::from_cli(Cli::parse()) {
        Ok(job) => job,
        Err(usage) => usage.exit(),
    };
    match gush::run(job) {
        Ok(code) => code,
        Err(err) => match err.downcast::<clap::Error>() {
            Ok(usage) => usage.exit(),
            Err(err) => {
                gush::report::stderr_line(&format!("gush: {err:#}"));
                ExitCode::FAILURE
            }
        },
    }
}
