//! The listening socket of `gush catch`: bound from an [`Endpoint`], polled
//! with a timeout so that Ctrl-C is seen while nobody connects, and, for a
//! Unix socket, its file removed again when catch is done with it.

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow};
use socket2::{Domain, Protocol, Socket, Type};

use crate::net::{Endpoint, describe};

/// Connections the kernel may hold for us between accepts.
const BACKLOG: i32 = 1024;

pub enum Listener {
    Tcp(Socket),
    /// The socket, and the file it made, to remove on drop.
    Unix(UnixListener, PathBuf),
}

/// An accepted connection, and the peer's name for the report.
pub struct Accepted {
    pub socket: Socket,
    pub peer: String,
}

impl Listener {
    pub fn bind(endpoint: &Endpoint) -> Result<Listener> {
        let failed = |err: io::Error| {
            let mut message = format!("cannot listen on {endpoint}: {}", describe(&err));
            if err.kind() == io::ErrorKind::AddrInUse && matches!(endpoint, Endpoint::Unix(_)) {
                message += " (a file is there; remove it if nothing listens on it)";
            }
            anyhow!(message)
        };
        match endpoint {
            Endpoint::Tcp { host, port } => {
                let addr = Endpoint::resolve(host, *port).map_err(failed)?[0];
                let socket =
                    Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
                        .map_err(failed)?;
                // A catcher restarted on the same port must not wait out
                // the old connections' TIME_WAIT.
                socket.set_reuse_address(true).map_err(failed)?;
                socket.bind(&addr.into()).map_err(failed)?;
                socket.listen(BACKLOG).map_err(failed)?;
                Ok(Listener::Tcp(socket))
            }
            Endpoint::Unix(path) => {
                let listener = UnixListener::bind(path).map_err(failed)?;
                Ok(Listener::Unix(listener, path.clone()))
            }
        }
    }

    /// The address in use, with the port the kernel chose for port 0.
    pub fn address(&self) -> String {
        match self {
            Listener::Tcp(socket) => match socket.local_addr().ok().and_then(|a| a.as_socket()) {
                Some(addr) => Endpoint::Tcp {
                    host: addr.ip().to_string(),
                    port: addr.port(),
                }
                .to_string(),
                None => "tcp://?".to_string(),
            },
            Listener::Unix(_, path) => Endpoint::Unix(path.clone()).to_string(),
        }
    }

    /// Waits up to `timeout` for a connection.
    pub fn accept(&self, timeout: Duration) -> io::Result<Option<Accepted>> {
        let fd = match self {
            Listener::Tcp(socket) => socket.as_raw_fd(),
            Listener::Unix(listener, _) => listener.as_raw_fd(),
        };
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd, for the length of the call.
        match unsafe { libc::poll(&mut poll, 1, millis) } {
            0 => return Ok(None),
            n if n < 0 => {
                let err = io::Error::last_os_error();
                return match err.kind() {
                    io::ErrorKind::Interrupted => Ok(None),
                    _ => Err(err),
                };
            }
            _ => {}
        }
        let accepted = match self {
            Listener::Tcp(socket) => socket.accept().map(|(socket, addr)| Accepted {
                peer: addr
                    .as_socket()
                    .map_or_else(|| "?".to_string(), |a| a.to_string()),
                socket,
            }),
            Listener::Unix(listener, _) => listener.accept().map(|(stream, _)| Accepted {
                socket: Socket::from(stream),
                peer: "unix".to_string(),
            }),
        };
        match accepted {
            Ok(accepted) => Ok(Some(accepted)),
            // The peer gave up between poll and accept.
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix(_, path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}
