//! When the destination stops taking data: a reader that goes away (a
//! normal end, exit 0), a full device and a file size limit (exit 1 with a
//! one-line message, and a file that never ends mid-line).

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use crate::common::{
    TestDir, closed_pipe, expected_lines, gush, gush_std, line_count, num, read, stats_from, text,
    wait_bounded,
};

/// Runs endless `gush lines` with `extra` args into a pipe, reads about
/// 100 bytes, closes the pipe, and returns (exit code, stderr).
fn run_until_reader_leaves(extra: &[&str]) -> (Option<i32>, Vec<u8>) {
    let mut child = gush_std(["lines"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 100];
    stdout.read_exact(&mut head).expect("read 100 bytes");
    assert!(
        head.starts_with(b"Line 0\nLine 1\n"),
        "unexpected start of output"
    );
    drop(stdout);
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    (status.code(), stderr)
}

#[test]
fn reader_going_away_is_a_quiet_success() {
    let (code, stderr) = run_until_reader_leaves(&[]);
    assert_eq!(
        code,
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&stderr)
    );
    assert_eq!(String::from_utf8_lossy(&stderr), "");
}

#[test]
fn reader_going_away_ends_closed() {
    let (code, stderr) = run_until_reader_leaves(&["--stats=json"]);
    assert_eq!(
        code,
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&stderr)
    );
    let stats = stats_from(&stderr);
    assert_eq!(text(&stats, "end"), "closed", "{stats}");
}

#[test]
fn piping_into_head_exits_zero() {
    let script = r#"set -o pipefail; "$0" lines | head -3; echo "gush exit ${PIPESTATUS[0]}" >&2"#;
    let run = assert_cmd::Command::new("bash")
        .args(["-c", script, crate::common::bin()])
        .timeout(crate::common::RUN_LIMIT)
        .assert()
        .success()
        .stdout("Line 0\nLine 1\nLine 2\n");
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(stderr, "gush exit 0\n");
}

#[test]
fn full_device_is_a_one_line_error() {
    let run = gush(["lines", "-o", "/dev/full"])
        .assert()
        .code(1)
        .stdout("");
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.starts_with("gush: "), "stderr: {stderr}");
    assert!(stderr.contains("/dev/full"), "device not named: {stderr}");
    assert!(
        stderr.contains("No space left"),
        "cause not given: {stderr}"
    );
}

/// Where each chunk of default `gush lines` ends, for chunks of
/// `capacity` bytes each filled with as many whole lines as fit.
fn chunk_ends(capacity: usize, total: usize) -> Vec<usize> {
    let mut ends = vec![0];
    let (mut at, mut in_chunk, mut n) = (0, 0, 0u64);
    while at < total {
        let len = format!("Line {n}\n").len();
        if in_chunk + len > capacity {
            ends.push(at);
            in_chunk = 0;
        }
        at += len;
        in_chunk += len;
        n += 1;
    }
    ends
}

#[test]
fn file_size_limit_cuts_back_to_whole_chunks() {
    const LIMIT: u64 = 200_000;
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let mut cmd = gush_std(["lines", "-s", "10MB", "--stats=json", "-o"]);
    cmd.arg(&out);
    crate::common::limit_file_size(&mut cmd, LIMIT);
    let run = assert_cmd::Command::from_std(cmd)
        .timeout(crate::common::RUN_LIMIT)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    // The default preallocation of the 10 MB meets the limit first: its
    // warning is a line of its own, before the error.
    let (report, message): (Vec<&str>, Vec<&str>) = stderr
        .lines()
        .filter(|line| !line.starts_with("gush: warning: cannot preallocate"))
        .partition(|line| line.starts_with('{'));
    assert_eq!(
        message.len(),
        1,
        "expected one error line besides the stats: {stderr}"
    );
    assert!(message[0].starts_with("gush: "), "stderr: {stderr}");
    assert!(
        message[0].contains(&*out.to_string_lossy()),
        "file not named: {stderr}"
    );
    let stats = stats_from(report.join("\n").as_bytes());
    assert_eq!(text(&stats, "end"), "error", "{stats}");

    let written = read(&out);
    let size = written.len() as u64;
    assert!(size > 0 && size <= LIMIT, "file size {size}");
    assert_eq!(num(&stats, "bytes"), size, "stats bytes vs file size");
    assert!(written.ends_with(b"\n"), "file ends with a torn line");
    assert_eq!(
        num(&stats, "records"),
        line_count(&written),
        "records vs lines"
    );
    let lines = line_count(&written);
    assert!(
        written == expected_lines(0, lines),
        "file is not Line 0.. in order"
    );
    let ends = chunk_ends(
        num(&stats, "chunk_bytes") as usize,
        LIMIT as usize + 100_000,
    );
    let chunks = num(&stats, "chunks") as usize;
    assert_eq!(
        written.len(),
        ends[chunks],
        "file is not cut back to the end of whole chunk {chunks} (chunk ends: {:?})",
        &ends[..ends.len().min(6)]
    );
}

