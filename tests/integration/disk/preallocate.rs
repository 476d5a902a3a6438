//! Preallocation as fio does it by default: a new file with a known size
//! is reserved (`native`) before the first write, `--preallocate
//! none|native|keep` chooses, the summary says what was done, and a
//! filesystem that cannot preallocate gets one warning line on stderr,
//! never text inside the JSON.

use std::os::unix::fs::MetadataExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{TestDir, size_of, stats_file, write_json};
use crate::common::{gush, gush_std, output_bounded, wait_for_file};

const MIB: u64 = 1 << 20;

#[test]
fn a_new_file_with_a_size_is_preallocated_natively_by_default() {
    let dir = TestDir::new();
    let out = dir.path("out");
    // Slow enough to look at the file while it is being written.
    let mut child = gush_std([
        "bytes",
        "-s",
        "64MiB",
        "-t",
        "1500ms",
        "--sink-rate",
        "8MiB/s",
    ])
    .args(["--stats-file"])
    .arg(dir.path("stats.json"))
    .arg("-o")
    .arg(&out)
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn gush");
    wait_for_file(&out, &mut child);
    // fallocate follows the open: the full size shows within moments.
    let started = Instant::now();
    while size_of(&out) != 64 * MIB {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "never grown to 64 MiB: {}",
            size_of(&out)
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let run = output_bounded(child);
    assert_eq!(run.status.code(), Some(0));
    let stats = stats_file(&dir.path("stats.json"));
    assert_eq!(stats["preallocate"], "native", "{stats}");
    assert_eq!(stats["preallocate_asked"], "native", "{stats}");
    assert_eq!(stats["preallocated_bytes"], 64 * MIB, "{stats}");
    // Ended short by -t: cut back to what was written.
    assert_eq!(Some(size_of(&out)), stats["bytes"].as_u64(), "{stats}");
}

#[test]
fn the_summary_names_the_preallocation_and_its_unwritten_blocks() {
    let dir = TestDir::new();
    let run = gush(["bytes", "-s", "4MiB", "--stats", "-o"])
        .arg(dir.path("out"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let disk = stderr.lines().find(|l| l.contains("disk:")).unwrap();
    assert!(disk.contains("preallocated 4 MiB (native)"), "{disk}");
    assert!(
        disk.contains("unwritten") && disk.contains("first pass"),
        "{disk}"
    );

    let run = gush(["bytes", "-s", "4MiB", "--preallocate", "none", "--stats"])
        .arg("-o")
        .arg(dir.path("other"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("not preallocated"), "{stderr}");
}

#[test]
fn preallocate_none_appending_and_sizeless_runs_reserve_nothing() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let stats = write_json(&["bytes", "-s", "1MiB", "--preallocate", "none"], &out);
    assert_eq!(stats["preallocate"], "none", "{stats}");
    assert_eq!(stats["preallocate_asked"], "none", "{stats}");
    // Appending to a file keeps it as it is: the default is for new files.
    let stats = write_json(&["bytes", "-s", "1MiB", "--append"], &out);
    assert_eq!(stats["preallocate_asked"], "none", "{stats}");
    assert_eq!(size_of(&out), 2 * MIB);
    // No --size, no known size to reserve.
    let stats = write_json(&["lines", "-n", "1000"], &dir.path("lines"));
    assert_eq!(stats["preallocate_asked"], "none", "{stats}");
}

#[test]
fn bare_preallocate_still_means_native_and_keep_does_not_grow_the_file() {
    let dir = TestDir::new();
    let stats = write_json(&["bytes", "-s", "1MiB", "--preallocate"], &dir.path("a"));
    assert_eq!(stats["preallocate"], "native", "{stats}");

    let out = dir.path("b");
    let stats = write_json(
        &[
            "bytes",
            "-s",
            "32MiB",
            "-t",
            "300ms",
            "--sink-rate",
            "8MiB/s",
            "--preallocate",
            "keep",
        ],
        &out,
    );
    assert_eq!(stats["preallocate"], "keep", "{stats}");
    // KEEP_SIZE: the size is what was written, the blocks reserved past it.
    let written = stats["bytes"].as_u64().unwrap();
    assert!(written < 32 * MIB, "{stats}");
    let meta = std::fs::metadata(&out).unwrap();
    assert_eq!(meta.len(), written);
    assert!(meta.blocks() * 512 >= 32 * MIB, "{} blocks", meta.blocks());
}

#[test]
fn a_refused_preallocation_warns_on_a_line_of_its_own_and_the_json_still_parses() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let stats_path = dir.path("stats.json");
    // No filesystem here reserves 100 TiB (ext4 stops at 16 TiB, tmpfs at
    // its memory): fallocate fails, as on one that cannot preallocate.
    let run = gush([
        "bytes",
        "-s",
        "100TiB",
        "-t",
        "300ms",
        "--sink-rate",
        "8MiB/s",
        "--stats=json",
        "--stats-file",
    ])
    .arg(&stats_path)
    .arg("-o")
    .arg(&out)
    .assert()
    .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("gush: warning: cannot preallocate ")
            && lines[0].ends_with("writing without it"),
        "{stderr}"
    );
    let on_stderr: serde_json::Value = serde_json::from_str(lines[1]).expect("the JSON line");
    let in_file = stats_file(&stats_path);
    assert_eq!(in_file, on_stderr);
    assert_eq!(in_file["preallocate"], "none", "{in_file}");
    assert_eq!(in_file["preallocate_asked"], "native", "{in_file}");
    assert_eq!(Some(size_of(&out)), in_file["bytes"].as_u64());
}

#[test]
fn a_region_over_an_existing_sparse_file_is_written_in_place_without_a_reservation() {
    // A region under --force writes an existing file in place (fio's
    // overwrite), so the default reservation, for a file that starts
    // empty, is not made: over a large sparse file it claimed the whole
    // region at once and could fill the disk.
    let dir = TestDir::new();
    let out = dir.path("sparse");
    let file = std::fs::File::create(&out).unwrap();
    file.set_len(4 << 30).unwrap();
    let stats = write_json(
        &[
            "bytes",
            "--fill",
            "random",
            "-s",
            "4GiB",
            "--pattern",
            "random",
            "--bs",
            "4k",
            "-t",
            "200ms",
            "--force",
        ],
        &out,
    );
    assert_eq!(stats["preallocate"], "none", "{stats}");
    assert_eq!(stats["preallocate_asked"], "none", "{stats}");
    let meta = std::fs::metadata(&out).unwrap();
    assert_eq!(meta.len(), 4 << 30, "the file keeps its size");
    let written = stats["bytes"].as_u64().unwrap();
    // The blocks on disk are those written, not the whole region (ext4
    // may round each write's extent up a little).
    assert!(
        meta.blocks() * 512 <= written + 64 * MIB,
        "{} bytes allocated for {written} written",
        meta.blocks() * 512
    );
    // Asked for, a reservation is still made, up to the region's end.
    let stats = write_json(
        &[
            "bytes",
            "--fill",
            "random",
            "-s",
            "64MiB",
            "--pattern",
            "random",
            "--bs",
            "4k",
            "--loops",
            "1",
            "--force",
            "--preallocate",
            "native",
        ],
        &out,
    );
    assert_eq!(stats["preallocate"], "native", "{stats}");
}
