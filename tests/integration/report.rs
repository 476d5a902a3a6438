//! The run report: `--stats=json` (one object, its keys, its counts
//! matching the output), `--stats-file`, the human `--stats` summary, and
//! stderr staying silent without `--stats` or with `-q`; IOPS beside the
//! byte rate, the JSON `intervals` rows, and `--ramp` leaving its first
//! seconds out of every figure.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{
    RUN_LIMIT, TestDir, final_stats, gush, gush_std, line_count, num, output_bounded, read,
    stats_from, text, wait_bounded,
};

const KEYS: &[&str] = &[
    "bytes",
    "records",
    "chunks",
    "elapsed_s",
    "bytes_per_s",
    "hwm_bytes",
    "lwm_bytes",
    "chunk_bytes",
    "pauses",
    "drains",
    "paused_s",
    "writer_idle_s",
    "peak_buffered_bytes",
    "mean_buffered_bytes",
    "writes",
    "threads",
    "generator_busy_s",
    "seed",
    "destination",
    "bottleneck",
    "end",
    "write_lat_ns",
    "sync_lat_ns",
    "iops",
    "ramp_s",
    "ramp_bytes",
    "ramp_ios",
    "write",
    "intervals",
];

/// The keys of every `intervals` row.
const ROW_KEYS: &[&str] = &[
    "t_s",
    "dt_s",
    "bytes",
    "ios",
    "iops",
    "bytes_per_s",
    "lat_p50_ns",
    "lat_p99_ns",
    "buffered_bytes",
    "pauses",
];

#[test]
fn json_stats_is_one_object_with_every_key() {
    let out = gush(["lines", "-n", "1000", "-o", "/dev/null", "--stats=json"])
        .assert()
        .success();
    let stats = stats_from(&out.get_output().stderr);
    let object = stats.as_object().expect("an object");
    for key in KEYS {
        assert!(
            object.contains_key(*key),
            "key `{key}` missing from {stats}"
        );
    }
    let mut extra: Vec<&String> = object
        .keys()
        .filter(|k| !KEYS.contains(&k.as_str()))
        .collect();
    extra.sort();
    assert!(extra.is_empty(), "unexpected keys {extra:?} in {stats}");
    assert_eq!(text(&stats, "destination"), "/dev/null");
    assert_eq!(text(&stats, "end"), "complete");
}

