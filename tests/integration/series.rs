//! A series of files (`-o out/part-{k:04}.csv` with `--file-size`,
//! `--file-records` or `--files`): every file within its limit and
//! starting with the header row, the files put end to end (later headers
//! taken out) equal to the one file of the same seed, with 1 and 4
//! threads and with `--shard`; the report listing what is on disk; and
//! what a full disk, Ctrl-C or an unwritable directory leave.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{
    TestDir, final_stats, gush, gush_std, num, output_bounded, read, send_signal, stats_from,
    wait_until,
};

/// What each kind of output is made with: a CSV/TSV header, or none.
const KINDS: [(&str, &[&str]); 4] = [
    ("csv", &["records", "--preset", "users", "--format", "csv"]),
    ("tsv", &["records", "--preset", "users", "--format", "tsv"]),
    (
        "jsonl",
        &["records", "--preset", "users", "--format", "jsonl"],
    ),
    ("lines", &["lines", "--preset", "syslog-rfc3164"]),
];

/// Whether files of this kind start with a header row.
fn has_header(kind: &str) -> bool {
    matches!(kind, "csv" | "tsv")
}

/// The one file `source` writes with `amount`, for the files to equal.
fn one_file(dir: &TestDir, source: &[&str], amount: &[&str]) -> Vec<u8> {
    let path = dir.path("one");
    let _ = std::fs::remove_file(&path);
    gush(source)
        .args(amount)
        .args(["--seed", "7", "-q", "-o"])
        .arg(&path)
        .assert()
        .success();
    read(&path)
}

/// Runs `source` into `template` with `extra` and returns the JSON report.
fn write_series(source: &[&str], template: &Path, extra: &[&str]) -> Value {
    let run = gush(source)
        .args(extra)
        .args(["--seed", "7", "--stats=json", "-o"])
        .arg(template)
        .assert()
        .success();
    stats_from(&run.get_output().stderr)
}

/// The files of `dir` whose names start with `prefix`, sorted, with their
/// bytes.
fn files_in(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("list the series' directory")
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_str().unwrap();
            name.starts_with(prefix)
        })
        .map(|path| (path.display().to_string(), read(&path)))
        .collect();
    files.sort();
    files
}

/// The files end to end, each one's header (its first line, when the kind
/// has one) checked and left out after the first file's.
fn joined(files: &[(String, Vec<u8>)], header: Option<&[u8]>) -> Vec<u8> {
    let mut all = Vec::new();
    for (i, (name, data)) in files.iter().enumerate() {
        let body = match header {
            Some(header) => {
                assert!(data.starts_with(header), "{name} has no header row");
                if i == 0 {
                    &data[..]
                } else {
                    &data[header.len()..]
                }
            }
            None => &data[..],
        };
        all.extend_from_slice(body);
    }
    all
}

/// The first line of `data`, newline included.
fn first_line(data: &[u8]) -> &[u8] {
    let end = data.iter().position(|&b| b == b'\n').unwrap() + 1;
    &data[..end]
}

/// Checks that the report's `files` are the files on disk, in order.
fn listed_as_on_disk(stats: &Value, files: &[(String, Vec<u8>)]) {
    let listed = stats["files"].as_array().expect("files in the report");
    let listed: Vec<(String, u64)> = listed
        .iter()
        .map(|file| {
            (
                file["name"].as_str().unwrap().to_string(),
                num(file, "bytes"),
            )
        })
        .collect();
    let on_disk: Vec<(String, u64)> = files
        .iter()
        .map(|(name, data)| (name.clone(), data.len() as u64))
        .collect();
    assert_eq!(listed, on_disk, "{stats}");
}

/// Splits each kind by `split` with 1 and 4 threads, checks every file
/// with `each_file` (given the kind, the file and whether it is the last),
/// the report against the disk, and the files joined against one file.
fn split_every_kind(
    amount: &[&str],
    split: &[&str],
    each_file: impl Fn(&str, &[u8], bool),
) -> Vec<usize> {
    let mut counts = Vec::new();
    for (kind, source) in KINDS {
        let dir = TestDir::new();
        let one = one_file(&dir, source, amount);
        for threads in ["1", "4"] {
            let series = dir.path(&format!("t{threads}/part-{{k:04}}.{kind}"));
            let mut extra = vec!["--threads", threads];
            extra.extend(amount);
            extra.extend(split);
            let stats = write_series(source, &series, &extra);
            let files = files_in(&dir.path(&format!("t{threads}")), "part-");
            assert!(files.len() > 1, "{kind}: one file only");
            listed_as_on_disk(&stats, &files);
            let header = has_header(kind).then(|| first_line(&one));
            for (i, (_, data)) in files.iter().enumerate() {
                assert!(data.ends_with(b"\n"), "{kind}: a file ends mid-record");
                each_file(kind, data, i + 1 == files.len());
            }
            assert!(
                joined(&files, header) == one,
                "{kind} with {threads} threads: the files joined differ from one file"
            );
            counts.push(files.len());
        }
    }
    counts
}

