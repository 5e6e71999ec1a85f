//! Bit-parallel length of the longest common subsequence (LCS), for the InDel
//! case of the weighted distance (substitution no cheaper than a deletion plus an
//! insertion).
//!
//! H. Hyyrö, "Bit-parallel LCS-length computation revisited", AWOCA 2004 (the
//! step below), after L. Allison and T. I. Dix, "A bit-string longest-common-
//! subsequence algorithm", IPL 23(6), 1986, and M. Crochemore, C. S. Iliopoulos,
//! Y. J. Pinzon and J. F. Reid, "A fast and practical bit-vector algorithm for the
//! longest common subsequence problem", IPL 80(6), 2001.
//!
//! One column of the LCS matrix is held as one bit per pattern row, 0 where the
//! value grows by one going down, so the value at the last row is the number of
//! 0 bits. A text unit whose match mask is M advances the column as
//! V' = (V + (V & M)) | (V & ~M): three word operations in the serial chain (an
//! AND, the addition, an OR; V & ~M, which equals V ^ (V & M), is computed beside
//! it), against seven for the Levenshtein step of Hyyrö 2003. Patterns longer than 64 units are split into
//! 64-row blocks that pass the addition's carry up to the next block.
//!
//! With a required length c (from the caller's bound), a cell (i, j) can lie on a
//! common subsequence of length >= c only if j - i <= n - c and i - j <= m - c
//! (Ukkonen's cut-off, as rapidfuzz's `lcs_blockwise` applies it), so each column
//! computes only the blocks holding such rows. Blocks not yet reached keep their
//! initial all-ones state and blocks left behind keep their last state: both are
//! values at most the true ones, exact on every path that reaches c.
//!
//! Latin-1 patterns of 2..=8 blocks take their masks from the per-thread Latin-1
//! rows and run every block unrolled, with BMI1's `andn` where the CPU has it
//! (five instructions per block); from 6 blocks on, with AVX-512, the blocks
//! run side by side in the lanes of one register (`wavefront`).
//!
//! Cost: O(n) word operations for a pattern of at most 64 units and a text of n;
//! O(⌈w/64⌉ · n) for longer patterns, where w = min(m, m + n - 2c + 1) is the
//! band's height. Memory: the pattern table plus 8 bytes per block.

#[cfg(target_arch = "x86_64")]
mod wavefront;

use super::masks::PeqSink;
use super::masks::table::{BlockTable, WordTable, with_latin1_rows};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;

/// Text units processed between two looks at the stop flag (one-word kernel).
const STOP_CHECK_INTERVAL: usize = 1 << 16;

/// Cells (pattern rows × text units) processed between two looks at the stop flag.
const STOP_CHECK_CELLS: usize = 1 << 22;

/// Texts longer than this amortise a [`WordTable`]'s set-up (as in `hyyro2003`).
#[cfg(target_arch = "x86_64")]
const LONG_TEXT: usize = 256;

/// The LCS length of `a` and `b` when it is at least `min_len`, else some value
/// below `min_len`; `None` if `stop` was raised.
pub(crate) fn length<A: Unit, B: Unit>(
    a: &[A],
    b: &[B],
    min_len: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (a.len(), b.len());
    if m == 0 || n == 0 || min_len > m.min(n) {
        return Some(0);
    }
    // The one-word kernel costs one serial chain per text unit, so the longer
    // side is the pattern when it fits a word; otherwise the side whose blocks
    // cost less (the LCS is symmetric).
    match (m, n) {
        (m, n) if m <= 64 && n <= 64 && m < n => word(b, a, stop),
        (m, _) if m <= 64 => word(a, b, stop),
        (_, n) if n <= 64 => word(b, a, stop),
        _ if block_cost(a, n, min_len) <= block_cost(b, m, min_len) => blocks(a, b, min_len, stop),
        _ => blocks(b, a, min_len, stop),
    }
}

