//! Weighted Levenshtein distance by dynamic programming, confined to the
//! diagonals a bounded path can reach.
//!
//! R. A. Wagner and M. J. Fischer, "The string-to-string correction problem",
//! JACM 21(1), 1974, with E. Ukkonen's cut-off ("Algorithms for approximate string
//! matching", Information and Control 64, 1985) carried over to weights: a path
//! through diagonal d = j - i spends at least the length-difference cost plus
//! (insert + delete) for each diagonal d lies outside [min(0, n - m), max(0, n - m)],
//! so with a bound k only the diagonals within (k - that cost) / (insert + delete)
//! of that range are computed ([`Band`]). Cells outside the band are read as
//! k + 1, never below a value that matters: every cell of value <= k on a path
//! of cost <= k comes out exact, every other cell at least min(its value, k + 1).
//! Computing more cells than the band is therefore harmless, which the strips
//! below use. A row whose cells all exceed k ends the run (costs never fall
//! along a path).
//!
//! This is the general case of [`crate::kernels::weighted`]: weights with
//! substitute < insert + delete that are not all equal. The rows run along the
//! longer string (m <= n).
//!
//! - `strips` (x86-64): eight rows at a time by anti-diagonals in the i16 lanes
//!   of an SSE2 register (Wozniak 1997), for pairs whose values stay below
//!   i16::MAX and whose units fit 16 bits: nearly all of them.
//! - `rows`: one row at a time in u32 (u64 with saturating sums for weights
//!   near the top of the range), for the rest.
//!
//! Cost: O(m · min(n, w)) cell updates, w the band's width (at most
//! 2k / (insert + delete) + n - m + 1); memory O(n).

mod rows;
#[cfg(target_arch = "x86_64")]
mod strips;

use crate::runtime::stop::Stop;
use crate::text::units::Unit;

/// Cells computed between two looks at the stop flag.
const STOP_CHECK_CELLS: usize = 1 << 22;

/// `min(distance, k + 1)` (saturating at `usize::MAX`) for non-empty `a` and `b`
/// and weights with `insert + delete > 0`, or `None` if `stop` was raised.
pub(crate) fn distance<A: Unit, B: Unit>(
    a: &[A],
    b: &[B],
    insert: usize,
    delete: usize,
    substitute: usize,
    k: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    debug_assert!(!a.is_empty() && !b.is_empty() && insert.max(delete) > 0);
    // Rows along the longer string: fewer rows (or strips of rows), so less
    // per-row overhead. Transposing the matrix swaps insertions and deletions.
    if a.len() > b.len() {
        return distance(b, a, delete, insert, substitute, k, stop);
    }
    let w = [insert, delete, substitute];
    let band = Band::new(a.len(), b.len(), insert, delete, k);
    #[cfg(target_arch = "x86_64")]
    if strips::fits(a, b, w) {
        return strips::distance(a, b, w, band, k, stop);
    }
    rows::distance(a, b, w, band, k, stop)
}

/// The diagonals `lo..=hi` (j - i) that a path of cost <= k can touch, and
/// whether a bound was given at all.
#[derive(Clone, Copy)]
struct Band {
    lo: isize,
    hi: isize,
    bounded: bool,
}

impl Band {
    fn new(m: usize, n: usize, insert: usize, delete: usize, k: usize) -> Self {
        let end = n as i128 - m as i128;
        let slack = if k == usize::MAX {
            (m + n) as i128
        } else {
            let (ins, del) = (insert as u128, delete as u128);
            let floor = if end >= 0 {
                end.unsigned_abs() * ins
            } else {
                end.unsigned_abs() * del
            };
            // Each diagonal beyond [min(0, end), max(0, end)] costs one insertion
            // and one deletion more; no band is wider than the matrix.
            ((k as u128).saturating_sub(floor) / (ins + del)).min((m + n) as u128) as i128
        };
        Band {
            lo: (end.min(0) - slack).max(-(m as i128)) as isize,
            hi: (end.max(0) + slack).min(n as i128) as isize,
            bounded: k < usize::MAX,
        }
    }

