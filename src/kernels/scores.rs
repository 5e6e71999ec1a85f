//! Scores derived from the distance, with rapidfuzz's definitions: the largest
//! distance two lengths allow under the weights, the similarity (that maximum
//! minus the distance) and both normalized to [0, 1].
//!
//! The cut-offs follow rapidfuzz's `score_cutoff` too, and bound the kernels: a
//! normalized distance above the cut-off c is reported as 1.0, and the kernels
//! look no further than ⌈c · maximum⌉; a similarity below the cut-off s is reported
//! as 0, and the kernels look no further than maximum - s.
//!
//! Cost: one bounded distance (see [`crate::kernels::distance`]).

// Scores are f64 as in rapidfuzz: distances past 2^53 (only with huge weights)
// round, as they do there.
#![allow(clippy::cast_precision_loss)]

use super::distance::{Options, with_maximum};
use super::weighted::Weights;
use crate::runtime::stop::{Stop, unstoppable};
use crate::text::units::Units;

/// Normalized similarities are compared with the cut-off after a subtraction
/// from 1.0; rapidfuzz allows this much rounding in that conversion.
const IMPRECISION: f64 = 1e-5;

/// The largest weighted distance between strings of `len1` and `len2` units:
/// delete everything and insert everything, or substitute the shorter length and
/// delete or insert the rest, whichever is cheaper. Saturates at `usize::MAX`.
///
/// ```
/// use pyo3_levenshtein::{Weights, scores::maximum};
/// assert_eq!(maximum(6, 7, Weights::default()), 7);
/// assert_eq!(maximum(6, 7, Weights { insert: 1, delete: 1, substitute: 2 }), 13);
/// assert_eq!(maximum(0, 0, Weights::default()), 0);
/// ```
#[must_use]
pub fn maximum(len1: usize, len2: usize, w: Weights) -> usize {
    w.maximum(len1, len2)
}

/// Distance over maximum, in [0, 1]; 0.0 when the maximum is 0 (both empty, or
/// free edits). With `cutoff`, a result above it is reported as 1.0.
#[must_use]
pub fn normalized_distance(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    cutoff: Option<f64>,
) -> f64 {
    unstoppable(|stop| normalized_distance_with_stop(a, b, options, cutoff, stop))
}

/// With a [`Stop`]: `None` once it is raised.
pub(crate) fn normalized_distance_with_stop(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    cutoff: Option<f64>,
    stop: Stop<'_>,
) -> Option<f64> {
    let c = cutoff.unwrap_or(1.0).clamp(0.0, 1.0);
    let bound = |maximum: usize| {
        if c >= 1.0 {
            usize::MAX
        } else {
            // ⌈c · maximum⌉ in floating point, as rapidfuzz bounds it; the exact
            // comparison below decides.
            (c * maximum as f64).ceil() as usize
        }
    };
    let (d, maximum) = with_maximum(a, b, options, bound, stop)?;
    let norm = normalize(d, maximum);
    Some(if norm <= c { norm } else { 1.0 })
}

/// `distance` over `maximum` (see [`maximum`]), 0.0 when the maximum is 0: the
/// normalized distance, for jobs that get the distance and lengths elsewhere
/// (a matrix's lanes) and must agree with [`normalized_distance`] to the bit.
///
/// ```
/// use pyo3_levenshtein::scores::normalize;
/// assert_eq!(normalize(3, 7), 3.0 / 7.0);
/// assert_eq!(normalize(0, 0), 0.0);
/// ```
#[must_use]
pub fn normalize(distance: usize, maximum: usize) -> f64 {
    if maximum == 0 {
        0.0
    } else {
        distance as f64 / maximum as f64
    }
}

/// One minus the normalized distance, in [0, 1]; 1.0 for two empty strings.
/// With `cutoff`, a result below it is reported as 0.0.
#[must_use]
pub fn normalized_similarity(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    cutoff: Option<f64>,
) -> f64 {
    unstoppable(|stop| normalized_similarity_with_stop(a, b, options, cutoff, stop))
}

