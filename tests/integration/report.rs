//! The run report: `--stats=json` (one object, its keys, its counts
//! matching the output), `--stats-file`, the human `--stats` summary, and
//! stderr staying silent without `--stats` or with `-q`.

use crate::common::{TestDir, gush, line_count, num, read, stats_from, text};

const KEYS: &[&str] = &[
    "bytes",
    "records",
    "chunks",
    "elapsed_s",
    "bytes_per_s",
    "hwm_bytes",
    "lwm_bytes",
    "chunk_bytes",
    "pauses",
    "drains",
    "paused_s",
    "writer_idle_s",
    "peak_buffered_bytes",
    "mean_buffered_bytes",
    "writes",
    "threads",
    "generator_busy_s",
    "seed",
    "destination",
    "bottleneck",
    "end",
    "write_lat_ns",
    "sync_lat_ns",
];

#[test]
fn json_stats_is_one_object_with_every_key() {
    let out = gush(["lines", "-n", "1000", "-o", "/dev/null", "--stats=json"])
        .assert()
        .success();
    let stats = stats_from(&out.get_output().stderr);
    let object = stats.as_object().expect("an object");
    for key in KEYS {
        assert!(
            object.contains_key(*key),
            "key `{key}` missing from {stats}"
        );
    }
    let mut extra: Vec<&String> = object
        .keys()
        .filter(|k| !KEYS.contains(&k.as_str()))
        .collect();
    extra.sort();
    assert!(extra.is_empty(), "unexpected keys {extra:?} in {stats}");
    assert_eq!(text(&stats, "destination"), "/dev/null");
    assert_eq!(text(&stats, "end"), "complete");
}

#[test]
fn json_stats_counts_match_the_file() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let run = gush(["lines", "-s", "3MB", "--stats=json", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stats = stats_from(&run.get_output().stderr);
    let written = read(&out);
    assert_eq!(
        num(&stats, "bytes"),
        written.len() as u64,
        "bytes vs file size"
    );
    assert_eq!(
        num(&stats, "records"),
        line_count(&written),
        "records vs lines"
    );
}

#[test]
fn stats_file_holds_the_same_json_object() {
    let dir = TestDir::new();
    let stats_path = dir.path("stats.json");
    let run = gush([
        "lines",
        "-n",
        "5000",
        "-o",
        "/dev/null",
        "--stats=json",
        "--stats-file",
    ])
    .arg(&stats_path)
    .assert()
    .success();
    let on_stderr = stats_from(&run.get_output().stderr);
    let in_file = stats_from(&read(&stats_path));
    assert_eq!(in_file, on_stderr);
    assert_eq!(num(&in_file, "records"), 5000);
}

#[test]
fn stats_file_works_without_stats_on_stderr() {
    let dir = TestDir::new();
    let stats_path = dir.path("stats.json");
    gush(["lines", "-n", "10", "-o", "/dev/null", "--stats-file"])
        .arg(&stats_path)
        .assert()
        .success()
        .stderr("");
    let in_file = stats_from(&read(&stats_path));
    assert_eq!(num(&in_file, "records"), 10);
    assert_eq!(num(&in_file, "bytes"), 70);
}

#[test]
fn human_stats_mention_pauses_drains_and_bottleneck() {
    let out = gush(["lines", "-n", "1000", "-o", "/dev/null", "--stats"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for word in ["pauses", "drains", "bottleneck"] {
        assert!(stderr.contains(word), "`{word}` missing from:\n{stderr}");
    }
}

#[test]
fn stderr_is_empty_on_success_without_stats() {
    let dir = TestDir::new();
    gush(["lines", "-n", "1000", "-o"])
        .arg(dir.path("out.txt"))
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn quiet_silences_the_stats() {
    gush(["lines", "-n", "1000", "-o", "/dev/null", "-q", "--stats"])
        .assert()
        .success()
        .stderr("");
    gush([
        "lines",
        "-n",
        "1000",
        "-o",
        "/dev/null",
        "-q",
        "--stats=json",
    ])
    .assert()
    .success()
    .stderr("");
}
