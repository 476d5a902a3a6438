//! `gush catch`: the receiving end, so that a sender (and gush's own tests)
//! need nothing else. It listens on TCP or a Unix socket, serves each
//! connection on its own thread with one bounded buffer, counts bytes and
//! records, discards or saves them, and reports like gush does.
//!
//! It is not a pipeline: there is no generator to pause, only readers, each
//! of which can be made slow (`--read-delay`, `--read-rate`) to put
//! backpressure on the sender across the socket. With `--acks` it is the
//! far end of `--ack-log tcp://`, storing and syncing the journal
//! (`acks.rs`).

mod acks;
mod connection;
pub mod frames;
mod http;
mod listen;
mod report;
mod tls;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::catch::CatchConfig;
use crate::run::{Ending as RunEnding, Run};
use crate::sink;
use crate::source::framing::Framing;
use crate::stats::End;
use connection::{Connection, ConnectionReport, Ending, Live, Output, Shared};
use listen::Listener;
use report::{CatchStats, Destination, PER_CONNECTION_SHOWN, Ticker};

/// How long the accept loop waits before looking at the stop flags again.
const POLL: Duration = Duration::from_millis(100);

pub fn run(config: CatchConfig) -> Result<ExitCode> {
    crate::run::drive(config.stats_file.as_deref(), |run| {
        serve_and_report(&config, run)
    })
}

/// Listens, serves until done or stopped, saves what waits, and reports:
/// the work [`crate::run::drive`] sets signals and `--stats-file` up for.
fn serve_and_report(config: &CatchConfig, run: &Run) -> Result<RunEnding> {
    let listener = Listener::bind(&config.listen)?;
    let listen = listener.address();
    let journal = match (&config.output, config.acks) {
        (Some(path), true) => Some(acks::JournalFile::create(path, config.existing)?),
        _ => None,
    };
    let output = match &config.output {
        None => None,
        Some(_) if journal.is_some() => None,
        Some(path) => Some(Output {
            sink: Mutex::new(sink::open(
                sink::Destination::stream(path),
                config.existing,
                run.stop_flag(),
                None,
            )?),
            closed: AtomicBool::new(false),
        }),
    };
    let destination = match &output {
        None if journal.is_some() => {
            Destination::Saved(journal.as_ref().map(|j| j.name.clone()).unwrap_or_default())
        }
        None => Destination::Discarded,
        Some(output) => Destination::Saved(
            output
                .sink
                .lock()
                .expect("not yet shared")
                .name()
                .to_string(),
        ),
    };
    // A web catcher shows its address as a URL, ready for -o.
    let shown = match config.http.as_ref().map(|http| http.tls.is_some()) {
        None => listen.clone(),
        Some(false) => listen.replacen("tcp://", "http://", 1),
        Some(true) => listen.replacen("tcp://", "https://", 1),
    };
    let record_noun = match config.framing {
        Framing::None => "lines",
        Framing::OctetCounted => "messages",
    };
    let http = match &config.http {
        None => None,
        Some(http) => Some(http::HttpServe {
            reject: http.reject,
            retry_after: http.retry_after.clone(),
            seed: http.reject_seed,
            requests: Default::default(),
            rejected: Default::default(),
            busy: Default::default(),
            tls: http
                .tls
                .as_ref()
                .map(|(cert, key)| tls::server_config(cert, key))
                .transpose()?,
            reorder: http::Reorder::new(http.hwm),
            idle_timeout: http.idle_timeout,
            header_timeout: http.header_timeout,
        }),
    };
    let shared = Arc::new(Shared {
        http,
        journal,
        live: Live::default(),
        output,
        stop: run.stop_flag(),
        halt: AtomicBool::new(false),
        framing: config.framing,
        read_delay: config.read_delay,
        read_rate: config.read_rate,
    });
    if !config.quiet {
        crate::report::stderr_line(&format!("gush catch: listening on {shown}"));
    }
    let ticker = match config.interval {
        Some(every) => Some(Ticker::start(
            Arc::clone(&shared),
            every,
            config.stats,
            record_noun,
        )?),
        None => None,
    };

    let served = serve(listener, config, &shared);

    if let Some(ticker) = ticker {
        ticker.finish();
    }
    let tally = served?;
    let waiting = match &shared.http {
        Some(http) => http.save_waiting(&shared),
        None => Ok(()),
    };
    let finished = waiting.and_then(|()| match &shared.output {
        Some(output) => {
            let mut sink = output
                .sink
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            let name = sink.name().to_string();
            sink.finish()
                .with_context(|| format!("cannot finish writing {name}"))
        }
        None => Ok(()),
    });
    let failed = tally.failed || finished.is_err();
    let closed = shared
        .output
        .as_ref()
        .is_some_and(|o| o.closed.load(Ordering::Relaxed));
    let end = if failed {
        End::Error
    } else if closed {
        End::Closed
    } else if shared.stop.load(Ordering::Relaxed) {
        End::Interrupted
    } else {
        End::Complete
    };
    let mut stats = tally.summary(listen, destination, config.framing, end, record_noun);
    stats.http = shared.http.as_ref().map(|http| report::CatchHttpStats {
        requests: http.requests.load(Ordering::Relaxed),
        rejected: http.rejected.load(Ordering::Relaxed),
        busy: http.busy.load(Ordering::Relaxed),
    });
    run.report(&stats, config.stats, || report::human(&stats), false)?;
    finished?;
    Ok(RunEnding::of(end))
}

