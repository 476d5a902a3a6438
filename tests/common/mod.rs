//! The one test kit, shared by the `integration` and `network` test
//! binaries (each includes it with `#[path]`): a ready [`Command`] for the
//! built binary that cannot outlive [`RUN_LIMIT`], bounded waits for
//! children a test spawns and talks to, a temporary directory that removes
//! itself, the parsers for the `--stats=json` report on stderr, and the
//! expected output of `gush lines` built independently of gush.
//!
//! Every way of running gush here ends by the limit: a run that hangs
//! fails its test with a message instead of hanging the suite.

// Each binary uses its own part of the kit; what one leaves unused is not
// dead for the other.
#![allow(dead_code)]

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Output};
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
/// running child (signals, closed pipes, sockets, resource limits). Such a
/// test ends the child through [`wait_bounded`] or [`output_bounded`], so
/// it too is bounded by [`RUN_LIMIT`].
pub fn gush_std<I, S>(args: I) -> std::process::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = std::process::Command::new(bin());
    cmd.args(args);
    cmd
}

/// Runs gush to its end and returns (exit code, stdout, stderr). A run
/// killed at [`RUN_LIMIT`] fails the test here, saying so.
pub fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = gush(args).output().expect("gush runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (code_within_limit(out.status, &stderr), out.stdout, stderr)
}

/// The exit code, or a failed test if the child did not exit by itself.
fn code_within_limit(status: ExitStatus, stderr: &str) -> i32 {
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(libc::SIGKILL)) => {
            panic!("gush was killed, likely at the {RUN_LIMIT:?} limit; stderr:\n{stderr}")
        }
        (None, signal) => panic!("gush died of signal {signal:?}; stderr:\n{stderr}"),
    }
}

/// What a spawned child printed, once it exits; killed, and the test
/// failed, if that takes longer than [`RUN_LIMIT`]. The bounded twin of
/// [`Child::wait_with_output`].
pub fn output_bounded(mut child: Child) -> Output {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    drop(child.stdin.take());
    // Both pipes are read while waiting, so a chatty child cannot fill one
    // and stall until the limit.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_bounded(&mut child, RUN_LIMIT);
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// A temporary directory, removed when dropped. It is made under the
/// target directory, on the real filesystem: disk tests need one (not a
/// tmpfs /tmp), and every test can use the same kit.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("gush-test-")
                .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .expect("create a temp dir under target/"),
        }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        self.dir.path()
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

/// The last JSON object on stderr: the summary of `--stats=json`, after
/// any `--interval` lines.
pub fn final_stats(stderr: &str) -> Value {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON summary in: {stderr}"));
    serde_json::from_str(line)
        .unwrap_or_else(|err| panic!("the summary is not JSON ({err}): {line}"))
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
    wait_within(child, limit)
        .unwrap_or_else(|| panic!("gush did not exit within {limit:?}; killed it"))
}

/// Waits for `child` to exit; `None` (and the child killed) if it takes
/// longer than `limit`, for a test that says itself what the hang means.
pub fn wait_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
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

