//! `gush catch --http` against clients that misbehave: requests shaped for
//! smuggling and broken bodies (answered 400, nothing after them read as a
//! request), batches far ahead of the one awaited (held up to `--hwm`,
//! then 503), and clients too slow to finish a request head or silent
//! between requests (the header and idle timeouts).
//!
//! The clients are plain sockets, so a test says exactly what is sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::Catcher;
use crate::common::{RUN_LIMIT, TestDir, final_stats, num};

fn connect(catcher: &Catcher) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", catcher.port())).unwrap();
    stream.set_read_timeout(Some(RUN_LIMIT)).unwrap();
    stream
}

/// Sends `request` and reads until the server closes the connection.
fn send_and_read_all(catcher: &Catcher, request: &[u8]) -> String {
    let mut stream = connect(catcher);
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// Reads one response on a kept-alive connection: its head, and its body.
fn read_response(reader: &mut BufReader<TcpStream>) -> (String, String) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "closed: {head}");
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (head, String::from_utf8(body).unwrap())
}

fn post(sequence: u64, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: catch\r\nX-Gush-Seq: {sequence}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// Each request is answered 400 and nothing more; the bytes after it
/// (a second request, smuggled) are never served nor saved.
#[test]
fn requests_shaped_for_smuggling_and_broken_bodies_are_400() {
    const SMUGGLED: &str = "POST / HTTP/1.1\r\nContent-Length: 6\r\n\r\nEVIL!\n";
    let post = "POST / HTTP/1.1\r\nHost: catch\r\n";
    let cases = [
        (
            "a signed length",
            format!("{post}Content-Length: +6\r\n\r\nhello\n"),
        ),
        (
            "two lengths",
            format!("{post}Content-Length: 6\r\nContent-Length: 0\r\n\r\nhello\n"),
        ),
        (
            "a repeated length",
            format!("{post}Content-Length: 6\r\nContent-Length: 6\r\n\r\nhello\n"),
        ),
        (
            "a space before the colon",
            format!("{post}Content-Length : 6\r\n\r\nhello\n"),
        ),
        (
            "a bad chunk size",
            format!("{post}Transfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\nzz\r\n"),
        ),
        (
            "a chunk without its CRLF",
            format!("{post}Transfer-Encoding: chunked\r\n\r\n3\r\nhello\n\r\n0\r\n\r\n"),
        ),
    ];
    for (case, request) in cases {
        let dir = TestDir::new();
        let saved = dir.path("caught");
        let catcher = Catcher::start("127.0.0.1:0", &["--http", "-o", saved.to_str().unwrap()]);
        let answer = send_and_read_all(&catcher, format!("{request}{SMUGGLED}").as_bytes());
        assert!(answer.starts_with("HTTP/1.1 400 "), "{case}: {answer:?}");
        assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{case}: {answer:?}");
        let (code, stderr) = catcher.finish();
        assert_eq!(code, 1, "{case}: {stderr}");
        let saved = std::fs::read(&saved).unwrap();
        assert!(
            !String::from_utf8_lossy(&saved).contains("EVIL"),
            "{case}: {saved:?}"
        );
        let stats = final_stats(&stderr);
        assert!(num(&stats, "requests") <= 1, "{case}: {stderr}");
    }
}

/// Batches far ahead of the one awaited are held up to --hwm, then
/// answered 503 with Retry-After; the awaited one is always taken, and
/// the output is in sequence order.
#[test]
fn batches_waiting_past_the_hwm_are_answered_503() {
    let dir = TestDir::new();
    let saved = dir.path("caught");
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &[
            "--http",
            "--keep",
            "--hwm",
            "1MiB",
            "--retry-after",
            "2",
            "-o",
            saved.to_str().unwrap(),
        ],
    );
    let body = |sequence: u64, size: usize| {
        let mut body = vec![b'a' + sequence as u8; size - 1];
        body.push(b'\n');
        body
    };
    let stream = connect(&catcher);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut ask = |sequence: u64, size: usize| {
        (&stream)
            .write_all(&post(sequence, &body(sequence, size)))
            .unwrap();
        read_response(&mut reader).0
    };
    let half = 512 * 1024;
    assert!(ask(1, half).starts_with("HTTP/1.1 200"));
    assert!(ask(2, half).starts_with("HTTP/1.1 200"));
    let busy = ask(3, half);
    assert!(busy.starts_with("HTTP/1.1 503"), "{busy}");
    assert!(busy.contains("Retry-After: 2"), "{busy}");
    // The awaited batch fits nowhere, and is taken anyway.
    assert!(ask(0, 3 * half).starts_with("HTTP/1.1 200"));
    assert!(ask(3, half).starts_with("HTTP/1.1 200"));
    // Larger than the bound and next: saved as it arrives.
    assert!(ask(4, 8 * half).starts_with("HTTP/1.1 200"));
    // Larger than the bound and not next: refused however often.
    assert!(ask(6, 8 * half).starts_with("HTTP/1.1 503"));
    drop(reader);
    catcher.interrupt();
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 130, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "busy"), 2, "{stderr}");
    let mut expected = body(0, 3 * half);
    for (sequence, size) in [(1, half), (2, half), (3, half), (4, 8 * half)] {
        expected.extend(body(sequence, size));
    }
    assert!(std::fs::read(&saved).unwrap() == expected, "out of order");
    assert_eq!(num(&stats, "bytes"), expected.len() as u64);
}

