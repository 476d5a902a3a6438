//! Write generations (issue 18): every stamped block records how many
//! times the run has written it, so a block a pass behind is seen for
//! what it is. Version-1 files, made before generations, still verify.

use std::path::Path;

use serde_json::Value;

use super::stamp::{bad_blocks, patch, scratch};
use crate::common::{gush, num, read, stats_from};

/// A version-1 file made by the code before generations: seed 42, run 3,
/// 16 blocks of 512 bytes.
const VERSION_1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stamped-v1.bin");

fn verify(path: &Path) -> (i32, Value) {
    let out = gush(["verify", "--stats=json"])
        .arg(path)
        .output()
        .expect("gush runs");
    (out.status.code().expect("exits"), stats_from(&out.stderr))
}

/// 1 MiB of 4 KiB stamped blocks with seed 9 and `extra` region flags.
fn region(dir: &Path, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut args = vec!["bytes", "--fill", "stamped", "--seed", "9", "-s", "1MiB"];
    args.extend(["--force", "-q"]);
    args.extend(extra);
    gush(&args).arg("-o").arg(&path).assert().success();
    path
}

/// The generation (bytes 56..62) and walk (62) of each 4 KiB block.
fn generations(path: &Path) -> Vec<(u64, u8)> {
    read(path)
        .chunks(4096)
        .map(|b| {
            let mut g = [0u8; 8];
            g[..6].copy_from_slice(&b[56..62]);
            (u64::from_le_bytes(g), b[62])
        })
        .collect()
}

#[test]
fn a_version_1_file_still_verifies_and_counts_flipped_bits() {
    let dir = scratch();
    let (code, report) = verify(Path::new(VERSION_1));
    assert_eq!(code, 0, "{report}");
    assert_eq!((num(&report, "ok"), num(&report, "seed")), (16, 42));
    let copy = dir.path("v1");
    std::fs::copy(VERSION_1, &copy).expect("copy the fixture");
    let byte = read(&copy)[700];
    patch(&copy, 700, &[byte ^ 0b1000]);
    let (code, report) = verify(&copy);
    assert_eq!(code, 3, "{report}");
    let bad = bad_blocks(&report);
    assert_eq!(bad.len(), 1, "{report}");
    assert_eq!(
        (bad[0]["offset"].as_u64(), bad[0]["flipped_bits"].as_u64()),
        (Some(512), Some(1))
    );
}

#[test]
fn each_pass_stamps_its_generation_and_new_bytes() {
    let dir = scratch();
    let once = region(dir.root(), "once", &["--pattern", "random", "--bs", "4k"]);
    let thrice = region(
        dir.root(),
        "thrice",
        &["--pattern", "random", "--bs", "4k", "--loops", "3"],
    );
    // A first pass says nothing of its walk; the third names the shuffle.
    assert!(generations(&once).iter().all(|&g| g == (1, 0)));
    assert!(
        generations(&thrice).iter().all(|&g| g == (3, 2)),
        "{:?}",
        &generations(&thrice)[..4]
    );
    let (once, thrice) = (read(&once), read(&thrice));
    let alike = once[64..4096]
        .iter()
        .zip(&thrice[64..4096])
        .filter(|(a, b)| a == b)
        .count();
    assert!(alike < 64, "{alike} payload bytes alike across generations");
    let (code, report) = verify(&dir.path("thrice"));
    assert_eq!((code, num(&report, "ok")), (0, 256), "{report}");
    let seq = region(
        dir.root(),
        "seq",
        &["--pattern", "seq", "--bs", "4k", "--loops", "2"],
    );
    assert!(generations(&seq).iter().all(|&g| g == (2, 1)));
}

#[test]
fn a_corrupted_block_of_a_later_pass_counts_its_flipped_bits() {
    let dir = scratch();
    let path = region(
        dir.root(),
        "twice",
        &["--pattern", "random", "--bs", "4k", "--loops", "2"],
    );
    let byte = read(&path)[8192 + 1000];
    patch(&path, 8192 + 1000, &[byte ^ 0b11]);
    let (code, report) = verify(&path);
    assert_eq!(code, 3, "{report}");
    assert_eq!(num(&report, "flipped_bits"), 2, "{report}");
}

/// Copies block `offset` of `from` over the same block of `to`: what a
/// disk that dropped its cache, or a restored older copy, leaves.
fn put_back(from: &Path, to: &Path, offset: usize) {
    let old = read(from)[offset..offset + 4096].to_vec();
    patch(to, offset as u64, &old);
}

#[test]
fn a_block_a_pass_behind_after_every_pass_is_stale() {
    let dir = scratch();
    for pattern in ["random", "seq"] {
        let flags = ["--pattern", pattern, "--bs", "4k", "--loops"];
        let two = region(dir.root(), "two", &[&flags[..], &["2"]].concat());
        let three = region(dir.root(), "three", &[&flags[..], &["3"]].concat());
        assert_eq!(verify(&three).0, 0);
        put_back(&two, &three, 40960);
        let (code, report) = verify(&three);
        assert_eq!(code, 3, "{pattern}: {report}");
        assert_eq!(
            (num(&report, "stale"), num(&report, "ok")),
            (1, 255),
            "{report}"
        );
        assert_eq!(num(&report, "last_generation"), 3, "{report}");
        let bad = &bad_blocks(&report)[0];
        assert_eq!(bad["offset"], 40960, "{report}");
        assert_eq!(
            (bad["generation"].as_u64(), bad["last_generation"].as_u64()),
            (Some(2), Some(3))
        );
    }
}

#[test]
fn a_stopped_pass_is_clean_and_a_block_it_reached_put_back_is_stale() {
    let dir = scratch();
    for pattern in ["random", "seq"] {
        // About one and a half passes of 8 MiB, stopped by the clock.
        let path = dir.path("timed");
        gush([
            "bytes",
            "--fill",
            "stamped",
            "--seed",
            "9",
            "-s",
            "8MiB",
            "--pattern",
            pattern,
        ])
        .args([
            "--bs", "4k", "-t", "1500ms", "--rate", "8MiB", "--force", "-q", "-o",
        ])
        .arg(&path)
        .assert()
        .success();
        let held = generations(&path);
        let reached: Vec<usize> = (0..held.len()).filter(|&i| held[i].0 == 2).collect();
        let behind = held.iter().filter(|g| g.0 == 1).count();
        assert!(
            !reached.is_empty() && behind > 0,
            "{pattern}: not stopped mid-pass 2"
        );
        let (code, report) = verify(&path);
        assert_eq!((code, num(&report, "stale")), (0, 0), "{pattern}: {report}");
        // A block pass 2 had written, back to its first-pass bytes (a
        // one-pass run of the same seed).
        let first = dir.path("first");
        gush([
            "bytes", "--fill", "stamped", "--seed", "9", "-s", "8MiB", "-q", "--force", "-o",
        ])
        .arg(&first)
        .assert()
        .success();
        let victim = reached[reached.len() / 2] * 4096;
        put_back(&first, &path, victim);
        let (code, report) = verify(&path);
        assert_eq!(code, 3, "{pattern}: {report}");
        assert_eq!(num(&report, "stale"), 1, "{pattern}: {report}");
        assert_eq!(bad_blocks(&report)[0]["offset"], victim as u64, "{report}");
    }
}
