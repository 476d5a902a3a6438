//! Lanes: a `{k}` series cut by records (`--file-records`, `--files` of
//! `--count`) written several files at once with `--threads N`. Every file
//! is byte for byte the one a single writer makes (CSV with its header,
//! JSON Lines, lines, zstd), with `--shard` too; `--file-size` keeps the
//! one stream; the report lists the files as they are on disk; a failure
//! in one lane stops the others and names its file; Ctrl-C leaves every
//! file cut at a whole record and reported as it is.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{
    TestDir, final_stats, gush, gush_std, limit_file_size, num, output_bounded, read, send_signal,
    stats_from, wait_until,
};

/// The outputs compared: a source, and the ending of the series' names.
const KINDS: [(&[&str], &str); 4] = [
    (&["records", "--preset", "users", "--format", "csv"], "csv"),
    (
        &["records", "--preset", "users", "--format", "jsonl"],
        "jsonl",
    ),
    (&["lines", "--preset", "syslog-rfc3164"], "log"),
    (
        &["records", "--preset", "users", "--format", "csv"],
        "csv.zst",
    ),
];

/// Writes `source` as a series under `dir` with `--threads threads` and
/// `extra`; returns the JSON report.
fn write(source: &[&str], dir: &Path, ending: &str, threads: &str, extra: &[&str]) -> Value {
    let run = gush(source)
        .args(extra)
        .args(["--threads", threads, "--seed", "7", "--stats=json", "-o"])
        .arg(dir.join(format!("part-{{k:03}}.{ending}")))
        .assert()
        .success();
    stats_from(&run.get_output().stderr)
}

/// The files of `dir`, sorted by name, with their bytes.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("list the series' directory")
        .map(|entry| entry.unwrap().path())
        .map(|path| (path.display().to_string(), read(&path)))
        .collect();
    files.sort();
    files
}

/// The report's `files`: names, bytes, and raw bytes where compressed.
fn listed(stats: &Value) -> Vec<(String, u64, Option<u64>)> {
    stats["files"]
        .as_array()
        .expect("files in the report")
        .iter()
        .map(|file| {
            (
                file["name"].as_str().unwrap().to_string(),
                num(file, "bytes"),
                file["raw_bytes"].as_u64(),
            )
        })
        .collect()
}

/// Checks that the report lists exactly the files on disk, in order, with
/// their sizes on disk and, for a compressed series, what each
/// decompresses to (as one writer reports).
fn listed_as_on_disk(stats: &Value, files: &[(String, Vec<u8>)]) {
    let on_disk: Vec<(String, u64, Option<u64>)> = files
        .iter()
        .map(|(name, data)| (name.clone(), data.len() as u64, raw_size(name, data)))
        .collect();
    assert_eq!(listed(stats), on_disk, "{stats}");
}

fn raw_size(name: &str, data: &[u8]) -> Option<u64> {
    name.ends_with(".zst")
        .then(|| zstd::decode_all(data).expect("a whole zstd stream").len() as u64)
}

/// The name of `path` without its directory.
fn base(path: &str) -> &str {
    path.rsplit('/').next().unwrap()
}

/// Each kind, split by `split`, with 1, 2 and 4 threads: the files of 2
/// and 4 lanes are the files of one writer, byte for byte, and listed as
/// on disk; the report says how many lanes wrote them.
fn same_files_whatever_the_lanes(amount: &[&str], split: &[&str], files: usize) {
    for (source, ending) in KINDS {
        let dir = TestDir::new();
        let mut extra = amount.to_vec();
        extra.extend(split);
        let mut first: Option<Vec<(String, Vec<u8>)>> = None;
        let mut totals = Vec::new();
        for threads in ["1", "2", "4"] {
            let out = dir.path(&format!("t{threads}"));
            let stats = write(source, &out, ending, threads, &extra);
            let written = files_in(&out);
            assert_eq!(written.len(), files, "{ending} with {threads} threads");
            listed_as_on_disk(&stats, &written);
            match threads {
                "1" => assert!(stats.get("lanes").is_none(), "{stats}"),
                n => assert_eq!(stats["lanes"].as_u64(), n.parse().ok(), "{stats}"),
            }
            // One summary for the lanes: their sums, as one writer's.
            totals.push((num(&stats, "bytes"), num(&stats, "records")));
            assert_eq!(totals[0], *totals.last().unwrap(), "{ending}: {stats}");
            match &first {
                None => first = Some(written),
                Some(one) => {
                    for ((a, x), (b, y)) in one.iter().zip(&written) {
                        assert_eq!(base(a), base(b));
                        assert!(x == y, "{ending}: {b} with {threads} threads differs");
                    }
                }
            }
        }
    }
}

