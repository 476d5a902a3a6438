//! `gush catch` itself: octet-counted frames, a malformed one, the
//! connection count and `--keep`, and the no-clobber rule for `-o`.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::Catcher;
use crate::common::{RUN_LIMIT, TestDir, final_stats, num, run};

#[test]
fn octet_counted_frames_round_trip() {
    let catcher = Catcher::start("127.0.0.1:0", &["--framing", "octet-counted"]);
    let (code, _, stderr) = run(&[
        "lines",
        "<13>1 - host app - - - message {n}",
        "-n",
        "50k",
        "--framing",
        "octet-counted",
        "-o",
        &catcher.address,
        "--stats=json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let sent = final_stats(&stderr);
    let (code, caught) = catcher.finish();
    assert_eq!(code, 0, "{caught}");
    let caught = final_stats(&caught);
    assert_eq!(num(&caught, "records"), 50_000);
    assert_eq!(num(&caught, "bytes"), num(&sent, "bytes"));
    assert_eq!(caught["framing"], "octet-counted");
}

#[test]
fn framed_output_is_len_space_message() {
    let (code, stdout, _) = run(&[
        "lines",
        "-n",
        "3",
        "--start",
        "9",
        "--framing",
        "octet-counted",
    ]);
    assert_eq!(code, 0);
    assert_eq!(stdout, b"6 Line 97 Line 107 Line 11");
}

#[test]
fn a_malformed_frame_is_reported_with_its_offset() {
    let catcher = Catcher::start("127.0.0.1:0", &["--framing", "octet-counted"]);
    let mut stream = TcpStream::connect(("127.0.0.1", catcher.port())).unwrap();
    stream.write_all(b"5 hello3 abcx").unwrap();
    drop(stream);
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 1, "{stderr}");
    let expected = "malformed octet-counted frame at byte 12: expected a length (1-9), found 'x'";
    assert!(stderr.contains(expected), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "records"), 2);
    assert_eq!(stats["end"], "error");
    assert!(
        stats["per_connection"][0]["error"]
            .as_str()
            .unwrap()
            .contains(expected)
    );
}

/// RFC 6587 §3.4.1 gives a frame's length as NONZERO-DIGIT *DIGIT: a
/// sign or a leading zero is not a length, however a number parser reads it.
#[test]
fn a_signed_or_zero_padded_length_is_a_malformed_frame() {
    for (stream, expected) in [
        (
            &b"5 hello+5 world"[..],
            "at byte 7: expected a length (1-9), found '+'",
        ),
        (
            b"5 hello05 world",
            "at byte 7: expected a length (1-9), found '0'",
        ),
    ] {
        let catcher = Catcher::start("127.0.0.1:0", &["--framing", "octet-counted"]);
        let mut connection = TcpStream::connect(("127.0.0.1", catcher.port())).unwrap();
        connection.write_all(stream).unwrap();
        drop(connection);
        let (code, stderr) = catcher.finish();
        assert_eq!(code, 1, "{stderr}");
        let expected = format!("malformed octet-counted frame {expected}");
        assert!(stderr.contains(&expected), "{stderr}");
        let stats = final_stats(&stderr);
        assert_eq!(num(&stats, "records"), 1, "only `5 hello` is whole");
        assert_eq!(stats["end"], "error");
    }
}

#[test]
fn catch_refuses_connections_beyond_its_count() {
    let catcher = Catcher::start("127.0.0.1:0", &["--connections", "1"]);
    let port = catcher.port();
    let mut first = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Once the first connection is accepted, catch closes its listener;
    // wait (boundedly) until connecting is refused.
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(Instant::now() < deadline, "catch kept listening");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &format!("tcp://127.0.0.1:{port}"),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("connection refused"), "{stderr}");
    first.write_all(b"one\ntwo\n").unwrap();
    drop(first);
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 0, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "connections"), 1);
    assert_eq!(num(&stats, "bytes"), 8);
    assert_eq!(num(&stats, "records"), 2);
}

#[test]
fn catch_keep_serves_several_connections_until_interrupted() {
    let mut catcher = Catcher::start("127.0.0.1:0", &["--keep", "--interval", "20ms"]);
    for _ in 0..3 {
        let (code, _, stderr) = run(&["lines", "-n", "1000", "-o", &catcher.address]);
        assert_eq!(code, 0, "{stderr}");
    }
    // The last connection may still be on its way in: wait until catch
    // has counted every line, then stop it.
    catcher.wait_for_line(|line| line.contains("\"records\":3000,"));
    catcher.interrupt();
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 130, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "connections"), 3);
    assert_eq!(num(&stats, "records"), 3000);
    assert_eq!(stats["end"], "interrupted");
    assert_eq!(stats["per_connection"].as_array().unwrap().len(), 3);
}

