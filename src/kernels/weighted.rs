//! Weighted Levenshtein distance: the entry that picks a kernel for the weights.
//!
//! Costs as rapidfuzz defines them: `insert` for each unit of `b` missing from
//! `a`, `delete` for each unit of `a` missing from `b`, `substitute` for a unit of
//! `a` replaced by a different one of `b`. First the weights are divided by their
//! greatest common divisor g (every path's cost divides by g, and the bound k
//! becomes ⌊k/g⌋, since g·d <= k exactly when d <= ⌊k/g⌋); then, with m and n the
//! lengths left after stripping the common prefix and suffix:
//!
//! | weights (after dividing by g)           | kernel                                              | cost               |
//! |-----------------------------------------|-----------------------------------------------------|--------------------|
//! | insert = delete = 0                     | none: 0 (any string becomes any other for free)     | O(1)               |
//! | (1, 1, 1)                               | the unit-cost [dispatch](crate::kernels::dispatch), times g | see there  |
//! | length-difference cost above the bound  | none: k + 1                                         | O(1)               |
//! | substitute = 0                          | none: the length-difference cost                    | O(1)               |
//! | substitute >= insert + delete (InDel)   | [bit-parallel LCS](crate::kernels::lcs_hyyro2004): (m - L)·delete + (n - L)·insert | O(⌈min(m, n)/64⌉·max(m, n)) |
//! | anything else                           | [Wagner-Fischer, banded, 8 rows per SSE2 step](crate::kernels::wagner_fischer_weighted) | O(m·n), O(min(m, n)·k) with a bound |
//!
//! Results above the bound are reported as k + 1 (rapidfuzz's `score_cutoff`
//! convention); without a bound, a distance past `usize::MAX` is reported as
//! `usize::MAX`. Weights may be anything up to `usize::MAX`: every sum is
//! computed in u128 or saturates, so nothing overflows.

use super::dispatch::code_points;
use super::{lcs_hyyro2004, wagner_fischer_weighted};
use crate::runtime::stop::{Stop, unstoppable};
use crate::text::units::{Unit, Units, common_affixes};
use crate::with_slices;
use std::sync::atomic::AtomicBool;

/// The cost of each edit, as in rapidfuzz's `weights=(insert, delete, substitute)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Weights {
    /// A unit of the second string missing from the first.
    pub insert: usize,
    /// A unit of the first string missing from the second.
    pub delete: usize,
    /// A unit of the first string replaced by a different one of the second.
    pub substitute: usize,
}

impl Default for Weights {
    /// Unit costs: the plain Levenshtein distance.
    fn default() -> Self {
        Weights {
            insert: 1,
            delete: 1,
            substitute: 1,
        }
    }
}

impl Weights {
    /// The smallest distance between strings of `len1` and `len2` units under
    /// these weights: the units one has beyond the other are deleted or
    /// inserted whatever else happens.
    ///
    /// ```
    /// use pyo3_levenshtein::Weights;
    /// let w = Weights { insert: 1, delete: 2, substitute: 3 };
    /// assert_eq!(w.least(7, 4), 6); // three deletions
    /// assert_eq!(w.least(4, 7), 3); // three insertions
    /// assert_eq!(w.least(5, 5), 0);
    /// ```
    #[must_use]
    pub fn least(&self, len1: usize, len2: usize) -> usize {
        if len1 >= len2 {
            (len1 - len2).saturating_mul(self.delete)
        } else {
            (len2 - len1).saturating_mul(self.insert)
        }
    }

    /// The largest distance between strings of `len1` and `len2` units under
    /// these weights (see [`crate::kernels::scores::maximum`]).
    #[must_use]
    pub fn maximum(&self, len1: usize, len2: usize) -> usize {
        let (l1, l2) = (len1 as u128, len2 as u128);
        let (ins, del, sub) = (
            self.insert as u128,
            self.delete as u128,
            self.substitute as u128,
        );
        let all = l1 * del + l2 * ins;
        let replace = if l1 >= l2 {
            l2 * sub + (l1 - l2) * del
        } else {
            l1 * sub + (l2 - l1) * ins
        };
        usize::try_from(all.min(replace)).unwrap_or(usize::MAX)
    }
}

/// The cheapest sum of `weights` that turns `a` into `b`, or `max_distance + 1`
/// if it exceeds `max_distance`.
///
/// ```
/// use pyo3_levenshtein::{levenshtein_weighted, Units, Weights};
/// let (a, b) = (Units::U8(b"kitten"), Units::U8(b"sitting"));
/// let indel = Weights { insert: 1, delete: 1, substitute: 2 };
/// assert_eq!(levenshtein_weighted(a, b, indel, None), 5);
/// assert_eq!(levenshtein_weighted(a, b, indel, Some(3)), 4);
/// let w = Weights { insert: 1, delete: 2, substitute: 1 };
/// assert_eq!(levenshtein_weighted(a, b, w, None), 3);
/// ```
#[must_use]
pub fn levenshtein_weighted(
    a: Units<'_>,
    b: Units<'_>,
    weights: Weights,
    max_distance: Option<usize>,
) -> usize {
    unstoppable(|stop| with_stop(a, b, weights, max_distance, stop))
}

/// Like [`levenshtein_weighted`], but gives up with `None` soon after `stop` becomes true.
#[must_use]
pub fn levenshtein_weighted_with_stop(
    a: Units<'_>,
    b: Units<'_>,
    weights: Weights,
    max_distance: Option<usize>,
    stop: &AtomicBool,
) -> Option<usize> {
    with_stop(a, b, weights, max_distance, Stop::Flag(stop))
}

