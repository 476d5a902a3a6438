//! The HTTP half of the checked configuration: `-o http://…` or
//! `https://…` with `--http`, `--method`, `-H`, `--content-type`,
//! `--header-each`, `--batch`, TLS and timeouts, weighed against the
//! source. Part of `config.rs`, kept apart as `net.rs` and `disk.rs` are.

use std::time::Duration;

use super::{SourceSpec, refuse_given, usage};
use crate::cli::CommonArgs;
use crate::language::escape::Format;
use crate::sink::http::{HttpOptions, Mode};

/// `--connect-timeout` when none is given, as for sockets.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// `--request-timeout` of a batch when none is given.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// `--retry` for HTTP when none is given: a kept-alive connection the
/// server closed while idle is reset on its next use, which is routine.
const RETRY: u32 = 3;

/// `--max-pause` when none is given: long enough for any server that is
/// shedding load for a while, short enough that one refusing for good ends
/// the run.
const MAX_PAUSE: Duration = Duration::from_secs(300);

/// The scheme of a URL-like `-o` (`ftp` of `ftp://host/`), as written.
/// RFC 3986 §3.1: a letter, then letters, digits, `+`, `-` and `.`.
fn scheme(output: &str) -> Option<&str> {
    let (scheme, _) = output.split_once("://")?;
    let mut bytes = scheme.bytes();
    let first = bytes.next()?;
    (first.is_ascii_alphabetic() && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)))
        .then_some(scheme)
}

/// Whether `-o` names a web endpoint; schemes are case-insensitive
/// (RFC 3986 §3.1), so `HTTP://` is one too.
pub(super) fn is_http(output: &std::path::Path) -> bool {
    output
        .to_str()
        .and_then(scheme)
        .is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
}

/// Refuses a URL whose scheme gush does not send to, rather than write a
/// file of that name.
pub(super) fn known_scheme(output: &std::path::Path) -> Result<(), clap::Error> {
    let Some(scheme) = output.to_str().and_then(scheme) else {
        return Ok(());
    };
    // tcp:// is matched as written by net::Endpoint, before this.
    if scheme.eq_ignore_ascii_case("http")
        || scheme.eq_ignore_ascii_case("https")
        || scheme == "tcp"
        || scheme == "s3"
    {
        return Ok(());
    }
    let hint = match scheme.eq_ignore_ascii_case("tcp") {
        true => " (write it in lower case: tcp://HOST:PORT)".to_string(),
        false => String::new(),
    };
    Err(usage(format!(
        "-o {}: gush does not send to {scheme}:// URLs{hint}; it sends to http://, https://, s3://, tcp:// and unix: (a file path has no `://`)",
        crate::sink::http::mask_password(&output.to_string_lossy())
    )))
}