#[test]
fn by_size_every_file_fits_and_the_files_join_to_one() {
    let counts = split_every_kind(
        &["-n", "3000"],
        &["--file-size", "40000"],
        |kind, data, _| {
            assert!(
                data.len() <= 40_000,
                "{kind}: a file of {} bytes",
                data.len()
            );
        },
    );
    assert!(counts.iter().all(|&n| n >= 5), "{counts:?}");
}

#[test]
fn by_records_every_file_holds_that_many_and_the_files_join_to_one() {
    let counts = split_every_kind(
        &["-n", "1050"],
        &["--file-records", "100"],
        |kind, data, last| {
            let header = u64::from(has_header(kind));
            let lines = data.iter().filter(|&&b| b == b'\n').count() as u64;
            match last {
                false => assert_eq!(lines, 100 + header, "{kind}"),
                true => assert_eq!(lines, 50 + header, "{kind}"),
            }
        },
    );
    assert!(counts.iter().all(|&n| n == 11), "{counts:?}");
}

#[test]
fn files_divide_the_count_into_near_equal_files() {
    let counts = split_every_kind(&["-n", "1000"], &["--files", "7"], |kind, data, _| {
        let header = u64::from(has_header(kind));
        let lines = data.iter().filter(|&&b| b == b'\n').count() as u64;
        assert!(
            (142 + header..=143 + header).contains(&lines),
            "{kind}: {lines} lines"
        );
    });
    assert!(counts.iter().all(|&n| n == 7), "{counts:?}");
}

#[test]
fn files_divide_the_size_into_near_equal_files() {
    let dir = TestDir::new();
    let source = ["lines", "--preset", "syslog-rfc3164"];
    let one = one_file(&dir, &source, &["-s", "100000"]);
    let stats = write_series(
        &source,
        &dir.path("s/p{k}.log"),
        &["-s", "100000", "--files", "4"],
    );
    let files = files_in(&dir.path("s"), "p");
    assert_eq!(files.len(), 4);
    listed_as_on_disk(&stats, &files);
    for (name, data) in &files {
        assert!(
            (24_000..=26_000).contains(&data.len()),
            "{name}: {}",
            data.len()
        );
    }
    assert!(joined(&files, None) == one);
}

#[test]
fn a_record_larger_than_the_file_size_goes_alone_in_its_file() {
    let dir = TestDir::new();
    write_series(
        &["lines"],
        &dir.path("p{k:02}"),
        &["-n", "12", "--file-size", "4"],
    );
    let files = files_in(dir.root(), "p");
    assert_eq!(files.len(), 12);
    for (i, (name, data)) in files.iter().enumerate() {
        assert_eq!(data, format!("Line {i}\n").as_bytes(), "{name}");
    }
    assert_eq!(files[10].0, dir.path("p10").display().to_string());
    assert_eq!(files[0].0, dir.path("p00").display().to_string());
}

#[test]
fn shards_number_their_own_files_and_join_to_the_whole() {
    let dir = TestDir::new();
    let source = ["records", "--preset", "users"];
    let one = one_file(&dir, &source, &["-n", "1000"]);
    for shard in ["0/3", "1/3", "2/3"] {
        let stats = write_series(
            &source,
            &dir.path("sh/part-{k:03}.csv"),
            &["-n", "1000", "--shard", shard, "--file-records", "150"],
        );
        let k = &shard[..1];
        let files = files_in(&dir.path("sh"), &format!("part-00{k}-"));
        listed_as_on_disk(&stats, &files);
        assert_eq!(files.len(), 3, "shard {shard}: 333 or 334 records");
        assert!(files[0].0.ends_with(&format!("part-00{k}-000.csv")));
    }
    let files = files_in(&dir.path("sh"), "part-");
    assert_eq!(files.len(), 9);
    assert!(joined(&files, Some(first_line(&one))) == one);
}

