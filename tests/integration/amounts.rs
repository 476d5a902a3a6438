//! How much gush writes: `--count` (with suffixes and digit groups),
//! `--size` (decimal and binary units; whole lines only for `lines`) and
//! `--duration`.

use std::time::{Duration, Instant};

use crate::common::{expected_lines, expected_lines_within, gush, num, stats_from, text};

#[test]
fn bytes_size_writes_exactly_that_many_bytes() {
    let out = gush(["bytes", "-s", "1000"]).assert().success();
    assert_eq!(out.get_output().stdout.len(), 1000);
}

#[test]
fn lines_size_writes_the_most_whole_lines_that_fit() {
    let out = gush(["lines", "-s", "100"]).assert().success();
    let written = &out.get_output().stdout;
    assert!(
        written.len() <= 100,
        "wrote {} bytes past -s 100",
        written.len()
    );
    assert!(written.ends_with(b"\n"), "output ends mid-line");
    assert_eq!(written, &expected_lines_within(100));
}

#[test]
fn count_accepts_a_decimal_suffix() {
    gush(["lines", "-n", "10k"])
        .assert()
        .success()
        .stdout(expected_lines(0, 10_000));
}

#[test]
fn count_accepts_digit_groups() {
    gush(["lines", "-n", "1_000"])
        .assert()
        .success()
        .stdout(expected_lines(0, 1000));
}

#[test]
fn size_in_kib_is_binary() {
    let out = gush(["bytes", "-s", "64KiB"]).assert().success();
    assert_eq!(out.get_output().stdout.len(), 65_536);
    let out = gush(["lines", "-s", "64KiB"]).assert().success();
    assert_eq!(out.get_output().stdout, expected_lines_within(65_536));
}

#[test]
fn size_in_mb_is_decimal() {
    let out = gush(["bytes", "-s", "1MB"]).assert().success();
    assert_eq!(out.get_output().stdout.len(), 1_000_000);
}

#[test]
fn duration_ends_the_run_by_itself() {
    let started = Instant::now();
    let out = gush(["lines", "-t", "300ms", "-o", "/dev/null", "--stats=json"])
        .assert()
        .success()
        .stdout("");
    let took = started.elapsed();
    let stats = stats_from(&out.get_output().stderr);
    assert_eq!(text(&stats, "end"), "complete");
    assert!(
        num(&stats, "bytes") > 0,
        "nothing written in 300 ms: {stats}"
    );
    assert!(
        took >= Duration::from_millis(290),
        "-t 300ms ended after only {took:?}"
    );
    assert!(took < Duration::from_secs(10), "-t 300ms took {took:?}");
}
