//! How long to wait before trying again: one doubling, capped pause shared
//! by every destination that retries (a socket's connection attempts, an
//! HTTP batch after a reset or a 5xx, and the floor under a server's own
//! `Retry-After`).
//!
//! Kept apart because it is pure arithmetic, tested here without a clock.

use std::time::Duration;

/// A doubling pause, from its first value up to a cap.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    next: Duration,
    cap: Duration,
}

/// After a failure: 100 ms, doubling to 2 s. Short enough that a server
/// restarting is found again within a second or two, long enough that a
/// dead one is not hammered.
pub const AFTER_FAILURE: Backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));

/// Under a server's own 429 or 503: 10 ms, doubling to 1 s. A server that
/// asks for no wait at all (`Retry-After: 0`) is still given this, so one
/// that refuses everything gets a few requests a second, not hundreds of
/// thousands.
pub const SERVER_PAUSE: Backoff = Backoff::new(Duration::from_millis(10), Duration::from_secs(1));

impl Backoff {
    pub const fn new(first: Duration, cap: Duration) -> Backoff {
        Backoff { next: first, cap }
    }

    /// The pause to take now; the next one is twice as long, up to the cap.
    pub fn pause(&mut self) -> Duration {
        let now = self.next;
        self.next = (self.next * 2).min(self.cap);
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_its_cap() {
        let mut backoff = AFTER_FAILURE;
        let pauses: Vec<u128> = (0..7).map(|_| backoff.pause().as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 800, 1600, 2000, 2000]);
        let mut floor = SERVER_PAUSE;
        let pauses: Vec<u128> = (0..9).map(|_| floor.pause().as_millis()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
    }
}