/// Accepts connections until enough were served or catch is stopped, and
/// adds up their reports. Connection errors are printed as they happen;
/// only a failing listener is an error here.
fn serve(listener: Listener, config: &CatchConfig, shared: &Arc<Shared>) -> Result<Tally> {
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<ConnectionReport>();
    let mut listener = Some(listener);
    let mut tally = Tally::default();
    let mut accepted = 0u64;
    let mut open = 0usize;
    let mut receive = |report: ConnectionReport, open: &mut usize| {
        *open -= 1;
        shared.live.open.fetch_sub(1, Ordering::Relaxed);
        if let Some(error) = &report.error {
            crate::report::stderr_line(&format!(
                "gush catch: connection #{} from {}: {error}",
                report.number, report.peer
            ));
        }
        tally.add(report);
    };
    let stopping = || shared.stop.load(Ordering::Relaxed) || shared.halt.load(Ordering::Relaxed);
    let result = loop {
        for report in done_rx.try_iter() {
            receive(report, &mut open);
        }
        if stopping() {
            break Ok(());
        }
        let wanted = config.connections.is_none_or(|n| accepted < n);
        if !wanted {
            // Closing the listener is what refuses further connections.
            listener = None;
            if open == 0 {
                break Ok(());
            }
        }
        let Some(current) = listener.as_ref().filter(|_| open < config.max_connections) else {
            if let Ok(report) = done_rx.recv_timeout(POLL) {
                receive(report, &mut open);
            }
            continue;
        };
        let accepted_now = match current.accept(POLL) {
            Ok(Some(accepted_now)) => accepted_now,
            Ok(None) => continue,
            Err(err) => break Err(err).context("cannot accept connections"),
        };
        accepted += 1;
        open += 1;
        shared.live.open.fetch_add(1, Ordering::Relaxed);
        let connection = Connection {
            number: accepted,
            peer: accepted_now.peer,
            socket: accepted_now.socket,
            started: Instant::now(),
        };
        let shared = Arc::clone(shared);
        let done = done_tx.clone();
        std::thread::Builder::new()
            .name(format!("gush-catch-{accepted}"))
            .spawn(move || {
                let _ = done.send(connection.serve(&shared));
            })
            .context("cannot start a connection thread")?;
    };
    drop(listener);
    // Stopped or done: the connections see the flags within a poll.
    while open > 0 {
        match done_rx.recv() {
            Ok(report) => receive(report, &mut open),
            Err(_) => break,
        }
    }
    result.map(|()| tally)
}

/// The connections' reports added up as they end; the first
/// [`PER_CONNECTION_SHOWN`] are kept whole, so a long `--keep` run costs
/// the same memory as a short one.
#[derive(Default)]
struct Tally {
    bytes: u64,
    records: u64,
    connections: u64,
    first_start: Option<Instant>,
    last_end: Option<Instant>,
    failed: bool,
    shown: Vec<ConnectionReport>,
}

impl Tally {
    fn add(&mut self, report: ConnectionReport) {
        self.bytes += report.bytes;
        self.records += report.records;
        self.connections += 1;
        self.first_start = Some(
            self.first_start
                .map_or(report.started, |t| t.min(report.started)),
        );
        self.last_end = Some(self.last_end.map_or(report.ended, |t| t.max(report.ended)));
        self.failed |= report.end == Ending::Error;
        if report.number <= PER_CONNECTION_SHOWN as u64 {
            self.shown.push(report);
        }
    }

    fn summary(
        mut self,
        listen: String,
        destination: Destination,
        framing: Framing,
        end: End,
        record_noun: &'static str,
    ) -> CatchStats {
        let elapsed_s = match (self.first_start, self.last_end) {
            (Some(first), Some(last)) => last.duration_since(first).as_secs_f64(),
            _ => 0.0,
        };
        let per_second = |n: u64| {
            if elapsed_s > 0.0 {
                n as f64 / elapsed_s
            } else {
                0.0
            }
        };
        self.shown.sort_by_key(|report| report.number);
        CatchStats {
            bytes: self.bytes,
            records: self.records,
            connections: self.connections,
            elapsed_s,
            bytes_per_s: per_second(self.bytes),
            records_per_s: per_second(self.records),
            listen,
            destination,
            framing,
            end,
            per_connection: self.shown,
            record_noun,
            http: None,
        }
    }
}