/// [`levenshtein_weighted_with_stop`] for any kind of [`Stop`].
pub(crate) fn with_stop(
    a: Units<'_>,
    b: Units<'_>,
    weights: Weights,
    max_distance: Option<usize>,
    stop: Stop<'_>,
) -> Option<usize> {
    let Weights {
        insert,
        delete,
        substitute,
    } = weights;
    if insert == 0 && delete == 0 {
        return Some(0);
    }
    let k = max_distance.unwrap_or(usize::MAX);
    // Most weights in use hold a 1, which makes their gcd 1 without the loops.
    let g = if insert == 1 || delete == 1 || substitute == 1 {
        1
    } else {
        gcd(gcd(insert, delete), substitute)
    };
    // Four divisions cost about as much as a short pair's kernel: skipped for
    // the usual weights, whose gcd is 1 (out of line, so that they are not
    // computed anyway and the result selected).
    let (w, kg) = if g == 1 {
        ([insert, delete, substitute], k)
    } else {
        divided([insert, delete, substitute], k, g)
    };
    // (The weights are compared one by one: compared as an array, LLVM stored
    // them as two words and loaded them as one vector, which cannot be
    // forwarded from the stores and waited for them to complete.)
    let indel = insert == 1 && delete == 1 && substitute == 2;
    if indel && k == usize::MAX && a.len() <= 64 && b.len() <= 64 {
        // The InDel distance of two short strings with no bound, the most
        // common weighted call: the one-word LCS kernel straight away. The
        // general path's length-difference bound, affix stripping and u128
        // arithmetic were a third of such a call's instructions, and none of
        // them shortens a one-word kernel.
        let l = with_slices!(a, b, |x, y| lcs_hyyro2004::length(x, y, 0, stop))?;
        return Some(a.len() + b.len() - 2 * l);
    }
    let d = if w[0] == 1 && w[1] == 1 && w[2] == 1 {
        code_points(a, b, kg, stop)?
    } else {
        with_slices!(a, b, |x, y| slices(x, y, w, kg, stop))?
    };
    // d is min(distance / g, ⌊k/g⌋ + 1), saturated; above ⌊k/g⌋ means above k.
    Some(if d > kg {
        k.saturating_add(1)
    } else {
        d.saturating_mul(g)
    })
}

/// `min(distance, k + 1)` for weights `[insert, delete, substitute]` with a
/// positive `insert + delete` that are not all 1.
fn slices<A: Unit, B: Unit>(
    a: &[A],
    b: &[B],
    [ins, del, sub]: [usize; 3],
    k: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    let cap = k.saturating_add(1);
    let saturate = |d: u128| if d > k as u128 { cap } else { d as usize };
    // Every path spends at least the length difference on insertions (or
    // deletions); stripping common affixes keeps that difference, so this
    // bound needs no scan of either string.
    let weights = Weights {
        insert: ins,
        delete: del,
        substitute: sub,
    };
    let floor = weights.least(a.len(), b.len()).min(cap);
    // Free substitutions align any two strings at the cost of their length difference.
    if floor > k || sub == 0 {
        return Some(floor);
    }
    let (prefix, suffix) = common_affixes(a, b);
    let (a, b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        return Some(floor);
    }
    if sub as u128 >= ins as u128 + del as u128 {
        // A substitution costs no less than a deletion and an insertion, so some
        // cheapest path has none: it keeps a common subsequence and deletes and
        // inserts the rest, and the longest one (L) is cheapest. A bound asks
        // for (m - L)·delete + (n - L)·insert <= k, i.e. L >= ⌈(m·delete +
        // n·insert - k) / (insert + delete)⌉, which narrows the LCS kernel's band.
        let (m, n) = (a.len() as u128, b.len() as u128);
        let per_unit = ins as u128 + del as u128;
        let all = m * del as u128 + n * ins as u128;
        let need = if all > k as u128 {
            usize::try_from((all - k as u128).div_ceil(per_unit)).unwrap_or(usize::MAX)
        } else {
            0
        };
        let l = lcs_hyyro2004::length(a, b, need, stop)? as u128;
        return Some(saturate(all - l * per_unit));
    }
    wagner_fischer_weighted::distance(a, b, ins, del, sub, k, stop)
}

/// The weights and the bound divided by their common divisor `g` (> 1).
#[cold]
#[inline(never)]
fn divided(w: [usize; 3], k: usize, g: usize) -> ([usize; 3], usize) {
    (w.map(|x| x / g), k / g)
}

/// Greatest common divisor, `gcd(0, x) = x`: Stein's binary algorithm, as a
/// division costs about as much as a short pair's whole distance.
fn gcd(x: usize, y: usize) -> usize {
    if x == 0 || y == 0 {
        return x | y;
    }
    let shift = (x | y).trailing_zeros();
    let (mut x, mut y) = (x >> x.trailing_zeros(), y >> y.trailing_zeros());
    while x != y {
        if x > y {
            (x, y) = (y, x);
        }
        y -= x;
        y >>= y.trailing_zeros();
    }
    x << shift
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcd_of_zero_is_the_other() {
        assert_eq!(gcd(0, 6), 6);
        assert_eq!(gcd(6, 0), 6);
        assert_eq!(gcd(0, 0), 0);
    }

    #[test]
    fn gcd_matches_euclid() {
        fn euclid(x: usize, y: usize) -> usize {
            if y == 0 { x } else { euclid(y, x % y) }
        }
        for x in (0..200).chain([usize::MAX, usize::MAX - 1, 1 << 63, 3 << 40]) {
            for y in (0..200).chain([usize::MAX, 1 << 62, 6 << 40]) {
                assert_eq!(gcd(x, y), euclid(x, y), "{x} {y}");
            }
        }
    }
}
