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
