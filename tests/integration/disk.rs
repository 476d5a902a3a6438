//! Files and block devices as a user of the disk flags sees them: the
//! real binary writing real files on the disk the tests run from (under
//! `target/`, never tmpfs, which measures nothing and behaves otherwise
//! for O_DIRECT). Split by idea: the sync policy and latency figures, the
//! bytes O_DIRECT leaves, deep queues and their engines, what a failure or
//! a signal leaves behind, and what is refused before anything is written.
//!
//! Tests that need root (mounting a full or a direct-refusing filesystem,
//! a loop device) say so on stderr and pass when they cannot run: the
//! behaviour is still covered wherever the suite runs as root.

#[path = "../support/seccomp.rs"]
mod seccomp;

mod direct;
mod faults;
mod jobs;
mod preallocate;
mod queue;
mod refusals;
mod region;
mod sync;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

pub use crate::common::TestDir;
use crate::common::{final_stats, gush};

/// Runs gush writing to `out` with `args` and `--stats=json`, expecting
/// success; returns the summary.
pub fn write_json(args: &[&str], out: &Path) -> Value {
    let run = gush(args)
        .arg("--stats=json")
        .arg("-o")
        .arg(out)
        .assert()
        .success();
    final_stats(&String::from_utf8_lossy(&run.get_output().stderr))
}

/// Writes `args` to a fresh file and returns its bytes.
pub fn bytes_of(args: &[&str], out: &Path) -> Vec<u8> {
    gush(args)
        .arg("-o")
        .arg(out)
        .arg("--force")
        .assert()
        .success();
    crate::common::read(out)
}

/// The file's size.
pub fn size_of(path: &Path) -> u64 {
    std::fs::metadata(path)
        .unwrap_or_else(|err| panic!("stat {}: {err}", path.display()))
        .len()
}

/// How many 4 KiB blocks of `data` hold what `reference` has there; every
/// other block must be a hole (all zeros), never anything else: what a run
/// stopped mid-pass leaves of a region.
pub fn blocks_written_else_holes(data: &[u8], reference: &[u8]) -> u64 {
    let written = data
        .chunks(4096)
        .zip(reference.chunks(4096))
        .filter(|(block, expected)| block == expected)
        .count() as u64;
    let holes = data
        .chunks(4096)
        .filter(|b| b.iter().all(|&x| x == 0))
        .count() as u64;
    assert_eq!(
        written + holes,
        data.len() as u64 / 4096,
        "a block neither written nor a hole"
    );
    written
}

/// Reads the JSON a run left in `--stats-file`.
pub fn stats_file(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("read {}: {err}", path.display()));
    serde_json::from_str(text.trim()).unwrap_or_else(|err| panic!("{err}: {text}"))
}

/// Whether the tests run as root, which mounting and loop devices need.
pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail and touches no memory.
    unsafe { libc::geteuid() == 0 }
}

/// A filesystem mounted on a fresh directory, unmounted on drop.
pub struct Mount {
    pub dir: TestDir,
}

impl Mount {
    /// `mount -t fstype -o options` on a fresh directory. The tests that
    /// need one run as root (CI does): without root, or where the mount
    /// fails, they fail saying so rather than pass untried.
    pub fn new(fstype: &str, options: &str) -> Mount {
        assert!(
            is_root(),
            "mounting {fstype} needs root: run the tests as root (CI does), or skip this one"
        );
        let dir = TestDir::new();
        let mounted = Command::new("mount")
            .args(["-t", fstype, "-o", options, fstype])
            .arg(dir.root())
            .status()
            .is_ok_and(|status| status.success());
        assert!(mounted, "mount -t {fstype} -o {options} failed here");
        Mount { dir }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.root()).status();
    }
}
