//! The stamped and content half of the checked configuration: `gush bytes`
//! with `--fill stamped`, `--block`, `--run-id`, `--compress-ratio` and
//! `--dedupe` weighed against the fill and the amount, and `gush verify`'s
//! own small `VerifyConfig`. Part of `config.rs`, kept apart as `disk.rs`
//! is.

use humansize::{BINARY, format_size};

use super::{interval, not_the_output, refuse_given, usage};
use crate::cli::{CommonArgs, ContentArgs, VerifyFileArgs};
use crate::language::content::Content;
use crate::language::stamp::{self, Layout};
use crate::report::StatsFormat;
use crate::source::bytes::Fill;
use crate::verify::stamped::VerifyConfig;

impl VerifyConfig {
    pub fn from_args(args: VerifyFileArgs) -> Result<VerifyConfig, clap::Error> {
        let interval = interval(&args.summary)?;
        not_the_output(
            &args.file,
            "--stats-file",
            args.summary.stats_file.as_deref(),
        )?;
        let object = match args.file.to_str().filter(|_| super::s3::is_s3(&args.file)) {
            Some(url) => Some(super::s3::to_read(url, args.direct)?),
            None => None,
        };
        Ok(VerifyConfig {
            object,
            file: args.file,
            direct: args.direct,
            acks: args.acks,
            stats: match args.summary.quiet {
                true => None,
                false => Some(args.summary.stats.unwrap_or(StatsFormat::Human)),
            },
            stats_file: args.summary.stats_file,
            interval,
        })
    }
}

/// How `gush bytes` shapes its fill, and for `--fill stamped` the block
/// layout, checked against the fill, `--size`, `--chunk` and `--append`.
pub(super) fn content(
    fill: &Fill,
    args: &ContentArgs,
    common: &CommonArgs,
    seed: u64,
) -> Result<(Content, Option<Layout>), clap::Error> {
    let size = |n: u64| format_size(n, BINARY);
    let stamped = *fill == Fill::Stamped;
    let random = *fill == Fill::Random;
    if let (Some(milli), false) = (args.compress_ratio, random || stamped) {
        return Err(usage(format!(
            "--compress-ratio {} shapes random bytes: use it with --fill random or --fill stamped",
            f64::from(milli) / 1000.0
        )));
    }
    if let (Some(pct), false) = (args.dedupe, random) {
        let why = match stamped {
            true => "no two stamped blocks are alike (each header names its offset)",
            false => "it repeats random blocks",
        };
        return Err(usage(format!("--dedupe {pct} needs --fill random: {why}")));
    }
    let content = Content {
        compress_milli: args.compress_ratio.unwrap_or(1000),
        dedupe_percent: args.dedupe.unwrap_or(0.0),
    };
    if !stamped {
        let stamped_flags = [
            ("--block", args.block.is_some()),
            ("--run-id", args.run_id.is_some()),
        ];
        refuse_given(&stamped_flags, |flag| {
            format!("{flag} describes stamped blocks: use it with --fill stamped")
        })?;
        return Ok((content, None));
    }
    let block = args.block.unwrap_or(stamp::DEFAULT_BLOCK);
    if !(stamp::MIN_BLOCK..=stamp::MAX_BLOCK).contains(&block) || !block.is_power_of_two() {
        return Err(usage(format!(
            "--block {block} is not a block size: use a power of two from 512B to 1MiB, such as 4KiB"
        )));
    }
    let Some(total) = common.size else {
        return Err(usage(
            "--fill stamped needs --size: each block records the total, so `gush verify` can tell a short file (missing blocks)".to_string(),
        ));
    };
    if !total.is_multiple_of(block) {
        return Err(usage(format!(
            "--size {total} is not a whole number of {} blocks: make it a multiple of --block",
            size(block)
        )));
    }
    if !common.chunk.is_multiple_of(block) {
        return Err(usage(format!(
            "--chunk {} is not a whole number of {} blocks: make it a multiple of --block",
            size(common.chunk),
            size(block)
        )));
    }
    if common.append {
        return Err(usage(
            "--fill stamped cannot --append: each block records its offset from the start of the output".to_string(),
        ));
    }
    let layout = Layout {
        version: stamp::VERSION,
        seed,
        run_id: args.run_id.unwrap_or(0),
        block: block as u32,
        total,
        compress_milli: content.compress_milli,
    };
    Ok((content, Some(layout)))
}
