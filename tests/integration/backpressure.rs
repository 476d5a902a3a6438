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

/// The most anonymous memory (`RssAnon`: chunks, heap, stacks; not the
/// binary's code mapped from the page cache, which grows with the binary
/// and with other processes running it) one run of gush held, in KiB,
/// read from /proc every 2 ms. Chunks are carved from slabs that stay
/// mapped until the end, so the memory only grows and a sample finds its
/// peak.
fn peak_anon_kib(args: &[&str]) -> i64 {
    let mut child = crate::common::gush_std(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn gush");
    let mut peak = 0;
    loop {
        // "12345 kB"; none once the child has exited.
        let anon = crate::common::proc_field(&child, "status", "RssAnon")
            .and_then(|value| value.split_whitespace().next()?.parse::<i64>().ok());
        peak = peak.max(anon.unwrap_or(0));
        if let Some(status) = child.try_wait().expect("wait for gush") {
            assert!(status.success(), "gush {args:?} failed: {status}");
            return peak;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Peak anonymous memory of `gush bytes` into a destination slower than
/// the generator (so the buffer sits at the 64 MiB hwm for most of the
/// second), at `chunk`, with `extra` flags.
fn peak_at(chunk: &str, extra: &[&str]) -> i64 {
    let mut args = vec!["bytes", "-s", "128MiB", "-o", "/dev/null", "--hwm", "64MiB"];
    args.extend(["--chunk", chunk, "--sink-rate", "128MiB/s"]);
    args.extend(extra);
    peak_anon_kib(&args)
}

#[test]
fn memory_stays_within_the_hwm_at_small_chunks() {
    let hwm_kib = 64 * 1024;
    for chunk in ["1KiB", "4KiB", "64KiB"] {
        let peak = peak_at(chunk, &["--threads", "1"]);
        assert!(
            peak < hwm_kib + 4 * 1024,
            "--chunk {chunk}: {peak} KiB of anonymous memory at most, hwm 64 MiB"
        );
        // Without --threads a second generator thread may be tried: the
        // team has been seen to hold up to 5.7 MiB over a 64 MiB hwm (not
        // yet explained, see the 2026-12-06 closing note), so the bound
        // here is looser.
        let grown = peak_at(chunk, &[]);
        assert!(
            grown < hwm_kib + 16 * 1024,
            "--chunk {chunk}: {grown} KiB of anonymous memory at most with a second generator thread, hwm 64 MiB"
        );
    }
}
