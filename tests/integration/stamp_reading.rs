//! Stamped blocks read the hard ways: with O_DIRECT, stopped by Ctrl-C,
//! from a FIFO (refused), after a SIGKILL mid-write, and through a device with a block that fails with EIO (device-mapper's
//! `error` target over a loop device, where root and the kernel allow it).
//! The helpers and the fault tests are in `stamp.rs`.

use std::io::{BufRead, BufReader};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use serde_json::Value;

use crate::common::{
    RUN_LIMIT, final_stats, gush, gush_std, num, output_bounded, read, send_signal, stats_from,
    wait_bounded,
};
use crate::stamp::{BLOCK, TOTAL, bad_blocks, patch, scratch, stamped};

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// A loop device over a stamped file, with device-mapper's `error` target
/// over one block, removed when dropped.
struct FaultyDevice {
    loop_dev: String,
    dm_name: String,
}

impl Drop for FaultyDevice {
    fn drop(&mut self) {
        let _ = Command::new("dmsetup")
            .args(["remove", &self.dm_name])
            .status();
        let _ = Command::new("losetup")
            .args(["-d", &self.loop_dev])
            .status();
    }
}

#[test]
#[ignore = "needs root, losetup and dmsetup to make an unreadable block: cargo test -- --ignored as root"]
fn an_unreadable_block_is_skipped_and_counted() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    assert!(
        root && have("losetup") && have("dmsetup"),
        "needs root, losetup and dmsetup to make an unreadable block"
    );
    let dir = scratch();
    let path = stamped(dir.root(), "disk", BLOCK, &[]);
    let attach = Command::new("losetup")
        .args(["--find", "--show"])
        .arg(&path)
        .output()
        .expect("losetup runs");
    assert!(
        attach.status.success(),
        "losetup cannot attach a loop device here: {}",
        String::from_utf8_lossy(&attach.stderr).trim()
    );
    let loop_dev = String::from_utf8_lossy(&attach.stdout).trim().to_string();
    let dm_name = format!("gush-test-{}", std::process::id());
    let device = FaultyDevice { loop_dev, dm_name };
    // Sectors of 512 bytes: block 40 (sectors 320..328) fails with EIO.
    let sectors = TOTAL / 512;
    let table = format!(
        "0 320 linear {dev} 0\n320 8 error\n328 {rest} linear {dev} 328\n",
        dev = device.loop_dev,
        rest = sectors - 328
    );
    let made = Command::new("dmsetup")
        .args(["create", &device.dm_name])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(table.as_bytes())?;
            child.wait()
        });
    assert!(
        made.is_ok_and(|status| status.success()),
        "dmsetup cannot create a device here"
    );
    let mapped = PathBuf::from(format!("/dev/mapper/{}", device.dm_name));
    for direct in [false, true] {
        let mut cmd = gush(["verify", "--stats=json"]);
        if direct {
            cmd.arg("--direct");
        }
        let out = cmd.arg(&mapped).output().expect("gush runs");
        let report = stats_from(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{report}");
        assert_eq!(num(&report, "unreadable"), 1, "{report}");
        assert_eq!(num(&report, "ok"), 255, "{report}");
        assert_eq!(bad_blocks(&report)[0]["offset"], 40 * BLOCK);
    }
}

#[test]
fn direct_writes_and_reads_give_the_same_verdict() {
    let dir = scratch();
    let path = stamped(dir.root(), "direct", BLOCK, &["--direct"]);
    assert!(read(&path) == read(&stamped(dir.root(), "cached", BLOCK, &[])));
    patch(&path, 12 * BLOCK + 5, &[0]);
    let out = gush(["verify", "--direct", "--stats=json"])
        .arg(&path)
        .output()
        .expect("gush runs");
    let report = stats_from(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{report}");
    assert_eq!(report["direct"], true);
    assert_eq!(num(&report, "ok"), 255);
    assert_eq!(bad_blocks(&report)[0]["offset"], 12 * BLOCK);
}

/// Spawns `command` with stderr piped and hands its stderr lines over a
/// channel, read on a thread so that waiting for one is bounded.
fn spawn_with_lines(mut command: std::process::Command) -> (Child, Receiver<String>) {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    let stderr = child.stderr.take().expect("piped stderr");
    let (send, lines) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    (child, lines)
}

/// Waits (up to 10 s) for a `--interval` JSON line whose `key` reaches
/// `at_least`: the event a test signals after.
fn wait_for_progress(child: &mut Child, lines: &Receiver<String>, key: &str, at_least: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = lines.recv_timeout(left) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no progress line with {key} >= {at_least} within 10 s");
        };
        let seen: Value = serde_json::from_str(&line).unwrap_or_default();
        if seen[key].as_u64().is_some_and(|n| n >= at_least) {
            return;
        }
    }
}

/// The lines still to come, once the child has exited.
fn rest(lines: Receiver<String>) -> String {
    lines.iter().collect::<Vec<_>>().join("\n")
}

