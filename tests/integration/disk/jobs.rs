//! `--jobs N` and `--until-steady`: N jobs over one file leave the
//! sequential file and write each block once; jobs into a directory (or a
//! `{j}` path) make one right file each; Ctrl-C stops every job and the
//! report (total and each job) is what is on disk; a steady run stops
//! early and says so; a job's file in the way stops the run before any
//! file is made; and what cannot hold is refused before a byte is
//! written.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::region::traced_offsets;
use super::{TestDir, blocks_written_else_holes, bytes_of, stats_file, write_json};
use crate::common::{final_stats, gush, gush_std, num, read, signal_and_wait, text, wait_until};

#[test]
fn three_jobs_over_one_file_leave_the_sequential_file() {
    let dir = TestDir::new();
    // Blocks per job: a prime and a power of two.
    for blocks in [37u64, 256] {
        let job = blocks * 4096;
        let whole = (3 * job).to_string();
        let size = job.to_string();
        for (fill, depth) in [("random", "1"), ("stamped", "16")] {
            let reference = bytes_of(
                &["bytes", "--fill", fill, "--seed", "21", "-s", &whole],
                &dir.path("seq"),
            );
            let out = dir.path("jobs");
            let _ = std::fs::remove_file(&out);
            let stats = write_json(
                &[
                    "bytes",
                    "--fill",
                    fill,
                    "--seed",
                    "21",
                    "-s",
                    &size,
                    "--pattern",
                    "random",
                    "--bs",
                    "4k",
                    "--jobs",
                    "3",
                    "--queue-depth",
                    depth,
                ],
                &out,
            );
            assert!(
                read(&out) == reference,
                "{blocks} blocks a job, --fill {fill}, depth {depth}: not the sequential bytes"
            );
            assert_eq!(num(&stats, "bytes"), 3 * job, "{stats}");
            assert_eq!(stats["coverage_pct"], 100.0, "{stats}");
            let jobs = stats["jobs"].as_array().expect("jobs in JSON");
            assert_eq!(jobs.len(), 3, "{stats}");
            for (j, line) in jobs.iter().enumerate() {
                assert_eq!(num(line, "job"), j as u64);
                assert_eq!(num(line, "bytes"), job, "{line}");
                let from = format!("from offset {}", j as u64 * job);
                assert!(text(line, "region").ends_with(&from), "{line}");
            }
        }
    }
}

#[test]
fn three_jobs_write_each_block_of_the_file_once() {
    let dir = TestDir::new();
    let blocks = 100u64;
    let size = (blocks * 4096).to_string();
    // Threads, not io_uring: strace sees their pwrite64 calls.
    let args = [
        "bytes",
        "--seed",
        "5",
        "-s",
        &size,
        "--pattern",
        "random",
        "--bs",
        "4k",
        "--jobs",
        "3",
        "--queue-depth",
        "4",
        "--engine",
        "threads",
        "--quiet",
    ];
    let Some(writes) = traced_offsets(&args, &dir.path("out"), &dir) else {
        return;
    };
    let mut hits = vec![0u64; 3 * blocks as usize];
    for (offset, len) in &writes {
        assert_eq!((*len, offset % 4096), (4096, 0), "{offset}");
        hits[(offset / 4096) as usize] += 1;
    }
    assert!(hits.iter().all(|&n| n == 1), "{hits:?}");
}

#[test]
fn two_jobs_into_a_directory_make_two_right_files() {
    let dir = TestDir::new();
    let reference = bytes_of(
        &["bytes", "--fill", "random", "--seed", "9", "-s", "1MiB"],
        &dir.path("reference"),
    );
    // A directory that does not exist yet is made, as fio makes its own.
    let into = format!("{}/", dir.path("new").display());
    let stats = write_json(
        &[
            "bytes", "--fill", "random", "--seed", "9", "-s", "1MiB", "--jobs", "2",
        ],
        Path::new(&into),
    );
    assert_eq!(num(&stats, "bytes"), 2 << 20, "{stats}");
    for j in 0..2 {
        let file = dir.path("new").join(format!("job{j}"));
        assert!(read(&file) == reference, "{} is not right", file.display());
        let line = &stats["jobs"][j];
        assert!(
            text(line, "destination").ends_with(&format!("job{j}")),
            "{line}"
        );
        assert_eq!(num(line, "bytes"), 1 << 20, "{line}");
    }

    // A `{j}` path names each job's file itself, any source.
    let lines = bytes_of(&["lines", "--seed", "9", "-n", "1000"], &dir.path("lines"));
    let named = dir.path("part-{j}.txt");
    gush([
        "lines", "--seed", "9", "-n", "1000", "--jobs", "2", "-q", "-o",
    ])
    .arg(&named)
    .assert()
    .success();
    for j in 0..2 {
        assert!(read(&dir.path(&format!("part-{j}.txt"))) == lines);
    }
}

