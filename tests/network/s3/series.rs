//! `{k}` series of objects against moto: each object whole (a single PUT
//! or a multipart upload) with its own header, the objects in key order
//! joined (headers after the first taken out) equal to one run, compressed
//! objects that decompress to it, existing keys refused, and nothing
//! half-visible when Ctrl-C or a failing source ends the run: completed
//! objects stay, the one in progress is aborted.

use std::io::Read;
use std::process::Stdio;

use super::kit::{Moto, assert_whole_series, gush_s3, interrupt_mid_series};
use crate::common::{final_stats, num, output_bounded, run};

/// The users CSV header every object of these series starts with.
fn header(object: &[u8]) -> &[u8] {
    let end = object
        .iter()
        .position(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    &object[..end]
}

/// The objects under `prefix`, in key order (as a listing gives them),
/// joined with every header after the first taken out, as the README's
/// check does; each object must start with the header.
fn joined(moto: &Moto, prefix: &str, decode: fn(Vec<u8>) -> Vec<u8>) -> (Vec<String>, Vec<u8>) {
    let keys: Vec<String> = moto
        .keys("gush")
        .into_iter()
        .filter(|key| key.starts_with(prefix))
        .collect();
    let mut all = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let object = decode(moto.object("gush", key).expect("a listed key"));
        let head = header(&object).to_vec();
        assert!(head.starts_with(b"id,"), "{key} starts {head:?}");
        all.extend_from_slice(if i == 0 {
            &object
        } else {
            &object[head.len()..]
        });
    }
    (keys, all)
}

fn plain(object: Vec<u8>) -> Vec<u8> {
    object
}

fn unzstd(object: Vec<u8>) -> Vec<u8> {
    zstd::stream::decode_all(&object[..]).expect("each object is a whole zstd stream")
}

fn gunzip(object: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&object[..])
        .read_to_end(&mut out)
        .expect("whole gzip members");
    out
}

/// Runs gush to moto with a JSON summary; returns the exit code, stderr
/// and (on success) the summary.
fn upload(moto: &Moto, args: &[&str]) -> (Option<i32>, String) {
    let mut args = args.to_vec();
    args.push("--stats=json");
    let child = gush_s3(&moto.endpoint(), &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = output_bounded(child);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const USERS: [&str; 7] = [
    "records", "--preset", "users", "-n", "150000", "--seed", "3",
];

#[test]
fn a_series_of_multipart_objects_joins_to_the_one_run() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let mut args = USERS.to_vec();
    args.extend(["-o", "s3://gush/mp/users-{k:04}.csv", "--file-size", "7MiB"]);
    args.extend(["--part-size", "5MiB", "--queue-depth", "2"]);
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(0), "{stderr}");
    let stats = final_stats(&stderr);
    let (keys, all) = joined(&moto, "mp/", plain);
    assert!(keys.len() >= 2, "{keys:?}");
    assert_eq!(keys[0], "mp/users-0000.csv");
    // Every object but the last is two parts (5 MiB and the rest).
    assert!(
        num(&stats, "s3_parts") >= 2 * (keys.len() as u64 - 1),
        "{stats}"
    );
    assert_whole_series(&moto, &stats, &keys, &all, &USERS);
}

#[test]
fn a_series_of_small_objects_is_one_put_each() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let mut args = USERS.to_vec();
    args.extend(["-o", "s3://gush/users-{k}.csv", "--files", "4"]);
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(0), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "s3_parts"), 0, "{stats}");
    // The probe's listing, then one PUT per object.
    assert_eq!(num(&stats, "requests"), 5, "{stats}");
    let (keys, all) = joined(&moto, "users-", plain);
    assert_eq!(
        keys,
        ["users-0.csv", "users-1.csv", "users-2.csv", "users-3.csv"]
    );
    let (_, want, _) = run(&USERS);
    assert!(all == want);
}

#[test]
fn compressed_objects_decompress_to_the_plain_output() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let (_, want, _) = run(&USERS);
    // A zstd series, one object a multipart upload of compressed parts.
    let mut args = USERS.to_vec();
    args.extend(["-o", "s3://gush/z/users-{k:02}.csv.zst", "--files", "3"]);
    args.extend(["--part-size", "5MiB"]);
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(0), "{stderr}");
    let (keys, all) = joined(&moto, "z/", unzstd);
    assert_eq!(keys.len(), 3);
    assert!(all == want, "zstd objects joined differ");
    // One gzip object by --compress, its key without an ending.
    let mut args = USERS.to_vec();
    args.extend(["-o", "s3://gush/users.gzipped", "--compress", "gzip"]);
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(0), "{stderr}");
    let object = moto.object("gush", "users.gzipped").unwrap();
    assert!(gunzip(object) == want, "the gzip object differs");
    assert!(moto.open_uploads("gush").is_empty());
}

