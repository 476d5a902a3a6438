//! The client: built from the standard AWS environment, with its own
//! retries off and every response counted (`count.rs`), on a tokio
//! runtime of two workers that the sink owns. And the check made before
//! any data is generated: that the bucket answers with these credentials.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, anyhow};
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{ClientConfigKey, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;

use super::S3Options;
use super::closing::Closing;
use super::count::{Counting, Retrying};
use crate::stats::{HttpCounters, HttpMode};

/// Everything a request needs: the runtime it runs on, the client, and
/// how it is retried and counted.
pub struct Store {
    pub runtime: Runtime,
    pub client: Arc<AmazonS3>,
    pub counters: Arc<HttpCounters>,
    pub(super) retrying: Arc<Retrying>,
    /// A permit per request in flight, parts and single PUTs of every
    /// object: `--queue-depth` of them.
    pub(super) flight: Arc<Semaphore>,
    /// Objects finishing behind the one being written (`closing.rs`).
    pub(super) closing: Closing,
}

impl Store {
    /// Builds the client for `options.bucket` from `AWS_*` variables
    /// (`AmazonS3Builder::from_env`: keys, session token, region,
    /// `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`).
    pub fn connect(options: &S3Options, stop: Arc<AtomicBool>) -> Result<Store> {
        // Two workers: one can sign and send a part while the other takes
        // responses; the generator and the writer keep their own threads.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("gush-s3")
            .enable_all()
            .build()
            .context("cannot start the S3 client's runtime")?;
        let counters = Arc::new(HttpCounters::new(HttpMode::S3, options.queue_depth));
        // No retries inside the client: each failure comes back here to
        // be counted (a pause or a retry) before it is tried again.
        let no_retries = RetryConfig {
            max_retries: 0,
            ..RetryConfig::default()
        };
        let timeout = format!("{}ms", options.connect_timeout.as_millis());
        let client = AmazonS3Builder::from_env()
            .with_bucket_name(&options.bucket)
            .with_retry(no_retries)
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                timeout,
            )
            .with_http_connector(Counting(Arc::clone(&counters)))
            .build()
            .map_err(|err| {
                anyhow!(
                    "cannot set up {}: {err}; check the AWS_* variables",
                    options.url()
                )
            })?;
        let retrying = Arc::new(Retrying {
            counters: Arc::clone(&counters),
            retry: options.retry,
            max_pause: options.max_pause,
            stop,
        });
        Ok(Store {
            runtime,
            client: Arc::new(client),
            counters,
            retrying,
            flight: Arc::new(Semaphore::new(options.queue_depth.max(1))),
            closing: Closing::default(),
        })
    }

    /// Lists the keys under `KEY/` (there are usually none): one cheap
    /// request that fails as writing would, for a missing bucket, wrong
    /// credentials or an endpoint that does not answer.
    pub fn probe(&self, options: &S3Options) -> Result<()> {
        self.names_in(options, &options.key).map(|_| ())
    }

    /// The names of the objects right under `dir` (a key prefix, `""` for
    /// the bucket's top), as [`probe`](Store::probe) checks the store.
    /// Credentials that may write but not list get AccessDenied, which is
    /// let through (`None`): the upload itself will tell.
    pub fn names_in(&self, options: &S3Options, dir: &str) -> Result<Option<Vec<String>>> {
        let prefix = Path::from(dir);
        let client = Arc::clone(&self.client);
        let listed = self.runtime.block_on(self.retrying.run(|| {
            let client = Arc::clone(&client);
            let prefix = prefix.clone();
            async move { client.list_with_delimiter(Some(&prefix)).await }
        }));
        match listed {
            Ok(listed) => Ok(Some(
                listed
                    .objects
                    .iter()
                    .filter_map(|object| object.location.filename().map(str::to_string))
                    .collect(),
            )),
            Err(err) if said(&err).contains("AccessDenied") => Ok(None),
            Err(err) => Err(anyhow!(
                "cannot reach {}: {}; check the bucket, AWS_ENDPOINT_URL and the credentials",
                options.url(),
                said(&err)
            )),
        }
    }
}

/// One object in a single PUT of `payload`, retried as every request but
/// the parts is (`count.rs`): the blocking PUT of one object's upload and
/// the PUT a series' object finishes with (`closing.rs`) alike.
pub(super) async fn put(
    client: &AmazonS3,
    retrying: &Retrying,
    location: &Path,
    payload: PutPayload,
) -> object_store::Result<()> {
    let put = retrying.run(|| client.put(location, payload.clone())).await;
    put.map(drop)
}

/// What the store said, on one line: its error code and message where the
/// answer has them (`NoSuchBucket: The specified bucket does not exist`),
/// else the client's error, whose first line names the request.
pub fn said(err: &object_store::Error) -> String {
    let text = error_chain(err);
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&format!("</{name}>"))? + start;
        Some(text[start..end].to_string())
    };
    match (tag("Code"), tag("Message")) {
        (Some(code), Some(message)) => {
            let status = status_in(&text).map_or(String::new(), |s| format!("{s} "));
            format!("{status}{code}: {message}")
        }
        (Some(code), None) => code,
        _ => text.replace('\n', " "),
    }
}

/// The error and its sources, joined as anyhow's `{:#}` would.
fn error_chain(err: &object_store::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// `503 Service Unavailable` out of the client's message.
fn status_in(text: &str) -> Option<&str> {
    let after = text.split("status code: ").nth(1)?;
    Some(after.split(':').next()?.trim())
}
