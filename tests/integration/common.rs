//! Shared helpers for the integration tests: a ready [`Command`] for the
//! built binary, a temporary directory that removes itself, the parser for
//! the `--stats=json` object on stderr, the expected output of `gush lines`
//! built independently of gush, and bounded waits for spawned children.

use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// The longest any single run may take before the test fails rather than
/// hangs.
pub const RUN_LIMIT: Duration = Duration::from_secs(20);

/// The path of the `gush` binary cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gush")
}

/// `gush` with `args`, killed if it runs past [`RUN_LIMIT`].
pub fn gush<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(bin());
    cmd.args(args).timeout(RUN_LIMIT);
    cmd
}

/// `gush` as a plain std command, for tests that spawn it and talk to the
/// running child (signals, closed pipes, resource limits).
pub fn gush_std<I, S>(args: I) -> std::process::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = std::process::Command::new(bin());
    cmd.args(args);
    cmd
}

/// A temporary directory, removed when dropped.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("gush-test-")
                .tempdir()
                .expect("create a temp dir"),
        }
    }

    /// A path inside the directory (not created).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Creates `name` holding `content` and returns its path.
    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).expect("write a fixture file");
        path
    }
}

/// The one `--stats=json` object on stderr. Fails unless stderr is exactly
/// one line holding one JSON object.
pub fn stats_from(stderr: &[u8]) -> Value {
    let text = std::str::from_utf8(stderr).expect("stderr is UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one line (the JSON object) on stderr, got:\n{text}"
    );
    let value: Value = serde_json::from_str(lines[0])
        .unwrap_or_else(|err| panic!("stderr is not JSON ({err}):\n{text}"));
    assert!(value.is_object(), "stats is not an object: {value}");
    value
}

/// A numeric stats field as u64.
pub fn num(stats: &Value, key: &str) -> u64 {
    stats[key]
        .as_u64()
        .unwrap_or_else(|| panic!("stats `{key}` is not an unsigned integer: {stats}"))
}

/// A string stats field.
pub fn text<'a>(stats: &'a Value, key: &str) -> &'a str {
    stats[key]
        .as_str()
        .unwrap_or_else(|| panic!("stats `{key}` is not a string: {stats}"))
}

/// `Line {start}\n` .. `Line {start + count - 1}\n`, built without gush.
pub fn expected_lines(start: u64, count: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for n in start..start + count {
        out.extend_from_slice(format!("Line {n}\n").as_bytes());
    }
    out
}

/// The most whole default lines (from `Line 0`) that fit in `limit` bytes.
pub fn expected_lines_within(limit: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for n in 0.. {
        let line = format!("Line {n}\n");
        if (out.len() + line.len()) as u64 > limit {
            break;
        }
        out.extend_from_slice(line.as_bytes());
    }
    out
}

/// How many `\n` bytes `data` holds.
pub fn line_count(data: &[u8]) -> u64 {
    data.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Waits for `child` to exit, killing it and failing the test if it takes
/// longer than `limit`.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gush did not exit within {limit:?}; killed it");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until `path` exists: gush creates its output file only after its
/// signal handlers are installed, so this is the moment signals are safe.
pub fn wait_for_file(path: &Path, child: &mut Child) {
    let started = Instant::now();
    while !path.exists() {
        if let Some(status) = child.try_wait().expect("poll the child") {
            panic!("gush exited ({status}) before creating {}", path.display());
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gush did not create {} within 10 s", path.display());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Sends `signal` to a running child.
pub fn send_signal(child: &Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).expect("pid fits pid_t");
    // SAFETY: kill(2) with a pid we own and a valid signal number.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
}

/// Reads a whole file.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}