#[test]
fn existing_keys_of_the_series_are_refused_without_force() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    moto.put("gush", "d/users-0007.csv", b"old\n");
    moto.put("gush", "d/other.csv", b"not of the series\n");
    let mut args = USERS.to_vec();
    args.extend(["-o", "s3://gush/d/users-{k:04}.csv", "--files", "2"]);
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("refusing to overwrite s3://gush/d/users-0007.csv: it exists"),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(!moto.keys("gush").contains(&"d/users-0000.csv".to_string()));
    args.push("--force");
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(moto.keys("gush").contains(&"d/users-0001.csv".to_string()));
}

#[test]
fn ctrl_c_mid_series_keeps_completed_objects_and_leaves_no_upload() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let args = [
        "records",
        "--preset",
        "users",
        "-s",
        "200MiB",
        "--seed",
        "5",
        "-o",
        "s3://gush/cut/users-{k:03}.csv",
        "--file-size",
        "6MiB",
        "--part-size",
        "5MiB",
        "--sink-rate",
        "15MiB/s",
        "--stats=json",
    ];
    // Mid-series: one object done, the next one's upload open.
    let stderr = interrupt_mid_series(&moto, &args);
    let stats = final_stats(&stderr);
    let (keys, all) = joined(&moto, "cut/", plain);
    assert!(!keys.is_empty());
    let listed: Vec<String> = keys.iter().map(|k| format!("s3://gush/{k}")).collect();
    assert_eq!(stats["s3_objects"], serde_json::json!(listed), "{stats}");
    // What stays is whole objects: the start of the one run, cut on a row.
    let (_, want, _) = run(&[
        "records", "--preset", "users", "-s", "200MiB", "--seed", "5",
    ]);
    assert!(want.starts_with(&all) && all.ends_with(b"\n"));
}

/// A replayed log whose last line is longer than `--chunk`: the source
/// fails after about 13 MiB.
fn failing_log(dir: &std::path::Path) -> String {
    let path = dir.join("fails.log");
    let mut text = String::new();
    for i in 0..400_000 {
        text += &format!("line {i:08} of the replayed log\n");
    }
    text += &"x".repeat(300_000);
    text += "\n";
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_source_failing_mid_upload_aborts_it_and_makes_no_object() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let log = failing_log(dir.path());
    let args = [
        "replay",
        &log,
        "--chunk",
        "64KiB",
        "--part-size",
        "5MiB",
        "-o",
        "s3://gush/cut.log",
    ];
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("longer than --chunk"), "{stderr}");
    let stats = final_stats(&stderr);
    assert!(
        num(&stats, "s3_parts") >= 1,
        "a multipart upload was started: {stats}"
    );
    assert_eq!(stats["s3_aborted"], true, "{stats}");
    assert_eq!(
        moto.object("gush", "cut.log"),
        None,
        "a partial object is visible"
    );
    assert!(
        moto.open_uploads("gush").is_empty(),
        "the upload was not aborted"
    );
    // In a series, the objects before the failure stay; the cut one goes.
    let args = [
        "replay",
        &log,
        "--chunk",
        "64KiB",
        "--part-size",
        "5MiB",
        "-o",
        "s3://gush/s/part-{k}.log",
        "--file-size",
        "6MiB",
    ];
    let (code, stderr) = upload(&moto, &args);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(moto.keys("gush"), ["s/part-0.log", "s/part-1.log"]);
    assert!(
        moto.open_uploads("gush").is_empty(),
        "the upload was not aborted"
    );
    let text = std::fs::read(&log).unwrap();
    let mut all = moto.object("gush", "s/part-0.log").unwrap();
    all.extend(moto.object("gush", "s/part-1.log").unwrap());
    assert!(text.starts_with(&all));
}

#[test]
fn verifying_a_compressed_object_is_refused_up_front() {
    let (code, _, stderr) = run(&["lines", "-n", "10", "-o", "s3://gush/v.txt.zst", "--verify"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "--verify reads an S3 object back as it is, and -o s3://gush/v.txt.zst is compressed"
        ),
        "{stderr}"
    );
}
