//! One-to-many: the choices nearest to a query.
//!
//! The length difference is a free lower bound on the distance, so the choices
//! are visited in order of it (a counting sort), and a choice is skipped once its
//! length difference exceeds the bound: `max_distance`, or the k-th best distance
//! found so far (shared by the workers through an atomic, each keeping its own
//! k best). A query of 1..=64 units is the pattern of every lane of
//! [`crate::kernels::lanes::hyyro2003_lanes`], its match table built once per worker, with a
//! different choice in each lane (the choices of a batch are sorted by length so
//! the lanes stay full); other queries, and choices too long for a lane batch,
//! go through the bounded pairwise dispatcher ([`crate::levenshtein_with_stop`], or across the pool for a very long pair: [`crate::jobs::long_pairs`]).
//!
//! Cost: O(n) lane steps per choice of n units that is not pruned.

use crate::error::Error;
use crate::jobs::Parallel;
use crate::jobs::long_pairs;
use crate::kernels::Options;
use crate::kernels::lanes::hyyro2003_lanes::{self, Kernel, LaneJob, Width, Word};
use crate::kernels::masks::table::WordTable;
use crate::runtime::pool::{pool, run_interruptible};
use crate::runtime::stop::POLL_INTERVAL;
use crate::text::graphemes::{ids_against, intern_query};
use crate::text::strings::{INLINE_STEPS, Prepared, Strings, total_len};
use crate::text::units::Units;
use rayon::prelude::*;
use std::cell::Cell;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::Instant;

/// Choices a worker takes at a time (in order of length difference).
const CHUNK: usize = 512;
/// Longer choices are compared pairwise (the bounded kernels then pay off, and a
/// lane batch does not hold one long text among short ones).
const LANE_TEXT_MAX: usize = 256;
/// Below this many units of choices to scan, the calling thread scans alone
/// (measured on W1-like choices: 20,000 of them, 510,000 units, scan faster alone
/// than with a second thread).
const HELPED_UNITS: usize = 1 << 21;
/// Below this many units of choices to segment, the calling thread segments
/// them alone (segmenting costs tens of nanoseconds per character, so the pool
/// pays off much sooner than for the lane scan).
const SEGMENT_HELPED_UNITS: usize = 1 << 16;
/// Length differences above this are not sorted among themselves.
const SORTED_DIFFS: usize = 1024;

/// The choices nearest to `query`: `(index, distance)` for every choice within
/// `options.max_distance`, best first, ties by index, at most `k` of them.
///
/// ```
/// use pyo3_levenshtein::{nearest, Options, Parallel, Units};
/// let choices = [Units::U8(b"kitten"), Units::U8(b"sitting"), Units::U8(b"mitten")];
/// let found = nearest(Units::U8(b"smitten"), &choices[..], Some(2), Options::default(),
///     Parallel::default(), || false);
/// assert_eq!(found, Ok(vec![(2, 1), (0, 2)]));
/// ```
///
/// # Errors
/// An invalid thread count, a pool that could not start, or cancellation by `poll`.
pub fn nearest<C: Strings + ?Sized>(
    query: Units<'_>,
    choices: &C,
    k: Option<usize>,
    options: Options,
    parallel: Parallel,
    mut poll: impl FnMut() -> bool,
) -> Result<Vec<(usize, usize)>, Error> {
    let n = choices.count();
    let part_len = u32::MAX as usize;
    if n <= part_len {
        return nearest_u32(query, choices, k, options, parallel, poll);
    }
    // Beyond u32 indices: each part's results, merged.
    let mut found = Vec::new();
    for start in (0..n).step_by(part_len) {
        let part = Part {
            all: choices,
            start,
            len: part_len.min(n - start),
        };
        let got = nearest_u32(query, &part, k, options, parallel, &mut poll)?;
        found.extend(got.into_iter().map(|(i, d)| (d, start + i)));
    }
    found.sort_unstable();
    if let Some(k) = k {
        found.truncate(k);
    }
    Ok(found.into_iter().map(|(d, i)| (i, d)).collect())
}

