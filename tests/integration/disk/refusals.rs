//! What the disk flags refuse before anything is written, as usage errors
//! (exit 2) that name the flag and the reason; and a filesystem that
//! refuses O_DIRECT, a runtime failure that says so and leaves no empty
//! file behind.

use super::{Mount, TestDir};
use crate::common::gush;

/// Runs `gush lines -n 10` with `args`; asserts exit `code` and that
/// stderr names each of `words`; returns stderr.
fn refused(args: &[&str], code: i32, words: &[&str]) -> String {
    let run = gush(["lines", "-n", "10"]).args(args).assert().code(code);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    for word in words {
        assert!(stderr.contains(word), "{args:?}: no `{word}` in {stderr}");
    }
    stderr
}

#[test]
fn disk_flags_are_refused_for_streams() {
    refused(&["--direct"], 2, &["--direct", "stdout"]);
    refused(
        &["--direct", "-o", "/dev/null"],
        2,
        &["--direct", "not a regular file"],
    );
    let dir = TestDir::new();
    let fifo = dir.path("fifo");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads the NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    let fifo = fifo.to_str().unwrap();
    refused(
        &["--queue-depth", "2", "-o", fifo],
        2,
        &["--queue-depth", "not a regular file"],
    );
}

#[test]
fn disk_flags_that_contradict_are_refused() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let out = out.to_str().unwrap();
    refused(
        &["--engine", "sync", "--queue-depth", "4", "-o", out],
        2,
        &["--engine sync", "--queue-depth 4"],
    );
    refused(
        &["--preallocate", "-o", out],
        2,
        &["--preallocate", "--size"],
    );
    refused(
        &["--direct", "--chunk", "1000", "-o", out],
        2,
        &["--chunk 1000", "alignment"],
    );
    refused(
        &["--queue-depth", "0", "-o", out],
        2,
        &["--queue-depth 0", "out of range"],
    );
    assert!(
        !dir.path("out").exists(),
        "a refused run created its output"
    );
}

/// A disk and HTTP batches take `--queue-depth` from one range, with one
/// message (a disk once allowed 4096 and HTTP 1024).
#[test]
fn queue_depth_has_one_range_for_every_destination() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let out = out.to_str().unwrap();
    for dest in [out, "http://127.0.0.1:9/ingest"] {
        let stderr = refused(&["--queue-depth", "1025", "-o", dest], 2, &[]);
        assert!(
            stderr.contains("--queue-depth 1025 is out of range: use 1 to 1024"),
            "-o {dest}: {stderr}"
        );
    }
    assert!(
        !dir.path("out").exists(),
        "a refused run created its output"
    );
}

#[test]
fn a_filesystem_refusing_direct_io_is_told_and_leaves_no_file() {
    // tmpfs takes O_DIRECT on this kernel; ramfs refuses it at open.
    let mount = Mount::new("ramfs", "mode=0700");
    let out = mount.dir.path("out");
    let stderr = refused(
        &["--direct", "-o", out.to_str().unwrap()],
        1,
        &["refuses direct I/O", "drop --direct"],
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!out.exists(), "an empty file was left behind");
}