    /// Columns of row `i` inside the band (never empty for i <= m <= n: the band
    /// holds diagonals 0 and n - m, and both cross every row).
    fn columns(self, i: usize, n: usize) -> (usize, usize) {
        let i = i as isize;
        (
            (i + self.lo).max(0) as usize,
            (i + self.hi).min(n as isize) as usize,
        )
    }

    /// The widest row of the band, in cells.
    fn width(self) -> usize {
        (self.hi - self.lo) as usize + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive_weighted;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use std::sync::atomic::AtomicBool;

    fn seq() -> impl Strategy<Value = Vec<u32>> {
        prop_oneof![
            3 => vec(0u32..3, 1..40),
            1 => vec(0u32..3, 1..200),
            1 => prop::sample::select(vec![1usize, 7, 8, 9, 15, 16, 17, 64, 65])
                .prop_flat_map(|n| vec(0u32..3, n)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Bounds around the distance, including ones whose band is a single
        /// diagonal; both the strips and the rows.
        #[test]
        fn bounded_matches_reference(
            a in seq(),
            b in seq(),
            (ins, del, sub) in (0usize..5, 0usize..5, 0usize..5),
        ) {
            prop_assume!(ins + del > 0);
            let d = naive_weighted(&a, &b, ins, del, sub);
            for k in [0, 1, 2, d.saturating_sub(1), d, d + 1, 2 * d + 3, usize::MAX] {
                let want = Some(d.min(k.saturating_add(1)));
                prop_assert_eq!(distance(&a, &b, ins, del, sub, k, Stop::Never), want, "k = {}", k);
                let (a, b, ins, del) = if a.len() > b.len() { (&b, &a, del, ins) } else { (&a, &b, ins, del) };
                let band = Band::new(a.len(), b.len(), ins, del, k);
                let got = rows::distance(a, b, [ins, del, sub], band, k, Stop::Never);
                prop_assert_eq!(got, want, "rows, k = {}", k);
            }
        }

        /// Weights past u32, where the rows hold u64 and sums saturate.
        #[test]
        fn huge_weights_match_reference(
            a in vec(0u32..3, 1..40),
            b in vec(0u32..3, 1..40),
            shift in prop::sample::select(vec![12u32, 31, 40, 61]),
            (ins, del, sub) in (1usize..5, 1usize..5, 0usize..5),
        ) {
            let (ins, del, sub) = (ins << shift, del << shift, sub << shift);
            let d = naive_weighted(&a, &b, ins, del, sub);
            prop_assert_eq!(distance(&a, &b, ins, del, sub, usize::MAX, Stop::Never), Some(d));
            let k = d / 2 + 1;
            prop_assert_eq!(distance(&a, &b, ins, del, sub, k, Stop::Never), Some(d.min(k + 1)));
        }

        /// Units above 16 bits, which the strips do not take, and ones that
        /// collide with Latin-1 units when truncated.
        #[test]
        fn wide_units_match_reference(
            a in vec(prop::sample::select(vec![0u32, 1, 0x1_0000, 0x1_0001]), 1..80),
            b in vec(prop::sample::select(vec![0u32, 1, 0xFFFF, 0x1_0000]), 1..80),
            (ins, del, sub) in (1usize..5, 1usize..5, 0usize..5),
        ) {
            let d = naive_weighted(&a, &b, ins, del, sub);
            prop_assert_eq!(distance(&a, &b, ins, del, sub, usize::MAX, Stop::Never), Some(d));
        }
    }

    #[test]
    fn a_raised_stop_gives_up_on_long_pairs() {
        let raised = AtomicBool::new(true);
        let a: Vec<u8> = (0..2_000u32).map(|i| (i % 5) as u8).collect();
        let b: Vec<u8> = (0..20_000u32).map(|i| (i % 7) as u8).collect();
        assert_eq!(
            distance(&a, &b, 1, 2, 2, usize::MAX, Stop::Flag(&raised)),
            None
        );
        let huge = 1 << 40;
        assert_eq!(
            distance(
                &a,
                &b,
                huge,
                2 * huge,
                2 * huge,
                usize::MAX,
                Stop::Flag(&raised)
            ),
            None
        );
    }
}
