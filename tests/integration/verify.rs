//! `--verify` and `--verify-only`: a clean write passes under every
//! source and disk mode; each fault made in a real file is found, placed
//! at its byte (and line), and exits 3; Ctrl-C during a check reports what
//! was checked and exits 130. Files live on the real filesystem under
//! CARGO_TARGET_TMPDIR, where dropping the page cache reaches a device.

use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{
    TestDir, final_stats, gush_std, num, output_bounded, run, send_signal, text, wait_for_reads,
};

/// Runs gush with `--stats=json` added; (exit code, the summary, stderr).
fn checked(args: &[&str]) -> (i32, Value, String) {
    let mut all = args.to_vec();
    all.push("--stats=json");
    let (code, _, stderr) = run(&all);
    let stats = final_stats(&stderr);
    (code, stats, stderr)
}

fn write_verified(args: &[&str]) {
    let (code, stats, stderr) = checked(args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        num(&stats, "verified_bytes"),
        num(&stats, "bytes"),
        "{stderr}"
    );
    assert_eq!(num(&stats, "bad_bytes"), 0, "{stderr}");
    assert!(stats["first_bad_offset"].is_null(), "{stderr}");
    assert!(["device", "page cache"].contains(&text(&stats, "read_from")));
}

fn flip(file: &Path, offset: u64, mask: u8) {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(file)
        .unwrap();
    let mut byte = [0u8];
    f.read_exact_at(&mut byte, offset).unwrap();
    f.write_all_at(&[byte[0] ^ mask], offset).unwrap();
}

#[test]
fn verify_passes_for_every_source() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let o = out.to_str().unwrap();
    write_verified(&["lines", "-n", "100k", "-o", o, "--verify", "-f"]);
    write_verified(&[
        "records", "--preset", "users", "-n", "20k", "--clock", "sim", "-o", o, "--verify", "-f",
    ]);
    write_verified(&[
        "records",
        "--schema",
        "id={n},w={word}",
        "--format",
        "jsonl",
        "-n",
        "20k",
        "-o",
        o,
        "--verify",
        "-f",
    ]);
    write_verified(&[
        "bytes", "--fill", "random", "-s", "5MiB", "-o", o, "--verify", "-f",
    ]);
    write_verified(&[
        "lines", "-n", "90k", "--shard", "1/3", "--seed", "4", "-o", o, "--verify", "-f",
    ]);
    write_verified(&[
        "lines",
        "--preset",
        "apache-combined",
        "-s",
        "3MB",
        "--seed",
        "2",
        "-o",
        o,
        "--verify",
        "-f",
    ]);
}

#[test]
fn verify_passes_under_sync_direct_and_queue_depth() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let o = out.to_str().unwrap();
    let modes: [&[&str]; 6] = [
        &["--sync", "end"],
        &["--direct"],
        &["--queue-depth", "16"],
        &["--direct", "--queue-depth", "16"],
        &["--direct", "--sync", "end", "--queue-depth", "16"],
        &[
            "--sync",
            "every=1MiB",
            "--queue-depth",
            "4",
            "--engine",
            "threads",
        ],
    ];
    for mode in modes {
        for source in [
            &["bytes", "--fill", "random", "-s", "7MiB"][..],
            &["lines", "-s", "7000001"][..],
        ] {
            let mut args = source.to_vec();
            args.extend(["-o", o, "-f", "--verify"]);
            args.extend(mode);
            write_verified(&args);
        }
    }
}

