//! What a run counted: live counters shared between the threads, and the
//! final [`Stats`] that the report prints.
//!
//! The counters are plain atomics that the generator and writer bump once
//! per chunk; anything that wants to watch a run (the live progress display)
//! reads them and never makes the hot threads wait. Latency histograms
//! (`latency.rs`) are counters too: the writer records, the monitor and the
//! summary read.

pub mod files;
pub mod latency;
pub mod series;
pub mod steady;
pub mod verify;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use serde::Serialize;

pub use files::{FileBytes, FilesStats, ParquetStats};
pub use latency::{Latency, LatencyRecorder, LatencyTotals, SharedLatencies};
pub use series::{IntervalRow, Ramp, RampBaseline};

/// Live counters, bumped by the generator and writer threads and readable
/// at any time.
#[derive(Debug, Default)]
pub struct Counters {
    /// Bytes and records that reached the destination.
    pub bytes: AtomicU64,
    pub records: AtomicU64,
    pub chunks: AtomicU64,
    /// I/Os the destination took: for a disk one engine write, for a
    /// stream one write call (the `writes` of the summary, live).
    pub ios: AtomicU64,
    /// Bytes handed to the writer and not yet written: the quantity the
    /// water marks bound.
    pub buffered_bytes: AtomicU64,
    pub peak_buffered_bytes: AtomicU64,
    pub pauses: AtomicU64,
    pub drains: AtomicU64,
    /// True while the generator waits for a drain.
    pub paused: AtomicBool,
    /// Nanoseconds generators waited for a drain, and the writer waited
    /// for a chunk, counted as each wait ends: which side held a stretch
    /// of the run back, live (`growth.rs` adds threads by it).
    pub paused_ns: AtomicU64,
    pub writer_idle_ns: AtomicU64,
    /// The source failed mid-run (a replayed file's read error): set
    /// before the generator lets the writer go, so the writer knows the
    /// output is cut short and can abandon rather than finish it.
    pub source_failed: AtomicBool,
    /// Write and sync latencies recorded since the monitor last took them.
    pub latency: SharedLatencies,
    /// An HTTP destination's requests and server pauses, for the
    /// `--interval` lines; set once, before the run.
    pub http: OnceLock<Arc<HttpCounters>>,
}

impl Counters {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Counts `len` more bytes made and not yet written, and keeps the
    /// peak: the one place the buffered figure grows, whoever made them.
    pub fn add_buffered(&self, len: u64) {
        let now = self.buffered_bytes.fetch_add(len, Ordering::SeqCst) + len;
        self.peak_buffered_bytes.fetch_max(now, Ordering::Relaxed);
    }

    /// Adds a wait that just ended to a time counter in nanoseconds.
    pub fn add_time(&self, counter: &AtomicU64, waited: std::time::Duration) {
        counter.fetch_add(waited.as_nanos() as u64, Ordering::Relaxed);
    }
}

/// What an HTTP destination counts live: its senders bump these as
/// responses come; the summary and the `--interval` lines read them.
#[derive(Debug)]
pub struct HttpCounters {
    /// How the destination sends, and its requests in flight at most:
    /// fixed when it opens, carried here so every snapshot is whole.
    pub mode: HttpMode,
    pub queue_depth: usize,
    pub requests: AtomicU64,
    pub status_2xx: AtomicU64,
    pub status_4xx: AtomicU64,
    pub status_5xx: AtomicU64,
    pub status_429: AtomicU64,
    pub retries: AtomicU64,
    pub retried_bytes: AtomicU64,
    pub server_pauses: AtomicU64,
    /// Nanoseconds spent waiting as the server asked (429, 503).
    pub server_paused_ns: AtomicU64,
}

impl HttpCounters {
    pub fn new(mode: HttpMode, queue_depth: usize) -> HttpCounters {
        HttpCounters {
            mode,
            queue_depth,
            requests: AtomicU64::default(),
            status_2xx: AtomicU64::default(),
            status_4xx: AtomicU64::default(),
            status_5xx: AtomicU64::default(),
            status_429: AtomicU64::default(),
            retries: AtomicU64::default(),
            retried_bytes: AtomicU64::default(),
            server_pauses: AtomicU64::default(),
            server_paused_ns: AtomicU64::default(),
        }
    }

