//! Similarity join: every pair of strings within k edits, without comparing
//! every pair.
//!
//! The right side (the left one, for a self-join) gets the filters of an
//! index for bound k ([`crate::jobs::index::filters`]: deletion neighbourhoods
//! for short strings, Pass-Join segments (Li, Deng, Wang and Feng, PVLDB 2011)
//! for long ones); each left string then probes them, and each candidate is
//! verified by the bounded dispatcher, so the result is exact. A self-join
//! with deletion neighbourhoods (k <= 3) probes only the segments of its
//! longest strings: the other candidates come from walking the table of
//! variants once ([`crate::jobs::index::shared`]), which costs no cache miss
//! per variant, so more strings take neighbourhoods there
//! ([`join_dn_len`]). Strings of 1..=k + 3 units are compared with each
//! other in vector lanes ([`short`]), whose pairs come out in order.
//!
//! Rows are done in parallel in chunks whose results are concatenated in
//! order, so the output is sorted by (left, right) with only each row's
//! verified candidates to sort; a self-join keeps the pairs whose right index
//! is larger, each unordered pair once.
//!
//! Memory: a packed copy of the strings, the filters (at most
//! [`DN_VARIANTS`](crate::jobs::index::filters::DN_VARIANTS) entries per short
//! string, k + 1 per long one; for a self-join, up to
//! [`JOIN_DN_VARIANTS`](crate::jobs::index::filters::JOIN_DN_VARIANTS)), the
//! walk's candidate pairs of the rows in progress (at most
//! [`PAIRS_AT_ONCE`] unless one chunk has more) and the output.

use crate::error::Error;
use crate::jobs::index::check_count;
use crate::jobs::index::filters::{AHEAD, Filters, Probe, Scratch, Seen, join_dn_len};
use crate::jobs::index::shared::{Bins, SharedVariants};
use crate::jobs::index::verify::verifying;
use crate::kernels::lanes::hyyro2003_lanes::Width;
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

/// One task's rows: the pairs of a range of left rows, in order, as the
/// number of pairs per row and their (right id, distance) (the left column
/// is written only once, into the result).
#[derive(Default)]
struct Chunk {
    counts: Vec<u32>,
    pairs: Vec<(u32, u32)>,
}

impl Chunk {
    /// Appends a row: `lanes` and `verified`, each sorted by right id, merged
    /// (most rows have pairs from one source only: a copy).
    fn push_row(&mut self, lanes: &[(u32, u32)], verified: &[(u32, u32)]) {
        self.counts.push((lanes.len() + verified.len()) as u32);
        let (mut x, mut y) = (0, 0);
        while x < lanes.len() && y < verified.len() {
            if lanes[x].0 < verified[y].0 {
                self.pairs.push(lanes[x]);
                x += 1;
            } else {
                self.pairs.push(verified[y]);
                y += 1;
            }
        }
        self.pairs.extend_from_slice(&lanes[x..]);
        self.pairs.extend_from_slice(&verified[y..]);
    }
}

/// The chunks' pairs in one result, copied in parallel (the copy touches
/// fresh pages, whose faults then share the threads too).
fn concat(chunks: &[Chunk], starts: &[u32]) -> JoinPairs {
    let total: usize = chunks.iter().map(|c| c.pairs.len()).sum();
    let mut pairs = JoinPairs {
        left: vec![0; total],
        right: vec![0; total],
        distance: vec![0; total],
    };
    let mut parts = Vec::with_capacity(chunks.len());
    let (mut left, mut right, mut distance) = (
        &mut pairs.left[..],
        &mut pairs.right[..],
        &mut pairs.distance[..],
    );
    for chunk in chunks {
        let n = chunk.pairs.len();
        let (l, l_rest) = std::mem::take(&mut left).split_at_mut(n);
        let (r, r_rest) = std::mem::take(&mut right).split_at_mut(n);
        let (d, d_rest) = std::mem::take(&mut distance).split_at_mut(n);
        (left, right, distance) = (l_rest, r_rest, d_rest);
        parts.push((l, r, d));
    }
    parts
        .into_par_iter()
        .zip(chunks)
        .zip(starts)
        .for_each(|(((l, r, d), chunk), &start)| {
            for ((r, d), &(j, distance)) in r.iter_mut().zip(d.iter_mut()).zip(&chunk.pairs) {
                (*r, *d) = (j, distance);
            }
            let mut at = 0;
            for (i, &n) in chunk.counts.iter().enumerate() {
                l[at..at + n as usize].fill(start + i as u32);
                at += n as usize;
            }
        });
    pairs
}

