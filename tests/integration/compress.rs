//! Compression on the fly (`--compress`, or a `.zst`/`.gz` ending): the
//! file decompresses, with the crates' decoders and with the `zstd` and
//! `gzip` tools where the machine has them, to exactly the uncompressed
//! output of the same seed; gzip is several members read whole; bad
//! values are usage errors; `--verify` decompresses and finds a changed
//! or damaged file (exit 3); a file cut short by a failed write is
//! removed and named.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{TestDir, final_stats, gush, gush_std, num, read, run, text};

/// The plain CSV that every compressed file here must decompress to.
fn plain_users(dir: &TestDir, count: &str) -> Vec<u8> {
    let out = dir.path("plain.csv");
    let (code, _, stderr) = run(&[
        "records",
        "--preset",
        "users",
        "-n",
        count,
        "--seed",
        "7",
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    read(&out)
}

/// Writes users to `name` in `dir` with `extra` flags; the JSON summary.
fn write_users(dir: &TestDir, name: &str, count: &str, extra: &[&str]) -> serde_json::Value {
    let out = dir.path(name);
    let mut args = vec![
        "records",
        "--preset",
        "users",
        "-n",
        count,
        "--seed",
        "7",
        "--stats=json",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    final_stats(&stderr)
}

fn zstd_decoded(data: &[u8]) -> Vec<u8> {
    zstd::stream::decode_all(data).expect("a valid zstd stream")
}

fn gzip_decoded(data: &[u8]) -> Vec<u8> {
    let mut all = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut all)
        .expect("a valid gzip stream");
    all
}

/// What `tool -dc` makes of `data`, or None where the tool is missing
/// (only that check is skipped, and says so).
fn tool_decoded(tool: &str, data: &[u8]) -> Option<Vec<u8>> {
    let child = Command::new(tool)
        .args(["-dc"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("{tool} is not installed here: its check is skipped");
        return None;
    };
    let mut stdin = child.stdin.take().expect("stdin");
    let data = data.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&data));
    let out = crate::common::output_bounded(child);
    feeder.join().expect("feeder").expect("fed the tool");
    assert!(
        out.status.success(),
        "{tool} -d failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

#[test]
fn zstd_file_decompresses_to_the_plain_output() {
    let dir = TestDir::new();
    let plain = plain_users(&dir, "50k");
    let stats = write_users(&dir, "users.csv", "50k", &["--compress", "zstd:5"]);
    let file = read(&dir.path("users.csv"));
    assert_eq!(&file[..4], b"\x28\xb5\x2f\xfd", "not a zstd frame");
    assert!(zstd_decoded(&file) == plain, "zstd content differs");
    if let Some(tool) = tool_decoded("zstd", &file) {
        assert!(tool == plain, "zstd -d gives other bytes");
    }
    assert_eq!(text(&stats, "compression"), "zstd:5");
    assert_eq!(num(&stats, "bytes"), plain.len() as u64, "bytes are raw");
    assert_eq!(num(&stats, "raw_bytes"), plain.len() as u64);
    assert_eq!(num(&stats, "compressed_bytes"), file.len() as u64);
    let ratio = stats["compression_ratio"].as_f64().expect("a ratio");
    let expected = plain.len() as f64 / file.len() as f64;
    assert!((ratio - expected).abs() < 1e-6, "{ratio} vs {expected}");
}

#[test]
fn gzip_file_is_several_members_read_whole() {
    let dir = TestDir::new();
    // About 4.5 MB: several 1 MiB members.
    let plain = plain_users(&dir, "50k");
    let stats = write_users(&dir, "users.csv", "50k", &["--compress", "gzip:1"]);
    let file = read(&dir.path("users.csv"));
    assert_eq!(&file[..2], b"\x1f\x8b", "not gzip");
    assert!(gzip_decoded(&file) == plain, "gzip content differs");
    // A single-member decoder stops after the first member: the stream is
    // made of several, which `gzip -d` must read one after another.
    let mut first = Vec::new();
    flate2::read::GzDecoder::new(&file[..])
        .read_to_end(&mut first)
        .expect("the first member");
    assert!(
        !first.is_empty() && first.len() < plain.len(),
        "one member of {} bytes holds all {} bytes",
        first.len(),
        plain.len()
    );
    if let Some(tool) = tool_decoded("gzip", &file) {
        assert!(tool == plain, "gzip -d gives other bytes");
    }
    assert_eq!(text(&stats, "compression"), "gzip:1");
}

#[test]
fn the_ending_of_the_path_chooses_the_compression() {
    let dir = TestDir::new();
    let plain = plain_users(&dir, "2000");
    write_users(&dir, "users.csv.zst", "2000", &[]);
    write_users(&dir, "users.csv.gz", "2000", &[]);
    assert!(zstd_decoded(&read(&dir.path("users.csv.zst"))) == plain);
    assert!(gzip_decoded(&read(&dir.path("users.csv.gz"))) == plain);
}

#[test]
fn compress_none_writes_a_zst_path_as_is() {
    let dir = TestDir::new();
    let plain = plain_users(&dir, "2000");
    let stats = write_users(&dir, "users.csv.zst", "2000", &["--compress", "none"]);
    assert!(read(&dir.path("users.csv.zst")) == plain);
    assert!(stats.get("compression").is_none(), "{stats}");
}

#[test]
fn stdout_is_compressed_only_when_asked() {
    let plain = gush(["lines", "-n", "1000", "-q"]).output().expect("runs");
    assert!(plain.status.success());
    assert!(
        plain.stdout.starts_with(b"Line 0\n"),
        "stdout compressed unasked"
    );
    let zstd = gush(["lines", "-n", "1000", "-q", "--compress", "zstd"])
        .output()
        .expect("runs");
    assert!(zstd.status.success());
    assert!(zstd_decoded(&zstd.stdout) == plain.stdout);
}

#[test]
fn a_bad_compression_is_a_usage_error_showing_it() {
    for bad in ["zstd:0", "zstd:99", "gzip:10", "lz4", "zstd:x"] {
        let (code, _, stderr) = run(&["lines", "-n", "10", "--compress", bad]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains(bad), "{bad} not shown: {stderr}");
    }
}

#[test]
fn disk_placing_flags_are_refused_with_compression() {
    let dir = TestDir::new();
    let out = dir.path("x.csv.zst");
    let (code, _, stderr) = run(&[
        "lines",
        "-n",
        "10",
        "--sync",
        "end",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--sync"), "{stderr}");
    assert!(!out.exists(), "written despite the refusal");
}

#[test]
fn verify_decompresses_and_passes_a_good_file() {
    let dir = TestDir::new();
    for name in ["good.csv.zst", "good.csv.gz"] {
        let stats = write_users(&dir, name, "30k", &["--verify"]);
        assert_eq!(num(&stats, "bad_bytes"), 0, "{name}: {stats}");
        assert_eq!(
            num(&stats, "verified_bytes"),
            num(&stats, "bytes"),
            "{name}"
        );
    }
}

/// `--verify-only` of `path` against users of seed 7: (exit, stderr).
fn verify_only(path: &Path) -> (i32, String) {
    let (code, _, stderr) = run(&[
        "records",
        "--preset",
        "users",
        "-n",
        "30k",
        "--seed",
        "7",
        "-q",
        "--verify-only",
        "-o",
        path.to_str().unwrap(),
    ]);
    (code, stderr)
}

#[test]
fn verify_finds_changed_content_in_a_valid_stream() {
    let dir = TestDir::new();
    write_users(&dir, "users.csv.zst", "30k", &[]);
    let path = dir.path("users.csv.zst");
    let mut content = zstd_decoded(&read(&path));
    content[100_000] ^= 0x01;
    std::fs::write(&path, zstd::stream::encode_all(&content[..], 3).unwrap()).unwrap();
    let (code, stderr) = verify_only(&path);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("byte 100000"), "{stderr}");
}

#[test]
fn verify_finds_a_damaged_stream() {
    let dir = TestDir::new();
    for name in ["users.csv.zst", "users.csv.gz"] {
        write_users(&dir, name, "30k", &[]);
        let path = dir.path(name);
        let mut file = read(&path);
        let middle = file.len() / 2;
        file[middle] ^= 0xff;
        std::fs::write(&path, &file).unwrap();
        let (code, stderr) = verify_only(&path);
        assert_eq!(code, 3, "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(name), "{name} not named: {stderr}");
    }
}

#[test]
fn a_file_size_limit_mid_stream_removes_the_file() {
    const LIMIT: u64 = 300_000;
    let dir = TestDir::new();
    let out = dir.path("noise.bin.zst");
    // Random bytes do not compress: the limit is met mid-stream.
    let mut cmd = gush_std(["bytes", "--fill", "random", "-s", "20MB", "-q", "-o"]);
    cmd.arg(&out);
    crate::common::limit_file_size(&mut cmd, LIMIT);
    let run = assert_cmd::Command::from_std(cmd)
        .timeout(crate::common::RUN_LIMIT)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(
        stderr.contains(&*out.to_string_lossy()),
        "not named: {stderr}"
    );
    assert!(stderr.contains("removed"), "removal not said: {stderr}");
    assert!(!out.exists(), "the cut stream is still there");
}

#[test]
fn a_full_disk_mid_stream_removes_the_file() {
    let mount = crate::disk::Mount::new("tmpfs", "size=5m");
    for name in ["noise.bin.zst", "noise.bin.gz"] {
        let out = mount.dir.path(name);
        let (code, _, stderr) = run(&[
            "bytes",
            "--fill",
            "random",
            "-s",
            "20MB",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: not one line: {stderr}");
        assert!(stderr.contains("No space left"), "{name}: {stderr}");
        assert!(stderr.contains(&*out.to_string_lossy()), "{name}: {stderr}");
        assert!(stderr.contains("removed"), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: the cut stream is still there");
    }
}

/// A disk that fills mid-series: the file being written is removed (a
/// compressed stream cannot be cut back) and the report lists exactly the
/// files left, each with its size on disk.
#[test]
fn a_full_disk_mid_series_lists_only_the_files_left() {
    let mount = crate::disk::Mount::new("tmpfs", "size=1m");
    let stats = mount.dir.path("stats.json");
    let (code, _, stderr) = run(&[
        "records",
        "--preset",
        "users",
        "-n",
        "100000",
        "--file-size",
        "300KB",
        "-q",
        "--stats-file",
        stats.to_str().unwrap(),
        "-o",
        mount.dir.path("p{k:03}.csv.zst").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("removed"), "{stderr}");
    let stats = crate::disk::stats_file(&stats);
    let mut on_disk: Vec<_> = std::fs::read_dir(mount.dir.root())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".csv.zst"))
        .collect();
    on_disk.sort();
    assert!(on_disk.len() >= 2, "{on_disk:?}");
    let listed: Vec<(String, u64)> = stats["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (text(f, "name").to_string(), num(f, "bytes")))
        .collect();
    let expected: Vec<(String, u64)> = on_disk
        .iter()
        .map(|p| (p.display().to_string(), read(p).len() as u64))
        .collect();
    assert_eq!(listed, expected, "{stats}");
}

#[test]
fn a_slow_compressor_is_named_the_bottleneck() {
    let dir = TestDir::new();
    let out = dir.path("noise.zst");
    // Random bytes are made at GB/s and zstd's level 19 takes them at a
    // few MB/s a thread: the writer's time goes into compressing.
    let (code, _, stderr) = run(&[
        "bytes",
        "--fill",
        "random",
        "-s",
        "6MiB",
        "--compress",
        "zstd:19",
        "--stats=json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(text(&stats, "bottleneck"), "compressor", "{stats}");
    assert!(stats["compress_s"].as_f64().unwrap() > 0.0, "{stats}");
}

#[test]
fn the_compressor_buffers_count_against_the_hwm() {
    let dir = TestDir::new();
    let out = dir.path("users.csv.zst");
    // An hwm too small to hold the compressor beside two chunks is raised,
    // and the summary says to what.
    let (code, _, stderr) = run(&[
        "records",
        "--preset",
        "users",
        "-n",
        "1000",
        "--hwm",
        "256KiB",
        "--stats=json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stats = final_stats(&stderr);
    let compressor = num(&stats, "compressor_buffer_bytes");
    assert!(compressor > 0, "{stats}");
    assert_eq!(
        num(&stats, "hwm_raised_to"),
        compressor + 2 * 65536,
        "{stats}"
    );
    assert_eq!(num(&stats, "hwm_bytes"), 2 * 65536, "{stats}");
    // One large enough is shared, not raised.
    let (code, _, stderr) = run(&[
        "records",
        "--preset",
        "users",
        "-n",
        "1000",
        "--hwm",
        "64MiB",
        "--stats=json",
        "-f",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stats = final_stats(&stderr);
    assert!(stats.get("hwm_raised_to").is_none(), "{stats}");
    assert_eq!(
        num(&stats, "hwm_bytes") + num(&stats, "compressor_buffer_bytes"),
        64 << 20,
        "{stats}"
    );
}

#[test]
fn ctrl_c_leaves_a_complete_stream_of_whole_lines() {
    let dir = TestDir::new();
    for name in ["lines.zst", "lines.gz"] {
        let out = dir.path(name);
        let mut child = gush_std(["lines", "-q", "-o"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn gush");
        crate::common::wait_for_size(&out, 1000, &mut child);
        let (output, _) = crate::common::signal_and_wait(child, libc::SIGINT);
        assert_eq!(
            output.status.code(),
            Some(130),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let file = read(&out);
        let lines = match name.ends_with(".zst") {
            true => zstd_decoded(&file),
            false => gzip_decoded(&file),
        };
        let count = crate::common::line_count(&lines);
        assert!(count > 0, "{name}: nothing decoded");
        assert!(
            lines == crate::common::expected_lines(0, count),
            "{name}: not whole lines from Line 0"
        );
    }
}

/// A compressed `{k}` series reports its compression as one compressed
/// file does, over the whole series: raw bytes the sum of what the files
/// decompress to, compressed bytes the sum of their sizes on disk, with
/// one writer and with lanes; each listed file has its size on disk and
/// its raw size; and the human summary's lines say the same.
#[test]
fn a_compressed_series_reports_the_ratio_of_all_its_files() {
    let dir = TestDir::new();
    for (sub, threads) in [("one", "1"), ("lanes", "2")] {
        let name = format!("{sub}/u-{{k}}.csv.zst");
        let stats = write_users(
            &dir,
            &name,
            "20000",
            &["--files", "4", "--threads", threads],
        );
        let mut files: Vec<_> = std::fs::read_dir(dir.path(sub))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 4);
        let on_disk: u64 = files.iter().map(|f| read(f).len() as u64).sum();
        let raw: u64 = files
            .iter()
            .map(|f| zstd_decoded(&read(f)).len() as u64)
            .sum();
        assert_eq!(num(&stats, "compressed_bytes"), on_disk, "{stats}");
        assert_eq!(num(&stats, "raw_bytes"), raw, "{stats}");
        let ratio = stats["compression_ratio"].as_f64().unwrap();
        assert!(
            (ratio - raw as f64 / on_disk as f64).abs() < 1e-9,
            "{stats}"
        );
        assert_eq!(text(&stats, "compression"), "zstd:3");
        let listed = stats["files"].as_array().unwrap();
        assert_eq!(listed.len(), files.len(), "{stats}");
        for (entry, file) in listed.iter().zip(&files) {
            let bytes = read(file);
            assert!(file.ends_with(text(entry, "name")), "{entry} {file:?}");
            assert_eq!(num(entry, "bytes"), bytes.len() as u64, "{entry}");
            assert_eq!(num(entry, "raw_bytes"), zstd_decoded(&bytes).len() as u64);
        }
    }
    let (code, _, stderr) = run(&[
        "records",
        "--preset",
        "users",
        "-n",
        "2000",
        "--files",
        "2",
        "--stats",
        "-o",
        dir.path("human/u-{k}.csv.zst").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("compressed: zstd:3"), "{stderr}");
    let on_disk: u64 = ["u-0.csv.zst", "u-1.csv.zst"]
        .iter()
        .map(|f| read(&dir.path("human").join(f)).len() as u64)
        .sum();
    let files_line = stderr.lines().find(|l| l.contains("files: 2")).unwrap();
    let shown = shown_bytes(files_line.trim_end_matches(" on disk"));
    assert!(
        (shown - on_disk as f64).abs() < on_disk as f64 / 100.0,
        "{files_line}: {on_disk} bytes on disk"
    );
}

/// The bytes a human size at the end of `line` stands for (`91.08 KiB`).
fn shown_bytes(line: &str) -> f64 {
    let mut words = line.rsplit(' ');
    let unit = words.next().unwrap();
    let value: f64 = words.next().unwrap().parse().unwrap();
    let scale = ["B", "KiB", "MiB", "GiB"].iter().position(|u| *u == unit);
    value * 1024f64.powi(scale.unwrap() as i32)
}