#[test]
fn json_stats_counts_match_the_file() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let run = gush(["lines", "-s", "3MB", "--stats=json", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stats = stats_from(&run.get_output().stderr);
    let written = read(&out);
    assert_eq!(
        num(&stats, "bytes"),
        written.len() as u64,
        "bytes vs file size"
    );
    assert_eq!(
        num(&stats, "records"),
        line_count(&written),
        "records vs lines"
    );
}

#[test]
fn stats_file_holds_the_same_json_object() {
    let dir = TestDir::new();
    let stats_path = dir.path("stats.json");
    let run = gush([
        "lines",
        "-n",
        "5000",
        "-o",
        "/dev/null",
        "--stats=json",
        "--stats-file",
    ])
    .arg(&stats_path)
    .assert()
    .success();
    let on_stderr = stats_from(&run.get_output().stderr);
    let in_file = stats_from(&read(&stats_path));
    assert_eq!(in_file, on_stderr);
    assert_eq!(num(&in_file, "records"), 5000);
}

#[test]
fn stats_file_works_without_stats_on_stderr() {
    let dir = TestDir::new();
    let stats_path = dir.path("stats.json");
    gush(["lines", "-n", "10", "-o", "/dev/null", "--stats-file"])
        .arg(&stats_path)
        .assert()
        .success()
        .stderr("");
    let in_file = stats_from(&read(&stats_path));
    assert_eq!(num(&in_file, "records"), 10);
    assert_eq!(num(&in_file, "bytes"), 70);
}

#[test]
fn human_stats_mention_pauses_drains_and_bottleneck() {
    let out = gush(["lines", "-n", "1000", "-o", "/dev/null", "--stats"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for word in ["pauses", "drains", "bottleneck"] {
        assert!(stderr.contains(word), "`{word}` missing from:\n{stderr}");
    }
}

#[test]
fn stderr_is_empty_on_success_without_stats() {
    let dir = TestDir::new();
    gush(["lines", "-n", "1000", "-o"])
        .arg(dir.path("out.txt"))
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn quiet_silences_the_stats() {
    gush(["lines", "-n", "1000", "-o", "/dev/null", "-q", "--stats"])
        .assert()
        .success()
        .stderr("");
    gush([
        "lines",
        "-n",
        "1000",
        "-o",
        "/dev/null",
        "-q",
        "--stats=json",
    ])
    .assert()
    .success()
    .stderr("");
}

fn float(stats: &Value, key: &str) -> f64 {
    stats[key]
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` is not a number: {stats}"))
}

fn rows(stats: &Value) -> &Vec<Value> {
    stats["intervals"]
        .as_array()
        .unwrap_or_else(|| panic!("no intervals array: {stats}"))
}

fn sum(rows: &[Value], key: &str) -> u64 {
    rows.iter().map(|row| num(row, key)).sum()
}

#[test]
fn iops_is_writes_per_second_everywhere() {
    let run = gush([
        "bytes",
        "-s",
        "8MiB",
        "--sink-rate",
        "16MiB/s",
        "--interval",
        "200ms",
        "-o",
        "/dev/null",
        "--stats",
    ])
    .assert()
    .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let interval_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("  buffered"))
        .collect();
    assert!(interval_lines.len() >= 2, "{stderr}");
    // 16 MiB/s of 64 KiB writes is 256 a second.
    for line in interval_lines {
        assert!(line.contains(" IOPS "), "{line}");
    }
    let headline = stderr.lines().find(|l| l.contains(" in ")).unwrap();
    assert!(headline.ends_with(" IOPS"), "{headline}");

    let run = gush([
        "bytes",
        "-s",
        "8MiB",
        "--sink-rate",
        "16MiB/s",
        "-o",
        "/dev/null",
    ])
    .arg("--stats=json")
    .assert()
    .success();
    let stats = stats_from(&run.get_output().stderr);
    let writes = num(&stats, "writes");
    let iops = float(&stats, "iops");
    let expected = writes as f64 / float(&stats, "elapsed_s");
    assert!((iops - expected).abs() < expected * 0.01, "{stats}");
    assert!((200.0..320.0).contains(&iops), "{stats}");
    // fio's names, for scripts that read fio's JSON.
    let fio = &stats["write"];
    assert_eq!(num(fio, "total_ios"), writes, "{stats}");
    assert_eq!(num(fio, "io_bytes"), num(&stats, "bytes"), "{stats}");
    assert_eq!(fio["iops"], stats["iops"]);
    assert_eq!(fio["bw_bytes"], stats["bytes_per_s"]);
    let runtime_ms = float(&stats, "elapsed_s") * 1000.0;
    assert!(
        (num(fio, "runtime") as f64 - runtime_ms).abs() <= 1.0,
        "{stats}"
    );
}

#[test]
fn json_intervals_have_one_row_per_interval_and_sum_to_the_totals() {
    let dir = TestDir::new();
    let stats_path = dir.path("stats.json");
    gush([
        "bytes",
        "-s",
        "12MiB",
        "--sink-rate",
        "8MiB/s",
        "--interval",
        "250ms",
        "-o",
        "/dev/null",
        "-q",
        "--stats-file",
    ])
    .arg(&stats_path)
    .assert()
    .success()
    .stderr("");
    let stats = stats_from(&read(&stats_path));
    let rows = rows(&stats);
    let elapsed = float(&stats, "elapsed_s");
    let periods = elapsed / 0.25;
    assert!(
        (rows.len() as f64) >= periods.floor() && (rows.len() as f64) <= periods.ceil() + 1.0,
        "{} rows in {elapsed} s at 250 ms: {stats}",
        rows.len()
    );
    let (last, whole) = rows.split_last().unwrap();
    for row in rows {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), ROW_KEYS.len(), "{row}");
        assert!(ROW_KEYS.iter().all(|k| row.get(*k).is_some()), "{row}");
    }
    for row in whole {
        let dt = float(row, "dt_s");
        assert!(
            (0.2..0.4).contains(&dt),
            "a row is not an interval long: {row}"
        );
        assert!(num(row, "lat_p50_ns") <= num(row, "lat_p99_ns"), "{row}");
    }
    assert!(
        (float(last, "t_s") - elapsed).abs() < 0.1,
        "{last} vs {elapsed}"
    );
    assert_eq!(sum(rows, "bytes"), num(&stats, "bytes"), "{stats}");
    assert_eq!(sum(rows, "ios"), num(&stats, "writes"), "{stats}");
    assert_eq!(sum(rows, "pauses"), num(&stats, "pauses"), "{stats}");
    let covered: f64 = rows.iter().map(|row| float(row, "dt_s")).sum();
    assert!((covered - float(last, "t_s")).abs() < 1e-6, "{stats}");
}

#[test]
fn a_short_timed_run_gets_about_ten_rows_without_interval() {
    let run = gush([
        "bytes",
        "-t",
        "1s",
        "--sink-rate",
        "8MiB/s",
        "-o",
        "/dev/null",
    ])
    .arg("--stats=json")
    .assert()
    .success();
    let stats = stats_from(&run.get_output().stderr);
    let rows = rows(&stats);
    assert!(
        (9..=12).contains(&rows.len()),
        "{} rows: {stats}",
        rows.len()
    );
    assert_eq!(sum(rows, "bytes"), num(&stats, "bytes"), "{stats}");
}

/// gush writing `--stats=json` to a pipe whose reader sleeps for its first
/// second: the writer stalls, then runs free. Returns the summary.
fn behind_a_late_reader(extra: &[&str]) -> Value {
    let mut reader = Command::new("sh")
        .args(["-c", "sleep 1; exec cat >/dev/null"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn the reader");
    let pipe = reader.stdin.take().expect("the reader's stdin");
    let gush = gush_std(["bytes", "-t", "2500ms", "--stats=json", "-o", "-"])
        .args(extra)
        .stdout(pipe)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    let out = output_bounded(gush);
    assert!(wait_bounded(&mut reader, RUN_LIMIT).success());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    final_stats(&stderr)
}

#[test]
fn ramp_leaves_a_slow_start_out_of_every_figure() {
    // Without a ramp the stall is in the figures: a write that waited
    // about a second for the reader.
    let plain = behind_a_late_reader(&[]);
    let stall = num(&plain["write_lat_ns"], "max");
    assert!(stall > 800_000_000, "no stall to leave out: {plain}");

    let ramped = behind_a_late_reader(&["--ramp", "1500ms", "--interval", "250ms"]);
    let max = num(&ramped["write_lat_ns"], "max");
    assert!(
        max < stall / 4,
        "the stall is still in the latencies: {ramped}"
    );
    assert_eq!(float(&ramped, "ramp_s"), 1.5);
    let (bytes, ramp_bytes) = (num(&ramped, "bytes"), num(&ramped, "ramp_bytes"));
    let (writes, ramp_ios) = (num(&ramped, "writes"), num(&ramped, "ramp_ios"));
    assert!(ramp_bytes > 0 && ramp_bytes < bytes, "{ramped}");
    let fio = &ramped["write"];
    assert_eq!(num(fio, "io_bytes"), bytes - ramp_bytes, "{ramped}");
    assert_eq!(num(fio, "total_ios"), writes - ramp_ios, "{ramped}");
    // The rate is of the time after the ramp alone.
    let measured_s = num(fio, "runtime") as f64 / 1000.0;
    assert!((0.9..1.2).contains(&measured_s), "{ramped}");
    let rate = (bytes - ramp_bytes) as f64 / measured_s;
    assert!(
        (float(&ramped, "bytes_per_s") - rate).abs() < rate * 0.01,
        "{ramped}"
    );
    // The latencies are those of the writes after it (a write in flight at
    // the ramp's end may fall on either side).
    let n = num(&ramped["write_lat_ns"], "N");
    assert!(n.abs_diff(writes - ramp_ios) <= 1, "{n} vs {ramped}");
    // The rows start at the ramp's end and add up to the measured figures.
    let rows = rows(&ramped);
    assert!(float(&rows[0], "t_s") > 1.5, "{ramped}");
    assert!((float(&rows[0], "dt_s") - 0.25).abs() < 0.1, "{ramped}");
    assert_eq!(sum(rows, "bytes"), bytes - ramp_bytes, "{ramped}");
    assert_eq!(sum(rows, "ios"), writes - ramp_ios, "{ramped}");
}

#[test]
fn ramp_interval_lines_start_when_the_ramp_ends() {
    let run = gush([
        "bytes",
        "-t",
        "1200ms",
        "--ramp",
        "600ms",
        "--sink-rate",
        "8MiB/s",
        "--interval",
        "100ms",
        "-o",
        "/dev/null",
        "--stats",
    ])
    .assert()
    .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let times: Vec<f64> = stderr
        .lines()
        .filter(|l| l.contains("  buffered"))
        .map(|l| {
            l["gush:".len()..]
                .trim_start()
                .split('s')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(times.len() >= 4, "{stderr}");
    assert!(times.iter().all(|t| *t >= 0.65), "{times:?}\n{stderr}");
    assert!(stderr.contains("ramp: first 600.0 ms ("), "{stderr}");
}

#[test]
fn a_ramp_as_long_as_the_run_is_refused() {
    let (code, _, stderr) =
        crate::common::run(&["bytes", "-t", "1s", "--ramp", "2s", "-o", "/dev/null"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--ramp 2s") && stderr.contains("-t 1s"),
        "{stderr}"
    );
}