/// The work of [`blocks`] for `pattern` against a text of `n` units, in
/// scalar block steps, by the same choices `blocks` makes: the band's blocks
/// for a narrow band, else every block per text unit (about five for the
/// whole column in the wavefront), plus setting the pattern's masks (a
/// read-modify-write per unit, about a block step and a half). A 129-unit
/// pattern against a 190-unit text costs 3 · 190 + 194 this way round and
/// 3 · 129 + 285 the other, so the side with fewer blocks is not always the
/// better pattern: on W3's pairs the choice by cost took 4% off a call.
fn block_cost<P: Unit>(pattern: &[P], n: usize, min_len: usize) -> usize {
    let m = pattern.len();
    let band_rows = (m - min_len) + (n - min_len) + 1;
    let count = m.div_ceil(64);
    let setup = m + m / 2;
    if count > MAX_FIXED_BLOCKS || 2 * band_rows < m {
        return (band_rows.div_ceil(64) + 1) * n + setup;
    }
    #[cfg(target_arch = "x86_64")]
    if count >= wavefront::MIN_BLOCKS && P::as_bytes(pattern).is_some() && wavefront::available() {
        return 5 * n + setup;
    }
    count * n + setup
}

/// The one-word kernel for `pattern` (1..=64 units), with masks from the same
/// sources as `hyyro2003::distance` and for the same reasons: vector compares on
/// x86-64 (no table to fill and clear), the table for long texts against UCS-2 or
/// UCS-4 patterns over 32 units, where two compare groups per unit cost more.
fn word<P: Unit, T: Unit>(pattern: &[P], text: &[T], stop: Stop<'_>) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use super::masks::x86_64::{bytes, wide};
        let steps = Steps { text, stop };
        if let Some(units) = P::as_bytes(pattern) {
            return bytes::with_peq(units, steps);
        }
        if pattern.len() <= 32 || text.len() <= LONG_TEXT {
            if let Some(units) = P::as_u16(pattern) {
                return wide::with_peq_u16(units, steps);
            }
            if let Some(units) = P::as_u32(pattern) {
                return wide::with_peq_u32(units, steps);
            }
        }
    }
    WordTable::with(pattern, |table| {
        run(pattern.len(), text, stop, |c| table.get(c))
    })
}

/// The one-word kernel as a [`PeqSink`]: steps `text` through the pattern.
struct Steps<'t, 's, T> {
    text: &'t [T],
    stop: Stop<'s>,
}

impl<T: Unit> PeqSink for Steps<'_, '_, T> {
    type Out = Option<usize>;
    #[inline(always)]
    fn consume(self, m: usize, peq: impl Fn(u32) -> u64) -> Option<usize> {
        run(m, self.text, self.stop, peq)
    }
}

/// The one-word step over `text` for a pattern of `m` (1..=64) units. Bits of
/// `peq` above `m` may hold anything: the addition carries only upwards, so
/// they never reach the `m` rows that are counted.
#[inline(always)]
fn run<T: Unit>(m: usize, text: &[T], stop: Stop<'_>, peq: impl Fn(u32) -> u64) -> Option<usize> {
    let mut v = u64::MAX;
    for chunk in text.chunks(STOP_CHECK_INTERVAL) {
        if text.len() > STOP_CHECK_INTERVAL && stop.raised() {
            return None;
        }
        for &c in chunk {
            let u = v & peq(c.into());
            // V & ~M = V ^ U, off the serial chain (AND, ADD, OR).
            v = v.wrapping_add(u) | (v ^ u);
        }
    }
    let rows = u64::MAX >> (64 - m);
    Some((!v & rows).count_ones() as usize)
}

/// Largest number of blocks the unrolled kernel is instantiated for.
const MAX_FIXED_BLOCKS: usize = 8;