    /// Counts a response by its status class.
    pub fn status(&self, status: u16) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let class = match status {
            200..=299 => &self.status_2xx,
            400..=499 => &self.status_4xx,
            500..=599 => &self.status_5xx,
            _ => return,
        };
        class.fetch_add(1, Ordering::Relaxed);
        if status == 429 {
            self.status_429.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The figures so far.
    pub fn snapshot(&self) -> HttpStats {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        HttpStats {
            http_mode: self.mode,
            requests: get(&self.requests),
            status_2xx: get(&self.status_2xx),
            status_4xx: get(&self.status_4xx),
            status_5xx: get(&self.status_5xx),
            status_429: get(&self.status_429),
            retries: get(&self.retries),
            retried_bytes: get(&self.retried_bytes),
            server_pauses: get(&self.server_pauses),
            server_paused_s: get(&self.server_paused_ns) as f64 / 1e9,
            http_queue_depth: self.queue_depth as u64,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum End {
    /// The amount asked for was written (or the source ran dry).
    Complete,
    /// A signal stopped the generator; what it had made was written out.
    Interrupted,
    /// The reader went away (`| head`).
    Closed,
    /// A write failed.
    Error,
}

impl End {
    pub fn as_str(self) -> &'static str {
        match self {
            End::Complete => "complete",
            End::Interrupted => "interrupted",
            End::Closed => "closed",
            End::Error => "error",
        }
    }
}

/// Which side held the run back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bottleneck {
    /// The generator waited for drains longer than the writer waited for data.
    Destination,
    /// The writer waited for data longer than the generator waited for drains.
    Generator,
    /// The generator waited for drains, and the writer spent them mostly
    /// compressing (`--compress`), not writing.
    Compressor,
}

impl Bottleneck {
    pub fn as_str(self) -> &'static str {
        match self {
            Bottleneck::Destination => "destination",
            Bottleneck::Generator => "generator",
            Bottleneck::Compressor => "compressor",
        }
    }

    /// Which side held the run back: the compressor when the writer spent
    /// longer compressing than either waiting for data or writing (every
    /// byte passes through it, so its busy time sets the run's pace,
    /// whether or not the generator reached the hwm: with a deep hwm and
    /// several generator threads it may not); else the destination's side
    /// when the generator waited for drains longer than the writer waited
    /// for data.
    pub fn of(
        paused_s: f64,
        writer_idle_s: f64,
        compression: Option<&CompressStats>,
    ) -> Bottleneck {
        match compression {
            Some(c) if c.compress_s > c.compressed_write_s.max(writer_idle_s) => {
                Bottleneck::Compressor
            }
            _ if paused_s <= writer_idle_s => Bottleneck::Generator,
            _ => Bottleneck::Destination,
        }
    }
}

/// The summary of a finished run. Its field names are the keys of
/// `--stats=json`, which scripts read: rename none of them.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub bytes: u64,
    pub records: u64,
    pub chunks: u64,
    pub elapsed_s: f64,
    /// Measured after the ramp (`--ramp`), as every rate and latency.
    pub bytes_per_s: f64,
    /// Writes per second (a write is one I/O: see [`Counters::ios`]).
    pub iops: f64,
    pub hwm_bytes: u64,
    pub lwm_bytes: u64,
    pub chunk_bytes: u64,
    pub pauses: u64,
    pub drains: u64,
    pub paused_s: f64,
    pub writer_idle_s: f64,
    pub peak_buffered_bytes: u64,
    pub mean_buffered_bytes: f64,
    /// Write calls made to the destination (a chunk may take several).
    pub writes: u64,
    /// Generator threads that ran (`--threads` is the most).
    pub threads: u64,
    /// Seconds each generator thread spent making chunks, the first
    /// thread first.
    pub generator_busy_s: Vec<f64>,
    pub seed: Option<u64>,
    pub destination: String,
    pub bottleneck: Bottleneck,
    pub end: End,
    /// The seconds, bytes and writes of the `--ramp` that the rates and
    /// latencies leave out (all 0 without a ramp).
    pub ramp_s: f64,
    pub ramp_bytes: u64,
    pub ramp_ios: u64,
    /// fio's `jobs[0].write` figures, under fio's names, for scripts that
    /// read fio's JSON.
    pub write: FioWrite,
    /// Each write call's latency (submission to completion for an engine
    /// with writes in flight), shaped as fio's `clat_ns`.
    pub write_lat_ns: Option<Latency>,
    /// Each fsync/fdatasync's latency, shaped as fio's `sync.lat_ns`.
    pub sync_lat_ns: Option<Latency>,
    /// What a record is called in the human summary ("lines").
    #[serde(skip)]
    pub record_noun: &'static str,
    /// What the destination adds: a socket's, a disk's or an HTTP
    /// endpoint's figures, as top-level keys; nothing for a stream, so its
    /// JSON is unchanged. (Before `verify`, which only a disk has, so every
    /// kind's keys keep their order.)
    #[serde(flatten)]
    pub sink: SinkReport,
    /// Only when the output was compressed (`--compress`).
    #[serde(flatten)]
    pub compression: Option<CompressStats>,
    /// Only for `--format parquet`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parquet: Option<ParquetStats>,
    /// Only when the destination was read back (`--verify`, `--verify-only`).
    #[serde(flatten)]
    pub verify: Option<verify::VerifyStats>,
    /// The run over time, one row per `--interval` (see `series.rs`).
    pub intervals: Vec<IntervalRow>,
}

