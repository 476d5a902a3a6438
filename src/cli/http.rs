//! The command line of gush over HTTP: the request flags every source
//! shares (`-o http://…` and `https://…`), and the flags that make
//! `gush catch` an HTTP server.
//!
//! A part of `cli.rs` kept in its own file because it is one idea, and so
//! that the flags of HTTP can change apart from those of sockets and disks.
//! `config/http.rs` weighs them against the destination.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{parse_duration, parse_size};
use crate::sink::http::{Method, Mode};

/// Flags for HTTP destinations (`-o http://HOST[:PORT]/PATH`).
#[derive(Debug, Args)]
pub struct HttpArgs {
    /// `batch`: each chunk of whole records is one request (the default
    /// for lines, records and replay). `stream`: one request whose body is
    /// the whole output, chunked, as `curl -T -` (the default for bytes).
    #[arg(long, value_name = "MODE", value_enum, help_heading = "HTTP")]
    pub http: Option<Mode>,

    /// The request method.
    #[arg(
        long,
        value_name = "METHOD",
        value_enum,
        ignore_case = true,
        help_heading = "HTTP"
    )]
    pub method: Option<Method>,

    /// A request header, `Name: value`; repeat for more (auth goes here).
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = parse_header, help_heading = "HTTP")]
    pub headers: Vec<(String, String)>,

    /// The Content-Type; by default it follows the format: text/plain,
    /// text/csv, text/tab-separated-values, application/x-ndjson, or
    /// application/octet-stream for bytes.
    #[arg(long, value_name = "TYPE", help_heading = "HTTP")]
    pub content_type: Option<String>,

    /// Repeat the CSV or TSV header row at the top of every batch (some
    /// importers want it); by default only the first batch has it.
    #[arg(long, help_heading = "HTTP")]
    pub header_each: bool,

    /// At most N records per request; without it, --chunk sizes batches.
    #[arg(long, value_name = "N", help_heading = "HTTP")]
    pub batch: Option<u64>,

    /// Trust the CA certificates in FILE (PEM) for https, instead of the
    /// system's roots.
    #[arg(long, value_name = "FILE", help_heading = "HTTP")]
    pub ca_cert: Option<PathBuf>,

    /// Do not check the server's certificate (a self-signed test
    /// endpoint); prints a warning.
    #[arg(long, help_heading = "HTTP")]
    pub insecure: bool,

    /// How long one request may take, from sending it to the end of the
    /// response [default: 30s; none for --http stream].
    #[arg(long, value_name = "DUR", value_parser = parse_duration, help_heading = "HTTP")]
    pub request_timeout: Option<Duration>,

    /// The longest the server's 429 and 503 answers may hold one batch
    /// back, in all, before the run fails [default: 5m]. Each wait is what
    /// Retry-After asks, but at least 10 ms, doubling to 1 s while the
    /// same batch is refused.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, help_heading = "HTTP")]
    pub max_pause: Option<Duration>,
}

/// `gush catch --http`: serve HTTP/1.1 instead of reading raw bytes.
#[derive(Debug, Args)]
pub struct CatchHttpArgs {
    /// Serve HTTP/1.1 POST and PUT (chunked or Content-Length bodies, kept
    /// alive); counts requests, and bodies' bytes and lines. Bodies that
    /// carry `X-Gush-Seq` are saved in that order.
    #[arg(long, help_heading = "HTTP")]
    pub http: bool,

    /// Answer PCT of requests (`10%` or `10`) with 429 Too Many Requests
    /// and Retry-After, chosen by a seeded draw so runs repeat.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, requires = "http", help_heading = "HTTP")]
    pub reject: Option<f64>,

    /// The Retry-After a 429 (--reject) or a 503 (--hwm full) carries:
    /// seconds (`0.05`) or an HTTP date.
    #[arg(
        long,
        value_name = "VALUE",
        default_value = "0.05",
        requires = "http",
        help_heading = "HTTP"
    )]
    pub retry_after: String,

    /// The most bytes of `X-Gush-Seq` bodies held in memory waiting for an
    /// earlier one (with -o). Past it, a body that is not next is answered
    /// 503 with Retry-After; the next one is saved as it arrives, whatever
    /// its size.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "64MiB",
        value_parser = parse_size,
        requires = "http",
        help_heading = "HTTP"
    )]
    pub hwm: u64,

    /// Close a connection the client leaves silent this long, between
    /// requests or inside a body.
    #[arg(
        long,
        value_name = "DUR",
        default_value = "60s",
        value_parser = parse_duration,
        requires = "http",
        help_heading = "HTTP"
    )]
    pub idle_timeout: Duration,

    /// Answer 408 and close when a request head is not whole this long
    /// after its first byte (as nginx's client_header_timeout): slow
    /// clients cannot hold every connection slot.
    #[arg(
        long,
        value_name = "DUR",
        default_value = "10s",
        value_parser = parse_duration,
        requires = "http",
        help_heading = "HTTP"
    )]
    pub header_timeout: Duration,

    /// The seed of the --reject draw.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        requires = "reject",
        help_heading = "HTTP"
    )]
    pub reject_seed: u64,

    /// Serve https with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires_all = ["http", "tls_key"], help_heading = "HTTP")]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_cert",
        help_heading = "HTTP"
    )]
    pub tls_key: Option<PathBuf>,
}

/// `Name: value`, as curl's -H takes it.
fn parse_header(arg: &str) -> Result<(String, String), String> {
    let Some((name, value)) = arg.split_once(':') else {
        return Err(format!(
            "`{arg}` has no `:` (try -H 'Authorization: Bearer TOKEN')"
        ));
    };
    let name = name.trim();
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(format!("`{arg}` has a bad header name `{name}`"));
    }
    let value = value.trim();
    if value.bytes().any(|b| b == b'\r' || b == b'\n') {
        return Err(format!("`{arg}` has a line break in its value"));
    }
    // gush frames each request itself: a second length, a transfer coding
    // or another host would make the server read a different request than
    // the one sent (request smuggling, RFC 9112 §6.3).
    for (framing, why) in [
        ("content-length", "gush sets the length of each request"),
        ("transfer-encoding", "gush chooses the framing (--http)"),
        ("host", "the host comes from the URL in -o"),
    ] {
        if name.eq_ignore_ascii_case(framing) {
            return Err(format!("`{arg}`: {name} cannot be set with -H: {why}"));
        }
    }
    Ok((name.to_string(), value.to_string()))
}

/// `10%` or `10`: a share of 0 to 100 percent.
fn parse_percent(arg: &str) -> Result<f64, String> {
    let number = arg.trim().trim_end_matches('%');
    match number.parse::<f64>() {
        Ok(pct) if (0.0..=100.0).contains(&pct) => Ok(pct),
        _ => Err(format!(
            "`{arg}` is not a percentage from 0 to 100 (try 10%)"
        )),
    }
}
