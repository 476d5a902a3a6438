//! Signals: SIGINT and SIGTERM stop generating, what was made is written
//! out whole, and gush exits 130 or 143, at once even under a slow consumer
//! made up with `--sink-delay` or `--sink-rate`; a second SIGINT exits at
//! once even while the writer is stuck on a destination that takes nothing.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Child, ChildStdout, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::signal_and_wait;
use crate::common::{
    StderrLines, TestDir, expected_lines, final_stats, gush_std, line_count, num, read,
    send_delivered, send_signal, stats_from, text, wait_bounded, wait_for_file, wait_for_handlers,
    wait_for_size, wait_until,
};

/// Endless `gush lines` into `out` with `flags`, reporting in JSON.
fn spawn_endless(out: &Path, flags: &[&str]) -> Child {
    gush_std(["lines", "--stats=json"])
        .args(flags)
        .arg("-o")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush")
}

fn stderr_of(child: &mut Child) -> Vec<u8> {
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    stderr
}

/// Checks that a run that was stopped by a signal exited `code` and
/// reported an interrupted end that matches the file, whole lines from
/// `Line 0`.
fn stopped_whole(status: ExitStatus, stderr: &str, stats: &Value, out: &Path, code: i32) {
    assert_eq!(
        status.code(),
        Some(code),
        "status {status}; stderr: {stderr}"
    );
    assert_eq!(text(stats, "end"), "interrupted", "{stats}");
    let written = read(out);
    assert!(written.ends_with(b"\n"), "file ends mid-line");
    assert_eq!(
        num(stats, "bytes"),
        written.len() as u64,
        "bytes vs file size"
    );
    let lines = line_count(&written);
    assert_eq!(num(stats, "records"), lines, "records vs lines");
    assert!(
        written == expected_lines(0, lines),
        "file is not Line 0.. in order"
    );
}

/// Runs endless lines into a file, sends `signal` once lines are written,
/// and checks the exit code and that the file is whole and matches the
/// report.
fn stops_cleanly_on(signal: libc::c_int, code: i32) {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let mut child = spawn_endless(&out, &["--sink-delay", "2ms"]);
    wait_for_file(&out, &mut child);
    wait_for_size(&out, 1, &mut child);
    send_signal(&child, signal);
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let stderr = stderr_of(&mut child);
    let stats = stats_from(&stderr);
    stopped_whole(
        status,
        &String::from_utf8_lossy(&stderr),
        &stats,
        &out,
        code,
    );
}

#[test]
fn sigint_finishes_writing_and_exits_130() {
    stops_cleanly_on(libc::SIGINT, 130);
}

#[test]
fn sigterm_finishes_writing_and_exits_143() {
    stops_cleanly_on(libc::SIGTERM, 143);
}

/// Ctrl-C under a made-up slow consumer: the wait ends at once, what was
/// made goes out whole, and the report comes (issue 16: `--sink-delay
/// 1000000h` waited out the delay for each buffered chunk).
fn sigint_ends_a_slow_sink_at_once(flags: &[&str]) {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let mut child = spawn_endless(&out, &[flags, &["--interval", "20ms"]].concat());
    let mut stderr = StderrLines::of(&mut child);
    // Paused: the generator has filled the buffer, and the writer waits.
    stderr.wait_for("a pause", |line| line.contains(r#""pauses":1"#));
    send_signal(&child, libc::SIGINT);
    let signalled = Instant::now();
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let took = signalled.elapsed();
    let stderr = stderr.all();
    stopped_whole(status, &stderr, &final_stats(&stderr), &out, 130);
    assert!(took < Duration::from_secs(2), "{flags:?}: took {took:?}");
}

#[test]
fn sigint_cuts_a_long_sink_delay_short_with_a_report() {
    sigint_ends_a_slow_sink_at_once(&["--sink-delay", "1000000h"]);
}

#[test]
fn sigint_cuts_a_slow_sink_rate_short_with_a_report() {
    sigint_ends_a_slow_sink_at_once(&["--sink-rate", "1B/s"]);
}

/// Whether the pipe whose read end is `stdout` is full: less than a
/// default chunk of room (writes of whole chunks leave a few bytes of each
/// page unused).
fn pipe_full(stdout: &ChildStdout) -> bool {
    let fd = stdout.as_raw_fd();
    let mut queued: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int; F_GETPIPE_SZ reads nothing from us.
    let (queued, size) = unsafe {
        libc::ioctl(fd, libc::FIONREAD, &mut queued);
        (queued, libc::fcntl(fd, libc::F_GETPIPE_SZ))
    };
    size > 0 && size - queued < 64 * 1024
}

#[test]
fn second_sigint_exits_at_once_while_the_writer_is_stuck() {
    // A reader that never reads: once the pipe is full the writer waits in
    // write(2) for good, and a first SIGINT cannot end the run.
    let mut child = gush_std(["lines"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    let stdout = child.stdout.take().unwrap();
    wait_for_handlers(&mut child);
    wait_until("filling the pipe", &mut child, |_| pipe_full(&stdout));
    send_delivered(&mut child, libc::SIGINT);
    assert!(
        child.try_wait().expect("poll gush").is_none(),
        "the first SIGINT ended a run whose writer is stuck"
    );
    let (output, waited) = signal_and_wait(child, libc::SIGINT);
    assert_eq!(output.status.code(), Some(130), "{}", output.status);
    assert!(waited < Duration::from_secs(2), "took {waited:?} to exit");
    drop(stdout);
}

/// Makes a FIFO at `path`.
fn mkfifo(path: &std::path::Path) {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path and a mode.
    let rc = unsafe { libc::mkfifo(name.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo {} failed", path.display());
}

#[test]
fn sigterm_stops_a_wait_for_a_fifo_reader() {
    let dir = TestDir::new();
    let fifo = dir.path("fifo");
    mkfifo(&fifo);
    let mut child = gush_std(["lines", "-n", "10", "-o"])
        .arg(&fifo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    // Caught from here on; gush opens the FIFO after.
    wait_for_handlers(&mut child);
    let (output, waited) = signal_and_wait(child, libc::SIGTERM);
    let (status, stderr) = (output.status, String::from_utf8_lossy(&output.stderr));
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(waited < Duration::from_millis(500), "took {waited:?}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}
