//! `--shard k/n`: the shards of a seeded run concatenate to the whole
//! run (with one header), and a shard without a known total, or malformed,
//! is a usage error.

use super::{stdout_of, usage_error};
use crate::common::line_count;

/// Concatenates shards 0..n of the run `args`.
fn shards(args: &[&str], n: u64) -> Vec<Vec<u8>> {
    (0..n)
        .map(|k| {
            let shard = format!("{k}/{n}");
            let mut all = args.to_vec();
            all.extend(["--shard", &shard]);
            stdout_of(&all)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Shards.

#[test]
fn line_shards_concatenate_to_the_whole() {
    let run = [
        "lines",
        "--preset",
        "apache-combined",
        "-n",
        "1000",
        "--seed",
        "9",
    ];
    let whole = stdout_of(&run);
    assert_eq!(line_count(&whole), 1000);
    let parts = shards(&run, 3);
    // Shard k holds records [k·1000/3, (k+1)·1000/3): 333, 333, 334.
    let counts: Vec<u64> = parts.iter().map(|p| line_count(p)).collect();
    assert_eq!(counts, [333, 333, 334]);
    assert!(parts.concat() == whole, "shards 0..3 differ from the whole");
}

#[test]
fn more_shards_than_lines_still_concatenate_to_the_whole() {
    let run = ["lines", "{n} {uuid}", "-n", "2", "--seed", "9"];
    let parts = shards(&run, 3);
    assert!(
        parts.iter().any(|p| p.is_empty()),
        "some shard must be empty"
    );
    assert_eq!(parts.concat(), stdout_of(&run));
}

#[test]
fn record_shards_concatenate_to_the_whole_with_one_header() {
    for format in ["csv", "tsv", "jsonl"] {
        let run = [
            "records", "--preset", "users", "-n", "1000", "--seed", "9", "--format", format,
        ];
        let whole = stdout_of(&run);
        let parts = shards(&run, 3);
        assert!(
            parts.concat() == whole,
            "{format}: shards differ from the whole"
        );
        if format != "jsonl" {
            let header = whole.split(|&b| b == b'\n').next().unwrap().to_vec();
            let headers = whole
                .split(|&b| b == b'\n')
                .filter(|line| *line == &header[..])
                .count();
            assert_eq!(headers, 1, "{format}: the header appears {headers} times");
            for part in &parts[1..] {
                assert!(
                    !part.starts_with(&header),
                    "{format}: a later shard has the header"
                );
            }
        }
        assert_eq!(
            line_count(&whole),
            1000 + u64::from(format != "jsonl"),
            "{format}"
        );
    }
}

/// With more shards than records the shard holding record 0 is not shard
/// 0 (which is empty), and it is the one that carries the header.
#[test]
fn more_record_shards_than_records_still_concatenate_with_one_header() {
    let run = ["records", "--schema", "id={n}", "-n", "2", "--seed", "9"];
    let whole = stdout_of(&run);
    assert_eq!(whole, b"id\n0\n1\n");
    assert_eq!(shards(&run, 3).concat(), whole);
}

#[test]
fn random_byte_shards_concatenate_to_the_whole() {
    // 100 001 bytes: not divisible by 3, nor a multiple of the 4 KiB block.
    let run = ["bytes", "--fill", "random", "-s", "100001", "--seed", "9"];
    let whole = stdout_of(&run);
    assert_eq!(whole.len(), 100_001);
    let parts = shards(&run, 3);
    let lengths: Vec<usize> = parts.iter().map(Vec::len).collect();
    // Shard k holds bytes [k·100001/3, (k+1)·100001/3).
    assert_eq!(lengths, [33_333, 33_334, 33_334]);
    assert!(parts.concat() == whole, "shards 0..3 differ from the whole");
}

#[test]
fn shard_without_a_known_total_is_a_usage_error() {
    for run in [
        &["lines", "--shard", "1/4"][..],
        &["lines", "--shard", "1/4", "-t", "100ms"],
        &["records", "--preset", "users", "--shard", "1/4"],
        &["bytes", "--shard", "1/4"],
        &["bytes", "--shard", "1/4", "-t", "100ms"],
    ] {
        let stderr = usage_error(run);
        assert!(stderr.contains("--shard"), "{run:?}: {stderr}");
    }
}

#[test]
fn malformed_shards_are_usage_errors() {
    for shard in ["4/4", "1/0", "x/2", "1", "-1/2"] {
        let stderr = usage_error(&["lines", "-n", "10", &format!("--shard={shard}")]);
        assert!(stderr.contains(shard), "{shard}: {stderr}");
    }
}
