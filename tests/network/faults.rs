//! How a connection fails: refused, retried, unresolvable, missing, timed
//! out, reset mid-stream; and `--reconnect` carrying on across a restart.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use socket2::{Domain, SockAddr, Socket, Type};

use crate::Catcher;
use crate::common::signal_and_wait;
use crate::common::{
    RUN_LIMIT, closed_pipe, final_stats, gush_std, num, output_bounded, run, wait_bounded,
    wait_for_size, wait_until,
};

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
    let bytes = num(&stats, "bytes");
    assert!(bytes >= 1 << 20);
    assert!(
        message.ends_with(&format!(
            "bytes, {} records) handed to the socket",
            num(&stats, "records")
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
    let mut sender = gush_std([
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
    // Lines flowing to the first catcher: the connection is up.
    wait_for_size(&first_saved, 10_000, &mut sender);
    first.interrupt();
    let (code, first_report) = first.finish();
    assert_eq!(code, 130, "{first_report}");
    let second = Catcher::start(
        &format!("127.0.0.1:{port}"),
        &["-o", second_saved.to_str().unwrap()],
    );
    let sent = output_bounded(sender);
    let sent_report = String::from_utf8_lossy(&sent.stderr);
    assert_eq!(sent.status.code(), Some(0), "{sent_report}");
    let (code, second_report) = second.finish();
    assert_eq!(code, 0, "{second_report}");

    let sent = final_stats(&sent_report);
    let first_bytes = num(&final_stats(&first_report), "bytes");
    let second_bytes = num(&final_stats(&second_report), "bytes");
    assert!(num(&sent, "reconnects") >= 1, "{sent}");
    assert!(first_bytes > 0 && second_bytes > 0);
    assert!(first_bytes + second_bytes <= num(&sent, "bytes"));
    // Whatever was lost, the new connection starts on a whole line.
    let second_text = std::fs::read_to_string(&second_saved).unwrap();
    for line in second_text.lines() {
        let n = line.strip_prefix("Line ").expect("a whole line");
        n.parse::<u64>().expect("a whole line number");
    }
    assert!(second_text.ends_with("Line 29999\n"));
}

#[test]
fn catch_goes_on_when_its_listening_line_cannot_be_shown() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("catch.sock");
    let saved = dir.path().join("saved.txt");
    let listen = format!("unix:{}", socket.display());
    let mut catcher = gush_std(["catch", "--listen", &listen, "--stats", "-o"])
        .arg(&saved)
        .stdout(Stdio::null())
        .stderr(closed_pipe())
        .spawn()
        .unwrap();
    wait_until("listening", &mut catcher, |_| socket.exists());
    let (code, _, stderr) = run(&["lines", "-n", "100", "-o", &listen]);
    assert_eq!(code, 0, "{stderr}");
    let status = wait_bounded(&mut catcher, RUN_LIMIT);
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(
        std::fs::read(&saved)
            .unwrap()
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        100
    );
}

/// Waits until gush sleeps (`hrtimer_nanosleep` in its `/proc` wchan):
/// connecting to a closed port fails at once and gush has no other thread
/// yet, so its only sleep is the pause before the next attempt.
fn wait_for_a_backoff(child: &mut Child) {
    wait_until("a pause between attempts", child, |child| {
        std::fs::read_to_string(format!("/proc/{}/wchan", child.id()))
            .is_ok_and(|wchan| wchan.trim() == "hrtimer_nanosleep")
    });
}

#[test]
fn sigint_stops_the_backoff_between_retries() {
    let port = closed_port();
    let mut child = gush_std(["lines", "-n", "10", "--retry", "100", "-o"])
        .arg(format!("tcp://127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_a_backoff(&mut child);
    let (output, waited) = signal_and_wait(child, libc::SIGINT);
    let (status, stderr) = (output.status, String::from_utf8_lossy(&output.stderr));
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(waited < Duration::from_secs(1), "took {waited:?}");
    // Said only when the stop cut a pause short, not at a connect.
    assert!(
        stderr.contains("interrupted while waiting to retry"),
        "{stderr}"
    );
}

#[test]
fn a_unix_destination_that_is_a_regular_file_is_not_a_socket() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, b"not a socket\n").unwrap();
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "1",
        "-o",
        &format!("unix:{}", plain.display()),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{} is not a socket (a regular file)",
            plain.display()
        )),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&plain).unwrap(), b"not a socket\n");
}

#[test]
fn catch_with_an_unwritable_stats_file_fails_before_touching_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.txt");
    std::fs::write(&saved, b"precious\n").unwrap();
    let (code, _, stderr) = run(&[
        "catch",
        "--listen",
        "127.0.0.1:0",
        "--stats-file",
        "/nonexistent-dir/x.json",
        "--force",
        "-o",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("/nonexistent-dir/x.json"), "{stderr}");
    assert!(!stderr.contains("listening"), "{stderr}");
    assert_eq!(std::fs::read(&saved).unwrap(), b"precious\n");
}
