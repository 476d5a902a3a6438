//! The human summary at the end of a run: a headline (what, where, how
//! fast), then one line per part of the run that has something to say
//! (flow, generators, buffer, latency, network, disk, ramp, verify, HTTP),
//! then sparklines for a run long enough to draw them.
//!
//! Each line is its own function, so a new part of a run is one more line
//! function and one more call, and no function has to be read whole to
//! change one line.

use std::fmt::Write as _;

use super::monitor::History;
use super::sparkline::sparkline;
use super::{latency, progress, seconds, size, verify};
use crate::stats::{
    CompressStats, DiskStats, FilesStats, HttpMode, HttpStats, NetStats, ParquetStats, S3Stats,
    SinkReport, Stats,
};

/// Runs shorter than this get no sparklines: too few samples to draw.
const SPARKLINE_MIN_S: f64 = 2.0;
const SPARKLINE_WIDTH: usize = 60;

/// The human summary: what was written, how fast, and how it flowed; for
/// a run of two seconds or more, sparklines of throughput and buffer
/// occupancy over the run.
pub fn human(s: &Stats, history: &History) -> String {
    let mut lines = vec![flow_line(s)];
    lines.extend(generators_line(s));
    lines.push(buffer_line(s));
    lines.extend(s.compression.as_ref().map(compression_line));
    lines.extend(s.parquet.as_ref().map(parquet_line));
    lines.push(seed_line(s));
    lines.extend(ramp_line(s));
    lines.extend(latency::summary_line(
        s.write_lat_ns.as_ref(),
        s.sync_lat_ns.as_ref(),
    ));
    match &s.sink {
        SinkReport::Network(net) => lines.push(network_line(net)),
        SinkReport::Disk(disk) => {
            lines.push(disk_line(disk));
            lines.extend(region_lines(disk));
        }
        SinkReport::Files(files) => lines.push(files_line(files)),
        SinkReport::Stream | SinkReport::Http(_) | SinkReport::S3(_) => {}
    }
    // The headline stands at the margin, the rest under it.
    let mut out = headline(s) + "\n";
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(verified) = &s.verify {
        out.push_str(&verify::human(verified));
    }
    if let SinkReport::Http(http) = &s.sink {
        let _ = writeln!(out, "  {}", http_line(http));
    }
    if let SinkReport::S3(s3) = &s.sink {
        let _ = writeln!(out, "  {}", s3_line(s3, s.hwm_bytes));
        let _ = writeln!(out, "  {}", http_line(&s3.http));
    }
    out.push_str(&sparklines(s, history));
    out
}

/// `gush: 1.00 GiB (… bytes, … lines) to F in 1.20 s, 853 MiB/s, 13.6k IOPS`.
fn headline(s: &Stats) -> String {
    let records = match s.records {
        0 => String::new(),
        n => format!(", {n} {}", s.record_noun),
    };
    format!(
        "gush: {} ({} bytes{records}) to {} in {}, {}/s, {} IOPS",
        size(s.bytes as f64),
        s.bytes,
        s.destination,
        seconds(s.elapsed_s),
        size(s.bytes_per_s),
        progress::count(s.iops.round() as u64),
    )
}

/// `files: 12, out/part-0000.csv … out/part-0011.csv, 1.20 GiB on disk`:
/// a series' count, first and last name, and its size with the headers
/// each file repeats.
fn files_line(series: &FilesStats) -> String {
    let on_disk: u64 = series.files.iter().map(|file| file.bytes).sum();
    let names = match (series.files.first(), series.files.last()) {
        (Some(first), Some(last)) if series.files.len() > 1 => {
            format!(", {} … {}", first.name, last.name)
        }
        (Some(only), _) => format!(", {}", only.name),
        _ => String::new(),
    };
    format!(
        "files: {}{names}, {} on disk",
        series.files.len(),
        size(on_disk as f64)
    )
}

/// `parquet: 3 files, 2.41 MiB, 100000 rows in 12 row groups, zstd:3`:
/// the headline's bytes are the records as framed for the writer, this
/// is what reached the Parquet file(s).
fn parquet_line(p: &ParquetStats) -> String {
    let files = match p.files {
        1 => String::new(),
        n => format!("{n} files, "),
    };
    format!(
        "parquet: {files}{} ({} bytes), {} rows in {} row groups, {}",
        size(p.bytes as f64),
        p.bytes,
        p.rows,
        p.row_groups,
        p.compression
    )
}

