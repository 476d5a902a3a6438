//! Backpressure: a slow destination (`--sink-delay`) makes the generator
//! pause at the high-water mark and drain at the low-water mark, the report
//! names the destination as the bottleneck, and the buffered bytes never
//! pass `--hwm`.

use std::time::Duration;

use crate::common::{TestDir, expected_lines_within, gush, num, read, stats_from, text};

#[test]
fn slow_destination_pauses_the_generator() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let run = gush([
        "lines",
        "-s",
        "4MiB",
        "--sink-delay",
        "5ms",
        "--stats=json",
        "-o",
    ])
    .arg(&out)
    .assert()
    .success();
    let stats = stats_from(&run.get_output().stderr);
    let (pauses, drains) = (num(&stats, "pauses"), num(&stats, "drains"));
    assert!(pauses > 0, "no pauses against a 5 ms/chunk writer: {stats}");
    assert!(
        drains == pauses || drains + 1 == pauses,
        "drains {drains} vs pauses {pauses}: {stats}"
    );
    assert_eq!(text(&stats, "bottleneck"), "destination", "{stats}");
    assert!(
        num(&stats, "peak_buffered_bytes") <= num(&stats, "hwm_bytes"),
        "peak buffered over hwm: {stats}"
    );
    assert_eq!(read(&out), expected_lines_within(4 * 1024 * 1024));
}

#[test]
fn zero_low_water_mark_waits_for_empty_and_completes() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let run = gush([
        "lines",
        "-s",
        "256KiB",
        "--chunk",
        "4KiB",
        "--hwm",
        "16KiB",
        "--lwm",
        "0",
        "--sink-delay",
        "2ms",
        "--stats=json",
        "-o",
    ])
    .arg(&out)
    .assert()
    .success();
    let stats = stats_from(&run.get_output().stderr);
    assert_eq!(num(&stats, "lwm_bytes"), 0);
    assert_eq!(text(&stats, "end"), "complete");
    let (pauses, drains) = (num(&stats, "pauses"), num(&stats, "drains"));
    assert!(pauses > 0, "no pauses against a 2 ms/chunk writer: {stats}");
    assert_eq!(drains, pauses, "{stats}");
    assert!(num(&stats, "peak_buffered_bytes") <= 16 * 1024, "{stats}");
    assert_eq!(read(&out), expected_lines_within(256 * 1024));
}

#[test]
fn small_high_water_mark_bounds_the_buffer() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let run = gush([
        "lines",
        "-s",
        "1MiB",
        "--hwm",
        "16KiB",
        "--chunk",
        "4KiB",
        "--sink-delay",
        "1ms",
        "--stats=json",
        "-o",
    ])
    .arg(&out)
    .assert()
    .success();
    let stats = stats_from(&run.get_output().stderr);
    assert_eq!(num(&stats, "hwm_bytes"), 16 * 1024);
    assert_eq!(num(&stats, "chunk_bytes"), 4 * 1024);
    let peak = num(&stats, "peak_buffered_bytes");
    assert!(
        peak > 0 && peak <= 16 * 1024,
        "peak {peak} over --hwm 16KiB: {stats}"
    );
    assert!(num(&stats, "pauses") > 0, "{stats}");
    assert_eq!(read(&out), expected_lines_within(1024 * 1024));
}

