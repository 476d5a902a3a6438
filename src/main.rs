//! The `gush` binary: parse the command line, run it, turn the outcome
//! into an exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gush::cli::Cli::parse();
    match gush::run(cli) {
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
