//! Over the network: gush sending to `gush catch` over TCP and Unix
//! sockets, backpressure across the socket, the ways a connection fails,
//! `--reconnect`, octet-counted framing, and `gush replay`.
//!
//! Everything stays on loopback (127.0.0.1, ::1, Unix sockets in a temp
//! dir) with ports the kernel picks, and every run is bounded by a count,
//! a size or a duration.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use socket2::{Domain, SockAddr, Socket, Type};

fn gush() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gush"))
}

/// Runs gush and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = gush().args(args).output().expect("gush runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The last JSON object on stderr: the summary of `--stats=json`.
fn final_stats(stderr: &str) -> Value {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON summary in: {stderr}"));
    serde_json::from_str(line).expect("the summary is JSON")
}

fn u64_of(stats: &Value, key: &str) -> u64 {
    stats[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no {key} in {stats}"))
}

/// A running `gush catch --stats=json`, and the address it listens on.
struct Catcher {
    child: Child,
    stderr: BufReader<std::process::ChildStderr>,
    address: String,
}

impl Catcher {
    fn start(listen: &str, args: &[&str]) -> Catcher {
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
    fn port(&self) -> u16 {
        self.address.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn interrupt(&self) {
        // SAFETY: sends a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
    }

    /// Waits for it to end: (exit code, rest of stderr).
    fn finish(mut self) -> (i32, String) {
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

#[test]
fn tcp_round_trip_has_equal_bytes_and_lines_on_both_ends() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("caught.txt");
    let catcher = Catcher::start("127.0.0.1:0", &["-o", saved.to_str().unwrap()]);
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "200k",
        "-o",
        &catcher.address,
        "--stats=json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let sent = final_stats(&stderr);
    let (code, caught) = catcher.finish();
    assert_eq!(code, 0, "{caught}");
    let caught = final_stats(&caught);
    assert_eq!(u64_of(&sent, "records"), 200_000);
    assert_eq!(u64_of(&caught, "records"), 200_000);
    assert_eq!(u64_of(&caught, "bytes"), u64_of(&sent, "bytes"));
    assert_eq!(u64_of(&caught, "connections"), 1);
    assert_eq!(u64_of(&sent, "reconnects"), 0);
    assert!(sent["connect_s"].as_f64().unwrap() < 1.0);
    // Chunks are cut to whole TCP segments (65483 bytes over loopback).
    let chunk = u64_of(&sent, "chunk_bytes");
    assert!(chunk <= 65536 && chunk > 32768, "chunk {chunk}");
    let (_, expected, _) = run(&["lines", "-n", "200k"]);
    assert!(std::fs::read(&saved).unwrap() == expected);
}

#[test]
fn unix_round_trip_saves_the_same_bytes_and_removes_the_socket() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("gush.sock");
    let saved = dir.path().join("caught.txt");
    let listen = format!("unix:{}", socket.display());
    let catcher = Catcher::start(&listen, &["-o", saved.to_str().unwrap()]);
    assert_eq!(catcher.address, listen);
    let (code, _, stderr) = run(&["lines", "user-{n}", "-n", "50k", "-o", &listen]);
    assert_eq!(code, 0, "{stderr}");
    let (code, caught) = catcher.finish();
    assert_eq!(code, 0, "{caught}");
    assert_eq!(u64_of(&final_stats(&caught), "records"), 50_000);
    let (_, expected, _) = run(&["lines", "user-{n}", "-n", "50k"]);
    assert!(std::fs::read(&saved).unwrap() == expected);
    assert!(!socket.exists(), "catch left its socket file behind");
}

#[test]
fn ipv6_loopback_works_when_the_host_has_it() {
    if TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: no IPv6 loopback on this host");
        return;
    }
    let catcher = Catcher::start("[::1]:0", &[]);
    assert!(
        catcher.address.starts_with("tcp://[::1]:"),
        "{}",
        catcher.address
    );
    let (code, _, stderr) = run(&["lines", "-n", "1000", "-o", &catcher.address]);
    assert_eq!(code, 0, "{stderr}");
    let (_, caught) = catcher.finish();
    assert_eq!(u64_of(&final_stats(&caught), "records"), 1000);
}

#[test]
fn a_slow_catcher_makes_the_sender_pause() {
    let catcher = Catcher::start("127.0.0.1:0", &["--read-rate", "4MiB/s"]);
    let (code, _, stderr) = run(&[
        "lines",
        "-s",
        "6MiB",
        "--send-buffer",
        "64KiB",
        "-o",
        &catcher.address,
        "--stats=json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let sent = final_stats(&stderr);
    let (_, caught) = catcher.finish();
    let caught = final_stats(&caught);
    assert_eq!(u64_of(&caught, "bytes"), u64_of(&sent, "bytes"));
    // The kernel's buffers hold a little; the rest waits on the reader.
    assert!(u64_of(&sent, "pauses") > 0, "{sent}");
    assert!(sent["paused_s"].as_f64().unwrap() > 0.5, "{sent}");
    assert_eq!(sent["bottleneck"], "destination");
    // Linux grants twice what is asked, for its own bookkeeping.
    assert!(u64_of(&sent, "send_buffer_bytes") >= 64 * 1024, "{sent}");
}

/// A port with nothing listening on it: bound by the kernel's choice,
/// then released.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_refused_connection_is_an_error_naming_the_address() {
    let port = closed_port();
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &format!("tcp://127.0.0.1:{port}"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        format!("gush: cannot connect to tcp://127.0.0.1:{port}: connection refused")
    );
}

#[test]
fn retries_are_counted_in_the_message() {
    let port = closed_port();
    let started = Instant::now();
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "--retry",
        "2",
        "-o",
        &format!("tcp://127.0.0.1:{port}"),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("connection refused (3 attempts)"),
        "{stderr}"
    );
    // Backoff: 0.1 s, then 0.2 s.
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn an_unresolvable_name_fails_at_once() {
    let started = Instant::now();
    let (code, _, stderr) = run(&["lines", "-n", "1", "-o", "tcp://gush-test.invalid:9000"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("gush: cannot connect to tcp://gush-test.invalid:9000: cannot resolve"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_missing_unix_socket_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nobody.sock");
    let (code, _, stderr) = run(&["lines", "-o", &format!("unix:{}", path.display())]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no such socket file"), "{stderr}");
}

/// A TCP listener that never accepts, with a backlog of 0 already filled,
/// so the kernel drops further SYNs and a connect can only time out. All
/// on loopback. Returns the listener and the connections filling it.
fn full_listener() -> (Socket, Vec<Socket>, u16) {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut filling = Vec::new();
    for _ in 0..8 {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        match socket.connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(()) => filling.push(socket),
            Err(_) => break,
        }
    }
    let port = addr.as_socket().unwrap().port();
    (listener, filling, port)
}

#[test]
fn a_connect_that_hangs_times_out() {
    let (_listener, _filling, port) = full_listener();
    let started = Instant::now();
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "1",
        "--connect-timeout",
        "500ms",
        "-o",
        &format!("tcp://127.0.0.1:{port}"),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("timed out after 500ms"), "{stderr}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[test]
fn a_unix_connect_to_a_full_backlog_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.sock");
    let listener = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    listener.bind(&SockAddr::unix(&path).unwrap()).unwrap();
    listener.listen(0).unwrap();
    // One waiting connection fills a backlog of 0 on Linux.
    let _filling = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "1",
        "--connect-timeout",
        "300ms",
        "-o",
        &format!("unix:{}", path.display()),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("timed out after 300ms"), "{stderr}");
}

#[test]
fn a_reset_mid_stream_names_the_bytes_handed_to_the_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = vec![0; 64 * 1024];
        let mut read = 0;
        while read < 1 << 20 {
            read += stream.read(&mut buffer).unwrap();
        }
        // SO_LINGER 0: close with a reset, not a FIN.
        let socket = Socket::from(stream);
        socket.set_linger(Some(Duration::ZERO)).unwrap();
        drop(socket);
    });
    let (code, _, stderr) = run(&[
        "lines",
        "-t",
        "20s",
        "-o",
        &format!("tcp://127.0.0.1:{port}"),
        "--stats=json",
    ]);
    peer.join().unwrap();
    assert_eq!(code, 1, "{stderr}");
    let message = stderr.lines().last().unwrap();
    assert!(
        message.starts_with(&format!("gush: cannot write to tcp://127.0.0.1:{port}: ")),
        "{message}"
    );
    assert!(
        message.contains("connection reset by peer") || message.contains("closed the connection"),
        "{message}"
    );
    let stats = final_stats(&stderr);
    assert_eq!(stats["end"], "error");
    let bytes = u64_of(&stats, "bytes");
    assert!(bytes >= 1 << 20);
    assert!(
        message.ends_with(&format!(
            "bytes, {} records) handed to the socket",
            u64_of(&stats, "records")
        )),
        "{message}"
    );
    assert!(message.contains(&format!("({bytes} bytes")), "{message}");
}

#[test]
fn reconnect_carries_on_after_the_catcher_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let first_saved = dir.path().join("first.txt");
    let second_saved = dir.path().join("second.txt");
    let first = Catcher::start("127.0.0.1:0", &["-o", first_saved.to_str().unwrap()]);
    let port = first.port();
    let sender = gush()
        .args([
            "lines",
            "-n",
            "30000",
            "--rate",
            "10k/s",
            "--reconnect",
            "--retry",
            "50",
            "-o",
            &first.address,
            "--stats=json",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    first.interrupt();
    let (code, first_report) = first.finish();
    assert_eq!(code, 130, "{first_report}");
    let second = Catcher::start(
        &format!("127.0.0.1:{port}"),
        &["-o", second_saved.to_str().unwrap()],
    );
    let sent = sender.wait_with_output().unwrap();
    let sent_report = String::from_utf8_lossy(&sent.stderr);
    assert_eq!(sent.status.code(), Some(0), "{sent_report}");
    let (code, second_report) = second.finish();
    assert_eq!(code, 0, "{second_report}");

    let sent = final_stats(&sent_report);
    let first_bytes = u64_of(&final_stats(&first_report), "bytes");
    let second_bytes = u64_of(&final_stats(&second_report), "bytes");
    assert!(u64_of(&sent, "reconnects") >= 1, "{sent}");
    assert!(first_bytes > 0 && second_bytes > 0);
    assert!(first_bytes + second_bytes <= u64_of(&sent, "bytes"));
    // Whatever was lost, the new connection starts on a whole line.
    let second_text = std::fs::read_to_string(&second_saved).unwrap();
    for line in second_text.lines() {
        let n = line.strip_prefix("Line ").expect("a whole line");
        n.parse::<u64>().expect("a whole line number");
    }
    assert!(second_text.ends_with("Line 29999\n"));
}

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
    assert_eq!(u64_of(&caught, "records"), 50_000);
    assert_eq!(u64_of(&caught, "bytes"), u64_of(&sent, "bytes"));
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
    assert_eq!(u64_of(&stats, "records"), 2);
    assert_eq!(stats["end"], "error");
    assert!(
        stats["per_connection"][0]["error"]
            .as_str()
            .unwrap()
            .contains(expected)
    );
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
    assert_eq!(u64_of(&stats, "connections"), 1);
    assert_eq!(u64_of(&stats, "bytes"), 8);
    assert_eq!(u64_of(&stats, "records"), 2);
}

#[test]
fn catch_keep_serves_several_connections_until_interrupted() {
    let catcher = Catcher::start("127.0.0.1:0", &["--keep"]);
    for _ in 0..3 {
        let (code, _, stderr) = run(&["lines", "-n", "1000", "-o", &catcher.address]);
        assert_eq!(code, 0, "{stderr}");
    }
    // The last connection's end may still be on its way: wait a little.
    std::thread::sleep(Duration::from_millis(300));
    catcher.interrupt();
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 130, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(u64_of(&stats, "connections"), 3);
    assert_eq!(u64_of(&stats, "records"), 3000);
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
fn network_flags_need_a_socket_destination() {
    let (code, _, stderr) = run(&["lines", "-n", "1", "--reconnect", "-o", "/dev/null"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--reconnect is for socket destinations"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["lines", "-o", "tcp://localhost"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`tcp://localhost` has no port"), "{stderr}");
}

#[test]
fn file_stats_have_no_network_keys() {
    let (code, _, stderr) = run(&["lines", "-n", "10", "-o", "/dev/null", "--stats=json"]);
    assert_eq!(code, 0);
    let stats = final_stats(&stderr);
    assert!(stats.get("reconnects").is_none() && stats.get("connect_s").is_none());
}

#[test]
fn replay_of_a_file_equals_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    let (_, content, _) = run(&["lines", "GET /item/{n} HTTP/1.1 200", "-n", "30k"]);
    std::fs::write(&file, &content).unwrap();
    let (code, stdout, stderr) = run(&["replay", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout == content);

    let mut child = gush()
        .args(["replay", "-", "--stats=json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feed = content.clone();
    let feeder = std::thread::spawn(move || stdin.write_all(&feed).unwrap());
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(out.stdout == content);
    let stats = final_stats(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(u64_of(&stats, "records"), 30_000);
}

#[test]
fn replay_loop_with_count_cycles_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("three.log");
    std::fs::write(&file, "a\nb\nc").unwrap();
    let (code, stdout, stderr) = run(&["replay", file.to_str().unwrap(), "--loop", "-n", "8"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, b"a\nb\nc\na\nb\nc\na\nb\n");
}

#[test]
fn replay_sends_a_file_over_tcp_at_a_rate() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    let saved = dir.path().join("caught.log");
    std::fs::write(&file, "first\nsecond\nthird\n").unwrap();
    let catcher = Catcher::start("127.0.0.1:0", &["-o", saved.to_str().unwrap()]);
    let (code, _, stderr) = run(&[
        "replay",
        file.to_str().unwrap(),
        "--loop",
        "-n",
        "300",
        "--rate",
        "1000/s",
        "-o",
        &catcher.address,
        "--stats=json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let elapsed = final_stats(&stderr)["elapsed_s"].as_f64().unwrap();
    assert!(
        (0.2..0.6).contains(&elapsed),
        "300 lines at 1000/s took {elapsed} s"
    );
    catcher.finish();
    let text = std::fs::read_to_string(&saved).unwrap();
    assert_eq!(text.lines().count(), 300);
    assert!(text.starts_with("first\nsecond\nthird\nfirst\n"));
}

#[test]
fn replay_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.log");
    std::fs::write(&file, format!("short\n{}\n", "x".repeat(5000))).unwrap();
    let (code, stdout, stderr) = run(&["replay", file.to_str().unwrap(), "--chunk", "4KiB"]);
    assert_eq!(code, 1);
    assert_eq!(stdout, b"short\n");
    assert!(stderr.contains("line 2 of"), "{stderr}");
    assert!(stderr.contains("longer than --chunk"), "{stderr}");

    let (code, _, stderr) = run(&["replay", dir.path().join("absent.log").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot open"), "{stderr}");
    let (code, _, stderr) = run(&["replay", "--loop"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("stdin cannot be read twice"), "{stderr}");
}