#[test]
fn lanes_by_records_write_the_files_one_writer_writes() {
    same_files_whatever_the_lanes(&["-n", "3000"], &["--file-records", "700"], 5);
}

#[test]
fn lanes_by_count_write_the_files_one_writer_writes() {
    same_files_whatever_the_lanes(&["-n", "3001"], &["--files", "7"], 7);
}

#[test]
fn a_shard_in_lanes_writes_the_files_one_writer_writes() {
    let dir = TestDir::new();
    let source = KINDS[0].0;
    let amount = ["-n", "5000", "--shard", "1/2", "--files", "5"];
    write(source, &dir.path("one"), "csv", "1", &amount);
    let stats = write(source, &dir.path("lanes"), "csv", "3", &amount);
    assert_eq!(num(&stats, "lanes"), 3);
    let one = files_in(&dir.path("one"));
    let lanes = files_in(&dir.path("lanes"));
    assert_eq!(one.len(), 5);
    assert!(base(&lanes[0].0).starts_with("part-001-000"), "{lanes:?}");
    for ((a, x), (b, y)) in one.iter().zip(&lanes) {
        assert_eq!(base(a), base(b));
        assert!(x == y, "{b} differs from one writer's");
    }
}

#[test]
fn file_size_keeps_one_ordered_stream() {
    let dir = TestDir::new();
    let extra = ["-n", "3000", "--file-size", "50000"];
    let stats = write(KINDS[0].0, dir.root(), "csv", "4", &extra);
    assert!(stats.get("lanes").is_none(), "{stats}");
    assert!(files_in(dir.root()).len() > 2);
}

#[test]
fn the_summary_says_how_many_lanes_wrote_the_files() {
    let dir = TestDir::new();
    let run = gush([
        "lines",
        "-n",
        "1000",
        "--files",
        "4",
        "--threads",
        "2",
        "--stats",
    ])
    .arg("-o")
    .arg(dir.path("p{k}"))
    .assert()
    .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("files: 4, "), "{stderr}");
    assert!(
        stderr.contains("lanes: 2 files written at once"),
        "{stderr}"
    );
}

mod faults {
    use super::*;

    /// The one writer's files, for what a cut-short run left to start.
    fn one_writer(dir: &TestDir, source: &[&str], extra: &[&str]) -> Vec<Vec<u8>> {
        write(source, &dir.path("one"), "log", "1", extra);
        files_in(&dir.path("one"))
            .into_iter()
            .map(|(_, data)| data)
            .collect()
    }

    /// Every file left is made of whole records, starts the one writer's
    /// file of its number, and is listed as on disk; the total is theirs.
    fn whole_and_as_reported(dir: &Path, stats: &Value, one: &[Vec<u8>]) -> usize {
        let files = files_in(dir);
        listed_as_on_disk(stats, &files);
        for (name, data) in &files {
            assert!(data.ends_with(b"\n"), "{name} ends mid-record");
            // `part-003.log`: file 3.
            let k: usize = base(name)[5..8].parse().unwrap();
            assert!(
                one[k].starts_with(data),
                "{name} is not one writer's file {k} cut short"
            );
        }
        let total: u64 = files.iter().map(|(_, data)| data.len() as u64).sum();
        assert_eq!(num(stats, "bytes"), total, "{stats}");
        files.len()
    }

