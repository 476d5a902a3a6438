//! Over HTTP, the refusals and misuses issue 16 found: a signal during a
//! 429 wait ends `interrupted`; `Retry-After: 0` is floored and capped by
//! `--max-pause`; framing headers and unknown schemes are usage errors; a
//! stream refused early reports the status and body; certificate errors
//! are told in words and not retried; a password in the URL is masked; a
//! kept-alive connection the server closed while idle costs no retry.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::Catcher;
use crate::common::{RUN_LIMIT, TestDir, final_stats, gush_std, num, run, signal_and_wait};

/// A server that answers every request with `reply` (the body of each
/// request is left unread: it closes the connection after answering).
/// Returns its URL, how many requests it took, and a channel that gets a
/// message per request.
fn always(reply: &'static str) -> (String, Arc<AtomicU64>, mpsc::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let count = Arc::new(AtomicU64::new(0));
    let (heard, requests) = mpsc::channel();
    let counted = Arc::clone(&count);
    std::thread::spawn(move || {
        while let Ok((stream, _)) = listener.accept() {
            stream.set_read_timeout(Some(RUN_LIMIT)).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut stream = stream;
            // Read the head only, then answer and close.
            let mut line = String::new();
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if line == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            counted.fetch_add(1, Ordering::SeqCst);
            let _ = heard.send(());
            let _ = stream.write_all(reply.as_bytes());
            let _ = stream.flush();
            // Linger a moment before closing with the body unread (which
            // resets the connection), as servers do so that the answer is
            // read before the reset; no test event waits on it.
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    (url, count, requests)
}

const TOO_MANY_WAIT: &str =
    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\nContent-Length: 0\r\n\r\n";
const TOO_MANY_NOW: &str = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

#[test]
fn a_signal_during_a_429_wait_ends_interrupted_not_error() {
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let (url, _, requests) = always(TOO_MANY_WAIT);
        let child = gush_std(["lines", "-n", "10", "-o", &url, "--stats=json"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The server has answered 429: gush is in its 60 s wait.
        requests.recv_timeout(RUN_LIMIT).expect("a request came");
        let (output, took) = signal_and_wait(child, signal);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{stderr}");
        assert!(took < Duration::from_secs(2), "{took:?}");
        let stats = final_stats(&stderr);
        assert_eq!(stats["end"], "interrupted", "{stderr}");
        assert_eq!(num(&stats, "server_pauses"), 1);
        assert!(stderr.contains("answered 429"), "{stderr}");
    }
}

#[test]
fn retry_after_zero_is_floored_and_the_wait_capped_by_max_pause() {
    let (url, count, _) = always(TOO_MANY_NOW);
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &url,
        "--max-pause",
        "500ms",
        "--stats=json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("429 Too Many Requests"), "{stderr}");
    assert!(stderr.contains("--max-pause 500ms"), "{stderr}");
    assert!(!stderr.contains("reset by peer"), "{stderr}");
    // 10, 20, 40, 80, 160 ms: a handful of requests, not thousands.
    let requests = count.load(Ordering::SeqCst);
    assert!((3..=10).contains(&requests), "{requests} requests");
    assert_eq!(final_stats(&stderr)["end"], "error");
}

#[test]
fn framing_headers_and_unknown_schemes_are_usage_errors() {
    for header in [
        "Content-Length: 5",
        "transfer-encoding: chunked",
        "Host: elsewhere",
    ] {
        let (code, _, stderr) = run(&[
            "lines",
            "-n",
            "1",
            "-o",
            "http://127.0.0.1:9/",
            "-H",
            header,
        ]);
        assert_eq!(code, 2, "{header}: {stderr}");
        assert!(stderr.contains(header), "{stderr}");
    }
    let dir = TestDir::new();
    let ftp = format!("ftp://{}/x", dir.path("host").display());
    let (code, _, stderr) = run(&["lines", "-n", "1", "-o", &ftp]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("ftp://"), "{stderr}");
    assert!(!dir.path("ftp:").exists());
}

#[test]
fn an_upper_case_scheme_is_http() {
    let catcher = Catcher::start("127.0.0.1:0", &["--http", "--keep"]);
    let url = catcher.address.replacen("http://", "HTTP://", 1);
    let (code, _, stderr) = run(&["lines", "-n", "1000", "-o", &url, "--stats=json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(num(&final_stats(&stderr), "status_2xx"), 1);
}

#[test]
fn a_stream_refused_early_reports_the_status_and_body() {
    let (url, _, _) = always(
        "HTTP/1.1 413 Content Too Large\r\nContent-Length: 23\r\nConnection: close\r\n\r\nbodies up to 1 MiB here",
    );
    let (code, _, stderr) = run(&["bytes", "-s", "256MiB", "-o", &url, "--stats=json"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the server answered 413"), "{stderr}");
    assert!(stderr.contains("bodies up to 1 MiB"), "{stderr}");
    assert!(!stderr.contains("closed the connection"), "{stderr}");
}

#[test]
fn a_batch_refused_before_its_body_is_read_reports_the_status() {
    let (url, _, _) = always(
        "HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big!",
    );
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "3M",
        "--chunk",
        "16MiB",
        "-o",
        &url,
        "--stats=json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the server answered 413"), "{stderr}");
    assert!(stderr.contains("too big!"), "{stderr}");
    assert!(!stderr.contains("reset by peer"), "{stderr}");
}

/// A CA certificate that the server wrongly uses as its own.
fn ca_as_server(dir: &TestDir) -> (String, String) {
    let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().expect("a key");
    let cert = params.self_signed(&key).expect("a certificate");
    let cert = dir.file("ca.pem", cert.pem().as_bytes());
    let key = dir.file("key.pem", key.serialize_pem().as_bytes());
    (
        cert.to_str().unwrap().to_string(),
        key.to_str().unwrap().to_string(),
    )
}

#[test]
fn certificate_errors_say_what_is_wrong_and_are_not_retried() {
    let dir = TestDir::new();
    let (cert, key) = ca_as_server(&dir);
    let catcher = Catcher::start(
        "127.0.0.1:0",
        &["--http", "--keep", "--tls-cert", &cert, "--tls-key", &key],
    );
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &catcher.address,
        "--ca-cert",
        &cert,
        "--stats=json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("is a CA certificate"), "{stderr}");
    assert!(stderr.contains("--insecure"), "{stderr}");
    assert!(!stderr.contains("OtherError"), "{stderr}");
    assert!(!stderr.contains("attempts"), "{stderr}");
    assert_eq!(num(&final_stats(&stderr), "retries"), 0);
}

#[test]
fn a_password_in_the_url_is_masked_in_errors_and_the_report() {
    // Nothing listens on a port just freed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://ingest:hunter2@127.0.0.1:{port}/");
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "-o",
        &url,
        "--retry",
        "0",
        "--stats=json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(stderr.contains("ingest:***@127.0.0.1"), "{stderr}");
    let (code, _, stderr) = run(&["lines", "-o", "http://ingest:hunter2@127.0.0.1:99999/"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

/// A server that closes every connection after one answer, without
/// saying so (as a keep-alive timeout does); returns its URL and, once
/// `connections` have come and gone, the bodies it took, in order.
fn one_answer_per_connection(connections: usize) -> (String, std::thread::JoinHandle<Vec<u8>>) {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut bodies = Vec::new();
        for _ in 0..connections {
            let Ok((stream, _)) = listener.accept() else {
                break;
            };
            stream.set_read_timeout(Some(RUN_LIMIT)).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            bodies.extend_from_slice(&body);
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
        bodies
    });
    (url, server)
}

#[test]
fn a_connection_the_server_closed_while_idle_costs_no_retry() {
    let (url, server) = one_answer_per_connection(5);
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "500",
        "--chunk",
        "1KiB",
        "-o",
        &url,
        "--retry",
        "0",
        "--stats=json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(num(&final_stats(&stderr), "requests"), 5);
    assert_eq!(
        server.join().unwrap(),
        crate::common::expected_lines(0, 500)
    );
}
