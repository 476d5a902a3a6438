//! Over HTTP, against servers that misbehave on purpose: the server's
//! backpressure (429 with Retry-After in seconds and as a date, 503), the
//! failures that stop a run (a 400 with its body, both timeouts), the one
//! that is retried (a reset), and Ctrl-C during a retry wait.
//!
//! The servers are scripted on a plain TcpListener: each answers requests
//! from a list, so a test says exactly what the server does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crate::Catcher;
use crate::common::{RUN_LIMIT, final_stats, gush_std, num, run, wait_bounded};

/// What a scripted server does with one request.
enum Reply {
    /// Reads the request whole, then writes these bytes.
    Answer(String),
    /// Reads the request head, then resets the connection (SO_LINGER 0).
    Reset,
    /// Reads the request and never answers.
    Silent,
}

/// A server that answers requests from `replies`, in order, one connection
/// after another; returns its URL and, at the end, the bodies it took (of
/// requests it answered 2xx).
fn scripted(replies: Vec<Reply>) -> (String, JoinHandle<Vec<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut replies = replies.into_iter().peekable();
        let mut taken = Vec::new();
        'connections: while let Ok((stream, _)) = listener.accept() {
            stream.set_read_timeout(Some(RUN_LIMIT)).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut stream = stream;
            loop {
                let Some(body) = read_request(&mut reader) else {
                    continue 'connections;
                };
                let Some(reply) = replies.next() else {
                    return taken;
                };
                match reply {
                    Reply::Answer(text) => {
                        if text.starts_with("HTTP/1.1 2") {
                            taken.push(body);
                        }
                        let _ = stream.write_all(text.as_bytes());
                        if replies.peek().is_none() {
                            return taken;
                        }
                    }
                    Reply::Reset => {
                        let socket = socket2::SockRef::from(&stream);
                        let _ = socket.set_linger(Some(Duration::ZERO));
                        continue 'connections;
                    }
                    Reply::Silent => {
                        std::thread::sleep(RUN_LIMIT);
                        return taken;
                    }
                }
            }
        }
        taken
    });
    (url, server)
}

/// One request with a Content-Length body; `None` at the end of the stream.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

fn answer(status: &str, headers: &str, body: &str) -> Reply {
    Reply::Answer(format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    ))
}

const OK: &str = "200 OK";

#[test]
fn a_429_with_retry_after_seconds_pauses_then_resends_the_batch() {
    let (url, server) = scripted(vec![
        answer("429 Too Many Requests", "Retry-After: 1\r\n", ""),
        answer(OK, "", ""),
    ]);
    let started = Instant::now();
    let (code, _, stderr) = run(&["lines", "-n", "100", "-o", &url, "--stats=json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "status_429"), 1);
    assert_eq!(num(&stats, "server_pauses"), 1);
    assert_eq!(num(&stats, "retries"), 1);
    assert_eq!(num(&stats, "records"), 100);
    let taken = server.join().unwrap();
    assert_eq!(taken.concat(), crate::common::expected_lines(0, 100));
}

#[test]
fn a_429_with_retry_after_as_a_date_waits_until_then() {
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let (url, server) = scripted(vec![
        answer(
            "429 Too Many Requests",
            &format!("Retry-After: {date}\r\n"),
            "",
        ),
        answer(OK, "", ""),
    ]);
    let started = Instant::now();
    let (code, _, stderr) = run(&["lines", "-n", "10", "-o", &url, "--stats=json"]);
    assert_eq!(code, 0, "{stderr}");
    // The date has whole seconds: at least one of the two is waited.
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(num(&final_stats(&stderr), "server_pauses"), 1);
    assert_eq!(server.join().unwrap().len(), 1);
}

#[test]
fn a_503_without_retry_after_backs_off_and_resends() {
    let (url, server) = scripted(vec![
        answer("503 Service Unavailable", "", "busy"),
        answer("503 Service Unavailable", "", "busy"),
        answer(OK, "", ""),
    ]);
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &url,
        "--stats=json",
        "--retry",
        "0",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "status_5xx"), 2);
    assert_eq!(num(&stats, "server_pauses"), 2);
    assert_eq!(server.join().unwrap().len(), 1);
}

