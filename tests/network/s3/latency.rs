//! The part latency (issue 20, item 5) against moto: one object's upload
//! times each part and each single PUT into the fio-shaped `write_lat_ns`
//! histogram; a compressed object and a `{k}` series, whose uploads copy
//! what they are written, report the same, every part of every object in
//! one histogram, and not the copies into the part buffers.

use serde_json::Value;

use super::kit::{Moto, run_json};
use crate::common::num;

/// Runs gush to moto with a JSON summary; returns the summary.
fn summary(moto: &Moto, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--part-size", "5MiB", "--stats=json"]);
    run_json(&moto.endpoint(), &args)
}

/// The requests that carry data: parts, and the objects below one part,
/// which are a single PUT each.
fn data_requests(moto: &Moto, stats: &Value) -> u64 {
    let objects = stats["s3_objects"].as_array().expect("a list of objects");
    let single_puts = objects
        .iter()
        .map(|url| url.as_str().unwrap().strip_prefix("s3://gush/").unwrap())
        .filter(|key| moto.object("gush", key).unwrap().len() < 5 << 20)
        .count();
    num(stats, "s3_parts") + single_puts as u64
}

/// Each timed request is a write, and the histogram holds them all.
fn timed_once_each(moto: &Moto, stats: &Value) {
    let requests = data_requests(moto, stats);
    assert!(requests > 0, "{stats}");
    assert_eq!(num(&stats["write_lat_ns"], "N"), requests, "{stats}");
    assert_eq!(num(stats, "writes"), requests, "{stats}");
}

#[test]
fn a_series_and_a_compressed_object_time_each_part_as_one_object_does() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    // One object's upload: three parts, three latencies.
    let stats = summary(&moto, &["bytes", "-s", "12MiB", "-o", "s3://gush/one.bin"]);
    assert_eq!(num(&stats, "s3_parts"), 3, "{stats}");
    timed_once_each(&moto, &stats);
    // A compressed object: random bytes do not shrink, so three parts too.
    let stats = summary(
        &moto,
        &[
            "bytes",
            "-s",
            "12MiB",
            "--fill",
            "random",
            "--seed",
            "2",
            "-o",
            "s3://gush/one.bin.zst",
        ],
    );
    assert_eq!(num(&stats, "s3_parts"), 3, "{stats}");
    assert_eq!(stats["compression"], "zstd:3", "{stats}");
    timed_once_each(&moto, &stats);
    // A Parquet object: its file copied into two parts.
    let parquet = [
        "records",
        "--preset",
        "users",
        "-n",
        "300000",
        "--seed",
        "3",
        "--format",
        "parquet",
        "-o",
        "s3://gush/one.parquet",
    ];
    let stats = summary(&moto, &parquet);
    assert_eq!(num(&stats["parquet"], "files"), 1, "{stats}");
    assert_eq!(num(&stats, "s3_parts"), 2, "{stats}");
    timed_once_each(&moto, &stats);
    // A series of multipart objects and a last smaller one.
    let users = [
        "records", "--preset", "users", "-n", "150000", "--seed", "3",
    ];
    let mut args = users.to_vec();
    args.extend(["--file-size", "6MiB", "-o", "s3://gush/s/u-{k}.csv"]);
    let stats = summary(&moto, &args);
    assert!(
        stats["s3_objects"].as_array().unwrap().len() >= 3,
        "{stats}"
    );
    timed_once_each(&moto, &stats);
    // A series of gzip objects, one PUT each.
    let mut args = users.to_vec();
    args.extend(["--files", "4", "-o", "s3://gush/g/u-{k}.csv.gz"]);
    let stats = summary(&moto, &args);
    assert_eq!(num(&stats, "s3_parts"), 0, "{stats}");
    assert_eq!(num(&stats["write_lat_ns"], "N"), 4, "{stats}");
}
