//! Over the network: gush sending to `gush catch` over TCP and Unix
//! sockets, backpressure across the socket, the ways a connection fails,
//! `--reconnect`, octet-counted framing, and `gush replay`. One test binary
//! with a module per idea; the test kit it shares with the integration
//! binary is in `common`, and the catcher every module talks to is here.
//!
//! Everything stays on loopback (127.0.0.1, ::1, Unix sockets in a temp
//! dir) with ports the kernel picks, and every run is bounded by a count,
//! a size or a duration.

mod acks;
mod catch;
mod catch_http;
mod faults;
mod http;
mod http_faults;
mod http_refusals;
mod replay;
mod s3;
mod send;

#[path = "../common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Instant;

use common::{RUN_LIMIT, gush_std, wait_bounded};

/// A running `gush catch --stats=json`, and the address it listens on.
pub struct Catcher {
    child: Child,
    /// Its stderr, line by line, from a reader thread: a test can wait for
    /// a line (an `--interval` report) with a bound.
    lines: Receiver<String>,
    /// Lines [`Catcher::wait_for_line`] has read so far.
    seen: Vec<String>,
    pub address: String,
}

impl Catcher {
    pub fn start(listen: &str, args: &[&str]) -> Catcher {
        let mut child = gush_std(["catch", "--listen", listen, "--stats=json"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gush catch runs");
        // Read on a thread so that a catcher that never starts listening
        // fails the test at the limit instead of hanging.
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        let Ok(first) = lines.recv_timeout(RUN_LIMIT) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gush catch did not say where it listens within {RUN_LIMIT:?}");
        };
        let address = first
            .trim()
            .strip_prefix("gush catch: listening on ")
            .unwrap_or_else(|| panic!("catch did not start: {first}"))
            .to_string();
        Catcher {
            child,
            lines,
            seen: Vec::new(),
            address,
        }
    }

    /// The port of a TCP catcher.
    pub fn port(&self) -> u16 {
        self.address.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// The catcher's process id, to look at its memory.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn interrupt(&self) {
        // SAFETY: sends a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
    }

    /// Waits (within [`RUN_LIMIT`]) for a stderr line that `wanted`
    /// accepts, and returns it; the lines read on the way are kept for
    /// [`Catcher::finish`].
    pub fn wait_for_line(&mut self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + RUN_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no such line from catch; saw {:?}", self.seen));
            self.seen.push(line.clone());
            if wanted(&line) {
                return line;
            }
        }
    }

    /// Waits for it to end: (exit code, the rest of stderr, with the lines
    /// waited through). A catcher still running at [`RUN_LIMIT`] is killed
    /// and fails the test.
    pub fn finish(mut self) -> (i32, String) {
        let status = wait_bounded(&mut self.child, RUN_LIMIT);
        // The reader thread ends at the end of the pipe, just after.
        let mut rest = std::mem::take(&mut self.seen);
        while let Ok(line) = self.lines.recv_timeout(RUN_LIMIT) {
            rest.push(line);
        }
        let mut rest = rest.join("\n");
        rest.push('\n');
        (status.code().unwrap_or(-1), rest)
    }
}

impl Drop for Catcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