/// [`nearest`] for at most `u32::MAX` choices.
fn nearest_u32<C: Strings + ?Sized>(
    query: Units<'_>,
    choices: &C,
    k: Option<usize>,
    options: Options,
    parallel: Parallel,
    poll: impl FnMut() -> bool,
) -> Result<Vec<(usize, usize)>, Error> {
    let pool = pool(parallel.threads)?;
    if choices.count() == 0 || k == Some(0) {
        return Ok(Vec::new());
    }
    let kernel = if parallel.kernel.is_available() {
        parallel.kernel
    } else {
        Kernel::Portable
    };
    let stop = AtomicBool::new(false);
    let m = query.len();
    let inline = choices.count() <= CHUNK
        && (total_len(choices) + m).saturating_mul(m.div_ceil(64).max(1)) <= INLINE_STEPS;
    let query = [query];
    let (query, choices) = match (options.grapheme_segmentation, inline) {
        (false, _) => (Prepared::plain(&query[..]), Prepared::plain(choices)),
        // Segmenting is cache-bound too: the calling thread does it unless there
        // is enough for the pool's threads to help.
        (true, true) => segment(&query, choices, false),
        (true, false) if total_len(choices) < SEGMENT_HELPED_UNITS => {
            segment(&query, choices, false)
        }
        (true, false) => pool.install(|| segment(&query, choices, true)),
    };
    let scan = Scan {
        query: query.get(0),
        choices: &choices,
        k,
        bound: AtomicUsize::new(options.max_distance.unwrap_or(usize::MAX)),
        next: AtomicUsize::new(0),
        order: order(
            query.get(0).len(),
            &choices,
            options.max_distance.map(|k| diff_bound(k, options)),
        ),
        options,
        found: Mutex::new(Vec::new()),
        stop: &stop,
    };
    let workers = pool
        .current_num_threads()
        .min(scan.order.index.len().div_ceil(CHUNK));
    let mut poll = poll;
    if inline {
        scan.work(kernel, ());
    } else if (1..=64).contains(&scan.query.len()) {
        scan_with_caller(&scan, &pool, kernel, workers, &mut poll)?;
    } else {
        let work = || {
            rayon::scope(|s| {
                for _ in 0..workers {
                    s.spawn(|_| scan.work(kernel, ()));
                }
            });
            Some(())
        };
        run_interruptible(&pool, &stop, work, &mut poll)?;
    }
    if stop.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }
    let mut found = scan
        .found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    found.sort_unstable();
    if let Some(k) = k {
        found.truncate(k);
    }
    Ok(found.into_iter().map(|(d, i)| (i, d)).collect())
}

