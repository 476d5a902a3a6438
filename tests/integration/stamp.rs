//! Stamped blocks: `gush bytes --fill stamped` writes them and `gush verify
//! FILE` classifies every block of a file with nothing but the file. Each
//! fault a disk or a fake USB stick makes is made here on a real file and
//! must be found, classified and placed at its offset.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{TestDir, gush, num, read, run, stats_from};

pub(crate) const BLOCK: u64 = 4096;
pub(crate) const TOTAL: u64 = 1 << 20;

/// A temp dir on the real filesystem under cargo's target dir.
pub(crate) fn scratch() -> TestDir {
    TestDir::new()
}

/// Writes TOTAL bytes of stamped blocks of `block` bytes with `extra`
/// flags, with seed 7 unless they name another.
pub(crate) fn stamped(dir: &Path, name: &str, block: u64, extra: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let block = block.to_string();
    let total = TOTAL.to_string();
    let mut args = vec!["bytes", "--fill", "stamped", "-s", &total];
    if !extra.contains(&"--seed") {
        args.extend(["--seed", "7"]);
    }
    args.extend(["--block", &block, "--force", "-q"]);
    args.extend(extra);
    gush(&args)
        .arg("-o")
        .arg(&path)
        .assert()
        .success()
        .stderr("");
    path
}

/// `gush verify --stats=json FILE`: the exit code and the report.
fn verify(path: &Path) -> (i32, Value) {
    let out = gush(["verify", "--stats=json"])
        .arg(path)
        .output()
        .expect("gush runs");
    (out.status.code().expect("exits"), stats_from(&out.stderr))
}

pub(crate) fn bad_blocks(report: &Value) -> Vec<Value> {
    report["bad_blocks"].as_array().expect("a list").clone()
}

pub(crate) fn patch(path: &Path, offset: u64, bytes: &[u8]) {
    let mut data = read(path);
    data[offset as usize..offset as usize + bytes.len()].copy_from_slice(bytes);
    std::fs::write(path, data).expect("patch the file");
}

#[test]
fn a_clean_stamped_file_verifies_ok_with_512_and_4k_blocks() {
    let dir = scratch();
    for block in [512, 4096] {
        let path = stamped(dir.root(), &format!("clean{block}"), block, &[]);
        assert_eq!(read(&path).len() as u64, TOTAL);
        let (code, report) = verify(&path);
        assert_eq!(code, 0, "{report}");
        assert_eq!(num(&report, "ok"), TOTAL / block);
        assert_eq!(num(&report, "block_bytes"), block);
        assert_eq!(num(&report, "seed"), 7);
        assert!(bad_blocks(&report).is_empty());
    }
}

#[test]
fn the_human_report_counts_and_places_bad_blocks() {
    let dir = scratch();
    let path = stamped(dir.root(), "human", BLOCK, &[]);
    patch(&path, 3 * BLOCK + 100, &[0xff; 1]);
    let (code, _, stderr) = run(&["verify", path.to_str().expect("utf-8")]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("1 of 256 blocks bad"), "{stderr}");
    assert!(stderr.contains("corrupted  at byte 12288"), "{stderr}");
}

#[test]
fn a_flipped_byte_is_corrupted_at_its_block() {
    let dir = scratch();
    let path = stamped(dir.root(), "byte", BLOCK, &[]);
    let original = read(&path)[(5 * BLOCK + 1234) as usize];
    patch(&path, 5 * BLOCK + 1234, &[!original]);
    let (code, report) = verify(&path);
    assert_eq!(code, 3);
    assert_eq!(num(&report, "corrupted"), 1);
    assert_eq!(num(&report, "flipped_bits"), 8);
    let bad = bad_blocks(&report);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["offset"], 5 * BLOCK);
    assert_eq!(bad[0]["class"], "corrupted");
}

#[test]
fn a_single_flipped_bit_counts_as_one_bit() {
    let dir = scratch();
    for (block, at) in [(512, 700 * 512 + 40), (4096, 9 * 4096 + 3)] {
        let path = stamped(dir.root(), &format!("bit{block}"), block, &[]);
        let original = read(&path)[at as usize];
        patch(&path, at, &[original ^ 0x20]);
        let (code, report) = verify(&path);
        assert_eq!(code, 3);
        let bad = bad_blocks(&report);
        assert_eq!(bad.len(), 1, "{report}");
        assert_eq!(bad[0]["offset"], at - at % block);
        assert_eq!(bad[0]["flipped_bits"], 1);
    }
}

#[test]
fn two_swapped_blocks_are_misplaced_naming_both_offsets() {
    let dir = scratch();
    let path = stamped(dir.root(), "swap", BLOCK, &[]);
    let mut data = read(&path);
    let (a, b) = (10 * BLOCK as usize, 200 * BLOCK as usize);
    let first = data[a..a + BLOCK as usize].to_vec();
    data.copy_within(b..b + BLOCK as usize, a);
    data[b..b + BLOCK as usize].copy_from_slice(&first);
    std::fs::write(&path, data).expect("swap");
    let (code, report) = verify(&path);
    assert_eq!(code, 3);
    assert_eq!(num(&report, "misplaced"), 2);
    let bad = bad_blocks(&report);
    assert_eq!(bad[0]["offset"], a as u64);
    assert_eq!(bad[0]["belongs_at"], b as u64);
    assert_eq!(bad[1]["offset"], b as u64);
    assert_eq!(bad[1]["belongs_at"], a as u64);
}

