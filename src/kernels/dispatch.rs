//! The unit-cost dispatch: picks the kernel for each pair of unit sequences.
//!
//! [`crate::kernels::distance`] calls it after segmenting graphemes, for unit weights.
//!
//! After stripping the common prefix and suffix (m <= n are the remaining lengths,
//! k the bound, `usize::MAX` without one):
//!
//! | case                                        | kernel                                      | cost                 |
//! |---------------------------------------------|---------------------------------------------|----------------------|
//! | n - m > k                                   | none: k + 1 (length difference bound)       | O(1)                 |
//! | m = 0                                       | none: n                                     | O(1)                 |
//! | k <= 2, or k = 3 and n > 64 (but not m > 64 with AVX2) | [mbleven](crate::kernels::mbleven2018)  | O(m + n) per model   |
//! | n <= 64 (the longer side is the pattern)    | [Hyyrö 2003](crate::kernels::hyyro2003)              | O(m)                 |
//! | m <= 64                                     | [Hyyrö 2003](crate::kernels::hyyro2003)              | O(n)                 |
//! | m > 64, a bound whose band of ⌊(k+n-m)/2⌋ + ⌊(k-n+m)/2⌋ + 1 diagonals fits one or two words (k <= 127), AVX2 | [Hyyrö 2003, diagonal band](crate::kernels::hyyro2003_band) | O(n), O(k) when the distance exceeds k early |
//! | 128 < m, no bound or a bound k >= m/2, AVX2 | [Myers 1999 blocks in vector lanes along the anti-diagonal](crate::kernels::myers1999_wavefront) (for m > 512 without a bound, after the bands below) | O(⌈m/64⌉ · n / W), W = 4..16 lanes |
//! | 64 < m <= 512, no bound, or a bound k >= m/2 (without the above) | [Myers 1999, 2..=8 blocks unrolled](crate::kernels::myers1999_fixed) | O(⌈m/64⌉ · n) |
//! | m > 64, any other bound                     | [Myers 1999 blocks, banded](crate::kernels::myers1999) | O(min(k, m)/64 · n) |
//! | m > 512, no bound                           | the diagonal band with k = 63, then 127, then Myers 1999 with the band doubled from 256 until it holds the distance (as edlib does), up to m/16 (m/8 without the wavefront), then the whole matrix in the wavefront's lanes (or Myers 1999 unbanded) | O(d/64 · n) |
//!
//! Results above the bound are reported as k + 1 (rapidfuzz's `score_cutoff`
//! convention).

#[cfg(target_arch = "x86_64")]
use super::hyyro2003_band;
use super::{hyyro2003, mbleven2018, myers1999, myers1999_fixed, myers1999_wavefront};
use crate::kernels::masks::table::{BlockTable, LATIN1_ROWS_MAX};
use crate::kernels::myers1999_wavefront::Pipeline;
use crate::runtime::stop::Stop;
use crate::text::units::{Unit, Units, common_affixes};
use crate::with_slices;

/// Patterns from this many units take the wavefront kernel where it runs. Per
/// call on unrelated ASCII pairs of equal length (examples/long_pairs.rs,
/// against the unrolled blocks): 70..=128 units (two blocks in four lanes)
/// 5-20% slower, 129 0.94 -> 0.74 µs, 192 1.38 -> 1.06 µs, 320 5.5 -> 2.6 µs,
/// 512 31 -> 4.1 µs.
const WAVEFRONT_MIN: usize = 129;

/// Distance between two unit sequences, comparing units as code points, capped at `k + 1`.
pub(crate) fn code_points(a: Units<'_>, b: Units<'_>, k: usize, stop: Stop<'_>) -> Option<usize> {
    code_points_split(a, b, k, stop, None)
}

/// How the whole-matrix pass of a long pair may run on several threads: as a
/// [`Pipeline`] of `parts` bands, stepped through by `run` (`None` if it stopped).
#[derive(Clone, Copy)]
pub(crate) struct Split<'r> {
    pub(crate) parts: usize,
    pub(crate) run: &'r (dyn Fn(&mut Pipeline<'_>) -> Option<()> + Sync),
}

/// [`code_points`], with the wavefront's whole-matrix pass (unbounded pairs
/// of more than 512 units whose bands did not hold the distance) split as
/// `split` says.
pub(crate) fn code_points_split(
    a: Units<'_>,
    b: Units<'_>,
    k: usize,
    stop: Stop<'_>,
    split: Option<Split<'_>>,
) -> Option<usize> {
    with_slices!(a, b, |x, y| slices(x, y, k, stop, split))
}

