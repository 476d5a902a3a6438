//! Times the disk engines on 1 GiB of O_DIRECT 64 KiB writes, to compare
//! them with each other and with fio on the same file system:
//!
//!     cargo run --release --example engine_bench -- [DIR] [RUNS] [fresh]
//!
//! DIR defaults to /var/tmp (a real disk, unlike a tmpfs /tmp). The
//! engines take turns run by run, so drift in the disk or the host spreads
//! over all of them; each run writes a new file and deletes it. As fio's
//! default `fallocate=native` does, the file is allocated before the
//! clock starts, so the runs time the writes and not ext4's block
//! allocation; `fresh` skips that, like fio's `--fallocate=none`. Reported: median wall time, throughput, and the
//! process's CPU time (user + system, which includes io_uring's workers).

use std::fs::OpenOptions;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gush::chunk::Chunk;
use gush::sink::disk::{self as engine, Completion, Engine, EngineKind, UringEngine, Write};

const TOTAL: u64 = 1 << 30;
const CHUNK: usize = 64 << 10;

struct Setup {
    name: &'static str,
    depth: usize,
    open: fn(Arc<std::fs::File>, usize) -> io::Result<Box<dyn Engine>>,
}

const SETUPS: [Setup; 4] = [
    Setup {
        name: "sync   d1",
        depth: 1,
        open: |file, depth| engine::open(Some(EngineKind::Sync), file, depth),
    },
    Setup {
        name: "threads d16",
        depth: 16,
        open: |file, depth| engine::open(Some(EngineKind::Threads), file, depth),
    },
    Setup {
        name: "uring  d16",
        depth: 16,
        open: |file, depth| engine::open(Some(EngineKind::Uring), file, depth),
    },
    Setup {
        name: "uring  d16 registered fd",
        depth: 16,
        open: |file, depth| {
            Ok(Box::new(UringEngine::with_registered_file(
                file, depth, true,
            )?))
        },
    },
];

fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// One run: the wall and CPU time to write TOTAL bytes to a new file.
fn run(setup: &Setup, path: &Path, preallocate: bool) -> io::Result<(Duration, Duration)> {
    let _ = std::fs::remove_file(path);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)?;
    if preallocate {
        // SAFETY: fallocate on a descriptor we own.
        if unsafe { libc::fallocate(file.as_raw_fd(), 0, 0, TOTAL as libc::off_t) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    let mut engine = (setup.open)(Arc::new(file), setup.depth)?;
    let mut pool: Vec<Chunk> = (0..setup.depth)
        .map(|index| {
            // Not zeros, which some storage would compress away.
            let mut chunk = Chunk::new(CHUNK);
            for (at, byte) in chunk.space().iter_mut().enumerate() {
                *byte = (at as u64 * 2_654_435_761 + index as u64) as u8;
            }
            chunk.set_filled(CHUNK, 1);
            chunk
        })
        .collect();
    let mut done: Vec<Completion> = Vec::with_capacity(setup.depth);
    let cpu = cpu_time();
    let started = Instant::now();
    let mut offset = 0;
    while offset < TOTAL || engine.in_flight() > 0 {
        if offset < TOTAL && engine.in_flight() < engine.depth() {
            let chunk = pool.pop().expect("a chunk below the depth");
            engine.submit(Write {
                chunk,
                len: CHUNK,
                offset,
            })?;
            offset += CHUNK as u64;
            continue;
        }
        engine.reap(true, &mut done)?;
        for completion in done.drain(..) {
            completion.result?;
            pool.push(completion.write.chunk);
        }
    }
    let wall = started.elapsed();
    let cpu = cpu_time() - cpu;
    drop(engine);
    std::fs::remove_file(path)?;
    Ok((wall, cpu))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/var/tmp".into()));
    let runs: usize = args.next().map_or(5, |runs| runs.parse().expect("RUNS"));
    let preallocate = args.next().as_deref() != Some("fresh");
    let path = dir.join(format!("gush-engine-bench-{}", std::process::id()));
    let mut results: Vec<(Vec<Duration>, Vec<Duration>)> =
        SETUPS.iter().map(|_| (Vec::new(), Vec::new())).collect();
    for round in 0..runs {
        for (setup, (walls, cpus)) in SETUPS.iter().zip(&mut results) {
            let (wall, cpu) = run(setup, &path, preallocate)?;
            eprintln!(
                "round {round} {:<26} {:>7.3} s  cpu {:>6.3} s",
                setup.name,
                wall.as_secs_f64(),
                cpu.as_secs_f64()
            );
            walls.push(wall);
            cpus.push(cpu);
        }
    }
    println!(
        "{:<26} {:>10} {:>10} {:>10}",
        "engine", "median s", "MiB/s", "cpu s"
    );
    for (setup, (walls, cpus)) in SETUPS.iter().zip(results) {
        let wall = median(walls);
        println!(
            "{:<26} {:>10.3} {:>10.0} {:>10.3}",
            setup.name,
            wall.as_secs_f64(),
            (TOTAL >> 20) as f64 / wall.as_secs_f64(),
            median(cpus).as_secs_f64()
        );
    }
    Ok(())
}
