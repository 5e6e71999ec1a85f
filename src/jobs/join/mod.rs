//! Similarity join: every pair of strings within k edits, without comparing
//! every pair.
//!
//! The right side (the left one, for a self-join) gets the filters of an
//! index for bound k ([`crate::jobs::index::filters`]: deletion neighbourhoods
//! for short strings, Pass-Join segments (Li, Deng, Wang and Feng, PVLDB 2011)
//! for long ones); each left string then probes them, and each candidate is
//! verified by the bounded dispatcher, so the result is exact. Rows are done in
//! parallel in chunks whose results are concatenated in order, so the output is
//! sorted by (left, right) without a sort; a self-join keeps the pairs whose
//! right index is larger, each unordered pair once.
//!
//! Memory: a packed copy of the strings, the filters (at most
//! [`DN_VARIANTS`](crate::jobs::index::filters::DN_VARIANTS) entries per short
//! string, k + 1 per long one) and the output.

use crate::error::Error;
use crate::jobs::index::check_count;
use crate::jobs::index::filters::{Filters, Scratch};
use crate::jobs::index::verify::verifying;
use crate::runtime::pool::{pool, run_interruptible};
use crate::text::arena::Arena;
use crate::text::graphemes::shared_cluster_ids;
use crate::text::strings::{Prepared, Strings, prepare};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

mod short;

/// Left rows per task: enough to amortise a task, few enough to share them out.
const ROWS: usize = 512;

/// The pairs of a join, as three columns of equal length, sorted by (left, right).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JoinPairs {
    /// Index into the left strings.
    pub left: Vec<u32>,
    /// Index into the right strings (the left ones again for a self-join).
    pub right: Vec<u32>,
    /// Their distance, at most the bound.
    pub distance: Vec<u32>,
}

impl JoinPairs {
    /// The number of pairs.
    #[must_use]
    pub fn len(&self) -> usize {
        self.left.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.left.is_empty()
    }
}

/// Every `(i, j, d)` with `d = ed(left[i], right[j]) <= max_distance`, sorted by
/// `(i, j)`; distances count grapheme clusters if `grapheme_segmentation`.
/// Runs on `threads` threads (as for [`crate::levenshtein_batch`]); `poll` is
/// asked on the calling thread now and then, with the number of left rows done
/// so far, whether to give up.
///
/// ```
/// use pyo3_levenshtein::{levenshtein_join, Units};
/// let left = [Units::U8(b"kitten"), Units::U8(b"flaw")];
/// let right = [Units::U8(b"sitting"), Units::U8(b"lawn"), Units::U8(b"mitten")];
/// let pairs = levenshtein_join(&left[..], &right[..], 2, false, None, |_| false).unwrap();
/// assert_eq!((pairs.left, pairs.right, pairs.distance), (vec![0, 1], vec![2, 1], vec![1, 2]));
/// ```
///
/// # Errors
/// An invalid thread count, a pool that could not start, more than
/// [`crate::MAX_STRINGS`] strings on a side, or cancellation by `poll`.
pub fn levenshtein_join<L: Strings + ?Sized, R: Strings + ?Sized>(
    left: &L,
    right: &R,
    max_distance: usize,
    grapheme_segmentation: bool,
    threads: Option<usize>,
    mut poll: impl FnMut(usize) -> bool,
) -> Result<JoinPairs, Error> {
    check_count(left.count())?;
    check_count(right.count())?;
    let pool = pool(threads)?;
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let work = || {
        let (left, right) = prepare(left, right, grapheme_segmentation);
        // Packed copies: a candidate's units are then a cache line or two
        // away from its neighbours', not behind a pointer to a scattered object.
        let (left, right) = (Arena::copy(&left), Arena::copy(&right));
        rows(&left, &right, false, max_distance, &stop, &done)
    };
    run_interruptible(&pool, &stop, work, || poll(done.load(Ordering::Relaxed)))
}

/// Every `(i, j, d)` with `i < j` and `d = ed(strings[i], strings[j]) <=
/// max_distance`, sorted by `(i, j)`: [`levenshtein_join`] of `strings` with
/// itself, each unordered pair once.
///
/// ```
/// use pyo3_levenshtein::{levenshtein_self_join, Units};
/// let words = [Units::U8(b"cat"), Units::U8(b"hat"), Units::U8(b"cart"), Units::U8(b"dog")];
/// let pairs = levenshtein_self_join(&words[..], 1, false, None, |_| false).unwrap();
/// assert_eq!((pairs.left, pairs.right, pairs.distance), (vec![0, 0], vec![1, 2], vec![1, 1]));
/// ```
///
/// # Errors
/// As [`levenshtein_join`].
pub fn levenshtein_self_join<S: Strings + ?Sized>(
    strings: &S,
    max_distance: usize,
    grapheme_segmentation: bool,
    threads: Option<usize>,
    mut poll: impl FnMut(usize) -> bool,
) -> Result<JoinPairs, Error> {
    check_count(strings.count())?;
    let pool = pool(threads)?;
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let work = || {
        let prepared = if grapheme_segmentation {
            let ids = shared_cluster_ids(strings.count(), |i| strings.get(i));
            Prepared::with_ids(strings, ids)
        } else {
            Prepared::plain(strings)
        };
        let packed = Arena::copy(&prepared);
        rows(&packed, &packed, true, max_distance, &stop, &done)
    };
    run_interruptible(&pool, &stop, work, || poll(done.load(Ordering::Relaxed)))
}