/// fio's `write` object: bytes, rate and I/Os of the measured time (after
/// the ramp), `runtime` in milliseconds as fio gives it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct FioWrite {
    pub io_bytes: u64,
    pub bw_bytes: f64,
    pub iops: f64,
    pub runtime: u64,
    pub total_ios: u64,
}

impl Stats {
    /// The summary of a run that wrote nothing (`--verify-only`), for a
    /// verify to fill in.
    pub fn nothing_written(destination: String, record_noun: &'static str) -> Stats {
        Stats {
            bytes: 0,
            records: 0,
            chunks: 0,
            elapsed_s: 0.0,
            bytes_per_s: 0.0,
            iops: 0.0,
            hwm_bytes: 0,
            lwm_bytes: 0,
            chunk_bytes: 0,
            pauses: 0,
            drains: 0,
            paused_s: 0.0,
            writer_idle_s: 0.0,
            peak_buffered_bytes: 0,
            mean_buffered_bytes: 0.0,
            writes: 0,
            threads: 0,
            generator_busy_s: Vec::new(),
            seed: None,
            destination,
            bottleneck: Bottleneck::Generator,
            end: End::Complete,
            ramp_s: 0.0,
            ramp_bytes: 0,
            ramp_ios: 0,
            write: FioWrite::default(),
            write_lat_ns: None,
            sync_lat_ns: None,
            record_noun,
            sink: SinkReport::Stream,
            compression: None,
            parquet: None,
            verify: None,
            intervals: Vec::new(),
        }
    }

    /// Sets the rates and fio's `write` figures from the counts, leaving
    /// out what `ramp` saw: its bytes, writes, seconds and latencies. A run
    /// that ended inside its ramp measured nothing, and says so with zero
    /// rates and no latencies rather than the ramp's own figures.
    pub fn measure(&mut self, ramp: Option<&Ramp>) {
        let (from_s, bytes, ios) = match ramp {
            None => (0.0, 0, 0),
            Some(Ramp { asked_s, baseline }) => {
                self.ramp_s = *asked_s;
                match baseline {
                    Some(base) => (base.t_s, base.bytes, base.ios),
                    None => (self.elapsed_s, self.bytes, self.writes),
                }
            }
        };
        self.ramp_bytes = bytes.min(self.bytes);
        self.ramp_ios = ios.min(self.writes);
        let measured_s = (self.elapsed_s - from_s).max(0.0);
        let io_bytes = self.bytes - self.ramp_bytes;
        let total_ios = self.writes - self.ramp_ios;
        let rate = |n: u64| match measured_s {
            s if s > 0.0 => n as f64 / s,
            _ => 0.0,
        };
        self.bytes_per_s = rate(io_bytes);
        self.iops = rate(total_ios);
        self.write = FioWrite {
            io_bytes,
            bw_bytes: self.bytes_per_s,
            iops: self.iops,
            runtime: (measured_s * 1000.0).round() as u64,
            total_ios,
        };
        if let Some(ramp) = ramp {
            let base = ramp.baseline.as_ref();
            leave_out(&mut self.write_lat_ns, base.map(|b| b.write.as_ref()));
            leave_out(&mut self.sync_lat_ns, base.map(|b| b.sync.as_ref()));
        }
    }
}

