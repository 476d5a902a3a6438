//! Early ends with several generator threads, hundreds of times: a reader
//! that leaves after a random amount, a file size limit (`ulimit -f`, the
//! writer failing as on a full disk), `--size`, and (as root) a full
//! tmpfs, across thread counts and chunk sizes. Every run must end by itself, promptly, with the exit
//! code and the whole-line output a user expects.
//!
//! Issue 16 found `gush lines --threads 4 | head` hanging for good in about
//! one run in eight: a thread whose reservation failed under a gone writer
//! left its unit unsent, and the threads holding later chunks waited for a
//! turn that never came. The race needs many runs to show, hence the loop.

use std::io::Read;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::{TestDir, expected_lines, gush_std, read, wait_within};

/// How long one run may take before it counts as hung. Healthy runs end in
/// milliseconds; the limit is for a loaded machine.
const HANG_LIMIT: Duration = Duration::from_secs(10);

/// Thread counts, and (--chunk, --hwm) pairs: a small hwm of a few chunks
/// keeps threads waiting for room, where the race was.
const THREADS: [&str; 4] = ["2", "3", "4", "8"];
const FLOWS: [(&str, &str); 3] = [("4KiB", "32KiB"), ("64KiB", "512KiB"), ("10000", "1MiB")];

/// The largest amount a run reads, limits or sizes to.
const MOST_BYTES: u64 = 1_500_000;

/// SplitMix64: the amounts differ from run to run but not from test run to
/// test run, so a failure names a case that can be run again.
struct Amounts(u64);

impl Amounts {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % below
    }
}

/// `gush lines` with several threads and a flow, plus `extra`.
fn spawn(threads: &str, (chunk, hwm): (&str, &str), extra: &[&str]) -> std::process::Command {
    let mut cmd = gush_std([
        "lines",
        "--threads",
        threads,
        "--chunk",
        chunk,
        "--hwm",
        hwm,
    ]);
    cmd.args(extra).stdin(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// The exit code of a run that must end within [`HANG_LIMIT`], and its
/// stderr; the test fails naming `case` if it hangs.
fn ended(mut child: Child, case: &str) -> (Option<i32>, String) {
    let Some(status) = wait_within(&mut child, HANG_LIMIT) else {
        panic!("{case}: gush hung (no exit within {HANG_LIMIT:?}); killed it");
    };
    let mut stderr = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
    (status.code(), stderr)
}

/// `expected` cut back to its last whole line within `limit` bytes.
fn whole_lines_within(expected: &[u8], limit: u64) -> &[u8] {
    let head = &expected[..limit as usize];
    let end = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    &head[..end]
}

#[test]
fn every_early_end_with_threads_ends_promptly_and_whole() {
    // Line 0.. covering MOST_BYTES, built without gush.
    let expected = expected_lines(0, 200_000);
    assert!(expected.len() as u64 > MOST_BYTES);
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let mut amounts = Amounts(16);
    let mut runs = 0;
    for threads in THREADS {
        for flow in FLOWS {
            // A reader that leaves: a normal end, exit 0.
            for _ in 0..16 {
                let leave_after = amounts.next(MOST_BYTES);
                let case = format!(
                    "--threads {threads} --chunk {} --hwm {} | head -c {leave_after}",
                    flow.0, flow.1
                );
                let mut child = spawn(threads, flow, &[])
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("spawn gush");
                let mut head = Vec::new();
                child
                    .stdout
                    .take()
                    .unwrap()
                    .take(leave_after)
                    .read_to_end(&mut head)
                    .expect("read gush's stdout");
                let (code, stderr) = ended(child, &case);
                assert_eq!(code, Some(0), "{case}: {stderr}");
                assert!(head == expected[..head.len()], "{case}: wrong bytes");
                runs += 1;
            }
            // A file size limit: the writer fails, exit 1, whole lines.
            for _ in 0..6 {
                let limit = 1 + amounts.next(MOST_BYTES);
                let case = format!(
                    "--threads {threads} --chunk {} --hwm {} -o FILE under ulimit -f {limit} bytes",
                    flow.0, flow.1
                );
                let mut cmd = spawn(threads, flow, &["-o"]);
                cmd.arg(&out).stdout(Stdio::null());
                crate::common::limit_file_size(&mut cmd, limit);
                let child = cmd.spawn().expect("spawn gush");
                let (code, stderr) = ended(child, &case);
                assert_eq!(code, Some(1), "{case}: {stderr}");
                let written = read(&out);
                assert!(written.len() as u64 <= limit, "{case}: past the limit");
                assert!(
                    written == whole_lines_within(&expected, written.len() as u64),
                    "{case}: not whole lines from Line 0"
                );
                std::fs::remove_file(&out).expect("remove the output");
                runs += 1;
            }
            // --size: the stream's own end, cut back to whole lines.
            for _ in 0..3 {
                let size = 1 + amounts.next(MOST_BYTES);
                let case = format!(
                    "--threads {threads} --chunk {} --hwm {} -s {size}",
                    flow.0, flow.1
                );
                let mut child = spawn(threads, flow, &["-s", &size.to_string()])
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("spawn gush");
                let mut all = Vec::new();
                child
                    .stdout
                    .take()
                    .unwrap()
                    .read_to_end(&mut all)
                    .expect("read gush's stdout");
                let (code, stderr) = ended(child, &case);
                assert_eq!(code, Some(0), "{case}: {stderr}");
                assert!(
                    all == whole_lines_within(&expected, size),
                    "{case}: {} bytes, not the whole lines within the size",
                    all.len()
                );
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 300);
}

#[test]
fn every_full_disk_with_threads_ends_promptly_and_whole() {
    let mount = crate::disk::Mount::new("tmpfs", "size=5m");
    let expected = expected_lines(0, 500_000);
    let out = mount.dir.path("out.txt");
    for threads in THREADS {
        for flow in FLOWS {
            for _ in 0..8 {
                let case = format!(
                    "--threads {threads} --chunk {} --hwm {} -o a full 5 MiB tmpfs",
                    flow.0, flow.1
                );
                let mut cmd = spawn(threads, flow, &["-o"]);
                let child = cmd
                    .arg(&out)
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("spawn gush");
                let (code, stderr) = ended(child, &case);
                assert_eq!(code, Some(1), "{case}: {stderr}");
                assert!(stderr.contains("free some space"), "{case}: {stderr}");
                let written = read(&out);
                assert!(
                    written == whole_lines_within(&expected, written.len() as u64),
                    "{case}: not whole lines from Line 0"
                );
                std::fs::remove_file(&out).expect("remove the output");
            }
        }
    }
}
