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

use crate::units::Units;
use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_segmentation::UnicodeSegmentation;

/// The Unicode version whose grapheme cluster rules are applied.
pub const UNICODE_VERSION: (u64, u64, u64) = unicode_segmentation::UNICODE_VERSION;

/// First id given to clusters of more than one code point.
const FIRST_CLUSTER_ID: u32 = 0x11_0000;

/// Below U+0300 no character extends or joins another (no Extend, SpacingMark,
/// Prepend, ZWJ or Regional_Indicator), so every code point is its own cluster
/// except CR LF (GB3).
const TRIVIAL_BELOW: u32 = 0x300;

fn is_trivial(s: Units<'_>) -> bool {
    fn check<T: Copy + Into<u32>>(s: &[T]) -> bool {
        let mut prev_cr = false;
        for &c in s {
            let c: u32 = c.into();
            if c >= TRIVIAL_BELOW || (prev_cr && c == u32::from(b'\n')) {
                return false;
            }
            prev_cr = c == u32::from(b'\r');
        }
        true
    }
    match s {
        Units::U8(s) => check(s),
        Units::U16(s) => check(s),
        Units::U32(s) => check(s),
    }
}

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

fn simple_table() -> &'static [u64] {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let total = PROBED_LOW + PROBED_TAGS.len() as u32;
        let mut bits = vec![0u64; total.div_ceil(64) as usize];
        let probed = (0..PROBED_LOW).chain(PROBED_TAGS);
        for (i, cp) in probed.enumerate() {
            // Surrogates are segmented as U+FFFD, which is simple.
            let simple = char::from_u32(cp).is_none_or(probe_simple);
            bits[i / 64] |= u64::from(simple) << (i % 64);
        }
        bits
    })
}

#[inline]
fn is_simple(table: &[u64], cp: u32) -> bool {
    let i = if cp < TRIVIAL_BELOW {
        return cp != 0x0D && cp != 0x0A;
    } else if cp < PROBED_LOW {
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

/// Code points of `s`, and the start of each of its clusters (plus `len` at the end).
///
/// A position between two simple characters is a boundary. Each maximal run of
/// non-simple characters is segmented with one neighbour each side (the window),
/// which decides every position strictly inside the window.
fn segment(s: Units<'_>) -> (Vec<u32>, Vec<usize>) {
    let mut cps = Vec::with_capacity(s.len());
    s.widen_into(&mut cps);
    let n = cps.len();
    let table = simple_table();
    let mut starts = Vec::with_capacity(n + 1);
    let mut buf = String::new();
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
        segment_window(&cps, lo, hi, &mut buf, &mut starts);
        decided = hi;
        i = r;
    }
    starts.extend(decided..=n);
    (cps, starts)
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

fn ids<'a>(cps: &'a [u32], starts: &[usize], interner: &mut HashMap<&'a [u32], u32>) -> Vec<u32> {
    starts
        .windows(2)
        .map(|w| {
            let cluster = &cps[w[0]..w[1]];
            if let [one] = cluster {
                *one
            } else {
                let next = FIRST_CLUSTER_ID + interner.len() as u32;
                *interner.entry(cluster).or_insert(next)
            }
        })
        .collect()
}

/// Calls `f` with the cluster ids of `a` and `b` (or the strings themselves when
/// every cluster is one code point).
pub(crate) fn with_cluster_ids<R>(
    a: Units<'_>,
    b: Units<'_>,
    f: impl FnOnce(Units<'_>, Units<'_>) -> R,
) -> R {
    if is_trivial(a) && is_trivial(b) {
        return f(a, b);
    }
    let (cps_a, starts_a) = segment(a);
    let (cps_b, starts_b) = segment(b);
    let mut interner = HashMap::new();
    let ids_a = ids(&cps_a, &starts_a, &mut interner);
    let ids_b = ids(&cps_b, &starts_b, &mut interner);
    f(Units::U32(&ids_a), Units::U32(&ids_b))
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
    segment(s).1
}

/// Like [`cluster_bounds`], but through the segmenter alone, without the shortcut
/// for simple characters (the reference the tests compare with).
#[must_use]
pub fn cluster_bounds_unoptimised(s: Units<'_>) -> Vec<usize> {
    segment_whole(s)
}
