//! Over the network: gush sending to `gush catch` over TCP and Unix
//! sockets, backpressure across the socket, the ways a connection fails,
//! `--reconnect`, octet-counted framing, and `gush replay`. One test binary
//! with a module per idea, and the helpers here.
//!
//! Everything stays on loopback (127.0.0.1, ::1, Unix sockets in a temp
//! dir) with ports the kernel picks, and every run is bounded by a count,
//! a size or a duration.

mod catch;
mod faults;
mod replay;
mod send;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub fn gush() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gush"))
}

/// Runs gush and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = gush().args(args).output().expect("gush runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The last JSON object on stderr: the summary of `--stats=json`.
pub fn final_stats(stderr: &str) -> Value {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON summary in: {stderr}"));
    serde_json::from_str(line).expect("the summary is JSON")
}

pub fn u64_of(stats: &Value, key: &str) -> u64 {
    stats[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no {key} in {stats}"))
}

/// A running `gush catch --stats=json`, and the address it listens on.
pub struct Catcher {
    child: Child,
    stderr: BufReader<std::process::ChildStderr>,
    pub address: String,
}

impl Catcher {
    pub fn start(listen: &str, args: &[&str]) -> Catcher {
        let mut child = gush()
            .args(["catch", "--listen", listen, "--stats=json"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gush catch runs");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        let address = first
            .trim()
            .strip_prefix("gush catch: listening on ")
            .unwrap_or_else(|| panic!("catch did not start: {first}"))
            .to_string();
        Catcher {
            child,
            stderr,
            address,
        }
    }

    /// The port of a TCP catcher.
    pub fn port(&self) -> u16 {
        self.address.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub fn interrupt(&self) {
        // SAFETY: sends a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
    }

    /// Waits for it to end: (exit code, rest of stderr).
    pub fn finish(mut self) -> (i32, String) {
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        let code = self.child.wait().unwrap().code().unwrap_or(-1);
        (code, rest)
    }
}

impl Drop for Catcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
