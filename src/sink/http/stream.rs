//! `--http stream`: the whole output as the body of one request, sent with
//! chunked transfer encoding, as `curl -T -` does.
//!
//! ureq reads the body from a reader on a thread of its own; the writer
//! thread writes chunks into a pipe that thread reads. Backpressure is
//! TCP's, as for `tcp://`: a slow server fills the socket, ureq stops
//! reading the pipe, the pipe fills and the writer blocks.

use std::io::{self, PipeWriter, Write};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use ureq::{Agent, SendBody};

use super::send::{Transport, answer, refused, transport};
use super::{HttpCounters, HttpOptions, Method};
use crate::sink::{Live, Sink, SinkReport};
use crate::stats::HttpMode;

pub struct HttpStream {
    name: String,
    counters: Arc<HttpCounters>,
    /// `None` once the body is closed.
    body: Option<PipeWriter>,
    /// The request: how it ended, a failure told in words.
    request: Option<JoinHandle<Result<(), String>>>,
}

impl HttpStream {
    pub fn start(options: &HttpOptions, agent: Agent) -> Result<HttpStream> {
        let (body_reader, body) = io::pipe().context("cannot make a pipe for the request body")?;
        let counters = Arc::new(HttpCounters::new(HttpMode::Stream, 1));
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
                            Transport::Retry(why) | Transport::Fatal(why) => why,
                        })?;
                    let answer = answer(response);
                    counters.status(answer.status);
                    match answer.status {
                        200..=299 => Ok(()),
                        _ => Err(refused(&answer)),
                    }
                })
                .context("cannot start the HTTP request thread")?
        };
        Ok(HttpStream {
            name: options.url.clone(),
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
        self.outcome()
    }

    fn live(&self) -> Option<Live> {
        Some(Live::Http(Arc::clone(&self.counters)))
    }

    fn report(&self) -> SinkReport {
        SinkReport::Http(self.counters.snapshot())
    }
}