/// What a destination adds to the summary: one arm per kind, so a new
/// destination is one new arm here, not one more method on the `Sink`
/// trait (`Sink::report` returns it). Flattened into `--stats=json`, so
/// each arm's fields are top-level keys, as they always were.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SinkReport {
    /// stdout, a FIFO, a character device, or a sink of one's own: bytes
    /// only, which the summary already has.
    #[default]
    Stream,
    Network(NetStats),
    Disk(DiskStats),
    Http(HttpStats),
    S3(S3Stats),
    /// A series of files (`-o part-{k}.csv`): the files, as `files`.
    Files(FilesStats),
}

impl SinkReport {
    /// A disk's figures, if the destination was one.
    pub fn disk(&self) -> Option<&DiskStats> {
        match self {
            SinkReport::Disk(disk) => Some(disk),
            _ => None,
        }
    }
}

/// A run's latencies without those of its ramp; `ramp` is `None` when the
/// run ended inside it (then nothing is left), `Some(None)` when the ramp
/// timed nothing.
fn leave_out(latency: &mut Option<Latency>, ramp: Option<Option<&hdrhistogram::Histogram<u64>>>) {
    let Some(ramp) = ramp else {
        *latency = None;
        return;
    };
    if let (Some(total), Some(ramp)) = (latency.as_mut(), ramp) {
        // The ramp's counts are an earlier look at the same cumulative
        // buckets, so each is at most the total's and this cannot fail.
        let _ = total.histogram.subtract(ramp);
    }
    if latency.as_ref().is_some_and(|l| l.histogram.is_empty()) {
        *latency = None;
    }
}

/// What compressing the output (`--compress`) adds to the summary. The
/// run's other figures (`bytes`, the rates) stay about the raw bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompressStats {
    /// The codec and level: `zstd:3`, `gzip:6`.
    pub compression: String,
    /// Threads that compressed.
    pub compress_workers: u64,
    /// Bytes taken in, before compression, and written, after it.
    pub raw_bytes: u64,
    pub compressed_bytes: u64,
    /// raw / compressed.
    pub compression_ratio: f64,
    /// Seconds the writer spent compressing (waiting for the compressing
    /// threads included), and writing the compressed bytes.
    pub compress_s: f64,
    pub compressed_write_s: f64,
    /// The compressor's own buffers, counted against the hwm.
    pub compressor_buffer_bytes: u64,
    /// The hwm, compressor included, when it was raised to hold them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hwm_raised_to: Option<u64>,
    /// A write failed and the file was removed: a compressed stream cannot
    /// be cut back to whole records.
    pub removed: bool,
}

/// What a socket destination adds to the summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NetStats {
    /// Seconds spent connecting: the first connection with its retries,
    /// and every reconnection.
    pub connect_s: f64,
    /// Connections made again after the peer dropped one (`--reconnect`).
    pub reconnects: u64,
    /// Bytes the peer had not yet acknowledged when a connection dropped
    /// (the kernel's send queue at the last look): they may never have
    /// arrived. What the peer acknowledged but its program never read is
    /// beyond the sender's sight.
    pub lost_in_flight_bytes: u64,
    /// Bytes of a chunk never sent because its connection dropped midway:
    /// the new connection starts at the next chunk, on a whole record.
    pub dropped_bytes: u64,
    /// The send buffer the kernel granted (Linux doubles what is asked).
    pub send_buffer_bytes: u64,
    /// What `--send-buffer` asked for, for the human summary.
    #[serde(skip)]
    pub send_buffer_asked: Option<u64>,
}

