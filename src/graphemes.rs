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

/// Code points of `s`, and the start of each of its clusters (plus `len` at the end).
fn segment(s: Units<'_>) -> (Vec<u32>, Vec<usize>) {
    let mut cps = Vec::with_capacity(s.len());
    s.widen_into(&mut cps);
    let text: String = cps
        .iter()
        .map(|&c| char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let mut starts = Vec::with_capacity(cps.len() + 1);
    let mut at = 0;
    for g in text.graphemes(true) {
        starts.push(at);
        at += g.chars().count();
    }
    starts.push(at);
    (cps, starts)
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

/// The clusters of `s` as code point ranges (for tests and diagnostics).
#[must_use]
pub fn cluster_bounds(s: Units<'_>) -> Vec<usize> {
    segment(s).1
}
