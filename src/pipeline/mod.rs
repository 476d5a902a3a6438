//! The pipeline: a generator thread (or several, see `team.rs`), one
//! writer thread, and between them a bounded channel of chunks whose
//! buffered bytes are held under the high-water mark.
//!
//! This is Node.js's writable-stream contract made explicit. When a filled
//! chunk would lift the buffered bytes past `hwm` (`write()` returning
//! false), the generator *pauses*; it *drains* (Node's `drain` event) once
//! the writer has brought them down to `lwm`. Empty chunks travel back to
//! the generator on a second channel, so the steady state allocates nothing
//! and that same channel is what wakes a paused generator.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::chunk::Chunk;
use crate::sink::Sink;
use crate::source::Source;
use crate::stats::{Bottleneck, Counters, End, FioWrite, LatencyRecorder, Stats};

mod generator;
mod growth;
mod inline;
pub mod pace;
mod returns;
mod team;
mod writer;

pub use generator::RecordTooBig;
pub use pace::Rate;

/// When the generator stops on its own. With none set it runs until
/// stopped, like `yes`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub records: Option<u64>,
    pub bytes: Option<u64>,
    pub duration: Option<Duration>,
}

/// How data flows; `config.rs` checks these before a pipeline sees them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    pub chunk_bytes: usize,
    /// High-water mark: the generator pauses rather than let more bytes
    /// than this wait between the threads.
    pub hwm_bytes: u64,
    /// Low-water mark: a paused generator resumes at or below this.
    pub lwm_bytes: u64,
    /// A slow consumer for tests and demos: sleep before each chunk.
    pub sink_delay: Option<Duration>,
    /// Pace the generator to this rate (`--rate`).
    pub rate: Option<Rate>,
    /// The most credit a paced generator may pile up, in the rate's unit;
    /// `None` is a tenth of a second's worth.
    pub burst: Option<u64>,
    /// Pace the writer to this many bytes per second (`--sink-rate`).
    pub sink_rate: Option<Rate>,
    /// The most generator threads (`--threads`); more than one needs the
    /// sources for them ([`Pipeline::helpers`]).
    pub threads: usize,
    /// Start every thread at once (`--threads` given), rather than add
    /// them while the run shows it is held back by its generator.
    pub eager_threads: bool,
    /// At most this many records in a chunk (`--batch`: an HTTP batch is
    /// a chunk); `None` fills chunks by size alone.
    pub records_per_chunk: Option<u64>,
}

impl Default for Flow {
    fn default() -> Flow {
        Flow {
            chunk_bytes: 64 * 1024,
            hwm_bytes: 1024 * 1024,
            lwm_bytes: 512 * 1024,
            sink_delay: None,
            rate: None,
            burst: None,
            sink_rate: None,
            threads: 1,
            eager_threads: false,
            records_per_chunk: None,
        }
    }
}

/// The most chunks the channel holds. crossbeam allocates every slot up
/// front, so a tiny --chunk under a huge --hwm must not ask for billions; a
/// full channel is a pause like the byte gate (see the generator). Each
/// waiting chunk costs a slot and a handle besides its bytes (about 80
/// bytes in all), so at 1 KiB chunks 65536 of them took 5 MiB over the
/// hwm; at 16384 a `--chunk` below hwm/16384 simply buffers less than the
/// hwm, and memory stays within hwm + 8 MiB at every chunk size.
const MAX_SLOTS: u64 = 1 << 14;

/// A run that ended in a write error, with what was counted up to it.
#[derive(Debug)]
pub struct Failed {
    pub stats: Stats,
    pub error: anyhow::Error,
}

/// One source, one sink, and the flow between them.
pub struct Pipeline {
    source: Box<dyn Source>,
    /// Sources making the same stream, one for each more generator thread.
    helpers: Vec<Box<dyn Source>>,
    sink: Box<dyn Sink>,
    limits: Limits,
    flow: Flow,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    timed: bool,
    inline: bool,
}

impl Pipeline {
    pub fn new(source: Box<dyn Source>, sink: Box<dyn Sink>) -> Pipeline {
        Pipeline {
            source,
            helpers: Vec::new(),
            sink,
            limits: Limits::default(),
            flow: Flow::default(),
            stop: Arc::default(),
            counters: Arc::default(),
            timed: true,
            inline: false,
        }
    }

    /// Make each chunk on the writer's thread as it is needed, with no
    /// generator thread (a region run: see `inline.rs`). Not for a paced
    /// run (`--rate` paces the generator, which this has none of).
    pub fn inline(mut self, inline: bool) -> Pipeline {
        self.inline = inline;
        self
    }

