//! What `gush verify FILE` found, and how it is told: the counts per
//! class and the first bad blocks (the JSON report's keys), the human
//! report, and the `--interval` lines. Kept apart from the reading and
//! judging in `stamped.rs` and `classify.rs`.

use std::fmt::Write as _;

use serde::Serialize;

use super::classify::{BadBlock, Class};
use crate::report::size;
use crate::run::Ending;

/// Bad blocks listed in the JSON report; the human one shows fewer.
pub const LISTED: usize = 100;
const LISTED_HUMAN: usize = 10;

/// What `--acks` found: the journal's size and the blocks it judged.
#[derive(Debug, Default, Serialize)]
pub struct AckCounts {
    pub journal: String,
    pub writes: u64,
    pub syncs: u64,
    pub lost: u64,
    pub in_flight: u64,
    pub torn: u64,
    /// Zeroed blocks the journal names no write of.
    pub unwritten: u64,
}

/// What `gush verify` found: the JSON report, and the source of the human
/// one.
#[derive(Debug, Default, Serialize)]
pub struct Verdict {
    pub file: String,
    /// The file's size, or the device's capacity.
    pub file_bytes: u64,
    pub direct: bool,
    /// `device`, or `page cache` where the cached pages could not be
    /// dropped (or the file lives in memory).
    pub read_from: &'static str,
    pub seed: u64,
    pub run_id: u64,
    pub block_bytes: u64,
    pub total_bytes: u64,
    pub compress_ratio: f64,
    /// The highest write generation a block holds: the run's last pass (0
    /// for a file without generations).
    pub last_generation: u64,
    /// Blocks the stamped total makes.
    pub blocks: u64,
    pub checked_bytes: u64,
    pub ok: u64,
    pub corrupted: u64,
    pub flipped_bits: u64,
    pub misplaced: u64,
    pub stale: u64,
    pub zeroed: u64,
    pub unreadable: u64,
    pub missing: u64,
    /// With `--acks`: the journal's records, and the blocks it judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acks: Option<AckCounts>,
    /// Bytes of a regular file past the stamped total.
    pub extra_bytes: u64,
    pub elapsed_s: f64,
    pub bytes_per_s: f64,
    pub interrupted: bool,
    /// The first [`LISTED`] bad blocks, in file order.
    pub bad_blocks: Vec<BadBlock>,
}

impl Verdict {
    /// 0 when every block is ok and nothing is extra; 3 otherwise.
    pub fn ending(&self) -> Ending {
        if self.interrupted {
            Ending::Interrupted
        } else if self.bad() == 0 && self.extra_bytes == 0 {
            Ending::Done
        } else {
            Ending::Differs
        }
    }

    /// After a whole read: the blocks past the file's end up to the
    /// stamped total are missing (one listed entry for all of them), and
    /// a regular file's bytes past the total are extra.
    pub fn settle_the_tail(&mut self, is_device: bool) {
        self.missing = self
            .blocks
            .saturating_sub(self.checked_bytes / self.block_bytes);
        if self.missing > 0 && self.bad_blocks.len() < LISTED {
            let mut missing = BadBlock {
                blocks: Some(self.missing),
                ..Class::Ok.at(self.checked_bytes)
            };
            missing.class = "missing";
            self.bad_blocks.push(missing);
        }
        if !is_device {
            self.extra_bytes = self.file_bytes.saturating_sub(self.total_bytes);
        }
    }

    pub fn bad(&self) -> u64 {
        let acks = self.acks.as_ref().map_or(0, |a| a.lost + a.torn);
        self.corrupted
            + self.misplaced
            + self.stale
            + self.zeroed
            + self.unreadable
            + self.missing
            + acks
    }

    /// Blocks judged `ok` that the check by passes (`passes.rs`) found a
    /// pass or more behind: (block index, generation held), drained.
    pub fn restale(&mut self, behind: &mut Vec<(u64, u64)>, last_generation: u64) {
        for (index, generation) in behind.drain(..) {
            self.ok -= 1;
            self.stale += 1;
            if self.bad_blocks.len() < LISTED {
                let mut bad = Class::Ok.at(index * self.block_bytes);
                bad.class = "stale";
                bad.generation = Some(generation);
                bad.last_generation = Some(last_generation);
                self.bad_blocks.push(bad);
            }
        }
    }

    pub fn record(&mut self, class: Class, offset: u64) {
        match class {
            Class::Ok => {
                self.ok += 1;
                return;
            }
            Class::Corrupted { flipped_bits } => {
                self.corrupted += 1;
                self.flipped_bits += flipped_bits;
            }
            Class::Misplaced { .. } => self.misplaced += 1,
            Class::Stale { .. } => self.stale += 1,
            Class::Zeroed => self.zeroed += 1,
            Class::Unreadable => self.unreadable += 1,
            Class::Lost { .. } | Class::InFlight | Class::Torn { .. } | Class::Unwritten => {
                let Some(acks) = &mut self.acks else {
                    return;
                };
                match class {
                    Class::Lost { .. } => acks.lost += 1,
                    Class::Torn { .. } => acks.torn += 1,
                    Class::Unwritten => {
                        acks.unwritten += 1;
                        return;
                    }
                    _ => {
                        // No blame, and no entry in the list of bad ones.
                        acks.in_flight += 1;
                        return;
                    }
                }
            }
        }
        if self.bad_blocks.len() < LISTED {
            self.bad_blocks.push(class.at(offset));
        }
    }
}

