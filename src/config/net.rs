//! The network half of the checked configuration: a socket destination
//! and its flags, `--framing`, and `gush replay`'s input. Part of
//! `config.rs`, kept apart so the two can change without touching.

use std::path::Path;
use std::time::Duration;

use super::{SourceSpec, refuse_given, usage};
use crate::cli::{CommonArgs, ReplayArgs};
use crate::net::Endpoint;
use crate::sink::Network;
use crate::source::framing::Framing;

/// `--connect-timeout` when none is given.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The socket `-o` names, with its flags; `None` for a file or stdout,
/// which take none of them.
pub(super) fn network(common: &CommonArgs) -> Result<Option<Network>, clap::Error> {
    let net = &common.net;
    let endpoint = match common.output.to_str().and_then(Endpoint::parse_destination) {
        Some(parsed) => parsed.map_err(usage)?,
        // A web endpoint takes --connect-timeout and --retry too: see
        // config/http.rs.
        None if super::http::is_http(&common.output) || super::s3::is_s3(&common.output) => {
            return Ok(None);
        }
        None => {
            // A journal on another machine is connected to with them.
            let journal = common.disk.ack_log.as_ref().is_some_and(|j| j.is_remote());
            let given = [
                (
                    "--connect-timeout",
                    net.connect_timeout.is_some() && !journal,
                ),
                ("--retry", net.retry.is_some() && !journal),
                ("--reconnect", net.reconnect),
                ("--nodelay", net.nodelay),
                ("--send-buffer", net.send_buffer.is_some()),
            ];
            refuse_given(&given, |flag| {
                format!(
                    "{flag} is for socket destinations and an --ack-log on another machine, and -o {} is not one (try -o tcp://HOST:PORT or -o unix:PATH)",
                    common.output.display()
                )
            })?;
            return Ok(None);
        }
    };
    if common.force || common.append {
        return Err(usage(format!(
            "--force and --append are for files; {endpoint} is a socket"
        )));
    }
    if net.nodelay && matches!(endpoint, Endpoint::Unix(_)) {
        return Err(usage(format!(
            "--nodelay is a TCP option; {endpoint} is a Unix socket"
        )));
    }
    Ok(Some(Network {
        endpoint,
        connect_timeout: net.connect_timeout.unwrap_or(CONNECT_TIMEOUT),
        retry: net.retry.unwrap_or(0),
        reconnect: net.reconnect,
        nodelay: net.nodelay,
        send_buffer: net.send_buffer,
    }))
}

/// Framing needs records that end in a newline.
pub(super) fn framing(source: &SourceSpec, common: &CommonArgs) -> Result<Framing, clap::Error> {
    let framing = common.net.framing;
    if framing == Framing::OctetCounted && matches!(source, SourceSpec::Bytes { .. }) {
        return Err(usage(
            "--framing octet-counted frames lines; `gush bytes` writes no lines".to_string(),
        ));
    }
    Ok(framing)
}

/// `gush replay`: stdin can be read only once.
pub(super) fn replay(args: ReplayArgs) -> Result<(SourceSpec, CommonArgs), clap::Error> {
    if args.looping && args.file == Path::new("-") {
        return Err(usage(
            "--loop needs a file: stdin cannot be read twice".to_string(),
        ));
    }
    let source = SourceSpec::Replay {
        file: args.file,
        looping: args.looping,
    };
    Ok((source, args.common))
}
