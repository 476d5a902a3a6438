//! `{k}` series of Parquet objects against moto: each object a whole
//! Parquet file, byte for byte the file of the same number that the
//! on-disk series of the same seed and split writes (by `--file-records`,
//! `--files` and `--file-size`; single PUTs and multipart uploads), the
//! summary listing the objects with the `parquet` block; and Ctrl-C mid-
//! series keeping the completed objects, the one in progress aborted.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use super::kit::{Moto, gush_s3, interrupt_mid_series};
use crate::common::{TestDir, final_stats, num, output_bounded, run, text};

const PART: u64 = 5 << 20;

/// The users records, as Parquet.
const USERS: [&str; 9] = [
    "records", "--preset", "users", "--seed", "3", "--format", "parquet", "-n", "300000",
];

/// The series on disk under `dir`: the files' names and bytes, in order.
fn on_disk(dir: &Path, args: &[&str], split: &[&str]) -> Vec<(String, Vec<u8>)> {
    let template = dir.join("u-{k:02}.parquet");
    let mut all = args.to_vec();
    all.extend(split);
    all.extend(["-o", template.to_str().unwrap(), "-q"]);
    let (code, _, stderr) = run(&all);
    assert_eq!(code, 0, "{stderr}");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            (name, std::fs::read(path).unwrap())
        })
        .collect()
}

/// Runs `args` with `split` to `s3://gush/PREFIX/u-{k:02}.parquet` with a
/// JSON summary; returns the exit code, stderr and summary.
fn to_store(moto: &Moto, prefix: &str, args: &[&str], split: &[&str]) -> (i32, String, Value) {
    let url = format!("s3://gush/{prefix}/u-{{k:02}}.parquet");
    let mut all = args.to_vec();
    all.extend(split);
    all.extend(["--part-size", "5MiB", "-o", &url, "--stats=json"]);
    let child = gush_s3(&moto.endpoint(), &all)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = output_bounded(child);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stats = final_stats(&stderr);
    (out.status.code().unwrap_or(-1), stderr, stats)
}

/// The objects under `prefix/`, in key order, with their bytes.
fn objects(moto: &Moto, prefix: &str) -> Vec<(String, Vec<u8>)> {
    moto.keys("gush")
        .into_iter()
        .filter_map(|key| {
            let name = key.strip_prefix(&format!("{prefix}/"))?.to_string();
            let object = moto.object("gush", &key).expect("a listed key");
            Some((name, object))
        })
        .collect()
}

#[test]
fn parquet_objects_are_the_on_disk_series_byte_for_byte() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let splits: [(&str, &[&str]); 3] = [
        ("records", &["--file-records", "100000"]),
        ("files", &["--files", "3"]),
        // A 6 MiB object is a multipart upload of 5 MiB parts.
        ("size", &["--file-size", "6MiB"]),
    ];
    for (prefix, split) in splits {
        let dir = TestDir::new();
        let want = on_disk(dir.root(), &USERS, split);
        let (code, stderr, stats) = to_store(&moto, prefix, &USERS, split);
        assert_eq!(code, 0, "{split:?}: {stderr}");
        let got = objects(&moto, prefix);
        let names =
            |all: &[(String, Vec<u8>)]| all.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&got), names(&want), "{split:?}");
        for ((name, object), (_, file)) in got.iter().zip(&want) {
            assert!(
                object == file,
                "{split:?}: {name} is {} bytes in the store, {} on disk",
                object.len(),
                file.len()
            );
            assert!(object.starts_with(b"PAR1") && object.ends_with(b"PAR1"));
        }
        // The summary lists the objects, and the Parquet block is theirs.
        let listed: Vec<String> = got
            .iter()
            .map(|(name, _)| format!("s3://gush/{prefix}/{name}"))
            .collect();
        assert_eq!(stats["s3_objects"], serde_json::json!(listed), "{stats}");
        let parquet = &stats["parquet"];
        assert_eq!(num(parquet, "files"), got.len() as u64, "{stats}");
        assert_eq!(num(parquet, "rows"), 300_000, "{stats}");
        let bytes: usize = got.iter().map(|(_, object)| object.len()).sum();
        assert_eq!(num(parquet, "bytes"), bytes as u64, "{stats}");
        assert_eq!(text(parquet, "compression"), "zstd:3");
        // One latency per part and per single PUT, as for one object.
        let single_puts = got.iter().filter(|(_, o)| (o.len() as u64) < PART).count();
        let timed = num(&stats, "s3_parts") + single_puts as u64;
        assert_eq!(num(&stats["write_lat_ns"], "N"), timed, "{stats}");
        if prefix == "size" {
            assert!(num(&stats, "s3_parts") >= 2, "{stats}");
        }
        assert!(moto.open_uploads("gush").is_empty());
    }
    let human = stderr_of_human_run(&moto);
    assert!(
        human.contains("parquet: 3 files") && human.contains("300000 rows"),
        "{human}"
    );
    assert!(
        human.contains("s3: 3 objects completed (s3://gush/h/u-0.parquet … s3://gush/h/u-2.parquet), one PUT each"),
        "{human}"
    );
}

/// The human summary of a small series: what a person sees.
fn stderr_of_human_run(moto: &Moto) -> String {
    let mut args = USERS.to_vec();
    args.extend(["--files", "3", "-o", "s3://gush/h/u-{k}.parquet", "--stats"]);
    let out = output_bounded(
        gush_s3(&moto.endpoint(), &args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stderr
}

#[test]
fn ctrl_c_mid_parquet_series_keeps_whole_objects_and_aborts_the_one_in_progress() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let mut args = USERS.to_vec();
    args[8] = "20000000";
    // Objects of 10 MiB: an upload is open for half of each one's time.
    let split = ["--file-size", "10MiB"];
    let mut all = args.clone();
    all.extend(split);
    all.extend(["--part-size", "5MiB", "--sink-rate", "20MiB/s"]);
    all.extend(["-o", "s3://gush/cut/u-{k:02}.parquet", "--stats=json"]);
    // Mid-series: an object done, the next one's multipart upload open.
    let stderr = interrupt_mid_series(&moto, &all);
    let stats = final_stats(&stderr);
    let got = objects(&moto, "cut");
    assert!(!got.is_empty());
    let listed: Vec<String> = got
        .iter()
        .map(|(name, _)| format!("s3://gush/cut/{name}"))
        .collect();
    assert_eq!(stats["s3_objects"], serde_json::json!(listed), "{stats}");
    // The Parquet block counts the completed objects, not the aborted one.
    assert_eq!(num(&stats["parquet"], "files"), got.len() as u64, "{stats}");
    // Each one kept is whole: the on-disk series' file of its number.
    args[8] = "2000000";
    let dir = TestDir::new();
    let want = on_disk(dir.root(), &args, &split);
    assert!(want.len() > got.len() + 1, "{} files on disk", want.len());
    for ((name, object), (file_name, file)) in got.iter().zip(&want) {
        assert_eq!(name, file_name);
        assert!(object == file, "{name} differs from the file on disk");
    }
}
