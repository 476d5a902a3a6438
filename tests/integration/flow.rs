//! Seeing and pacing the flow: `--rate`, `--burst`, `--sink-rate`, the
//! `--interval` lines, the `--timeline` CSV, the summary's sparklines and
//! the live progress display (drawn under a real pseudo-terminal).

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{RUN_LIMIT, TestDir, final_stats, gush_std, output_bounded, run, wait_bounded};

fn within(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= expected * tolerance
}

#[test]
fn line_rate_holds_over_the_run() {
    let (code, _, stderr) = run(&[
        "lines",
        "--rate",
        "20k/s",
        "-t",
        "2s",
        "-o",
        "/dev/null",
        "--stats=json",
    ]);
    assert_eq!(code, 0);
    let stats = final_stats(&stderr);
    let records = stats["records"].as_f64().unwrap();
    assert!(
        within(records, 40_000.0, 0.02),
        "{records} lines at 20k/s for 2 s"
    );
    assert_eq!(stats["bottleneck"], "generator");
}

#[test]
fn low_line_rate_is_exact() {
    let (_, stdout, _) = run(&["lines", "--rate", "5/s", "-t", "2s"]);
    let lines = stdout.iter().filter(|&&b| b == b'\n').count();
    assert!((10..=11).contains(&lines), "{lines} lines at 5/s for 2 s");
}

#[test]
fn byte_rate_holds_over_the_run() {
    let (code, _, stderr) = run(&[
        "bytes",
        "--rate",
        "1MiB/s",
        "-t",
        "2s",
        "-o",
        "/dev/null",
        "--stats=json",
    ]);
    assert_eq!(code, 0);
    let bytes = final_stats(&stderr)["bytes"].as_f64().unwrap();
    assert!(
        within(bytes, 2.0 * 1048576.0, 0.02),
        "{bytes} bytes at 1 MiB/s for 2 s"
    );
}

