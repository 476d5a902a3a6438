//! The checked configuration of `gush catch`, the receiving end. It is not
//! a pipeline run, so it has its own [`CatchConfig`]; the checks follow the
//! same rules as the rest of `config.rs` and fail as usage errors.

use std::path::PathBuf;
use std::time::Duration;

use super::{byte_rate, interval, not_the_output, refuse_given, usage};
use crate::cli::CatchArgs;
use crate::net::Endpoint;
use crate::pipeline::Rate;
use crate::report::StatsFormat;
use crate::sink::Existing;
use crate::source::framing::Framing;

#[derive(Debug, Clone)]
pub struct CatchConfig {
    pub listen: Endpoint,
    /// Connections to accept before refusing more; `None` (`--keep`) serves
    /// until interrupted.
    pub connections: Option<u64>,
    pub max_connections: usize,
    pub framing: Framing,
    /// Where to save what arrives (`-` is stdout); `None` discards it.
    pub output: Option<PathBuf>,
    pub existing: Existing,
    pub read_delay: Option<Duration>,
    /// Bytes per second each connection may be read at.
    pub read_rate: Option<Rate>,
    /// The summary on stderr, if any (`-q` has already removed it).
    pub stats: Option<StatsFormat>,
    pub stats_file: Option<PathBuf>,
    /// One report line per interval on stderr (`-q` has removed it).
    pub interval: Option<Duration>,
    /// Print nothing but errors, not even the address listened on.
    pub quiet: bool,
    /// `--http`: serve HTTP/1.1.
    pub http: Option<Box<CatchHttp>>,
    /// `--acks`: store one `--ack-log` journal in `output`, synced.
    pub acks: bool,
}

/// How `gush catch --http` answers.
#[derive(Debug, Clone)]
pub struct CatchHttp {
    /// The share of requests answered 429, 0 to 1.
    pub reject: f64,
    pub retry_after: String,
    pub reject_seed: u64,
    /// Certificate chain and key (PEM) to serve https with.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The most bytes of sequenced bodies held waiting for their turn.
    pub hwm: u64,
    pub idle_timeout: Duration,
    pub header_timeout: Duration,
}

impl CatchConfig {
    pub fn from_args(args: CatchArgs) -> Result<CatchConfig, clap::Error> {
        if args.connections == 0 {
            return Err(usage(
                "--connections 0 would accept nothing: use 1 or more, or --keep".to_string(),
            ));
        }
        if args.max_connections == 0 {
            return Err(usage(
                "--max-connections 0 would serve nothing: use 1 or more".to_string(),
            ));
        }
        let read_rate = byte_rate("--read-rate", args.read_rate)?;
        let interval = interval(&args.summary)?;
        if let Some(output) = &args.output {
            not_the_output(output, "--stats-file", args.summary.stats_file.as_deref())?;
        }
        if let Some(output) = &args.output
            && output
                .to_str()
                .and_then(Endpoint::parse_destination)
                .is_some()
        {
            return Err(usage(format!(
                "-o {} is a socket; gush catch saves to a file or stdout",
                output.display()
            )));
        }
        if args.acks {
            acks_refusals(&args)?;
        }
        let http = match args.http.http {
            false => None,
            true => {
                let flags = [
                    ("--framing octet-counted", args.framing != Framing::None),
                    ("--read-delay", args.read_delay.is_some()),
                    ("--read-rate", args.read_rate.is_some()),
                ];
                refuse_given(&flags, |flag| {
                    format!("{flag} is for raw byte streams; --http serves requests")
                })?;
                if matches!(args.listen, Endpoint::Unix(_)) && args.http.tls_cert.is_some() {
                    return Err(usage(
                        "--tls-cert serves https over TCP: listen on HOST:PORT".to_string(),
                    ));
                }
                let retry_after = args.http.retry_after.trim().to_string();
                if retry_after.is_empty() || retry_after.bytes().any(|b| b.is_ascii_control()) {
                    return Err(usage(format!(
                        "--retry-after {:?} is no header value: give seconds (0.05) or an HTTP date",
                        args.http.retry_after
                    )));
                }
                for (flag, duration) in [
                    ("--idle-timeout", args.http.idle_timeout),
                    ("--header-timeout", args.http.header_timeout),
                ] {
                    if duration.is_zero() {
                        return Err(usage(format!(
                            "{flag} 0 would close every connection at once: give a duration such as 10s"
                        )));
                    }
                }
                Some(Box::new(CatchHttp {
                    hwm: args.http.hwm,
                    idle_timeout: args.http.idle_timeout,
                    header_timeout: args.http.header_timeout,
                    reject: args.http.reject.unwrap_or(0.0) / 100.0,
                    retry_after,
                    reject_seed: args.http.reject_seed,
                    tls: args.http.tls_cert.clone().zip(args.http.tls_key.clone()),
                }))
            }
        };
        Ok(CatchConfig {
            acks: args.acks,
            http,
            listen: args.listen,
            connections: (!args.keep).then_some(args.connections),
            max_connections: args.max_connections,
            framing: args.framing,
            output: args.output,
            existing: Existing::from_flags(args.force, args.append),
            read_delay: args.read_delay,
            read_rate,
            stats: args.summary.stats.filter(|_| !args.summary.quiet),
            stats_file: args.summary.stats_file,
            interval,
            quiet: args.summary.quiet,
        })
    }
}

/// `--acks` stores one run's journal in one file it can sync: a second
/// journal after it, or a stream in another shape, would make the file
/// unreadable to `gush verify --acks`.
fn acks_refusals(args: &CatchArgs) -> Result<(), clap::Error> {
    if args.output.as_deref() == Some(std::path::Path::new("-")) {
        return Err(usage(
            "--acks -o - cannot sync stdout: give -o FILE, on a disk that outlives the machine under test".to_string(),
        ));
    }
    let flags = [
        ("--keep", args.keep),
        ("--connections", args.connections != 1),
        ("--append", args.append),
        ("--http", args.http.http),
        ("--framing octet-counted", args.framing != Framing::None),
    ];
    refuse_given(&flags, |flag| {
        format!(
            "--acks stores one run's journal in one file, and {flag} would add another stream to it: run one gush catch --acks per run, each with its own -o"
        )
    })
}
