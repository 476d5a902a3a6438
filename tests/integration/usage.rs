//! Usage errors: a bad flag or value exits 2 before anything is written,
//! and the message shows the value that was wrong; `--help` documents the
//! exit codes.

use crate::common::{TestDir, gush};

/// Runs gush with `args`, expects exit 2 and no output, returns stderr.
fn usage_error(args: &[&str]) -> String {
    let run = gush(args).assert().code(2).stdout("");
    String::from_utf8_lossy(&run.get_output().stderr).into_owned()
}

#[test]
fn bad_fill_is_shown() {
    let stderr = usage_error(&["bytes", "--fill", "zzz", "-s", "10"]);
    assert!(stderr.contains("zzz"), "{stderr}");
}

#[test]
fn bad_size_unit_is_shown() {
    let stderr = usage_error(&["lines", "--size", "10QB"]);
    assert!(stderr.contains("10QB"), "{stderr}");
}

#[test]
fn unknown_template_field_is_pointed_at() {
    let stderr = usage_error(&["lines", "-n", "1", "Line {nope}"]);
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.contains("Line {nope}") && !line.contains("invalid value"))
        .or_else(|| lines.iter().position(|line| line.contains("Line {nope}")))
        .unwrap_or_else(|| panic!("template not shown: {stderr}"));
    let shown = lines[at];
    let carets = lines.get(at + 1).copied().unwrap_or_default();
    let column = shown.find("{nope}").unwrap();
    assert_eq!(
        carets.find('^'),
        Some(column),
        "caret not under {{nope}}:\n{shown}\n{carets}"
    );
    assert_eq!(
        carets.trim(),
        "^^^^^^",
        "carets do not span {{nope}}: {carets:?}"
    );
}

#[test]
fn unclosed_template_brace_is_refused() {
    let stderr = usage_error(&["lines", "-n", "1", "Line {n"]);
    assert!(stderr.contains("Line {n"), "{stderr}");
    assert!(stderr.contains('^'), "no caret line: {stderr}");
}

#[test]
fn count_refuses_a_byte_unit() {
    let stderr = usage_error(&["lines", "-n", "1MiB"]);
    assert!(stderr.contains("1MiB"), "{stderr}");
}

#[test]
fn bytes_refuses_a_count() {
    let stderr = usage_error(&["bytes", "-n", "5"]);
    assert!(
        stderr.contains("--count") || stderr.contains("-n"),
        "{stderr}"
    );
}

#[test]
fn high_water_mark_below_chunk_is_refused() {
    let stderr = usage_error(&["lines", "-n", "1", "--hwm", "1KiB", "--chunk", "64KiB"]);
    assert!(stderr.contains("--hwm"), "{stderr}");
}

#[test]
fn low_water_mark_above_high_is_refused() {
    let stderr = usage_error(&["lines", "-n", "1", "--lwm", "2MiB", "--hwm", "1MiB"]);
    assert!(stderr.contains("--lwm"), "{stderr}");
}

