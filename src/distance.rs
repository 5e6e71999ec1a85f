//! The dispatching entry point: picks the kernel for each pair of strings.
//!
//! | input (after stripping the common prefix and suffix)   | kernel                         | cost              |
//! |--------------------------------------------------------|--------------------------------|-------------------|
//! | one side empty                                         | none: the other side's length  | O(1)              |
//! | both sides <= 64 units (the longer one is the pattern) | [Hyyrö 2003](crate::hyyro2003) | O(min(m, n))      |
//! | shorter side <= 64 units                               | [Hyyrö 2003](crate::hyyro2003) | O(n)              |
//! | longer                                                 | [Myers 1999 blocks](crate::myers1999) | O(⌈m/64⌉·n) |
//!
//! Beyond one word the shorter string is the pattern (m <= n), so the table and
//! the column are sized by the shorter string.

use crate::units::{Unit, Units};
use crate::{graphemes, hyyro2003, myers1999, with_slices};
use std::sync::atomic::AtomicBool;

/// What to compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Compare extended grapheme clusters (UAX #29) instead of code points.
    pub grapheme_segmentation: bool,
}

static NEVER: AtomicBool = AtomicBool::new(false);

/// Levenshtein distance between two strings given as code points.
///
/// ```
/// use pyo3_levenshtein::{levenshtein, Options, Units};
/// let a: Vec<u32> = "kitten".chars().map(u32::from).collect();
/// let b: Vec<u32> = "sitting".chars().map(u32::from).collect();
/// assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), Options::default()), 3);
/// ```
#[must_use]
pub fn levenshtein(a: Units<'_>, b: Units<'_>, options: Options) -> usize {
    match levenshtein_with_stop(a, b, options, &NEVER) {
        Some(d) => d,
        None => unreachable!("the stop flag NEVER is never raised"),
    }
}

/// Like [`levenshtein`], but gives up with `None` soon after `stop` becomes true.
#[must_use]
pub fn levenshtein_with_stop(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    stop: &AtomicBool,
) -> Option<usize> {
    if options.grapheme_segmentation {
        return graphemes::with_cluster_ids(a, b, |ia, ib| code_points(ia, ib, stop));
    }
    code_points(a, b, stop)
}

/// Distance between two unit sequences, comparing units as code points.
pub(crate) fn code_points(a: Units<'_>, b: Units<'_>, stop: &AtomicBool) -> Option<usize> {
    with_slices!(a, b, |x, y| slices(x, y, stop))
}

/// Strips what the two sides share at both ends and runs the kernel on the rest.
fn slices<A: Unit, B: Unit>(a: &[A], b: &[B], stop: &AtomicBool) -> Option<usize> {
    let prefix = a
        .iter()
        .zip(b)
        .take_while(|&(&x, &y)| x.into() == y.into())
        .count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|&(&x, &y)| x.into() == y.into())
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        return Some(a.len().max(b.len()));
    }
    // The one-word kernel costs one serial chain of ~12 word operations per text
    // unit, so when both sides fit in a word the shorter side is the text.
    match (a.len(), b.len()) {
        (m, n) if m <= 64 && n <= 64 && m < n => hyyro2003::distance(b, a, stop),
        (m, n) if m <= 64 && n <= 64 => hyyro2003::distance(a, b, stop),
        (m, n) if m <= 64 || (n > 64 && m <= n) => long(a, b, stop),
        _ => long(b, a, stop),
    }
}

/// `pattern` is the shorter side, `text` is longer than 64 units.
fn long<P: Unit, T: Unit>(pattern: &[P], text: &[T], stop: &AtomicBool) -> Option<usize> {
    if pattern.len() <= 64 {
        hyyro2003::distance(pattern, text, stop)
    } else {
        myers1999::distance(pattern, text, stop)
    }
}