/// Runs `gush ARGS --stats=json` into a pipe whose reader takes 300 kB and
/// leaves, then returns the report and the first `bytes` bytes of the same
/// output written whole, to count the records in.
fn torn_by_a_leaving_reader(args: &[&str]) -> (serde_json::Value, Vec<u8>) {
    let mut child = gush_std(args)
        .arg("--stats=json")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    let mut stdout = child.stdout.take().unwrap();
    let mut head = vec![0u8; 300_000];
    stdout.read_exact(&mut head).expect("read 300 kB");
    drop(stdout);
    wait_bounded(&mut child, Duration::from_secs(10));
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let stats = stats_from(&stderr);
    let bytes = num(&stats, "bytes") as usize;
    let more = (bytes + 4096).to_string();
    let mut whole = gush(args)
        .args(["-s", &more])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(whole.len() >= bytes, "the same output runs on past the cut");
    whole.truncate(bytes);
    (stats, whole)
}

#[test]
fn a_torn_chunk_counts_records_of_a_template_with_newlines() {
    let (stats, whole) = torn_by_a_leaving_reader(&["lines", "a\nb{n}"]);
    let newlines = whole.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(num(&stats, "records"), newlines / 2, "{stats}");
}

#[test]
fn a_torn_chunk_counts_whole_octet_counted_frames() {
    let (stats, whole) = torn_by_a_leaving_reader(&["lines", "--framing", "octet-counted"]);
    let mut frames = 0;
    let mut at = 0;
    while let Some(space) = whole[at..].iter().position(|&b| b == b' ') {
        let length: usize = std::str::from_utf8(&whole[at..at + space])
            .unwrap()
            .parse()
            .unwrap();
        if at + space + 1 + length > whole.len() {
            break;
        }
        frames += 1;
        at += space + 1 + length;
    }
    assert_eq!(num(&stats, "records"), frames, "{stats}");
}

#[test]
fn stderr_going_away_does_not_stop_the_data() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let status = gush_std(["lines", "-n", "20000", "--rate", "100000/s"])
        .args(["--interval", "20ms", "--stats", "--progress", "-o"])
        .arg(&out)
        .stdin(Stdio::null())
        .stderr(closed_pipe())
        .status()
        .expect("run gush");
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(read(&out), expected_lines(0, 20000));
}

#[test]
fn an_error_with_stderr_gone_still_exits_1() {
    let status = gush_std(["lines", "-n", "10", "-o", "/nonexistent-dir/out.txt"])
        .stdin(Stdio::null())
        .stderr(closed_pipe())
        .status()
        .expect("run gush");
    assert_eq!(status.code(), Some(1), "{status}");
}

#[test]
fn an_unwritable_stats_file_fails_before_the_output_is_touched() {
    let dir = TestDir::new();
    let out = dir.file("out.txt", b"precious\n");
    let assert = gush([
        "lines",
        "-n",
        "10",
        "--stats-file",
        "/nonexistent-dir/x.json",
    ])
    .arg("-o")
    .arg(&out)
    .arg("--force")
    .assert()
    .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("/nonexistent-dir/x.json"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(read(&out), b"precious\n");
}

#[test]
fn a_fifo_reader_going_away_ends_closed_as_stdout_does() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TestDir::new();
    let fifo = dir.path("fifo");
    let name = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path and a mode.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo");
    let mut child = gush_std(["lines", "--stats=json", "-o"])
        .arg(&fifo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gush");
    let mut reader = std::fs::File::open(&fifo).expect("open the FIFO to read");
    let mut head = [0u8; 100];
    reader.read_exact(&mut head).expect("read 100 bytes");
    assert!(head.starts_with(b"Line 0\nLine 1\n"));
    drop(reader);
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&stderr)
    );
    let stats = stats_from(&stderr);
    assert_eq!(text(&stats, "end"), "closed", "{stats}");
}

#[test]
fn a_record_larger_than_the_chunk_is_a_usage_error_naming_its_size() {
    let assert = gush(["lines", "-n", "3", "--chunk", "4"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    // `Line 0\n` is 7 bytes.
    assert!(
        stderr.contains("a record of 7 bytes does not fit in --chunk 4: use --chunk 7 or more"),
        "{stderr}"
    );
}

/// Runs `gush lines -n 5` from bash with stdout redirected as `redirect`
/// says; returns (exit code, stderr).
fn lines_with_stdout(redirect: &str) -> (i32, String) {
    let script = format!(r#""$0" lines -n 5 --stats=json {redirect}"#);
    let out = assert_cmd::Command::new("bash")
        .args(["-c", &script, crate::common::bin()])
        .timeout(crate::common::RUN_LIMIT)
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().expect("an exit code"), stderr)
}

#[test]
fn closed_stdout_is_an_error_naming_it() {
    // The runtime reopens a closed fd 1 on /dev/null before main; gush
    // must not take that for a stdout meant to be discarded.
    let (code, stderr) = lines_with_stdout(">&-");
    assert_eq!(code, 1, "{stderr}");
    let message = stderr.lines().find(|line| line.starts_with("gush: "));
    let message = message.unwrap_or_else(|| panic!("no error line: {stderr}"));
    assert!(
        message.contains("stdout") && message.contains("closed"),
        "{stderr}"
    );
}

#[test]
fn stdout_to_dev_null_is_a_complete_run() {
    let (code, stderr) = lines_with_stdout(">/dev/null");
    assert_eq!(code, 0, "{stderr}");
    let stats = stats_from(stderr.as_bytes());
    assert_eq!(text(&stats, "end"), "complete", "{stats}");
    assert_eq!(num(&stats, "records"), 5, "{stats}");
}
