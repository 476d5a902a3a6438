//! Presets: `gush presets` lists each with its first seeded record, `show`
//! prints a template that reproduces it, and an unknown or misplaced preset
//! is a usage error naming it.

use super::{text_of, usage_error};

// ---------------------------------------------------------------------------
// Presets.

const PRESET_NAMES: &[(&str, &str)] = &[
    ("apache-common", "lines"),
    ("apache-combined", "lines"),
    ("apache-error", "lines"),
    ("nginx", "lines"),
    ("syslog-rfc3164", "lines"),
    ("syslog-rfc5424", "lines"),
    ("json-log", "records"),
    ("users", "records"),
    ("orders", "records"),
    ("lineitem", "records"),
];

#[test]
fn presets_lists_each_preset_with_its_first_seeded_record() {
    let listing = text_of(&["presets"]);
    let lines: Vec<&str> = listing.lines().collect();
    for (name, command) in PRESET_NAMES {
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} not listed:\n{listing}"));
        assert!(
            lines[at].contains(&format!("gush {command} --preset {name}")),
            "{}",
            lines[at]
        );
        let sample = lines[at + 1]
            .strip_prefix("  ")
            .expect("an indented sample");
        let mut run = vec![*command, "--preset", name, "-n", "1", "--seed", "1"];
        if *command == "records" {
            run.push("--no-header");
        }
        assert_eq!(sample, text_of(&run).trim_end(), "{name}'s sample");
    }
}

#[test]
fn presets_show_prints_text_that_reproduces_the_preset() {
    for (name, command) in PRESET_NAMES {
        let shown = text_of(&["presets", "--show", name]);
        let text = shown.strip_suffix('\n').expect("ends in a newline");
        assert!(!text.contains('\n'), "{name}: {shown:?}");
        let seeded = ["-n", "20", "--seed", "3"];
        let (mut by_preset, mut by_text) = match *command {
            "lines" => (vec!["lines", "--preset", name], vec!["lines", text]),
            _ => {
                let format = if *name == "json-log" { "jsonl" } else { "csv" };
                (
                    vec!["records", "--preset", name],
                    vec!["records", "--schema", text, "--format", format],
                )
            }
        };
        by_preset.extend(seeded);
        by_text.extend(seeded);
        assert_eq!(text_of(&by_text), text_of(&by_preset), "{name}");
    }
    assert_eq!(
        text_of(&["presets", "--show", "users"]),
        "id={n}, first_name={first}, last_name={last}, email={email}, username={username}, \
         age={int:18..90}, active={bool}, created_at={ts}\n"
    );
}

#[test]
fn unknown_preset_is_a_usage_error_naming_it() {
    for run in [
        &["presets", "--show", "apache-uncommon"][..],
        &["lines", "--preset", "apache-uncommon", "-n", "1"],
        &["records", "--preset", "apache-uncommon", "-n", "1"],
    ] {
        let stderr = usage_error(run);
        assert!(stderr.contains("apache-uncommon"), "{run:?}: {stderr}");
        assert!(
            stderr.contains("apache-common"),
            "does not list presets: {stderr}"
        );
    }
}

#[test]
fn preset_for_the_other_command_is_a_usage_error() {
    let stderr = usage_error(&["lines", "--preset", "users", "-n", "1"]);
    assert!(stderr.contains("records"), "{stderr}");
    let stderr = usage_error(&["records", "--preset", "nginx", "-n", "1"]);
    assert!(stderr.contains("lines"), "{stderr}");
}