#[test]
fn catch_will_not_overwrite_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("kept.txt");
    std::fs::write(&existing, "precious\n").unwrap();
    let (code, _, stderr) = run(&["catch", "--listen", "0", "-o", existing.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("refusing to overwrite"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious\n");
}

#[test]
fn catch_serves_no_more_than_max_connections_at_once() {
    let mut catcher = Catcher::start(
        "127.0.0.1:0",
        &[
            "--connections",
            "2",
            "--max-connections",
            "1",
            "--interval",
            "50ms",
        ],
    );
    let port = catcher.port();
    let mut first = TcpStream::connect(("127.0.0.1", port)).unwrap();
    first.write_all(b"first\n").unwrap();
    // The second waits in the backlog until the first is done.
    let mut second = TcpStream::connect(("127.0.0.1", port)).unwrap();
    second.write_all(b"second\n").unwrap();
    drop(second);
    // Two reports with the first line counted and one connection open:
    // the second had a whole interval to be let in, and was not.
    for _ in 0..2 {
        catcher.wait_for_line(|line| {
            line.contains("\"records\":1,") && line.contains("\"open_connections\":1")
        });
    }
    drop(first);
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 0, "{stderr}");
    let open: Vec<u64> = stderr
        .lines()
        .filter(|line| line.starts_with("{\"t_s\""))
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["open_connections"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(
        open.contains(&1) && open.iter().all(|&n| n <= 1),
        "{open:?}"
    );
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "connections"), 2);
    assert_eq!(num(&stats, "records"), 2);
    let second_report = &stats["per_connection"][1];
    assert_eq!(second_report["bytes"], 7);
}

/// A framed CSV stream carries no header: it would ride inside the first
/// frame, glued to the first record.
#[test]
fn framed_records_have_no_header_row() {
    let (code, stdout, stderr) = run(&[
        "records",
        "--schema",
        "a={n}, b={int:1..9}",
        "-n",
        "2",
        "--seed",
        "1",
        "--framing",
        "octet-counted",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = String::from_utf8(stdout).unwrap();
    assert!(text.starts_with("3 0,"), "{text:?}");
    assert!(!text.contains("a,b"), "{text:?}");
}

/// A connection that ends mid-line must not glue the next connection's
/// first line onto its torn one in the saved output.
#[test]
fn a_torn_last_line_is_not_joined_to_the_next_connection() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("caught.txt");
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--connections", "2", "-o", saved.to_str().unwrap()],
    );
    let address = format!("127.0.0.1:{}", catcher.port());
    for (message, saved_by_then) in [(&b"torn"[..], &b"torn\n"[..]), (b"whole\n", b"")] {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(message).unwrap();
        drop(stream);
        // The catcher finishes one connection before the next arrives.
        wait_for_content(&saved, saved_by_then);
    }
    let (code, caught) = catcher.finish();
    assert_eq!(code, 0, "{caught}");
    assert_eq!(std::fs::read(&saved).unwrap(), b"torn\nwhole\n");
}

/// Waits (within [`RUN_LIMIT`]) until `path` holds `expected`; an empty
/// `expected` does not wait.
pub fn wait_for_content(path: &std::path::Path, expected: &[u8]) {
    if expected.is_empty() {
        return;
    }
    let deadline = Instant::now() + RUN_LIMIT;
    while std::fs::read(path).unwrap_or_default() != expected {
        assert!(
            Instant::now() < deadline,
            "{} never held {expected:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A connection that ends inside a frame, or sends a malformed one, leaves
/// only whole frames in the output, and the report's bytes are the file's.
#[test]
fn only_whole_frames_are_saved_and_reported() {
    for (sent, kept) in [
        (&b"5 hello3 ab"[..], &b"5 hello"[..]),
        (b"5 hello3 abcx7 ignored", b"5 hello3 abc"),
    ] {
        let dir = TestDir::new();
        let saved = dir.path("caught");
        let catcher = Catcher::start(
            "127.0.0.1:0",
            &["--framing", "octet-counted", "-o", saved.to_str().unwrap()],
        );
        let mut stream = TcpStream::connect(("127.0.0.1", catcher.port())).unwrap();
        stream.write_all(sent).unwrap();
        drop(stream);
        let (code, stderr) = catcher.finish();
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(std::fs::read(&saved).unwrap(), kept);
        let stats = final_stats(&stderr);
        assert_eq!(num(&stats, "bytes"), kept.len() as u64, "{stderr}");
        assert_eq!(num(&stats["per_connection"][0], "bytes"), kept.len() as u64);
    }
}