/// The HTTP destination `-o` names, with its flags; `None` for anything
/// else, which takes none of them.
/// `header_row`: whether the output starts with a header row, as the
/// source decides it (`source::header_row`), for `--header-each`.
pub(super) fn http(
    common: &CommonArgs,
    source: &SourceSpec,
    header_row: bool,
) -> Result<Option<HttpOptions>, clap::Error> {
    let args = &common.http;
    known_scheme(&common.output)?;
    let Some(url) = common.output.to_str().filter(|_| is_http(&common.output)) else {
        let given = [
            ("--http", args.http.is_some()),
            ("--method", args.method.is_some()),
            ("--header", !args.headers.is_empty()),
            ("--content-type", args.content_type.is_some()),
            ("--header-each", args.header_each),
            ("--batch", args.batch.is_some()),
            ("--ca-cert", args.ca_cert.is_some()),
            ("--insecure", args.insecure),
            ("--request-timeout", args.request_timeout.is_some()),
            ("--max-pause", args.max_pause.is_some()),
        ];
        refuse_given(&given, |flag| {
            format!(
                "{flag} is for HTTP destinations, and -o {} is not one (try -o http://HOST:PORT/PATH)",
                common.output.display()
            )
        })?;
        return Ok(None);
    };
    // The scheme in lower case, as ureq and the report expect; a password
    // in the URL is masked in every message.
    let url = match url.split_once("://") {
        Some((scheme, rest)) => format!("{}://{rest}", scheme.to_ascii_lowercase()),
        None => url.to_string(),
    };
    let shown = crate::sink::http::mask_password(&url);
    check_url(&url, &shown)?;
    if common.force || common.append {
        return Err(usage(format!(
            "--force and --append are for files; {shown} is a web endpoint"
        )));
    }
    let net = &common.net;
    let socket_flags = [
        ("--reconnect", net.reconnect),
        ("--nodelay", net.nodelay),
        ("--send-buffer", net.send_buffer.is_some()),
    ];
    refuse_given(&socket_flags, |flag| {
        format!("{flag} is for tcp:// and unix: sockets; {shown} is a web endpoint")
    })?;
    let bytes = matches!(source, SourceSpec::Bytes { .. });
    let mode = args
        .http
        .unwrap_or(if bytes { Mode::Stream } else { Mode::Batch });
    if mode == Mode::Batch && bytes {
        return Err(usage(
            "--http batch sends whole records, and `gush bytes` writes none: use --http stream"
                .to_string(),
        ));
    }
    // In range: checked once for every destination (config/flow.rs).
    let depth = common.disk.queue_depth;
    if mode == Mode::Stream {
        let batch_flags = [
            ("--queue-depth", depth > 1),
            ("--header-each", args.header_each),
            ("--batch", args.batch.is_some()),
            ("--max-pause", args.max_pause.is_some()),
        ];
        refuse_given(&batch_flags, |flag| {
            format!("{flag} is for --http batch; --http stream sends one request")
        })?;
    }
    if args.batch == Some(0) {
        return Err(usage(
            "--batch 0 would send empty requests: use 1 or more".to_string(),
        ));
    }
    if args.header_each && !header_row {
        return Err(usage(
            "--header-each repeats the CSV or TSV header row, and this output has none (JSON Lines, --no-header, a --shard after the first and --framing octet-counted write none)".to_string(),
        ));
    }
    if args.insecure && args.ca_cert.is_some() {
        return Err(usage(
            "--insecure checks no certificate, so --ca-cert would not be used: give one of them"
                .to_string(),
        ));
    }
    // `-H 'Content-Type: …'` is taken as --content-type, so the request
    // carries one Content-Type, not two.
    let mut headers = args.headers.clone();
    let mut given_type = args.content_type.clone();
    if let Some(at) = headers
        .iter()
        .position(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        let (_, value) = headers.remove(at);
        if given_type.is_some() {
            return Err(usage(
                "-H 'Content-Type: …' and --content-type both set it: give one".to_string(),
            ));
        }
        given_type = Some(value);
    }
    Ok(Some(HttpOptions {
        url,
        mode,
        method: args.method.unwrap_or_default(),
        headers,
        content_type: given_type.unwrap_or_else(|| content_type(source).to_string()),
        header_each: args.header_each,
        ca_cert: args.ca_cert.clone(),
        insecure: args.insecure,
        connect_timeout: net.connect_timeout.unwrap_or(CONNECT_TIMEOUT),
        request_timeout: match mode {
            Mode::Batch => Some(args.request_timeout.unwrap_or(REQUEST_TIMEOUT)),
            Mode::Stream => args.request_timeout,
        },
        retry: net.retry.unwrap_or(RETRY),
        max_pause: args.max_pause.unwrap_or(MAX_PAUSE),
        queue_depth: depth,
    }))
}

/// The Content-Type that says what the source writes.
fn content_type(source: &SourceSpec) -> &'static str {
    match source {
        SourceSpec::Records { format, .. } => match format {
            Format::Csv => "text/csv",
            Format::Tsv => "text/tab-separated-values",
            Format::Jsonl => "application/x-ndjson",
            Format::Parquet => "application/vnd.apache.parquet",
        },
        SourceSpec::Bytes { .. } => "application/octet-stream",
        _ => "text/plain",
    }
}

/// A URL ureq can take: a host, and a port that is a number. `shown` is
/// the URL with its password masked, for the message.
fn check_url(url: &str, shown: &str) -> Result<(), clap::Error> {
    let bad = |why: &str| {
        usage(format!(
            "`{shown}` {why} (try http://127.0.0.1:8080/ingest)"
        ))
    };
    let uri = url
        .parse::<ureq::http::Uri>()
        .map_err(|err| bad(&format!("is not a URL: {err}")))?;
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    // The port as written: `http` takes any digits there.
    let authority = uri.authority().map_or("", |a| a.as_str());
    let host_end = authority.rfind(']').unwrap_or(0);
    if let Some((_, port)) = authority[host_end..].rsplit_once(':') {
        match port.parse::<u16>() {
            Ok(0) => return Err(bad("has port 0, which cannot be connected to")),
            Ok(_) => {}
            Err(_) if port.is_empty() => {}
            Err(_) => return Err(bad("has a bad port")),
        }
    }
    Ok(())
}
