//! The S3 test kit: a real S3-compatible server (moto's server mode) on
//! a loopback port of its own for each test, gush runs pointed at it
//! through the standard AWS variables, plain reads of what the server
//! holds. The proxy that injects the store's faults is in `proxy.rs`.
//!
//! moto checks no signatures, so the kit reads objects and lists uploads
//! with plain requests that only claim one. It is found at `$GUSH_MOTO_SERVER`, else
//! in the venv `.ci/run` makes (/var/tmp/gush-moto), else on PATH. With
//! `CI` set a missing server fails the test; elsewhere the test is skipped
//! with a printed reason.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{final_stats, gush_std, output_bounded, send_signal, wait_until};

/// How long moto may take to start answering: it imports a lot of Python.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// Where moto's server is, if anywhere.
fn moto_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GUSH_MOTO_SERVER") {
        return Some(PathBuf::from(path));
    }
    let venv = PathBuf::from("/var/tmp/gush-moto/bin/moto_server");
    if venv.exists() {
        return Some(venv);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("moto_server"))
        .find(|candidate| candidate.exists())
}

/// A port the kernel has just handed out, free again for moto to take.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().unwrap().port()
}

/// A running moto server, killed when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    /// Starts one, with `bucket` made; `None` (after saying why) when moto
    /// is not installed and this is not CI.
    pub fn start(bucket: &str) -> Option<Moto> {
        Moto::launch(bucket, false)
    }

    /// As [`Moto::start`], but checking credentials after the bucket is
    /// made: moto then knows no access key at all, so every one is wrong.
    pub fn start_checking_keys(bucket: &str) -> Option<Moto> {
        Moto::launch(bucket, true)
    }

    fn launch(bucket: &str, check_keys: bool) -> Option<Moto> {
        let Some(server) = moto_server() else {
            let why =
                "moto_server is not installed (bash .ci/run installs it into /var/tmp/gush-moto)";
            if std::env::var_os("CI").is_some() {
                panic!("{why}");
            }
            eprintln!("skipped: {why}");
            return None;
        };
        let port = free_port();
        let mut command = Command::new(&server);
        if check_keys {
            // moto's switch for IAM checks: the first request (making the
            // bucket) goes unchecked, every later one is.
            command.env("INITIAL_NO_AUTH_ACTION_COUNT", "1");
        }
        let child = command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", server.display()));
        let mut moto = Moto { child, port };
        let started = Instant::now();
        // Ready when it accepts; a request would use up the unchecked one.
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited ({status}) before answering");
            }
            assert!(
                started.elapsed() < READY_WITHIN,
                "moto_server did not answer within {READY_WITHIN:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let (status, _) = request(port, "PUT", &format!("/{bucket}"), b"").expect("moto answers");
        assert_eq!(status, 200, "cannot make bucket {bucket}");
        Some(moto)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The object's bytes, or `None` if there is no such object.
    pub fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        match request(self.port, "GET", &format!("/{bucket}/{key}"), b"") {
            Some((200, body)) => Some(body),
            _ => None,
        }
    }

    /// Puts an object as it is, past gush.
    pub fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        let (status, _) = request(self.port, "PUT", &format!("/{bucket}/{key}"), body).unwrap();
        assert_eq!(status, 200, "cannot put {key}");
    }

    /// The keys in the bucket.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        let (_, body) = request(self.port, "GET", &format!("/{bucket}?list-type=2"), b"").unwrap();
        tags(&String::from_utf8_lossy(&body), "Key")
    }

    /// The multipart uploads started and neither completed nor aborted.
    pub fn open_uploads(&self, bucket: &str) -> Vec<String> {
        let (_, body) = request(self.port, "GET", &format!("/{bucket}?uploads"), b"").unwrap();
        tags(&String::from_utf8_lossy(&body), "UploadId")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of every `<name>…</name>` in `xml`.
fn tags(xml: &str, name: &str) -> Vec<String> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split_once(&close).map(|(text, _)| text.to_string()))
        .collect()
}

/// One request to moto: (status, body); `None` if it cannot be reached.
/// moto closes each connection after its response. It checks no
/// signature, but a request with no Authorization at all is anonymous,
/// and a private object is then refused: so one is sent, unsigned.
const AUTHORIZATION: &str = "Authorization: AWS4-HMAC-SHA256 Credential=gush-test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00";

fn request(port: u16, method: &str, target: &str, body: &[u8]) -> Option<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n{AUTHORIZATION}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let status = std::str::from_utf8(&response[..end])
        .ok()?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()?;
    Some((status, response[end + 4..].to_vec()))
}

/// gush with the AWS variables pointing at `endpoint`, and none of the
/// caller's own (a profile, a real endpoint) leaking in.
pub fn gush_s3(endpoint: &str, args: &[&str]) -> Command {
    let mut command = gush_std(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command
        .env("AWS_ACCESS_KEY_ID", "gush-test")
        .env("AWS_SECRET_ACCESS_KEY", "gush-test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ALLOW_HTTP", "true");
    command
}

/// Runs gush against `endpoint` to the end (stdout dropped); returns its
/// exit code and stderr.
pub fn finish(endpoint: &str, args: &[&str]) -> (Option<i32>, String) {
    let child = gush_s3(endpoint, args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = output_bounded(child);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stderr)
}

/// Runs gush against `endpoint` to the end, which must be exit 0; returns
/// its JSON summary (`args` carries `--stats=json`).
pub fn run_json(endpoint: &str, args: &[&str]) -> serde_json::Value {
    let (code, stderr) = finish(endpoint, args);
    assert_eq!(code, Some(0), "{stderr}");
    final_stats(&stderr)
}

/// Starts a `{k}` series to moto, sends Ctrl-C once an object is complete
/// and the next one's upload is open, and checks what every such cut must
/// give: exit 130, the upload in progress aborted and none left open.
/// Returns gush's stderr.
pub fn interrupt_mid_series(moto: &Moto, args: &[&str]) -> String {
    let mut child = gush_s3(&moto.endpoint(), args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(
        "an object completed and the next one's upload started",
        &mut child,
        |_| !moto.keys("gush").is_empty() && !moto.open_uploads("gush").is_empty(),
    );
    send_signal(&child, libc::SIGINT);
    let out = output_bounded(child);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("aborted"), "{stderr}");
    assert!(
        moto.open_uploads("gush").is_empty(),
        "an upload was left open"
    );
    stderr
}

/// What every whole series must give: the summary lists the objects under
/// `keys` in order, their bytes `joined` are one run of `args` to stdout,
/// and no upload is left open.
pub fn assert_whole_series(
    moto: &Moto,
    stats: &serde_json::Value,
    keys: &[String],
    joined: &[u8],
    args: &[&str],
) {
    let listed: Vec<String> = keys.iter().map(|k| format!("s3://gush/{k}")).collect();
    assert_eq!(stats["s3_objects"], serde_json::json!(listed), "{stats}");
    let (_, want, _) = crate::common::run(args);
    assert!(
        joined == want,
        "{} bytes joined, {} in one run",
        joined.len(),
        want.len()
    );
    assert!(
        moto.open_uploads("gush").is_empty(),
        "an upload was left open"
    );
}
