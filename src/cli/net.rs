//! The command line of gush over the network: the socket flags every
//! source shares, `gush replay` and `gush catch`.
//!
//! A part of `cli.rs` kept in its own file because it is one idea, and so
//! that the flags of the sources and of the network can change apart.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{
    CatchHttpArgs, CommonArgs, SummaryArgs, parse_count, parse_duration, parse_rate, parse_size,
};
use crate::net::Endpoint;
use crate::pipeline::pace::Rate;
use crate::source::framing::Framing;

pub(super) const CATCH_EXIT_CODES: &str = "\
Exit codes:
  0    done: the connections came and went (or stdout's reader went away)
  1    runtime error: cannot listen or save, or a connection ended in an
       error (a malformed frame, a failed read)
  2    usage error: a bad flag or value
  130  interrupted by SIGINT (Ctrl-C), with the report; 143 for SIGTERM

The address in use is printed first: `gush catch: listening on ADDR`.";

/// Flags for socket destinations (`-o tcp://HOST:PORT`, `-o unix:PATH`).
#[derive(Debug, Args)]
pub struct NetArgs {
    /// How long one attempt to connect may take, to a socket, a web or S3
    /// endpoint, or an --ack-log on another machine [default: 5s].
    #[arg(long, value_name = "DUR", value_parser = parse_duration, help_heading = "Network")]
    pub connect_timeout: Option<Duration>,

    /// Try N more times when connecting fails, pausing 0.1 s, 0.2 s, …
    /// up to 2 s in between. Reconnections get as many tries. Over HTTP:
    /// resend a batch after a reset or a 5xx other than 503; to S3: resend
    /// a request that failed [default: 0 for a socket; 3 over HTTP, to S3
    /// and to an --ack-log on another machine].
    #[arg(long, value_name = "N", help_heading = "Network")]
    pub retry: Option<u32>,

    /// When the peer drops the connection, connect again and go on with
    /// the next whole chunk; the report counts reconnects and the bytes
    /// that may have been lost in flight.
    #[arg(long, help_heading = "Network")]
    pub reconnect: bool,

    /// Set TCP_NODELAY: send each write at once rather than wait to
    /// coalesce small ones.
    #[arg(long, help_heading = "Network")]
    pub nodelay: bool,

    /// Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the
    /// report shows what it granted.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Network")]
    pub send_buffer: Option<u64>,

    /// `octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for
    /// syslog over TCP; --size then counts framed bytes. Any destination.
    #[arg(
        long,
        value_name = "FRAMING",
        value_enum,
        default_value_t,
        help_heading = "Network"
    )]
    pub framing: Framing,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The file whose lines are sent; `-` is stdin. A last line without a
    /// newline gets one.
    #[arg(value_name = "FILE", default_value = "-")]
    pub file: PathBuf,

    /// Start the file over at its end, until --count, --size or
    /// --duration (or Ctrl-C). Not for stdin.
    #[arg(long = "loop")]
    pub looping: bool,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CatchArgs {
    /// Where to listen: `unix:PATH`, `HOST:PORT`, `[::1]:PORT`, or a bare
    /// PORT, which listens on loopback only (write out any other address,
    /// 0.0.0.0 included). Port 0 takes a free port; the address in use is
    /// printed on stderr.
    #[arg(short, long, value_name = "ADDR", value_parser = parse_listen)]
    pub listen: Endpoint,

    /// Accept N connections, then refuse more and exit when they are done.
    #[arg(short = 'c', long, value_name = "N", default_value = "1", value_parser = parse_count)]
    pub connections: u64,

    /// Serve connections until interrupted, instead of --connections.
    #[arg(short, long, conflicts_with = "connections")]
    pub keep: bool,

    /// The most connections served at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_connections: usize,

    /// `octet-counted` decodes `LEN SP MSG` frames (RFC 6587) and counts
    /// messages; without it, lines are counted.
    #[arg(long, value_name = "FRAMING", value_enum, default_value_t)]
    pub framing: Framing,

    /// Save what arrives: `-` is stdout, anything else a file (an existing
    /// one needs --force or --append). Without it, it is discarded.
    #[arg(short, long, value_name = "DEST", help_heading = "Destination")]
    pub output: Option<PathBuf>,

    /// Overwrite an existing file.
    #[arg(
        short,
        long,
        conflicts_with = "append",
        requires = "output",
        help_heading = "Destination"
    )]
    pub force: bool,

    /// Add to the end of an existing file.
    #[arg(short, long, requires = "output", help_heading = "Destination")]
    pub append: bool,

    /// Sleep DUR before each read: a slow receiver, to make senders wait.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, help_heading = "Slow receiver")]
    pub read_delay: Option<Duration>,

    /// Read at most RATE bytes per second on each connection (`1MiB/s`).
    #[arg(long, value_name = "RATE", value_parser = parse_rate, help_heading = "Slow receiver")]
    pub read_rate: Option<Rate>,

    /// Take one run's `--ack-log tcp://` journal and store it in -o FILE,
    /// as `--ack-log FILE` would have: whole records only, fdatasync'd
    /// after each batch received, and only then confirmed to the sender,
    /// whose run ends once every record is confirmed. What a sender's
    /// summary counts as journalled is on this machine's disk.
    #[arg(long, requires = "output", help_heading = "Destination")]
    pub acks: bool,

    #[command(flatten)]
    pub http: CatchHttpArgs,

    #[command(flatten)]
    pub summary: SummaryArgs,
}

fn parse_listen(arg: &str) -> Result<Endpoint, String> {
    Endpoint::parse_listen(arg)
}
