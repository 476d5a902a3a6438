//! Content control for `gush bytes`: `--compress-ratio R` compresses by
//! about R under zstd -3 with the redundancy spread through every block,
//! and `--dedupe PCT` leaves about 100 - PCT % of 4 KiB blocks unique;
//! both reproducible from the seed whatever the chunk.

use std::collections::HashSet;

use crate::common::run;

const SIZE: &str = "16MiB";

fn bytes(flags: &[&str]) -> Vec<u8> {
    let mut args = vec!["bytes", "-s", SIZE, "--seed", "3", "-q"];
    args.extend(flags);
    let (code, out, stderr) = run(&args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    out
}

fn zstd_ratio(data: &[u8]) -> f64 {
    data.len() as f64 / zstd::encode_all(data, 3).expect("zstd").len() as f64
}

#[test]
fn compress_ratio_is_met_by_zstd_level_3_within_ten_percent() {
    for ratio in ["1.5", "2", "4", "8"] {
        let data = bytes(&["--fill", "random", "--compress-ratio", ratio]);
        let want: f64 = ratio.parse().expect("a number");
        let got = zstd_ratio(&data);
        assert!(
            (got / want - 1.0).abs() <= 0.10,
            "--compress-ratio {ratio}: zstd -3 gives {got:.3}"
        );
    }
    let plain = bytes(&["--fill", "random"]);
    assert!(zstd_ratio(&plain) < 1.01);
}

#[test]
fn redundancy_is_spread_through_every_block_not_a_tail_of_zeros() {
    // fio's buffers are random then zeros (fio #463): per 512-byte sector
    // one is incompressible and the next all zero. Here each sector of
    // each block must hold about the same share of distinct bytes.
    let data = bytes(&["--fill", "random", "--compress-ratio", "4"]);
    for block in data.chunks(4096).take(256) {
        for sector in block.chunks(512) {
            let distinct = sector.iter().collect::<HashSet<_>>().len();
            assert!(
                (50..=160).contains(&distinct),
                "a sector with {distinct} distinct bytes"
            );
            assert!(sector.windows(64).all(|w| w.iter().any(|&b| b != 0)));
        }
    }
}

#[test]
fn dedupe_leaves_the_asked_share_of_unique_blocks() {
    for pct in [0.0, 25.0, 50.0, 90.0] {
        let data = bytes(&["--fill", "random", "--dedupe", &pct.to_string()]);
        let blocks: Vec<&[u8]> = data.chunks(4096).collect();
        let unique = blocks.iter().collect::<HashSet<_>>().len() as f64;
        let share = 100.0 * unique / blocks.len() as f64;
        assert!(
            (share - (100.0 - pct)).abs() <= 2.0,
            "--dedupe {pct}: {share:.2} % unique"
        );
    }
}

#[test]
fn shaped_bytes_repeat_with_the_seed_whatever_the_chunk() {
    let flags = [
        "--fill",
        "random",
        "--compress-ratio",
        "2.5",
        "--dedupe",
        "40",
    ];
    let base = bytes(&flags);
    for chunk in ["4KiB", "1000", "1MiB"] {
        let mut with_chunk = flags.to_vec();
        with_chunk.extend(["--chunk", chunk]);
        assert!(bytes(&with_chunk) == base, "--chunk {chunk} differs");
    }
    let stamped = ["--fill", "stamped", "--compress-ratio", "4"];
    let first = bytes(&stamped);
    assert!(bytes(&[&stamped[..], &["--chunk", "8KiB"]].concat()) == first);
    assert!(zstd_ratio(&first) > 3.0);
}