#[test]
fn ctrl_c_reports_what_was_checked_and_exits_130() {
    let dir = scratch();
    // The first MiB of a 64 GiB stamped run, then a hole up to 64 GiB:
    // far more than can be read before the signal comes.
    let path = dir.path("huge");
    gush([
        "bytes", "--fill", "stamped", "-s", "64GiB", "--shard", "0/65536", "-q", "-o",
    ])
    .arg(&path)
    .assert()
    .success();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(64 << 30).expect("make it sparse");
    let mut verify = gush_std(["verify", "--stats=json", "--interval", "20ms"]);
    verify.arg(&path);
    let (mut child, lines) = spawn_with_lines(verify);
    // Signalled once the stamped MiB has been checked.
    wait_for_progress(&mut child, &lines, "checked_bytes", 1 << 20);
    send_signal(&child, libc::SIGINT);
    let status = wait_bounded(&mut child, RUN_LIMIT);
    let report = final_stats(&rest(lines));
    assert_eq!(status.code(), Some(130), "{report}");
    assert_eq!(report["interrupted"], true);
    assert_eq!(num(&report, "ok"), 256);
    let checked = num(&report, "checked_bytes");
    assert!((1 << 20..64 << 30).contains(&checked), "{report}");
    assert_eq!(
        num(&report, "missing"),
        0,
        "an interrupted check names nothing missing"
    );
}

#[test]
fn a_fifo_is_refused_before_it_is_opened() {
    let dir = scratch();
    let fifo = dir.path("fifo");
    let name = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: mkfifo reads the NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo");
    // Opening a FIFO with no writer would block for good: the kit's time
    // limit fails the test if it does.
    let child = gush_std(["verify"])
        .arg(&fifo)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    let out = output_bounded(child);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a FIFO"), "{stderr}");
    assert!(stderr.contains(fifo.to_str().unwrap()), "{stderr}");
}

#[test]
fn sigkill_with_preallocate_leaves_a_tail_named_zeroed() {
    let dir = scratch();
    let path = dir.path("killed");
    // Paced, so the run is still writing when it is killed; preallocated,
    // so the file already has its whole length.
    let mut write = gush_std([
        "bytes",
        "--fill",
        "stamped",
        "-s",
        "64MiB",
        "--rate",
        "8MiB/s",
        "--preallocate",
        "--stats=json",
        "--interval",
        "20ms",
        "-o",
    ]);
    write.arg(&path);
    let (mut child, lines) = spawn_with_lines(write);
    wait_for_progress(&mut child, &lines, "bytes", 1 << 20);
    send_signal(&child, libc::SIGKILL);
    let status = wait_bounded(&mut child, RUN_LIMIT);
    assert_eq!(status.code(), None, "killed, so no report and no cut back");
    assert_eq!(std::fs::metadata(&path).expect("stat").len(), 64 << 20);
    let out = gush(["verify", "--stats=json"])
        .arg(&path)
        .output()
        .expect("gush runs");
    let report = stats_from(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{report}");
    assert!(num(&report, "ok") >= 256, "the written MiB is ok: {report}");
    assert!(num(&report, "zeroed") > 0, "the tail is zeroed: {report}");
    for key in ["missing", "misplaced", "stale", "extra_bytes"] {
        assert_eq!(num(&report, key), 0, "{key}: {report}");
    }
    let first = &bad_blocks(&report)[0];
    assert_eq!(first["class"], "zeroed", "{report}");
    assert!(first["offset"].as_u64().unwrap() >= 1 << 20, "{report}");
}

#[test]
fn faults_across_many_windows_come_back_in_file_order() {
    // 24 MiB is 24 windows over four reader threads: their windows arrive
    // out of order and must be checked at their own offsets.
    let dir = scratch();
    let path = dir.path("wide");
    gush([
        "bytes", "--fill", "stamped", "-s", "24MiB", "--block", "512", "-q", "-o",
    ])
    .arg(&path)
    .assert()
    .success();
    let faults = [
        (3 << 20, 0u8),
        (7 << 20, 1),
        (7 << 20 | 4096, 2),
        (23 << 20, 3),
    ];
    for (at, kind) in faults {
        match kind {
            0 => patch(&path, at, &[0; 512]),
            _ => {
                let byte = read(&path)[at as usize + 100];
                patch(&path, at + 100, &[byte ^ 1]);
            }
        }
    }
    let out = gush(["verify", "--stats=json"])
        .arg(&path)
        .output()
        .expect("gush runs");
    let report = stats_from(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{report}");
    assert_eq!(num(&report, "ok"), (24 << 20) / 512 - 4);
    let offsets: Vec<u64> = bad_blocks(&report)
        .iter()
        .map(|bad| bad["offset"].as_u64().expect("an offset"))
        .collect();
    assert_eq!(offsets, faults.map(|(at, _)| at));
}
