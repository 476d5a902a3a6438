//! S3-compatible object storage: `-o s3://BUCKET/KEY`, through Apache
//! Arrow's `object_store` client, run on a small tokio runtime the sink
//! owns (the rest of gush is threads, not async).
//!
//! The files, by idea: `store.rs` builds the client from the standard AWS
//! environment and checks the bucket before any data is made; `count.rs`
//! counts every response by status class and turns the store's 503
//! SlowDown into counted pauses (the client's own retries are off, so none
//! hides from the count); `upload.rs` is the [`Queue`](super::Queue) that
//! gathers chunks into parts, keeps `--queue-depth` of them in flight and
//! gives the chunks back when the store has the part (lent to the
//! requests by `lend.rs`), or copies what comes through `Sink::write`;
//! `copied.rs` drives those copying uploads (a compressed object, or a
//! series) as the writer's queue, so their parts are timed as one
//! object's are; `closing.rs` lets a copied object's last requests finish
//! while the next one fills, all within `--queue-depth`; `tally.rs` keeps
//! what the uploads did for the report; `series.rs` opens each object of
//! a `{k}` series as an upload of its own on one client; `read.rs` reads
//! an object back for `--verify`.
//!
//! Nothing is half-visible: an object is a single PUT or a multipart
//! upload completed at the very end; a failure, a Ctrl-C or a SIGTERM
//! aborts the upload, so no partial object appears.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Result;

use super::parquet::{Codec, ParquetOptions, ParquetSink};
use super::{Sink, compress};

mod closing;
mod copied;
mod count;
mod lend;
pub mod read;
pub mod series;
mod store;
mod tally;
mod upload;

pub use store::Store;

/// The smallest part S3 takes, but for the last one: 5 MiB (the S3 API
/// reference, "Amazon S3 multipart upload limits").
pub const MIN_PART: u64 = 5 << 20;

/// `--part-size` when none is given: 16 MiB, a part each 16 MiB of
/// output, so a 1 GiB object is 64 parts, far below S3's 10,000.
pub const DEFAULT_PART: u64 = 16 << 20;

/// An S3 destination, as checked by the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct S3Options {
    pub bucket: String,
    /// The object's key; the `{k}` series of several objects opens each
    /// through [`open`] with [`S3Options::with_key`].
    pub key: String,
    pub part_size: usize,
    /// Parts in flight at most (`--queue-depth`), and ranged GETs when
    /// reading back.
    pub queue_depth: usize,
    /// Tries after a failed request other than the store's SlowDown.
    pub retry: u32,
    /// The most the store's SlowDown may hold one part back, in all.
    pub max_pause: Duration,
    pub connect_timeout: Duration,
    /// The `--hwm` that was raised to hold the parts in flight, if it was.
    pub hwm_raised_from: Option<u64>,
}

impl S3Options {
    /// `s3://bucket/key`, for messages and the report.
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    /// The same destination with another key: one object of a series.
    pub fn with_key(&self, key: &str) -> S3Options {
        S3Options {
            key: key.to_string(),
            ..self.clone()
        }
    }
}

/// Splits `s3://BUCKET/KEY`; the message says what is missing.
pub fn parse_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| format!("`{url}` is not an s3:// URL"))?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("`{url}` names no bucket (try s3://BUCKET/KEY)"));
    }
    if key.is_empty() || key.ends_with('/') {
        return Err(format!(
            "`{url}` names no object (try s3://{bucket}/data.csv)"
        ));
    }
    Ok((bucket.to_string(), key.to_string()))
}

/// Opens an S3 destination: builds the client, checks that the bucket
/// answers (so wrong credentials or a missing bucket end the run before
/// any data is made), and returns the uploader.
pub fn open(options: &S3Options, stop: Arc<AtomicBool>) -> Result<Box<dyn Sink>> {
    let store = Store::connect(options, Arc::clone(&stop))?;
    store.probe(options)?;
    let tally = Arc::default();
    Ok(Box::new(upload::S3Upload::new(
        Arc::new(store),
        options,
        stop,
        tally,
    )))
}

/// Opens one compressed object (`-o s3://b/k.csv.zst`, or `--compress`):
/// the upload, checked as [`open`] does, behind the compressor, whose
/// output it copies into its parts.
pub fn open_compressed(
    options: &S3Options,
    stop: Arc<AtomicBool>,
    plan: compress::Plan,
) -> Result<Box<dyn Sink>> {
    // An object is uploaded whole or not at all: no file to remove.
    open_behind(options, stop, None, |upload| {
        compress::wrap(upload, plan, None)
    })
}

/// Opens one Parquet object (`--format parquet -o s3://b/k.parquet`): the
/// upload behind the Parquet writer, whose file it copies into its parts.
pub fn open_parquet(
    options: &S3Options,
    stop: Arc<AtomicBool>,
    parquet: &ParquetOptions,
) -> Result<Box<dyn Sink>> {
    open_behind(options, stop, Some(parquet.codec), |upload| {
        Ok(Box::new(ParquetSink::new(upload, parquet)?))
    })
}

/// One object written through `wrap`'s sink, which copies into the
/// upload: checked as [`open`] does, and driven by `copied.rs`.
fn open_behind(
    options: &S3Options,
    stop: Arc<AtomicBool>,
    parquet: Option<Codec>,
    wrap: impl FnOnce(Box<dyn Sink>) -> Result<Box<dyn Sink>>,
) -> Result<Box<dyn Sink>> {
    let store = Arc::new(Store::connect(options, Arc::clone(&stop))?);
    store.probe(options)?;
    let tally = Arc::default();
    let upload = Box::new(upload::S3Upload::new(
        Arc::clone(&store),
        options,
        Arc::clone(&stop),
        Arc::clone(&tally),
    ));
    let inner = wrap(upload)?;
    Ok(Box::new(copied::Copied::new(
        inner, store, tally, options, stop, parquet,
    )))
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn a_url_names_a_bucket_and_a_key() {
        assert_eq!(
            parse_url("s3://b/dir/k.csv"),
            Ok(("b".into(), "dir/k.csv".into()))
        );
        assert!(parse_url("s3://b").unwrap_err().contains("names no object"));
        assert!(parse_url("s3://b/dir/").is_err());
        assert!(parse_url("s3:///k").unwrap_err().contains("no bucket"));
    }
}
