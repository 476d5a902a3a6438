//! The verify comparer names exactly the byte that changed, however the
//! regenerated and the read chunks cut the stream (they never line up: a
//! source fills whole records, a reader whole blocks).

use gush::source::RecordShape;
use gush::verify::compare::{Comparison, Side};
use proptest::prelude::*;

use super::config;

/// Compares `want` with `got` as the verify driver does: the expected side
/// in chunks of `want_chunk`, the read side in chunks of `got_chunk`.
fn compare(want: &[u8], got: &[u8], want_chunk: usize, got_chunk: usize) -> Comparison {
    let mut comparison = Comparison::new(RecordShape::Lines { per_record: 1 });
    // Newlines before each offset, so records_before costs nothing.
    let mut newlines_before = Vec::with_capacity(want.len() + 1);
    let mut newlines = 0;
    for &byte in want {
        newlines_before.push(newlines);
        newlines += u64::from(byte == b'\n');
    }
    let mut pos = 0;
    while pos < want.len() {
        let want_start = pos / want_chunk * want_chunk;
        let got_start = pos / got_chunk * got_chunk;
        let want_end = (want_start + want_chunk).min(want.len());
        let got_end = (got_start + got_chunk).min(got.len());
        let len = want_end.min(got_end) - pos;
        let records_before = newlines_before[want_start];
        comparison.compare(
            Side {
                bytes: &want[want_start..want_end],
                start: want_start as u64,
            },
            Side {
                bytes: &got[got_start..got_end],
                start: got_start as u64,
            },
            pos as u64,
            len,
            records_before,
        );
        pos += len;
    }
    comparison
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn names_exactly_the_flipped_byte(
        lines in 1usize..3000,
        flip_at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        want_chunk in 1usize..5000,
        got_chunk in 1usize..5000,
    ) {
        let want: Vec<u8> = (0..lines).flat_map(|n| format!("Line {n}\n").into_bytes()).collect();
        let offset = flip_at.index(want.len());
        let mut got = want.clone();
        got[offset] ^= flip;
        let comparison = compare(&want, &got, want_chunk, got_chunk);
        let line = want[..offset].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        prop_assert_eq!(comparison.first_bad, Some((offset as u64, Some(line))));
        prop_assert_eq!(comparison.bad_bytes, 1);
        prop_assert_eq!(comparison.mismatches.len(), 1);
        prop_assert_eq!(comparison.compared_bytes, want.len() as u64);
    }
}
