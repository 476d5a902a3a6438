//! Bring your own destination, as Node lets you subclass `Writable`: a
//! sink that hashes what it is given instead of storing it, fed by gush's
//! own line source through the same pipeline the command line uses.
//!
//!     cargo run --release --example custom_sink

use std::io;

use gush::language::clock::TimeSource;
use gush::language::sequence::Sequence;
use gush::language::template::Template;
use gush::source::lines::Lines;
use gush::{Flow, Limits, Pipeline, Sink};

/// Counts bytes and folds them into an FNV-1a hash; a real sink might
/// post them to a queue or a database.
struct Fnv {
    hash: u64,
}

impl Sink for Fnv {
    fn name(&self) -> &str {
        "fnv-1a"
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &byte in buf {
            self.hash = (self.hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
        Ok(buf.len())
    }
}

fn main() -> anyhow::Result<()> {
    let template = Template::parse("order {n} {uuid}")?;
    let sequence = Sequence::new(42, 0, 0, TimeSource::Live);
    let pipeline = Pipeline::new(
        Box::new(Lines::new(template, sequence)),
        Box::new(Fnv {
            hash: 0xcbf2_9ce4_8422_2325,
        }),
    )
    .limits(Limits {
        records: Some(1_000_000),
        ..Limits::default()
    })
    .flow(Flow {
        hwm_bytes: 256 * 1024,
        lwm_bytes: 0,
        ..Flow::default()
    });
    let stats = pipeline.run().map_err(|failed| failed.error)?;
    println!(
        "{} lines, {} bytes into {}: {} pauses, {} drains, bottleneck {:?}",
        stats.records, stats.bytes, stats.destination, stats.pauses, stats.drains, stats.bottleneck
    );
    Ok(())
}
