//! What a failure or a signal leaves on the disk with 16 writes in
//! flight: whole chunks only (every line whole), a report whose bytes are
//! the file's size, the exit code and the one-line message; and a
//! preallocated file cut back to what was written, finished or not.

use std::process::{Output, Stdio};
use std::time::Duration;

use super::{Mount, TestDir, size_of, stats_file};
use crate::common::signal_and_wait;
use crate::common::{
    expected_lines, gush, gush_std, line_count, num, output_bounded, read, send_signal, text,
    wait_for_size, wait_until,
};

/// Checks that `out` holds only whole default lines, `Line 0` on, and
/// that the report in `stats` counts exactly them.
fn whole_lines_as_reported(out: &std::path::Path, stats: &serde_json::Value) {
    let data = read(out);
    assert_eq!(num(stats, "bytes"), data.len() as u64, "{stats}");
    assert!(data.ends_with(b"\n"), "the file ends mid-line");
    assert!(
        data == expected_lines(0, line_count(&data)),
        "a line is torn"
    );
    assert_eq!(num(stats, "records"), line_count(&data), "{stats}");
}

/// `gush lines` at depth 16 into `out`, with a file size limit of
/// `limit` bytes (gush ignores SIGXFSZ, so a write past it is EFBIG).
fn lines_past_a_size_limit(dir: &TestDir, limit: u64, direct: bool) -> Output {
    let mut cmd = gush_std(["lines", "--queue-depth", "16", "--stats-file"]);
    cmd.arg(dir.path("stats.json"))
        .arg("-o")
        .arg(dir.path("out"))
        .stderr(Stdio::piped());
    if direct {
        cmd.arg("--direct");
    }
    crate::common::limit_file_size(&mut cmd, limit);
    output_bounded(cmd.spawn().expect("spawn gush"))
}

#[test]
fn a_write_failing_mid_queue_leaves_whole_chunks_as_reported() {
    for direct in [false, true] {
        let dir = TestDir::new();
        // Aligned for O_DIRECT, mid-chunk: a write straddling an
        // unaligned limit is cut to an unaligned length, which O_DIRECT
        // answers with EINVAL instead of EFBIG, so the hint is not given.
        let limit = 732 * 4096;
        let out = lines_past_a_size_limit(&dir, limit, direct);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("ulimit -f"), "{stderr}");
        let stats = stats_file(&dir.path("stats.json"));
        assert_eq!(text(&stats, "end"), "error", "{stats}");
        whole_lines_as_reported(&dir.path("out"), &stats);
        assert!(size_of(&dir.path("out")) <= limit);
    }
}

#[test]
fn a_full_filesystem_mid_queue_leaves_whole_chunks_as_reported() {
    let mount = Mount::new("tmpfs", "size=1m");
    // The report goes to the real disk: the full one would refuse it.
    let dir = TestDir::new();
    for direct in [&[][..], &["--direct"]] {
        let out = mount.dir.path("out");
        let _ = std::fs::remove_file(&out);
        let run = gush(["lines", "--queue-depth", "16", "--force"])
            .args(direct)
            .arg("--stats-file")
            .arg(dir.path("stats.json"))
            .arg("-o")
            .arg(&out)
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(stderr.contains("free some space"), "{stderr}");
        whole_lines_as_reported(&out, &stats_file(&dir.path("stats.json")));
    }
}

/// `gush bytes --direct` at depth 16, slowed so it is still running, hit
/// by SIGINT once a chunk is on disk; returns the exit and the report.
fn interrupt_deep_direct(sync: &str) -> (Output, Duration, serde_json::Value, u64) {
    let dir = TestDir::new();
    let out = dir.path("out");
    let mut cmd = gush_std([
        "bytes",
        "--direct",
        "--queue-depth",
        "16",
        "--sink-delay",
        "2ms",
        "-t",
        "30s",
        "--stats",
        "--sync",
        sync,
        "--stats-file",
    ]);
    cmd.arg(dir.path("stats.json"))
        .arg("-o")
        .arg(&out)
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn gush");
    // A chunk or more on disk, so the cut has whole chunks to keep.
    wait_for_size(&out, 1, &mut child);
    let (output, took) = signal_and_wait(child, libc::SIGINT);
    let stats = stats_file(&dir.path("stats.json"));
    (output, took, stats, size_of(&out))
}

#[test]
fn ctrl_c_with_a_deep_direct_queue_stops_on_a_whole_chunk() {
    for sync in ["none", "end"] {
        let (output, took, stats, size) = interrupt_deep_direct(sync);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(130), "{stderr}");
        assert!(took < Duration::from_secs(2), "took {took:?} to stop");
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert_eq!(text(&stats, "end"), "interrupted", "{stats}");
        assert_eq!(num(&stats, "bytes"), size, "{stats}");
        assert!(size > 0 && size % num(&stats, "chunk_bytes") == 0, "{size}");
        let syncs = u64::from(sync == "end");
        assert_eq!(num(&stats, "syncs"), syncs, "--sync {sync}: {stats}");
    }
}

#[test]
fn preallocation_is_cut_back_to_the_lines_written() {
    let dir = TestDir::new();
    let out = dir.path("out");
    gush([
        "lines",
        "-n",
        "100000",
        "--preallocate",
        "-s",
        "64MiB",
        "-o",
    ])
    .arg(&out)
    .assert()
    .success();
    assert_eq!(read(&out), expected_lines(0, 100_000));
}

#[test]
fn an_interrupted_preallocated_run_is_cut_back() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let mut cmd = gush_std([
        "lines",
        "--preallocate",
        "-s",
        "64MiB",
        "--sink-delay",
        "2ms",
    ]);
    cmd.args(["--queue-depth", "4", "--stats-file"])
        .arg(dir.path("stats.json"))
        .arg("-o")
        .arg(&out);
    let mut child = cmd.stderr(Stdio::piped()).spawn().expect("spawn gush");
    // The first chunk written over the preallocated zeros (the size says
    // nothing: it is the whole 64 MiB from the start).
    wait_until("writing its first chunk", &mut child, |_| {
        let mut head = [0; 7];
        std::fs::File::open(&out)
            .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut head))
            .is_ok_and(|()| &head == b"Line 0\n")
    });
    send_signal(&child, libc::SIGINT);
    assert_eq!(output_bounded(child).status.code(), Some(130));
    let stats = stats_file(&dir.path("stats.json"));
    assert!(size_of(&out) < 64 << 20, "not cut back: {stats}");
    whole_lines_as_reported(&out, &stats);
}