/// Starts `gush bytes` with `args`, its JSON to `stats.json` in `dir`.
fn start(dir: &TestDir, args: &[&str], out: &Path) -> Child {
    let mut cmd = gush_std(["bytes"]);
    cmd.args(args)
        .arg("--stats-file")
        .arg(dir.path("stats.json"))
        .arg("-o")
        .arg(out)
        .stderr(Stdio::piped());
    cmd.spawn().expect("spawn gush")
}

/// Interrupts a run once `ready` holds; asserts exit 130 and returns
/// its summary.
fn interrupt(dir: &TestDir, mut child: Child, ready: impl Fn() -> bool) -> Value {
    wait_until("writing with both jobs", &mut child, |_| ready());
    let (output, _) = signal_and_wait(child, libc::SIGINT);
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stats_file(&dir.path("stats.json"))
}

#[test]
fn ctrl_c_stops_every_job_and_reports_what_is_on_disk() {
    let dir = TestDir::new();
    // A file per job: each job's bytes are its file's length.
    let into = dir.path("each");
    std::fs::create_dir(&into).unwrap();
    let files = [into.join("job0"), into.join("job1")];
    let length = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    let args = [
        "--seed",
        "4",
        "--jobs",
        "2",
        "--sink-delay",
        "1ms",
        "-t",
        "30s",
    ];
    let child = start(&dir, &args, &into);
    let stats = interrupt(&dir, child, || files.iter().all(|f| length(f) > 64 * 1024));
    assert_eq!(text(&stats, "end"), "interrupted", "{stats}");
    let mut sum = 0;
    for (j, file) in files.iter().enumerate() {
        let line = &stats["jobs"][j];
        assert_eq!(num(line, "bytes"), length(file), "{line}");
        assert_eq!(text(line, "end"), "interrupted", "{line}");
        sum += length(file);
    }
    assert_eq!(num(&stats, "bytes"), sum, "{stats}");
    // The JSON rows watch the total: they add up to it.
    let rows = stats["intervals"].as_array().expect("intervals in JSON");
    let rows_sum: u64 = rows.iter().map(|row| num(row, "bytes")).sum();
    assert_eq!(rows_sum, sum, "{stats}");

    // Regions of one file: each 4 KiB block is the sequential run's or
    // still a hole, and the report counts exactly the written ones.
    let reference = bytes_of(
        &["bytes", "--fill", "random", "--seed", "6", "-s", "8MiB"],
        &dir.path("seq"),
    );
    let out = dir.path("one");
    let args = [
        "--fill",
        "random",
        "--seed",
        "6",
        "-s",
        "4MiB",
        "--pattern",
        "random",
        "--bs",
        "4k",
        "--jobs",
        "2",
        "--queue-depth",
        "8",
        "--sink-delay",
        "1ms",
        "-t",
        "30s",
    ];
    let child = start(&dir, &args, &out);
    let started = Instant::now();
    let stats = interrupt(&dir, child, || started.elapsed().as_millis() > 300);
    let data = read(&out);
    let written = blocks_written_else_holes(&data, &reference);
    assert!(
        written > 0 && written < 2048,
        "{written} blocks written: {stats}"
    );
    assert_eq!(num(&stats, "bytes"), written * 4096, "{stats}");
    let per_job: u64 = (0..2).map(|j| num(&stats["jobs"][j], "bytes")).sum();
    assert_eq!(per_job, written * 4096, "{stats}");
}

#[test]
fn a_steady_run_stops_early_and_says_so() {
    let dir = TestDir::new();
    let out = dir.path("out");
    // Paced, so every second writes the same: steady over a 2 s window.
    // A write held up by the loaded disk (writeback of other tests) can
    // throw a window off, and the pacer forgives a stall past 0.1 s, so the
    // run may take a few windows: -t is long and the run bounded past it,
    // and "early" is judged from the report, not the wall clock.
    let args = [
        "bytes",
        "-t",
        "60s",
        "--rate",
        "8MiB/s",
        "--until-steady",
        "iops:5%",
        "--steady-window",
        "1s",
        "--force",
    ];
    let started = Instant::now();
    let run = gush(args)
        .timeout(Duration::from_secs(90))
        .arg("--stats=json")
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stats = final_stats(&String::from_utf8_lossy(&run.get_output().stderr));
    assert_eq!(stats["steady"]["attained"], true, "{stats}");
    assert_eq!(text(&stats, "end"), "complete", "{stats}");
    // Stopped at the verdict (a sample a second), long before -t.
    let attained = stats["steady"]["attained_s"].as_f64().unwrap();
    let elapsed = stats["elapsed_s"].as_f64().unwrap();
    assert!(elapsed < attained + 1.0, "ran on: {stats}");
    assert!(started.elapsed().as_secs() < 50, "ran on: {stats}");
    let human = gush(args)
        .timeout(Duration::from_secs(90))
        .arg("--stats")
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&human.get_output().stderr).into_owned();
    assert!(
        stderr.contains("steady state iops:5% over 2.00 s: reached"),
        "{stderr}"
    );

    // A window longer than the run never fills: not reached, said so.
    let args = [
        "bytes",
        "-t",
        "1500ms",
        "--until-steady",
        "bw:2%",
        "--steady-window",
        "5s",
        "--force",
    ];
    let run = gush(args)
        .arg("--stats")
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("not reached"), "{stderr}");
    let stats = final_stats(&String::from_utf8_lossy(
        &gush(args)
            .arg("--stats=json")
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .get_output()
            .stderr,
    ));
    assert_eq!(stats["steady"]["attained"], false, "{stats}");
}