/// `pattern` (over 64 units): every block unrolled when
/// there are few and the band covers at least half of them, else the band.
fn blocks<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    min_len: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (pattern.len(), text.len());
    let band_rows = (m - min_len) + (n - min_len) + 1;
    let count = m.div_ceil(64);
    if count > MAX_FIXED_BLOCKS || 2 * band_rows < m {
        return banded(pattern, text, min_len, stop);
    }
    // `$run::<N>` for this pattern's block count, N a constant.
    macro_rules! by_count {
        (|$n:ident| $call:expr) => {
            match count {
                2 => {
                    const $n: usize = 2;
                    $call
                }
                3 => {
                    const $n: usize = 3;
                    $call
                }
                4 => {
                    const $n: usize = 4;
                    $call
                }
                5 => {
                    const $n: usize = 5;
                    $call
                }
                6 => {
                    const $n: usize = 6;
                    $call
                }
                7 => {
                    const $n: usize = 7;
                    $call
                }
                _ => {
                    const $n: usize = 8;
                    $call
                }
            }
        };
    }
    let Some(bytes) = P::as_bytes(pattern) else {
        return by_count!(|N| any_width::<N, P, T>(pattern, text, stop));
    };
    #[cfg(target_arch = "x86_64")]
    if count >= wavefront::MIN_BLOCKS && wavefront::available() {
        // SAFETY: the CPU has AVX-512 F (checked just above).
        return unsafe { wavefront::length(bytes, text, stop) };
    }
    // A Latin-1 pattern's masks come from the per-thread Latin-1 rows, which
    // set and then clear only the pattern's words (a 256 × N table zeroed per
    // call cost a twentieth of a W3 pair).
    with_latin1_rows(bytes, |rows| {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            // SAFETY: the CPU has BMI1 and POPCNT (checked just above).
            return by_count!(|N| unsafe { latin1_bmi1::<N, T>(rows, text, stop) });
        }
        by_count!(|N| latin1::<N, T, false>(rows, text, stop))
    })
}

/// [`latin1`] with BMI1's three-operand `andn` for V & ~M: five instructions
/// per block instead of seven (two of them register copies), and POPCNT for
/// the closing count of each block.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "bmi1,popcnt")]
fn latin1_bmi1<const N: usize, T: Unit>(rows: &[u64], text: &[T], stop: Stop<'_>) -> Option<usize> {
    latin1::<N, T, true>(rows, text, stop)
}

/// A Latin-1 pattern in `N` blocks, over `rows[c · N + b]` (the mask of byte c
/// in block b; row 256 empty, for units past Latin-1).
#[inline(always)]
fn latin1<const N: usize, T: Unit, const ANDN: bool>(
    rows: &[u64],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    assert!(rows.len() >= 257 * N);
    fixed::<N, T, ANDN>(text, stop, |c| {
        let at = c.min(256) as usize * N;
        let mut eq = [0u64; N];
        // SAFETY: at + N <= 257 · N (asserted above).
        eq.copy_from_slice(unsafe { rows.get_unchecked(at..at + N) });
        eq
    })
}

/// Any other pattern in `N` blocks: masks from a [`BlockTable`].
fn any_width<const N: usize, P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    let table = BlockTable::new(pattern);
    let mut scratch = [0u64; N];
    fixed::<N, T, false>(text, stop, |c| {
        let mut eq = [0u64; N];
        eq.copy_from_slice(table.row(c, &mut scratch));
        eq
    })
}

/// Every block of every column, the `N` words in registers: out-of-order
/// execution overlaps a column's upper blocks with the next column's lower ones,
/// since block b depends only on block b - 1's carry and on itself. Rows past
/// m match nothing, so their bits stay 1 and are never counted.
#[inline(always)]
fn fixed<const N: usize, T: Unit, const ANDN: bool>(
    text: &[T],
    stop: Stop<'_>,
    mut row: impl FnMut(u32) -> [u64; N],
) -> Option<usize> {
    let mut v = [u64::MAX; N];
    for chunk in text.chunks(STOP_CHECK_INTERVAL) {
        if text.len() > STOP_CHECK_INTERVAL && stop.raised() {
            return None;
        }
        // Two units per turn: each column's sums land in new registers, and
        // one turn of two hands them back to the loop's registers once, not
        // after every column (a `mov` per block).
        let mut pairs = chunk.chunks_exact(2);
        for two in &mut pairs {
            column::<N, ANDN>(&mut v, &row(two[0].into()));
            column::<N, ANDN>(&mut v, &row(two[1].into()));
        }
        for &c in pairs.remainder() {
            column::<N, ANDN>(&mut v, &row(c.into()));
        }
    }
    Some(v.iter().map(|w| w.count_zeros() as usize).sum())
}

