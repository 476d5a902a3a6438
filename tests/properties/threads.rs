//! Several generator threads write the very bytes one thread writes,
//! whatever `--threads`, `--chunk` and `--hwm`, for lines (the counter fast
//! path and templates), records (with the CSV header), framed records and
//! bytes (random and a pattern), from any start (a shard's first record or
//! offset, `--start`), under `--count` and `--size`.
//!
//! Each case runs the library's pipeline into memory twice: once with one
//! thread and the default flow, once with the threads all started at once
//! (as `--threads N` does) and the drawn chunk and hwm.

use std::io;
use std::sync::{Arc, Mutex};

use gush::language::clock::TimeSource;
use gush::language::content::Content;
use gush::language::escape::Format;
use gush::language::schema::Schema;
use gush::language::stamp::Layout;
use gush::language::template::Template;
use gush::source::bytes::Fill;
use gush::source::framing::Framing;
use gush::source::{SourcePlan, SourceSpec};
use gush::{Flow, Limits, Pipeline, Sink};
use proptest::prelude::*;

use crate::{config, sim_clock};

/// A destination that keeps what it is given.
struct Memory(Arc<Mutex<Vec<u8>>>);

impl Sink for Memory {
    fn name(&self) -> &str {
        "memory"
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Counter,
    Apache,
    UsersCsv,
    JsonLog,
    Framed,
    Random,
    Pattern,
    /// Random bytes that compress by 4 and half of whose blocks repeat.
    Shaped,
    Stamped,
    /// The data-set fields, in TSV with its `\N` nulls.
    DatasetTsv,
    /// The same in JSON Lines, with bare `null`s.
    DatasetJsonl,
    /// The `lineitem` preset.
    Lineitem,
}

fn spec(kind: Kind) -> SourceSpec {
    let template = |t: &str| SourceSpec::Lines {
        template: Template::parse(t).unwrap(),
    };
    let schema = |s: &str, format| SourceSpec::Records {
        schema: Schema::parse(s).unwrap(),
        format,
        header: true,
    };
    match kind {
        Kind::Counter | Kind::Framed => template("Line {n}"),
        Kind::Apache => template(
            "{ipv4} - {username} [{ts:clf}] \"{http_method} {path} HTTP/1.1\" {http_status} {int:0..99999} \"{url}\" \"{user_agent}\"",
        ),
        Kind::UsersCsv => schema(
            "id={n}, name={name}, email={email}, city={choice:Oslo|Lima|Pune}, note={ascii:12}",
            Format::Csv,
        ),
        Kind::JsonLog => schema(
            "ts={ts:rfc3339ms}, level={level}, msg={sentence}, n={n}",
            Format::Jsonl,
        ),
        Kind::DatasetTsv => schema(crate::DATASET, Format::Tsv),
        Kind::DatasetJsonl => schema(crate::DATASET, Format::Jsonl),
        Kind::Lineitem => schema(
            gush::source::presets::find("lineitem").unwrap().text(),
            Format::Csv,
        ),
        Kind::Random => SourceSpec::Bytes {
            fill: Fill::Random,
            content: Content::PLAIN,
            stamp: None,
        },
        Kind::Pattern => SourceSpec::Bytes {
            fill: Fill::Pattern(vec![0xde, 0xad, 0xbe, 0xef, 0x01]),
            content: Content::PLAIN,
            stamp: None,
        },
        Kind::Shaped => SourceSpec::Bytes {
            fill: Fill::Random,
            content: Content {
                compress_milli: 4000,
                dedupe_percent: 50.0,
            },
            stamp: None,
        },
        Kind::Stamped => SourceSpec::Bytes {
            fill: Fill::Stamped,
            content: Content::PLAIN,
            stamp: Some(Layout {
                version: gush::language::stamp::VERSION,
                seed: 7,
                run_id: 1,
                block: 512,
                total: 1 << 21,
                compress_milli: 2000,
            }),
        },
    }
}

#[derive(Debug, Clone)]
struct Case {
    kind: Kind,
    seed: u64,
    start: u64,
    first: u64,
    count: Option<u64>,
    size: Option<u64>,
}

fn plan(case: &Case) -> SourcePlan {
    SourcePlan {
        spec: spec(case.kind),
        seed: case.seed,
        start: case.start,
        first: case.first,
        time: if case.seed.is_multiple_of(2) {
            sim_clock()
        } else {
            // A clock of another step, so the stamps differ per record.
            TimeSource::Simulated {
                start_ns: 0,
                step_ns: 1_234_567,
            }
        },
        framing: match case.kind {
            Kind::Framed => Framing::OctetCounted,
            _ => Framing::None,
        },
    }
}

/// The bytes a run of `case` writes with `threads` threads and `flow`.
fn output(case: &Case, threads: usize, chunk: usize, hwm: u64) -> Vec<u8> {
    output_and_threads(case, threads, chunk, hwm).0
}

/// The bytes, and how many threads made them.
fn output_and_threads(case: &Case, threads: usize, chunk: usize, hwm: u64) -> (Vec<u8>, u64) {
    let plan = plan(case);
    let open = || gush::source::open(&plan, chunk).unwrap();
    let written = Arc::new(Mutex::new(Vec::new()));
    let flow = Flow {
        chunk_bytes: chunk,
        hwm_bytes: hwm,
        lwm_bytes: hwm / 2,
        threads,
        eager_threads: true,
        ..Flow::default()
    };
    let stats = Pipeline::new(open(), Box::new(Memory(Arc::clone(&written))))
        .helpers((1..threads).map(|_| open()).collect())
        .limits(Limits {
            records: case.count,
            bytes: case.size,
            duration: None,
        })
        .flow(flow)
        .run()
        .expect("the run completes");
    let written = std::mem::take(&mut *written.lock().unwrap());
    assert_eq!(stats.bytes, written.len() as u64, "report vs output");
    assert_eq!(stats.generator_busy_s.len() as u64, stats.threads);
    (written, stats.threads)
}

fn kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(vec![
        Kind::Counter,
        Kind::Apache,
        Kind::UsersCsv,
        Kind::JsonLog,
        Kind::Framed,
        Kind::Random,
        Kind::Pattern,
        Kind::Shaped,
        Kind::Stamped,
        Kind::DatasetTsv,
        Kind::DatasetJsonl,
        Kind::Lineitem,
    ])
}

