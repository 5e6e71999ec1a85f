//! Searching an [`Index`]: `nearest`'s contract, through the filters.
//!
//! With a bound, the filters for that bound give the candidates and each is
//! verified. With a count k, the bound rises (0, 1, 2, 3, 4, 6, 9, ...) until
//! k choices are within it: they are then the k nearest, since every choice
//! within the bound was seen. Once a bound's filters would hand over a large
//! share of the choices anyway, the query is scanned instead (by
//! [`crate::jobs::nearest`], or for a batch on the worker itself).

use super::Index;
use super::filters::{MAX_K, Probe, Scratch};
use super::verify::verifying;
use crate::error::Error;
use crate::jobs::Parallel;
use crate::jobs::nearest::nearest;
use crate::kernels::distance::{Options, levenshtein_with_stop};
use crate::runtime::pool::{pool, run_interruptible};
use crate::text::strings::Strings;
use crate::text::units::Units;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering};

/// A bound is filtered only while the strings that its filters cannot narrow
/// down (route `All`) are at most this share of the choices, and a filtered
/// pass that saw more candidates than this share makes the next bound a scan.
const SCAN_SHARE: usize = 8;

thread_local! {
    /// A search's working memory, kept per thread: clearing 4 bytes per
    /// choice for every query would cost more than a small search.
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// The bound tried after `k` when too few choices were within it (never
/// beyond `max_distance`, where the search stops).
fn next_bound(k: usize, max_distance: Option<usize>) -> usize {
    let next = if k < 4 {
        k + 1
    } else {
        k.saturating_add(k / 2)
    };
    next.min(max_distance.unwrap_or(usize::MAX))
}

/// What became of one query at one bound.
enum Outcome {
    /// Its results.
    Done(Vec<(usize, usize)>),
    /// Fewer than k within the bound: try the next.
    Deeper { crowded: bool },
}

/// Sorted by distance, then index, at most `k`, as `(index, distance)`.
fn finish(mut found: Vec<(usize, u32)>, k: Option<usize>) -> Vec<(usize, usize)> {
    found.sort_unstable();
    if let Some(k) = k {
        found.truncate(k);
    }
    found.into_iter().map(|(d, i)| (i as usize, d)).collect()
}

impl Index {
    /// The choices nearest to `query`: `(index, distance)` for every choice
    /// within `max_distance`, best first, ties by index, at most `k` of them;
    /// the same as [`crate::nearest`] over the choices. Filters for the bounds
    /// it needs are built first, on `parallel`'s pool; `poll` is asked now and
    /// then whether to give up, while the choices are scanned.
    ///
    /// # Errors
    /// An invalid thread count, a pool that could not start, or cancellation by `poll`.
    pub fn search(
        &self,
        query: Units<'_>,
        k: Option<usize>,
        max_distance: Option<usize>,
        parallel: Parallel,
        mut poll: impl FnMut() -> bool,
    ) -> Result<Vec<(usize, usize)>, Error> {
        let pool = pool(parallel.threads)?;
        if self.is_empty() || k == Some(0) {
            return Ok(Vec::new());
        }
        let stop = AtomicBool::new(false);
        self.with_query(query, |q| {
            let mut bound = first_bound(k, max_distance);
            loop {
                if !self.worth_filtering(q.len(), bound) {
                    let options = Options {
                        grapheme_segmentation: false,
                        max_distance,
                        ..Options::default()
                    };
                    return nearest(q, self.units(), k, options, parallel, &mut poll);
                }
                let probe = self
                    .filters
                    .probe(self.units(), bound, |build| pool.install(build));
                let outcome = SCRATCH.with_borrow_mut(|scratch| {
                    self.at_bound(&probe, q, k, max_distance, scratch, &stop)
                });
                match outcome {
                    Some(Outcome::Done(found)) => return Ok(found),
                    Some(Outcome::Deeper { crowded: false }) => {
                        bound = next_bound(bound, max_distance);
                    }
                    Some(Outcome::Deeper { crowded: true }) => {
                        let options = Options {
                            grapheme_segmentation: false,
                            max_distance,
                            ..Options::default()
                        };
                        return nearest(q, self.units(), k, options, parallel, &mut poll);
                    }
                    None => return Err(Error::Cancelled),
                }
            }
        })
    }

    /// [`Index::search`] for every query of `queries`, in parallel on `threads`
    /// threads (as for [`crate::levenshtein_batch`]); results in query order.
    ///
    /// # Errors
    /// An invalid thread count, a pool that could not start, or cancellation by `poll`.
    pub fn search_batch<Q: Strings + ?Sized>(
        &self,
        queries: &Q,
        k: Option<usize>,
        max_distance: Option<usize>,
        threads: Option<usize>,
        mut poll: impl FnMut() -> bool,
    ) -> Result<Vec<Vec<(usize, usize)>>, Error> {
        let pool = pool(threads)?;
        let count = queries.count();
        let mut results: Vec<Vec<(usize, usize)>> = vec![Vec::new(); count];
        if self.is_empty() || k == Some(0) {
            return Ok(results);
        }
        let stop = AtomicBool::new(false);
        // Level by level, so that every bound's filters are built before the
        // workers need them (a worker must not wait on a build it could be
        // asked to help with).
        let mut pending: Vec<usize> = (0..count).collect();
        let mut scan: Vec<usize> = Vec::new();
        let mut bound = first_bound(k, max_distance);
        while !pending.is_empty() {
            let (filtered, scanned): (Vec<usize>, Vec<usize>) = pending
                .iter()
                .partition(|&&i| self.worth_filtering(queries.len_of(i), bound));
            scan.extend(scanned);
            if filtered.is_empty() {
                break;
            }
            let probe = self
                .filters
                .probe(self.units(), bound, |build| pool.install(build));
            let work = || {
                filtered
                    .par_iter()
                    .map(|&i| {
                        let outcome = self.with_query(queries.get(i), |q| {
                            SCRATCH.with_borrow_mut(|scratch| {
                                self.at_bound(&probe, q, k, max_distance, scratch, &stop)
                            })
                        });
                        outcome.map(|o| (i, o))
                    })
                    .collect::<Option<Vec<_>>>()
            };
            let outcomes = run_interruptible(&pool, &stop, work, &mut poll)?;
            pending.clear();
            for (i, outcome) in outcomes {
                match outcome {
                    Outcome::Done(found) => results[i] = found,
                    Outcome::Deeper { crowded: false } => pending.push(i),
                    Outcome::Deeper { crowded: true } => scan.push(i),
                }
            }
            bound = next_bound(bound, max_distance);
        }
        if !scan.is_empty() {
            let work = || {
                scan.par_iter()
                    .map(|&i| {
                        let found = self
                            .with_query(queries.get(i), |q| self.scan(q, k, max_distance, &stop));
                        found.map(|f| (i, f))
                    })
                    .collect::<Option<Vec<_>>>()
            };
            for (i, found) in run_interruptible(&pool, &stop, work, &mut poll)? {
                results[i] = found;
            }
        }
        Ok(results)
    }

    /// Whether bound `k` for a query of `m` units goes through the filters.
    fn worth_filtering(&self, m: usize, k: usize) -> bool {
        k <= MAX_K
            && self
                .filters
                .unfiltered(m.saturating_sub(k), m.saturating_add(k), k)
                <= self.len() / SCAN_SHARE
    }

    /// The choices within the probe's bound of `q`, verified; `None` if stopped.
    fn at_bound(
        &self,
        probe: &Probe<'_>,
        q: Units<'_>,
        k: Option<usize>,
        max_distance: Option<usize>,
        scratch: &mut Scratch,
        stop: &AtomicBool,
    ) -> Option<Outcome> {
        let bound = probe.k();
        let choices = self.units();
        let mut found: Vec<(usize, u32)> = Vec::new();
        let ids = probe.candidates(q, 0, scratch);
        let candidates = ids.len();
        verifying(q, bound, stop, |verifier| {
            verifier.each(choices, ids, |id, d| found.push((d, id)))
        })?;
        let last = max_distance.is_some_and(|m| bound >= m);
        if last || k.is_none_or(|k| found.len() >= k) {
            return Some(Outcome::Done(finish(found, k)));
        }
        Some(Outcome::Deeper {
            crowded: candidates > self.len() / SCAN_SHARE,
        })
    }

    /// The k nearest within `max_distance` by looking at every choice whose
    /// length allows it, nearest lengths first, on this thread.
    fn scan(
        &self,
        q: Units<'_>,
        k: Option<usize>,
        max_distance: Option<usize>,
        stop: &AtomicBool,
    ) -> Option<Vec<(usize, usize)>> {
        let m = q.len();
        let choices = self.units();
        let limit = k.unwrap_or(usize::MAX);
        let mut bound = max_distance.unwrap_or(usize::MAX);
        let mut best: BinaryHeap<(usize, u32)> = BinaryHeap::new();
        let mut diff = 0usize;
        while diff <= bound && (diff <= m || m + diff <= self.filters.max_len()) {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let below = m.checked_sub(diff).filter(|_| diff > 0);
            for l in below.into_iter().chain(Some(m + diff)) {
                for (_, ids) in self.filters.lengths_in(l, l) {
                    for &id in ids {
                        let options = Options {
                            grapheme_segmentation: false,
                            max_distance: (bound != usize::MAX).then_some(bound),
                            ..Options::default()
                        };
                        let d = levenshtein_with_stop(q, choices.get(id as usize), options, stop)?;
                        if d > bound {
                            continue;
                        }
                        if best.len() < limit {
                            best.push((d, id));
                        } else if let Some(mut top) = best.peek_mut()
                            && (d, id) < *top
                        {
                            *top = (d, id);
                        }
                        if best.len() == limit {
                            bound = bound.min(best.peek().map_or(bound, |t| t.0));
                        }
                    }
                }
            }
            diff += 1;
        }
        Some(finish(best.into_vec(), k))
    }
}

/// The first bound to try: `max_distance` for a bounded search without a
/// count, else 0 (and the bound rises from there).
fn first_bound(k: Option<usize>, max_distance: Option<usize>) -> usize {
    match (k, max_distance) {
        (None, Some(m)) => m,
        (None, None) => usize::MAX,
        (Some(_), _) => 0,
    }
}