/// The peak resident memory of a process, from /proc.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A body in its turn larger than --hwm goes to the output as it comes:
/// memory stays near the bound, not the body's size.
#[test]
fn a_batch_larger_than_the_hwm_is_not_held_whole() {
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &[
            "--http",
            "--keep",
            "--hwm",
            "4MiB",
            "-o",
            "/dev/null",
            "--force",
        ],
    );
    let mut stream = connect(&catcher);
    let size = 256 << 20;
    let head = format!(
        "POST / HTTP/1.1\r\nX-Gush-Seq: 0\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..size >> 20 {
        stream.write_all(&block).unwrap();
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let peak = peak_rss_kib(catcher.pid());
    catcher.interrupt();
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 130, "{stderr}");
    assert_eq!(num(&final_stats(&stderr), "bytes"), size);
    assert!(
        peak < 64 * 1024,
        "peak RSS {peak} KiB for a {size}-byte body"
    );
}

/// Clients sending a byte at a time cannot hold every connection slot:
/// their heads time out (408), and a well-formed request is served.
#[test]
fn slow_request_heads_time_out_and_free_their_slots() {
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &[
            "--http",
            "--keep",
            "--max-connections",
            "3",
            "--header-timeout",
            "1s",
        ],
    );
    let head = b"POST / HTTP/1.1\r\nHost: catch\r\nX-Slow: ";
    let slow: Vec<_> = (0..5)
        .map(|_| {
            let mut stream = connect(&catcher);
            stream.write_all(&head[..1]).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            std::thread::spawn(move || {
                // A byte every 200 ms for 8 s, until answered.
                let mut answer = Vec::new();
                for byte in head[1..].iter().chain(std::iter::repeat_n(&b'x', 40)) {
                    match stream.read_to_end(&mut answer) {
                        Ok(_) => break,
                        Err(_) if !answer.is_empty() => continue,
                        Err(_) => {}
                    }
                    if stream.write_all(&[*byte]).is_err() {
                        break;
                    }
                }
                String::from_utf8_lossy(&answer).into_owned()
            })
        })
        .collect();
    // Connected after the slow ones, so accepted after them too.
    let started = Instant::now();
    let answer = send_and_read_all(
        &catcher,
        b"POST / HTTP/1.1\r\nHost: catch\r\nConnection: close\r\nContent-Length: 6\r\n\r\nhello\n",
    );
    let waited = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(waited < Duration::from_secs(5), "served after {waited:?}");
    for client in slow {
        let answer = client.join().unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
        assert!(answer.contains("--header-timeout"), "{answer:?}");
    }
    catcher.interrupt();
    let (_, stderr) = catcher.finish();
    assert_eq!(num(&final_stats(&stderr), "records"), 1, "{stderr}");
}

/// A kept-alive connection left silent is closed after --idle-timeout,
/// quietly: it is no error.
#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let catcher = Catcher::start("127.0.0.1:0", &["--http", "--idle-timeout", "500ms"]);
    let stream = connect(&catcher);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    (&stream)
        .write_all(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nhi\n")
        .unwrap();
    assert!(read_response(&mut reader).0.starts_with("HTTP/1.1 200"));
    let idle = Instant::now();
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "{rest:?}");
    assert!(idle.elapsed() < Duration::from_secs(5));
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(final_stats(&stderr)["per_connection"][0]["end"], "closed");
}

/// A body that cannot be saved is answered 500, and catch ends in error:
/// the client must not take it for delivered, nor catch for complete.
#[test]
fn a_body_that_cannot_be_saved_is_answered_500() {
    let catcher = Catcher::start("127.0.0.1:0", &["--http", "-o", "/dev/full", "--force"]);
    let answer = send_and_read_all(
        &catcher,
        b"POST / HTTP/1.1\r\nHost: catch\r\nContent-Length: 6\r\n\r\nhello\n",
    );
    assert!(answer.starts_with("HTTP/1.1 500 "), "{answer:?}");
    assert!(answer.contains("/dev/full"), "{answer:?}");
    let (code, stderr) = catcher.finish();
    assert_eq!(code, 1, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(stats["end"], "error");
    assert_eq!(stats["per_connection"][0]["end"], "error");
}
