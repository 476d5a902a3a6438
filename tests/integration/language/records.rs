//! `gush records` as a stream of whole records: `--size` never tears one,
//! `--duration` and `--rate` pace records as they pace lines, and the CSV,
//! TSV and JSON Lines formats.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{stdout_of, text_of};
use crate::common::{gush, line_count, num, stats_from};

// ---------------------------------------------------------------------------
// --size never tears a record.

#[test]
fn size_never_tears_a_record() {
    let runs: [(&[&str], u64); 4] = [
        (&["lines", "--preset", "apache-combined"], 0),
        (&["records", "--preset", "users"], 1),
        (&["records", "--preset", "json-log"], 0),
        (
            &[
                "records",
                "--schema",
                "a={ascii:50}, b={user_agent}, c={n}",
                "--format",
                "tsv",
            ],
            1,
        ),
    ];
    for (run, header_rows) in runs {
        let mut sized = run.to_vec();
        sized.extend([
            "-s",
            "100000",
            "--seed",
            "2",
            "--chunk",
            "4KiB",
            "--hwm",
            "16KiB",
            "--stats=json",
        ]);
        let out = gush(&sized).assert().success();
        let written = out.get_output().stdout.clone();
        let stats = stats_from(&out.get_output().stderr);
        assert!(written.len() <= 100_000, "{run:?}: {} bytes", written.len());
        assert!(written.ends_with(b"\n"), "{run:?}: ends mid-record");
        assert_eq!(num(&stats, "bytes"), written.len() as u64, "{run:?}");
        let records = num(&stats, "records");
        assert_eq!(records + header_rows, line_count(&written), "{run:?}");
        // Exactly the first `records` records of the unbounded run, and
        // the next one would not have fitted.
        let count = (records + 1).to_string();
        let mut counted = run.to_vec();
        counted.extend(["-n", &count, "--seed", "2"]);
        let longer = stdout_of(&counted);
        assert!(
            longer.starts_with(&written),
            "{run:?}: not a prefix of the -n run"
        );
        assert!(
            longer.len() > 100_000,
            "{run:?}: another record would have fitted"
        );
    }
}

#[test]
fn size_too_small_for_header_and_a_row_writes_nothing() {
    let out = gush([
        "records",
        "--preset",
        "users",
        "-s",
        "80",
        "--seed",
        "1",
        "--stats=json",
    ])
    .assert()
    .success();
    assert_eq!(out.get_output().stdout, b"");
    assert_eq!(num(&stats_from(&out.get_output().stderr), "records"), 0);
}

// ---------------------------------------------------------------------------
// Amounts and pacing work for records as for lines.

#[test]
fn records_duration_ends_the_run() {
    let started = Instant::now();
    let out = gush([
        "records",
        "--preset",
        "orders",
        "-t",
        "200ms",
        "-o",
        "/dev/null",
        "--stats=json",
    ])
    .assert()
    .success();
    let stats = stats_from(&out.get_output().stderr);
    assert!(num(&stats, "records") > 0, "{stats}");
    assert!(started.elapsed() >= Duration::from_millis(190));
}

#[test]
fn records_rate_paces_the_run() {
    let started = Instant::now();
    let out = text_of(&[
        "records", "--preset", "json-log", "-n", "60", "--rate", "200/s",
    ]);
    let took = started.elapsed();
    assert_eq!(out.lines().count(), 60);
    // A tenth of a second's burst comes at once; the other 40 need 0.2 s.
    assert!(
        took >= Duration::from_millis(150),
        "60 records at 200/s took {took:?}"
    );
}

// ---------------------------------------------------------------------------
// Formats.

#[test]
fn csv_header_can_be_left_out() {
    let with = text_of(&["records", "--preset", "users", "-n", "3", "--seed", "1"]);
    let without = text_of(&[
        "records",
        "--preset",
        "users",
        "-n",
        "3",
        "--seed",
        "1",
        "--no-header",
    ]);
    assert_eq!(with.split_once('\n').unwrap().1, without);
}

#[test]
fn json_log_lines_are_json_with_typed_numbers() {
    let out = text_of(&[
        "records", "--preset", "json-log", "-n", "500", "--seed", "5",
    ]);
    for line in out.lines() {
        let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(value["latency_ms"].is_u64(), "{line}");
        assert!(
            value["ts"].is_string() && value["msg"].is_string(),
            "{line}"
        );
    }
}

#[test]
fn schema_commas_split_only_outside_braces() {
    let out = text_of(&[
        "records",
        "--schema",
        r"a={choice:x,y}, b=p\,q, c={n}",
        "-n",
        "1",
        "--seed",
        "1",
        "--format",
        "jsonl",
    ]);
    assert_eq!(out, "{\"a\":\"x,y\",\"b\":\"p,q\",\"c\":0}\n");
}