/// Strings up to `k + 3` units are short ([`short`]): their variants of at
/// most 3 units are shared by many strings, so the filters are not selective
/// among them. Unless there are so many that comparing all their pairs would
/// cost more than the filters: the lanes' cost grows as their square, the
/// filters' about as the output.
fn split(right: &Arena, k: usize) -> usize {
    let split = k.saturating_add(3).min(64);
    let count = (0..right.count())
        .filter(|&j| (1..=split).contains(&right.len_of(j)))
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

/// The most candidate pairs a self-join holds at once from the deletion
/// neighbourhoods' walk ([`SharedVariants`]), 128 MiB of them (unless one
/// chunk of rows has more): beyond it the rows are done in windows, each
/// walking the table anew.
const PAIRS_AT_ONCE: usize = 1 << 24;

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
    // A self-join walks its deletion neighbourhoods for pairs instead of
    // probing them; the filters then cover the longer strings only. This job
    // owns the filters, so nothing else can wait on their build.
    let dn = if upper { join_dn_len(k) } else { None };
    let probe = match dn {
        Some(dn) => filters.probe_beyond(right, k, dn, |build| build()),
        None => filters.probe(right, k, |build| build()),
    };
    let shared =
        dn.map(|dn| SharedVariants::new(right, k, split, dn, 4 * rayon::current_num_threads()));
    let nl = left.count();
    let chunks = nl.div_ceil(ROWS);
    let counts = shared.as_ref().map(|s| s.count(ROWS));
    let rows = Rows {
        left,
        right,
        upper,
        k,
        split,
        probe,
        dn: dn.unwrap_or(usize::MAX),
        texts: (0..right.count() as u32)
            .filter(|&j| (1..=split).contains(&right.len_of(j as usize)))
            .collect(),
        width: short::width(split.max(1)),
        stop,
    };
    let mut out = Vec::with_capacity(chunks);
    let mut from = 0;
    while from < chunks {
        // The chunks whose pairs from the walk fit at once (one at least).
        let mut to = from + 1;
        if let Some(counts) = &counts {
            let pairs = |c: usize| counts.iter().map(|part| part[c]).sum::<usize>();
            let mut held = pairs(from);
            while to < chunks && held + pairs(to) <= PAIRS_AT_ONCE {
                held += pairs(to);
                to += 1;
            }
        } else {
            to = chunks;
        }
        let pairs = shared
            .as_ref()
            .zip(counts.as_ref())
            .map(|(s, counts)| s.pairs(from..to, ROWS, counts));
        let done_here = (from..to)
            .into_par_iter()
            .map_init(Work::default, |work, c| {
                let found = pairs.as_ref().map(|p| (&p[..], c - from));
                let chunk = rows.chunk(c, found, work);
                done.fetch_add(ROWS.min(nl - c * ROWS), Ordering::Relaxed);
                chunk
            })
            .collect::<Option<Vec<Chunk>>>()?;
        out.extend(done_here);
        from = to;
    }
    let starts: Vec<u32> = (0..out.len()).map(|c| (c * ROWS) as u32).collect();
    Some(concat(&out, &starts))
}

/// What every chunk of a join's rows shares.
struct Rows<'a> {
    left: &'a Arena,
    right: &'a Arena,
    /// A self-join: each row pairs with the strings after it only.
    upper: bool,
    k: usize,
    split: usize,
    probe: Probe<'a>,
    /// Rows up to this long get their candidates from the walk only (a
    /// self-join's [`SharedVariants`]); `usize::MAX` without one.
    dn: usize,
    /// The short right strings' ids, ascending.
    texts: Vec<u32>,
    width: Width,
    stop: &'a AtomicBool,
}