/// The lane scan with the calling thread as one of the `workers`: the strings
/// are still in its caches from being read (a scan on a pool thread alone
/// measured 1.8x slower, for the cache misses of moving them to another core).
/// It looks at `poll` between chunks and leaves the long choices, whose
/// pairwise kernels it could not interrupt, to a second, interruptible phase.
fn scan_with_caller<S: Strings + ?Sized>(
    scan: &Scan<'_, S>,
    pool: &rayon::ThreadPool,
    kernel: Kernel,
    workers: usize,
    poll: &mut impl FnMut() -> bool,
) -> Result<(), Error> {
    /// Tells the calling thread a helper is done, even if it panics (the panic
    /// then resurfaces when the scope ends), so that it never waits forever.
    struct Done(Sender<()>);
    impl Drop for Done {
        fn drop(&mut self) {
            // The receiver outlives the scope; an error would only mean nobody waits.
            let _ = self.0.send(());
        }
    }
    // Pool threads read the strings from other cores' caches, at about half the
    // calling thread's speed: they help only when there is enough to share.
    let units: usize = scan.order.len.iter().map(|&n| usize::from(n)).sum();
    let helpers = if units >= HELPED_UNITS {
        workers.saturating_sub(1)
    } else {
        0
    };
    let (tx, rx) = channel();
    let mut caller = Caller {
        poll,
        last: Instant::now(),
        deferred: Vec::new(),
    };
    pool.in_place_scope(|s| {
        for _ in 0..helpers {
            let done = Done(tx.clone());
            s.spawn(move |_| {
                let _done = done;
                scan.work(kernel, ());
            });
        }
        scan.work(kernel, &mut caller);
        // Wait for the helpers, still polling.
        let mut left = helpers;
        while left > 0 {
            match rx.recv_timeout(POLL_INTERVAL) {
                Ok(()) => left -= 1,
                Err(RecvTimeoutError::Timeout) => caller.tick(scan.stop),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    let deferred = std::mem::take(&mut caller.deferred);
    if deferred.is_empty() || scan.stop.load(Ordering::Relaxed) {
        return Ok(());
    }
    let work = || {
        deferred.par_chunks(16).for_each(|chunk| {
            let mut best = Best::new(scan.k);
            for &i in chunk {
                if !scan.pairwise(i as usize, &mut best) {
                    break;
                }
            }
            scan.keep(best);
        });
        Some(())
    };
    run_interruptible(pool, scan.stop, work, &mut *caller.poll)
}

/// The calling thread's part of a scan (see [`scan_with_caller`]).
struct Caller<'p, P: FnMut() -> bool> {
    poll: &'p mut P,
    last: Instant,
    /// Long choices, for the pool.
    deferred: Vec<u32>,
}

impl<P: FnMut() -> bool> Caller<'_, P> {
    /// Runs `poll` if [`POLL_INTERVAL`] has passed, raising `stop` if it asks to.
    fn tick(&mut self, stop: &AtomicBool) {
        if self.last.elapsed() >= POLL_INTERVAL {
            self.last = Instant::now();
            if !stop.load(Ordering::Relaxed) && (self.poll)() {
                stop.store(true, Ordering::Relaxed);
            }
        }
    }
}

/// What a worker does with a choice too long for a lane batch.
trait LongChoices {
    /// Called before each chunk (the calling thread polls there).
    fn next_chunk(&mut self, stop: &AtomicBool);
    /// Takes long choice `i`, or returns false to have it compared here.
    fn defer(&mut self, i: u32) -> bool;
}

impl LongChoices for () {
    fn next_chunk(&mut self, _: &AtomicBool) {}
    fn defer(&mut self, _: u32) -> bool {
        false
    }
}

impl<P: FnMut() -> bool> LongChoices for &mut Caller<'_, P> {
    fn next_chunk(&mut self, stop: &AtomicBool) {
        self.tick(stop);
    }
    fn defer(&mut self, i: u32) -> bool {
        self.deferred.push(i);
        true
    }
}

/// The query and the choices as cluster ids, each choice segmented on its own
/// (in parallel if `parallel`) against the query's clusters.
fn segment<'a, C: Strings + ?Sized>(
    query: &'a [Units<'a>; 1],
    choices: &'a C,
    parallel: bool,
) -> (Prepared<'a, [Units<'a>]>, Prepared<'a, C>) {
    let (query_ids, known) = intern_query(query[0]);
    let each = |i: usize| ids_against(choices.get(i), &known);
    let ids = if parallel {
        (0..choices.count()).into_par_iter().map(each).collect()
    } else {
        (0..choices.count()).map(each).collect()
    };
    (
        Prepared::with_ids(&query[..], vec![query_ids]),
        Prepared::with_ids(choices, ids),
    )
}

/// The choices to scan, in order: their indices, and their lengths read once
/// (the scan's passes then stay in these arrays instead of looking lengths up
/// at random). Two arrays rather than one of pairs: each stays under the
/// allocator's mmap threshold for 20,000 choices, so a call does not page-fault
/// its way through fresh memory.
struct Order {
    index: Vec<u32>,
    /// Saturated at `u16::MAX`, far beyond a lane batch's texts.
    len: Vec<u16>,
}

/// The choices by increasing length difference to a query of `m` units
/// (shorter choices first at each difference, so that runs of equal length fill
/// the lanes), without those beyond `max_distance`. A counting sort.
fn order<S: Strings + ?Sized>(m: usize, choices: &Prepared<'_, S>, max: Option<usize>) -> Order {
    thread_local! {
        /// The keys of the last call, kept: freeing and re-allocating them per
        /// call let the allocator give the memory back and page-fault it in again.
        static KEYS: Cell<Vec<u32>> = const { Cell::new(Vec::new()) };
    }
    let n = choices.count();
    debug_assert!(u32::try_from(n).is_ok());
    let limit = max.unwrap_or(usize::MAX);
    // Both passes are free of branches, since whether a choice is beyond the
    // bound is a coin toss: a skipped choice adds 0 to its bucket's count, and is
    // then written to the slot just past the kept ones, which is cut off.
    let mut keys = KEYS.take();
    keys.clear();
    let mut counts = vec![0usize; 2 * SORTED_DIFFS + 5];
    keys.extend((0..n).map(|i| {
        let len = choices.len_of(i);
        let d = len.abs_diff(m);
        let key = d.min(SORTED_DIFFS + 1) * 2 + usize::from(len > m);
        let keep = d <= limit;
        counts[key + 1] += usize::from(keep);
        // key (< 2^12) | kept (bit 15) | saturated length (high half).
        let len = u32::from(u16::try_from(len).unwrap_or(u16::MAX));
        (key as u32) | (u32::from(keep) << 15) | (len << 16)
    }));
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let count = counts[counts.len() - 1];
    let mut out = Order {
        index: vec![0; count + 1],
        len: vec![0; count + 1],
    };
    for (i, &packed) in keys.iter().enumerate() {
        let key = (packed & 0xfff) as usize;
        let keep = (packed >> 15) & 1 != 0;
        let slot = if keep { counts[key] } else { count };
        out.index[slot] = i as u32;
        out.len[slot] = (packed >> 16) as u16;
        counts[key] += usize::from(keep);
    }
    out.index.truncate(count);
    out.len.truncate(count);
    KEYS.set(keys);
    out
}

