//! The verify half of the checked configuration: whether `--verify` or
//! `--verify-only` can regenerate what the destination should hold. Part
//! of `config.rs`, kept apart as `disk.rs` and `net.rs` are.
//!
//! Regenerating needs the same bytes from the same arguments, so the
//! refusals here are the inputs that do not repeat: a replayed file (it
//! may have changed since, or was stdin), a live clock under `{ts}`, and
//! for `--verify-only` a random source whose seed was not given.

use super::usage;
use crate::cli::CommonArgs;
use crate::language::clock::TimeSource;
use crate::language::fields::Field;
use crate::language::template::{Part, Template};
use crate::sink::DiskOptions;
use crate::source::SourceSpec;
use crate::source::bytes::Fill;
use crate::verify::Mode;

pub(super) fn verify(
    common: &CommonArgs,
    source: &SourceSpec,
    time: TimeSource,
    disk: Option<&DiskOptions>,
    object: bool,
) -> Result<Option<Mode>, clap::Error> {
    let args = &common.verify;
    let (mode, flag) = match (args.verify, args.verify_only) {
        (false, false) => return Ok(None),
        (true, _) => (Mode::AfterWrite, "--verify"),
        (false, true) => (Mode::Only, "--verify-only"),
    };
    if disk.is_none() && !object {
        return Err(usage(format!(
            "{flag} reads back a regular file or block device (or an S3 object), and -o {} is none of them",
            common.output.display()
        )));
    }
    if matches!(source, SourceSpec::Replay { .. }) {
        return Err(usage(format!(
            "{flag} regenerates what the arguments make, and `gush replay` sends its input, which may change (or was stdin): compare input and output with cmp"
        )));
    }
    if common.append {
        return Err(usage(format!(
            "{flag} checks a file from its start, and --append writes past its old end: verify a file gush wrote whole"
        )));
    }
    if time == TimeSource::Live && templates(source).iter().any(|t| uses(t, is_clock)) {
        return Err(usage(format!(
            "{flag} cannot regenerate {{ts}} from a live clock: give --clock sim (or --seed) to the write and the check"
        )));
    }
    if mode == Mode::Only {
        if common.size.is_none() && common.count.is_none() {
            return Err(usage(
                "--verify-only needs --size or --count: the amount the write was given".to_string(),
            ));
        }
        if common.seed.is_none() && is_random(source) {
            return Err(usage(
                "--verify-only needs the write's --seed: random fields differ with every seed (the write's report shows the seed it used)".to_string(),
            ));
        }
    }
    Ok(Some(mode))
}

/// The templates a source renders, to look for fields in.
fn templates(source: &SourceSpec) -> Vec<&Template> {
    match source {
        SourceSpec::Lines { template } => vec![template],
        SourceSpec::Records { schema, .. } => schema.columns.iter().map(|c| &c.template).collect(),
        SourceSpec::Bytes { .. } | SourceSpec::Replay { .. } => Vec::new(),
    }
}

fn uses(template: &Template, what: fn(&Field) -> bool) -> bool {
    template.parts.iter().any(|part| match part {
        Part::Field(field, _) => what(field),
        Part::Literal(_) => false,
    })
}

fn is_clock(field: &Field) -> bool {
    matches!(field, Field::Ts(_))
}

/// Whether the seed changes the bytes: every field but the counter and
/// the timestamp draws from it.
fn is_random(source: &SourceSpec) -> bool {
    match source {
        SourceSpec::Bytes { fill, .. } => matches!(fill, Fill::Random | Fill::Stamped),
        // Which records are null is drawn from the seed too.
        SourceSpec::Records { schema, .. }
            if schema.columns.iter().any(|c| c.null_rate.is_some()) =>
        {
            true
        }
        _ => templates(source).iter().any(|t| {
            uses(t, |field| {
                !matches!(field, Field::Counter { .. } | Field::Ts(_))
            })
        }),
    }
}