#[test]
fn verify_only_passes_on_a_clean_file_and_writes_nothing() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let o = out.to_str().unwrap();
    let (code, _, stderr) = run(&[
        "records", "--preset", "orders", "-n", "30k", "--seed", "9", "-o", o,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let before = std::fs::metadata(&out).unwrap().modified().unwrap();
    let (code, stats, stderr) = checked(&[
        "records",
        "--preset",
        "orders",
        "-n",
        "30k",
        "--seed",
        "9",
        "-o",
        o,
        "--verify-only",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(num(&stats, "bytes"), 0);
    assert_eq!(
        num(&stats, "verified_bytes"),
        std::fs::metadata(&out).unwrap().len()
    );
    assert_eq!(std::fs::metadata(&out).unwrap().modified().unwrap(), before);
}

/// Writes `args` to a fresh file, lets `harm` change it, and checks it
/// with --verify-only: the summary and stderr.
fn harmed(args: &[&str], harm: impl FnOnce(&Path)) -> (Value, String) {
    let dir = TestDir::new();
    let out = dir.path("out");
    let o = out.to_str().unwrap();
    let mut write = args.to_vec();
    write.extend(["-o", o]);
    let (code, _, stderr) = run(&write);
    assert_eq!(code, 0, "{stderr}");
    harm(&out);
    write.push("--verify-only");
    let (code, stats, stderr) = checked(&write);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("gush: verify: "), "{stderr}");
    (stats, stderr)
}

#[test]
fn a_flipped_byte_is_found_at_its_offset() {
    let (stats, stderr) = harmed(
        &["bytes", "--fill", "random", "-s", "10MiB", "--seed", "1"],
        |f| flip(f, 1_234_567, 0xff),
    );
    assert_eq!(num(&stats, "first_bad_offset"), 1_234_567);
    assert_eq!(num(&stats, "bad_bytes"), 1);
    assert!(stats["first_bad_record"].is_null());
    assert!(
        stderr.contains("1 of 40 chunks differ; first at byte 1234567:"),
        "{stderr}"
    );
}

#[test]
fn a_single_flipped_bit_is_found_at_its_offset() {
    let (stats, _) = harmed(&["bytes", "--fill", "deadbeef", "-s", "3MiB"], |f| {
        flip(f, 3 * 1024 * 1024 - 1, 0x01)
    });
    assert_eq!(num(&stats, "first_bad_offset"), 3 * 1024 * 1024 - 1);
    assert_eq!(num(&stats, "bad_bytes"), 1);
    let mismatch = &stats["mismatches"][0];
    assert_eq!(mismatch["expected"], "ef");
    assert_eq!(mismatch["found"], "ee");
}

#[test]
fn a_line_changed_in_a_million_names_its_line() {
    // Line 500000 as `sed -n 500000p` counts is `Line 499999`.
    let (stats, stderr) = harmed(&["lines", "-n", "1M", "--seed", "1"], |f| {
        let data = std::fs::read(f).unwrap();
        let at = memchr_line_start(&data, 500_000) + 6;
        flip(f, at as u64, b'9' ^ b'X');
    });
    assert_eq!(num(&stats, "first_bad_record"), 500_000, "{stderr}");
    let expected_offset = crate::common::expected_lines(0, 499_999).len() as u64 + 6;
    assert_eq!(num(&stats, "first_bad_offset"), expected_offset);
    assert!(
        stderr.contains("(line 500000): expected \"Line 499999\", found \"Line 4X9999\""),
        "{stderr}"
    );
}

fn memchr_line_start(data: &[u8], line: usize) -> usize {
    let newlines = data.iter().enumerate().filter(|(_, b)| **b == b'\n');
    newlines.map(|(i, _)| i + 1).nth(line - 2).unwrap_or(0)
}

#[test]
fn a_truncated_file_names_both_sizes() {
    let (stats, stderr) = harmed(&["lines", "-n", "100k"], |f| {
        std::fs::OpenOptions::new()
            .write(true)
            .open(f)
            .unwrap()
            .set_len(500_000)
            .unwrap();
    });
    let expected = crate::common::expected_lines(0, 100_000).len() as u64;
    assert_eq!(num(&stats, "file_bytes"), 500_000);
    assert_eq!(num(&stats, "expected_bytes"), expected);
    assert_eq!(num(&stats, "first_bad_offset"), 500_000);
    assert!(
        stderr.contains(&format!(
            "is shorter than expected: 500000 bytes, expected {expected} bytes"
        )),
        "{stderr}"
    );
}

#[test]
fn junk_appended_names_both_sizes() {
    let (stats, stderr) = harmed(
        &["bytes", "--fill", "random", "-s", "1MiB", "--seed", "3"],
        |f| {
            let file = std::fs::OpenOptions::new().append(true).open(f).unwrap();
            std::io::Write::write_all(&mut &file, b"junk").unwrap();
        },
    );
    assert_eq!(num(&stats, "first_bad_offset"), 1 << 20);
    assert_eq!(num(&stats, "bad_bytes"), 4);
    assert!(
        stderr.contains("is longer than expected: 1048580 bytes, expected 1048576 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_block_from_another_seed_is_found_at_its_start() {
    let dir = TestDir::new();
    let other = dir.path("other");
    let (code, _, stderr) = run(&[
        "bytes",
        "--fill",
        "random",
        "-s",
        "1MiB",
        "--seed",
        "8",
        "-o",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let block = std::fs::read(&other).unwrap()[8192..12288].to_vec();
    let (stats, _) = harmed(
        &["bytes", "--fill", "random", "-s", "1MiB", "--seed", "7"],
        |f| {
            std::fs::OpenOptions::new()
                .write(true)
                .open(f)
                .unwrap()
                .write_all_at(&block, 8192)
                .unwrap();
        },
    );
    assert_eq!(num(&stats, "first_bad_offset"), 8192);
    // Random bytes agree by chance about once in 256.
    assert!(num(&stats, "bad_bytes") > 4000, "{stats}");
    assert_eq!(
        stats["mismatches"].as_array().unwrap().len(),
        1,
        "one place, not 4096"
    );
}

#[test]
fn what_cannot_be_regenerated_is_refused() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let o = out.to_str().unwrap();
    let refusals: [(&[&str], &str); 4] = [
        (
            &["lines", "{ts} x", "-n", "5", "-o", o, "--verify"],
            "live clock",
        ),
        (
            &[
                "bytes",
                "--fill",
                "random",
                "-s",
                "1MiB",
                "-o",
                o,
                "--verify-only",
            ],
            "--seed",
        ),
        (&["lines", "-o", o, "--verify-only"], "--size or --count"),
        (
            &["lines", "-n", "5", "--verify"],
            "regular file or block device",
        ),
    ];
    for (args, says) in refusals {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert!(!out.exists(), "a refused verify wrote nothing");
}

#[test]
fn ctrl_c_during_a_check_reports_what_was_checked() {
    let dir = TestDir::new();
    let out = dir.path("big");
    let o = out.to_str().unwrap();
    let write = [
        "bytes",
        "--fill",
        "random",
        "-s",
        "2GiB",
        "--seed",
        "1",
        "-o",
        o,
        "--direct",
        "--queue-depth",
        "8",
    ];
    let (code, _, stderr) = run(&write);
    assert_eq!(code, 0, "{stderr}");
    // O_DIRECT with no readahead, one thread reading 256 KiB at a time
    // (the verify's least chunk): 2 GiB takes far longer than the signal.
    let mut child = gush_std([
        "bytes",
        "--fill",
        "random",
        "-s",
        "2GiB",
        "--seed",
        "1",
        "-o",
        o,
        "--verify-only",
        "--direct",
        "--stats=json",
    ])
    .stderr(Stdio::piped())
    .stdout(Stdio::null())
    .spawn()
    .expect("spawn gush");
    // Well under way: the reader runs at most the hwm (1 MiB) ahead of
    // the comparer, so some bytes have been checked.
    wait_for_reads(&mut child, 16 << 20);
    send_signal(&child, libc::SIGINT);
    let output = output_bounded(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(text(&stats, "verify_end"), "interrupted");
    let checked = num(&stats, "verified_bytes");
    assert!(checked > 0 && checked < 2 << 30, "checked {checked}");
    assert_eq!(num(&stats, "bad_bytes"), 0);
}
