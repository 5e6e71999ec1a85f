//! Extended grapheme clusters (UAX #29) as comparable units.
//!
//! Segmentation is done by the `unicode-segmentation` crate, whose tables follow
//! [`UNICODE_VERSION`]. Each cluster becomes one `u32` id, per pair of strings:
//! a one-code-point cluster is its own code point, and a longer one gets an id
//! above U+10FFFF from an interner keyed by the cluster's code points. Clusters are
//! thus compared by their exact code points, without a `String` per cluster, and
//! the code-point kernels run unchanged on the ids.
//!
//! Lone surrogates cannot live in a Rust `str`; they are segmented as U+FFFD, which
//! like a surrogate has Grapheme_Cluster_Break=Other, is not Extended_Pictographic
//! and has no Indic_Conjunct_Break value, so boundaries are exactly those of UAX #29
//! (and of Python's `regex` `\X`) for a GCB=Other character, while the ids keep the
//! original code points.

use crate::text::units::Units;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_segmentation::UnicodeSegmentation;

/// The Unicode version whose grapheme cluster rules are applied.
pub const UNICODE_VERSION: (u64, u64, u64) = unicode_segmentation::UNICODE_VERSION;

/// First id given to clusters of more than one code point.
const FIRST_CLUSTER_ID: u32 = 0x11_0000;

/// Whether a code point is "simple": it has a boundary on both sides when its
/// neighbours are simple too. Derived from the segmenter itself, once per process:
/// `c` is simple when "a c a" is three clusters (so `c` is not Extend, ZWJ,
/// SpacingMark or Prepend), "c c" is two (not L, V, T or Regional_Indicator) and
/// `c` is not CR or LF. No UAX #29 rule joins two such characters, and every rule
/// that looks further back (GB9c, GB11, GB12/13) stops at a simple character, so
/// only runs of non-simple characters, with one neighbour each side, need the full
/// segmenter.
fn probe_simple(c: char) -> bool {
    if c == '\r' || c == '\n' {
        return false;
    }
    let mut buf = String::with_capacity(12);
    buf.extend(['a', c, 'a']);
    if buf.graphemes(true).count() != 3 {
        return false;
    }
    buf.clear();
    buf.extend([c, c]);
    buf.graphemes(true).count() == 2
}

/// Probed ranges: planes 0 and 1, and the first 4,096 code points of plane 14 (tags,
/// variation selectors). Everything else (CJK planes 2-3, unassigned planes 4-13,
/// the rest of plane 14, private use) has Grapheme_Cluster_Break=Other.
const PROBED_LOW: u32 = 0x2_0000;
const PROBED_TAGS: std::ops::Range<u32> = 0xE_0000..0xE_1000;

/// Words of the simple-character bit table (see [`simple_table`]).
const TABLE_WORDS: usize =
    (PROBED_LOW as usize + (PROBED_TAGS.end - PROBED_TAGS.start) as usize).div_ceil(64);

fn simple_table() -> &'static [u64; TABLE_WORDS] {
    static TABLE: OnceLock<Box<[u64; TABLE_WORDS]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut bits: Box<[u64; TABLE_WORDS]> = vec![0u64; TABLE_WORDS]
            .into_boxed_slice()
            .try_into()
            .expect("TABLE_WORDS words");
        let probed = (0..PROBED_LOW).chain(PROBED_TAGS);
        for (i, cp) in probed.enumerate() {
            // Surrogates are segmented as U+FFFD, which is simple.
            let simple = char::from_u32(cp).is_none_or(probe_simple);
            bits[i / 64] |= u64::from(simple) << (i % 64);
        }
        bits
    })
}

/// A fixed-size table, so that look-ups need no bounds check: they sit in the
/// per-character loops of grapheme mode.
#[inline]
fn is_simple(table: &[u64; TABLE_WORDS], cp: u32) -> bool {
    let i = if cp < PROBED_LOW {
        cp
    } else if PROBED_TAGS.contains(&cp) {
        cp - PROBED_TAGS.start + PROBED_LOW
    } else {
        return true;
    };
    table[i as usize / 64] >> (i % 64) & 1 == 1
}