#[test]
fn a_csv_field_with_a_newline_stays_inside_its_record() {
    let dir = TestDir::new();
    let source = ["records", "--schema", "id={n},note=a\nb \"{word}\""];
    let one = one_file(&dir, &source, &["-n", "9"]);
    write_series(
        &source,
        &dir.path("p{k}.csv"),
        &["-n", "9", "--file-records", "2"],
    );
    let files = files_in(dir.root(), "p");
    assert_eq!(files.len(), 5);
    for (name, data) in &files[..4] {
        // The header, then two records of two lines each.
        let lines = data.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(lines, 5, "{name}: {}", String::from_utf8_lossy(data));
    }
    assert!(joined(&files, Some(first_line(&one))) == one);
}

#[test]
fn no_header_leaves_every_file_without_one() {
    let dir = TestDir::new();
    let source = ["records", "--preset", "users", "--no-header"];
    let one = one_file(&dir, &source, &["-n", "500"]);
    write_series(
        &source,
        &dir.path("p{k}.csv"),
        &["-n", "500", "--files", "3"],
    );
    let files = files_in(dir.root(), "p");
    assert_eq!(files.len(), 3);
    assert!(joined(&files, None) == one);
}

#[test]
fn the_summary_names_the_count_and_the_first_and_last_file() {
    let dir = TestDir::new();
    let template = dir.path("new/dir/p{k:02}.log");
    let run = gush([
        "lines",
        "-n",
        "100",
        "--file-records",
        "10",
        "--stats",
        "-o",
    ])
    .arg(&template)
    .assert()
    .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let first = dir.path("new/dir/p00.log").display().to_string();
    let last = dir.path("new/dir/p09.log").display().to_string();
    assert!(
        stderr.contains(&format!("files: 10, {first} … {last}")),
        "{stderr}"
    );
}

#[test]
fn existing_files_of_the_series_are_refused_without_force() {
    let dir = TestDir::new();
    dir.file("p-0003.csv", b"keep me\n");
    dir.file("p-other.csv", b"not ours\n");
    let run = gush([
        "records",
        "--preset",
        "users",
        "-n",
        "100",
        "--file-records",
        "10",
        "-o",
    ])
    .arg(dir.path("p-{k:04}.csv"))
    .assert()
    .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("p-0003.csv") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(files_in(dir.root(), "p-").len(), 2, "a file was written");
    gush([
        "records",
        "--preset",
        "users",
        "-n",
        "100",
        "--file-records",
        "10",
    ])
    .args(["--force", "-q", "-o"])
    .arg(dir.path("p-{k:04}.csv"))
    .assert()
    .success();
    assert_eq!(files_in(dir.root(), "p-0").len(), 10);
    assert_ne!(read(&dir.path("p-0003.csv")), b"keep me\n");
}

#[test]
fn a_directory_with_a_file_name_of_the_series_is_named_as_one() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.path("p-0001.csv")).unwrap();
    let run = gush(["lines", "-n", "100", "--file-records", "10", "-o"])
        .arg(dir.path("p-{k:04}.csv"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("p-0001.csv is a directory with one of its file names; move it"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("--force"),
        "--force would not help: {stderr}"
    );
    let entries = std::fs::read_dir(dir.root()).unwrap().count();
    assert_eq!(entries, 1, "a file was written");
}

#[test]
fn usage_errors_say_what_to_add() {
    let dir = TestDir::new();
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["-n", "5"],
            "p{k}",
            "--file-size SIZE, --file-records N or --files N",
        ),
        (&["-n", "5", "--file-size", "1KB"], "plain", "has no {k}"),
        (
            &["-n", "5", "--files", "2"],
            "p{k:4}",
            "`{k:4}` is not a file number",
        ),
        (&["--files", "2", "-t", "1s"], "p{k}", "give one of them"),
        (&["-n", "1", "--files", "2"], "p{k}", "at least 2 records"),
        (
            &["-n", "5", "--file-size", "1KB", "--append"],
            "p{k}",
            "--append",
        ),
    ];
    for (args, name, says) in cases {
        let run = gush(["lines"])
            .args(args)
            .arg("-o")
            .arg(dir.path(name))
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{args:?} {name}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.root()).unwrap().count(), 0);
}

mod faults {
    use super::*;
    use crate::disk::Mount;

