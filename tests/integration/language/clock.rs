//! Clocks: the simulated clock of a seeded run (one millisecond a record,
//! `--start-time`, `--time-step`, kept across shards) and the live clock,
//! which reads the wall clock even with a seed.

use std::time::{SystemTime, UNIX_EPOCH};

use super::text_of;

// ---------------------------------------------------------------------------
// Clocks.

#[test]
fn seeded_timestamps_step_one_millisecond_per_record() {
    let out = text_of(&[
        "lines",
        "{ts:rfc3339ms} {ts:unix_ms}",
        "-n",
        "2500",
        "--seed",
        "8",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2500);
    for (i, line) in lines.iter().enumerate() {
        let expected = format!(
            "2026-01-01T00:00:{:02}.{:03}Z {}",
            i / 1000,
            i % 1000,
            1_767_225_600_000u64 + i as u64
        );
        assert_eq!(*line, expected, "record {i}");
    }
}

#[test]
fn seeded_shards_keep_each_records_timestamp() {
    let out = text_of(&[
        "lines",
        "{ts:rfc3339ms}",
        "-n",
        "3000",
        "--seed",
        "8",
        "--shard",
        "2/3",
    ]);
    assert_eq!(out.lines().next(), Some("2026-01-01T00:00:02.000Z"));
    assert_eq!(out.lines().last(), Some("2026-01-01T00:00:02.999Z"));
}

#[test]
fn start_time_and_step_set_the_simulated_clock() {
    let out = text_of(&[
        "lines",
        "{ts:rfc3339ms}|{ts:rfc3164}|{ts:ctime}",
        "-n",
        "3",
        "--seed",
        "1",
        "--start-time",
        "2024-02-29T23:59:59Z",
        "--step",
        "500ms",
    ]);
    assert_eq!(
        out,
        "2024-02-29T23:59:59.000Z|Feb 29 23:59:59|Thu Feb 29 23:59:59 2024\n\
         2024-02-29T23:59:59.500Z|Feb 29 23:59:59|Thu Feb 29 23:59:59 2024\n\
         2024-03-01T00:00:00.000Z|Mar  1 00:00:00|Fri Mar 01 00:00:00 2024\n"
    );
}

#[test]
fn clock_sim_without_a_seed_starts_at_the_default_time() {
    let out = text_of(&["lines", "{ts:rfc3339ms}", "-n", "2", "--clock", "sim"]);
    assert_eq!(out, "2026-01-01T00:00:00.000Z\n2026-01-01T00:00:00.001Z\n");
}

#[test]
fn clock_live_reads_the_wall_clock_even_with_a_seed() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let year = humantime::format_rfc3339_seconds(SystemTime::now()).to_string()[..4].to_string();
    for run in [
        &[
            "lines",
            "{ts:date} {ts:unix}",
            "-n",
            "3",
            "--seed",
            "1",
            "--clock",
            "live",
        ][..],
        &["lines", "{ts:date} {ts:unix}", "-n", "3"],
    ] {
        for line in text_of(run).lines() {
            let (date, unix) = line.split_once(' ').unwrap();
            assert!(date.starts_with(&year), "{run:?}: {line} is not in {year}");
            let unix: u64 = unix.parse().unwrap();
            assert!(
                unix.abs_diff(now) < 60,
                "{run:?}: {unix} is not now ({now})"
            );
        }
    }
}
