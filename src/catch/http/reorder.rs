//! Bodies that carry `X-Gush-Seq` (gush's batches) saved in sequence
//! order, whatever order the connections deliver them in, with what waits
//! for its turn bounded by `--hwm`.
//!
//! A body is held in memory as it arrives, each piece counted against the
//! bound, and saved once every earlier one is. When a piece does not fit:
//!
//! - a body whose turn it is goes straight to the output (what it held
//!   first, then the rest as it comes), so the bodies waiting behind it can
//!   never starve it, and a body larger than the bound costs no memory;
//! - any other body is dropped and answered 503 with Retry-After: the
//!   receiver's own backpressure. The sender sends it again later, when the
//!   missing earlier batch has come and room has been made.
//!
//! A body streamed in turn that is cut off leaves its first part in the
//! output, as an unsequenced body does; a held one leaves nothing.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use anyhow::Result;

use crate::catch::connection::Shared;

pub struct Reorder {
    /// The most bytes held at once: `--hwm`.
    limit: u64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The sequence number saved next.
    next: u64,
    waiting: BTreeMap<u64, Vec<u8>>,
    /// Bytes of the waiting bodies and of those still arriving.
    held: u64,
    /// A body whose turn it is is going straight to the output.
    streaming: bool,
}

/// One sequenced body on its way in.
pub struct Intake<'a> {
    reorder: &'a Reorder,
    sequence: u64,
    taking: Taking,
}

enum Taking {
    /// Held in memory until its turn.
    Holding(Vec<u8>),
    /// Saved as it arrives: its turn, or an earlier number (a new sender
    /// starting over).
    Saving { streaming: bool },
    /// Did not fit and was not next: answered 503.
    Dropped,
}

impl Reorder {
    pub fn new(limit: u64) -> Reorder {
        Reorder {
            limit,
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    pub fn begin(&self, sequence: u64) -> Intake<'_> {
        let late = sequence < self.lock().next;
        Intake {
            reorder: self,
            sequence,
            taking: match late {
                true => Taking::Saving { streaming: false },
                false => Taking::Holding(Vec::new()),
            },
        }
    }

    /// Saves bodies still waiting for a batch that never came, in order,
    /// so nothing accepted is dropped.
    pub fn save_waiting(&self, shared: &Shared) -> Result<()> {
        let mut state = self.lock();
        for (_, body) in std::mem::take(&mut state.waiting) {
            shared.save(&body)?;
        }
        state.held = 0;
        Ok(())
    }
}

impl State {
    /// Saves the waiting bodies whose turn has come.
    fn save_in_turn(&mut self, shared: &Shared) -> Result<()> {
        while let Some(body) = self.waiting.remove(&self.next) {
            self.held -= body.len() as u64;
            self.next += 1;
            shared.save(&body)?;
        }
        Ok(())
    }
}

impl Intake<'_> {
    /// Takes one piece of the body.
    pub fn take(&mut self, shared: &Shared, piece: &[u8]) -> Result<()> {
        match &mut self.taking {
            Taking::Saving { .. } => shared.save(piece),
            Taking::Dropped => Ok(()),
            Taking::Holding(body) => {
                let mut state = self.reorder.lock();
                if state.held + piece.len() as u64 <= self.reorder.limit {
                    state.held += piece.len() as u64;
                    body.extend_from_slice(piece);
                    return Ok(());
                }
                state.held -= body.len() as u64;
                let held = std::mem::take(body);
                if self.sequence == state.next && !state.streaming {
                    state.streaming = true;
                    drop(state);
                    self.taking = Taking::Saving { streaming: true };
                    shared.save(&held)?;
                    shared.save(piece)
                } else {
                    self.taking = Taking::Dropped;
                    Ok(())
                }
            }
        }
    }

    /// The whole body has come: saves it, or holds it for its turn. False
    /// if it was dropped for want of room (to be answered 503).
    pub fn finish(mut self, shared: &Shared) -> Result<bool> {
        let mut state = self.reorder.lock();
        match std::mem::replace(&mut self.taking, Taking::Saving { streaming: false }) {
            Taking::Dropped => return Ok(false),
            Taking::Saving { streaming: false } => {}
            Taking::Saving { streaming: true } => {
                state.streaming = false;
                state.next = self.sequence + 1;
            }
            Taking::Holding(body) if self.sequence < state.next => {
                // Its number came in the meantime (a resent batch).
                state.held -= body.len() as u64;
                shared.save(&body)?;
            }
            Taking::Holding(body) => {
                if let Some(resent) = state.waiting.insert(self.sequence, body) {
                    state.held -= resent.len() as u64;
                }
            }
        }
        state.save_in_turn(shared)?;
        Ok(true)
    }
}

/// A body cut off on its way in gives back its room, or its turn.
impl Drop for Intake<'_> {
    fn drop(&mut self) {
        match &self.taking {
            Taking::Holding(body) if !body.is_empty() => {
                self.reorder.lock().held -= body.len() as u64;
            }
            Taking::Saving { streaming: true } => self.reorder.lock().streaming = false,
            _ => {}
        }
    }
}
