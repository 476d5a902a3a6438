//! Socket addresses as gush's command line writes them, shared by the
//! socket destination (`-o tcp://HOST:PORT`, `-o unix:PATH`) and the
//! receiving end (`gush catch --listen`): parsing, display, name resolution
//! and short descriptions of the errors sockets give.
//!
//! It is separate from `sink/` because `gush catch` binds the same kind of
//! address that a sink connects to.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

pub mod backoff;

/// Where a socket connects or listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A host name or IP literal (IPv6 without its brackets) and a port.
    Tcp { host: String, port: u16 },
    /// The path of a Unix stream socket.
    Unix(PathBuf),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Endpoint::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

impl Endpoint {
    /// A destination given to `-o`: `tcp://HOST:PORT` or `unix:PATH`.
    /// `None` means it is not a network address (a file path, or `-`).
    pub fn parse_destination(arg: &str) -> Option<Result<Endpoint, String>> {
        if let Some(path) = arg.strip_prefix("unix:") {
            return Some(unix(arg, path));
        }
        let rest = arg.strip_prefix("tcp://")?;
        Some(host_port(arg, rest, false))
    }

    /// An address given to `gush catch --listen`: `unix:PATH`,
    /// `[tcp://]HOST:PORT`, or a bare port, which binds loopback only: any
    /// other address, the wildcard `0.0.0.0` included, must be written out.
    pub fn parse_listen(arg: &str) -> Result<Endpoint, String> {
        if let Some(path) = arg.strip_prefix("unix:") {
            return unix(arg, path);
        }
        if let Ok(port) = arg.parse::<u16>() {
            return Ok(Endpoint::Tcp {
                host: "127.0.0.1".to_string(),
                port,
            });
        }
        host_port(arg, arg.strip_prefix("tcp://").unwrap_or(arg), true)
    }

    /// The socket addresses a TCP endpoint stands for, in the resolver's
    /// order.
    pub fn resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        // RFC 6761 §6.4: resolver libraries should answer names under
        // `.invalid` with a negative response at once. glibc asks DNS
        // anyway, which without a network can take many seconds.
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        if name == "invalid" || name.ends_with(".invalid") {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("cannot resolve {host}: names under .invalid never resolve (RFC 6761)"),
            ));
        }
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|err| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("cannot resolve {host}: {err}"),
                )
            })?
            .collect();
        if addrs.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("cannot resolve {host}: it has no addresses"),
            ));
        }
        Ok(addrs)
    }
}

fn unix(arg: &str, path: &str) -> Result<Endpoint, String> {
    if path.is_empty() {
        return Err(format!(
            "`{arg}` names no socket path (try unix:/tmp/gush.sock)"
        ));
    }
    Ok(Endpoint::Unix(PathBuf::from(path)))
}

/// `HOST:PORT` or `[V6]:PORT`; port 0 only where binding (any free port).
fn host_port(arg: &str, rest: &str, port_zero: bool) -> Result<Endpoint, String> {
    let bad = |why: &str| format!("`{arg}` {why} (try tcp://127.0.0.1:9000 or tcp://[::1]:9000)");
    let Some((host, port)) = rest.rsplit_once(':') else {
        return Err(bad("has no port"));
    };
    let host = match host.strip_prefix('[') {
        Some(inner) => inner
            .strip_suffix(']')
            .ok_or_else(|| bad("has an unclosed `[`"))?,
        None if host.contains(':') => return Err(bad("needs brackets around an IPv6 address")),
        None => host,
    };
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    let port: u16 = port.parse().map_err(|_| bad("has a bad port"))?;
    if port == 0 && !port_zero {
        return Err(bad("has port 0, which cannot be connected to"));
    }
    Ok(Endpoint::Tcp {
        host: host.to_string(),
        port,
    })
}

/// A socket error in a few lowercase words, for messages such as
/// `cannot connect to tcp://127.0.0.1:9: connection refused`. Errors gush
/// made itself already say what they mean and are kept whole.
pub fn describe(err: &io::Error) -> String {
    if err.raw_os_error().is_none() {
        return err.to_string();
    }
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset by peer".into(),
        io::ErrorKind::ConnectionAborted => "connection aborted".into(),
        io::ErrorKind::BrokenPipe => "the peer closed the connection".into(),
        io::ErrorKind::NotConnected => "not connected".into(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "timed out".into(),
        io::ErrorKind::AddrInUse => "address in use".into(),
        io::ErrorKind::AddrNotAvailable => "address not available on this host".into(),
        io::ErrorKind::NotFound => "no such socket file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::HostUnreachable => "host unreachable".into(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".into(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16) -> Endpoint {
        Endpoint::Tcp {
            host: host.into(),
            port,
        }
    }

    #[test]
    fn parses_destinations() {
        assert_eq!(Endpoint::parse_destination("out.txt"), None);
        assert_eq!(Endpoint::parse_destination("-"), None);
        assert_eq!(
            Endpoint::parse_destination("tcp://127.0.0.1:9000"),
            Some(Ok(tcp("127.0.0.1", 9000)))
        );
        assert_eq!(
            Endpoint::parse_destination("tcp://[::1]:514"),
            Some(Ok(tcp("::1", 514)))
        );
        assert_eq!(
            Endpoint::parse_destination("unix:/tmp/x.sock"),
            Some(Ok(Endpoint::Unix("/tmp/x.sock".into())))
        );
        for bad in [
            "tcp://host",
            "tcp://:80",
            "tcp://h:0",
            "tcp://h:99999",
            "tcp://::1:80",
            "unix:",
        ] {
            let err = Endpoint::parse_destination(bad).unwrap().unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn a_bare_port_listens_on_loopback() {
        assert_eq!(Endpoint::parse_listen("9000"), Ok(tcp("127.0.0.1", 9000)));
        assert_eq!(Endpoint::parse_listen("0.0.0.0:0"), Ok(tcp("0.0.0.0", 0)));
        assert_eq!(Endpoint::parse_listen("[::1]:7"), Ok(tcp("::1", 7)));
        assert_eq!(tcp("::1", 7).to_string(), "tcp://[::1]:7");
    }

    #[test]
    fn invalid_names_fail_without_asking_anyone() {
        let err = Endpoint::resolve("nowhere.invalid", 80).unwrap_err();
        assert!(err.to_string().contains("RFC 6761"), "{err}");
    }
}
