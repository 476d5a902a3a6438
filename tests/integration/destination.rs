//! The destination: no clobbering an existing file without `--force`,
//! `--append` adding to it, devices such as /dev/null needing no flag, and
//! plain errors for a directory or a missing parent directory.

use crate::common::{TestDir, expected_lines, gush, read};

const OLD: &[u8] = b"precious data\n";

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = TestDir::new();
    let out = dir.file("out.txt", OLD);
    let run = gush(["lines", "-n", "10", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.starts_with("gush: "), "stderr: {stderr}");
    assert!(stderr.contains("--force"), "no hint of --force: {stderr}");
    assert_eq!(read(&out), OLD, "existing file was touched");
}

#[test]
fn force_replaces_an_existing_file() {
    let dir = TestDir::new();
    let out = dir.file("out.txt", OLD);
    gush(["lines", "-n", "3", "--force", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    assert_eq!(read(&out), expected_lines(0, 3));
}

#[test]
fn append_adds_to_the_end() {
    let dir = TestDir::new();
    let out = dir.file("out.txt", OLD);
    gush(["lines", "-n", "3", "--append", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    let mut expected = OLD.to_vec();
    expected.extend(expected_lines(0, 3));
    assert_eq!(read(&out), expected);
}

#[test]
fn dev_null_needs_no_force() {
    gush(["lines", "-n", "1000", "-o", "/dev/null"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn directory_as_output_is_an_error() {
    let dir = TestDir::new();
    let sub = dir.path("sub");
    std::fs::create_dir(&sub).unwrap();
    let run = gush(["lines", "-n", "3", "-o"]).arg(&sub).assert().code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.starts_with("gush: "), "stderr: {stderr}");
    assert!(
        stderr.contains(&*sub.to_string_lossy()),
        "path missing: {stderr}"
    );
}

#[test]
fn missing_parent_directory_is_an_error_naming_the_path() {
    let dir = TestDir::new();
    let out = dir.path("no/such/dir/out.txt");
    let run = gush(["lines", "-n", "3", "-o"]).arg(&out).assert().code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.starts_with("gush: "), "stderr: {stderr}");
    assert!(
        stderr.contains(&*out.to_string_lossy()),
        "path missing: {stderr}"
    );
    assert!(!out.exists());
}

/// The timeline is created before the output, so a bad timeline path
/// fails the run without leaving an empty output that blocks the rerun.
#[test]
fn a_bad_timeline_path_leaves_no_output_behind() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    let timeline = dir.path("missing-dir/run.csv");
    let run = gush(["lines", "-n", "5", "-o"])
        .arg(&out)
        .arg("--timeline")
        .arg(&timeline)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("timeline"), "{stderr}");
    assert!(!out.exists());
}