#[test]
fn chunk_that_is_not_a_page_multiple_still_flows() {
    // --chunk 5000 --hwm 6000 passes the hwm >= chunk check, so it must run
    // to the end and keep the buffer under 6000 bytes.
    let run = gush([
        "bytes",
        "-s",
        "100000",
        "--chunk",
        "5000",
        "--hwm",
        "6000",
        "-o",
        "/dev/null",
        "--stats=json",
    ])
    .timeout(Duration::from_secs(5))
    .assert();
    let output = run.get_output();
    assert_eq!(
        output.status.code(),
        Some(0),
        "did not finish within 5 s (killed: {:?}); stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stats = stats_from(&output.stderr);
    assert_eq!(num(&stats, "bytes"), 100_000);
    assert!(num(&stats, "peak_buffered_bytes") <= 6000, "{stats}");
}

/// Tiny chunks fill the channel's slots before the byte gate: that wait is
/// a pause too, or the report would blame the generator for a slow sink.
#[test]
fn a_full_channel_of_tiny_chunks_counts_as_a_pause() {
    let run = gush([
        "lines",
        "--rate",
        "1k/s",
        "--burst",
        "10",
        "-t",
        "1s",
        "--sink-delay",
        "50ms",
        "-o",
        "/dev/null",
        "--stats=json",
    ])
    .assert()
    .success();
    let stats = stats_from(&run.get_output().stderr);
    assert!(num(&stats, "pauses") > 0, "{stats}");
    assert_eq!(text(&stats, "bottleneck"), "destination", "{stats}");
}

/// A one-byte chunk under a huge hwm must neither allocate a slot per byte
/// of the hwm up front nor a page per chunk.
#[test]
fn tiny_chunks_under_a_huge_hwm_stay_small() {
    let run = gush([
        "bytes",
        "--chunk",
        "1",
        "--hwm",
        "16GiB",
        "-s",
        "100000",
        "--stats=json",
    ])
    .assert()
    .success();
    assert_eq!(run.get_output().stdout.len(), 100_000);
    let stats = stats_from(&run.get_output().stderr);
    assert_eq!(num(&stats, "bytes"), 100_000);
}

/// The peak resident memory of one run of gush, in KiB, from wait4(2),
/// which reports it for that child alone (RUSAGE_CHILDREN would mix in the
/// other tests' children).
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also reports its rusage"
)]
fn peak_rss_kib(args: &[&str]) -> i64 {
    let child = crate::common::gush_std(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn gush");
    let pid = libc::pid_t::try_from(child.id()).expect("pid fits pid_t");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for a child of ours, with valid out-pointers.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "gush {args:?} failed: {status}"
    );
    usage.ru_maxrss
}

/// Peak RSS of `gush bytes` into a destination slower than the generator
/// (so the buffer sits at the hwm for most of the second), at `hwm` and
/// `chunk`, with `extra` flags.
fn peak_at(hwm: &str, chunk: &str, extra: &[&str]) -> i64 {
    let mut args = vec!["bytes", "-s", "128MiB", "-o", "/dev/null", "--hwm", hwm];
    args.extend(["--chunk", chunk, "--sink-rate", "128MiB/s"]);
    args.extend(extra);
    peak_rss_kib(&args)
}

#[test]
fn memory_stays_within_the_hwm_at_small_chunks() {
    // What the hwm bounds is what a run holds beyond gush's own fixed cost
    // (its code, mapped from the binary, and its threads), which is
    // measured, not assumed: the same run at a 1 MiB hwm. The fixed cost
    // grew with the binary (S3 and Parquet: about 7 MiB of RSS at start);
    // it is bounded on its own below.
    for chunk in ["1KiB", "4KiB", "64KiB"] {
        let one = ["--threads", "1"];
        let fixed = peak_at("1MiB", chunk, &one);
        assert!(
            fixed < 12 * 1024,
            "--chunk {chunk}: {fixed} KiB at a 1 MiB hwm"
        );
        let peak = peak_at("64MiB", chunk, &one);
        assert!(
            peak - fixed < 63 * 1024 + 4 * 1024,
            "--chunk {chunk}: peak RSS {peak} KiB, {fixed} KiB at a 1 MiB hwm: more than the 63 MiB more hwm and 4 MiB"
        );
        // Without --threads a second generator thread may be tried: its
        // chunks made ahead have been seen to add up to 9 MiB at a 64 MiB
        // hwm (not yet explained, see the 2026-12-06 closing note), so
        // the bound here is looser.
        let grown = peak_at("64MiB", chunk, &[]);
        assert!(
            grown - fixed < 63 * 1024 + 16 * 1024,
            "--chunk {chunk}: peak RSS {grown} KiB with a second generator thread, {fixed} KiB at a 1 MiB hwm"
        );
    }
}