/// Waits until `condition` holds (looking every 2 ms), failing the test if
/// `child` exits first or 10 s pass: how a test waits for an event in gush
/// rather than sleeping a guess.
pub fn wait_until(what: &str, child: &mut Child, mut condition: impl FnMut(&Child) -> bool) {
    let started = Instant::now();
    while !condition(child) {
        if let Some(status) = child.try_wait().expect("poll the child") {
            panic!("gush exited ({status}) before {what}");
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gush did not get to {what} within 10 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Waits until `path` holds at least `bytes`.
pub fn wait_for_size(path: &Path, bytes: u64, child: &mut Child) {
    let what = format!("writing {bytes} bytes to {}", path.display());
    wait_until(&what, child, |_| {
        std::fs::metadata(path).is_ok_and(|meta| meta.len() >= bytes)
    });
}

/// A field of `/proc/<pid>/<file>` (`status`, `io`), as its text.
pub fn proc_field(child: &Child, file: &str, field: &str) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{}/{file}", child.id())).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .map(|value| value.trim().to_string())
}

/// Whether a `/proc/<pid>/status` signal mask (`SigCgt`, `ShdPnd`) holds
/// `signal`.
fn mask_has(child: &Child, field: &str, signal: libc::c_int) -> bool {
    proc_field(child, "status", field)
        .and_then(|hex| u64::from_str_radix(&hex, 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// Waits until gush catches SIGINT and SIGTERM: from then on a signal is
/// a stop it reports, not the default death.
pub fn wait_for_handlers(child: &mut Child) {
    wait_until("installing its signal handlers", child, |child| {
        mask_has(child, "SigCgt", libc::SIGINT) && mask_has(child, "SigCgt", libc::SIGTERM)
    });
}

/// Sends `signal` and waits until it is delivered (no longer pending), so
/// that a second one is a second delivery, not merged into the first.
pub fn send_delivered(child: &mut Child, signal: libc::c_int) {
    send_signal(child, signal);
    wait_until("taking the signal", child, |child| {
        !mask_has(child, "ShdPnd", signal) && !mask_has(child, "SigPnd", signal)
    });
}

/// Waits until gush has read at least `bytes` through read calls
/// (`rchar` in `/proc/<pid>/io`): a check that is well under way.
pub fn wait_for_reads(child: &mut Child, bytes: u64) {
    wait_until(&format!("reading {bytes} bytes"), child, |child| {
        proc_field(child, "io", "rchar")
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n >= bytes)
    });
}

/// A child's stderr read line by line on a thread of its own, so a test
/// can wait, with a bound, for the line that tells of an event (an
/// `--interval` report showing a pause), and keep the rest for the end.
pub struct StderrLines {
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl StderrLines {
    /// Takes `child`'s stderr, which must be piped.
    pub fn of(child: &mut Child) -> StderrLines {
        use std::io::BufRead;
        let stderr = child.stderr.take().expect("stderr is piped");
        let (send, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        StderrLines {
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits up to 10 s for a line that `matches`; fails the test, showing
    /// what came, if none does.
    pub fn wait_for(&mut self, what: &str, matches: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if matches(&line) {
                        return line;
                    }
                }
                Err(_) => panic!("no stderr line for {what}; got:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// Everything on stderr, once the child has exited.
    pub fn all(mut self) -> String {
        self.seen.extend(self.lines.iter());
        self.seen.join("\n")
    }
}

/// Sends `signal` to a running child.
pub fn send_signal(child: &Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).expect("pid fits pid_t");
    // SAFETY: kill(2) with a pid we own and a valid signal number.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
}

/// Sends `signal` to a running gush and waits for it to end (within
/// [`RUN_LIMIT`]): its output, and how long it took to stop.
pub fn signal_and_wait(child: Child, signal: libc::c_int) -> (Output, Duration) {
    send_signal(&child, signal);
    let signalled = Instant::now();
    let output = output_bounded(child);
    (output, signalled.elapsed())
}

/// Reads a whole file.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

/// fio's default percentile list, printed as fio prints it (`%f`).
pub const FIO_KEYS: [&str; 17] = [
    "1.000000",
    "5.000000",
    "10.000000",
    "20.000000",
    "30.000000",
    "40.000000",
    "50.000000",
    "60.000000",
    "70.000000",
    "80.000000",
    "90.000000",
    "95.000000",
    "99.000000",
    "99.500000",
    "99.900000",
    "99.950000",
    "99.990000",
];

/// The write end of a pipe whose read end is already closed: anything
/// written to it fails with EPIPE, as stderr does under `2>&1 | head -1`
/// once `head` has gone.
pub fn closed_pipe() -> std::process::Stdio {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors that we then own.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2 failed");
    // SAFETY: both descriptors were just created and are owned here alone.
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read_end);
    std::process::Stdio::from(write_end)
}

/// Limits the files `cmd`'s child may write to `bytes` (RLIMIT_FSIZE): a
/// write past it fails with EFBIG, as a full disk or a quota would.
pub fn limit_file_size(cmd: &mut std::process::Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            match libc::setrlimit(libc::RLIMIT_FSIZE, &limit) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
    }
}
