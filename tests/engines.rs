//! The disk engines through the library API, on files on the real disk:
//! every engine must leave exactly the bytes the one-at-a-time `sync`
//! engine leaves, with and without O_DIRECT; a failed write must come
//! back in its completion without stopping the engine; and where io_uring
//! is refused (by a real seccomp filter) the default falls back to threads.

#[path = "support/seccomp.rs"]
mod seccomp;

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gush::chunk::Chunk;
use gush::sink::disk::{self as engine, Completion, Engine, EngineKind, Write};

const TOTAL: u64 = 64 << 20;
const CHUNK: usize = 64 << 10;
const DEPTH: usize = 16;

/// A directory on the disk the tests run from, not /tmp (tmpfs on many
/// systems, which has no O_DIRECT and measures nothing).
fn disk_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir under target/")
}

fn create(path: &Path, direct: bool) -> Arc<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    if direct {
        options.custom_flags(libc::O_DIRECT);
    }
    Arc::new(options.open(path).expect("create the test file"))
}

/// Fills `chunk` with the bytes for `offset`: splitmix64 of the seed and
/// the word's position, so every 8 bytes of the file differ and a write
/// landing at the wrong offset cannot go unnoticed.
fn fill(chunk: &mut Chunk, seed: u64, offset: u64) {
    let space = &mut chunk.space()[..CHUNK];
    for (index, word) in space.chunks_exact_mut(8).enumerate() {
        let mut z = seed ^ (offset / 8 + index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        word.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    chunk.set_filled(CHUNK, 1);
}

/// Writes `TOTAL` bytes of seeded data through `engine`, keeping it full
/// and recycling chunks from completions as the pipeline will.
fn write_all(engine: &mut dyn Engine, seed: u64) {
    let mut pool: Vec<Chunk> = (0..engine.depth()).map(|_| Chunk::new(CHUNK)).collect();
    let mut done: Vec<Completion> = Vec::new();
    let recycle = |done: &mut Vec<Completion>, pool: &mut Vec<Chunk>| {
        for completion in done.drain(..) {
            completion.result.expect("every write succeeds");
            pool.push(completion.write.chunk);
        }
    };
    let mut offset = 0;
    while offset < TOTAL {
        if engine.in_flight() == engine.depth() {
            engine.reap(true, &mut done).expect("reap");
            recycle(&mut done, &mut pool);
        }
        let mut chunk = pool.pop().expect("a free chunk below the depth");
        fill(&mut chunk, seed, offset);
        engine
            .submit(Write {
                chunk,
                len: CHUNK,
                offset,
            })
            .expect("submit");
        offset += CHUNK as u64;
    }
    while engine.in_flight() > 0 {
        engine.reap(true, &mut done).expect("reap");
        recycle(&mut done, &mut pool);
    }
}

fn write_file(path: &Path, kind: EngineKind, depth: usize, direct: bool) -> Vec<u8> {
    let file = create(path, direct);
    let mut engine = engine::open(Some(kind), file, depth).expect("open the engine");
    assert_eq!(engine.kind(), kind);
    write_all(engine.as_mut(), 42);
    drop(engine);
    std::fs::read(path).expect("read the file back")
}

fn engines_match_sync(direct: bool) {
    let dir = disk_dir();
    let reference = write_file(&dir.path().join("sync"), EngineKind::Sync, 1, direct);
    assert_eq!(reference.len() as u64, TOTAL);
    let mut expected = Chunk::new(CHUNK);
    fill(&mut expected, 42, TOTAL - CHUNK as u64);
    assert_eq!(&reference[reference.len() - CHUNK..], expected.as_slice());
    for kind in [EngineKind::Threads, EngineKind::Uring] {
        let written = write_file(&dir.path().join(kind.as_str()), kind, DEPTH, direct);
        // Not assert_eq!: 64 MiB of bytes in a failure message helps nobody.
        assert!(
            written == reference,
            "{} at depth {DEPTH} differs from sync",
            kind.as_str()
        );
    }
}

#[test]
fn threads_and_uring_write_what_sync_writes() {
    engines_match_sync(false);
}

#[test]
fn threads_and_uring_write_what_sync_writes_with_o_direct() {
    engines_match_sync(true);
}

/// Submits `writes` and reaps them all, returning the completions in
/// offset order.
fn run_writes(engine: &mut dyn Engine, writes: Vec<Write>) -> Vec<Completion> {
    let mut done = Vec::new();
    for write in writes {
        while engine.in_flight() == engine.depth() {
            engine.reap(true, &mut done).expect("reap");
        }
        engine.submit(write).expect("submit");
    }
    while engine.in_flight() > 0 {
        engine.reap(true, &mut done).expect("reap");
    }
    done.sort_by_key(|completion| completion.write.offset);
    done
}

fn chunk_of(byte: u8) -> Chunk {
    let mut chunk = Chunk::new(4096);
    chunk.space().fill(byte);
    chunk.set_filled(4096, 1);
    chunk
}

#[test]
fn a_failed_write_comes_back_in_its_completion() {
    let dir = disk_dir();
    let path = dir.path().join("read-only");
    std::fs::write(&path, b"").unwrap();
    for (kind, depth) in [
        (EngineKind::Sync, 1),
        (EngineKind::Threads, 4),
        (EngineKind::Uring, 4),
    ] {
        // A read-only descriptor: the kernel refuses every write (EBADF).
        let file = Arc::new(File::open(&path).unwrap());
        let mut engine = engine::open(Some(kind), file, depth).unwrap();
        let writes = (0..10)
            .map(|index| Write {
                chunk: chunk_of(index as u8),
                len: 4096,
                offset: index * 4096,
            })
            .collect();
        let done = run_writes(engine.as_mut(), writes);
        assert_eq!(done.len(), 10, "{}", kind.as_str());
        for completion in &done {
            let err = completion.result.as_ref().expect_err("a read-only fd");
            assert_eq!(err.raw_os_error(), Some(libc::EBADF), "{}", kind.as_str());
        }
        assert_eq!(engine.in_flight(), 0);
    }
}

#[test]
fn an_engine_goes_on_after_a_failed_write() {
    let dir = disk_dir();
    for (kind, depth) in [
        (EngineKind::Sync, 1),
        (EngineKind::Threads, 4),
        (EngineKind::Uring, 4),
    ] {
        let path = dir.path().join(kind.as_str());
        let mut engine = engine::open(Some(kind), create(&path, false), depth).unwrap();
        // Every third write is at an offset the kernel rejects (negative
        // as a loff_t: EINVAL), between good writes still in flight.
        let bad_offset = |index: u64| u64::MAX - 4095 - index * 4096;
        let writes = (0..12u64)
            .map(|index| Write {
                chunk: chunk_of(index as u8 + 1),
                len: 4096,
                offset: if index % 3 == 1 {
                    bad_offset(index)
                } else {
                    index * 4096
                },
            })
            .collect();
        let done = run_writes(engine.as_mut(), writes);
        assert_eq!(done.len(), 12);
        for completion in &done {
            let index = completion.write.chunk.as_slice()[0] as u64 - 1;
            if index % 3 == 1 {
                let err = completion.result.as_ref().expect_err("a bad offset");
                assert_eq!(err.raw_os_error(), Some(libc::EINVAL), "{}", kind.as_str());
            } else {
                completion.result.as_ref().expect("a good offset");
            }
        }
        drop(engine);
        let written = std::fs::read(&path).unwrap();
        assert_eq!(written.len(), 12 * 4096);
        for (index, block) in written.chunks(4096).enumerate() {
            // The rejected writes leave holes, which read as zeros.
            let byte = if index % 3 == 1 { 0 } else { index as u8 + 1 };
            assert!(block.iter().all(|&b| b == byte), "block {index}");
        }
    }
}

#[test]
fn dropping_an_engine_with_writes_in_flight_finishes_them() {
    let dir = disk_dir();
    for kind in [EngineKind::Threads, EngineKind::Uring] {
        let path = dir.path().join(kind.as_str());
        let mut engine = engine::open(Some(kind), create(&path, true), DEPTH).unwrap();
        for index in 0..DEPTH as u64 {
            let mut chunk = Chunk::new(CHUNK);
            fill(&mut chunk, 7, index * CHUNK as u64);
            let write = Write {
                chunk,
                len: CHUNK,
                offset: index * CHUNK as u64,
            };
            engine.submit(write).unwrap();
        }
        drop(engine);
        let written = std::fs::read(&path).unwrap();
        assert_eq!(written.len(), DEPTH * CHUNK, "{}", kind.as_str());
    }
}

#[test]
fn every_write_that_leaves_room_in_the_ring_reaches_the_file_before_any_reap() {
    // The uring engine used to hold each write past half the ring back,
    // unsubmitted, until the next reap that waited: the device saw half
    // the depth asked for, and the held writes' latency had the wait in
    // it. Now only the write that fills the ring waits (for the reap
    // that must come next), so with a slot to spare nothing is held.
    let dir = disk_dir();
    let path = dir.path().join("uring");
    let depth = 8u64;
    let mut engine = engine::open(Some(EngineKind::Uring), create(&path, false), 8).unwrap();
    for index in 0..depth - 1 {
        let write = Write {
            chunk: chunk_of(index as u8 + 1),
            len: 4096,
            offset: index * 4096,
        };
        engine.submit(write).unwrap();
    }
    let expected: Vec<u8> = (0..depth - 1)
        .flat_map(|index| [index as u8 + 1; 4096])
        .collect();
    // Read through the page cache until every block is there, without a
    // reap, within a bound.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = std::fs::read(&path).unwrap();
        if seen == expected {
            break;
        }
        let whole = seen
            .chunks(4096)
            .zip(expected.chunks(4096))
            .filter(|(a, b)| a == b)
            .count();
        assert!(
            Instant::now() < deadline,
            "{whole} of {} writes reached the file with no reap",
            depth - 1
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut done = Vec::new();
    while engine.in_flight() > 0 {
        engine.reap(true, &mut done).unwrap();
    }
    assert_eq!(done.len(), depth as usize - 1);
    assert!(done.iter().all(|completion| completion.result.is_ok()));
}

#[test]
fn a_uring_engine_opened_on_one_thread_writes_from_another() {
    // The ring has one issuing thread (SINGLE_ISSUER, as fio sets it up):
    // the one that first submits, not the one that opened it, as the sink
    // is opened on the main thread and each --jobs writer runs on its own.
    let dir = disk_dir();
    let path = dir.path().join("uring");
    let mut engine = engine::open(Some(EngineKind::Uring), create(&path, true), DEPTH).unwrap();
    std::thread::spawn(move || write_all(engine.as_mut(), 11))
        .join()
        .expect("the writing thread");
    let mut expected = Chunk::new(CHUNK);
    fill(&mut expected, 11, 0);
    let written = std::fs::read(&path).unwrap();
    assert_eq!(written.len() as u64, TOTAL);
    assert_eq!(&written[..CHUNK], &expected.as_slice()[..CHUNK]);
}

#[test]
fn the_default_is_sync_at_depth_1_and_uring_deeper() {
    let dir = disk_dir();
    let file = create(&dir.path().join("f"), false);
    let engine = engine::open(None, Arc::clone(&file), 1).unwrap();
    assert_eq!(engine.kind(), EngineKind::Sync);
    let engine = engine::open(None, Arc::clone(&file), DEPTH).unwrap();
    assert_eq!(engine.kind(), EngineKind::Uring);
    let err = engine::open(Some(EngineKind::Sync), file, DEPTH)
        .err()
        .unwrap();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn the_default_falls_back_to_threads_where_io_uring_is_refused() {
    let dir = disk_dir();
    let file = create(&dir.path().join("f"), false);
    // A fresh thread: the filter binds only the thread that installs it,
    // and the test harness's threads are reused.
    std::thread::spawn(move || {
        seccomp::refuse_io_uring().expect("install the seccomp filter");
        let mut engine = engine::open(None, Arc::clone(&file), DEPTH).unwrap();
        assert_eq!(engine.kind(), EngineKind::Threads);
        let done = run_writes(
            engine.as_mut(),
            vec![Write {
                chunk: chunk_of(9),
                len: 4096,
                offset: 0,
            }],
        );
        done[0].result.as_ref().expect("threads write");
        let err = engine::open(Some(EngineKind::Uring), file, DEPTH)
            .err()
            .expect("uring named and refused is an error");
        assert_eq!(err.raw_os_error(), Some(libc::ENOSYS));
    })
    .join()
    .expect("the filtered thread's asserts");
}

/// Set in the child that [`a_short_write_ends_as_the_error_that_cut_it_short`]
/// starts, where the file size limit applies.
const SHORT_WRITE_CHILD: &str = "GUSH_TEST_SHORT_WRITE_CHILD";

/// A real short write: under RLIMIT_FSIZE (with SIGXFSZ ignored) the
/// kernel writes up to the limit and returns the count, and refuses the
/// rest with EFBIG. Every engine must go on after the short write and end
/// with EFBIG, having written exactly the bytes below the limit. The limit
/// binds the whole process, so the test runs itself again as a child.
#[test]
fn a_short_write_ends_as_the_error_that_cut_it_short() {
    if std::env::var_os(SHORT_WRITE_CHILD).is_some() {
        return short_write_child();
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_short_write_ends_as_the_error_that_cut_it_short",
            "--nocapture",
        ])
        .env(SHORT_WRITE_CHILD, "1")
        .output()
        .expect("run the test binary again");
    assert!(
        output.status.success(),
        "child failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 passed"));
}

fn short_write_child() {
    const LIMIT: u64 = CHUNK as u64 + 36 * 1024;
    // SAFETY: plain libc calls in a process that is only this test.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let limit = libc::rlimit {
            rlim_cur: LIMIT,
            rlim_max: LIMIT,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let dir = disk_dir();
    for (kind, depth) in [
        (EngineKind::Sync, 1),
        (EngineKind::Threads, 2),
        (EngineKind::Uring, 2),
    ] {
        let path = dir.path().join(kind.as_str());
        let mut engine = engine::open(Some(kind), create(&path, false), depth).unwrap();
        let writes = (0..2u64)
            .map(|index| {
                let mut chunk = Chunk::new(CHUNK);
                fill(&mut chunk, 3, index * CHUNK as u64);
                Write {
                    chunk,
                    len: CHUNK,
                    offset: index * CHUNK as u64,
                }
            })
            .collect();
        let done = run_writes(engine.as_mut(), writes);
        done[0].result.as_ref().expect("below the limit");
        let err = done[1].result.as_ref().expect_err("across the limit");
        assert_eq!(err.raw_os_error(), Some(libc::EFBIG), "{}", kind.as_str());
        drop(engine);
        let written = std::fs::read(&path).unwrap();
        assert_eq!(written.len() as u64, LIMIT, "{}", kind.as_str());
        let mut expected = done[0].write.chunk.as_slice().to_vec();
        expected.extend_from_slice(&done[1].write.chunk.as_slice()[..(LIMIT as usize - CHUNK)]);
        assert!(
            written == expected,
            "{}: bytes below the limit",
            kind.as_str()
        );
    }
}
