//! The acknowledgement journal over TCP (issue 18): `--ack-log
//! tcp://HOST:PORT` sending to `gush catch --acks -o FILE`. The stored
//! journal is the local one but for the times in it, and `gush verify
//! --acks` judges alike from either; a slowed catcher pauses the writer and
//! the summary counts it; a catcher gone mid-run fails the run, and one
//! not there fails it before the target is touched.

use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::Catcher;
use crate::common::{
    RUN_LIMIT, TestDir, final_stats, gush, gush_std, num, output_bounded, read, wait_bounded,
    wait_for_size,
};

/// A stamped random region, seed 9, written with `--ack-log journal`:
/// the flags every test here shares.
fn journalled_write(target: &Path, journal: &str, extra: &[&str]) -> std::process::Command {
    let mut command = gush_std(["bytes", "--fill", "stamped", "--seed", "9"]);
    command
        .args(["--pattern", "random", "--bs", "4k", "--force"])
        .args(extra)
        .args(["--ack-log", journal])
        .arg("-o")
        .arg(target);
    command
}

/// The journal with each record's time masked: the only field that
/// differs between two runs of one seed at queue depth 1.
fn times_masked(journal: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(journal)
        .lines()
        .map(|line| match line.rsplit_once(' ') {
            Some((head, _)) if !line.starts_with("gush-acks") => format!("{head} T"),
            _ => line.to_string(),
        })
        .collect()
}

/// `gush verify --acks` as JSON, with what differs between two journals
/// of one run (their names, the times of their promises, the speed) left
/// out, and its exit code.
fn verdict(target: &Path, journal: &Path) -> (i32, Value) {
    let out = gush(["verify", "--stats=json"])
        .arg(target)
        .arg("--acks")
        .arg(journal)
        .output()
        .expect("gush verify runs");
    let mut report = final_stats(&String::from_utf8_lossy(&out.stderr));
    let object = report.as_object_mut().expect("an object");
    object.remove("elapsed_s");
    object.remove("bytes_per_s");
    object["acks"]
        .as_object_mut()
        .expect("acks")
        .remove("journal");
    for block in object["bad_blocks"].as_array_mut().expect("bad_blocks") {
        block.as_object_mut().expect("a block").remove("acked_ns");
    }
    (out.status.code().unwrap_or(-1), report)
}

#[test]
fn the_caught_journal_is_the_local_one_but_for_its_times_and_judges_alike() {
    let dir = TestDir::new();
    let (target, local) = (dir.path("target"), dir.path("local"));
    let flags = ["-s", "1MiB", "--loops", "2", "--sync", "every=64KiB", "-q"];
    let local_text = local.to_str().expect("utf-8").to_string();
    let out = output_bounded(
        journalled_write(&target, &local_text, &flags)
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs"),
    );
    assert!(out.status.success(), "{out:?}");

    let caught = dir.path("caught");
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--acks", "-o", caught.to_str().expect("utf-8")],
    );
    let out = output_bounded(
        journalled_write(&dir.path("target2"), &catcher.address, &flags)
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs"),
    );
    assert!(out.status.success(), "{out:?}");
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 0, "{stderr}");
    let stats = final_stats(&stderr);
    // 512 writes, 32 syncs and the format line.
    assert_eq!(num(&stats, "records"), 545, "{stats}");

    let (local_journal, caught_journal) = (read(&local), read(&caught));
    assert_eq!(times_masked(&caught_journal), times_masked(&local_journal));
    assert_eq!(caught_journal.len(), local_journal.len());

    // A lost write in the target: both journals name it alike.
    let mut bytes = read(&target);
    bytes[5 * 4096..6 * 4096].fill(0);
    std::fs::write(&target, &bytes).expect("patched");
    let (local_code, local_verdict) = verdict(&target, &local);
    let (caught_code, caught_verdict) = verdict(&target, &caught);
    assert_eq!(local_code, 3, "{local_verdict}");
    assert_eq!(local_verdict["acks"]["lost"], 1, "{local_verdict}");
    assert_eq!((caught_code, caught_verdict), (local_code, local_verdict));
}

