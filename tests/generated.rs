//! The man page and shell completions are rendered from the one clap
//! definition and committed; this test fails when they are stale.
//!
//! Regenerate them with:
//!
//!     GUSH_REGENERATE=1 cargo test --test generated

use std::fs;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use gush::cli::Cli;

/// Every generated file, by path under the crate root, with its content.
fn rendered() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let command = Cli::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .unwrap();
    files.push((PathBuf::from("man/gush.1"), page));
    for sub in command.get_subcommands() {
        let name = format!("gush-{}", sub.get_name());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub.clone().name(name.clone()))
            .render(&mut page)
            .unwrap();
        files.push((PathBuf::from(format!("man/{name}.1")), page));
    }
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut command = Cli::command();
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command, "gush", &mut script);
        let file = match shell {
            Shell::Bash => "gush.bash",
            Shell::Zsh => "_gush",
            Shell::Fish => "gush.fish",
            Shell::Elvish => "gush.elv",
            _ => "_gush.ps1",
        };
        files.push((Path::new("completions").join(file), script));
    }
    files
}

#[test]
fn man_page_and_completions_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let regenerate = std::env::var_os("GUSH_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (path, content) in rendered() {
        let path = root.join(path);
        if regenerate {
            fs::write(&path, &content).unwrap();
        } else if fs::read(&path).ok().as_deref() != Some(&content[..]) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; run GUSH_REGENERATE=1 cargo test --test generated"
    );
}