fn case() -> impl Strategy<Value = Case> {
    (
        kind(),
        any::<u64>(),
        prop_oneof![Just(0u64), 0..1_000_000u64],
        prop_oneof![Just(0u64), 0..5_000u64],
        // A count (records) or a size; bytes take a size.
        prop_oneof![
            (1..20_000u64).prop_map(|n| (Some(n), None)),
            (1..1_500_000u64).prop_map(|s| (None, Some(s))),
            ((1..20_000u64), (1..1_500_000u64)).prop_map(|(n, s)| (Some(n), Some(s))),
        ],
    )
        .prop_map(|(kind, seed, start, first, (count, size))| {
            let bytes = matches!(
                kind,
                Kind::Random | Kind::Pattern | Kind::Shaped | Kind::Stamped
            );
            Case {
                kind,
                seed,
                start,
                first,
                count: if bytes { None } else { count },
                size: if bytes { size.or(Some(700_001)) } else { size },
            }
        })
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn any_threads_chunk_and_hwm_write_the_same_bytes(
        case in case(),
        threads in 2..5usize,
        // Chunks from one that holds a few records to the default.
        chunk in prop::sample::select(vec![1_500usize, 4_096, 10_000, 65_536]),
        hwm_chunks in 1..12u64,
    ) {
        let expected = output(&case, 1, 65_536, 1 << 20);
        let hwm = chunk as u64 * hwm_chunks.max(threads as u64);
        let (got, ran) = output_and_threads(&case, threads, chunk, hwm);
        // A run of more than a chunk hands over to the team after its first.
        if expected.len() > 2 * chunk {
            prop_assert_eq!(ran, threads as u64, "threads that ran: {:?}", case);
        }
        prop_assert_eq!(got.len(), expected.len(), "{:?}", case);
        prop_assert!(got == expected, "bytes differ: {:?}", case);
        // And a few threads with the hwm too small for them: one runs.
        let tight = output(&case, threads, chunk, chunk as u64);
        prop_assert!(tight == expected, "bytes differ at hwm = chunk: {:?}", case);
    }
}

#[test]
fn four_threads_cut_a_csv_at_the_size_as_one_does() {
    let case = Case {
        kind: Kind::UsersCsv,
        seed: 7,
        start: 0,
        first: 0,
        count: None,
        size: Some(3_000_017),
    };
    let expected = output(&case, 1, 65_536, 1 << 20);
    assert!(expected.starts_with(b"id,name,email,city,note\n"));
    assert!(expected.ends_with(b"\n") && expected.len() > 2_990_000);
    let (got, ran) = output_and_threads(&case, 4, 4_096, 64 << 10);
    assert_eq!(ran, 4);
    assert!(got == expected, "{} vs {} bytes", got.len(), expected.len());
}