#[test]
fn a_slowed_catcher_pauses_the_writer_and_the_summary_says_so() {
    let dir = TestDir::new();
    let caught = dir.path("caught");
    // 16,384 records, some 620 KB of journal, read at 256 KiB/s: the
    // writer outruns the 256 KiB the catcher may leave unconfirmed.
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &[
            "--acks",
            "--read-rate",
            "256KiB/s",
            "-o",
            caught.to_str().expect("utf-8"),
        ],
    );
    let out = output_bounded(
        journalled_write(
            &dir.path("target"),
            &catcher.address,
            &["-s", "16MiB", "--loops", "4", "--stats=json"],
        )
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stats = final_stats(&stderr);
    let acks = &stats["ack_log"];
    assert_eq!(acks["file"], catcher.address.as_str(), "{stats}");
    assert!(num(acks, "pauses") >= 20, "{stats}");
    // What the catcher had left to read past the window, at its rate.
    assert!(
        acks["held_back_s"].as_f64().unwrap_or(0.0) >= 1.0,
        "{stats}"
    );
    let (code, caught_stderr) = catcher.finish();
    assert_eq!(code, 0, "{caught_stderr}");
    // Everything the writer counted is on the catcher's disk.
    let journal = read(&caught);
    assert_eq!(
        num(acks, "confirmed_bytes"),
        journal.len() as u64,
        "{stats}"
    );
    let records = journal.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(records, 1 + num(acks, "writes") + num(acks, "syncs"));

    // The human summary names the journal and its pauses.
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--acks", "-o", dir.path("again").to_str().expect("utf-8")],
    );
    let out = output_bounded(
        journalled_write(
            &dir.path("target"),
            &catcher.address,
            &["-s", "1MiB", "--stats"],
        )
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs"),
    );
    let text = String::from_utf8_lossy(&out.stderr);
    let line = format!(
        "ack log {}: 256 writes, 0 syncs journalled",
        catcher.address
    );
    assert!(text.contains(&line), "{text}");
    assert!(
        text.contains("confirmed synced by the catcher; it paused the writer"),
        "{text}"
    );
}

#[test]
fn a_catcher_gone_mid_run_fails_the_run_naming_the_journal() {
    let dir = TestDir::new();
    let caught = dir.path("caught");
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &[
            "--acks",
            "--read-rate",
            "64KiB/s",
            "-o",
            caught.to_str().expect("utf-8"),
        ],
    );
    // A minute's run: only the catcher's end can stop it within the limit.
    let mut writer = journalled_write(&dir.path("target"), &catcher.address, &["-s", "16MiB"])
        .args(["-t", "60s", "-q"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    wait_for_size(&caught, 4096, &mut writer);
    // SAFETY: a signal to our own child process.
    unsafe { libc::kill(catcher.pid() as i32, libc::SIGKILL) };
    let out = output_bounded(writer);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let named = format!("cannot write the --ack-log {}: ", catcher.address);
    assert!(stderr.contains(&named), "{stderr}");
    assert!(stderr.contains("the run stops"), "{stderr}");
}

/// A `tcp://` address on loopback where nothing listens: a port bound and
/// let go.
fn refusing_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    format!("tcp://127.0.0.1:{port}")
}

