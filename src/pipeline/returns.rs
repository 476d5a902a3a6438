//! Written chunks on their way back from the writer to the generator,
//! held while a paused generator could not use them (see [`Returns`]).

use std::sync::atomic::Ordering;

use crossbeam_channel::Sender;

use crate::chunk::Chunk;
use crate::stats::Counters;

/// Written chunks on their way back to the generator. A paused generator
/// only resumes at the low-water mark, so waking it for each chunk handed
/// back (a futex wake here, a context switch there, for every 4 KiB random
/// write) is wasted: while it is paused and the buffered bytes stay above
/// the mark, chunks are held here and go back together once they do not.
/// Held chunks were written from a paused generator's buffer, so they add
/// nothing to the memory the hwm bounds.
pub(super) struct Returns {
    pub empty: Sender<Chunk>,
    pub held: Vec<Chunk>,
    pub lwm_bytes: u64,
}

impl Returns {
    /// Lowers the buffered bytes by `bytes`, the written `chunks`' own, and
    /// hands the chunks back or holds them.
    pub fn hand_back(
        &mut self,
        chunks: impl IntoIterator<Item = Chunk>,
        bytes: u64,
        counters: &Counters,
    ) {
        // Buffered first: once it shows a generator's bytes added after it
        // resumed, `paused` (stored before them) reads false.
        let after = counters
            .buffered_bytes
            .load(Ordering::SeqCst)
            .saturating_sub(bytes);
        let hold = counters.paused.load(Ordering::Acquire) && after > self.lwm_bytes;
        self.held.extend(chunks);
        if hold {
            counters.buffered_bytes.fetch_sub(bytes, Ordering::SeqCst);
            return;
        }
        // All but the last go back before the count drops to the mark, so
        // a generator that resumes there finds them rather than making new
        // chunks; the last, sent after, is the wake-up it will not miss.
        let last = self.held.pop();
        self.flush();
        counters.buffered_bytes.fetch_sub(bytes, Ordering::SeqCst);
        if let Some(chunk) = last {
            // A closed channel means the generator is done; nothing to recycle.
            let _ = self.empty.send(chunk);
        }
    }

    pub fn flush(&mut self) {
        for chunk in self.held.drain(..) {
            let _ = self.empty.send(chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_generator_gets_its_chunks_back_at_the_low_water_mark() {
        const K4: u64 = 4096;
        let counters = Counters::default();
        let (tx, rx) = crossbeam_channel::unbounded();
        let mut returns = Returns {
            empty: tx,
            held: Vec::new(),
            lwm_bytes: 2 * K4,
        };
        let chunk = || vec![Chunk::new(4096)];
        let buffered = || counters.buffered_bytes.load(Ordering::SeqCst);
        // Not paused: straight back, whatever is buffered.
        counters.buffered_bytes.store(10 * K4, Ordering::SeqCst);
        returns.hand_back(chunk(), K4, &counters);
        assert_eq!((rx.len(), buffered()), (1, 9 * K4));
        // Paused, and still above the mark after: held, no wake-up.
        counters.paused.store(true, Ordering::SeqCst);
        counters.buffered_bytes.store(5 * K4, Ordering::SeqCst);
        returns.hand_back(chunk(), K4, &counters);
        returns.hand_back(chunk(), K4, &counters);
        assert_eq!((rx.len(), returns.held.len(), buffered()), (1, 2, 3 * K4));
        // Down to the mark: every held chunk goes, with this one.
        returns.hand_back(chunk(), K4, &counters);
        assert_eq!((rx.len(), returns.held.len(), buffered()), (4, 0, 2 * K4));
        // And before the writer sleeps, nothing stays held.
        counters.buffered_bytes.store(5 * K4, Ordering::SeqCst);
        returns.hand_back(chunk(), K4, &counters);
        assert_eq!(returns.held.len(), 1);
        returns.flush();
        assert_eq!((rx.len(), returns.held.len()), (5, 0));
    }
}