/// Choices `start..start + len` of `all`, for collections too large for `u32` indices.
struct Part<'a, S: Strings + ?Sized> {
    all: &'a S,
    start: usize,
    len: usize,
}

impl<S: Strings + ?Sized> Strings for Part<'_, S> {
    fn count(&self) -> usize {
        self.len
    }
    fn get(&self, i: usize) -> Units<'_> {
        self.all.get(self.start + i)
    }
}

struct Scan<'a, S: Strings + ?Sized> {
    query: Units<'a>,
    choices: &'a Prepared<'a, S>,
    k: Option<usize>,
    /// No choice farther than this can be among the results.
    bound: AtomicUsize,
    /// The next chunk of `order` to take.
    next: AtomicUsize,
    order: Order,
    /// Every worker's results, as (distance, index).
    found: Mutex<Vec<(usize, usize)>>,
    stop: &'a AtomicBool,
    /// The weights of the distance (the lanes compute unit costs only).
    options: Options,
}

/// The largest length difference a choice within `bound` may have: each unit of
/// difference costs at least the cheaper of an insertion and a deletion (1 for
/// unit costs), so nothing is pruned when one of them is free.
fn diff_bound(bound: usize, options: Options) -> usize {
    match options.weights.insert.min(options.weights.delete) {
        0 => usize::MAX,
        w => bound / w,
    }
}

/// A worker's best results so far: a max-heap of (distance, index), at most k.
struct Best {
    heap: BinaryHeap<(usize, usize)>,
    k: usize,
}

impl Best {
    /// Keeps `(d, i)` if it is among the k best; returns the new bound (the k-th
    /// best distance) once there are k.
    fn offer(&mut self, d: usize, i: usize) -> Option<usize> {
        if self.heap.len() < self.k {
            self.heap.push((d, i));
        } else if let Some(mut top) = self.heap.peek_mut()
            && (d, i) < *top
        {
            *top = (d, i);
        }
        (self.heap.len() == self.k).then(|| self.heap.peek().map_or(usize::MAX, |t| t.0))
    }
}

impl Best {
    fn new(k: Option<usize>) -> Self {
        Best {
            heap: BinaryHeap::new(),
            k: k.unwrap_or(usize::MAX),
        }
    }
}

