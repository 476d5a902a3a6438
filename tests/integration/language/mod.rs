//! The template language from the outside: seeded output pinned by golden
//! vectors and independent of chunking, destination and sharding; `--size`
//! never tearing a record; presets and `gush presets`; the simulated and
//! live clocks; the fields data sets need (date ranges, derived columns,
//! nulls, distributions); and template or schema errors exiting 2 with a
//! caret under the bad spot.
//!
//! One module per idea; the helpers they share (a run's stdout, a usage
//! error's stderr, the caret check) are here.

mod clock;
mod datasets;
mod errors;
mod golden;
mod presets;
mod records;
mod shards;

use crate::common::gush;

/// Runs gush with `args`, expects success, returns stdout.
fn stdout_of(args: &[&str]) -> Vec<u8> {
    gush(args).assert().success().get_output().stdout.clone()
}

fn text_of(args: &[&str]) -> String {
    String::from_utf8(stdout_of(args)).expect("output is UTF-8")
}

/// Runs gush with `args`, expects exit 2 and no output, returns stderr.
fn usage_error(args: &[&str]) -> String {
    let run = gush(args).assert().code(2).stdout("");
    String::from_utf8_lossy(&run.get_output().stderr).into_owned()
}

/// Asserts `stderr` echoes `shown` on a line of its own (indented two
/// spaces) with a caret line under the last occurrence of `bad`, counted in
/// characters, one caret per character.
fn assert_points_at(stderr: &str, shown: &str, bad: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let echo = format!("  {shown}");
    let at = lines
        .iter()
        .position(|line| *line == echo)
        .unwrap_or_else(|| panic!("{shown:?} is not echoed on a line of its own:\n{stderr}"));
    let carets = lines.get(at + 1).copied().unwrap_or_default();
    let byte = echo.rfind(bad).expect("`bad` is part of `shown`");
    let column = echo[..byte].chars().count();
    let expected = format!("{}{}", " ".repeat(column), "^".repeat(bad.chars().count()));
    assert_eq!(
        carets.trim_end(),
        expected,
        "carets not under {bad:?}:\n{echo}\n{carets}\n(full stderr:\n{stderr})"
    );
}
