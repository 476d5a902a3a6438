//! `--start`, the first `{n}`: record numbers are u64, and a run that
//! numbered past the largest would wrap to 0 (`--start
//! 18446744073709551615 -n 2` wrote `Line 0` second). So a count that does
//! not fit after the start is a usage error naming the largest start that
//! fits it, and a run with no count ends at the last number.

use super::usage;
use crate::pipeline::Limits;

/// Refuses a `--count` whose last number, `start + count - 1`, is past
/// `u64::MAX`. Checked before a shard narrows the count: the numbers are
/// the whole run's.
pub(super) fn check_count(start: u64, count: Option<u64>) -> Result<(), clap::Error> {
    let Some(count) = count.filter(|&count| count > 0) else {
        return Ok(());
    };
    if start.checked_add(count - 1).is_some() {
        return Ok(());
    }
    Err(usage(format!(
        "--start {start} with --count {count} would number records past {}: use --start {} or less, or a smaller --count",
        u64::MAX,
        u64::MAX - (count - 1)
    )))
}

/// With no count, a run ends after the record numbered `u64::MAX` rather
/// than wrap: a records limit of the numbers left.
pub(super) fn cap_records(start: u64, limits: &mut Limits) {
    if start == 0 || limits.records.is_some() {
        // From 0, the numbers outlast any run.
        return;
    }
    limits.records = Some(u64::MAX - start + 1);
}
