//! `--http stream`: the whole output as the body of one request, sent with
//! chunked transfer encoding, as `curl -T -` does.
//!
//! Plain http is written by hand (`wire.rs`) from the writer thread, each
//! write one chunk of the body; a server that answers before the body
//! ends (413) is heard between writes, or after the write it broke, and
//! its status and body are what the run reports. For https, ureq reads
//! the body from a reader on a thread of its own, which the writer thread
//! feeds through a pipe. Either way backpressure is TCP's, as for
//! `tcp://`: a slow server fills the socket and the writer blocks.

use std::io::{self, IoSlice, PipeWriter, Write};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use ureq::{Agent, SendBody};

use super::retry::{Attempt, answered};
use super::send::{Answer, answer, transport};
use super::wire::{Connection, Target};
use super::{HttpCounters, HttpOptions, Method};
use crate::sink::{Live, Sink, SinkReport};
use crate::stats::HttpMode;

pub struct HttpStream {
    name: String,
    /// Plain http: the one request's connection, by hand.
    wire: Option<WireStream>,
    counters: Arc<HttpCounters>,
    /// `None` once the body is closed.
    body: Option<PipeWriter>,
    /// The request: how it ended, a failure told in words.
    request: Option<JoinHandle<Result<(), String>>>,
}

impl HttpStream {
    pub fn start(options: &HttpOptions, agent: Agent) -> Result<HttpStream> {
        let counters = Arc::new(HttpCounters::new(HttpMode::Stream, 1));
        if let Some(target) = Target::new(options)
            .with_context(|| format!("cannot resolve the host of {}", options.shown_url()))?
        {
            let wire = WireStream::start(&target, options)?;
            return Ok(HttpStream {
                name: options.shown_url(),
                wire: Some(wire),
                counters,
                body: None,
                request: None,
            });
        }
        let (body_reader, body) = io::pipe().context("cannot make a pipe for the request body")?;
        let request = {
            let options = options.clone();
            let counters = Arc::clone(&counters);
            std::thread::Builder::new()
                .name("gush-http-stream".into())
                .spawn(move || {
                    let mut body_reader = body_reader;
                    let request = match options.method {
                        Method::Post => agent.post(&options.url),
                        Method::Put => agent.put(&options.url),
                    };
                    let mut request = request.header("Content-Type", &options.content_type);
                    for (name, value) in &options.headers {
                        request = request.header(name, value);
                    }
                    let response = request
                        .send(SendBody::from_reader(&mut body_reader))
                        .map_err(|err| match transport(&err, &options) {
                            Attempt::Failed(why) | Attempt::Fatal(why) => why,
                            Attempt::Answered { .. } => unreachable!("a transport failure"),
                        })?;
                    let answer = answer(response);
                    counters.status(answer.status);
                    match answer.status {
                        200..=299 => Ok(()),
                        status => Err(answered(status, &answer.quoted)),
                    }
                })
                .context("cannot start the HTTP request thread")?
        };
        Ok(HttpStream {
            name: options.shown_url(),
            wire: None,
            counters,
            body: Some(body),
            request: Some(request),
        })
    }

    /// How the request ended, once its thread is done.
    fn outcome(&mut self) -> io::Result<()> {
        drop(self.body.take());
        let Some(request) = self.request.take() else {
            return Ok(());
        };
        match request.join() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(io::Error::other(why)),
            Err(_) => Err(io::Error::other("the HTTP request thread failed")),
        }
    }
}

impl Sink for HttpStream {
    fn name(&self) -> &str {
        &self.name
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(wire) = self.wire.as_mut() {
            return wire.write(buf, &self.counters);
        }
        let Some(body) = self.body.as_mut() else {
            return Err(io::ErrorKind::BrokenPipe.into());
        };
        match body.write(buf) {
            Ok(n) => Ok(n),
            // The request ended before its body did: say why it ended.
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => match self.outcome() {
                Ok(()) => Err(io::Error::other(
                    "the server answered before the whole body was sent",
                )),
                Err(why) => Err(why),
            },
            Err(err) => Err(err),
        }
    }

    /// Closes the body (the last, empty chunk) and waits for the answer.
    fn finish(&mut self) -> io::Result<()> {
        if let Some(wire) = self.wire.as_mut() {
            return wire.finish(&self.counters);
        }
        self.outcome()
    }

    fn live(&self) -> Option<Live> {
        Some(Live::Http(Arc::clone(&self.counters)))
    }

    fn report(&self) -> SinkReport {
        SinkReport::Http(self.counters.snapshot())
    }
}

/// The one request of a plain-http stream, written by hand.
struct WireStream {
    connection: Connection,
    request_timeout: Option<Duration>,
    /// The chunk-size line in front of each write.
    size_line: Vec<u8>,
}

impl WireStream {
    fn start(target: &Target, options: &HttpOptions) -> Result<WireStream> {
        let mut connection = target.connect().map_err(|err| {
            anyhow::anyhow!(
                "cannot connect to {}: {}",
                options.shown_url(),
                crate::net::describe(&err)
            )
        })?;
        let head = target.stream_head();
        connection
            .send(&mut [IoSlice::new(&head)])
            .with_context(|| format!("cannot send the request head to {}", options.shown_url()))?;
        // Writes block while the server reads slowly; a stream has no
        // time limit but its response's.
        connection.set_write_timeout(None);
        Ok(WireStream {
            connection,
            request_timeout: options.request_timeout,
            size_line: Vec::new(),
        })
    }

    fn write(&mut self, buf: &[u8], counters: &HttpCounters) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.connection.has_spoken() {
            return Err(self.refusal(counters, None));
        }
        self.size_line.clear();
        self.size_line
            .extend_from_slice(format!("{:x}\r\n", buf.len()).as_bytes());
        let sent = self.connection.send(&mut [
            IoSlice::new(&self.size_line),
            IoSlice::new(buf),
            IoSlice::new(b"\r\n"),
        ]);
        match sent {
            Ok(()) => Ok(buf.len()),
            Err(err) => Err(self.refusal(counters, Some(err))),
        }
    }

    /// The body broke off (or the server spoke first): its answer if it
    /// gave one, else the error the write met.
    fn refusal(&mut self, counters: &HttpCounters, err: Option<io::Error>) -> io::Error {
        match (self.connection.last_word(), err) {
            (Some(answer), _) => {
                counters.status(answer.status);
                io::Error::other(match answer.status {
                    200..=299 => "the server answered before the whole body was sent".to_string(),
                    status => answered(status, &answer.quoted),
                })
            }
            (None, Some(err)) => io::Error::new(err.kind(), crate::net::describe(&err)),
            (None, None) => io::Error::other("the server closed the connection mid-body"),
        }
    }

    fn finish(&mut self, counters: &HttpCounters) -> io::Result<()> {
        if let Err(err) = self.connection.send(&mut [IoSlice::new(b"0\r\n\r\n")]) {
            return Err(self.refusal(counters, Some(err)));
        }
        self.connection.set_response_timeout(self.request_timeout);
        let (answer, _): (Answer, bool) =
            self.connection.response().map_err(|err| match err.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                    io::Error::other("no response within --request-timeout after the body was sent")
                }
                _ => err,
            })?;
        counters.status(answer.status);
        match answer.status {
            200..=299 => Ok(()),
            status => Err(io::Error::other(answered(status, &answer.quoted))),
        }
    }
}