/// One column of [`fixed`]: every block of `v` advanced over a text unit whose
/// masks are `eq`.
#[inline(always)]
fn column<const N: usize, const ANDN: bool>(v: &mut [u64; N], eq: &[u64; N]) {
    let mut carry = 0;
    for b in 0..N {
        let m = scalar(eq[b]);
        let (u, keep) = if ANDN {
            // V & ~M first (`andn`, three operands), then U = V & M into M's
            // own register, which is dead after it: in the other order LLVM
            // kept M for the `andn` and copied V for the `and`.
            let keep = v[b] & !m;
            (v[b] & after(m, keep), keep)
        } else {
            // U = V & M is a subset of V, so V & ~M = V ^ U: one instruction.
            let u = v[b] & m;
            (u, v[b] ^ u)
        };
        let sum;
        (sum, carry) = add_with_carry(u, v[b], carry);
        v[b] = scalar(sum | keep);
    }
}

/// `x`, kept in a general-purpose register: LLVM's SLP vectoriser otherwise
/// packs an unrolled column's words into SSE2 vectors and moves every word
/// between the two register files around the scalar carry chain, which took
/// twice the time per column (perf annotate, W3). An empty `asm!` emits no
/// instruction (the operand is named in a comment only).
#[inline(always)]
fn scalar(mut x: u64) -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: an empty template: no instruction, no memory, no flags.
    unsafe {
        std::arch::asm!("/* {0} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags));
    }
    x
}