/// Appends to `starts` the index of each cluster boundary of `cps[lo..hi]` other
/// than `lo`, by running the full segmenter on that window.
fn segment_window(cps: &[u32], lo: usize, hi: usize, buf: &mut String, starts: &mut Vec<usize>) {
    buf.clear();
    buf.extend(
        cps[lo..hi]
            .iter()
            .map(|&c| char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER)),
    );
    let mut at = lo;
    for g in buf.graphemes(true) {
        if at != lo {
            starts.push(at);
        }
        at += g.chars().count();
    }
}

/// Windows of up to this many code points are remembered.
const CACHED_WINDOW: usize = 8;
const CACHE_SLOTS: usize = 512;

/// A direct-mapped cache of window segmentations: text repeats the same short
/// windows (an emoji and its modifier, a letter and its accent) over and over,
/// and the segmenter is the slowest part of grapheme mode.
struct WindowCache {
    keys: Vec<[u32; CACHED_WINDOW]>,
    lens: Vec<u8>,
    /// Bit i set: a boundary before the window's code point i (1..len).
    bounds: Vec<u8>,
}

thread_local! {
    static WINDOWS: RefCell<WindowCache> = RefCell::new(WindowCache {
        keys: vec![[0; CACHED_WINDOW]; CACHE_SLOTS],
        lens: vec![0; CACHE_SLOTS],
        bounds: vec![0; CACHE_SLOTS],
    });
}

impl WindowCache {
    fn segment(
        &mut self,
        cps: &[u32],
        lo: usize,
        hi: usize,
        buf: &mut String,
        starts: &mut Vec<usize>,
    ) {
        let window = &cps[lo..hi];
        if window.len() > CACHED_WINDOW {
            return segment_window(cps, lo, hi, buf, starts);
        }
        let mut key = [0u32; CACHED_WINDOW];
        key[..window.len()].copy_from_slice(window);
        let hash = key.iter().fold(window.len() as u32, |h, &c| {
            (h ^ c).wrapping_mul(0x9E37_79B1)
        });
        let slot = (hash >> 16) as usize % CACHE_SLOTS;
        if usize::from(self.lens[slot]) != window.len() || self.keys[slot] != key {
            let before = starts.len();
            segment_window(cps, lo, hi, buf, starts);
            let mask = starts[before..].iter().fold(0u8, |m, &b| m | 1 << (b - lo));
            starts.truncate(before);
            self.keys[slot] = key;
            self.lens[slot] = window.len() as u8;
            self.bounds[slot] = mask;
        }
        let mask = self.bounds[slot];
        starts.extend(
            (1..window.len())
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| lo + i),
        );
    }
}

/// Appends the start of each cluster of `cps` to `starts`, then `cps.len()`.
///
/// A position between two simple characters is a boundary. Each maximal run of
/// non-simple characters is segmented with one neighbour each side (the window),
/// which decides every position strictly inside the window.
fn segment_into(cps: &[u32], starts: &mut Vec<usize>, buf: &mut String) {
    let n = cps.len();
    let table = simple_table();
    // Positions below `decided` are settled.
    let mut decided = 0;
    let mut i = 0;
    while i < n {
        if is_simple(table, cps[i]) {
            i += 1;
            continue;
        }
        let mut r = i + 1;
        while r < n && !is_simple(table, cps[r]) {
            r += 1;
        }
        let (lo, hi) = (i.saturating_sub(1), (r + 1).min(n));
        starts.extend(decided..=lo);
        WINDOWS.with(|cache| match cache.try_borrow_mut() {
            Ok(mut cache) => cache.segment(cps, lo, hi, buf, starts),
            Err(_) => segment_window(cps, lo, hi, buf, starts),
        });
        decided = hi;
        i = r;
    }
    starts.extend(decided..=n);
}

/// The reference segmentation: the whole string through the crate at once.
fn segment_whole(s: Units<'_>) -> Vec<usize> {
    let mut cps = Vec::new();
    s.widen_into(&mut cps);
    let mut starts = vec![0];
    if cps.is_empty() {
        return vec![0];
    }
    let mut buf = String::new();
    segment_window(&cps, 0, cps.len(), &mut buf, &mut starts);
    starts.push(cps.len());
    starts
}

/// Ids for clusters of more than one code point, shared by the two strings of a
/// pair. A pair rarely holds more than a few such clusters, so they are first
/// kept in a list; a map takes over when the list grows.
struct Interner<'a> {
    few: Vec<&'a [u32]>,
    many: HashMap<&'a [u32], u32>,
}