#[test]
fn a_zeroed_block_is_named() {
    let dir = scratch();
    let path = stamped(dir.root(), "zero", BLOCK, &[]);
    patch(&path, 77 * BLOCK, &[0; BLOCK as usize]);
    let (code, report) = verify(&path);
    assert_eq!(code, 3);
    assert_eq!(num(&report, "zeroed"), 1);
    assert_eq!(bad_blocks(&report)[0]["offset"], 77 * BLOCK);
}

#[test]
fn a_truncated_file_has_missing_blocks() {
    let dir = scratch();
    let path = stamped(dir.root(), "short", BLOCK, &[]);
    // Cut inside block 100: it and everything after is missing.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(100 * BLOCK + 10).expect("truncate");
    let (code, report) = verify(&path);
    assert_eq!(code, 3);
    assert_eq!(num(&report, "ok"), 100);
    assert_eq!(num(&report, "missing"), 256 - 100);
    let bad = bad_blocks(&report);
    assert_eq!(bad[0]["class"], "missing");
    assert_eq!(bad[0]["offset"], 100 * BLOCK);
}

#[test]
fn junk_appended_is_reported_as_extra_bytes() {
    let dir = scratch();
    let path = stamped(dir.root(), "long", BLOCK, &[]);
    let mut data = read(&path);
    data.extend_from_slice(b"junk after the end");
    std::fs::write(&path, data).expect("append");
    let (code, report) = verify(&path);
    assert_eq!(code, 3);
    assert_eq!(num(&report, "ok"), 256);
    assert_eq!(num(&report, "extra_bytes"), 18);
}

#[test]
fn a_block_from_another_seed_or_run_is_stale() {
    let dir = scratch();
    let path = stamped(dir.root(), "mine", BLOCK, &[]);
    let other_seed = stamped(dir.root(), "seed8", BLOCK, &["--seed", "8"]);
    let other_run = stamped(dir.root(), "run2", BLOCK, &["--run-id", "2"]);
    let at = 30 * BLOCK as usize;
    patch(
        &path,
        at as u64,
        &read(&other_seed)[at..at + BLOCK as usize],
    );
    let at2 = 31 * BLOCK as usize;
    patch(
        &path,
        at2 as u64,
        &read(&other_run)[at2..at2 + BLOCK as usize],
    );
    let (code, report) = verify(&path);
    assert_eq!(code, 3);
    assert_eq!(num(&report, "stale"), 2);
    let bad = bad_blocks(&report);
    assert_eq!(
        (bad[0]["offset"].clone(), bad[0]["seed"].clone()),
        (at.into(), 8.into())
    );
    assert_eq!(
        (bad[1]["offset"].clone(), bad[1]["run_id"].clone()),
        (at2.into(), 2.into())
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_for_any_chunk_and_hwm() {
    let dir = scratch();
    let base = read(&stamped(dir.root(), "base", 512, &[]));
    for (name, flags) in [
        ("chunk4k", ["--chunk", "4KiB", "--hwm", "8KiB"]),
        ("chunk1m", ["--chunk", "1MiB", "--hwm", "3MiB"]),
        ("chunk12k", ["--chunk", "12KiB", "--hwm", "100KiB"]),
    ] {
        assert!(
            read(&stamped(dir.root(), name, 512, &flags)) == base,
            "{name} differs"
        );
    }
    let other = read(&stamped(dir.root(), "seed9", 512, &["--seed", "9"]));
    assert!(other != base);
}

#[test]
fn a_file_with_no_intact_block_exits_3() {
    let dir = scratch();
    let path = dir.path("plain");
    std::fs::write(&path, vec![0x5a; 64 * 1024]).expect("write");
    let (code, _, stderr) = run(&["verify", path.to_str().expect("utf-8")]);
    assert_eq!(code, 3);
    assert!(stderr.contains("no intact stamped block"), "{stderr}");
}

#[test]
fn stamped_flags_are_checked_before_writing() {
    let dir = scratch();
    let out = dir.path("never");
    let out = out.to_str().expect("utf-8");
    for (args, says) in [
        (vec!["--fill", "stamped"], "needs --size"),
        (
            vec!["--fill", "stamped", "-s", "1MiB", "--block", "3000"],
            "power of two",
        ),
        (
            vec![
                "--fill", "stamped", "-s", "1MiB", "--block", "64KiB", "--chunk", "32KiB",
            ],
            "--chunk",
        ),
        (
            vec!["--fill", "stamped", "-s", "1000000"],
            "multiple of --block",
        ),
        (
            vec!["--fill", "zero", "--block", "4KiB", "-s", "1MiB"],
            "--fill stamped",
        ),
        (
            vec!["--fill", "stamped", "-s", "1MiB", "--dedupe", "10"],
            "--fill random",
        ),
    ] {
        let mut all = vec!["bytes"];
        all.extend(args);
        all.extend(["-o", out]);
        let (code, _, stderr) = run(&all);
        assert_eq!(code, 2, "{all:?}: {stderr}");
        assert!(stderr.contains(says), "{all:?}: {stderr}");
    }
    assert!(!Path::new(out).exists());
}
