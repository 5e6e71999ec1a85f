//! How a long computation learns that it should give up.
//!
//! Batches run on pool workers while the calling thread watches, so they are
//! stopped by a flag ([`Stop::Flag`]). A single long pair runs on the calling
//! thread itself and asks a callback now and then ([`Stop::Ask`]): handing it to a
//! worker thread only to keep the caller free for Ctrl-C cost about 0.4 MiB of
//! memory (a thread's stack, TLS and allocator arena) on a computation whose own
//! footprint is about as large.

use crate::error::Error;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often a waiting caller runs its poll callback (e.g. to look for Ctrl-C).
pub const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// What the kernels look at between runs of work (every few thousand columns).
#[derive(Clone, Copy)]
pub(crate) enum Stop<'a> {
    /// Never raised: the caller wants the answer whatever it costs.
    Never,
    /// Raised by another thread.
    Flag(&'a AtomicBool),
    /// Asked on this thread, at most once per [`POLL_INTERVAL`].
    Ask(&'a Asker<'a>),
}

impl Stop<'_> {
    #[inline]
    pub(crate) fn raised(self) -> bool {
        match self {
            Stop::Never => false,
            Stop::Flag(flag) => flag.load(Ordering::Relaxed),
            Stop::Ask(asker) => asker.raised(),
        }
    }
}

/// Runs `work` with [`Stop::Never`], which it cannot be stopped by, and
/// returns its answer: the entry points that promise a result whatever it costs.
#[inline]
pub(crate) fn unstoppable<T>(work: impl FnOnce(Stop<'_>) -> Option<T>) -> T {
    match work(Stop::Never) {
        Some(v) => v,
        None => unreachable!("Stop::Never is never raised"),
    }
}

impl<'a> From<&'a AtomicBool> for Stop<'a> {
    fn from(flag: &'a AtomicBool) -> Self {
        Stop::Flag(flag)
    }
}

/// A callback asked whether to stop, rate-limited by the clock, whose first
/// "yes" sticks.
pub(crate) struct Asker<'a> {
    ask: RefCell<&'a mut dyn FnMut() -> bool>,
    next: Cell<Instant>,
    said_yes: Cell<bool>,
}

impl<'a> Asker<'a> {
    pub(crate) fn new(ask: &'a mut dyn FnMut() -> bool) -> Self {
        Asker {
            ask: RefCell::new(ask),
            next: Cell::new(Instant::now() + POLL_INTERVAL),
            said_yes: Cell::new(false),
        }
    }

    /// Whether the callback has said to stop.
    pub(crate) fn said_yes(&self) -> bool {
        self.said_yes.get()
    }

    fn raised(&self) -> bool {
        if self.said_yes.get() {
            return true;
        }
        let now = Instant::now();
        if now < self.next.get() {
            return false;
        }
        // A callback that takes long (it may wait for a lock) does not eat into
        // the next interval of work.
        let yes = (self.ask.borrow_mut())();
        self.next.set(Instant::now() + POLL_INTERVAL);
        self.said_yes.set(yes);
        yes
    }
}

/// Runs `work` on this thread, which asks `poll` about every [`POLL_INTERVAL`]
/// from the kernels' own stop checks whether to give up.
///
/// # Errors
/// [`Error::Cancelled`] when `poll` said to stop.
pub(crate) fn asking<T>(
    mut poll: impl FnMut() -> bool,
    work: impl FnOnce(Stop<'_>) -> Option<T>,
) -> Result<T, Error> {
    let asker = Asker::new(&mut poll);
    match work(Stop::Ask(&asker)) {
        Some(v) if !asker.said_yes() => Ok(v),
        _ => Err(Error::Cancelled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_is_asked_at_most_once_per_interval_and_yes_sticks() {
        let calls = Cell::new(0);
        let mut ask = || {
            calls.set(calls.get() + 1);
            calls.get() == 2
        };
        let asker = Asker::new(&mut ask);
        let stop = Stop::Ask(&asker);
        assert!(!stop.raised(), "not asked before the first interval");
        std::thread::sleep(POLL_INTERVAL + Duration::from_millis(2));
        assert!(!stop.raised(), "first answer: no");
        assert!(!stop.raised(), "too soon to ask again");
        std::thread::sleep(POLL_INTERVAL + Duration::from_millis(2));
        assert!(stop.raised(), "second answer: yes");
        assert!(stop.raised() && asker.said_yes());
        assert_eq!(calls.get(), 2, "a yes is not asked again");
    }
}