#[test]
fn force_and_append_together_are_refused() {
    let dir = TestDir::new();
    let out = dir.file("out.txt", b"old\n");
    let stderr = usage_error(&[
        "lines",
        "-n",
        "1",
        "--force",
        "--append",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        stderr.contains("--force") && stderr.contains("--append"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"old\n", "file touched");
}

#[test]
fn help_documents_signal_exit_codes() {
    let run = gush(["--help"]).assert().success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(stdout.contains("130"), "{stdout}");
    assert!(stdout.contains("143"), "{stdout}");
}

#[test]
fn a_rate_slower_than_one_per_thousand_seconds_is_refused() {
    let run = gush(["lines", "--rate", "1e-300/s", "-t", "1s"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("1e-300/s"), "{stderr}");
}

#[test]
fn a_report_file_that_is_the_output_is_refused() {
    let dir = TestDir::new();
    let out = dir.path("out.txt");
    for flag in ["--stats-file", "--timeline"] {
        let run = gush(["lines", "-n", "5", "-o"])
            .arg(&out)
            .arg(flag)
            .arg(&out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(
            stderr.contains(flag) && stderr.contains("output file"),
            "{stderr}"
        );
        assert!(!out.exists(), "{flag}: the output was created");
    }
}

#[test]
fn help_shows_the_n_field_literally() {
    for args in [&["lines", "--help"][..], &["lines", "-h"], &["--help"]] {
        let run = gush(args).assert().success();
        let help = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
        assert!(help.contains("`Line {n}` by default"), "{args:?}:\n{help}");
        assert!(!help.contains('\x1b'), "{args:?} has escapes:\n{help}");
    }
    let run = gush(["lines", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(help.contains("Fields: {n} {n:08}"), "{help}");
    assert!(help.contains("The first value of `{n}`"), "{help}");
}

#[test]
fn an_infinite_rate_is_not_called_too_slow() {
    let stderr = usage_error(&["lines", "-n", "1", "--rate", "1e400/s"]);
    assert!(
        stderr.contains("`1e400/s` is not a finite rate"),
        "{stderr}"
    );
}

#[test]
fn a_choice_weight_that_is_not_a_whole_number_is_pointed_at() {
    for (template, weight) in [
        ("{choice:a*x|b}", "`x`"),
        ("{choice:a*-1}", "`-1`"),
        ("{choice:a*99999999999999999999}", "`99999999999999999999`"),
    ] {
        let stderr = usage_error(&["lines", "-n", "1", template]);
        assert!(stderr.contains(weight), "{template}: {stderr}");
        assert!(stderr.contains("  ^^^^"), "{template}: {stderr}");
    }
}

#[test]
fn a_choice_option_keeps_a_literal_star_before_a_weight() {
    let run = gush(["lines", "-n", "4", "{choice:a*b*1}"])
        .assert()
        .success();
    assert_eq!(run.get_output().stdout, b"a*b\na*b\na*b\na*b\n");
}

#[test]
fn a_huge_bad_template_is_shown_around_the_caret() {
    // 100 KB: a single argument may be at most 128 KiB (MAX_ARG_STRLEN).
    let template = format!("{}{{nope}}{}", "x".repeat(60_000), "y".repeat(40_000));
    let stderr = usage_error(&["lines", "-n", "1", &template]);
    assert!(stderr.len() < 2000, "{} bytes of stderr", stderr.len());
    assert!(stderr.contains("{nope}"), "{stderr}");
}

#[test]
fn the_quick_start_output_is_ignored_by_git() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("-o lines.txt"), "the Quick start changed");
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(
        ignored.lines().any(|line| line == "/lines.txt"),
        "{ignored}"
    );
}

#[test]
fn a_start_past_the_last_number_for_the_count_is_refused() {
    let last = u64::MAX.to_string();
    let stderr = usage_error(&["lines", "--start", &last, "-n", "2"]);
    assert!(stderr.contains(&last), "bad value not shown: {stderr}");
    let fits = (u64::MAX - 1).to_string();
    assert!(
        stderr.contains(&format!("--start {fits} or less")),
        "{stderr}"
    );
    // The largest start that fits numbers up to the last value, no wrap.
    gush(["lines", "--start", &fits, "-n", "2"])
        .assert()
        .success()
        .stdout(format!("Line {fits}\nLine {last}\n"));
}

#[test]
fn numbering_without_a_count_ends_at_the_last_number() {
    let last = u64::MAX.to_string();
    gush(["lines", "--start", &last, "-s", "1KB"])
        .assert()
        .success()
        .stdout(format!("Line {last}\n"));
}

#[test]
fn rate_with_several_threads_is_refused() {
    let stderr = usage_error(&["lines", "--rate", "1000/s", "--threads", "4", "-n", "10"]);
    assert!(stderr.contains("--threads 4"), "{stderr}");
    assert!(stderr.contains("leave --threads out"), "{stderr}");
    gush(["lines", "--rate", "1000/s", "--threads", "1", "-n", "3"])
        .assert()
        .success()
        .stdout("Line 0\nLine 1\nLine 2\n");
}
