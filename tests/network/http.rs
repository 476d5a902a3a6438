//! Over HTTP: batch and stream round trips into `gush catch --http`
//! (byte-identical to a file run, over http and https), the server's
//! backpressure (429 with Retry-After in seconds and as a date, 503), the
//! failures that stop a run (a 400 with its body, timeouts) and the one
//! that is retried (a reset), and Ctrl-C during a retry wait.
//!
//! The odd servers are scripted here on a plain TcpListener: each answers
//! requests from a list, so a test says exactly what the server does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Stdio;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crate::Catcher;
use crate::common::{RUN_LIMIT, TestDir, final_stats, gush_std, num, read, run, wait_bounded};

/// Runs `gush ARGS -o URL --stats=json` and a file run of the same ARGS;
/// returns the sender's stats, the catcher's, and whether the bytes the
/// catcher saved are the file run's.
fn round_trip(
    args: &[&str],
    catch_args: &[&str],
    url_path: &str,
    extra: &[&str],
) -> (serde_json::Value, serde_json::Value) {
    let dir = TestDir::new();
    let saved = dir.path("saved");
    let want = dir.path("want");
    let saved_arg = saved.to_str().unwrap().to_string();
    let mut catch = vec!["--http", "--keep", "-o", &saved_arg];
    catch.extend_from_slice(catch_args);
    let catcher = Catcher::start("127.0.0.1:0", &catch);
    let url = format!("{}{url_path}", catcher.address);
    let mut send: Vec<&str> = args.to_vec();
    send.extend_from_slice(&["-o", &url, "--stats=json"]);
    send.extend_from_slice(extra);
    let (code, _, stderr) = run(&send);
    assert_eq!(code, 0, "{stderr}");
    let sent = final_stats(&stderr);
    catcher.interrupt();
    let (_, caught) = catcher.finish();
    let caught = final_stats(&caught);
    let mut file: Vec<&str> = args.to_vec();
    file.extend_from_slice(&["-o", want.to_str().unwrap()]);
    let (code, _, stderr) = run(&file);
    assert_eq!(code, 0, "{stderr}");
    let (saved, want) = (read(&saved), read(&want));
    assert_eq!(
        saved.len(),
        want.len(),
        "saved and file run differ in length"
    );
    assert!(saved == want, "saved bytes differ from the file run");
    assert_eq!(num(&sent, "bytes"), want.len() as u64);
    (sent, caught)
}

#[test]
fn batches_of_lines_arrive_byte_identical_at_depth_4() {
    let (sent, caught) = round_trip(
        &["lines", "-n", "200k", "--seed", "1"],
        &[],
        "/ingest",
        &["--queue-depth", "4", "--chunk", "16KiB"],
    );
    assert_eq!(sent["http_mode"], "batch");
    assert_eq!(num(&sent, "status_2xx"), num(&sent, "requests"));
    assert_eq!(num(&caught, "requests"), num(&sent, "requests"));
    assert_eq!(num(&sent, "writes"), num(&sent, "requests"));
    assert!(num(&sent, "requests") > 10);
}

#[test]
fn csv_records_carry_the_header_once_or_in_every_batch() {
    let args = ["records", "--preset", "users", "-n", "5000", "--seed", "4"];
    round_trip(&args, &[], "/", &["--chunk", "8KiB"]);
    // With --header-each every batch starts with the header row.
    let dir = TestDir::new();
    let saved = dir.path("each");
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--http", "--keep", "-o", saved.to_str().unwrap()],
    );
    let url = format!("{}/", catcher.address);
    let mut send = args.to_vec();
    send.extend_from_slice(&[
        "-o",
        &url,
        "--chunk",
        "8KiB",
        "--header-each",
        "--stats=json",
    ]);
    let (code, _, stderr) = run(&send);
    assert_eq!(code, 0, "{stderr}");
    let requests = num(&final_stats(&stderr), "requests");
    catcher.interrupt();
    let _ = catcher.finish();
    let text = String::from_utf8(read(&saved)).unwrap();
    let headers = text.lines().filter(|l| l.starts_with("id,")).count() as u64;
    assert_eq!(headers, requests);
    assert_eq!(text.lines().count() as u64, 5000 + requests);
}

#[test]
fn a_stream_of_bytes_is_one_chunked_request() {
    let (sent, caught) = round_trip(&["bytes", "-s", "20MiB", "--seed", "5"], &[], "/up", &[]);
    assert_eq!(sent["http_mode"], "stream");
    assert_eq!(num(&sent, "requests"), 1);
    assert_eq!(num(&caught, "requests"), 1);
}

#[test]
fn ndjson_streams_too_when_asked() {
    let (sent, _) = round_trip(
        &[
            "records", "--preset", "json-log", "-n", "20k", "--seed", "6",
        ],
        &[],
        "/",
        &["--http", "stream", "--method", "PUT"],
    );
    assert_eq!(num(&sent, "requests"), 1);
}

