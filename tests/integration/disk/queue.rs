//! Deep queues: 16 writes in flight leave the bytes one at a time leaves,
//! under each engine, and the report names the engine that ran. Where
//! io_uring is refused (a real seccomp filter on the child), the default
//! falls back to pwrite threads, and a forced `--engine uring` fails in
//! one line that says what to do.

use std::os::unix::process::CommandExt;

use super::seccomp::refuse_io_uring;
use super::{TestDir, bytes_of, write_json};
use crate::common::{final_stats, gush_std, num, output_bounded, read, text};

/// Records end anywhere in a chunk (re-blocked under --direct), and the
/// sizes are no multiple of the chunk.
const SOURCES: [&[&str]; 2] = [
    &["bytes", "--fill", "random", "--seed", "5", "-s", "3000001"],
    &["lines", "-n", "200000"],
];

#[test]
fn depth_16_writes_what_depth_1_writes_under_each_engine() {
    let dir = TestDir::new();
    for source in SOURCES {
        let reference = bytes_of(source, &dir.path("depth1"));
        for engine in ["uring", "threads"] {
            for direct in [false, true] {
                let mut args = source.to_vec();
                args.extend([
                    "--engine",
                    engine,
                    "--queue-depth",
                    "16",
                    "--chunk",
                    "16KiB",
                ]);
                if direct {
                    args.push("--direct");
                }
                let out = dir.path("depth16");
                let _ = std::fs::remove_file(&out);
                let stats = write_json(&args, &out);
                assert_eq!(text(&stats, "engine"), engine, "{stats}");
                assert_eq!(num(&stats, "queue_depth"), 16, "{stats}");
                assert_eq!(stats["direct"], direct, "{stats}");
                assert_eq!(num(&stats, "bytes"), reference.len() as u64, "{stats}");
                assert!(read(&out) == reference, "{args:?} differs from depth 1");
            }
        }
    }
}

/// gush at depth 16 with io_uring refused to it, as Docker's seccomp
/// profile refuses it.
fn without_io_uring(args: &[&str], dir: &TestDir) -> std::process::Output {
    let mut cmd = gush_std(args);
    cmd.args(["--queue-depth", "16", "--stats=json", "-o"])
        .arg(dir.path("out"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    // SAFETY: refuse_io_uring allocates nothing and only calls prctl,
    // which is safe between fork and exec.
    unsafe { cmd.pre_exec(refuse_io_uring) };
    output_bounded(cmd.spawn().expect("spawn gush"))
}

#[test]
fn refused_io_uring_falls_back_to_threads() {
    let dir = TestDir::new();
    let source = ["lines", "-n", "100000"];
    let reference = bytes_of(&source, &dir.path("reference"));
    for direct in [&[][..], &["--direct"]] {
        let args = [&source[..], direct].concat();
        let _ = std::fs::remove_file(dir.path("out"));
        let out = without_io_uring(&args, &dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let stats = final_stats(&stderr);
        assert_eq!(text(&stats, "engine"), "threads", "{stats}");
        assert_eq!(num(&stats, "queue_depth"), 16, "{stats}");
        assert!(
            read(&dir.path("out")) == reference,
            "{args:?}: bytes differ"
        );
    }
}

#[test]
fn forced_uring_where_it_is_refused_fails_saying_what_to_do() {
    let dir = TestDir::new();
    let out = without_io_uring(&["lines", "-n", "1000", "--engine", "uring"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("gush: "), "{stderr}");
    assert!(stderr.contains("uring"), "names the engine: {stderr}");
    assert!(
        stderr.contains("--engine threads"),
        "says what to do: {stderr}"
    );
}