impl<'a> Interner<'a> {
    const LIST_MAX: usize = 16;

    fn id(&mut self, cluster: &'a [u32]) -> u32 {
        if self.many.is_empty() {
            if let Some(i) = self.few.iter().position(|&c| c == cluster) {
                return FIRST_CLUSTER_ID + i as u32;
            }
            if self.few.len() < Self::LIST_MAX {
                self.few.push(cluster);
                return FIRST_CLUSTER_ID + self.few.len() as u32 - 1;
            }
            for (i, &c) in self.few.iter().enumerate() {
                self.many.insert(c, FIRST_CLUSTER_ID + i as u32);
            }
        }
        let next = FIRST_CLUSTER_ID + self.many.len() as u32;
        *self.many.entry(cluster).or_insert(next)
    }
}

/// Appends the id of each cluster of `cps` to `out` in one pass. A simple
/// character followed by a simple character (or the end) is a cluster by itself;
/// from any other cluster start the text up to the next position between two
/// simple characters (a sure boundary) is segmented as a window, which is exact
/// because the window starts at a cluster boundary.
fn cluster_ids<'a>(
    cps: &'a [u32],
    out: &mut Vec<u32>,
    bounds: &mut Vec<usize>,
    buf: &mut String,
    id: &mut impl FnMut(&'a [u32]) -> u32,
) {
    let table = simple_table();
    let n = cps.len();
    out.clear();
    let mut i = 0;
    let mut here = n > 0 && is_simple(table, cps[0]);
    while i < n {
        let next;
        if here {
            // A run of simple characters: each is a cluster of its own, but the
            // last may join a non-simple character after it, so it starts the window.
            let mut j = i + 1;
            while j < n && is_simple(table, cps[j]) {
                j += 1;
            }
            if j == n {
                out.extend_from_slice(&cps[i..]);
                break;
            }
            out.extend_from_slice(&cps[i..j - 1]);
            i = j - 1;
            next = false;
        } else {
            next = i + 1 < n && is_simple(table, cps[i + 1]);
        }
        let mut q = i + 1;
        let mut prev = next;
        while q < n {
            let cur = q + 1 < n && is_simple(table, cps[q + 1]);
            if prev && cur {
                break;
            }
            prev = cur;
            q += 1;
        }
        // q is the last unit of the window, or n: a boundary follows it.
        let end = (q + 1).min(n);
        bounds.clear();
        WINDOWS.with(|cache| match cache.try_borrow_mut() {
            Ok(mut cache) => cache.segment(cps, i, end, buf, bounds),
            Err(_) => segment_window(cps, i, end, buf, bounds),
        });
        bounds.push(end);
        let mut start = i;
        for &b in bounds.iter() {
            out.push(match &cps[start..b] {
                [one] => *one,
                cluster => id(cluster),
            });
            start = b;
        }
        i = end;
        here = i < n && is_simple(table, cps[i]);
    }
}

/// Buffers reused across calls on one thread (segmenting allocates nothing).
#[derive(Default)]
struct Scratch {
    cps: [Vec<u32>; 2],
    bounds: [Vec<usize>; 2],
    ids: [Vec<u32>; 2],
    buf: String,
}

impl Scratch {
    /// Buffers grown by a very long string are not kept for the thread's lifetime.
    const KEEP_UNITS: usize = 1 << 14;

