//! `--sync` as counted in the report, and the latency figures of a disk
//! run: fio's percentile keys, N equal to the writes at depth 16, and a
//! `--latency-log` whose write and sync histograms add up to the summary.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
use serde_json::Value;

use super::{TestDir, write_json};
use crate::common::{FIO_KEYS, num, read};

fn sync_run(size: &str, policy: &str, depth: &str) -> Value {
    let dir = TestDir::new();
    let args = [
        "bytes",
        "-s",
        size,
        "--sync",
        policy,
        "--queue-depth",
        depth,
    ];
    write_json(&args, &dir.path("out.bin"))
}

#[test]
fn sync_every_size_syncs_once_per_size_written() {
    for depth in ["1", "16"] {
        let stats = sync_run("10MiB", "every=1MiB", depth);
        assert_eq!(num(&stats, "syncs"), 10, "depth {depth}: {stats}");
        assert_eq!(num(&stats["sync_lat_ns"], "N"), 10, "{stats}");
        // 1 MiB / 100 KiB does not divide: floor(1024 / 100) syncs, the
        // rest carried from one sync to the next rather than lost.
        let stats = sync_run("1MiB", "every=100KiB", depth);
        assert_eq!(num(&stats, "syncs"), 10, "depth {depth}: {stats}");
        assert_eq!(stats["sync"], "every=100KiB", "{stats}");
    }
}

#[test]
fn sync_end_syncs_exactly_once() {
    for depth in ["1", "16"] {
        let stats = sync_run("4MiB", "end", depth);
        assert_eq!(num(&stats, "syncs"), 1, "{stats}");
        assert_eq!(num(&stats["sync_lat_ns"], "N"), 1, "{stats}");
        assert_eq!(stats["sync_call"], "fdatasync", "{stats}");
    }
}

#[test]
fn sync_each_syncs_once_per_write() {
    for depth in ["1", "16"] {
        let stats = sync_run("1MiB", "each", depth);
        assert_eq!(num(&stats, "writes"), 16, "64 KiB chunks: {stats}");
        assert_eq!(num(&stats, "syncs"), num(&stats, "writes"), "{stats}");
        assert_eq!(num(&stats["sync_lat_ns"], "N"), 16, "{stats}");
    }
}

#[test]
fn sync_none_makes_no_sync_and_no_sync_latency() {
    let stats = sync_run("1MiB", "none", "16");
    assert_eq!(num(&stats, "syncs"), 0, "{stats}");
    assert!(stats["sync_lat_ns"].is_null(), "{stats}");
}

#[test]
fn deep_queue_latency_has_fios_keys_and_one_value_per_write() {
    let dir = TestDir::new();
    let stats = write_json(
        &["lines", "-s", "8MiB", "--queue-depth", "16", "--direct"],
        &dir.path("out.txt"),
    );
    assert_eq!(stats["queue_depth"], 16, "{stats}");
    let lat = &stats["write_lat_ns"];
    assert_eq!(num(lat, "N"), num(&stats, "writes"), "{stats}");
    let percentiles = lat["percentile"].as_object().expect("a percentile object");
    let mut keys: Vec<&str> = percentiles.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = FIO_KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let values: Vec<u64> = FIO_KEYS
        .iter()
        .map(|key| percentiles[*key].as_u64().expect("integer nanoseconds"))
        .collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
    assert!(num(lat, "min") <= values[0] && values[16] <= num(lat, "max"));
}

#[test]
fn latency_log_of_a_disk_run_adds_up_to_the_summary() {
    let dir = TestDir::new();
    let log = dir.path("lat.hlog");
    let log_arg = log.to_str().expect("a UTF-8 path");
    let args = [
        "bytes",
        "-s",
        "6MiB",
        "--queue-depth",
        "16",
        "--sync",
        "every=1MiB",
        "--sink-rate",
        "24MiB/s",
        "--interval",
        "100ms",
        "--latency-log",
        log_arg,
    ];
    let stats = write_json(&args, &dir.path("out.bin"));
    let (mut writes, mut syncs) = (0, 0);
    let mut deserializer = Deserializer::new();
    let text = read(&log);
    for entry in IntervalLogIterator::new(&text) {
        let LogEntry::Interval(interval) = entry.expect("a well-formed log") else {
            continue;
        };
        let bytes = BASE64.decode(interval.encoded_histogram()).expect("base64");
        let histogram: Histogram<u64> = deserializer
            .deserialize(&mut &bytes[..])
            .expect("a V2 compressed histogram");
        match interval.tag().map(|tag| tag.as_str()) {
            None => writes += histogram.len(),
            Some("sync") => syncs += histogram.len(),
            Some(other) => panic!("unexpected tag {other}"),
        }
    }
    assert_eq!(writes, num(&stats["write_lat_ns"], "N"), "{stats}");
    assert_eq!(syncs, num(&stats["sync_lat_ns"], "N"), "{stats}");
    assert_eq!(syncs, 6, "{stats}");
}
