//! The value parsers: each turns one argument into one checked value,
//! with a message that shows the bad value and an example that works.
//! Kept apart from the flags (`cli.rs`) so a reader looking for how
//! `--size 10MB` or `--rate 5MiB/s` is read finds it by name.

use std::time::Duration;

use crate::language::template::Template;
use crate::pipeline::pace::Rate;
use crate::sink::compress::{Asked, Codec};
use crate::source::bytes::Fill;

/// Sizes with parse-size's rules: `k`, `KB` decimal, `KiB` binary.
pub fn parse_size(arg: &str) -> Result<u64, String> {
    parse_size::parse_size(arg)
        .map_err(|err| format!("{err}: `{arg}` (try 4096, 64KiB, 10MB, 2GiB)"))
}

/// Counts with decimal suffixes (`10k`, `1M`) and digit groups
/// (`1_000_000`); byte suffixes are refused so `1MiB` is not a line count.
pub fn parse_count(arg: &str) -> Result<u64, String> {
    let bad = || format!("`{arg}` is not a count (try 1000, 10k, 1M, 1_000_000)");
    if arg.contains(['b', 'B', 'i']) {
        return Err(bad());
    }
    parse_size::parse_size(arg).map_err(|_| bad())
}

/// The slowest rate: one record (or byte) every 1000 seconds.
const MIN_RATE: f64 = 0.001;

/// Rates: a count per second (`20k/s`: records) or a size per second
/// (`5MiB/s`, `100MB/s`: bytes). The `/s` is optional.
pub fn parse_rate(arg: &str) -> Result<Rate, String> {
    let bad = || format!("`{arg}` is not a rate (try 1000/s, 20k/s, 5MiB/s, 100MB/s)");
    let amount = arg.strip_suffix("/s").unwrap_or(arg).trim();
    let rate = if amount.ends_with(['b', 'B']) {
        Rate::Bytes(parse_size::parse_size(amount).map_err(|_| bad())? as f64)
    } else if let Ok(plain) = amount.parse::<f64>() {
        Rate::Records(plain)
    } else {
        Rate::Records(parse_count(amount).map_err(|_| bad())? as f64)
    };
    if !rate.per_second().is_finite() {
        return Err(format!(
            "`{arg}` is not a finite rate (try 1000/s, 20k/s, 5MiB/s)"
        ));
    }
    if rate.per_second() < MIN_RATE {
        return Err(format!(
            "`{arg}` is too slow a rate: use {MIN_RATE}/s or more"
        ));
    }
    Ok(rate)
}

/// `--compress`: `zstd`, `zstd:19`, `gzip:6`, `none`.
pub fn parse_compress(arg: &str) -> Result<Asked, String> {
    Codec::parse(arg).map(Asked)
}

/// Durations with humantime's rules: `500ms`, `30s`, `5m`, `1h 30m`.
pub fn parse_duration(arg: &str) -> Result<Duration, String> {
    humantime::parse_duration(arg).map_err(|err| format!("{err}: `{arg}` (try 500ms, 30s, 5m)"))
}

/// The most `--threads`: past this, threads cost more than they give.
pub const MAX_THREADS: usize = 256;

pub(super) fn parse_threads(arg: &str) -> Result<usize, String> {
    match arg.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{arg}` is not a thread count: use 1 to {MAX_THREADS}"
        )),
    }
}

/// `--shard K/N`: slice K (from 0) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

pub(super) fn parse_shard(arg: &str) -> Result<Shard, String> {
    let bad = || format!("`{arg}` is not a shard; write K/N with 0 <= K < N, as in 3/8");
    let (index, count) = arg.split_once('/').ok_or_else(bad)?;
    let (index, count): (u64, u64) = (
        index.trim().parse().map_err(|_| bad())?,
        count.trim().parse().map_err(|_| bad())?,
    );
    if index >= count {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

/// The template argument's parser. Not a plain `fn(&str)`: clap's error
/// for one of those repeats the whole value (`invalid value '…' for`), and
/// a 100 KB template then filled the terminal; the template error already
/// shows the part that matters, around its caret.
#[derive(Clone)]
pub(super) struct TemplateParser;

impl clap::builder::TypedValueParser for TemplateParser {
    type Value = Template;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Template, clap::Error> {
        let invalid = |message: String| {
            let arg = arg.map_or_else(|| "[TEMPLATE]".to_string(), ToString::to_string);
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid template for '{arg}':\n{message}\n"),
            )
            .with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| invalid("it is not valid UTF-8".to_string()))?;
        Template::parse(text).map_err(|err| invalid(err.to_string()))
    }
}

pub(super) fn parse_fill(arg: &str) -> Result<Fill, String> {
    arg.parse()
}