/// With a [`Stop`]: `None` once it is raised.
pub(crate) fn normalized_similarity_with_stop(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    cutoff: Option<f64>,
    stop: Stop<'_>,
) -> Option<f64> {
    let c = cutoff.unwrap_or(0.0).clamp(0.0, 1.0);
    let distance_cutoff = (1.0 - c + IMPRECISION).min(1.0);
    let sim = 1.0 - normalized_distance_with_stop(a, b, options, Some(distance_cutoff), stop)?;
    Some(if sim >= c { sim } else { 0.0 })
}

/// The maximum minus the distance. With `cutoff`, a result below it is 0.
#[must_use]
pub fn similarity(a: Units<'_>, b: Units<'_>, options: Options, cutoff: Option<usize>) -> usize {
    unstoppable(|stop| similarity_with_stop(a, b, options, cutoff, stop))
}

/// With a [`Stop`]: `None` once it is raised.
pub(crate) fn similarity_with_stop(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    cutoff: Option<usize>,
    stop: Stop<'_>,
) -> Option<usize> {
    let s = cutoff.unwrap_or(0);
    // A similarity of at least s is a distance of at most maximum - s.
    let bound = |maximum: usize| maximum.saturating_sub(s);
    let (d, maximum) = with_maximum(a, b, options, bound, stop)?;
    let sim = maximum.saturating_sub(d);
    Some(if sim >= s { sim } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive_weighted;
    use proptest::prelude::*;

    fn w(insert: usize, delete: usize, substitute: usize) -> Weights {
        Weights {
            insert,
            delete,
            substitute,
        }
    }

    #[test]
    fn empty_strings_are_identical() {
        let e = Units::U8(b"");
        let o = Options::default();
        assert!((normalized_distance(e, e, o, None) - 0.0).abs() < f64::EPSILON);
        assert!((normalized_similarity(e, e, o, None) - 1.0).abs() < f64::EPSILON);
        assert_eq!(similarity(e, e, o, None), 0);
    }

    #[test]
    fn cutoffs_report_as_rapidfuzz_does() {
        let (a, b) = (Units::U8(b"kitten"), Units::U8(b"sitting"));
        let o = Options::default();
        // distance 3, maximum 7
        assert!((normalized_distance(a, b, o, None) - 3.0 / 7.0).abs() < 1e-12);
        assert!((normalized_distance(a, b, o, Some(0.4)) - 1.0).abs() < f64::EPSILON);
        assert!((normalized_distance(a, b, o, Some(0.5)) - 3.0 / 7.0).abs() < 1e-12);
        assert!((normalized_similarity(a, b, o, Some(0.6)) - 0.0).abs() < f64::EPSILON);
        assert!((normalized_similarity(a, b, o, Some(0.5)) - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(similarity(a, b, o, None), 4);
        assert_eq!(similarity(a, b, o, Some(4)), 4);
        assert_eq!(similarity(a, b, o, Some(5)), 0);
        assert_eq!(
            similarity(a, b, o, Some(8)),
            0,
            "a cut-off above the maximum"
        );
    }

    proptest! {
        #[test]
        fn scores_agree_with_the_naive_distance(
            a in proptest::collection::vec(0u32..3, 0..80),
            b in proptest::collection::vec(0u32..3, 0..80),
            (i, d, s) in (0usize..4, 0usize..4, 0usize..5),
            c in 0.0f64..=1.0,
            sc in 0usize..40,
        ) {
            let weights = w(i, d, s);
            let o = Options { weights, ..Options::default() };
            let (ua, ub) = (Units::U32(&a), Units::U32(&b));
            let dist = naive_weighted(&a, &b, i, d, s);
            let max = maximum(a.len(), b.len(), weights);
            prop_assert!(dist <= max);
            let norm = if max == 0 { 0.0 } else { dist as f64 / max as f64 };
            prop_assert!((normalized_distance(ua, ub, o, None) - norm).abs() < 1e-12);
            let want = if norm <= c { norm } else { 1.0 };
            prop_assert!((normalized_distance(ua, ub, o, Some(c)) - want).abs() < 1e-12);
            prop_assert!((normalized_similarity(ua, ub, o, None) - (1.0 - norm)).abs() < 1e-12);
            prop_assert_eq!(similarity(ua, ub, o, None), max - dist);
            let want = if max - dist >= sc { max - dist } else { 0 };
            prop_assert_eq!(similarity(ua, ub, o, Some(sc)), want);
        }
    }
}