fn flow_line(s: &Stats) -> String {
    format!(
        "flow: {} pauses ({} paused), {} drains; writer idle {}; bottleneck: {}",
        s.pauses,
        seconds(s.paused_s),
        s.drains,
        seconds(s.writer_idle_s),
        s.bottleneck.as_str(),
    )
}

/// Each thread's busy time, so an idle one (parked, or waiting on its
/// turn) shows; nothing for a run of one thread.
fn generators_line(s: &Stats) -> Option<String> {
    if s.threads <= 1 {
        return None;
    }
    let busy: Vec<String> = s.generator_busy_s.iter().map(|b| seconds(*b)).collect();
    Some(format!(
        "generators: {} threads, busy {}",
        s.threads,
        busy.join(", ")
    ))
}

fn buffer_line(s: &Stats) -> String {
    format!(
        "buffer: peak {}, mean {} (hwm {}, lwm {}, chunk {})",
        size(s.peak_buffered_bytes as f64),
        size(s.mean_buffered_bytes),
        size(s.hwm_bytes as f64),
        size(s.lwm_bytes as f64),
        size(s.chunk_bytes as f64),
    )
}

/// `compressed: zstd:3 on 2 threads, 1.00 GiB raw to 210 MiB (4.88x); …`:
/// the headline's bytes and rate are the raw ones, this says what reached
/// the file, and where the writer's time went.
fn compression_line(c: &CompressStats) -> String {
    let raised = match c.hwm_raised_to {
        Some(hwm) => format!(" (hwm raised to {} to hold them)", size(hwm as f64)),
        None => String::new(),
    };
    let removed = if c.removed {
        "; the file was removed"
    } else {
        ""
    };
    format!(
        "compressed: {} on {} threads, {} raw to {} ({:.2}x); compressing {}, writing {}; compressor buffers {} under the hwm{raised}{removed}",
        c.compression,
        c.compress_workers,
        size(c.raw_bytes as f64),
        size(c.compressed_bytes as f64),
        c.compression_ratio,
        seconds(c.compress_s),
        seconds(c.compressed_write_s),
        size(c.compressor_buffer_bytes as f64),
    )
}

fn seed_line(s: &Stats) -> String {
    let seed = s
        .seed
        .map_or_else(|| "none".to_string(), |seed| seed.to_string());
    format!("seed {seed}; {} writes; ended {}", s.writes, s.end.as_str())
}

/// What `--ramp` left out of the figures above and below it.
fn ramp_line(s: &Stats) -> Option<String> {
    if s.ramp_s <= 0.0 {
        return None;
    }
    let ramp = seconds(s.ramp_s);
    Some(match s.write.runtime {
        0 => format!("ramp: the run ended inside its {ramp} ramp; nothing was measured"),
        measured => format!(
            "ramp: first {ramp} ({}, {} writes) left out; figures are of the {} after it",
            size(s.ramp_bytes as f64),
            s.ramp_ios,
            seconds(measured as f64 / 1000.0),
        ),
    })
}

fn network_line(net: &NetStats) -> String {
    let asked = net.send_buffer_asked.map_or(String::new(), |asked| {
        format!(" (asked {})", size(asked as f64))
    });
    let losses = match net.reconnects {
        0 => String::new(),
        _ => format!(
            " ({} lost in flight, {} dropped)",
            size(net.lost_in_flight_bytes as f64),
            size(net.dropped_bytes as f64)
        ),
    };
    format!(
        "network: {} connecting; {} reconnects{losses}; send buffer {}{asked}",
        seconds(net.connect_s),
        net.reconnects,
        size(net.send_buffer_bytes as f64),
    )
}

/// How the disk was written, so a run names its own mode: direct or
/// buffered, engine and depth, sync policy, and what was preallocated.
fn disk_line(disk: &DiskStats) -> String {
    let mode = match (disk.direct, disk.dsync) {
        (true, true) => "direct, dsync",
        (true, false) => "direct",
        (false, true) => "buffered, dsync",
        (false, false) => "buffered",
    };
    let syncs = match disk.syncs {
        0 => String::new(),
        n => format!(": {n} {}s in {}", disk.sync_call, seconds(disk.sync_s)),
    };
    format!(
        "disk: {mode}; engine {}, queue depth {}; sync {}{syncs}; {}",
        disk.engine,
        disk.queue_depth,
        disk.sync,
        preallocation(disk)
    )
}

