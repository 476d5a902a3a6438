//! Signals: SIGINT and SIGTERM stop generating, what was made is written
//! out whole, and gush exits 130 or 143; a second SIGINT exits at once even
//! while the writer is stuck on a slow destination.

use std::io::Read;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::signal_and_wait;
use crate::common::{
    TestDir, expected_lines, gush_std, line_count, num, read, send_signal, stats_from, text,
    wait_bounded, wait_for_file,
};

fn spawn_endless(out: &std::path::Path, sink_delay: &str) -> Child {
    gush_std(["lines", "--sink-delay", sink_delay, "--stats=json", "-o"])
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

/// Runs endless lines into a file, sends `signal` after ~300 ms, and checks
/// the exit code and that the file is whole and matches the report.
fn stops_cleanly_on(signal: libc::c_int, code: i32) {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let mut child = spawn_endless(&out, "2ms");
    wait_for_file(&out, &mut child);
    std::thread::sleep(Duration::from_millis(300));
    send_signal(&child, signal);
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let stderr = stderr_of(&mut child);
    assert_eq!(
        status.code(),
        Some(code),
        "status {status}; stderr: {}",
        String::from_utf8_lossy(&stderr)
    );
    let stats = stats_from(&stderr);
    assert_eq!(text(&stats, "end"), "interrupted", "{stats}");
    let written = read(&out);
    assert!(!written.is_empty(), "nothing written in 300 ms");
    assert!(written.ends_with(b"\n"), "file ends mid-line");
    assert_eq!(
        num(&stats, "bytes"),
        written.len() as u64,
        "bytes vs file size"
    );
    let lines = line_count(&written);
    assert_eq!(num(&stats, "records"), lines, "records vs lines");
    assert!(
        written == expected_lines(0, lines),
        "file is not Line 0.. in order"
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

#[test]
fn second_sigint_exits_at_once() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let mut child = spawn_endless(&out, "1s");
    wait_for_file(&out, &mut child);
    // Let the generator fill the buffer; draining it takes many seconds.
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    send_signal(&child, libc::SIGINT);
    // Apart enough that the kernel delivers two signals, not one.
    std::thread::sleep(Duration::from_millis(50));
    send_signal(&child, libc::SIGINT);
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let took = started.elapsed();
    assert_eq!(status.code(), Some(130), "status {status}");
    assert!(
        took < Duration::from_secs(3),
        "took {took:?} to exit after two SIGINTs"
    );
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
    let child = gush_std(["lines", "-n", "10", "-o"])
        .arg(&fifo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    std::thread::sleep(Duration::from_millis(300));
    let (output, waited) = signal_and_wait(child, libc::SIGTERM);
    let (status, stderr) = (output.status, String::from_utf8_lossy(&output.stderr));
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(waited < Duration::from_millis(500), "took {waited:?}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}
