//! Bounded Levenshtein distance for a small bound k (0..=3), by trying edit models.
//!
//! Fujimoto, "mbleven — a fast algorithm for bounded edit distance", 2018
//! (<https://github.com/fujimotos/mbleven>). Call the longer string `a` (m units)
//! and the shorter `b` (n units), with d = m − n. Any alignment of cost c <= k is a
//! sequence of c operations — delete from `a` (D), insert into `a` (I) or replace
//! (R) — with #D − #I = d. A *model* is such a sequence of length exactly k (the
//! alignments shorter than k are its prefixes, padded with R). To check a model,
//! scan both strings from the start: while the units agree, step past both (taking
//! an equal pair as a match is always optimal under unit costs); where they differ,
//! apply the model's next operation; when one string ends, the rest of the other is
//! deleted or inserted. The cost of the scan is the operations used plus that tail,
//! and the distance, when it is at most k, is the smallest such cost over the models.
//!
//! Cost: O(models · (m + n)) unit comparisons, at most 7 models (k = 3, d = 0);
//! no table, no allocation. Lengths that differ by more than k cost O(1).

use crate::text::units::Unit;

/// One model, up to 3 operations of 2 bits each, the first in the lowest bits;
/// 0 marks the end of the model.
type Model = u8;

/// Operation codes: bit 0 steps in the longer string, bit 1 in the shorter one.
const DELETE: u8 = 0b01;
const INSERT: u8 = 0b10;
const REPLACE: u8 = 0b11;

/// Packs a model written as letters (`b"DIR"`) into a [`Model`].
const fn model(ops: &[u8]) -> Model {
    let mut packed = 0;
    let mut i = ops.len();
    while i > 0 {
        i -= 1;
        let op = match ops[i] {
            b'D' => DELETE,
            b'I' => INSERT,
            b'R' => REPLACE,
            _ => panic!("a model is made of D, I and R"),
        };
        packed = (packed << 2) | op;
    }
    packed
}

/// `MODELS[k - 1][d]`: every sequence of k operations with #D − #I = d.
const MODELS: [[&[Model]; 4]; 3] = [
    [&[model(b"R")], &[model(b"D")], &[], &[]],
    [
        &[model(b"RR"), model(b"DI"), model(b"ID")],
        &[model(b"DR"), model(b"RD")],
        &[model(b"DD")],
        &[],
    ],
    [
        &[
            model(b"RRR"),
            model(b"DIR"),
            model(b"DRI"),
            model(b"IDR"),
            model(b"IRD"),
            model(b"RDI"),
            model(b"RID"),
        ],
        &[
            model(b"DRR"),
            model(b"RDR"),
            model(b"RRD"),
            model(b"DDI"),
            model(b"DID"),
            model(b"IDD"),
        ],
        &[model(b"DDR"), model(b"DRD"), model(b"RDD")],
        &[model(b"DDD")],
    ],
];

/// Distance between `a` and `b` if it is at most `k` (0..=3), else `k + 1`.
///
/// Correct on any input; the models are only few when the caller has stripped the
/// common prefix and suffix, which makes the scans short and the first units differ.
///
/// # Panics
///
/// If `k > 3` and the lengths differ by at most `k` (there are no models for it).
pub(crate) fn distance<A: Unit, B: Unit>(a: &[A], b: &[B], k: usize) -> usize {
    if a.len() >= b.len() {
        longer_first(a, b, k)
    } else {
        longer_first(b, a, k)
    }
}

/// [`distance`] with `a.len() >= b.len()`.
fn longer_first<A: Unit, B: Unit>(a: &[A], b: &[B], k: usize) -> usize {
    let d = a.len() - b.len();
    if d > k {
        return k + 1;
    }
    if k == 0 {
        return usize::from(!a.iter().zip(b).all(|(&x, &y)| x.into() == y.into()));
    }
    assert!(k <= 3, "mbleven models exist for k <= 3 only, not {k}");
    let mut best = k + 1;
    for &m in MODELS[k - 1][d] {
        best = best.min(scan(a, b, m, best - 1));
        // No alignment costs less than the length difference.
        if best == d {
            break;
        }
    }
    best
}

/// Cost of the alignment that model `m` leads to if it is at most `limit`, else
/// more than `limit` (the scan stops at the first mismatch it cannot afford).
#[inline]
fn scan<A: Unit, B: Unit>(a: &[A], b: &[B], mut m: Model, limit: usize) -> usize {
    let (mut i, mut j, mut cost) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i].into() == b[j].into() {
            i += 1;
            j += 1;
            continue;
        }
        if m == 0 || cost == limit {
            return limit + 1;
        }
        let op = m & 0b11;
        i += usize::from(op & DELETE);
        j += usize::from(op >> 1);
        cost += 1;
        m >>= 2;
    }
    cost + (a.len() - i) + (b.len() - j)
}

#[cfg(test)]
mod tests {
    use super::{MODELS, distance};
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::Index;

