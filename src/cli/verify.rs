//! The command line of gush for checking what was written: `--verify`
//! reads the destination back after writing it, `--verify-only` checks an
//! existing file without writing. `config.rs` weighs them against the
//! source and the destination; `verify/` does the reading.
//!
//! A part of `cli.rs` kept in its own file because it is one idea, as the
//! disk and network flags are.

use clap::Args;

/// Flags that read a file or block device back and compare it with what
/// the same arguments generate.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// After writing a file or block device (and its --sync), read it back
    /// from the device (O_DIRECT with --direct, else after dropping its
    /// cached pages) and compare it with what the same arguments generate.
    /// A difference exits 3.
    #[arg(long, conflicts_with = "verify_only", help_heading = "Verify")]
    pub verify: bool,

    /// Write nothing: check that the existing -o FILE holds what these
    /// arguments (with the write's --seed) would write. Needs --size or
    /// --count, as the write did. A difference exits 3.
    #[arg(long, help_heading = "Verify")]
    pub verify_only: bool,
}
