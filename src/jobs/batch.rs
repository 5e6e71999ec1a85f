//! Parallel batches of pairs: chunked over a pool, results in input order,
//! short pairs through the multi-pair lanes, very long ones split across the
//! pool's threads as a pipeline of bands of pattern rows, cancellable.
//!
//! The pools and the thread-count policy live in [`crate::runtime::pool`].

use super::long_pairs;
use crate::error::Error;
use crate::kernels::lanes::hyyro2003_pairs::{self, MAX_LEN, Pushed, Queue};
use crate::kernels::{Options, units, with_stop};
use crate::runtime::pool::{pool, run_interruptible};
use crate::runtime::stop::asking;
use crate::text::graphemes::{all_simple, with_cluster_ids_of};
use crate::text::units::Units;
use rayon::prelude::*;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

/// Distances of many pairs, in input order, computed on `threads` threads.
/// `poll` is called on the calling thread while it waits (see [`run_interruptible`]).
///
/// ```
/// use pyo3_levenshtein::{levenshtein_batch, Options, Units};
/// let pairs = [(Units::U8(b"kitten"), Units::U8(b"sitting")), (Units::U8(b""), Units::U8(b"ab"))];
/// assert_eq!(levenshtein_batch(&pairs, Options::default(), Some(2), || false), Ok(vec![3, 2]));
/// ```
///
/// # Errors
/// An invalid thread count, a pool that could not start, or cancellation by `poll`.
pub fn levenshtein_batch(
    pairs: &[(Units<'_>, Units<'_>)],
    options: Options,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<Vec<usize>, Error> {
    levenshtein_batch_by(pairs.len(), |i| pairs[i], options, threads, poll)
}

/// Pairs handed to a worker at a time: enough that the per-chunk bookkeeping
/// vanishes next to ~50 ns pairs and the four-lane path has pairs to sort, few
/// enough that rayon can still balance batches whose pairs differ a thousandfold
/// in length.
const CHUNK: usize = hyyro2003_pairs::QUEUE;

/// The chunk size for `len` pairs on `threads` threads: [`CHUNK`], or less for
/// small batches, so that every thread gets several chunks to steal (a batch of
/// eight long pairs must not land on one thread).
fn chunk_size(len: usize, threads: usize) -> usize {
    (len / (8 * threads)).clamp(1, CHUNK)
}

/// [`levenshtein_batch`] over pairs `0..len` produced by `pair(i)` on the
/// workers, so that a caller need not build a slice of all pairs first (the
/// Python binding reads each pair from its snapshot of the caller's list).
///
/// # Errors
/// As [`levenshtein_batch`].
pub fn levenshtein_batch_by<'a>(
    len: usize,
    pair: impl Fn(usize) -> (Units<'a>, Units<'a>) + Sync,
    options: Options,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<Vec<usize>, Error> {
    let pool = pool(threads)?;
    if len == 0 {
        return Ok(Vec::new());
    }
    let stop = AtomicBool::new(false);
    let mut out = vec![0; len];
    run_interruptible(
        &pool,
        &stop,
        || {
            let size = chunk_size(len, pool.current_num_threads());
            out.par_chunks_mut(size)
                .enumerate()
                .try_for_each(|(c, chunk)| fill_chunk(chunk, c * size, &pair, options, &stop))
        },
        poll,
    )?;
    Ok(out)
}

/// The distances of pairs `first..first + chunk.len()` into `chunk`.
fn fill_chunk<'a>(
    chunk: &mut [usize],
    first: usize,
    pair: &impl Fn(usize) -> (Units<'a>, Units<'a>),
    options: Options,
    stop: &AtomicBool,
) -> Option<()> {
    let lanes = options.unit_weights() && hyyro2003_pairs::lanes_for(options.max_distance);
    if options.grapheme_segmentation && lanes {
        // Grapheme mode interns each pair's clusters into per-thread buffers that
        // the next pair reuses; pairs short enough for the lanes keep a copy in
        // this thread's arena until the chunk is done.
        return ARENA.with(|cell| match cell.try_borrow_mut() {
            Ok(mut arena) => {
                arena.resize(CHUNK * 2 * MAX_LEN, 0);
                fill_chunk_in(chunk, first, pair, options, stop, &mut arena)
            }
            Err(_) => fill_chunk_in(
                chunk,
                first,
                pair,
                options,
                stop,
                &mut vec![0; chunk.len() * 2 * MAX_LEN],
            ),
        });
    }
    fill_chunk_in(chunk, first, pair, options, stop, &mut [])
}