    /// Every model has k operations, #D − #I = d, and appears once.
    #[test]
    fn models_are_complete() {
        for (k, by_d) in (1..=3).zip(MODELS) {
            for (d, models) in by_d.iter().enumerate() {
                let mut want: Vec<u8> = (0u8..1 << (2 * k))
                    .filter(|&m| {
                        let ops = (0..k).map(|t| (m >> (2 * t)) & 3);
                        let surplus: isize =
                            ops.clone().map(|o| [0, 1, -1, 0][usize::from(o)]).sum();
                        ops.clone().all(|o| o != 0) && surplus == d as isize
                    })
                    .collect();
                let mut got = models.to_vec();
                want.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, want, "k = {k}, d = {d}");
            }
        }
    }

    #[test]
    fn small_cases() {
        let s = |t: &str| t.bytes().collect::<Vec<u8>>();
        for (a, b, d) in [
            ("", "", 0),
            ("", "abc", 3),
            ("abcd", "", 4),
            ("kitten", "sitting", 3),
            ("abc", "bca", 2),
            ("abc", "bcd", 2),
            ("ab", "ba", 2),
            ("abcdef", "badcfe", 4),
        ] {
            for k in 0..=3 {
                assert_eq!(distance(&s(a), &s(b), k), d.min(k + 1), "{a} {b} {k}");
                assert_eq!(distance(&s(b), &s(a), k), d.min(k + 1), "{b} {a} {k}");
            }
        }
    }

    /// A tiny alphabet (many ties) or any `u32` up to `max`.
    fn symbols(max: u32) -> impl Strategy<Value = u32> {
        prop_oneof![2 => 0u32..2, 2 => 0u32..4, 1 => 0..=max]
    }

    /// `(a, b)` with `b` made from `a` by 0..5 random edits, so distances near k are common.
    fn related(max: u32) -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
        let edits = vec((0u8..3, any::<Index>(), symbols(max)), 0..5);
        (vec(symbols(max), 0..20), edits).prop_map(|(a, edits)| {
            let mut b = a.clone();
            for (op, at, sym) in edits {
                match op {
                    0 if !b.is_empty() => {
                        let i = at.index(b.len());
                        b[i] = sym;
                    }
                    1 => b.insert(at.index(b.len() + 1), sym),
                    _ if !b.is_empty() => {
                        b.remove(at.index(b.len()));
                    }
                    _ => {}
                }
            }
            (a, b)
        })
    }

    /// Both sides without their common prefix and suffix, as the dispatcher calls it.
    fn stripped<'x, A: crate::Unit, B: crate::Unit>(a: &'x [A], b: &'x [B]) -> (&'x [A], &'x [B]) {
        let eq = |(&x, &y): (&A, &B)| x.into() == y.into();
        let p = a.iter().zip(b).take_while(|&p| eq(p)).count();
        let (a, b) = (&a[p..], &b[p..]);
        let s = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|&p| eq(p))
            .count();
        (&a[..a.len() - s], &b[..b.len() - s])
    }

    /// Checks every k, both argument orders, stripped and unstripped input.
    fn check<A: crate::Unit, B: crate::Unit>(a: &[A], b: &[B]) -> Result<(), TestCaseError> {
        let want = naive(a, b);
        let (sa, sb) = stripped(a, b);
        for k in 0..=3 {
            let w = want.min(k + 1);
            prop_assert_eq!(distance(a, b, k), w, "k = {}", k);
            prop_assert_eq!(distance(b, a, k), w, "k = {}, swapped", k);
            prop_assert_eq!(distance(sa, sb, k), w, "k = {}, stripped", k);
            prop_assert_eq!(distance(sb, sa, k), w, "k = {}, stripped, swapped", k);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

        #[test]
        fn bytes_match_naive((a, b) in related(255)) {
            let a: Vec<u8> = a.iter().map(|&c| c as u8).collect();
            let b: Vec<u8> = b.iter().map(|&c| c as u8).collect();
            check(&a, &b)?;
        }

        #[test]
        fn u16_match_naive((a, b) in related(0xFFFF)) {
            let a: Vec<u16> = a.iter().map(|&c| c as u16).collect();
            let b: Vec<u16> = b.iter().map(|&c| c as u16).collect();
            check(&a, &b)?;
        }

        #[test]
        fn u32_match_naive((a, b) in related(u32::MAX)) {
            check(&a, &b)?;
        }

        /// u8 against u32 (units compare as code points, whatever their width).
        #[test]
        fn mixed_widths_match_naive((a, b) in related(255), wide in any::<bool>()) {
            let a8: Vec<u8> = a.iter().map(|&c| c as u8).collect();
            // Above 3, some code points move past the BMP and never match a byte.
            let b: Vec<u32> = if wide {
                b.iter().map(|&c| c | (0x1_0000 * u32::from(c > 3))).collect()
            } else {
                b
            };
            check(&a8, &b)?;
        }

        /// Unrelated strings: mostly far apart, the early `k + 1` paths.
        #[test]
        fn unrelated_match_naive(a in vec(symbols(7), 0..20), b in vec(symbols(7), 0..20)) {
            check(&a, &b)?;
        }
    }
}