#[test]
fn a_journal_refused_at_the_start_fails_before_the_target_is_touched() {
    let dir = TestDir::new();
    let journal = refusing_address();
    let target = dir.path("target");
    let mut writer = journalled_write(&target, &journal, &["-s", "1MiB", "-q"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let status = wait_bounded(&mut writer, RUN_LIMIT);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut writer.stderr.take().expect("piped"), &mut stderr)
        .expect("stderr");
    assert_eq!(status.code(), Some(1), "{stderr}");
    let named = format!("cannot connect to the --ack-log {journal}: connection refused");
    assert!(stderr.contains(&named), "{stderr}");
    assert!(!target.exists(), "the target was created: {stderr}");
}

#[test]
fn a_remote_journal_is_dialled_with_connect_timeout_and_retry() {
    let dir = TestDir::new();
    let journal = refusing_address();
    let target = dir.path("target");
    let refused = |extra: &[&str]| {
        let out = journalled_write(&target, &journal, extra)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("cannot connect to the --ack-log"),
            "{stderr}"
        );
        stderr
    };
    // As for -o tcp://: three retries unless told, --retry N otherwise.
    assert!(refused(&["-s", "1MiB"]).contains("(4 attempts)"));
    assert!(refused(&["-s", "1MiB", "--retry", "1"]).contains("(2 attempts)"));
    let once = refused(&["-s", "1MiB", "--retry", "0", "--connect-timeout", "2s"]);
    assert!(!once.contains("attempts"), "{once}");
    // A journal in a file connects to nothing: the flags are refused.
    let out = journalled_write(
        &target,
        &dir.path("acks").display().to_string(),
        &["-s", "1MiB", "--retry", "1"],
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let refusal = "--retry is for socket destinations and an --ack-log on another machine";
    assert!(stderr.contains(refusal), "{stderr}");
}

#[test]
fn a_stream_that_is_not_a_journal_is_not_stored() {
    let dir = TestDir::new();
    let caught = dir.path("caught");
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--acks", "-o", caught.to_str().expect("utf-8")],
    );
    let out = gush(["lines", "-n", "100", "-q", "-o", &catcher.address])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("not an --ack-log journal: it began \"Line 0\\nLine 1"),
        "{stderr}"
    );
    assert_eq!(read(&caught), b"");
}

#[test]
fn catch_acks_refuses_what_it_could_not_sync_or_keep_whole() {
    for (args, expected) in [
        (&["-o", "-"][..], "--acks -o - cannot sync stdout"),
        (
            &["-o", "j", "--keep"][..],
            "--keep would add another stream",
        ),
        (&["-o", "j", "-c", "2"][..], "--connections would add"),
        (&[][..], "--output"),
    ] {
        let out = gush(["catch", "--acks", "-l", "0"])
            .args(args)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

/// Over TCP too, a record leaves only after what it describes: under
/// strace, every `w` sent follows its `pwrite64`, every `d` its
/// `fdatasync`.
#[test]
fn records_are_sent_only_after_the_acknowledgements_they_describe() {
    let dir = TestDir::new();
    let (target, trace) = (dir.path("target"), dir.path("trace"));
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--acks", "-o", dir.path("caught").to_str().expect("utf-8")],
    );
    let traced = std::process::Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-s",
            "65536",
            "-e",
            "trace=pwrite64,fdatasync,sendto",
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
        .args(["--ack-log", &catcher.address])
        .arg("-o")
        .arg(&target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(child) = traced else {
        eprintln!("note: strace is not here; the order check did not run");
        return;
    };
    let output = output_bounded(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("strace:") || !trace.exists() {
        eprintln!("note: strace could not trace gush here; the order check did not run");
        return;
    }
    assert!(output.status.success(), "{stderr}");
    let (mut pwrites, mut syncs, mut w_sent, mut d_sent) = (0, 0, 0, 0);
    for line in std::fs::read_to_string(&trace).expect("the trace").lines() {
        if line.contains("pwrite64(") && !line.contains("<unfinished") {
            pwrites += 1;
        } else if line.contains("fdatasync(") && line.contains("= 0") {
            syncs += 1;
        } else if let Some(at) = line.find("sendto(") {
            let body = line[at..].split_once('"').map_or("", |(_, rest)| rest);
            for record in body.split("\\n") {
                w_sent += u32::from(record.starts_with("w "));
                d_sent += u32::from(record.starts_with("d "));
            }
            assert!(
                w_sent <= pwrites,
                "{w_sent} writes sent after {pwrites} pwrite64"
            );
            assert!(
                d_sent <= syncs,
                "{d_sent} syncs sent after {syncs} fdatasync"
            );
        }
    }
    assert_eq!((w_sent, d_sent), (128, 128), "the whole journal was seen");
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 0, "{stderr}");
}