thread_local! {
    /// Room for the cluster ids of a chunk of pairs (see [`fill_chunk`]).
    static ARENA: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// [`fill_chunk`] with `arena` (at least 2 · [`MAX_LEN`] units per pair in
/// grapheme mode) to keep cluster ids in.
fn fill_chunk_in<'a>(
    chunk: &mut [usize],
    first: usize,
    pair: &impl Fn(usize) -> (Units<'a>, Units<'a>),
    options: Options,
    stop: &AtomicBool,
    arena: &mut [u32],
) -> Option<()> {
    let k = options.max_distance.unwrap_or(usize::MAX);
    let cap = k.saturating_add(1);
    let lanes = options.unit_weights() && hyyro2003_pairs::lanes_for(options.max_distance);
    let w = options.weights;
    let mut free = arena;
    let mut queue = Queue::new();
    for (j, slot) in chunk.iter_mut().enumerate() {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let (a, b) = pair(first + j);
        if !options.grapheme_segmentation {
            // Short pairs go several at a time (see hyyro2003_pairs), the rest one by one.
            if lanes {
                match queue.push(j, a, b) {
                    Pushed::Done(d) => *slot = d.min(cap),
                    Pushed::Queued => {}
                    Pushed::No => *slot = long_pairs::units(a, b, w, k, stop)?,
                }
            } else {
                *slot = long_pairs::units(a, b, w, k, stop)?;
            }
            continue;
        }
        let simple = (all_simple(a), all_simple(b));
        let d = with_cluster_ids_of(a, b, simple, |ia, ib| {
            if !lanes || ia.len() > MAX_LEN || ib.len() > MAX_LEN {
                return units(ia, ib, w, k, stop.into());
            }
            // A simple string is its own id sequence: keep the original.
            let ia = if simple.0 {
                a
            } else {
                Units::U32(keep(&mut free, ia))
            };
            let ib = if simple.1 {
                b
            } else {
                Units::U32(keep(&mut free, ib))
            };
            match queue.push(j, ia, ib) {
                Pushed::Done(d) => Some(d),
                Pushed::Queued => Some(QUEUED),
                Pushed::No => unreachable!("both sides fit a lane"),
            }
        })?;
        if d != QUEUED {
            *slot = d.min(cap);
        }
    }
    queue.flush(chunk, cap);
    Some(())
}

/// Stands for "computed at the next flush" (no distance comes near it).
const QUEUED: usize = usize::MAX;

/// Copies `ids` (at most [`MAX_LEN`]) to the front of `free` and returns the copy.
#[allow(clippy::mut_mut)] // the caller's rest of the arena moves on past the copy
fn keep<'x>(free: &mut &'x mut [u32], ids: Units<'_>) -> &'x [u32] {
    let (head, rest) = std::mem::take(free).split_at_mut(ids.len());
    match ids {
        // Cluster ids always come as u32: one copy.
        Units::U32(ids) => head.copy_from_slice(ids),
        _ => head
            .iter_mut()
            .enumerate()
            .for_each(|(i, slot)| *slot = ids.get(i)),
    }
    *free = rest;
    head
}

/// One distance computed on the calling thread, which calls `poll` about every
/// [`POLL_INTERVAL`](crate::runtime::stop::POLL_INTERVAL) from the kernel's own stop checks, for single pairs long
/// enough that the caller should stay responsive (see [`crate::runtime::stop`] for why no
/// worker thread).
///
/// # Errors
/// Cancellation by `poll`.
pub fn levenshtein_interruptible(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    poll: impl FnMut() -> bool,
) -> Result<usize, Error> {
    asking(poll, |stop| with_stop(a, b, options, stop))
}