/// Runs `gush` with `args`; asserts exit 2 and that stderr names each of
/// `words`.
fn refused(args: &[&str], words: &[&str]) {
    let run = gush(args).assert().code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    for word in words {
        assert!(stderr.contains(word), "{args:?}: no `{word}` in {stderr}");
    }
}

#[test]
fn jobs_that_cannot_hold_are_refused() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let out = out.to_str().unwrap();
    let into = format!("{}/", dir.path("into").display());
    refused(&["bytes", "--jobs", "0", "-o", out], &["'0'", "--jobs"]);
    refused(
        &["bytes", "--jobs", "2", "-s", "1MiB", "--verify", "-o", out],
        &["--jobs 2", "--verify"],
    );
    refused(
        &["bytes", "--jobs", "2", "-s", "1MiB", "-o", "-"],
        &["stdout"],
    );
    refused(
        &["bytes", "--jobs", "2", "-s", "1MiB", "-o", "/dev/null"],
        &["/dev/null", "{j}"],
    );
    refused(
        &["lines", "--jobs", "2", "-s", "1MiB", "-o", out],
        &["gush bytes", "-o DIR/"],
    );
    refused(
        &["bytes", "--jobs", "2", "--append", "-o", &into],
        &["--append"],
    );
    // One journal, two writers: their lines would interleave mid-record.
    refused(
        &[
            "bytes",
            "--fill",
            "stamped",
            "--jobs",
            "2",
            "-s",
            "1MiB",
            "--ack-log",
            "journal",
            "-o",
            out,
        ],
        &["--ack-log journal", "one writer"],
    );
    refused(
        &["bytes", "--until-steady", "iops:2%", "-o", out],
        &["--duration"],
    );
    refused(
        &["bytes", "-t", "1s", "--until-steady", "iops", "-o", out],
        &["`iops`"],
    );
    refused(
        &[
            "bytes",
            "-t",
            "1s",
            "--until-steady",
            "iops:2%",
            "--verify",
            "-o",
            out,
        ],
        &["--until-steady", "--verify"],
    );
    assert!(!Path::new(out).exists(), "a refused run created its output");
    assert!(
        !dir.path("into").exists(),
        "a refused run made its directory"
    );
}

#[test]
fn one_jobs_file_in_the_way_stops_the_run_before_any_is_made() {
    let dir = TestDir::new();
    let into = dir.path("into");
    std::fs::create_dir(&into).unwrap();
    std::fs::write(into.join("job1"), b"keep").unwrap();
    let run = gush(["bytes", "-s", "1MiB", "--jobs", "2", "-o"])
        .arg(&into)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("job1") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(!into.join("job0").exists(), "job 0 made its file anyway");
    assert_eq!(read(&into.join("job1")), b"keep");
}

#[test]
fn a_ramped_two_job_run_counts_its_writes_latencies_and_rows_alike() {
    let dir = TestDir::new();
    let stats = write_json(
        &[
            "bytes",
            "--fill",
            "random",
            "-s",
            "4MiB",
            "--pattern",
            "random",
            "--bs",
            "4k",
            "--jobs",
            "2",
            "--queue-depth",
            "8",
            "-t",
            "1500ms",
            "--ramp",
            "500ms",
            "--interval",
            "250ms",
            "--force",
        ],
        &dir.path("ramped"),
    );
    let measured = num(&stats["write"], "total_ios");
    assert!(num(&stats, "ramp_ios") > 0 && measured > 0, "{stats}");
    assert_eq!(num(&stats, "writes") - num(&stats, "ramp_ios"), measured);
    // Each job's latencies leave its own ramp out: their merge is the
    // measured writes' (it once left the ramp out a second time).
    assert_eq!(num(&stats["write_lat_ns"], "N"), measured, "{stats}");
    let rows = stats["intervals"].as_array().expect("intervals in JSON");
    let sum = |key| rows.iter().map(|row| num(row, key)).sum::<u64>();
    assert_eq!(sum("ios"), measured, "{stats}");
    assert_eq!(sum("bytes"), num(&stats["write"], "io_bytes"), "{stats}");
}