/// Strips what the two sides share at both ends and runs the kernel on the rest.
fn slices<A: Unit, B: Unit>(
    a: &[A],
    b: &[B],
    k: usize,
    stop: Stop<'_>,
    split: Option<Split<'_>>,
) -> Option<usize> {
    let cap = k.saturating_add(1);
    // Stripping a common affix keeps the length difference, so this bound needs
    // no scan of either string.
    if a.len().abs_diff(b.len()) > k {
        return Some(cap);
    }
    let (prefix, suffix) = common_affixes(a, b);
    let (a, b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        return Some(a.len().max(b.len()).min(cap));
    }
    // mbleven tries a handful of edit scripts, each abandoned at its first
    // unaffordable mismatch: measured faster than the bit-parallel kernels for
    // k <= 2, and for k = 3 once a string is longer than a word, except against
    // the diagonal band (both longer than a word), whose 7 models cost more
    // (callgrind: 450 vs 670 instructions on unrelated pairs of length 100..500
    // or 5,000, 640 vs 570 on 5,000 units with 5% edits).
    if k <= 2 || (k == 3 && a.len().max(b.len()) > 64 && !band_fits(a.len().min(b.len()), k)) {
        return Some(mbleven2018::distance(a, b, k));
    }
    // The one-word kernel costs one serial chain of word operations per text
    // unit, so when both sides fit in a word the shorter side is the text.
    let d = match (a.len(), b.len()) {
        (m, n) if m <= 64 && n <= 64 && m < n => hyyro2003::distance(b, a, stop),
        (m, n) if m <= 64 && n <= 64 => hyyro2003::distance(a, b, stop),
        (m, n) if m <= n => long(a, b, k, stop, split),
        _ => long(b, a, k, stop, split),
    };
    d.map(|d| d.min(cap))
}

/// Whether the diagonal band kernel takes a pattern of `m` units with bound `k`
/// (against a text at most k longer, or the length bound has answered already).
fn band_fits(m: usize, k: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        m > 64 && k < 63 && hyyro2003_band::available()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (m, k);
        false
    }
}

/// `pattern` (m units) is not longer than `text` (n > 64 units).
fn long<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    k: usize,
    stop: Stop<'_>,
    split: Option<Split<'_>>,
) -> Option<usize> {
    let m = pattern.len();
    if m <= 64 {
        return hyyro2003::distance(pattern, text, stop);
    }
    if k < text.len() {
        // A bound whose band fits in one or two words: no table, and per column
        // a quarter to an eighth of the instructions of the blocks below
        // (callgrind, k = 64..127, 300 or 5,000 units).
        #[cfg(target_arch = "x86_64")]
        if hyyro2003_band::fits(k, text.len() - m) && hyyro2003_band::available() {
            return hyyro2003_band::distance(pattern, text, k, stop);
        }
        // A band over half the rows or more costs more than every block
        // unrolled (W3 with k = 300: 5.2 against 3.4 µs), or in the
        // wavefront's lanes; the caller caps the result.
        if 2 * k >= m
            && (m <= 64 * myers1999_fixed::MAX_BLOCKS || myers1999_wavefront::width(2).is_some())
        {
            return unbounded(pattern, text, k, stop);
        }
        return myers1999::distance(pattern, text, k, None, stop);
    }
    if m <= 64 * myers1999_fixed::MAX_BLOCKS {
        return unbounded(pattern, text, k, stop);
    }
    // Long and possibly similar: first the diagonal bands with k = 63 and 127
    // (one and two words per column, no table), which on unrelated strings give
    // up after about 70 and 140 columns; then Myers bands from 256.
    let mut band = 128usize;
    #[cfg(target_arch = "x86_64")]
    if hyyro2003_band::available() {
        for k in [63, 127] {
            if hyyro2003_band::fits(k, text.len() - m) {
                let d = hyyro2003_band::distance(pattern, text, k, stop)?;
                if d <= k {
                    return Some(d);
                }
            }
        }
        band = 256;
    }
    // No useful bound: try bands that double. A band too narrow for the
    // distance gives up as soon as a whole column exceeds it, which on unrelated
    // strings happens after a few times its width, so the failed tries stay
    // cheap; once the band would cover a sixteenth of the pattern (an eighth
    // without the wavefront, whose blocks cost a third as much), run it whole.
    let table = BlockTable::new(pattern);
    let plan = myers1999_wavefront::Plan::new(&table);
    let widest = m / if plan.is_some() { 16 } else { 8 };
    while band < widest {
        let d = myers1999::distance(pattern, text, band, Some(&table), stop)?;
        if d <= band {
            return Some(d);
        }
        band *= 2;
    }
    match (plan, split) {
        (Some(plan), Some(split)) if split.parts > 1 => {
            let mut pipeline = Pipeline::new(&plan, m, text, split.parts);
            (split.run)(&mut pipeline)?;
            Some(pipeline.distance())
        }
        (Some(plan), _) => myers1999_wavefront::distance(&plan, m, text, stop),
        (None, _) => myers1999::distance(pattern, text, usize::MAX, Some(&table), stop),
    }
}

/// The whole matrix of a pattern of more than 64 units (the caller caps the
/// result at `k + 1`): the wavefront's lanes from [`WAVEFRONT_MIN`] units on
/// where the CPU has them and the table keeps dense rows, else every block
/// unrolled up to 512 units, else Myers' blocks banded by `k`.
fn unbounded<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    k: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    let m = pattern.len();
    if m >= WAVEFRONT_MIN
        && let Some(width) = myers1999_wavefront::width(m.div_ceil(64))
    {
        if let Some(bytes) = P::as_bytes(pattern)
            && m <= LATIN1_ROWS_MAX
        {
            return myers1999_wavefront::distance_latin1(width, bytes, text, stop);
        }
        let table = BlockTable::new(pattern);
        if let Some(plan) = myers1999_wavefront::Plan::with_width(&table, width) {
            return myers1999_wavefront::distance(&plan, m, text, stop);
        }
    }
    if m <= 64 * myers1999_fixed::MAX_BLOCKS {
        return myers1999_fixed::distance(pattern, text, stop);
    }
    myers1999::distance(pattern, text, k, None, stop)
}
