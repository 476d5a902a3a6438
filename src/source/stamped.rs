//! `gush bytes --fill stamped`: seeded bytes cut into blocks that each
//! carry a header saying what they are (the format is in `stamp/`).
//!
//! Apart from [`Bytes`](super::bytes::Bytes) because it works block by
//! block: a block is filled with the (shaped) random stream at its offset,
//! then its header is patched in and sealed with a CRC. Every block is a
//! function of its offset, so the output does not depend on `--chunk`.

use super::content::{self, Content};
use super::{Filled, Source};
use crate::stamp::{self, Layout};

pub struct Stamped {
    layout: Layout,
    content: Content,
    offset: u64,
    /// One block, for a fill that starts or ends inside a block.
    scratch: Vec<u8>,
}

impl Stamped {
    /// Stamped blocks from byte `offset` on (a shard's start).
    pub fn new(layout: Layout, offset: u64) -> Stamped {
        Stamped {
            layout,
            content: layout.content(),
            offset,
            scratch: vec![0; layout.block as usize],
        }
    }
}

impl Source for Stamped {
    fn fill(&mut self, out: &mut [u8], _max_records: u64) -> Filled {
        let block = u64::from(self.layout.block);
        let mut done = 0;
        while done < out.len() {
            let at = self.offset + done as u64;
            let start = at - at % block;
            let skip = (at - start) as usize;
            let take = (block as usize - skip).min(out.len() - done);
            if skip == 0 && take == block as usize {
                let whole = &mut out[done..done + take];
                content::fill_at(self.layout.seed, &self.content, start, whole);
                stamp::seal(whole, &self.layout, start);
            } else {
                stamp::expected_block(&self.layout, start, &mut self.scratch);
                out[done..done + take].copy_from_slice(&self.scratch[skip..skip + take]);
            }
            done += take;
        }
        self.offset += out.len() as u64;
        Filled {
            bytes: out.len(),
            records: 0,
        }
    }
}