/// A task's working memory, kept across its chunks.
struct Work {
    scratch: Scratch,
    seen: Seen,
    /// Per row of the chunk: its pairs found so far.
    found: Vec<Vec<(u32, u32)>>,
    /// Per row of the chunk: its candidates from the walk, repeats included.
    walked: Vec<Vec<u32>>,
    unique: Vec<u32>,
}

impl Default for Work {
    fn default() -> Self {
        Work {
            scratch: Scratch::default(),
            seen: Seen::default(),
            found: vec![Vec::new(); ROWS],
            walked: vec![Vec::new(); ROWS],
            unique: Vec::new(),
        }
    }
}

impl Rows<'_> {
    /// The pairs of rows `c * ROWS..`, with the walk's `pairs` and this
    /// chunk's bin in them (a self-join with deletion neighbourhoods).
    fn chunk(&self, c: usize, pairs: Option<(&[Bins], usize)>, work: &mut Work) -> Option<Chunk> {
        let (left, right, k, split) = (self.left, self.right, self.k, self.split);
        let range = c * ROWS..((c + 1) * ROWS).min(left.count());
        let start = range.start;
        let first = |i: usize| if self.upper { i as u32 + 1 } else { 0 };
        work.found.iter_mut().for_each(Vec::clear);
        work.walked.iter_mut().for_each(Vec::clear);
        if let Some((parts, bin)) = pairs {
            for part in parts {
                for &(a, b) in &part[bin] {
                    work.walked[a as usize - start].push(b);
                }
            }
        }
        let short: Vec<u32> = range
            .clone()
            .filter(|&i| (1..=split).contains(&left.len_of(i)))
            .map(|i| i as u32)
            .collect();
        for rows in short.chunks(short::lanes(self.width)) {
            let firsts: Vec<u32> = rows.iter().map(|&i| first(i as usize)).collect();
            let mut out: Vec<Vec<(u32, u32)>> = rows
                .iter()
                .map(|&i| std::mem::take(&mut work.found[i as usize - start]))
                .collect();
            let job = short::ShortRows {
                width: self.width,
                rows,
                firsts: &firsts,
                left,
                right,
                texts: &self.texts,
                k,
                out: &mut out,
                stop: self.stop,
            };
            job.run()?;
            for (&i, pairs) in rows.iter().zip(out) {
                work.found[i as usize - start] = pairs;
            }
        }
        // Room for every pair the lanes found and every candidate (untouched
        // room costs no memory): the columns then grow without copies.
        let bound = work.found.iter().map(Vec::len).sum::<usize>()
            + work.walked.iter().map(Vec::len).sum::<usize>();
        let mut out = Chunk {
            counts: Vec::with_capacity(range.len()),
            pairs: Vec::with_capacity(bound),
        };
        for i in range {
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
            let a = left.get(i);
            let row = &mut work.found[i - start];
            // The lanes' pairs come in order of right id already.
            let from_lanes = row.len();
            let walked = &work.walked[i - start];
            work.seen.clear(right.count());
            work.unique.clear();
            for (x, &id) in walked.iter().enumerate() {
                if let Some(&ahead) = walked.get(x + AHEAD) {
                    work.seen.prefetch(ahead);
                }
                if work.seen.first(id) {
                    work.unique.push(id);
                }
            }
            let probed = if a.len() > self.dn || pairs.is_none() {
                self.probe.candidates(a, first(i), &mut work.scratch)
            } else {
                &[]
            };
            verifying(a, k, self.stop, |verifier| {
                for ids in [&work.unique[..], probed] {
                    verifier.each(right, ids, |j, d| row.push((j, d as u32)))?;
                }
                Some(())
            })?;
            let (lanes, verified) = row.split_at_mut(from_lanes);
            verified.sort_unstable();
            out.push_row(lanes, verified);
        }
        Some(out)
    }
}
