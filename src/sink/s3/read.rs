//! An object read back, for `--verify`: its size from a HEAD, then ranged
//! GETs, each the size of the check's window, several at once from the
//! reader's threads (`--queue-depth` of them), on the sink's runtime and
//! with its retries and counting.

use std::io;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Result, anyhow};
use object_store::ObjectStoreExt;
use object_store::path::Path;

use super::store::said;
use super::{S3Options, Store};

pub struct ObjectReader {
    store: Store,
    location: Path,
    url: String,
    bytes: u64,
}

impl ObjectReader {
    /// Finds the object and its size.
    pub fn open(options: &S3Options, stop: Arc<AtomicBool>) -> Result<ObjectReader> {
        let store = Store::connect(options, stop)?;
        let location = Path::from(options.key.as_str());
        let client = Arc::clone(&store.client);
        let head = store.runtime.block_on(store.retrying.run(|| {
            let (client, location) = (Arc::clone(&client), location.clone());
            async move { client.head(&location).await }
        }));
        let meta = head.map_err(|err| anyhow!("cannot read {}: {}", options.url(), said(&err)))?;
        Ok(ObjectReader {
            store,
            location,
            url: options.url(),
            bytes: meta.size,
        })
    }

    /// The object's size, as the store gave it.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Reads at `offset` into `buf`, as far as the object goes: one ranged
    /// GET. Called from several threads at once, each blocking on the
    /// runtime for its own request.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let end = (offset + buf.len() as u64).min(self.bytes);
        if offset >= end {
            return Ok(0);
        }
        let client = Arc::clone(&self.store.client);
        let got = self
            .store
            .runtime
            .handle()
            .block_on(self.store.retrying.run(|| {
                let (client, location) = (Arc::clone(&client), self.location.clone());
                async move { client.get_range(&location, offset..end).await }
            }));
        let bytes = got.map_err(|err| {
            io::Error::other(format!(
                "a ranged GET of {} failed: {}",
                self.url,
                said(&err)
            ))
        })?;
        let len = bytes.len().min(buf.len());
        buf[..len].copy_from_slice(&bytes[..len]);
        Ok(len)
    }
}