/// pv's users once got 80 MB/s through a 1 MB/s cap: credit piled up while
/// the reader stalled and then went out at once. gush caps that catch-up
/// at the burst, a tenth of a second's worth by default. gush widens the
/// pipe to 1 MiB, so the reader's stall outlasts it by a second or more.
#[test]
fn a_stalled_reader_is_not_flooded_afterwards() {
    let mut child = gush_std([
        "bytes",
        "--rate",
        "4MiB/s",
        "-t",
        "3s",
        "--chunk",
        "16KiB",
        "--hwm",
        "64KiB",
        "--stats=json",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let mut received = Vec::new();
    stdout.read_to_end(&mut received).unwrap();
    let out = output_bounded(child);
    let received = received.len() as f64;
    // The pipe and buffers fill in about 0.3 s; the rest of the 1.5 s
    // stall is forgiven but for the 0.4 MiB burst: about 7.5 MiB in all.
    // Made up in full, it would be the whole 12 MiB.
    let mib = 1048576.0;
    assert!(
        received < 9.5 * mib,
        "{received} bytes: the stall was made up in a burst"
    );
    assert!(received > 5.0 * mib, "{received} bytes: too little");
    let stats = final_stats(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(stats["bytes"].as_f64().unwrap(), received);
}

#[test]
fn burst_allows_a_bigger_catch_up() {
    let mut child = gush_std([
        "bytes", "--rate", "4MiB/s", "--burst", "4MiB", "-t", "3s", "--chunk", "16KiB", "--hwm",
        "64KiB",
    ])
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let mut received = Vec::new();
    stdout.read_to_end(&mut received).unwrap();
    wait_bounded(&mut child, RUN_LIMIT);
    // Up to 4 MiB of the stall may be made up: about 11 MiB in all.
    assert!(
        received.len() as f64 > 9.5 * 1048576.0,
        "{} bytes",
        received.len()
    );
}

#[test]
fn sink_rate_paces_the_writer() {
    let started = Instant::now();
    let (code, _, stderr) = run(&[
        "lines",
        "-s",
        "2MiB",
        "--sink-rate",
        "1MiB/s",
        "-o",
        "/dev/null",
        "--stats=json",
    ]);
    assert_eq!(code, 0);
    let stats = final_stats(&stderr);
    let elapsed = stats["elapsed_s"].as_f64().unwrap();
    assert!(
        within(elapsed, 2.0, 0.05),
        "2 MiB at 1 MiB/s took {elapsed} s"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(stats["bottleneck"], "destination");
    assert!(stats["pauses"].as_u64().unwrap() > 0);
}

#[test]
fn rates_without_the_right_unit_are_usage_errors() {
    let (code, _, stderr) = run(&["bytes", "--rate", "20k/s"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("20000") || stderr.contains("20k"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["lines", "--sink-rate", "20k/s"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(&["lines", "--rate", "fast"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("fast"), "{stderr}");
}

#[test]
fn interval_json_lines_parse_and_count() {
    let (code, _, stderr) = run(&[
        "lines",
        "--rate",
        "10k/s",
        "-t",
        "1s",
        "--interval",
        "200ms",
        "-o",
        "/dev/null",
        "--stats=json",
    ]);
    assert_eq!(code, 0);
    let objects: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let (last, samples) = objects.split_last().unwrap();
    assert!(
        (4..=5).contains(&samples.len()),
        "{} interval lines in 1 s at 200 ms",
        samples.len()
    );
    for (i, sample) in samples.iter().enumerate() {
        for key in [
            "t_s",
            "bytes",
            "records",
            "bytes_per_s",
            "buffered_bytes",
            "pauses",
            "drains",
        ] {
            assert!(
                sample.get(key).is_some(),
                "interval line {i} lacks {key}: {sample}"
            );
        }
    }
    let records: Vec<u64> = samples
        .iter()
        .map(|s| s["records"].as_u64().unwrap())
        .collect();
    assert!(
        records.windows(2).all(|w| w[0] <= w[1]),
        "records go down: {records:?}"
    );
    assert_eq!(last["end"], "complete");
}

#[test]
fn interval_lines_are_human_without_json() {
    let (_, _, stderr) = run(&[
        "lines",
        "--rate",
        "10k/s",
        "-t",
        "700ms",
        "--interval",
        "200ms",
        "-o",
        "/dev/null",
    ]);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!((3..=4).contains(&lines.len()), "{stderr}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("gush: ") && l.contains("pauses")),
        "{stderr}"
    );
}

#[test]
fn timeline_has_a_row_per_sample_and_ends_with_the_total() {
    let dir = TestDir::new();
    let timeline = dir.path("run.csv");
    let (code, _, stderr) = run(&[
        "lines",
        "--rate",
        "50k/s",
        "-t",
        "1s",
        "-o",
        "/dev/null",
        "--stats=json",
        "--timeline",
        timeline.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let csv = std::fs::read_to_string(&timeline).unwrap();
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some(
            "t_s,bytes,records,bytes_per_s,buffered_bytes,pauses,drains,write_p50_ns,write_p99_ns,ios,iops"
        )
    );
    // The latency columns may be empty (a sample without a write).
    assert!(csv.lines().all(|r| r.split(',').count() == 11), "{csv}");
    let rows: Vec<Vec<f64>> = rows
        .map(|r| r.split(',').take(7).map(|c| c.parse().unwrap()).collect())
        .collect();
    assert!(
        (9..=12).contains(&rows.len()),
        "{} rows for 1 s at 100 ms",
        rows.len()
    );
    assert!(rows.iter().all(|r| r.len() == 7));
    let stats = final_stats(&stderr);
    assert_eq!(rows.last().unwrap()[1], stats["bytes"].as_f64().unwrap());
}

#[test]
fn long_run_summary_ends_with_sparklines() {
    let (_, _, stderr) = run(&[
        "lines",
        "-s",
        "6MiB",
        "--sink-rate",
        "2.5MiB/s",
        "-o",
        "/dev/null",
        "--stats",
    ]);
    let throughput = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("throughput"))
        .expect(&stderr);
    let buffer = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("buffer "))
        .expect(&stderr);
    for line in [throughput, buffer] {
        assert!(
            line.chars().any(|c| ('▁'..='█').contains(&c)),
            "no sparkline in {line:?}"
        );
    }
    // A slow sink's buffer saws between hwm and lwm: several levels show.
    let levels: std::collections::HashSet<char> =
        buffer.chars().filter(|c| ('▁'..='█').contains(c)).collect();
    assert!(levels.len() >= 3, "flat occupancy sparkline {buffer:?}");
}

#[test]
fn short_run_summary_has_no_sparklines() {
    let (_, _, stderr) = run(&["lines", "-n", "1000", "-o", "/dev/null", "--stats"]);
    assert!(!stderr.contains("throughput"), "{stderr}");
}

/// Runs gush with stderr on a fresh pseudo-terminal and returns what the
/// terminal received and the exit code.
fn run_on_a_terminal(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let (mut controller, mut terminal) = (0, 0);
    // SAFETY: openpty writes two new descriptors into the out-parameters.
    let rc = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: both descriptors were just opened and are owned here.
    let (controller, terminal) = unsafe {
        (
            OwnedFd::from_raw_fd(controller),
            OwnedFd::from_raw_fd(terminal),
        )
    };
    let mut child = gush_std(args)
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::from(terminal))
        .spawn()
        .unwrap();
    let reader = std::thread::spawn(move || {
        let mut screen = Vec::new();
        let mut file = std::fs::File::from(controller);
        // EIO ends the read once the child has closed the terminal.
        let _ = file.read_to_end(&mut screen);
        screen
    });
    let code = wait_bounded(&mut child, RUN_LIMIT).code().unwrap_or(-1);
    let screen = reader.join().unwrap();
    (code, String::from_utf8_lossy(&screen).into_owned())
}

#[test]
fn progress_is_drawn_on_a_terminal_and_replaced_by_the_summary() {
    let (code, screen) = run_on_a_terminal(
        &[
            "lines",
            "-s",
            "4MiB",
            "--sink-rate",
            "2MiB/s",
            "-o",
            "/dev/null",
        ],
        &[],
    );
    assert_eq!(code, 0);
    assert!(
        screen.contains("ETA"),
        "no progress on the terminal: {screen:?}"
    );
    assert!(screen.contains("buffer ["), "no buffer gauge: {screen:?}");
    // Without --stats the summary still takes the progress display's place.
    assert!(
        screen.contains("pauses") && screen.contains("bottleneck"),
        "{screen:?}"
    );
}

#[test]
fn short_runs_stay_silent_on_a_terminal() {
    let (code, screen) = run_on_a_terminal(&["lines", "-n", "100k", "-o", "/dev/null"], &[]);
    assert_eq!(code, 0);
    assert_eq!(screen, "");
}

#[test]
fn dumb_terminals_get_no_progress() {
    let args = [
        "lines",
        "-s",
        "3MiB",
        "--sink-rate",
        "2MiB/s",
        "-o",
        "/dev/null",
    ];
    let (_, screen) = run_on_a_terminal(&args, &[("TERM", "dumb")]);
    assert!(!screen.contains("ETA"), "{screen:?}");
}

#[test]
fn no_progress_and_quiet_hide_it() {
    let args = [
        "lines",
        "-s",
        "3MiB",
        "--sink-rate",
        "2MiB/s",
        "-o",
        "/dev/null",
    ];
    for flag in ["--no-progress", "-q"] {
        let (_, screen) = run_on_a_terminal(&[&args[..], &[flag]].concat(), &[]);
        assert_eq!(screen, "", "{flag}");
    }
}

#[test]
fn progress_is_absent_when_stderr_is_not_a_terminal() {
    let (code, _, stderr) = run(&[
        "lines",
        "-s",
        "3MiB",
        "--sink-rate",
        "2MiB/s",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(code, 0);
    assert_eq!(stderr, "");
}

#[test]
fn progress_flag_forces_it_anywhere() {
    let (_, _, stderr) = run(&[
        "lines",
        "-s",
        "1MiB",
        "--sink-rate",
        "2MiB/s",
        "-o",
        "/dev/null",
        "--progress",
    ]);
    assert!(stderr.contains("buffer ["), "{stderr:?}");
    assert!(
        stderr.contains("bottleneck"),
        "the summary follows: {stderr:?}"
    );
}