impl<S: Strings + ?Sized> Scan<'_, S> {
    /// Scans chunks until none is left; `long` decides who compares the long choices.
    fn work<X: LongChoices>(&self, kernel: Kernel, long: X) {
        let mut best = Best::new(self.k);
        let m = self.query.len();
        if (1..=64).contains(&m) && self.options.unit_weights() {
            let lanes = |table: &WordTable| {
                let job = Batches {
                    scan: self,
                    table,
                    m,
                    best: &mut best,
                    long,
                };
                hyyro2003_lanes::run(kernel, Width::for_len(m), job);
            };
            match self.query {
                Units::U8(q) => WordTable::with(q, lanes),
                Units::U16(q) => WordTable::with(q, lanes),
                Units::U32(q) => WordTable::with(q, lanes),
            }
        } else {
            while let Some((chunk, _)) = self.take() {
                for &i in chunk {
                    if !self.pairwise(i as usize, &mut best) {
                        self.keep(best);
                        return;
                    }
                }
            }
        }
        self.keep(best);
    }

    /// Adds a worker's results to the others.
    fn keep(&self, best: Best) {
        let mut found = self
            .found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        found.extend(best.heap);
    }

    /// The next chunk of choices, or `None` when all are taken or the work stops.
    fn take(&self) -> Option<(&[u32], &[u16])> {
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        let all = self.order.index.len();
        let start = self.next.fetch_add(CHUNK, Ordering::Relaxed);
        let range = start..(start + CHUNK).min(all);
        let chunk = self.order.index.get(range.clone())?;
        // `order` is sorted by min(length difference, SORTED_DIFFS + 1) and the
        // bound only falls: once that key exceeds the bound, so do all the rest.
        let first = self.choices.len_of(*chunk.first()? as usize);
        let key = first.abs_diff(self.query.len()).min(SORTED_DIFFS + 1);
        if key > diff_bound(self.bound.load(Ordering::Relaxed), self.options) {
            self.next.store(all, Ordering::Relaxed);
            return None;
        }
        Some((chunk, &self.order.len[range]))
    }

    /// Whether choice `i` may still be among the results.
    #[inline]
    fn viable(&self, len: usize) -> bool {
        len.abs_diff(self.query.len())
            <= diff_bound(self.bound.load(Ordering::Relaxed), self.options)
    }

    fn record(&self, best: &mut Best, d: usize, i: usize) {
        if d <= self.bound.load(Ordering::Relaxed)
            && let Some(b) = best.offer(d, i)
        {
            self.bound.fetch_min(b, Ordering::Relaxed);
        }
    }

    /// Compares choice `i` by the bounded dispatcher; false if stopped.
    fn pairwise(&self, i: usize, best: &mut Best) -> bool {
        if !self.viable(self.choices.len_of(i)) {
            return true;
        }
        let c = self.choices.get(i);
        let bound = self.bound.load(Ordering::Relaxed);
        let options = Options {
            grapheme_segmentation: false,
            max_distance: (bound != usize::MAX).then_some(bound),
            weights: self.options.weights,
        };
        match long_pairs::with_options(self.query, c, options, self.stop) {
            Some(d) => {
                self.record(best, d, i);
                true
            }
            None => false,
        }
    }
}

/// One worker's loop over chunks, with the query in every lane.
struct Batches<'a, 's, S: Strings + ?Sized, X: LongChoices> {
    scan: &'a Scan<'s, S>,
    table: &'a WordTable,
    m: usize,
    best: &'a mut Best,
    long: X,
}

impl<S: Strings + ?Sized, X: LongChoices> LaneJob for Batches<'_, '_, S, X> {
    type Output = ();

    #[inline(always)]
    fn run<W: Word, const L: usize>(mut self) {
        let scan = self.scan;
        let mut picked: Vec<(usize, usize)> = Vec::with_capacity(CHUNK);
        let mut eq: Vec<W> = Vec::new();
        while let Some(chunk) = scan.take() {
            self.long.next_chunk(scan.stop);
            picked.clear();
            for (&i, &len) in chunk.0.iter().zip(chunk.1) {
                let len = usize::from(len);
                if len > LANE_TEXT_MAX {
                    if self.long.defer(i) {
                        continue;
                    }
                    if !scan.pairwise(i as usize, self.best) {
                        return;
                    }
                } else if scan.viable(len) {
                    if picked.len() < L {
                        scan.choices.prefetch(i as usize);
                    }
                    picked.push((len, i as usize));
                }
            }
            // `order` puts equal lengths together; a batch straddling a change
            // of length just runs its longest text.
            for (b, batch) in picked.chunks(L).enumerate() {
                // The next batch's strings load while this one runs: 20,000 str
                // objects overflow L2, and each was a stall of its own (about a
                // sixth of a W1 scan's time).
                let next = (b + 1) * L..((b + 2) * L).min(picked.len());
                for &(_, i) in picked.get(next).unwrap_or_default() {
                    scan.choices.prefetch(i);
                }
                let steps = batch.iter().map(|b| b.0).max().unwrap_or(0);
                let texts = batch.iter().map(|&(_, i)| scan.choices.get(i));
                let lanes =
                    hyyro2003_lanes::one_pattern::<W, L>(self.m, self.table, texts, steps, &mut eq);
                for (lane, &(len, i)) in batch.iter().enumerate() {
                    let d = lanes.distance(lane, len);
                    scan.record(self.best, d, i);
                }
            }
        }
    }
}
