//! Regions (`--pattern`, `--bs`, `--bssplit`, `--distribution`, `--loops`,
//! `-t` passes): one random pass leaves the file byte-identical to the
//! sequential run with the same seed, every block is written exactly once
//! per pass (counted from the `pwrite64` calls strace sees), a skewed run
//! reports its coverage and keeps fio's zoned split, and an interrupted run
//! reports exactly the blocks that are on disk.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{TestDir, blocks_written_else_holes, bytes_of, size_of, stats_file, write_json};
use crate::common::{gush, gush_std, num, output_bounded, read, signal_and_wait, text};

/// Region sizes in 4 KiB blocks: one, a prime, a power of two and not.
const BLOCKS: [u64; 4] = [1, 37, 256, 1000];

#[test]
fn a_random_pass_leaves_the_sequential_file() {
    let dir = TestDir::new();
    for blocks in BLOCKS {
        let size = (blocks * 4096).to_string();
        for fill in ["random", "stamped"] {
            let base = ["bytes", "--fill", fill, "--seed", "11", "-s", &size];
            let reference = bytes_of(&base, &dir.path("seq"));
            for depth in ["1", "16"] {
                let out = dir.path("random");
                let _ = std::fs::remove_file(&out);
                let mut args = base.to_vec();
                args.extend(["--pattern", "random", "--bs", "4k", "--queue-depth", depth]);
                let stats = write_json(&args, &out);
                assert!(
                    read(&out) == reference,
                    "{blocks} blocks, --fill {fill}, depth {depth}: not the sequential bytes"
                );
                assert_eq!(num(&stats, "bytes"), blocks * 4096, "{stats}");
                assert_eq!(stats["passes"], 1.0, "{stats}");
                assert_eq!(stats["coverage_pct"], 100.0, "{stats}");
                assert!(text(&stats, "region").starts_with("random"), "{stats}");
            }
        }
    }
}