/// A self-signed certificate for 127.0.0.1 and localhost, as PEM files.
fn certificate(dir: &TestDir) -> (PathBuf, PathBuf) {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).expect("rcgen makes a certificate");
    let cert = dir.file("cert.pem", certified.cert.pem().as_bytes());
    let key = dir.file("key.pem", certified.signing_key.serialize_pem().as_bytes());
    (cert, key)
}

#[test]
fn https_batches_and_streams_arrive_byte_identical() {
    let dir = TestDir::new();
    let (cert, key) = certificate(&dir);
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let tls = ["--tls-cert", cert, "--tls-key", key];
    let (sent, _) = round_trip(
        &["lines", "-n", "50k", "--seed", "7"],
        &tls,
        "/",
        &["--ca-cert", cert, "--queue-depth", "2"],
    );
    assert_eq!(num(&sent, "status_2xx"), num(&sent, "requests"));
    round_trip(
        &["records", "--preset", "orders", "-n", "10k", "--seed", "8"],
        &tls,
        "/",
        &["--ca-cert", cert],
    );
    round_trip(
        &["bytes", "-s", "4MiB", "--seed", "9"],
        &tls,
        "/",
        &["--ca-cert", cert],
    );
    // Without the CA the certificate is refused; --insecure takes it, and warns.
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--http", "--keep", "--tls-cert", cert, "--tls-key", key],
    );
    let (code, _, stderr) = run(&["lines", "-n", "10", "-o", &catcher.address]);
    assert_eq!(code, 1, "{stderr}");
    let (code, _, stderr) = run(&["lines", "-n", "10", "-o", &catcher.address, "--insecure"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: --insecure"), "{stderr}");
}

#[test]
fn rejected_requests_are_paused_retried_and_nothing_is_lost() {
    let (sent, caught) = round_trip(
        &[
            "records", "--preset", "json-log", "-n", "50k", "--seed", "10",
        ],
        &["--reject", "10%", "--retry-after", "0.01"],
        "/_bulk",
        &["--queue-depth", "4", "--chunk", "16KiB"],
    );
    let rejected = num(&caught, "rejected");
    assert!(rejected > 0, "{caught}");
    assert_eq!(num(&sent, "status_429"), rejected);
    assert_eq!(num(&sent, "server_pauses"), rejected);
    assert_eq!(num(&sent, "retries"), rejected);
    assert_eq!(num(&sent, "requests"), num(&caught, "requests"));
    assert!(sent["server_paused_s"].as_f64().unwrap() > 0.0);
}

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
    let mut child = gush_std(["lines", "-n", "10", "-o", &catcher.address, "--stats=json"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The catcher answers 429 at once; gush is then in its 60 s wait.
    std::thread::sleep(Duration::from_millis(700));
    let interrupted = Instant::now();
    crate::common::send_signal(&child, libc::SIGINT);
    let status = wait_bounded(&mut child, RUN_LIMIT);
    assert!(interrupted.elapsed() < Duration::from_secs(1));
    assert_eq!(status.code(), Some(130));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("while waiting to retry"), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "server_pauses"), 1);
    assert_eq!(num(&stats, "bytes"), 0);
}

#[test]
fn batch_caps_the_records_of_each_request() {
    let (sent, caught) = round_trip(
        &["lines", "-n", "1000", "--seed", "12"],
        &[],
        "/",
        &["--batch", "100"],
    );
    assert_eq!(num(&sent, "requests"), 10);
    assert_eq!(num(&caught, "requests"), 10);
}

#[test]
fn interval_lines_show_requests_and_server_pauses() {
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &[
            "--http",
            "--keep",
            "--reject",
            "50",
            "--retry-after",
            "0.02",
        ],
    );
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "20k",
        "--chunk",
        "4KiB",
        "-o",
        &catcher.address,
        "--interval",
        "50ms",
        "--rate",
        "40k/s",
        "--stats=json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let line = stderr
        .lines()
        .find(|line| line.contains("\"t_s\""))
        .unwrap_or_else(|| panic!("no interval line: {stderr}"));
    let sample: serde_json::Value = serde_json::from_str(line).unwrap();
    assert!(sample["requests"].is_u64(), "{line}");
    assert!(sample["server_pauses"].is_u64(), "{line}");
    let stats = final_stats(&stderr);
    assert!(num(&stats, "server_pauses") > 0);
}

#[test]
fn http_flags_elsewhere_and_batch_bytes_are_usage_errors() {
    let (code, _, stderr) = run(&["lines", "-n", "1", "--method", "PUT"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--method is for HTTP destinations"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&[
        "bytes",
        "-s",
        "1k",
        "-o",
        "http://127.0.0.1:9/",
        "--http",
        "batch",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--http stream"), "{stderr}");
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "1",
        "-o",
        "http://127.0.0.1:9/",
        "-H",
        "NoColon",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("NoColon"), "{stderr}");
    let (code, _, stderr) = run(&["lines", "-n", "1", "-o", "http://127.0.0.1:99999/"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("has a bad port"), "{stderr}");
}