    /// Checks what a cut-short series left: the report lists exactly the
    /// files on disk, each made of whole lines, and together they are the
    /// start of the one file of the same seed.
    fn whole_and_as_reported(dir: &Path, stats: &Value, one: &[u8]) -> Vec<(String, Vec<u8>)> {
        let files = files_in(dir, "p");
        listed_as_on_disk(stats, &files);
        for (name, data) in &files {
            assert!(data.ends_with(b"\n"), "{name} ends mid-record");
        }
        let all = joined(&files, None);
        assert!(
            one.starts_with(&all),
            "the files are not the stream's start"
        );
        assert_eq!(num(stats, "bytes"), all.len() as u64, "{stats}");
        files
    }

    #[test]
    fn a_full_disk_cuts_the_file_being_written_back_to_whole_records() {
        let mount = Mount::new("tmpfs", "size=256k");
        let dir = TestDir::new();
        let source = ["lines", "--preset", "syslog-rfc3164", "-n", "20000"];
        let one = one_file(&dir, &source, &[]);
        let run = gush(source)
            .args(["--seed", "7", "--file-size", "100000", "--chunk", "4KiB"])
            .args(["--stats=json", "-o"])
            .arg(mount.dir.path("p{k}.log"))
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(stderr.contains("free some space"), "{stderr}");
        assert!(stderr.contains("p2.log"), "the file is not named: {stderr}");
        let files = whole_and_as_reported(mount.dir.root(), &final_stats(&stderr), &one);
        assert_eq!(files.len(), 3, "{files:?}");
        assert!(
            files[2].1.len() < 100_000 - 200,
            "the last file is not cut short"
        );
    }

    #[test]
    fn ctrl_c_between_files_keeps_the_files_written() {
        let dir = TestDir::new();
        let source = ["lines", "--preset", "syslog-rfc3164", "-n", "100000"];
        let one = one_file(&dir, &source, &[]);
        let mut cmd = gush_std(source);
        cmd.args([
            "--seed",
            "7",
            "--file-size",
            "4000",
            "--chunk",
            "4KiB",
            "--hwm",
            "16KiB",
        ])
        .args(["--sink-rate", "100KiB/s", "--stats=json", "-o"])
        .arg(dir.path("s/p{k:03}"))
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn gush");
        let third = dir.path("s/p002");
        wait_until("the third file", &mut child, |_| third.exists());
        send_signal(&child, libc::SIGINT);
        let output = output_bounded(child);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(130), "{stderr}");
        let files = whole_and_as_reported(&dir.path("s"), &final_stats(&stderr), &one);
        assert!(files.len() >= 3, "{files:?}");
    }

    #[test]
    fn an_unwritable_directory_is_refused_up_front() {
        let mount = Mount::new("tmpfs", "ro,size=64k");
        for template in ["p{k}.csv", "sub/p{k}.csv"] {
            let path = mount.dir.path(template);
            let run = gush(["lines", "-n", "10", "--file-records", "2", "-o"])
                .arg(&path)
                .assert()
                .code(1);
            let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
            let dir = path.parent().unwrap().display().to_string();
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(&dir), "{stderr}");
        }
    }
}

/// Each file of a compressed series is a whole zstd or gzip stream of its
/// own, and the files, decompressed one by one and joined, are the one
/// file.
#[test]
fn every_file_of_a_compressed_series_is_a_whole_stream() {
    for (ending, decode) in [
        ("csv.zst", decode_zstd as fn(&[u8]) -> Vec<u8>),
        ("csv.gz", decode_gzip),
    ] {
        let dir = TestDir::new();
        let source = KINDS[0].1;
        let whole = one_file(&dir, source, &["-n", "20000"]);
        let template = dir.path(&format!("part-{{k:02}}.{ending}"));
        write_series(
            source,
            &template,
            &["-n", "20000", "--file-records", "6000"],
        );
        let files: Vec<(String, Vec<u8>)> = files_in(dir.path("").as_path(), "part-")
            .into_iter()
            .map(|(name, data)| (name, decode(&data)))
            .collect();
        assert_eq!(files.len(), 4, "{ending}: 20000 records in files of 6000");
        let header = first_line(&whole).to_vec();
        assert_eq!(joined(&files, Some(&header)), whole, "{ending}");
    }
}

fn decode_zstd(data: &[u8]) -> Vec<u8> {
    zstd::decode_all(data).expect("a whole zstd stream")
}

fn decode_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(data), &mut out)
        .expect("a whole gzip stream");
    out
}