    #[test]
    fn a_file_that_cannot_be_opened_stops_the_other_lanes_and_is_named() {
        let dir = TestDir::new();
        let source = ["lines", "--preset", "syslog-rfc3164", "-n", "40000"];
        let split = ["--files", "8", "--chunk", "4KiB", "--sink-delay", "1ms"];
        let one = one_writer(&dir, &source, &split);
        let out = dir.path("lanes");
        std::fs::create_dir_all(out.join("part-003.log")).unwrap();
        let run = gush(source)
            .args(split)
            .args([
                "--threads",
                "2",
                "--seed",
                "7",
                "--force",
                "--stats=json",
                "-o",
            ])
            .arg(out.join("part-{k:03}.log"))
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        let message = stderr
            .lines()
            .find(|l| l.starts_with("gush:"))
            .unwrap_or("");
        assert!(
            message.contains("part-003.log: it is a directory"),
            "{stderr}"
        );
        // One clean line: the file named once.
        assert_eq!(message.matches("part-003.log").count(), 1, "{stderr}");
        assert!(
            message.contains("the other lanes cut at whole records"),
            "{stderr}"
        );
        std::fs::remove_dir(out.join("part-003.log")).unwrap();
        let stats = final_stats(&stderr);
        assert_eq!(stats["end"], "error", "{stats}");
        let left = whole_and_as_reported(&out, &stats, &one);
        assert!(left < 8, "the other lanes went on: {left} files");
        // The message counts the files on disk, in good English.
        let files = if left == 1 { "file" } else { "files" };
        assert!(
            message.contains(&format!("stopped with {left} {files} (")),
            "{stderr}"
        );
        assert!(
            !out.join("part-007.log").exists(),
            "lane 1 went on past its failure"
        );
    }

    #[test]
    fn a_write_that_fails_midway_cuts_its_file_back_and_stops_the_run() {
        let dir = TestDir::new();
        let source = ["lines", "--preset", "syslog-rfc3164", "-n", "4000"];
        let split = ["--file-records", "500", "--chunk", "4KiB"];
        let one = one_writer(&dir, &source, &split);
        let out = dir.path("lanes");
        let mut cmd = gush_std(source);
        cmd.args(split)
            .args(["--threads", "3", "--seed", "7", "--stats=json", "-o"])
            .arg(out.join("part-{k:03}.log"));
        // Every file is some 50 kB: each would cross 30000 bytes.
        limit_file_size(&mut cmd, 30_000);
        let output = output_bounded(cmd.stderr(Stdio::piped()).spawn().expect("spawn gush"));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("ulimit -f"), "{stderr}");
        assert!(stderr.contains("cannot write to "), "{stderr}");
        assert!(
            stderr.contains("/part-00"),
            "the file is not named: {stderr}"
        );
        let stats = final_stats(&stderr);
        let left = whole_and_as_reported(&out, &stats, &one);
        assert!(left <= 3, "lanes went on after the failure: {left} files");
    }

    #[test]
    fn ctrl_c_cuts_every_lane_at_a_whole_record_and_reports_what_is_on_disk() {
        let dir = TestDir::new();
        let source = ["lines", "--preset", "syslog-rfc3164", "-n", "60000"];
        let split = [
            "--file-records",
            "1000",
            "--chunk",
            "4KiB",
            "--hwm",
            "16KiB",
        ];
        let one = one_writer(&dir, &source, &split);
        let out = dir.path("lanes");
        let mut cmd = gush_std(source);
        cmd.args(split)
            .args(["--sink-delay", "2ms", "--threads", "3", "--seed", "7"])
            .args(["--stats=json", "-o"])
            .arg(out.join("part-{k:03}.log"))
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn gush");
        let fifth = out.join("part-004.log");
        wait_until("the fifth file", &mut child, |_| fifth.exists());
        send_signal(&child, libc::SIGINT);
        let output = output_bounded(child);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(130), "{stderr}");
        let stats = final_stats(&stderr);
        assert_eq!(stats["end"], "interrupted", "{stats}");
        let left = whole_and_as_reported(&out, &stats, &one);
        assert!((5..60).contains(&left), "{left} files");
    }
}

/// One writer whose next file cannot be opened names that file, once, on
/// one line (not the file before it, nor the opener's words again).
#[test]
fn one_writer_names_the_file_it_cannot_open_once() {
    let dir = TestDir::new();
    std::fs::create_dir_all(dir.path("part-002.log")).unwrap();
    let run = gush(["lines", "-n", "4000", "--files", "4", "--threads", "1"])
        .args(["--force", "-q", "-o"])
        .arg(dir.path("part-{k:03}.log"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(stderr.matches("part-").count(), 1, "{stderr}");
    assert!(
        stderr.contains("part-002.log: it is a directory"),
        "{stderr}"
    );
}
