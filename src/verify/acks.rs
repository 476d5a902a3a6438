//! `gush verify TARGET --acks LOG`: replays the journal `--ack-log` wrote
//! (format in `sink/disk/acks.rs`) and judges each block by what the
//! device promised for it: the newest generation acknowledged written,
//! and the newest acknowledged durable (covered by a completed sync).
//!
//! - `ok`: its newest acknowledged write was also acknowledged durable,
//!   and it holds that generation or a newer one (a write that landed
//!   before its acknowledgement was journalled);
//! - `lost`: holds a generation older than one acknowledged durable: the
//!   device said the write was safe and it is not there. Exit 3;
//! - `in flight`: its newest write was acknowledged but no sync covered it
//!   at the crash, and it holds the old or the new generation: no blame;
//! - `torn`: a block the journal names whose CRC fails (part old, part
//!   new, or damaged): exit 3, as `corrupted` is.
//!
//! Blocks the journal never names are judged as without it, except that
//! a zeroed one is `unwritten`: the run had not reached it, no blame. The check by
//! passes (`passes.rs`) is left out: after a crash, writes in flight leave
//! holes in the last pass that only the journal can excuse.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::classify::Class;

/// What the journal says of one block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Promise {
    /// The newest generation acknowledged written.
    written: u64,
    /// The newest acknowledged durable, and when (Unix ns).
    durable: u64,
    durable_ns: u64,
}

/// Blocks up to which the promises are a table indexed by block (24
/// bytes each, 96 MiB at most: 16 GiB of 4 KiB blocks); past it, a map of
/// the blocks the journal names. The table is what keeps `--acks` near
/// the speed of a plain check: a lookup per block costs no hashing.
const DENSE_BLOCKS: u64 = 1 << 22;

enum Promises {
    Dense(Vec<Promise>),
    Sparse(HashMap<u64, Promise>),
}

impl Promises {
    fn entry(&mut self, index: u64) -> &mut Promise {
        match self {
            Promises::Dense(table) => {
                let at = index as usize;
                if at >= table.len() {
                    // A write past the stamped total: kept, never judged.
                    table.resize(at + 1, Promise::default());
                }
                &mut table[at]
            }
            Promises::Sparse(map) => map.entry(index).or_default(),
        }
    }

    fn get(&self, index: u64) -> Option<&Promise> {
        match self {
            Promises::Dense(table) => table.get(index as usize).filter(|p| p.written > 0),
            Promises::Sparse(map) => map.get(&index),
        }
    }
}

pub struct Acks {
    blocks: Promises,
    /// Records read: writes and syncs.
    pub writes: u64,
    pub syncs: u64,
}

impl Acks {
    /// Reads the journal at `path` for `blocks` blocks of `block` bytes.
    pub fn load(path: &Path, block: u64, blocks: u64) -> Result<Acks> {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open the journal {}", path.display()))?;
        let mut acks = Acks {
            blocks: match blocks <= DENSE_BLOCKS {
                true => Promises::Dense(vec![Promise::default(); blocks as usize]),
                false => Promises::Sparse(HashMap::new()),
            },
            writes: 0,
            syncs: 0,
        };
        // Blocks written since the last sync: the next `d` makes them
        // durable. Bounded by the writes between two syncs.
        let mut pending: Vec<(u64, u64)> = Vec::new();
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        for number in 1.. {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .with_context(|| format!("cannot read the journal {}", path.display()))?;
            if read == 0 {
                break;
            }
            // A last line cut short by the crash promises nothing.
            if !line.ends_with('\n') {
                break;
            }
            let line = line.trim_end();
            let mut fields = [""; 5];
            for (slot, field) in fields.iter_mut().zip(line.split_ascii_whitespace()) {
                *slot = field;
            }
            let bad = || {
                anyhow::anyhow!(
                    "the journal {} has a line {number} that is not an --ack-log record: `{line}`",
                    path.display()
                )
            };
            let num = |i: usize| {
                fields
                    .get(i)
                    .and_then(|f| f.parse::<u64>().ok())
                    .ok_or_else(bad)
            };
            match fields.first().copied() {
                Some("gush-acks") if number == 1 && fields.get(1) == Some(&"1") => {}
                Some(kind @ ("w" | "W")) => {
                    let (offset, len, generation, ns) = (num(1)?, num(2)?, num(3)?, num(4)?);
                    acks.writes += 1;
                    for index in offset / block..(offset + len).div_ceil(block) {
                        let promise = acks.blocks.entry(index);
                        promise.written = promise.written.max(generation);
                        if kind == "W" {
                            promise.durable = promise.durable.max(generation);
                            promise.durable_ns = ns;
                        } else {
                            pending.push((index, generation));
                        }
                    }
                }
                Some("d") => {
                    let ns = num(1)?;
                    acks.syncs += 1;
                    for (index, generation) in pending.drain(..) {
                        let promise = acks.blocks.entry(index);
                        if generation >= promise.durable {
                            promise.durable = generation;
                            promise.durable_ns = ns;
                        }
                    }
                }
                _ => bail!(bad()),
            }
        }
        Ok(acks)
    }

    /// The verdict on block `index` that the journal gives, from the
    /// verdict without it and the generation an intact block holds.
    pub fn judge(&self, index: u64, class: Class, held: u64) -> Class {
        let Some(promise) = self.blocks.get(index) else {
            return match class {
                Class::Zeroed => Class::Unwritten,
                other => other,
            };
        };
        match class {
            Class::Ok if held < promise.durable => Class::Lost {
                expected: promise.durable,
                found: held,
                acked_ns: promise.durable_ns,
            },
            Class::Ok if promise.written > promise.durable => Class::InFlight,
            // Never written at all, as far as the disk shows.
            Class::Zeroed if promise.durable > 0 => Class::Lost {
                expected: promise.durable,
                found: 0,
                acked_ns: promise.durable_ns,
            },
            Class::Zeroed => Class::InFlight,
            Class::Corrupted { flipped_bits } => Class::Torn { flipped_bits },
            other => other,
        }
    }
}
