//! Over the network: gush sending to `gush catch` over TCP and Unix
//! sockets, backpressure across the socket, the ways a connection fails,
//! `--reconnect`, octet-counted framing, and `gush replay`. One test binary
//! with a module per idea; the test kit it shares with the integration
//! binary is in `common`, and the catcher every module talks to is here.
//!
//! Everything stays on loopback (127.0.0.1, ::1, Unix sockets in a temp
//! dir) with ports the kernel picks, and every run is bounded by a count,
//! a size or a duration.

mod catch;
mod faults;
mod http;
mod http_faults;
mod http_refusals;
mod replay;
mod send;

#[path = "../common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc;

use common::{RUN_LIMIT, gush_std, wait_bounded};

/// A running `gush catch --stats=json`, and the address it listens on.
pub struct Catcher {
    child: Child,
    /// Taken by [`Catcher::finish`].
    stderr: Option<BufReader<std::process::ChildStderr>>,
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
        // The first line is read on a thread so that a catcher that never
        // starts listening fails the test at the limit instead of hanging.
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let (sender, first_line) = mpsc::channel();
        std::thread::spawn(move || {
            let mut first = String::new();
            let _ = stderr.read_line(&mut first);
            let _ = sender.send((first, stderr));
        });
        let Ok((first, stderr)) = first_line.recv_timeout(RUN_LIMIT) else {
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
            stderr: Some(stderr),
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

    /// Waits for it to end: (exit code, rest of stderr). A catcher still
    /// running at [`RUN_LIMIT`] is killed and fails the test.
    pub fn finish(mut self) -> (i32, String) {
        let mut stderr = self.stderr.take().expect("finish is called once");
        // Read while waiting, so a full pipe cannot stall the catcher.
        let reader = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            rest
        });
        let status = wait_bounded(&mut self.child, RUN_LIMIT);
        let rest = reader.join().expect("stderr reader");
        (status.code().unwrap_or(-1), rest)
    }
}

impl Drop for Catcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