/// One task's rows: the pairs of a range of left rows, in order.
struct Chunk {
    left: Vec<u32>,
    right: Vec<u32>,
    distance: Vec<u32>,
}

/// Strings up to `k + 3` units are short ([`short`]): their variants of at
/// most 3 units are shared by many strings, so the filters are not selective
/// among them. Unless there are so many that comparing all their pairs would
/// cost more than the filters: the lanes' cost grows as their square, the
/// filters' about as the output.
fn split(right: &Arena, k: usize) -> usize {
    let split = k.saturating_add(3).min(64);
    let count = (0..right.count())
        .filter(|&j| right.len_of(j) <= split)
        .count();
    if k == 0 || count > SHORT_MAX {
        0
    } else {
        split
    }
}

/// The most short strings compared pair by pair (2^31 pairs at most, about
/// half a second of lanes).
const SHORT_MAX: usize = 1 << 16;

/// The join proper, on the current pool, counting the left rows `done`;
/// `None` once `stop` is raised.
fn rows(
    left: &Arena,
    right: &Arena,
    upper: bool,
    k: usize,
    stop: &AtomicBool,
    done: &AtomicUsize,
) -> Option<JoinPairs> {
    let split = split(right, k);
    let filters = Filters::new(right, split);
    // This job owns the filters, so nothing else can wait on their build.
    let probe = filters.probe(right, k, |build| build());
    let texts: Vec<u32> = (0..right.count() as u32)
        .filter(|&j| split > 0 && right.len_of(j as usize) <= split)
        .collect();
    let width = short::width(split.max(1));
    let group = short::lanes(width);
    let nl = left.count();
    let chunks = (0..nl.div_ceil(ROWS))
        .into_par_iter()
        .map_init(
            || (Scratch::default(), vec![Vec::new(); ROWS]),
            |(scratch, found), c| {
                let range = c * ROWS..((c + 1) * ROWS).min(nl);
                let start = range.start;
                // A self-join pairs each row with the strings after it only.
                let first = |i: usize| if upper { i as u32 + 1 } else { 0 };
                found.iter_mut().for_each(Vec::clear);
                let short: Vec<u32> = range
                    .clone()
                    .filter(|&i| (1..=split).contains(&left.len_of(i)))
                    .map(|i| i as u32)
                    .collect();
                for rows in short.chunks(group) {
                    let firsts: Vec<u32> = rows.iter().map(|&i| first(i as usize)).collect();
                    let mut out: Vec<Vec<(u32, u32)>> = rows
                        .iter()
                        .map(|&i| std::mem::take(&mut found[i as usize - start]))
                        .collect();
                    let job = short::ShortRows {
                        width,
                        rows,
                        firsts: &firsts,
                        left,
                        right,
                        texts: &texts,
                        k,
                        out: &mut out,
                        stop,
                    };
                    job.run()?;
                    for (&i, pairs) in rows.iter().zip(out) {
                        found[i as usize - start] = pairs;
                    }
                }
                let mut out = Chunk {
                    left: Vec::new(),
                    right: Vec::new(),
                    distance: Vec::new(),
                };
                for i in range {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    let a = left.get(i);
                    let row = &mut found[i - start];
                    let ids = probe.candidates(a, first(i), scratch);
                    verifying(a, k, stop, |verifier| {
                        verifier.each(right, ids, |j, d| row.push((j, d as u32)))
                    })?;
                    row.sort_unstable();
                    out.left.extend(std::iter::repeat_n(i as u32, row.len()));
                    out.right.extend(row.iter().map(|p| p.0));
                    out.distance.extend(row.iter().map(|p| p.1));
                }
                done.fetch_add(ROWS.min(nl - c * ROWS), Ordering::Relaxed);
                Some(out)
            },
        )
        .collect::<Option<Vec<Chunk>>>()?;
    let total = chunks.iter().map(|c| c.left.len()).sum();
    let mut pairs = JoinPairs {
        left: Vec::with_capacity(total),
        right: Vec::with_capacity(total),
        distance: Vec::with_capacity(total),
    };
    for chunk in chunks {
        pairs.left.extend_from_slice(&chunk.left);
        pairs.right.extend_from_slice(&chunk.right);
        pairs.distance.extend_from_slice(&chunk.distance);
    }
    Some(pairs)
}
