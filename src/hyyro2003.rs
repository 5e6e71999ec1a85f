//! Bit-parallel Levenshtein distance for a pattern of at most 64 units.
//!
//! H. Hyyrö, "A bit-vector algorithm for computing Levenshtein and Damerau edit
//! distances", Nordic Journal of Computing 10(1), 2003 — Myers' 1999 bit-vector
//! algorithm recast for edit distance between two whole strings. One column of the
//! DP matrix is held as two words of vertical deltas (+1 / -1 bits), and each text
//! unit advances the whole column with a handful of word operations.
//!
//! Cost: O(n) word operations for a text of n units; memory O(1) beyond the
//! per-thread pattern table.

use crate::pattern_match::WordTable;
use crate::units::Unit;
use std::sync::atomic::{AtomicBool, Ordering};

/// Text units processed between two looks at the stop flag.
const STOP_CHECK_INTERVAL: usize = 1 << 16;

/// Distance between `pattern` (1..=64 units) and `text`, or `None` if `stop` was raised.
#[inline]
pub(crate) fn distance<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: &AtomicBool,
) -> Option<usize> {
    debug_assert!(!pattern.is_empty() && pattern.len() <= 64);
    WordTable::with(pattern, |table| {
        let mut score = pattern.len();
        let last = 1u64 << (pattern.len() - 1);
        let mut vp = u64::MAX;
        let mut vn = 0u64;
        for chunk in text.chunks(STOP_CHECK_INTERVAL) {
            if text.len() > STOP_CHECK_INTERVAL && stop.load(Ordering::Relaxed) {
                return None;
            }
            for &c in chunk {
                let eq = table.get(c.into());
                let x = eq | vn;
                let d0 = ((x & vp).wrapping_add(vp) ^ vp) | x;
                let hp = vn | !(d0 | vp);
                let hn = vp & d0;
                score += usize::from(hp & last != 0);
                score -= usize::from(hn & last != 0);
                // Row 0 of the matrix is 0, 1, 2, ...: every step right adds 1 there.
                let hp = (hp << 1) | 1;
                let hn = hn << 1;
                vp = hn | !(d0 | hp);
                vn = hp & d0;
            }
        }
        Some(score)
    })
}