/// What a file or block-device destination adds to the summary: how it was
/// written, so a run names its own mode (what dd, fio and GUI tools leave
/// users guessing when their numbers disagree).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiskStats {
    /// The engine that ran: `sync`, `threads` or `uring`.
    pub engine: &'static str,
    /// The most writes in flight at once.
    pub queue_depth: u64,
    /// O_DIRECT: the page cache bypassed.
    pub direct: bool,
    /// O_DSYNC: every write durable before it returned.
    pub dsync: bool,
    /// The `--sync` policy: `none`, `end`, `every=SIZE` or `each`.
    pub sync: String,
    /// The call a sync made: `fdatasync` or `fsync`.
    pub sync_call: &'static str,
    /// Syncs made, and the seconds spent in them.
    pub syncs: u64,
    pub sync_s: f64,
    /// The preallocation done: `none`, `native` or `keep`, and its bytes.
    /// A file's preallocated blocks start unwritten, so a first pass over
    /// them pays for their conversion.
    pub preallocate: &'static str,
    /// What was asked (`--preallocate`, or the default): it differs from
    /// `preallocate` when the filesystem refused.
    pub preallocate_asked: &'static str,
    pub preallocated_bytes: u64,
    /// A region's walk (`--pattern` and its kin): pattern, I/O sizes,
    /// length and start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Bytes written over the region's size: whole passes and a part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passes: Option<f64>,
    /// The share of the region's blocks written at least once, in percent
    /// (`None` past the skewed runs' bitmap limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_pct: Option<f64>,
    /// `--ack-log`: the journal's records, and how long handing them to
    /// the kernel held the writer back (its backpressure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_log: Option<AckLogStats>,
}

/// What `--ack-log` wrote, and what it cost the writer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AckLogStats {
    pub file: String,
    pub writes: u64,
    pub syncs: u64,
    /// Seconds the writer waited on the journal's writes.
    pub held_back_s: f64,
    /// Hand-overs that waited for a slow catcher (`--ack-log tcp://`).
    pub pauses: u64,
    /// `--ack-log tcp://`: journal bytes the catcher confirmed it synced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed_bytes: Option<u64>,
}

/// What an HTTP destination adds to the summary: requests by status
/// class, and the server's own backpressure (429 and 503 with
/// Retry-After), which pauses the run as a slow disk does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpStats {
    pub http_mode: HttpMode,
    /// Requests answered, retries included.
    pub requests: u64,
    pub status_2xx: u64,
    pub status_4xx: u64,
    pub status_5xx: u64,
    /// 429 Too Many Requests, also counted in `status_4xx`.
    pub status_429: u64,
    /// Batches sent again, and their bytes.
    pub retries: u64,
    pub retried_bytes: u64,
    /// Waits the server asked for (429, 503), and their seconds.
    pub server_pauses: u64,
    pub server_paused_s: f64,
    /// Requests in flight at most (`--queue-depth`; 1 for a stream).
    pub http_queue_depth: u64,
}

/// What an S3 destination adds to the summary: the objects the store
/// has whole, the parts sent, and every request by status class with the
/// store's pauses (503 SlowDown), as for HTTP.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct S3Stats {
    #[serde(flatten)]
    pub http: HttpStats,
    /// `s3://` URLs of the objects completed, in the order they were.
    #[serde(rename = "s3_objects")]
    pub objects: Vec<String>,
    /// Parts sent in multipart uploads (0 for a single PUT).
    #[serde(rename = "s3_parts")]
    pub parts: u64,
    #[serde(rename = "s3_part_size")]
    pub part_size: u64,
    /// A multipart upload was aborted: its parts are gone from the store.
    #[serde(rename = "s3_aborted")]
    pub aborted: bool,
    /// The `--hwm` raised to hold the parts in flight, if it was.
    #[serde(rename = "s3_hwm_raised_from")]
    pub hwm_raised_from: Option<u64>,
}

/// How an HTTP destination sent, as the summary names it (`http_mode`):
/// the `--http` choice, kept here so the counters need nothing of the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HttpMode {
    /// One request per chunk of whole records, several in flight.
    Batch,
    /// One request whose chunked body is the whole output.
    Stream,
    /// An S3 object: one PUT, or a multipart upload of parts.
    S3,
}

impl HttpMode {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMode::Batch => "batch",
            HttpMode::Stream => "stream",
            HttpMode::S3 => "s3",
        }
    }
}