/// `score(a, b, stop)` of pairs `0..len` produced by `pair(i)`, in input order,
/// on `threads` threads: for the scores that the lanes do not compute (the
/// normalized distances), one pair at a time.
///
/// # Errors
/// As [`levenshtein_batch`].
pub fn levenshtein_batch_map_by<'a, T: Send + Copy + Default>(
    len: usize,
    pair: impl Fn(usize) -> (Units<'a>, Units<'a>) + Sync,
    score: impl Fn(Units<'a>, Units<'a>, &AtomicBool) -> Option<T> + Sync,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<Vec<T>, Error> {
    let pool = pool(threads)?;
    if len == 0 {
        return Ok(Vec::new());
    }
    let stop = AtomicBool::new(false);
    let mut out = vec![T::default(); len];
    run_interruptible(
        &pool,
        &stop,
        || {
            let size = chunk_size(len, pool.current_num_threads());
            out.par_chunks_mut(size)
                .enumerate()
                .try_for_each(|(c, chunk)| {
                    chunk.iter_mut().enumerate().try_for_each(|(j, slot)| {
                        if stop.load(Ordering::Relaxed) {
                            return None;
                        }
                        let (a, b) = pair(c * size + j);
                        *slot = score(a, b, &stop)?;
                        Some(())
                    })
                })
        },
        poll,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::pool::MAX_THREADS;
    use std::time::Duration;

    #[test]
    fn small_batches_are_split_for_every_thread() {
        assert_eq!(chunk_size(8, 2), 1, "eight long pairs, one per chunk");
        assert_eq!(chunk_size(0, 4), 1);
        assert!(chunk_size(200, 2) * 2 * 4 <= 200);
        assert_eq!(chunk_size(1 << 14, 2), CHUNK);
        assert_eq!(chunk_size(1 << 20, MAX_THREADS), CHUNK);
    }

    /// A pair long enough to run as a pipeline across the pool, with and
    /// without a distance the bands hold, against the single-thread call.
    #[test]
    fn a_long_pair_pipelined_across_threads_equals_the_single_call() {
        let a: Vec<u8> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 26) as u8)
            .collect();
        let b: Vec<u8> = (0..20_500u32)
            .map(|i| (i.wrapping_mul(40_503) >> 10) as u8 % 64)
            .collect();
        let mut c = a.clone();
        for i in (0..c.len()).step_by(7) {
            c[i] ^= 1;
        }
        assert!(a.len() * b.len() >= long_pairs::PIPELINE_CELLS);
        let pairs = [
            (Units::U8(&a), Units::U8(&b)),
            (Units::U8(&a), Units::U8(&c)),
        ];
        let want: Vec<usize> = pairs
            .iter()
            .map(|&(x, y)| crate::kernels::levenshtein(x, y, Options::default()))
            .collect();
        for threads in [1, 2, 3] {
            let got = levenshtein_batch(&pairs, Options::default(), Some(threads), || false);
            assert_eq!(got, Ok(want.clone()), "{threads} threads");
        }
    }

    #[test]
    fn a_cancelled_pipelined_pair_returns_promptly() {
        let a: Vec<u32> = (0..200_000).map(|i| i % 7).collect();
        let b: Vec<u32> = (0..200_000).map(|i| i % 5).collect();
        let started = std::time::Instant::now();
        let mut polls = 0;
        let result = levenshtein_batch(
            &[(Units::U32(&a), Units::U32(&b))],
            Options::default(),
            Some(2),
            || {
                polls += 1;
                polls > 2
            },
        );
        assert_eq!(result, Err(Error::Cancelled));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_cancelled_long_pair_returns_promptly() {
        let a: Vec<u32> = (0..200_000).map(|i| i % 7).collect();
        let b: Vec<u32> = (0..200_000).map(|i| i % 5).collect();
        let started = std::time::Instant::now();
        let mut polls = 0;
        let result =
            levenshtein_interruptible(Units::U32(&a), Units::U32(&b), Options::default(), || {
                polls += 1;
                polls > 2
            });
        assert_eq!(result, Err(Error::Cancelled));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
}
