//! A `{k}` series of objects (`-o 's3://bucket/users-{k:04}.csv'
//! --file-size 64MiB`): the series sink of `sink/series.rs` cuts the
//! stream into objects on record boundaries, and opens each here as an
//! upload of its own (a single PUT or a multipart upload, written through
//! the upload's copying path), all on one client and runtime. Each object
//! is plain, a compressed stream, or with `--format parquet` a Parquet
//! file of its own, as the files of a series on disk are.
//!
//! As for files, keys this series could name are refused without
//! `--force`, listed before any data is made. Each object is whole or
//! absent: one completed stays when a later one fails or Ctrl-C comes, and
//! the summary lists the completed ones; the one in progress is aborted.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow, bail};

use super::copied::Copied;
use super::tally::Tally;
use super::upload::S3Upload;
use super::{S3Options, Store, parse_url};
use crate::sink::parquet::ParquetSink;
use crate::sink::series::{Names, Opener, Series, SeriesPlan};
use crate::sink::{Existing, Sink, compress};

/// Opens the series: checks the store (as one object's upload does) and,
/// without `--force`, that no key of the series is there yet.
pub fn open(
    plan: &SeriesPlan,
    options: &S3Options,
    existing: Existing,
    stop: Arc<AtomicBool>,
    compress: Option<compress::Plan>,
) -> Result<Box<dyn Sink>> {
    let store = Arc::new(Store::connect(options, Arc::clone(&stop))?);
    // The template's folder: `{k}` is never in a folder's name (the
    // configuration refuses it), so every key of the series is right here.
    let dir = options.key.rsplit_once('/').map_or("", |(dir, _)| dir);
    let listed = store.names_in(options, dir)?;
    if let (Existing::Refuse, Some(names)) = (existing, listed) {
        refuse_existing(&plan.names, options, dir, names)?;
    }
    let tally = Arc::new(Mutex::new(Tally::default()));
    let opener: Opener = {
        let (store, tally, options) = (Arc::clone(&store), Arc::clone(&tally), options.clone());
        let (stop, parquet) = (Arc::clone(&stop), plan.parquet.clone());
        Box::new(move |name| {
            let (_, key) = parse_url(name).map_err(|err| anyhow!(err))?;
            let upload = Box::new(S3Upload::new(
                Arc::clone(&store),
                &options.with_key(&key),
                Arc::clone(&stop),
                Arc::clone(&tally),
            ));
            // Each object is a whole compressed stream, or a whole Parquet
            // file (a row group never spans two), of its own; a failed
            // one is aborted, so there is no file to remove.
            match (compress, &parquet) {
                (_, Some(parquet)) => Ok(Box::new(ParquetSink::new(upload, parquet)?)),
                (Some(plan), None) => compress::wrap(upload, plan, None),
                (None, None) => Ok(upload as Box<dyn Sink>),
            }
        })
    };
    let codec = plan.parquet.as_ref().map(|parquet| parquet.codec);
    let series = Box::new(Series::new(plan.clone(), opener));
    Ok(Box::new(Copied::new(
        series, store, tally, options, stop, codec,
    )))
}

/// Without `--force`, a key this series could name is refused: how many
/// objects there will be is not known up front, and an old one left
/// among the new would join the data set when the keys are listed.
fn refuse_existing(
    names: &Names,
    options: &S3Options,
    dir: &str,
    found: Vec<String>,
) -> Result<()> {
    let mut clashes: Vec<String> = found
        .into_iter()
        .filter(|name| names.could_name(name))
        .collect();
    clashes.sort();
    let Some(first) = clashes.first() else {
        return Ok(());
    };
    let more = match clashes.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    let key = match dir {
        "" => first.clone(),
        dir => format!("{dir}/{first}"),
    };
    bail!(
        "refusing to overwrite s3://{}/{key}{more}: it exists and is an object of the series {}; pass --force to replace the series' objects or write elsewhere",
        options.bucket,
        names.template
    )
}