    pub fn limits(mut self, limits: Limits) -> Pipeline {
        self.limits = limits;
        self
    }

    pub fn flow(mut self, flow: Flow) -> Pipeline {
        self.flow = flow;
        self
    }

    /// More sources making the same stream as the first (same plan), for
    /// up to `Flow::threads` generator threads. They are used only if the
    /// sources can start anywhere ([`Source::position`]) and the run is
    /// not paced; unless `Flow::eager_threads`, threads start only while a
    /// run shows it is held back by its generator (see `growth.rs`).
    pub fn helpers(mut self, helpers: Vec<Box<dyn Source>>) -> Pipeline {
        self.helpers = helpers;
        self
    }

    /// A flag that, once set, stops generating; chunks already generated
    /// are still written. Signal handlers set it.
    /// Whether stream writes are timed into the latency histograms
    /// (`--no-latency` turns it off); on by default.
    pub fn timed(mut self, timed: bool) -> Pipeline {
        self.timed = timed;
        self
    }

    pub fn stop_flag(mut self, stop: Arc<AtomicBool>) -> Pipeline {
        self.stop = stop;
        self
    }

    /// The live counters, for a display to read while the pipeline runs.
    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.counters)
    }

    /// Runs to the end and returns what was counted.
    pub fn run(self) -> Result<Stats, Box<Failed>> {
        let Pipeline {
            source,
            helpers,
            sink,
            limits,
            flow,
            stop,
            counters,
            timed,
            inline,
        } = self;
        let inline = inline && flow.rate.is_none();
        // What the generator puts in a chunk: the sink may want less than
        // the buffer holds (a TCP socket: whole segments).
        let fill_bytes = sink.fit_chunk(flow.chunk_bytes);
        let chunk_capacity = flow.chunk_bytes + sink.headroom();
        // Capacity is a ceiling on chunk count only; the byte gate in the
        // generator is what holds the high-water mark.
        let slots = (flow.hwm_bytes / flow.chunk_bytes as u64).clamp(1, MAX_SLOTS) as usize + 1;
        let (full_tx, full_rx) = crossbeam_channel::bounded::<Chunk>(slots);
        let (empty_tx, empty_rx) = crossbeam_channel::unbounded::<Chunk>();
        let shape = source.record_shape();
        let record_noun = source.record_noun();
        let destination = sink.name().to_string();
        let started = Instant::now();
        let deadline = limits.duration.map(|d| started + d);
        // More threads only for a source that can start anywhere, a run
        // that is not paced (its pace, not its generator, sets its speed),
        // and no more than the hwm holds chunks (see team.rs).
        let most_threads = flow
            .threads
            .min(1 + helpers.len())
            .min((flow.hwm_bytes / flow.chunk_bytes as u64).max(1) as usize);
        let team =
            (!inline && most_threads > 1 && flow.rate.is_none() && source.position().is_some())
                .then(|| {
                    let spare = helpers.into_iter().take(most_threads - 1).collect();
                    team::Team::new(
                        spare,
                        flow,
                        fill_bytes,
                        chunk_capacity,
                        &stop,
                        &counters,
                        started,
                        deadline,
                    )
                });

        let writer = writer::Writer {
            sink,
            stop: &stop,
            flow,
            shape,
            counters: &counters,
            started,
            latency: LatencyRecorder::new(&counters.latency),
            timed,
        };
        let (mut generated, written) = if inline {
            let mut maker = inline::Maker::new(
                source,
                limits,
                flow,
                fill_bytes,
                chunk_capacity,
                empty_rx,
                &stop,
                &counters,
                started,
            );
            drop(full_rx);
            let mut written = writer.run(&mut writer::Input::Inline(&mut maker), empty_tx);
            let generated = maker.into_generated();
            written.idle = inline::idle(&generated);
            (vec![generated], written)
        } else {
            std::thread::scope(|scope| {
                let generator = generator::Generator {
                    source,
                    limits,
                    flow,
                    fill_bytes,
                    chunk_capacity,
                    stop: &stop,
                    counters: &counters,
                    started,
                    growth: team
                        .as_ref()
                        .map(|_| growth::Growth::new(started, flow.eager_threads)),
                };
                let team = team.as_ref();
                let generator = scope.spawn(move || {
                    let mut alone = generator.run(full_tx.clone(), empty_rx.clone());
                    match (alone.handoff.take(), team) {
                        (Some(handoff), Some(team)) => {
                            let led = team.lead(handoff, scope, &full_tx, &empty_rx);
                            alone.busy += led.busy;
                            vec![alone, led]
                        }
                        _ => vec![alone],
                    }
                });
                let written = writer.run(&mut writer::Input::Channel(full_rx), empty_tx);
                (
                    generator.join().expect("generator thread panicked"),
                    written,
                )
            })
        };
        // The first thread's own time, then each helper's.
        let mut busy_s = vec![generated[0].busy.as_secs_f64()];
        let mut team_paused = Duration::ZERO;
        if let Some(team) = &team {
            let helpers = team.results();
            busy_s.extend(helpers.iter().map(|g| g.busy.as_secs_f64()));
            generated.extend(helpers);
            team_paused = team.paused();
            if let Some(error) = team.take_error() {
                generated[0].error.get_or_insert(error);
            }
        }
        let generated_end = generated
            .iter()
            .map(|g| g.end)
            .max_by_key(|end| match end {
                End::Error => 3,
                End::Interrupted => 2,
                _ => 1,
            })
            .unwrap_or(End::Complete);
        let generated_error = generated.iter_mut().find_map(|g| g.error.take());
        let elapsed = written.finished.duration_since(started);
        let elapsed_s = elapsed.as_secs_f64();
        let (end, error) = match written.outcome {
            Ok(()) => match generated_error {
                Some(error) => (End::Error, Some(error)),
                None => (generated_end, None),
            },
            Err(writer::Stopped::Closed) => (End::Closed, None),
            Err(writer::Stopped::Failed(error)) => (End::Error, Some(error)),
            Err(writer::Stopped::Interrupted(error)) => (End::Interrupted, Some(error)),
        };
        let bytes = Counters::get(&counters.bytes);
        // Buffered bytes over time are bytes sent minus bytes written, so
        // their time integral is the difference of the two sides' own
        // integrals, each kept without any shared state.
        let sent_integral: f64 = generated
            .iter()
            .map(|g| g.sent.integral_until(written.finished))
            .sum();
        let mean_buffered_bytes = if elapsed_s > 0.0 {
            ((sent_integral - written.released_integral) / elapsed_s).max(0.0)
        } else {
            0.0
        };
        let paused_s = (generated[0].paused + team_paused).as_secs_f64();
        let writer_idle_s = written.idle.as_secs_f64();
        let mut stats = Stats {
            bytes,
            records: Counters::get(&counters.records),
            chunks: Counters::get(&counters.chunks),
            elapsed_s,
            bytes_per_s: 0.0,
            iops: 0.0,
            hwm_bytes: flow.hwm_bytes,
            lwm_bytes: flow.lwm_bytes,
            chunk_bytes: flow.chunk_bytes as u64,
            pauses: Counters::get(&counters.pauses),
            drains: Counters::get(&counters.drains),
            paused_s,
            writer_idle_s,
            peak_buffered_bytes: Counters::get(&counters.peak_buffered_bytes),
            mean_buffered_bytes,
            writes: written.writes,
            threads: busy_s.len() as u64,
            generator_busy_s: busy_s,
            seed: None,
            destination,
            bottleneck: match inline {
                // One thread: held back by whichever of making the bytes
                // and waiting on the destination took longer.
                true => Bottleneck::of(
                    elapsed_s - writer_idle_s,
                    writer_idle_s,
                    written.compression.as_ref(),
                ),
                false => Bottleneck::of(paused_s, writer_idle_s, written.compression.as_ref()),
            },
            end,
            record_noun,
            ramp_s: 0.0,
            ramp_bytes: 0,
            ramp_ios: 0,
            write: FioWrite::default(),
            write_lat_ns: written.latency.write,
            sync_lat_ns: written.latency.sync,
            sink: written.sink,
            compression: written.compression,
            parquet: written.parquet,
            verify: None,
            intervals: Vec::new(),
        };
        // The run's own rates; a `--ramp` is left out of them later, by the
        // monitor's look at the counters when it ended (see lib.rs).
        stats.measure(None);
        match error {
            None => Ok(stats),
            Some(error) => Err(Box::new(Failed { stats, error })),
        }
    }
}

/// The time integral of a count that only grows, in byte-seconds, kept by
/// the one thread that grows it.
#[derive(Debug, Clone, Copy)]
struct Integral {
    total: u64,
    since: Instant,
    area: f64,
}

impl Integral {
    fn new(start: Instant) -> Integral {
        Integral {
            total: 0,
            since: start,
            area: 0.0,
        }
    }

    fn add(&mut self, amount: u64, now: Instant) {
        self.area += self.total as f64 * now.duration_since(self.since).as_secs_f64();
        self.total += amount;
        self.since = now;
    }

    fn integral_until(&self, end: Instant) -> f64 {
        self.area + self.total as f64 * end.saturating_duration_since(self.since).as_secs_f64()
    }
}

fn is_set(flag: &AtomicBool) -> bool {
    flag.load(Ordering::Relaxed)
}