    fn trim(&mut self) {
        fn drop_if_big<T>(v: &mut Vec<T>) {
            if v.capacity() > Scratch::KEEP_UNITS {
                *v = Vec::new();
            }
        }
        self.cps.iter_mut().for_each(drop_if_big);
        self.bounds.iter_mut().for_each(drop_if_big);
        self.ids.iter_mut().for_each(drop_if_big);
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The code points of `s`: the string itself when it is stored as `u32`.
fn code_point_slice<'a>(s: Units<'a>, scratch: &'a mut Vec<u32>) -> &'a [u32] {
    if let Units::U32(cps) = s {
        return cps;
    }
    s.widen_into(scratch);
    scratch
}

/// Whether a Latin-1 string holds CR or LF, eight bytes at a time: a word with no
/// byte below 14 (the usual case) holds neither, and only the others are looked at
/// byte by byte.
fn has_cr_or_lf(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let exact = |b: &[u8]| b.iter().any(|&c| c == b'\r' || c == b'\n');
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Sets the high bit of some byte iff some byte is below 14 (exact for bounds <= 128).
        if x.wrapping_sub(14 * ONES) & !x & HIGHS != 0 && exact(chunk) {
            return true;
        }
    }
    exact(chunks.remainder())
}

/// Whether every character of `s` is simple, so that each is its own cluster.
pub(crate) fn all_simple(s: Units<'_>) -> bool {
    match s {
        // Below U+0300 only CR and LF are not simple.
        Units::U8(s) => !has_cr_or_lf(s),
        Units::U16(s) => {
            let table = simple_table();
            s.iter().all(|&c| is_simple(table, u32::from(c)))
        }
        Units::U32(s) => {
            let table = simple_table();
            s.iter().all(|&c| is_simple(table, c))
        }
    }
}

/// Calls `f` with the cluster ids of `a` and `b`; a string whose characters are
/// all simple is its own id sequence and is passed through untouched.
pub(crate) fn with_cluster_ids<R>(
    a: Units<'_>,
    b: Units<'_>,
    f: impl FnOnce(Units<'_>, Units<'_>) -> R,
) -> R {
    with_cluster_ids_of(a, b, (all_simple(a), all_simple(b)), f)
}

/// [`with_cluster_ids`] for a caller that already knows which strings are
/// [`all_simple`] (the batch runner asks first, to send simple pairs elsewhere).
pub(crate) fn with_cluster_ids_of<R>(
    a: Units<'_>,
    b: Units<'_>,
    (simple_a, simple_b): (bool, bool),
    f: impl FnOnce(Units<'_>, Units<'_>) -> R,
) -> R {
    debug_assert_eq!((simple_a, simple_b), (all_simple(a), all_simple(b)));
    if simple_a && simple_b {
        return f(a, b);
    }
    SCRATCH.with(|cell| {
        let mut owned;
        let mut guard = cell.try_borrow_mut();
        // Re-entrant use on one thread cannot happen today; stay correct if it ever does.
        let scratch: &mut Scratch = match &mut guard {
            Ok(s) => s,
            Err(_) => {
                owned = Scratch::default();
                &mut owned
            }
        };
        let Scratch {
            cps: [cps_a, cps_b],
            bounds: [bounds_a, bounds_b],
            ids: [ids_a, ids_b],
            buf,
        } = scratch;
        let mut interner = Interner {
            few: Vec::new(),
            many: HashMap::new(),
        };
        // A string of simple characters is its own id sequence (and keeps its width).
        let cps_a = (!simple_a).then(|| code_point_slice(a, cps_a));
        let cps_b = (!simple_b).then(|| code_point_slice(b, cps_b));
        if let Some(cps) = cps_a {
            cluster_ids(cps, ids_a, bounds_a, buf, &mut |c| interner.id(c));
        }
        if let Some(cps) = cps_b {
            cluster_ids(cps, ids_b, bounds_b, buf, &mut |c| interner.id(c));
        }
        let ua = if simple_a { a } else { Units::U32(ids_a) };
        let ub = if simple_b { b } else { Units::U32(ids_b) };
        let r = f(ua, ub);
        scratch.trim();
        r
    })
}

/// Cluster ids of many strings from one interner, so that equal clusters get
/// equal ids across all of them (for one-to-many and all-pairs jobs, where ids
/// per pair would not do). A string whose characters are all simple is its own
/// id sequence and gets `None`.
pub(crate) fn shared_cluster_ids<'s>(
    count: usize,
    string: impl Fn(usize) -> Units<'s>,
) -> Vec<Option<Vec<u32>>> {
    let cps: Vec<Option<Vec<u32>>> = (0..count)
        .map(|i| {
            let s = string(i);
            (!all_simple(s)).then(|| {
                let mut v = Vec::new();
                s.widen_into(&mut v);
                v
            })
        })
        .collect();
    let mut interner = Interner {
        few: Vec::new(),
        many: HashMap::new(),
    };
    let (mut bounds, mut buf) = (Vec::new(), String::new());
    cps.iter()
        .map(|c| {
            c.as_ref().map(|c| {
                let mut ids = Vec::with_capacity(c.len());
                cluster_ids(c, &mut ids, &mut bounds, &mut buf, &mut |c| interner.id(c));
                ids
            })
        })
        .collect()
}

