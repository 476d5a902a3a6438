//! `--format parquet` with `-o part-{k}.parquet`: each file a whole
//! Parquet file (read back with the parquet crate), cut by rows exactly
//! (`--file-records`, `--files`) or near `--file-size`, and every value
//! across the files equal to the one CSV of the same seed; and the faults:
//! a full disk removes the half-written file and names it, Ctrl-C gives
//! the file written so far its footer.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use parquet::file::reader::FileReader;
use serde_json::Value;

use crate::common::{
    TestDir, gush, gush_std, num, send_signal, stats_from, text, wait_bounded, wait_for_size,
};
use crate::parquet::{
    ALL_KINDS, column_types, csv_rows, instant_as_ms_text, reader, rows_as_text, write,
};

/// The series' files in `dir`, in order.
fn files_of(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort();
    files
}

/// Each file's rows (and so that each reads as a Parquet file).
fn rows_each(files: &[PathBuf]) -> Vec<i64> {
    files
        .iter()
        .map(|file| reader(file).metadata().file_metadata().num_rows())
        .collect()
}

/// Every value of the files, in order, equals the CSV's of the same seed.
fn same_values_as_csv(files: &[PathBuf], csv: &Path) {
    let names: Vec<String> = column_types(&files[0])
        .into_iter()
        .map(|(n, ..)| n)
        .collect();
    let from_parquet: Vec<Vec<String>> = files.iter().flat_map(|f| rows_as_text(f)).collect();
    let from_csv = csv_rows(csv);
    assert_eq!(from_parquet.len(), from_csv.len());
    for (i, (p, c)) in from_parquet.iter().zip(&from_csv).enumerate() {
        for ((name, p), c) in names.iter().zip(p).zip(c) {
            assert_eq!(*p, instant_as_ms_text(c, name), "row {i}, column {name}");
        }
    }
}

/// A Parquet file's bytes before its footer (the footer's length and
/// `PAR1` are its last 8 bytes).
fn data_bytes(file: &Path) -> u64 {
    let bytes = std::fs::read(file).unwrap();
    let tail = &bytes[bytes.len() - 8..];
    assert_eq!(&tail[4..], b"PAR1");
    let footer = u32::from_le_bytes(tail[..4].try_into().unwrap()) as u64;
    bytes.len() as u64 - footer - 8
}

/// The JSON summary's list of files agrees with the disk and the files.
fn summary_matches(stats: &Value, files: &[PathBuf]) {
    let listed = stats["files"].as_array().expect("files listed");
    assert_eq!(listed.len(), files.len(), "{stats}");
    let rows = rows_each(files);
    for ((entry, file), rows) in listed.iter().zip(files).zip(&rows) {
        assert_eq!(entry["name"].as_str().unwrap(), file.to_str().unwrap());
        let on_disk = std::fs::metadata(file).unwrap().len();
        assert_eq!(entry["bytes"].as_u64(), Some(on_disk), "{entry}");
        assert_eq!(entry["rows"].as_i64(), Some(*rows), "{entry}");
    }
    let parquet = &stats["parquet"];
    assert_eq!(
        parquet["files"].as_u64(),
        Some(files.len() as u64),
        "{stats}"
    );
    assert_eq!(parquet["rows"].as_i64(), Some(rows.iter().sum()), "{stats}");
    assert_eq!(num(stats, "records") as i64, rows.iter().sum::<i64>());
    assert_eq!(text(parquet, "compression"), "zstd:3");
}

