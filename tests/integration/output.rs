//! What gush writes: the exact bytes of `gush lines` (template, counter,
//! `--start`) and of `gush bytes` (`--fill` zero, hex pattern, seeded
//! random), and that stdout is the default destination.

use crate::common::{TestDir, expected_lines, gush, num, read, stats_from};

#[test]
fn writes_a_million_numbered_lines_to_a_file() {
    let dir = TestDir::new();
    let out = dir.path("lines.txt");
    gush(["lines", "-n", "1000000", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let written = read(&out);
    let expected = expected_lines(0, 1_000_000);
    assert_eq!(written.len(), expected.len(), "file size");
    assert!(
        written == expected,
        "file content differs from Line 0..Line 999999"
    );
}

#[test]
fn start_sets_the_first_counter_value() {
    gush(["lines", "-n", "3", "--start", "5"])
        .assert()
        .success()
        .stdout("Line 5\nLine 6\nLine 7\n");
}

#[test]
fn doubled_braces_in_a_template_are_literal() {
    gush(["lines", "-n", "2", "{{x}} {n}"])
        .assert()
        .success()
        .stdout("{x} 0\n{x} 1\n");
}

#[test]
fn writes_to_stdout_by_default() {
    let explicit = gush(["lines", "-n", "5", "-o", "-"]).assert().success();
    gush(["lines", "-n", "5"])
        .assert()
        .success()
        .stdout(expected_lines(0, 5))
        .stderr("");
    assert_eq!(explicit.get_output().stdout, expected_lines(0, 5));
}

#[test]
fn hex_fill_repeats_the_pattern() {
    gush(["bytes", "--fill", "deadbeef", "-s", "10"])
        .assert()
        .success()
        .stdout(&[0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad][..]);
}

#[test]
fn zero_fill_writes_zeros() {
    let out = gush(["bytes", "--fill", "zero", "-s", "5000"])
        .assert()
        .success();
    let bytes = &out.get_output().stdout;
    assert_eq!(bytes.len(), 5000);
    assert!(bytes.iter().all(|&b| b == 0), "non-zero byte in zero fill");
}

fn random(seed: &str, extra: &[&str]) -> Vec<u8> {
    gush(["bytes", "--fill", "random", "-s", "100000", "--seed", seed])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn random_fill_with_a_seed_repeats_across_runs() {
    let first = random("7", &[]);
    assert_eq!(first.len(), 100_000);
    assert!(first == random("7", &[]), "same seed, different bytes");
    // Not trivially constant.
    assert!(first.iter().any(|&b| b != first[0]));
}

#[test]
fn random_fill_does_not_depend_on_chunk_or_hwm() {
    let default = random("7", &[]);
    let small = random("7", &["--chunk", "4KiB", "--hwm", "16KiB"]);
    assert!(
        default == small,
        "--chunk 4KiB --hwm 16KiB changed the bytes of seed 7"
    );
}

#[test]
fn random_fill_differs_between_seeds() {
    assert!(
        random("7", &[]) != random("8", &[]),
        "seeds 7 and 8 gave the same bytes"
    );
}

#[test]
fn random_fill_without_a_seed_reports_one_that_reproduces_it() {
    let first = gush(["bytes", "--fill", "random", "-s", "20000", "--stats=json"])
        .assert()
        .success();
    let stats = stats_from(&first.get_output().stderr);
    let seed = num(&stats, "seed");
    let again = random_with_size(&seed.to_string(), "20000");
    assert!(
        first.get_output().stdout == again,
        "re-running with the reported seed {seed} gave different bytes"
    );
}

fn random_with_size(seed: &str, size: &str) -> Vec<u8> {
    gush(["bytes", "--fill", "random", "-s", size, "--seed", seed])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}
