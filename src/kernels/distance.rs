//! The entry for one pair under [`Options`]: grapheme clusters segmented into ids
//! first, then the unit-cost [dispatch](crate::kernels::dispatch) for unit weights
//! or the [weighted](crate::kernels::weighted) entry for any others.

use super::dispatch::code_points;
use super::weighted::{self, Weights};
use crate::runtime::stop::{Stop, unstoppable};
use crate::text::graphemes;
use crate::text::units::Units;
use std::sync::atomic::AtomicBool;

/// What to compare, and how far to look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Compare extended grapheme clusters (UAX #29) instead of code points.
    pub grapheme_segmentation: bool,
    /// Report distances above this bound as `bound + 1`, and spend less time on them.
    pub max_distance: Option<usize>,
    /// The cost of each edit; unit costs (the Levenshtein distance) by default.
    pub weights: Weights,
}

impl Options {
    /// Whether every edit costs 1, so that the unit-cost kernels and lanes apply.
    #[must_use]
    pub fn unit_weights(&self) -> bool {
        self.weights == Weights::default()
    }
}

/// Levenshtein distance between two strings given as code points, or
/// `max_distance + 1` if it exceeds `options.max_distance`.
///
/// ```
/// use pyo3_levenshtein::{levenshtein, Options, Units, Weights};
/// let a: Vec<u32> = "kitten".chars().map(u32::from).collect();
/// let b: Vec<u32> = "sitting".chars().map(u32::from).collect();
/// assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), Options::default()), 3);
/// let bounded = Options { max_distance: Some(1), ..Options::default() };
/// assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), bounded), 2);
/// let indel = Options { weights: Weights { insert: 1, delete: 1, substitute: 2 }, ..Options::default() };
/// assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), indel), 5);
/// ```
#[must_use]
pub fn levenshtein(a: Units<'_>, b: Units<'_>, options: Options) -> usize {
    unstoppable(|stop| with_stop(a, b, options, stop))
}

/// Like [`levenshtein`], but gives up with `None` soon after `stop` becomes true.
#[must_use]
pub fn levenshtein_with_stop(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    stop: &AtomicBool,
) -> Option<usize> {
    with_stop(a, b, options, Stop::Flag(stop))
}

/// [`levenshtein_with_stop`] for any kind of [`Stop`].
pub(crate) fn with_stop(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    stop: Stop<'_>,
) -> Option<usize> {
    let k = options.max_distance.unwrap_or(usize::MAX);
    if options.grapheme_segmentation {
        return graphemes::with_cluster_ids(a, b, |ia, ib| units(ia, ib, options.weights, k, stop));
    }
    units(a, b, options.weights, k, stop)
}

/// The distance between two unit sequences (cluster ids in grapheme mode) under
/// `weights`, capped at `k + 1`.
pub(crate) fn units(
    a: Units<'_>,
    b: Units<'_>,
    weights: Weights,
    k: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    if weights == Weights::default() {
        code_points(a, b, k, stop)
    } else {
        weighted::with_stop(a, b, weights, Some(k), stop)
    }
}

/// The distance of `a` and `b` and the largest distance their lengths allow
/// (see [`crate::kernels::scores::maximum`]), the bound taken from `bound(maximum)`:
/// what the normalized scores need, with lengths counted in clusters in grapheme mode.
pub(crate) fn with_maximum(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    bound: impl Fn(usize) -> usize,
    stop: Stop<'_>,
) -> Option<(usize, usize)> {
    let w = options.weights;
    let run = |x: Units<'_>, y: Units<'_>| {
        let maximum = w.maximum(x.len(), y.len());
        let d = units(x, y, w, bound(maximum), stop)?;
        Some((d, maximum))
    };
    if options.grapheme_segmentation {
        return graphemes::with_cluster_ids(a, b, run);
    }
    run(a, b)
}
