//! A seeded source writes the same bytes however its output is cut: into
//! buffers of any size, into slices starting at any record, or (for
//! random bytes) at any offset; and a buffer only ever holds whole records.

use gush::language::escape::Format;
use gush::source::Source;
use gush::source::bytes::{Bytes, Fill};
use gush::source::presets::{Body, PRESETS};
use proptest::prelude::*;

use crate::{config, drain, lines, records, sequence};

// ---------------------------------------------------------------------------
// A seeded source writes the same bytes however its output is cut.

/// Every preset plus templates full of random fields.
fn seeded_source_spec() -> impl Strategy<Value = (String, Option<Format>)> {
    let presets: Vec<(String, Option<Format>)> = PRESETS
        .iter()
        .map(|p| match p.body {
            Body::Template(t) => (t.to_string(), None),
            Body::Schema(s, f) => (s.to_string(), Some(f)),
        })
        .collect();
    prop_oneof![
        prop::sample::select(presets),
        Just((
            "{uuid} {ascii:30} {words:4} {ts:rfc3339ms} {choice:GET*8|POST*2|DELETE}".to_string(),
            None
        )),
        prop::sample::select(&[Format::Csv, Format::Tsv, Format::Jsonl][..]).prop_map(|f| (
            "id={n}, a={ascii:20}, q={choice:\"x\"|a,b|c\\d}, ua={user_agent}, f={float:-5..5:2}, t={ts:ctime}"
                .to_string(),
            Some(f)
        )),
        prop::sample::select(&[Format::Csv, Format::Tsv, Format::Jsonl][..])
            .prop_map(|f| (crate::DATASET.to_string(), Some(f))),
    ]
}

fn seeded_source(spec: &(String, Option<Format>), seed: u64, first: u64) -> Box<dyn Source> {
    match spec.1 {
        None => Box::new(lines(&spec.0, sequence(seed, first))),
        Some(format) => Box::new(records(&spec.0, format, first == 0, sequence(seed, first))),
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn seeded_output_does_not_depend_on_buffer_sizes(
        spec in seeded_source_spec(),
        seed in any::<u64>(),
        count in 1u64..400,
        sizes in prop::collection::vec(1usize..3000, 1..12),
    ) {
        let whole = drain(seeded_source(&spec, seed, 0).as_mut(), count, &[1 << 22]);
        let cut = drain(seeded_source(&spec, seed, 0).as_mut(), count, &sizes);
        prop_assert!(whole == cut, "output differs when cut into {:?}", sizes);
    }

    #[test]
    fn seeded_slices_concatenate_to_the_whole(
        spec in seeded_source_spec(),
        seed in any::<u64>(),
        mut cuts in prop::collection::vec(0u64..300, 0..4),
    ) {
        let total = 300;
        let whole = drain(seeded_source(&spec, seed, 0).as_mut(), total, &[1 << 22]);
        cuts.push(0);
        cuts.push(total);
        cuts.sort_unstable();
        let mut joined = Vec::new();
        for pair in cuts.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            if from < to {
                joined.extend(drain(seeded_source(&spec, seed, from).as_mut(), to - from, &[1 << 16]));
            }
        }
        prop_assert!(whole == joined, "slices at {:?} do not concatenate to the whole", cuts);
    }

    #[test]
    fn random_bytes_do_not_depend_on_buffer_sizes_or_offsets(
        seed in any::<u64>(),
        total in 1usize..20_000,
        sizes in prop::collection::vec(1usize..5000, 1..10),
    ) {
        let mut whole = vec![0u8; total];
        Bytes::new(&Fill::Random, seed, 0).fill(&mut whole, 0);
        let mut joined = Vec::new();
        let mut sizes = sizes.iter().cycle();
        while joined.len() < total {
            let len = (*sizes.next().unwrap()).min(total - joined.len());
            // A fresh source at each offset: what a shard starting there does.
            let mut buf = vec![0u8; len];
            Bytes::new(&Fill::Random, seed, joined.len() as u64).fill(&mut buf, 0);
            joined.extend(buf);
        }
        prop_assert!(whole == joined);
    }

    #[test]
    fn a_buffer_is_filled_with_whole_records_only(
        spec in seeded_source_spec(),
        seed in any::<u64>(),
        size in 1usize..5000,
    ) {
        let mut source = seeded_source(&spec, seed, 0);
        let mut buf = vec![0u8; size];
        let filled = source.fill(&mut buf, u64::MAX);
        prop_assert!(filled.bytes <= size);
        let written = &buf[..filled.bytes];
        prop_assert!(written.is_empty() || written.ends_with(b"\n"), "torn record");
        // And the bytes are a prefix of the unbounded output.
        let whole = drain(seeded_source(&spec, seed, 0).as_mut(), filled.records.max(1), &[1 << 22]);
        prop_assert!(whole.starts_with(written));
    }
}