/// A Unix time in ns as UTC (RFC 3339), to the microsecond.
fn utc(ns: u64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns);
    humantime::format_rfc3339_micros(at).to_string()
}

/// The human report: a headline, the counts per class, and the first bad
/// blocks with their offsets.
pub fn human(v: &Verdict) -> String {
    let mut out = String::new();
    let verdict = match v.bad() {
        0 if !v.interrupted && v.acks.is_some() => {
            format!("none of {} blocks lost or damaged", v.blocks)
        }
        0 if !v.interrupted => format!("all {} blocks ok", v.blocks),
        bad => format!("{bad} of {} blocks bad", v.blocks),
    };
    let _ = writeln!(
        out,
        "gush verify: {}: {verdict}{}{}",
        v.file,
        match v.extra_bytes {
            0 => String::new(),
            extra => format!(", {extra} extra bytes past the stamped total"),
        },
        if v.interrupted {
            " (interrupted: counts so far)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "  stamped: seed {}, run {}, {} blocks, {} total{}",
        v.seed,
        v.run_id,
        size(v.block_bytes as f64),
        size(v.total_bytes as f64),
        match v.compress_ratio {
            r if r > 1.0 => format!(", compress ratio {r}"),
            _ => String::new(),
        }
    );
    if v.last_generation > 1 {
        let _ = writeln!(
            out,
            "  passes: the last wrote generation {}; each block should hold it, or {} where a stopped pass had not reached it",
            v.last_generation,
            v.last_generation - 1
        );
    }
    let _ = writeln!(
        out,
        "  ok {}, corrupted {} ({} bits flipped), misplaced {}, stale {}, zeroed {}, unreadable {}, missing {}",
        v.ok, v.corrupted, v.flipped_bits, v.misplaced, v.stale, v.zeroed, v.unreadable, v.missing
    );
    if let Some(a) = &v.acks {
        let _ = writeln!(
            out,
            "  journal {}: {} writes, {} syncs acknowledged; lost {}, in flight {}, torn {}, unwritten {}",
            a.journal, a.writes, a.syncs, a.lost, a.in_flight, a.torn, a.unwritten
        );
        let _ = writeln!(
            out,
            "  {}",
            match a.lost {
                0 => "the device kept its promise: every write acknowledged durable is there"
                    .to_string(),
                n => format!(
                    "the device broke its promise: {n} blocks acknowledged durable hold an older generation"
                ),
            }
        );
    }
    let _ = writeln!(
        out,
        "  checked {} in {:.2} s, {}/s, {}",
        size(v.checked_bytes as f64),
        v.elapsed_s,
        size(v.bytes_per_s),
        match (v.direct, v.read_from) {
            (true, "device") => "read with O_DIRECT",
            (true, _) => "read with O_DIRECT, from the page cache (the file lives in memory)",
            (false, "device") => "read from the device after dropping its cached pages",
            (false, _) => "read from the page cache (its pages could not be dropped)",
        }
    );
    for bad in v.bad_blocks.iter().take(LISTED_HUMAN) {
        let detail = match bad.class {
            "corrupted" | "torn" => format!(": {} bits flipped", bad.flipped_bits.unwrap_or(0)),
            "lost" => format!(
                ": holds generation {}, but generation {} was acknowledged durable at {}",
                bad.generation.unwrap_or(0),
                bad.expected_generation.unwrap_or(0),
                utc(bad.acked_ns.unwrap_or(0))
            ),
            "misplaced" => format!(": belongs at byte {}", bad.belongs_at.unwrap_or(0)),
            "stale" => match (bad.generation, bad.last_generation) {
                (Some(held), Some(last)) => format!(
                    ": holds generation {held}, behind the run's pass {last} (a lost write, or an older copy)"
                ),
                _ => format!(
                    ": from seed {}, run {}",
                    bad.seed.unwrap_or(0),
                    bad.run_id.unwrap_or(0)
                ),
            },
            "missing" => format!(
                ": {} blocks to the stamped end (file is {} bytes, {} stamped)",
                bad.blocks.unwrap_or(0),
                v.file_bytes,
                v.total_bytes
            ),
            _ => String::new(),
        };
        let _ = writeln!(out, "  {:<10} at byte {}{detail}", bad.class, bad.offset);
    }
    // Missing blocks are one entry, however many.
    let entries = v.bad() - v.missing + u64::from(v.missing > 0);
    let shown = LISTED_HUMAN.min(v.bad_blocks.len()) as u64;
    if entries > shown {
        let _ = writeln!(
            out,
            "  … {} more (--stats=json lists the first {LISTED})",
            entries - shown
        );
    }
    out
}
