//! `--direct` leaves exactly the bytes a buffered run leaves, whatever the
//! size (none a multiple of the alignment), the source (records end
//! anywhere in a chunk) and the chunk; appending directly to a file whose
//! size is not aligned continues it byte for byte; and a block device is
//! written only with --force, with the same bytes as a file.

use std::process::Command;

use super::{TestDir, bytes_of, is_root};
use crate::common::{gush, read};

const SOURCES: [&[&str]; 6] = [
    &["bytes", "--fill", "random", "--seed", "3", "-s", "1000001"],
    &["bytes", "--fill", "random", "--seed", "3", "-s", "4095"],
    &["bytes", "--fill", "random", "--seed", "3", "-s", "1"],
    &["lines", "-n", "50000"],
    &[
        "lines",
        "--preset",
        "apache-combined",
        "--seed",
        "4",
        "-n",
        "3000",
    ],
    &["records", "--preset", "users", "--seed", "2", "-n", "3000"],
];

#[test]
fn direct_writes_what_buffered_writes() {
    let dir = TestDir::new();
    for source in SOURCES {
        for chunk in [None, Some("512"), Some("4KiB")] {
            let mut args = source.to_vec();
            if let Some(chunk) = chunk {
                args.extend(["--chunk", chunk]);
            }
            let buffered = bytes_of(&args, &dir.path("buffered"));
            args.push("--direct");
            let direct = bytes_of(&args, &dir.path("direct"));
            assert!(!buffered.is_empty());
            // Not assert_eq!: a megabyte of bytes in a message helps nobody.
            assert!(
                direct == buffered,
                "{args:?}: {} direct bytes, {} buffered",
                direct.len(),
                buffered.len()
            );
        }
    }
}

#[test]
fn append_direct_to_an_unaligned_file_continues_it() {
    let dir = TestDir::new();
    let head = bytes_of(&["lines", "-n", "1000"], &dir.path("head"));
    assert_ne!(head.len() % 512, 0, "the test needs an unaligned size");
    let more = [
        "lines",
        "--preset",
        "apache-combined",
        "--seed",
        "4",
        "-n",
        "3000",
    ];
    let tail = bytes_of(&more, &dir.path("tail"));
    let out = dir.path("out");
    std::fs::write(&out, &head).unwrap();
    gush(more)
        .args(["--append", "--direct", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(read(&out) == [head, tail].concat(), "not the concatenation");
}

/// A loop device over a 64 MiB file, detached on drop.
struct LoopDevice {
    device: String,
    _backing: TestDir,
}

impl LoopDevice {
    /// Attaches a fresh loop device. The test that needs one runs as root
    /// (CI does): without root, or where losetup fails, it fails saying so
    /// rather than pass untried.
    fn new() -> LoopDevice {
        assert!(
            is_root(),
            "a loop device needs root: run the tests as root (CI does), or skip this one"
        );
        let backing = TestDir::new();
        let image = backing.path("disk.img");
        std::fs::File::create(&image)
            .and_then(|file| file.set_len(64 << 20))
            .expect("create the backing file");
        let attached = Command::new("losetup")
            .args(["-f", "--show"])
            .arg(&image)
            .output()
            .expect("run losetup");
        assert!(
            attached.status.success(),
            "losetup cannot attach a loop device here: {}",
            String::from_utf8_lossy(&attached.stderr)
        );
        LoopDevice {
            device: String::from_utf8_lossy(&attached.stdout).trim().to_string(),
            _backing: backing,
        }
    }
}

impl Drop for LoopDevice {
    fn drop(&mut self) {
        let _ = Command::new("losetup").args(["-d", &self.device]).status();
    }
}

#[test]
fn a_block_device_takes_direct_deep_writes_only_with_force() {
    let device = LoopDevice::new();
    let args = [
        "bytes",
        "--fill",
        "random",
        "--seed",
        "1",
        "-s",
        "8MiB",
        "--direct",
        "--queue-depth",
        "8",
        "-o",
        &device.device,
    ];
    let refused = gush(args).assert().code(1);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("pass --force"), "{stderr}");
    gush(args).arg("--force").assert().success();

    let dir = TestDir::new();
    let expected = bytes_of(&args[..8], &dir.path("ref"));
    let mut written = std::fs::read(&device.device).expect("read the loop device");
    assert_eq!(written.len(), 64 << 20);
    written.truncate(8 << 20);
    assert!(written == expected, "the device's first 8 MiB differ");
}
