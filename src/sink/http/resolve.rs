//! Resolving the one host gush sends to, once.
//!
//! ureq's default resolver starts a thread for every lookup that has a
//! timeout, and it looks the host up for every request, even an address
//! literal on a kept-alive connection: at 64 KiB batches that was one
//! thread started per request (strace: 1031 clone3 for 1025 requests).
//! A run sends to one URL, so the first answer is kept and given again.

use std::sync::Mutex;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

#[derive(Debug, Default)]
pub struct ResolveOnce {
    lookup: DefaultResolver,
    /// The first successful answer, with the URI it was for.
    known: Mutex<Option<(Uri, ResolvedSocketAddrs)>>,
}

impl Resolver for ResolveOnce {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((for_uri, addrs)) = known.as_ref()
            && for_uri.authority() == uri.authority()
            && for_uri.scheme() == uri.scheme()
        {
            return Ok(addrs.clone());
        }
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        *known = Some((uri.clone(), addrs.clone()));
        Ok(addrs)
    }
}