/// The offsets of every `pwrite64` a run made, or `None` (with a note on
/// stderr) where strace cannot run here.
pub(super) fn traced_offsets(args: &[&str], out: &Path, dir: &TestDir) -> Option<Vec<(u64, u64)>> {
    let trace = dir.path("trace");
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=pwrite64", "-o"])
        .arg(&trace)
        .arg(crate::common::bin())
        .args(args)
        .arg("-o")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let Ok(child) = cmd.spawn() else {
        eprintln!("note: strace is not here; the exactly-once check did not run");
        return None;
    };
    let output = output_bounded(child);
    if !output.status.success() || !trace.exists() {
        eprintln!(
            "note: strace could not trace gush here ({}); the exactly-once check did not run",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return None;
    }
    let text = std::fs::read_to_string(&trace).expect("read the trace");
    // `pwrite64(3, "..."..., 4096, 36864) = 4096`, or cut in two where
    // threads interleave (`... 36864 <unfinished ...>`): length and offset
    // are the last two arguments.
    let writes = text
        .lines()
        .filter_map(|line| {
            let rest = &line[line.find("pwrite64(")? + "pwrite64(".len()..];
            let args = match rest.find(" <unfinished") {
                Some(end) => &rest[..end],
                None => rest.rsplit_once(") =")?.0,
            };
            let mut fields = args.rsplitn(3, ", ");
            let offset = fields.next()?.trim().parse().ok()?;
            let len = fields.next()?.trim().parse().ok()?;
            Some((offset, len))
        })
        .collect();
    Some(writes)
}

#[test]
fn each_block_is_written_exactly_once_per_pass() {
    let dir = TestDir::new();
    for blocks in [37, 1000] {
        let size = (blocks * 4096).to_string();
        // Threads, not io_uring: strace sees their pwrite64 calls.
        for (depth, engine, loops) in [
            ("1", "sync", "1"),
            ("16", "threads", "1"),
            ("16", "threads", "3"),
        ] {
            let out = dir.path("out");
            let _ = std::fs::remove_file(&out);
            let args = [
                "bytes",
                "--seed",
                "3",
                "-s",
                &size,
                "--pattern",
                "random",
                "--bs",
                "4k",
                "--queue-depth",
                depth,
                "--engine",
                engine,
                "--loops",
                loops,
                "--quiet",
            ];
            let Some(writes) = traced_offsets(&args, &out, &dir) else {
                return;
            };
            let loops: u64 = loops.parse().unwrap();
            assert_eq!(
                writes.len() as u64,
                blocks * loops,
                "depth {depth}: {writes:?}"
            );
            let mut hits = vec![0u64; blocks as usize];
            for (offset, len) in &writes {
                assert_eq!((*len, offset % 4096), (4096, 0), "{offset}");
                hits[(offset / 4096) as usize] += 1;
            }
            assert!(hits.iter().all(|&n| n == loops), "depth {depth}: {hits:?}");
            // Random, not sequential, and each pass in its own order.
            let first: Vec<u64> = writes[..blocks as usize].iter().map(|w| w.0).collect();
            let mut sorted = first.clone();
            sorted.sort_unstable();
            assert_ne!(first, sorted, "depth {depth}: the pass went in order");
            if loops > 1 {
                let second: Vec<u64> = writes[blocks as usize..2 * blocks as usize]
                    .iter()
                    .map(|w| w.0)
                    .collect();
                assert_ne!(first, second, "two passes in one order");
            }
        }
    }
}

#[test]
fn the_zoned_split_holds_and_coverage_is_reported() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let args = [
        "bytes",
        "--seed",
        "4",
        "-s",
        "4MiB",
        "--distribution",
        "zoned:60/10:30/20:10/70",
        "--bs",
        "4k",
        "--loops",
        "4",
        "--engine",
        "sync",
        "--quiet",
    ];
    let Some(writes) = traced_offsets(&args, &out, &dir) else {
        return;
    };
    let total = writes.len() as f64;
    assert_eq!(writes.len(), 4 * 1024, "four regions' worth of writes");
    let region = 4u64 << 20;
    let share = |from: u64, to: u64| {
        100.0 * writes.iter().filter(|w| w.0 >= from && w.0 < to).count() as f64 / total
    };
    let first = share(0, region / 10);
    let second = share(region / 10, region * 3 / 10);
    assert!((first - 60.0).abs() < 4.0, "first zone took {first:.1} %");
    assert!(
        (second - 30.0).abs() < 4.0,
        "second zone took {second:.1} %"
    );

    let _ = std::fs::remove_file(&out);
    let stats = write_json(&args[..args.len() - 1], &out);
    let coverage = stats["coverage_pct"].as_f64().expect("coverage in JSON");
    let distinct = {
        let mut offsets: Vec<u64> = writes.iter().map(|w| w.0).collect();
        offsets.sort_unstable();
        offsets.dedup();
        offsets.len()
    };
    let traced = 100.0 * distinct as f64 / 1024.0;
    assert!(
        (coverage - traced).abs() < 0.01,
        "reported {coverage}, traced {traced}"
    );
    assert!(coverage < 100.0, "{stats}");
    let human = gush(&args[..args.len() - 1])
        .args(["--stats", "--force", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&human.get_output().stderr).into_owned();
    assert!(stderr.contains("% of blocks written"), "{stderr}");
    assert!(stderr.contains("passes: 4.00"), "{stderr}");
}

#[test]
fn a_time_based_run_writes_pass_after_pass_and_names_them() {
    let dir = TestDir::new();
    let base = ["bytes", "--fill", "random", "--seed", "8", "-s", "256KiB"];
    let reference = bytes_of(&base, &dir.path("seq"));
    let out = dir.path("out");
    let mut args = base.to_vec();
    args.extend([
        "--pattern",
        "random",
        "--bs",
        "4k",
        "-t",
        "1s",
        "--queue-depth",
        "4",
    ]);
    let stats = write_json(&args, &out);
    let passes = stats["passes"].as_f64().expect("passes in JSON");
    assert!(passes > 2.0, "{stats}");
    assert_eq!(num(&stats, "bytes") % 4096, 0, "{stats}");
    assert!(
        read(&out) == reference,
        "every pass writes the same bytes at each offset"
    );

    let out = dir.path("loops");
    let mut args = base.to_vec();
    args.extend(["--pattern", "seq", "--bs", "16k", "--loops", "3"]);
    let stats = write_json(&args, &out);
    assert_eq!(num(&stats, "bytes"), 3 * 256 * 1024, "{stats}");
    assert_eq!(stats["passes"], 3.0, "{stats}");
    assert!(read(&out) == reference);
}

#[test]
fn a_region_with_an_offset_writes_only_there_and_in_place() {
    let dir = TestDir::new();
    let out = dir.file("out", &vec![0xaa; 64 * 1024]);
    let stats = write_json(
        &[
            "bytes",
            "--fill",
            "random",
            "--seed",
            "2",
            "-s",
            "16KiB",
            "--offset",
            "32k",
            "--pattern",
            "random",
            "--bs",
            "4k",
            "--force",
        ],
        &out,
    );
    assert_eq!(num(&stats, "bytes"), 16 * 1024, "{stats}");
    let data = read(&out);
    assert_eq!(data.len(), 64 * 1024, "--force writes a region in place");
    assert!(data[..32 * 1024].iter().all(|&b| b == 0xaa));
    assert!(data[48 * 1024..].iter().all(|&b| b == 0xaa));
    let whole = bytes_of(
        &["bytes", "--fill", "random", "--seed", "2", "-s", "48KiB"],
        &dir.path("seq"),
    );
    assert!(
        data[32 * 1024..48 * 1024] == whole[32 * 1024..],
        "the bytes made for those offsets"
    );
}

#[test]
fn ctrl_c_keeps_exactly_the_blocks_reported() {
    // Depth 1 makes each write's bytes on the writer's thread, depth 16
    // (on a machine with a CPU to spare) on a generator thread.
    for depth in ["1", "16"] {
        ctrl_c_keeps_exactly_the_blocks_reported_at(depth);
    }
}

fn ctrl_c_keeps_exactly_the_blocks_reported_at(depth: &str) {
    let dir = TestDir::new();
    let reference = bytes_of(
        &["bytes", "--fill", "random", "--seed", "6", "-s", "8MiB"],
        &dir.path("seq"),
    );
    let out = dir.path("out");
    let mut cmd = gush_std([
        "bytes",
        "--fill",
        "random",
        "--seed",
        "6",
        "-s",
        "8MiB",
        "--pattern",
        "random",
        "--bs",
        "4k",
        "--queue-depth",
        depth,
        "--direct",
        "--sink-delay",
        "1ms",
        "-t",
        "30s",
        "--stats-file",
    ]);
    cmd.arg(dir.path("stats.json"))
        .arg("-o")
        .arg(&out)
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("spawn gush");
    // Wait until some blocks are on disk, with a bound.
    let started = Instant::now();
    while std::fs::metadata(&out).map_or(0, |m| m.len()) < 64 * 1024 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "depth {depth}: nothing written in 10 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let (output, _) = signal_and_wait(child, libc::SIGINT);
    assert_eq!(
        output.status.code(),
        Some(130),
        "depth {depth}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stats = stats_file(&dir.path("stats.json"));
    let data = read(&out);
    let written = blocks_written_else_holes(&data, &reference);
    assert_eq!(
        num(&stats, "bytes"),
        written * 4096,
        "depth {depth}: {stats}"
    );
    assert_eq!(num(&stats, "writes"), written, "depth {depth}: {stats}");
    assert!(size_of(&out) <= 8 << 20);
}

#[test]
fn a_depth_one_run_makes_each_write_as_it_goes_and_says_who_waited() {
    // One write at a time, made on the writer's thread just before it is
    // submitted: nothing waits in the buffer but the write in flight, the
    // generator never pauses at the hwm, and a destination slowed down
    // (1 ms per write) is named the bottleneck, with the writer idle only
    // while it made bytes.
    let dir = TestDir::new();
    let out = dir.path("out");
    let args = [
        "bytes",
        "--fill",
        "random",
        "-s",
        "1MiB",
        "--pattern",
        "random",
        "--bs",
        "4k",
        "--hwm",
        "64KiB",
        "--sink-delay",
        "1ms",
    ];
    let stats = write_json(&args, &out);
    assert_eq!(num(&stats, "writes"), 256, "{stats}");
    assert_eq!(num(&stats, "peak_buffered_bytes"), 4096, "{stats}");
    assert_eq!(
        (num(&stats, "pauses"), num(&stats, "drains")),
        (0, 0),
        "{stats}"
    );
    assert_eq!(text(&stats, "bottleneck"), "destination", "{stats}");
    let elapsed = stats["elapsed_s"].as_f64().expect("elapsed_s");
    let idle = stats["writer_idle_s"].as_f64().expect("writer_idle_s");
    let busy = stats["generator_busy_s"][0]
        .as_f64()
        .expect("generator_busy_s");
    assert!(elapsed >= 0.256, "256 writes of 1 ms in {elapsed} s");
    assert!(idle < elapsed / 4.0, "idle {idle} s of {elapsed} s");
    assert_eq!(idle, busy, "the writer idles while it makes bytes: {stats}");
    assert_eq!(size_of(&out), 1 << 20);
}

/// Runs `gush bytes` with `args`; asserts exit 2 and that stderr names
/// each of `words`.
fn refused(args: &[&str], words: &[&str]) {
    let run = gush(["bytes"]).args(args).assert().code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    for word in words {
        assert!(stderr.contains(word), "{args:?}: no `{word}` in {stderr}");
    }
}

#[test]
fn region_flags_that_cannot_hold_are_refused() {
    let dir = TestDir::new();
    let out = dir.path("out");
    let out = out.to_str().unwrap();
    let region = ["-s", "1MiB", "-o", out];
    let with = |extra: &[&'static str]| [extra, &region[..]].concat();
    refused(
        &with(&["--pattern", "random", "--bs", "3000", "--direct"]),
        &["3000", "alignment"],
    );
    refused(
        &with(&[
            "--pattern",
            "random",
            "--bs",
            "4k",
            "--fill",
            "stamped",
            "--block",
            "8KiB",
        ]),
        &["4096", "--block"],
    );
    refused(
        &with(&["--pattern", "seq", "--distribution", "zipf:1.2"]),
        &["--distribution", "random"],
    );
    refused(
        &with(&["--bssplit", "4k/60:64k/30"]),
        &["4k/60:64k/30", "100"],
    );
    refused(
        &with(&["--distribution", "zoned:60/10:30/20"]),
        &["zoned:60/10:30/20", "100"],
    );
    refused(&with(&["--distribution", "zipf:x"]), &["zipf:x"]);
    refused(&with(&["--pattern", "random", "--bs", "1m"]), &["--chunk"]);
    refused(
        &with(&["--pattern", "random", "--loops", "0"]),
        &["--loops 0"],
    );
    refused(
        &[
            "--pattern",
            "random",
            "-s",
            "10000",
            "--bs",
            "4k",
            "-o",
            out,
        ],
        &["10000", "4096"],
    );
    refused(
        &["--pattern", "random", "-o", out],
        &["--pattern", "--size"],
    );
    refused(
        &["--pattern", "random", "-s", "1MiB"],
        &["--pattern", "regular file"],
    );
    refused(&with(&["--pattern", "random", "--verify"]), &["--verify"]);
    assert!(!Path::new(out).exists(), "a refused run created its output");
}
