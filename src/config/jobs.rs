//! The jobs half of the checked configuration: `--jobs N` weighed against
//! the destination (a file per job, or regions of one file or device),
//! and `--until-steady`. Part of `config.rs`, kept apart as `disk.rs` is.
//!
//! A file per job comes from `-o DIR/` (DIR/job0, DIR/job1, … so the file
//! says which job wrote it) or a path with `{j}`; anything else that is a
//! disk is cut into N regions, each job's `--size` long (fio's `size` per
//! job, placed by `offset_increment`), which `disk::region` makes.

use std::path::{Path, PathBuf};

use super::usage;
use crate::cli::CommonArgs;
use crate::sink::DiskOptions;
use crate::source::SourceSpec;

/// How `--jobs` splits `-o`, with `common.output` set to job 0's path for
/// a file per job, so the disk checks that follow weigh a real file.
/// `None` for one job. Run before the destination is weighed.
pub(super) fn split(common: &mut CommonArgs, remote: bool) -> Result<Option<Split>, clap::Error> {
    let count = common.disk.jobs;
    if count == 1 {
        return Ok(None);
    }
    let output = common.output.clone();
    let shown = output.display().to_string();
    let refused = [
        ("stdout", output == Path::new("-")),
        ("a socket or web endpoint", remote),
    ];
    if let Some((what, _)) = refused.iter().find(|(_, given)| *given) {
        return Err(usage(format!(
            "--jobs {count} writes N files or N regions of one file or device, and -o {shown} is {what}: name a directory (-o DIR/), a path with {{j}}, or one file"
        )));
    }
    let flags = [
        ("--append", common.append),
        ("--shard", common.shard.is_some()),
    ];
    if let Some((flag, _)) = flags.iter().find(|(_, given)| *given) {
        return Err(usage(format!(
            "--jobs {count} places each job's writes itself, which {flag} cannot follow: leave {flag} out"
        )));
    }
    if let Some(journal) = &common.disk.ack_log {
        // One journal is one writer's order of acknowledgements; N jobs
        // appending to it would interleave their lines mid-record.
        return Err(usage(format!(
            "--jobs {count} with --ack-log {}: a journal takes one writer's acknowledgements; run one job, or one gush per job each with its own --ack-log",
            journal
        )));
    }
    let paths: Vec<PathBuf> = if shown.contains("{j}") {
        (0..count)
            .map(|j| PathBuf::from(shown.replace("{j}", &j.to_string())))
            .collect()
    } else if shown.ends_with('/') || output.is_dir() {
        (0..count).map(|j| output.join(format!("job{j}"))).collect()
    } else {
        return Ok(Some(Split::Regions));
    };
    common.output = paths[0].clone();
    Ok(Some(Split::Files(paths)))
}

/// The jobs, checked against what the rest of the configuration made of
/// the destination and the source.
pub(super) fn jobs(
    common: &CommonArgs,
    split: Option<Split>,
    source: &SourceSpec,
    disk: Option<&DiskOptions>,
    verify: bool,
) -> Result<Option<Jobs>, clap::Error> {
    let count = common.disk.jobs;
    let Some(split) = split else {
        return Ok(None);
    };
    if verify {
        return Err(usage(format!(
            "--jobs {count} is not read back by --verify: write --fill stamped and run `gush verify` on each file"
        )));
    }
    if matches!(split, Split::Regions) {
        let shown = common.output.display();
        if disk.is_none() {
            return Err(usage(format!(
                "--jobs {count} cuts one file or block device into regions, and -o {shown} is neither: name a directory (-o DIR/) or a path with {{j}} for a file per job"
            )));
        }
        if !matches!(source, SourceSpec::Bytes { .. }) {
            return Err(usage(format!(
                "--jobs {count} into one file cuts it into regions, which only `gush bytes` writes: name a directory (-o DIR/) or a path with {{j}} for a file per job"
            )));
        }
    }
    Ok(Some(Jobs {
        count: count as usize,
        split,
    }))
}

/// `--until-steady` refuses a read-back: the run it stops is reported by
/// the jobs, which do not read back.
pub(super) fn steady(common: &CommonArgs, verify: bool) -> Result<(), clap::Error> {
    if let (Some(rule), true) = (common.disk.until_steady, verify) {
        return Err(usage(format!(
            "--until-steady {} stops a run whenever it settles, which --verify cannot follow: leave --verify out",
            rule.name()
        )));
    }
    Ok(())
}

/// `--jobs N` over 1, checked (`config/jobs.rs`).
#[derive(Debug)]
pub struct Jobs {
    pub count: usize,
    pub split: Split,
}

/// Where each job writes.
#[derive(Debug, Clone)]
pub enum Split {
    /// One file per job, job j's at index j.
    Files(Vec<PathBuf>),
    /// One file or device, job j writing the region `j × --size` further.
    Regions,
}
