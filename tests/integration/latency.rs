//! Write latency as a user reads it: the fio-shaped `write_lat_ns` of
//! `--stats=json`, the human summary's `latency:` line, the p50/p99 of the
//! `--interval` lines and the `--timeline` columns, and the `--latency-log`
//! HdrHistogram interval log, whose counts add up to the summary's N.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
use serde_json::Value;

use crate::common::{FIO_KEYS, TestDir, gush, num, read, stats_from};

/// The JSON objects on stderr: interval lines, then the summary.
fn json_lines(stderr: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

#[test]
fn json_write_latency_is_shaped_as_fios_clat_ns() {
    let dir = TestDir::new();
    let out = dir.path("out.bin");
    let run = gush(["bytes", "-s", "64MiB", "--stats=json", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stderr = &run.get_output().stderr;
    let stats = stats_from(stderr);
    let lat = &stats["write_lat_ns"];
    for key in ["min", "max", "N"] {
        assert!(lat[key].is_u64(), "{key} is not an integer: {lat}");
    }
    for key in ["mean", "stddev"] {
        assert!(lat[key].is_f64(), "{key} is not a float: {lat}");
    }
    assert_eq!(num(lat, "N"), num(&stats, "writes"));

    let percentiles = lat["percentile"].as_object().expect("a percentile object");
    let mut keys: Vec<&str> = percentiles.keys().map(String::as_str).collect();
    let mut expected = FIO_KEYS.to_vec();
    keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    // In fio's order on the wire (a parsed map forgets it).
    let text = String::from_utf8_lossy(stderr);
    let at = |key: &str| text.find(&format!("\"{key}\":")).expect(key);
    assert!(FIO_KEYS.windows(2).all(|pair| at(pair[0]) < at(pair[1])));

    let values: Vec<u64> = FIO_KEYS
        .iter()
        .map(|key| percentiles[*key].as_u64().expect("integer nanoseconds"))
        .collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
    assert!(num(lat, "min") <= values[0], "{lat}");
    assert!(values[16] <= num(lat, "max"), "{lat}");
    // No sync was made: no sync latencies, rather than zeros.
    assert!(stats["sync_lat_ns"].is_null(), "{stats}");
}

#[test]
fn human_summary_has_a_latency_line_without_sync() {
    let run = gush(["bytes", "-s", "16MiB", "-o", "/dev/null", "--stats"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("latency: write p50 "))
        .unwrap_or_else(|| panic!("no latency line in:\n{stderr}"));
    assert!(
        line.contains(" p99 ") && line.contains(" p99.9 ") && line.contains(" max "),
        "{line}"
    );
    assert!(!line.contains("sync"), "{line}");
}

#[test]
fn interval_json_lines_carry_write_p50_and_p99() {
    let run = gush([
        "bytes",
        "-s",
        "24MiB",
        "--sink-rate",
        "24MiB/s",
        "--interval",
        "200ms",
        "-o",
        "/dev/null",
        "--stats=json",
    ])
    .assert()
    .success();
    let objects = json_lines(&run.get_output().stderr);
    let (_, samples) = objects.split_last().unwrap();
    assert!(samples.len() >= 3, "{objects:?}");
    for sample in samples {
        let p50 = sample["write_p50_ns"].as_u64();
        let p99 = sample["write_p99_ns"].as_u64();
        assert!(p50.is_some() && p50 <= p99, "{sample}");
    }
}

#[test]
fn timeline_rows_end_with_write_p50_and_p99() {
    let dir = TestDir::new();
    let timeline = dir.path("run.csv");
    gush([
        "bytes",
        "-s",
        "12MiB",
        "--sink-rate",
        "24MiB/s",
        "-o",
        "/dev/null",
        "--timeline",
    ])
    .arg(&timeline)
    .assert()
    .success();
    let csv = String::from_utf8(read(&timeline)).unwrap();
    let mut rows = csv.lines();
    let header = rows.next().unwrap();
    assert!(
        header.ends_with(",write_p50_ns,write_p99_ns,ios,iops"),
        "{header}"
    );
    let mut timed = 0;
    let mut ios = 0;
    for row in rows {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), 11, "{row}");
        // Writes so far, never fewer than the row before.
        let now: u64 = fields[9].parse().unwrap();
        assert!(now >= ios, "{row}");
        ios = now;
        let _iops: f64 = fields[10].parse().unwrap();
        // Empty for a sample in which no write finished.
        if let (Ok(p50), Ok(p99)) = (fields[7].parse::<u64>(), fields[8].parse::<u64>()) {
            assert!(p50 <= p99, "{row}");
            timed += 1;
        } else {
            assert_eq!((fields[7], fields[8]), ("", ""), "{row}");
        }
    }
    assert!(timed >= 3, "{csv}");
    // 12 MiB in 64 KiB writes at most (a paced writer may slice them).
    assert!(ios >= 192, "{csv}");
}

#[test]
fn latency_log_decodes_and_counts_every_write() {
    let dir = TestDir::new();
    let log = dir.path("write.hlog");
    let run = gush([
        "bytes",
        "-s",
        "12MiB",
        "--sink-rate",
        "24MiB/s",
        "--interval",
        "100ms",
        "-o",
        "/dev/null",
        "--stats=json",
        "--latency-log",
    ])
    .arg(&log)
    .assert()
    .success();
    let objects = json_lines(&run.get_output().stderr);
    let n = num(&objects.last().unwrap()["write_lat_ns"], "N");

    let text = read(&log);
    let header = String::from_utf8_lossy(&text);
    assert!(header.starts_with("#[Histogram log format version 1.3]\n#[StartTime: "));
    assert!(header.contains(
        "\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
    ));
    let mut deserializer = Deserializer::new();
    let (mut intervals, mut counted, mut start_time) = (0, 0, false);
    for entry in IntervalLogIterator::new(&text) {
        match entry.expect("a well-formed log") {
            LogEntry::StartTime(_) => start_time = true,
            LogEntry::BaseTime(_) => panic!("no BaseTime is written"),
            LogEntry::Interval(interval) => {
                assert!(interval.tag().is_none(), "write histograms are untagged");
                let bytes = BASE64.decode(interval.encoded_histogram()).expect("base64");
                let histogram: Histogram<u64> = deserializer
                    .deserialize(&mut &bytes[..])
                    .expect("a V2 compressed histogram");
                counted += histogram.len();
                intervals += 1;
            }
        }
    }
    assert!(start_time);
    assert!(
        intervals >= 4,
        "{intervals} intervals in about half a second"
    );
    assert_eq!(counted, n);
}

#[test]
fn a_bad_latency_log_path_fails_before_the_output_exists() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let run = gush(["lines", "-n", "5", "-o"])
        .arg(&out)
        .arg("--latency-log")
        .arg(dir.path("missing-dir/write.hlog"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("latency log"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn latency_log_cannot_be_the_output_file() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let run = gush(["lines", "-n", "5", "-o"])
        .arg(&out)
        .arg("--latency-log")
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("--latency-log"), "{stderr}");
}

#[test]
fn no_latency_times_nothing_and_says_so_with_null() {
    let run = gush(["bytes", "-s", "4MiB", "-o", "/dev/null", "--no-latency"])
        .arg("--stats=json")
        .assert()
        .success();
    let summary = json_lines(&run.get_output().stderr).pop().unwrap();
    assert!(summary["write_lat_ns"].is_null(), "{summary}");
    assert!(num(&summary, "writes") > 0, "{summary}");
    let human = gush(["bytes", "-s", "4MiB", "-o", "/dev/null", "--no-latency"])
        .arg("--stats")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&human.get_output().stderr).into_owned();
    assert!(!text.contains("latency:"), "{text}");
}

#[test]
fn a_ramped_latency_log_starts_at_the_ramps_end_and_counts_what_the_summary_does() {
    let dir = TestDir::new();
    let log = dir.path("write.hlog");
    let run = gush([
        "bytes",
        "-t",
        "900ms",
        "--ramp",
        "400ms",
        "--sink-rate",
        "16MiB/s",
        "--interval",
        "100ms",
        "-o",
        "/dev/null",
        "--stats=json",
        "--latency-log",
    ])
    .arg(&log)
    .assert()
    .success();
    let objects = json_lines(&run.get_output().stderr);
    let summary = objects.last().unwrap();
    let n = num(&summary["write_lat_ns"], "N");
    // The ramp's writes are left out of the latencies.
    assert!(num(summary, "ramp_ios") > 0, "{summary}");
    let measured = num(&summary["write"], "total_ios");
    assert!(n.abs_diff(measured) <= 1, "{n} vs {summary}");
    let text = read(&log);
    let (mut counted, mut first) = (0, None);
    let mut deserializer = Deserializer::new();
    for entry in IntervalLogIterator::new(&text) {
        if let LogEntry::Interval(interval) = entry.expect("a well-formed log") {
            first.get_or_insert(interval.start_timestamp());
            let bytes = BASE64.decode(interval.encoded_histogram()).expect("base64");
            let histogram: Histogram<u64> = deserializer
                .deserialize(&mut &bytes[..])
                .expect("a V2 compressed histogram");
            counted += histogram.len();
        }
    }
    let first = first.expect("intervals after the ramp").as_secs_f64();
    assert!((0.4..0.5).contains(&first), "the log starts at {first} s");
    assert_eq!(counted, n);
}
