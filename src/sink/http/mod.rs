//! HTTP and HTTPS destinations: `-o http://HOST[:PORT]/PATH`.
//!
//! Two ways to send, each in its own file: `batch.rs` makes each chunk of
//! whole records one request, up to `--queue-depth` in flight over as many
//! kept-alive connections; `stream.rs` sends the whole output as the
//! chunked body of one request, as `curl -T -` does. Plain http is written
//! by hand (`wire.rs`: head and chunk in one writev, the response parsed
//! with httparse), its batches all sent from the writer thread
//! (`multiplex.rs`); https goes through ureq over rustls (`send.rs`, on
//! worker threads, as ureq blocks; `tls.rs` for the roots and for saying
//! what is wrong with a certificate). `retry.rs` is the one course every
//! batch follows after each attempt: the server's backpressure (429 and
//! 503 with Retry-After, floored and capped by `--max-pause`), retries
//! with backoff, or giving up.

use std::fmt;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Result;
use ureq::Agent;

use super::Sink;
pub use crate::stats::HttpCounters;

pub mod batch;
mod multiplex;
mod resolve;
pub mod retry;
pub mod send;
pub mod stream;
mod tls;
mod wire;

/// How the output is sent (`--http`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// One request whose chunked body is the whole output.
    Stream,
    /// One request per chunk of whole records.
    Batch,
}

/// The request method (`--method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Method {
    #[default]
    Post,
    Put,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// An HTTP destination and how to send to it, as checked by the
/// configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOptions {
    /// The URL as given, `http://` or `https://`.
    pub url: String,
    pub mode: Mode,
    pub method: Method,
    /// `-H` headers, in order; Content-Type is added from `content_type`.
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    /// The source writes a header row before its first record (CSV, TSV)
    /// and `--header-each` asks for it at the top of every batch.
    pub header_each: bool,
    pub ca_cert: Option<PathBuf>,
    pub insecure: bool,
    pub connect_timeout: Duration,
    /// `None`: no limit (a stream may last as long as the run).
    pub request_timeout: Option<Duration>,
    /// Tries after a failed one, for resets and 5xx other than 503.
    pub retry: u32,
    /// The most the server's 429 and 503 may hold one batch back, in all.
    pub max_pause: Duration,
    /// Requests in flight, each on its own connection (batch only).
    pub queue_depth: usize,
}

impl HttpOptions {
    /// The URL for messages and the report: a password in it is masked.
    pub fn shown_url(&self) -> String {
        mask_password(&self.url)
    }
}

/// `http://user:***@host/` for `http://user:secret@host/`.
pub fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end], &rest[at..]),
        None => url.to_string(),
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Mode::Stream => "stream",
            Mode::Batch => "batch",
        })
    }
}

/// Opens an HTTP destination: builds the client (TLS roots, timeouts)
/// and, for a stream, starts its one request.
pub fn open(options: &HttpOptions, stop: Arc<AtomicBool>) -> Result<Box<dyn Sink>> {
    if options.insecure {
        // Written straight, as a warning that cannot be shown is no error.
        let _ = writeln!(
            std::io::stderr(),
            "gush: warning: --insecure: the certificate of {} is not checked",
            options.shown_url()
        );
    }
    let agent = agent(options)?;
    Ok(match options.mode {
        Mode::Batch => Box::new(batch::HttpBatch::start(options, agent, stop)?),
        Mode::Stream => Box::new(stream::HttpStream::start(options, agent)?),
    })
}

/// The client every request goes through. Statuses come back as
/// responses, not errors, so 429 and 503 can be read; redirects are not
/// followed (a POST body would be lost on the way).
fn agent(options: &HttpOptions) -> Result<Agent> {
    let tls = tls::config(options)?;
    let timeout = match options.mode {
        Mode::Batch => options.request_timeout,
        // A stream's one request lasts the whole run: its limit applies
        // to waiting for the response once the body is sent.
        Mode::Stream => None,
    };
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(options.connect_timeout))
        .timeout_global(timeout)
        .timeout_recv_response(options.request_timeout)
        .max_idle_connections_per_host(options.queue_depth.max(1))
        .max_idle_connections(options.queue_depth.max(1))
        .user_agent(format!("gush/{}", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .build();
    Ok(Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        resolve::ResolveOnce::default(),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_in_the_url_is_masked() {
        let mask = super::mask_password;
        assert_eq!(
            mask("http://ingest:s3cr:et@example.com:9200/_bulk?x=a@b"),
            "http://ingest:***@example.com:9200/_bulk?x=a@b"
        );
        assert_eq!(mask("http://user@host/"), "http://user@host/");
        assert_eq!(mask("https://host/p@th"), "https://host/p@th");
    }
}