/// `x`, computed (as far as LLVM knows) after `y`: orders two uses of a word
/// without an instruction (see [`scalar`]).
#[inline(always)]
fn after(mut x: u64, y: u64) -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: an empty template: no instruction, no memory, no flags.
    unsafe {
        std::arch::asm!("/* {0} {1} */", inout(reg) x, in(reg) y, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = y;
    x
}

/// `a + b + carry` (carry 0 or 1) and the carry out. On x86-64 it is the
/// `adc` instruction by name: written as two `overflowing_add`s, the chain
/// across an unrolled column was vectorised by LLVM into SSE2 lanes with the
/// carries moved through `setb` and shuffles, at twice the time per column.
#[inline(always)]
fn add_with_carry(a: u64, b: u64, carry: u8) -> (u64, u8) {
    #[cfg(target_arch = "x86_64")]
    {
        let mut sum = 0;
        let carry = std::arch::x86_64::_addcarry_u64(carry, a, b, &mut sum);
        (sum, carry)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let (sum, c1) = a.overflowing_add(b);
        let (sum, c2) = sum.overflowing_add(u64::from(carry));
        (sum, u8::from(c1 | c2))
    }
}

/// The blocked kernel for `pattern` (over 64 units), computing only the rows
/// that can lie on a common subsequence of length `min_len` (<= both lengths).
fn banded<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    min_len: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (pattern.len(), text.len());
    let table = BlockTable::new(pattern);
    let count = table.blocks();
    // Rows past m in the last block have no symbol, so their masks are 0 and
    // their bits stay 1 (V & ~M keeps them): they never count as 0s.
    let mut v = vec![u64::MAX; count];
    let mut scratch = vec![0u64; count];
    // Column j reaches rows max(1, j - above) ..= min(m, j + below).
    let (above, below) = (n - min_len, m - min_len);
    let columns_per_check = (STOP_CHECK_CELLS / (64 * count)).max(1);
    let mut until_check = columns_per_check;
    for (j, &c) in text.iter().enumerate() {
        until_check -= 1;
        if until_check == 0 {
            if stop.raised() {
                return None;
            }
            until_check = columns_per_check;
        }
        let column = j + 1;
        let first = column.saturating_sub(above).max(1);
        let last = (column + below).min(m);
        let (lo, hi) = ((first - 1) / 64, (last - 1) / 64);
        let masks = table.row(c.into(), &mut scratch);
        // A block below the band contributes no carry: the row above the band
        // is then taken as constant from here on, a value at most the true one.
        let mut carry = 0;
        for (w, &eq) in v[lo..=hi].iter_mut().zip(&masks[lo..=hi]) {
            let u = *w & eq;
            let sum;
            (sum, carry) = add_with_carry(*w, u, carry);
            *w = sum | (*w ^ u);
        }
    }
    Some(v.iter().map(|w| w.count_zeros() as usize).sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive_lcs;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use std::sync::atomic::AtomicBool;

    fn unit() -> impl Strategy<Value = u32> {
        prop_oneof![
            3 => 0u32..2,
            2 => 0u32..4,
            1 => 0x4E00u32..0x4E04,
            1 => 0x1_F600u32..0x1_F602,
        ]
    }

    fn len() -> impl Strategy<Value = usize> {
        prop_oneof![
            2 => 0usize..300,
            1 => prop::sample::select(vec![0usize, 1, 63, 64, 65, 127, 128, 129, 191, 192, 193]),
        ]
    }

    fn seq() -> impl Strategy<Value = Vec<u32>> {
        len().prop_flat_map(|n| vec(unit(), n))
    }

    /// The kernel's contract: exact at or above `min_len`, below it otherwise.
    fn check(a: &[u32], b: &[u32], min_len: usize) -> Result<(), TestCaseError> {
        let want = naive_lcs(a, b);
        let got = length(a, b, min_len, Stop::Never);
        if want >= min_len {
            prop_assert_eq!(got, Some(want), "min_len {}", min_len);
        } else {
            prop_assert!(
                got.is_some_and(|l| l < min_len),
                "{:?} for min_len {}",
                got,
                min_len
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Every width, both orders, with and without a required length around the answer.
        #[test]
        fn matches_naive_lcs(a in seq(), b in seq(), extra in 0usize..4) {
            let l = naive_lcs(&a, &b);
            for min_len in [0, l.saturating_sub(extra), l, l + 1, l + extra] {
                check(&a, &b, min_len)?;
                check(&b, &a, min_len)?;
            }
            let a16: Vec<u16> = a.iter().map(|&c| c as u16).collect();
            let b8: Vec<u8> = b.iter().map(|&c| c as u8).collect();
            prop_assert_eq!(length(&a16, &b8, 0, Stop::Never), Some(naive_lcs(&a16, &b8)));
            prop_assert_eq!(length(&b8, &a16, 0, Stop::Never), Some(naive_lcs(&a16, &b8)));
            prop_assert_eq!(length(&b8, &b8, 0, Stop::Never), Some(b8.len()));
        }

        /// Similar strings, where the band is narrow and the LCS long.
        #[test]
        fn similar_strings_match_naive_lcs(
            a in vec(unit(), 60..400),
            edits in vec((any::<prop::sample::Index>(), unit(), 0u8..3), 0..12),
        ) {
            let b = crate::kernels::reference::edited(&a, edits);
            let l = naive_lcs(&a, &b);
            for min_len in [l.saturating_sub(1), l, l + 1] {
                check(&a, &b, min_len)?;
                check(&b, &a, min_len)?;
            }
        }
    }

    #[test]
    fn a_raised_stop_gives_up_on_long_texts() {
        let raised = AtomicBool::new(true);
        let text: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
        let short: Vec<u8> = (0..50u8).collect();
        let long: Vec<u16> = (0..1_000u16).map(|i| i % 11).collect();
        let fixed: Vec<u16> = (0..300u16).map(|i| i % 11).collect();
        assert_eq!(length(&short, &text, 0, Stop::Flag(&raised)), None);
        assert_eq!(length(&long, &text, 0, Stop::Flag(&raised)), None);
        assert_eq!(length(&fixed, &text, 0, Stop::Flag(&raised)), None);
        assert_eq!(length(&fixed[..200], &text, 0, Stop::Flag(&raised)), None);
    }
}
