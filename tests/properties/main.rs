//! Property tests of the template language, calling the library directly:
//! parsing never panics and its errors point at real places in the input;
//! CSV, TSV and JSON Lines renderings of one seeded run parse back to the
//! same values; and a seeded source writes the same bytes however its
//! output is cut into buffers or shards; and a verify names exactly the
//! byte that differs.
//!
//! Case counts are modest on purpose: the whole binary runs in a few seconds
//! on a small machine, and a failure prints a shrunk input to rerun.
//!
//! One test binary with a module per property family; the sources, clock
//! and buffer-draining helpers they share are here.

mod formats;
mod parsing;
mod seeded;
mod threads;
mod verify;

use gush::language::clock::TimeSource;
use gush::language::escape::Format;
use gush::language::schema::Schema;
use gush::language::sequence::Sequence;
use gush::language::template::Template;
use gush::source::lines::Lines;
use gush::source::record::Records;
use gush::source::{Filled, Source};
use proptest::prelude::*;

/// Every field a data set reaches for: random dates and times, columns
/// derived from earlier ones (through a null, too), nulls at a rate and
/// the non-uniform numbers.
const DATASET: &str = "ship={date:1992-01-01..1998-12-31}, commit={date:@ship+-30..60}?10%, \
    receipt={date:@commit+1..5}, qty={int:1..50}, more={int:@qty+0..10}, \
    price={lognormal:4:1:2}?5%, dearer={float:@price+0..5:3}, at={ts:2026-01-01T00:00:00Z..2026-02-01T00:00:00Z:rfc3339ms}, \
    later={ts:@at+1s..2h:unix_ms}, clock={ts}, after={ts:@clock+-1m..1m:clf}, w={normal:0:1:3}, \
    e={exp:5:1}?50%, z={zipf:1000:1.1}, note={words:2}?1%";

/// 2026-01-01T00:00:00Z, the simulated clock's default start.
const START_NS: i64 = 1_767_225_600_000_000_000;

fn sim_clock() -> TimeSource {
    TimeSource::Simulated {
        start_ns: START_NS,
        step_ns: 1_000_000,
    }
}

/// `cases` cases (or `PROPTEST_CASES`, for a longer hunt), and no
/// regression files written into the source tree: a failure prints its
/// shrunk input, which belongs in a named test.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn sequence(seed: u64, first_index: u64) -> Sequence {
    Sequence::new(seed, 0, first_index, sim_clock())
}

/// Runs `source` until `count` records are written, handing it buffers of
/// the sizes in `sizes` (cycled). A buffer too small for the next record is
/// doubled until the record fits, as a larger `--chunk` would.
fn drain(source: &mut dyn Source, count: u64, sizes: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut written = 0;
    let mut sizes = sizes.iter().copied().cycle();
    while written < count {
        let mut size = sizes.next().expect("at least one size").max(1);
        loop {
            let mut buf = vec![0u8; size];
            let filled: Filled = source.fill(&mut buf, count - written);
            if filled.records > 0 {
                out.extend_from_slice(&buf[..filled.bytes]);
                written += filled.records;
                break;
            }
            assert_eq!(filled.bytes, 0, "bytes written without a record");
            size *= 2;
            assert!(size <= 1 << 24, "a record never fits");
        }
    }
    out
}

fn records(schema: &str, format: Format, header: bool, seq: Sequence) -> Records {
    Records::new(
        Schema::parse(schema).expect("schema parses"),
        format,
        header,
        seq,
    )
}

fn lines(template: &str, seq: Sequence) -> Lines {
    Lines::new(Template::parse(template).expect("template parses"), seq)
}
