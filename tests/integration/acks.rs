//! The acknowledgement journal (issue 18): `--ack-log` records each write
//! and sync the device acknowledged, and `gush verify TARGET --acks LOG`
//! names every block that lost an acknowledged-durable write. No power
//! cut is needed: a lying device is simulated by copying older blocks
//! back, an honest crash by SIGKILL (the page cache keeps every completed
//! write), a torn block by splicing two generations.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use super::stamp::{bad_blocks, patch, scratch};
use crate::common::{
    gush, gush_std, num, output_bounded, read, send_signal, stats_from, wait_until,
};

/// `gush verify --stats=json FILE --acks LOG`: the exit code and report.
fn verify_acks(path: &Path, log: &Path) -> (i32, Value) {
    let out = gush(["verify", "--stats=json"])
        .arg(path)
        .arg("--acks")
        .arg(log)
        .output()
        .expect("gush runs");
    (out.status.code().expect("exits"), stats_from(&out.stderr))
}

/// 256 KiB of stamped 4 KiB blocks, seed 9, with `extra` flags.
fn write(path: &Path, extra: &[&str]) {
    let mut args = vec!["bytes", "--fill", "stamped", "--seed", "9", "-s", "256KiB"];
    args.extend(["--force", "-q"]);
    args.extend(extra);
    gush(&args).arg("-o").arg(path).assert().success();
}

fn journalled(dir: &crate::common::TestDir) -> (std::path::PathBuf, std::path::PathBuf) {
    let (target, log) = (dir.path("target"), dir.path("acks"));
    let log_text = log.to_str().expect("utf-8 path").to_string();
    write(
        &target,
        &[
            "--pattern",
            "random",
            "--bs",
            "4k",
            "--loops",
            "2",
            "--sync",
            "each",
        ],
    );
    // The same run again, journalled, over the same file.
    write(
        &target,
        &[
            "--pattern",
            "random",
            "--bs",
            "4k",
            "--loops",
            "2",
            "--sync",
            "each",
        ]
        .iter()
        .copied()
        .chain(["--queue-depth", "4", "--ack-log", &log_text])
        .collect::<Vec<_>>(),
    );
    (target, log)
}

#[test]
fn a_lying_device_is_caught_and_each_lost_write_named() {
    let dir = scratch();
    let (target, log) = journalled(&dir);
    let (code, report) = verify_acks(&target, &log);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["acks"]["syncs"], 128, "{report}");
    // What a drive that dropped its cache leaves: the first pass's bytes.
    let first_pass = dir.path("first");
    write(&first_pass, &[]);
    let old = read(&first_pass);
    let lost = [3 * 4096, 17 * 4096, 40 * 4096];
    for at in lost {
        patch(&target, at as u64, &old[at..at + 4096]);
    }
    let (code, report) = verify_acks(&target, &log);
    assert_eq!(code, 3, "{report}");
    let named: Vec<(u64, &str)> = bad_blocks(&report)
        .iter()
        .map(|b| {
            (
                b["offset"].as_u64().unwrap_or(0),
                b["class"].as_str().unwrap_or(""),
            )
        })
        .map(|(o, c)| (o, if c == "lost" { "lost" } else { "other" }))
        .collect();
    let expected: Vec<(u64, &str)> = lost.iter().map(|&at| (at as u64, "lost")).collect();
    assert_eq!(named, expected, "{report}");
    let first = &bad_blocks(&report)[0];
    assert_eq!(
        (
            first["generation"].as_u64(),
            first["expected_generation"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert!(first["acked_ns"].as_u64().unwrap_or(0) > 0, "{report}");
    assert_eq!(
        (report["acks"]["lost"].as_u64(), num(&report, "ok")),
        (Some(3), 61)
    );
    // The human report says the promise was broken, and where.
    let out = gush(["verify"])
        .arg(&target)
        .arg("--acks")
        .arg(&log)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("the device broke its promise: 3 blocks"),
        "{text}"
    );
    assert!(text.contains("lost       at byte 12288: holds generation 1, but generation 2 was acknowledged durable at 20"), "{text}");
}

#[test]
fn an_honest_crash_loses_nothing_and_leaves_writes_in_flight() {
    let dir = scratch();
    let (target, log) = (dir.path("target"), dir.path("acks"));
    let mut child = gush_std(["bytes", "--fill", "stamped", "--seed", "9", "-s", "16MiB"])
        .args([
            "--pattern",
            "random",
            "--bs",
            "4k",
            "-t",
            "60s",
            "--sync",
            "every=1MiB",
        ])
        .args(["--queue-depth", "16", "-q", "--force", "--ack-log"])
        .arg(&log)
        .arg("-o")
        .arg(&target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gush starts");
    // Past twenty syncs, then frozen (SIGSTOP) at a moment when writes
    // were journalled after the last sync, and killed there.
    let syncs = |text: &str| text.matches("\nd ").count();
    let ends_in_writes = |text: &str| {
        text.ends_with('\n') && text.lines().last().is_some_and(|l| l.starts_with('w'))
    };
    wait_until("twenty syncs journalled", &mut child, |_| {
        syncs(&std::fs::read_to_string(&log).unwrap_or_default()) >= 20
    });
    loop {
        send_signal(&child, libc::SIGSTOP);
        let stat = format!("/proc/{}/stat", child.id());
        wait_until("stopped", &mut child, |_| {
            let stat = std::fs::read_to_string(&stat).unwrap_or_default();
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('T'))
        });
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if ends_in_writes(&text) {
            break;
        }
        send_signal(&child, libc::SIGCONT);
        wait_until("more journalled", &mut child, |_| {
            std::fs::metadata(&log).map_or(0, |m| m.len()) > text.len() as u64
        });
    }
    send_signal(&child, libc::SIGKILL);
    let _ = output_bounded(child);
    let (code, report) = verify_acks(&target, &log);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["acks"]["lost"], 0, "{report}");
    assert!(
        report["acks"]["in_flight"].as_u64().unwrap_or(0) > 0,
        "{report}"
    );
}