/// Writes ALL_KINDS as a Parquet series in `dir/sub` with `extra`, and
/// returns its files and the JSON summary.
fn series(dir: &TestDir, sub: &str, count: &str, extra: &[&str]) -> (Vec<PathBuf>, Value) {
    let template = dir.path(&format!("{sub}/part-{{k:03}}.parquet"));
    let mut args = vec![
        "records",
        "--schema",
        ALL_KINDS,
        "--format",
        "parquet",
        "-n",
        count,
        "--seed",
        "7",
        "--stats=json",
        "-o",
        template.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = gush(args).assert().success();
    let stats = stats_from(&out.get_output().stderr);
    (files_of(&dir.path(sub)), stats)
}

#[test]
fn file_records_cut_every_file_exactly_and_the_values_are_the_csvs() {
    let dir = TestDir::new();
    let csv = dir.path("all.csv");
    write(ALL_KINDS, "csv", "5000", &csv, &[]);
    for threads in ["1", "4"] {
        let sub = format!("t{threads}");
        let (files, stats) = series(
            &dir,
            &sub,
            "5000",
            &["--file-records", "1200", "--threads", threads],
        );
        assert_eq!(
            rows_each(&files),
            [1200, 1200, 1200, 1200, 200],
            "{threads} threads"
        );
        same_values_as_csv(&files, &csv);
        summary_matches(&stats, &files);
    }
}

#[test]
fn files_n_divides_the_rows_into_near_equal_files() {
    let dir = TestDir::new();
    let csv = dir.path("all.csv");
    write(ALL_KINDS, "csv", "5000", &csv, &[]);
    let (files, stats) = series(&dir, "n", "5000", &["--files", "3", "--threads", "4"]);
    assert_eq!(rows_each(&files), [1666, 1667, 1667]);
    same_values_as_csv(&files, &csv);
    summary_matches(&stats, &files);
}

#[test]
fn file_size_ends_each_file_once_it_reaches_the_limit() {
    const LIMIT: u64 = 200_000;
    let dir = TestDir::new();
    let csv = dir.path("all.csv");
    write(ALL_KINDS, "csv", "40000", &csv, &[]);
    let mut bytes_by_threads = Vec::new();
    for threads in ["1", "4"] {
        let sub = format!("t{threads}");
        let (files, stats) = series(
            &dir,
            &sub,
            "40000",
            &["--file-size", "200KB", "--threads", threads],
        );
        assert!(files.len() >= 4, "{} files", files.len());
        // Every file but the last ended once its written bytes (its
        // footer aside, as DuckDB counts them) reached the limit, checked
        // as rows come: past it by about a row group, capped at SIZE/8 of
        // values (a few of them once encoded), and its footer.
        let (last, full) = files.split_last().unwrap();
        for file in full {
            let data = data_bytes(file);
            let size = std::fs::metadata(file).unwrap().len();
            assert!(
                (LIMIT..LIMIT * 5 / 4).contains(&data) && size < LIMIT * 3 / 2,
                "{}: {data} bytes before the footer, {size} in all",
                file.display()
            );
        }
        assert!(data_bytes(last) < LIMIT * 5 / 4);
        same_values_as_csv(&files, &csv);
        summary_matches(&stats, &files);
        bytes_by_threads.push(
            files
                .iter()
                .map(|f| std::fs::read(f).unwrap())
                .collect::<Vec<_>>(),
        );
    }
    assert!(
        bytes_by_threads[0] == bytes_by_threads[1],
        "the files differ with the threads"
    );
}

#[test]
fn a_full_disk_removes_the_half_written_file_and_names_it() {
    const LIMIT: u64 = 256 * 1024;
    let dir = TestDir::new();
    let out = dir.path("big.parquet");
    let mut cmd = gush_std([
        "records",
        "--schema",
        ALL_KINDS,
        "--format",
        "parquet",
        "-n",
        "200000",
        "--row-group",
        "64KiB",
        "-q",
        "-o",
    ]);
    cmd.arg(&out);
    crate::common::limit_file_size(&mut cmd, LIMIT);
    let run = assert_cmd::Command::from_std(cmd)
        .timeout(crate::common::RUN_LIMIT)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(
        stderr.contains(&*out.to_string_lossy()),
        "not named: {stderr}"
    );
    assert!(stderr.contains("removed"), "removal not said: {stderr}");
    assert!(!out.exists(), "the footless file is still there");
}

#[test]
fn a_full_disk_mid_series_keeps_the_earlier_files_whole() {
    let mount = crate::disk::Mount::new("tmpfs", "size=1m");
    let template = mount.dir.path("part-{k}.parquet");
    let (code, _, stderr) = crate::common::run(&[
        "records",
        "--schema",
        ALL_KINDS,
        "--format",
        "parquet",
        "-n",
        "1000000",
        "--file-size",
        "200KB",
        "-q",
        "-o",
        template.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.contains("No space left"), "{stderr}");
    assert!(stderr.contains("removed"), "{stderr}");
    let files = files_of(mount.dir.root());
    assert!(files.len() >= 3, "{files:?}");
    let failed = mount.dir.path(&format!("part-{}.parquet", files.len()));
    assert!(
        stderr.contains(&*failed.to_string_lossy()),
        "not named: {stderr}"
    );
    // The files left are whole Parquet files, in order, from row 0.
    let rows = rows_each(&files);
    assert!(rows.iter().all(|&r| r > 0), "{rows:?}");
}

/// Starts an endless, slowed Parquet run writing to `out`.
fn endless(out: &Path, extra: &[&str]) -> std::process::Child {
    let mut cmd = gush_std([
        "records",
        "--schema",
        ALL_KINDS,
        "--format",
        "parquet",
        "--seed",
        "7",
        "--row-group",
        "16KiB",
        "--chunk",
        "16KiB",
        "--sink-delay",
        "5ms",
        "--stats=json",
        "-o",
    ]);
    cmd.arg(out)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd.spawn().expect("gush starts")
}

fn stderr_json(child: &mut std::process::Child) -> Value {
    let mut stderr = Vec::new();
    std::io::Read::read_to_end(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    stats_from(&stderr)
}

#[test]
fn ctrl_c_gives_the_file_its_footer_and_the_report_is_the_file() {
    let dir = TestDir::new();
    let out = dir.path("cut.parquet");
    let mut child = endless(&out, &[]);
    // A few row groups are in the file.
    wait_for_size(&out, 64 * 1024, &mut child);
    send_signal(&child, libc::SIGINT);
    let status = wait_bounded(&mut child, Duration::from_secs(20));
    let stats = stderr_json(&mut child);
    assert_eq!(status.code(), Some(130), "{stats}");
    assert_eq!(text(&stats, "end"), "interrupted");
    let rows = rows_each(std::slice::from_ref(&out))[0];
    assert!(rows > 0);
    assert_eq!(num(&stats, "records") as i64, rows, "{stats}");
    assert_eq!(stats["parquet"]["rows"].as_i64(), Some(rows), "{stats}");
    let on_disk = std::fs::metadata(&out).unwrap().len();
    assert_eq!(stats["parquet"]["bytes"].as_u64(), Some(on_disk), "{stats}");
    // Whole rows, the seed's first ones.
    let csv = dir.path("cut.csv");
    write(ALL_KINDS, "csv", &rows.to_string(), &csv, &[]);
    same_values_as_csv(&[out], &csv);
}

#[test]
fn ctrl_c_between_files_leaves_every_file_whole() {
    let dir = TestDir::new();
    let template = dir.path("s/part-{k:03}.parquet");
    let mut child = endless(&template, &["--file-records", "300"]);
    wait_for_size(&dir.path("s/part-002.parquet"), 1, &mut child);
    send_signal(&child, libc::SIGINT);
    let status = wait_bounded(&mut child, Duration::from_secs(20));
    let stats = stderr_json(&mut child);
    assert_eq!(status.code(), Some(130), "{stats}");
    let files = files_of(&dir.path("s"));
    let rows = rows_each(&files);
    assert!(rows.len() >= 3, "{rows:?}");
    let (last, full) = rows.split_last().unwrap();
    assert!(full.iter().all(|&r| r == 300), "{rows:?}");
    assert!((1..=300).contains(last), "{rows:?}");
    summary_matches(&stats, &files);
    let csv = dir.path("s.csv");
    write(
        ALL_KINDS,
        "csv",
        &rows.iter().sum::<i64>().to_string(),
        &csv,
        &[],
    );
    same_values_as_csv(&files, &csv);
}

/// `--threads N` with a split by rows writes N Parquet files at once: each
/// file is byte for byte the one writer's (compared as `cmp` would), the
/// rows read back are the split's, and the report sums every lane's.
#[test]
fn lanes_write_the_parquet_files_one_writer_writes() {
    let dir = TestDir::new();
    let mut first: Option<Vec<Vec<u8>>> = None;
    for threads in ["1", "2", "4"] {
        let sub = format!("t{threads}");
        let extra = ["--files", "5", "--row-group", "64KiB", "--threads", threads];
        let (files, stats) = series(&dir, &sub, "6001", &extra);
        assert_eq!(rows_each(&files), [1200, 1200, 1200, 1200, 1201]);
        match threads {
            "1" => assert!(stats.get("lanes").is_none(), "{stats}"),
            n => assert_eq!(stats["lanes"].as_u64(), n.parse().ok(), "{stats}"),
        }
        summary_matches(&stats, &files);
        let bytes: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
        let on_disk: u64 = bytes.iter().map(|b| b.len() as u64).sum();
        assert_eq!(stats["parquet"]["bytes"].as_u64(), Some(on_disk), "{stats}");
        match &first {
            None => first = Some(bytes),
            Some(one) => assert!(*one == bytes, "{threads} lanes wrote other bytes"),
        }
    }
}
