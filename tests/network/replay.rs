//! `gush replay`: a file or stdin sent again, looped, paced, over TCP.

use std::io::Write;
use std::process::Stdio;

use crate::Catcher;
use crate::common::{final_stats, gush_std, num, output_bounded, run};

#[test]
fn replay_of_a_file_equals_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    let (_, content, _) = run(&["lines", "GET /item/{n} HTTP/1.1 200", "-n", "30k"]);
    std::fs::write(&file, &content).unwrap();
    let (code, stdout, stderr) = run(&["replay", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout == content);

    let mut child = gush_std(["replay", "-", "--stats=json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feed = content.clone();
    let feeder = std::thread::spawn(move || stdin.write_all(&feed).unwrap());
    let out = output_bounded(child);
    feeder.join().unwrap();
    assert!(out.stdout == content);
    let stats = final_stats(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(num(&stats, "records"), 30_000);
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

/// Over TCP, chunks are filled to whole segments (65483 bytes over
/// loopback), but a line that fits --chunk still goes through whole.
#[test]
fn replay_sends_a_line_as_long_as_a_chunk_over_tcp() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.log");
    let saved = dir.path().join("caught.log");
    let content = format!("short\n{}\nshort\n", "w".repeat(65535 - 1));
    std::fs::write(&file, &content).unwrap();
    let catcher = Catcher::start("127.0.0.1:0", &["-o", saved.to_str().unwrap()]);
    let (code, _, stderr) = run(&["replay", file.to_str().unwrap(), "-o", &catcher.address]);
    assert_eq!(code, 0, "{stderr}");
    catcher.finish();
    assert!(std::fs::read_to_string(&saved).unwrap() == content);
}