/// [`shared_cluster_ids`], and the clusters given ids, so that strings seen
/// later (the queries of an index) get the same id for the same cluster through
/// [`ids_against`].
pub(crate) fn interned_cluster_ids<'s>(
    count: usize,
    string: impl Fn(usize) -> Units<'s>,
) -> (Vec<Option<Vec<u32>>>, KnownClusters) {
    let mut known: HashMap<Vec<u32>, u32> = HashMap::new();
    let (mut cps, mut bounds, mut buf) = (Vec::new(), Vec::new(), String::new());
    let ids = (0..count)
        .map(|i| {
            let s = string(i);
            (!all_simple(s)).then(|| {
                s.widen_into(&mut cps);
                let mut ids = Vec::with_capacity(cps.len());
                cluster_ids(&cps, &mut ids, &mut bounds, &mut buf, &mut |c| {
                    let next = FIRST_CLUSTER_ID + known.len() as u32;
                    *known.entry(c.to_vec()).or_insert(next)
                });
                ids
            })
        })
        .collect();
    (ids, KnownClusters(known))
}

/// The multi-code-point clusters of one string (a `nearest` query) and their ids.
pub(crate) struct KnownClusters(HashMap<Vec<u32>, u32>);

/// Never given to a cluster: the id of every cluster a query does not hold.
const FOREIGN_CLUSTER_ID: u32 = u32::MAX;

/// The cluster ids of `query` (`None` if all its characters are simple, so it is
/// its own id sequence), and its clusters for [`ids_against`].
pub(crate) fn intern_query(query: Units<'_>) -> (Option<Vec<u32>>, KnownClusters) {
    let mut known = HashMap::new();
    if all_simple(query) {
        return (None, KnownClusters(known));
    }
    let mut cps = Vec::new();
    query.widen_into(&mut cps);
    let (mut ids, mut bounds, mut buf) = (Vec::new(), Vec::new(), String::new());
    cluster_ids(&cps, &mut ids, &mut bounds, &mut buf, &mut |c| {
        let next = FIRST_CLUSTER_ID + known.len() as u32;
        *known.entry(c.to_vec()).or_insert(next)
    });
    (Some(ids), KnownClusters(known))
}

/// The cluster ids of `s` for comparing it with the query of `known` only: a
/// cluster the query holds gets the query's id, any other the one foreign id
/// (a distance to the query only ever compares the query's units with the
/// choice's). `None` if all of `s`'s characters are simple. Needs no shared
/// state, so choices are segmented in parallel.
pub(crate) fn ids_against(s: Units<'_>, known: &KnownClusters) -> Option<Vec<u32>> {
    if all_simple(s) {
        return None;
    }
    let mut ids = Vec::with_capacity(s.len());
    let mut segment = |scratch: &mut Scratch| {
        let Scratch {
            cps: [cps, _],
            bounds: [bounds, _],
            buf,
            ..
        } = scratch;
        let cps = code_point_slice(s, cps);
        cluster_ids(cps, &mut ids, bounds, buf, &mut |c| {
            known.0.get(c).copied().unwrap_or(FOREIGN_CLUSTER_ID)
        });
        scratch.trim();
    };
    // The per-thread buffers: three allocations per choice were a tenth of a
    // grapheme-mode `nearest`.
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => segment(&mut scratch),
        Err(_) => segment(&mut Scratch::default()),
    });
    Some(ids)
}

/// The start of each cluster of `s` as a code point index, then `s.len()`.
///
/// ```
/// use pyo3_levenshtein::{cluster_bounds, Units};
/// let s: Vec<u32> = "e\u{301}x".chars().map(u32::from).collect();
/// assert_eq!(cluster_bounds(Units::U32(&s)), vec![0, 2, 3]);
/// ```
#[must_use]
pub fn cluster_bounds(s: Units<'_>) -> Vec<usize> {
    let mut cps = Vec::new();
    s.widen_into(&mut cps);
    let mut starts = Vec::with_capacity(cps.len() + 1);
    segment_into(&cps, &mut starts, &mut String::new());
    starts
}

/// Like [`cluster_bounds`], but through the segmenter alone, without the shortcut
/// for simple characters (the reference the tests compare with).
#[must_use]
pub fn cluster_bounds_unoptimised(s: Units<'_>) -> Vec<usize> {
    segment_whole(s)
}