#[test]
fn a_400_stops_the_run_quoting_its_body() {
    let (url, _server) = scripted(vec![
        answer(OK, "", ""),
        answer(
            "400 Bad Request",
            "",
            "{\"error\":\"mapper_parsing_exception\"}",
        ),
    ]);
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "100k",
        "-o",
        &url,
        "--chunk",
        "4KiB",
        "--stats=json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the server answered 400 Bad Request"),
        "{stderr}"
    );
    assert!(stderr.contains("mapper_parsing_exception"), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(stats["end"], "error");
    // The one batch answered 2xx is what the report counts.
    assert_eq!(num(&stats, "status_2xx"), 1);
    assert!(num(&stats, "bytes") > 0 && num(&stats, "bytes") <= 4096);
}

#[test]
fn a_reset_mid_request_is_retried() {
    let (url, server) = scripted(vec![Reply::Reset, answer(OK, "", "")]);
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "50",
        "-o",
        &url,
        "--stats=json",
        "--retry",
        "2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "retries"), 1);
    assert_eq!(num(&stats, "status_2xx"), 1);
    assert_eq!(
        server.join().unwrap().concat(),
        crate::common::expected_lines(0, 50)
    );
}

#[test]
fn a_server_that_never_answers_hits_the_request_timeout() {
    let (url, _server) = scripted(vec![Reply::Silent]);
    let started = Instant::now();
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &url,
        "--request-timeout",
        "300ms",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--request-timeout"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_server_that_never_accepts_hits_the_connect_timeout() {
    // A backlog of 0 holds one connection the server never accepts; the
    // kernel drops the SYNs of the next ones, which then never connect.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let fillers: Vec<_> = (0..2)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok())
        .collect();
    let url = format!("http://{addr}/");
    let started = Instant::now();
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &url,
        "--connect-timeout",
        "300ms",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--connect-timeout"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(fillers);
}

#[test]
fn ctrl_c_during_a_retry_wait_exits_130_at_once_with_a_report() {
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--http", "--keep", "--reject", "100", "--retry-after", "60"],
    );
    let mut child = gush_std([
        "lines",
        "-n",
        "10",
        "-o",
        &catcher.address,
        "--stats=json",
        "--interval",
        "20ms",
    ])
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    // The catcher answers 429 at once; once an interval line counts the
    // pause, gush is in (or entering) its 60 s wait.
    let mut seen = Vec::new();
    while !seen
        .last()
        .is_some_and(|line: &String| line.contains("\"server_pauses\":1"))
    {
        let line = lines
            .recv_timeout(RUN_LIMIT)
            .unwrap_or_else(|_| panic!("no pause counted: {seen:?}"));
        seen.push(line);
    }
    let interrupted = Instant::now();
    crate::common::send_signal(&child, libc::SIGINT);
    let status = wait_bounded(&mut child, RUN_LIMIT);
    assert!(interrupted.elapsed() < Duration::from_secs(1));
    assert_eq!(status.code(), Some(130));
    seen.extend(lines.iter());
    let stderr = seen.join("\n");
    assert!(stderr.contains("while waiting to retry"), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "server_pauses"), 1);
    assert_eq!(num(&stats, "bytes"), 0);
}

#[test]
fn a_stream_the_server_refuses_fails_naming_the_destination() {
    let (url, _server) = scripted(vec![answer("413 Content Too Large", "", "too big")]);
    let (code, _, stderr) = run(&["bytes", "-s", "64MiB", "-o", &url, "--stats=json"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write to {url}")),
        "{stderr}"
    );
    assert!(stderr.contains("sent in the request body"), "{stderr}");
    assert_eq!(final_stats(&stderr)["end"], "error");
}
