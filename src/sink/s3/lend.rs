//! A part's bytes lent to a request without a copy: each chunk becomes a
//! `Bytes` that owns it, and when the last reference goes (the request is
//! done, retries included) the chunk is sent back on the part's channel,
//! to go back to the generator's pool. Kept apart from `upload.rs`, which
//! only says when parts are sent and settled.

use std::io;
use std::time::Duration;

use bytes::Bytes;
use crossbeam_channel::{Receiver, Sender};
use object_store::PutPayload;

use crate::chunk::Chunk;
use crate::sink::Done;

/// How long the client may hold a part's buffers after its request is
/// over (and how long an abort may take when the run is ending).
pub(super) const GIVE_BACK_WAIT: Duration = Duration::from_secs(10);

/// One chunk lent to a request. Dropping the last `Bytes` made from it
/// sends it back, with its place in the part.
struct Lent {
    chunk: Option<Chunk>,
    index: usize,
    back: Sender<(usize, Chunk)>,
}

impl AsRef<[u8]> for Lent {
    fn as_ref(&self) -> &[u8] {
        self.chunk.as_ref().map_or(&[], |chunk| chunk.as_slice())
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let Some(chunk) = self.chunk.take() {
            // The sink may be gone (a failed run): the chunk is then freed.
            let _ = self.back.send((self.index, chunk));
        }
    }
}

/// Chunks lent as one payload, the channel they come back on, and how
/// many there are.
pub(super) fn lend(chunks: Vec<Chunk>) -> (PutPayload, Receiver<(usize, Chunk)>, usize) {
    let (back, returned) = crossbeam_channel::unbounded();
    let count = chunks.len();
    let payload = chunks
        .into_iter()
        .enumerate()
        .map(|(index, chunk)| {
            Bytes::from_owner(Lent {
                chunk: Some(chunk),
                index,
                back: back.clone(),
            })
        })
        .collect();
    (payload, returned, count)
}

/// Takes a part's chunks back, in their order in the part. The request
/// is over, so every `Bytes` is gone or about to be: the wait is short.
pub(super) fn hand_back(
    back: &Receiver<(usize, Chunk)>,
    chunks: usize,
    done: &mut Done,
) -> io::Result<()> {
    let mut returned = Vec::with_capacity(chunks);
    for _ in 0..chunks {
        let chunk = back.recv_timeout(GIVE_BACK_WAIT).map_err(|_| {
            io::Error::other("a part's buffers were not given back by the S3 client")
        })?;
        returned.push(chunk);
    }
    returned.sort_unstable_by_key(|(index, _)| *index);
    done.chunks.extend(returned.into_iter().map(|(_, chunk)| {
        let len = chunk.len();
        (chunk, len)
    }));
    Ok(())
}