/// `region: random zipf:1.2, bs 4 KiB, 1 GiB from offset 0; passes: 7.27`
/// and, for a skewed walk, `coverage: 46.9 % of blocks written`.
fn region_lines(disk: &DiskStats) -> Vec<String> {
    let mut lines = Vec::new();
    if let (Some(region), Some(passes)) = (&disk.region, disk.passes) {
        lines.push(format!("region: {region}; passes: {passes:.2}"));
    }
    if let Some(coverage) = disk.coverage_pct {
        lines.push(format!("coverage: {coverage:.1} % of blocks written"));
    }
    if let Some(acks) = &disk.ack_log {
        let remote = match acks.confirmed_bytes {
            Some(bytes) => format!(
                ", {bytes} bytes confirmed synced by the catcher; it paused the writer {}",
                match acks.pauses {
                    1 => "once".to_string(),
                    n => format!("{n} times"),
                }
            ),
            None => String::new(),
        };
        lines.push(format!(
            "ack log {}: {} writes, {} syncs journalled{remote}; the journal held the writer back {:.3} s",
            acks.file, acks.writes, acks.syncs, acks.held_back_s
        ));
    }
    lines
}

/// `preallocated 1.00 GiB (native): …`, or why not.
fn preallocation(disk: &DiskStats) -> String {
    match (disk.preallocate, disk.preallocate_asked) {
        ("none", "none") => "not preallocated".to_string(),
        ("none", asked) => format!("preallocation ({asked}) refused by the filesystem"),
        (done, _) => format!(
            "preallocated {} ({done}): blocks start unwritten, so the first pass pays their conversion",
            size(disk.preallocated_bytes as f64)
        ),
    }
}

/// `http: 120 requests (118 2xx, 2 429), 2 retries, 128 KiB retried;
/// server pauses 2 (0.1 s)`: the statuses that are not 2xx are shown only
/// when some came.
pub fn http_line(http: &HttpStats) -> String {
    let mut statuses = format!("{} 2xx", http.status_2xx);
    let other_4xx = http.status_4xx - http.status_429;
    for (count, class) in [
        (http.status_429, "429"),
        (other_4xx, "other 4xx"),
        (http.status_5xx, "5xx"),
    ] {
        if count > 0 {
            let _ = write!(statuses, ", {count} {class}");
        }
    }
    let depth = match http.http_mode {
        HttpMode::Batch | HttpMode::S3 => format!(", depth {}", http.http_queue_depth),
        HttpMode::Stream => String::new(),
    };
    format!(
        "http: {} {} requests{depth} ({statuses}), {} retries, {} retried; server pauses {} ({})",
        http.requests,
        http.http_mode.as_str(),
        http.retries,
        size(http.retried_bytes as f64),
        http.server_pauses,
        seconds(http.server_paused_s),
    )
}

/// `s3: 1 object completed (s3://b/k), 3 parts of 5 MiB`, or what was
/// aborted: the objects a run left in the store; and the hwm (`hwm`, as
/// the run had it) if it was raised to hold the parts.
pub fn s3_line(s3: &S3Stats, hwm: u64) -> String {
    let objects = match s3.objects.len() {
        0 => "no object completed".to_string(),
        1 => format!("1 object completed ({})", s3.objects[0]),
        n => format!(
            "{n} objects completed ({} … {})",
            s3.objects[0],
            s3.objects[n - 1]
        ),
    };
    let parts = match s3.parts {
        0 => ", one PUT each".to_string(),
        n => format!(", {n} parts of {}", size(s3.part_size as f64)),
    };
    let aborted = match s3.aborted {
        true => "; the multipart upload was aborted, no partial object is left",
        false => "",
    };
    let raised = match s3.hwm_raised_from {
        Some(from) => format!(
            "; hwm raised from {} to {} to hold the parts in flight",
            size(from as f64),
            size(hwm as f64)
        ),
        None => String::new(),
    };
    format!("s3: {objects}{parts}{aborted}{raised}")
}

/// Throughput and buffer occupancy over the run, for a run long enough to
/// have the samples.
fn sparklines(s: &Stats, history: &History) -> String {
    if s.elapsed_s < SPARKLINE_MIN_S || history.samples.len() < 2 {
        return String::new();
    }
    let rates: Vec<f64> = history.samples.iter().map(|x| x.bytes_per_s).collect();
    let peak = rates.iter().copied().fold(0.0, f64::max);
    let occupancy: Vec<f64> = history
        .samples
        .iter()
        .map(|x| x.buffered_bytes as f64)
        .collect();
    format!(
        "  throughput {}  peak {}/s\n  buffer     {}  of hwm {}\n",
        sparkline(&rates, SPARKLINE_WIDTH, peak),
        size(peak),
        sparkline(&occupancy, SPARKLINE_WIDTH, s.hwm_bytes as f64),
        size(s.hwm_bytes as f64)
    )
}
