//! Over HTTP: batch and stream round trips into `gush catch --http`,
//! byte-identical to a file run, over http and https; `--header-each`,
//! `--batch`, `--reject` against the report, the live `--interval` keys,
//! and the usage errors. The odd servers are in `http_faults.rs`.

use std::path::PathBuf;

use crate::Catcher;
use crate::common::{TestDir, final_stats, num, read, run};

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
fn batch_with_several_generator_threads_keeps_every_request_whole() {
    // --threads 4 starts every thread at once; each batch is still exactly
    // --batch records, in order.
    let (sent, caught) = round_trip(
        &[
            "records", "--preset", "json-log", "-n", "20k", "--seed", "13",
        ],
        &[],
        "/",
        &["--batch", "100", "--threads", "4", "--queue-depth", "4"],
    );
    assert_eq!(num(&sent, "requests"), 200);
    assert_eq!(num(&caught, "requests"), 200);
    assert_eq!(num(&sent, "threads"), 4);
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
    // Only the first shard writes the header row there is to repeat.
    let (code, _, stderr) = run(&[
        "records",
        "--preset",
        "users",
        "-n",
        "10",
        "--shard",
        "1/2",
        "-o",
        "http://127.0.0.1:9/",
        "--header-each",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--header-each"), "{stderr}");
}