#[test]
fn a_torn_block_is_torn_not_lost_nor_ok() {
    let dir = scratch();
    let (target, log) = journalled(&dir);
    let first_pass = dir.path("first");
    write(&first_pass, &[]);
    // The first half new, the second half old: a write cut in two.
    let at = 5 * 4096 + 2048;
    patch(&target, at as u64, &read(&first_pass)[at..at + 2048]);
    let (code, report) = verify_acks(&target, &log);
    assert_eq!(code, 3, "{report}");
    let bad = bad_blocks(&report);
    assert_eq!(bad.len(), 1, "{report}");
    assert_eq!(
        (bad[0]["offset"].as_u64(), bad[0]["class"].as_str()),
        (Some(5 * 4096), Some("torn"))
    );
    assert_eq!(
        (
            report["acks"]["torn"].as_u64(),
            report["acks"]["lost"].as_u64()
        ),
        (Some(1), Some(0))
    );
}

#[test]
fn the_journal_needs_stamped_blocks_written_once_a_pass() {
    let dir = scratch();
    let log = dir.path("acks");
    for (flags, shown) in [
        (&["--fill", "random"][..], "--fill stamped"),
        (
            &[
                "--fill",
                "stamped",
                "--pattern",
                "random",
                "--distribution",
                "zipf:1.2",
            ][..],
            "zipf:1.2",
        ),
    ] {
        let out = gush(["bytes", "-s", "64KiB"])
            .args(flags)
            .arg("--ack-log")
            .arg(&log)
            .arg("-o")
            .arg(dir.path("out"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(shown));
    }
}

/// The journal's lines are written only after what they describe: under
/// strace, every `w` line follows its `pwrite64`, every `d` line its
/// `fdatasync`.
#[test]
fn journal_lines_follow_the_acknowledgements_they_describe() {
    let dir = scratch();
    let (target, log, trace) = (dir.path("target"), dir.path("acks"), dir.path("trace"));
    let child = std::process::Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-s",
            "65536",
            "-e",
            "trace=pwrite64,fdatasync,write",
            "-o",
        ])
        .arg(&trace)
        .arg(crate::common::bin())
        .args([
            "bytes",
            "--fill",
            "stamped",
            "-s",
            "256KiB",
            "--pattern",
            "random",
        ])
        .args([
            "--bs", "4k", "--loops", "2", "--sync", "each", "--engine", "sync", "-q",
        ])
        .arg("--ack-log")
        .arg(&log)
        .arg("-o")
        .arg(&target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(child) = child else {
        eprintln!("note: strace is not here; the order check did not run");
        return;
    };
    let output = output_bounded(child);
    if !output.status.success() || !trace.exists() {
        eprintln!("note: strace could not trace gush here; the order check did not run");
        return;
    }
    let (mut pwrites, mut syncs, mut w_lines, mut d_lines) = (0, 0, 0, 0);
    for line in std::fs::read_to_string(&trace).expect("the trace").lines() {
        if line.contains("pwrite64(") && !line.contains("<unfinished") {
            pwrites += 1;
        } else if line.contains("fdatasync(") && line.contains("= 0") {
            syncs += 1;
        } else if let Some(at) = line.find("write(") {
            let text = &line[at..];
            if !text.contains("gush-acks") && !text.contains("\"w ") && !text.contains("\"d ") {
                continue;
            }
            let body = text.split_once('"').map_or("", |(_, rest)| rest);
            for record in body.split("\\n") {
                w_lines += u32::from(record.starts_with("w "));
                d_lines += u32::from(record.starts_with("d "));
            }
            assert!(
                w_lines <= pwrites,
                "{w_lines} writes journalled after {pwrites} pwrite64"
            );
            assert!(
                d_lines <= syncs,
                "{d_lines} syncs journalled after {syncs} fdatasync"
            );
        }
    }
    assert_eq!((w_lines, d_lines), (128, 128), "the whole journal was seen");
    assert_eq!(
        read(&log)
            .split(|&b| b == b'\n')
            .filter(|l| l.starts_with(b"d "))
            .count(),
        128
    );
}

/// The summary counts what the journal took, and how long the writer
/// waited on it (its backpressure).
#[test]
fn the_summary_counts_the_journal_and_its_hold_on_the_writer() {
    let dir = scratch();
    let out = gush([
        "bytes",
        "--fill",
        "stamped",
        "-s",
        "256KiB",
        "--pattern",
        "random",
    ])
    .args([
        "--bs",
        "4k",
        "--loops",
        "2",
        "--sync",
        "every=64KiB",
        "--stats=json",
    ])
    .arg("--ack-log")
    .arg(dir.path("acks"))
    .arg("-o")
    .arg(dir.path("target"))
    .output()
    .expect("runs");
    assert!(out.status.success());
    let stats = stats_from(&out.stderr);
    let acks = &stats["ack_log"];
    assert_eq!(
        (acks["writes"].as_u64(), acks["syncs"].as_u64()),
        (Some(128), Some(8)),
        "{stats}"
    );
    assert!(
        acks["held_back_s"].as_f64().is_some_and(|s| s >= 0.0),
        "{stats}"
    );
}
