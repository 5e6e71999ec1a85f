//! Blockwise bit-parallel Levenshtein distance for patterns of 65..=64·N units
//! with N (2..=8) fixed at compile time, without a bound.
//!
//! G. Myers, "A fast bit-vector algorithm for approximate string matching based on
//! dynamic programming", JACM 46(3), 1999, §4 (blocks), with the boundary
//! condition of H. Hyyrö 2003 for the distance between whole strings: the same
//! step as [`crate::kernels::myers1999`], but every block of every column is computed, so
//! there is no band to follow, and with N known the column's blocks are an
//! unrolled sequence whose state (2N words) stays in registers. Out-of-order
//! execution then overlaps the next column's first blocks with this column's
//! last ones (a block depends only on the block above it in the same column and
//! on itself in the previous column), which is what the general kernel's
//! two-column staggering does by hand.
//!
//! Cost: O(N·n) word operations for a text of n units, plus the pattern table
//! ([`crate::kernels::masks::table::BlockTable`]).

use crate::kernels::masks::table::BlockTable;
use crate::runtime::stop::Stop;
use crate::text::units::Unit;

/// Text units processed between two looks at the stop flag.
const STOP_CHECK_INTERVAL: usize = 1 << 14;

/// Largest number of blocks this kernel is instantiated for.
pub(crate) const MAX_BLOCKS: usize = 8;

/// Distance between `pattern` (65..=512 units) and `text`, or `None` if `stop`
/// was raised.
pub(crate) fn distance<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    macro_rules! blocks {
        ($run:ident) => {
            match pattern.len().div_ceil(64) {
                2 => $run::<2, P, T>(pattern, text, stop),
                3 => $run::<3, P, T>(pattern, text, stop),
                4 => $run::<4, P, T>(pattern, text, stop),
                5 => $run::<5, P, T>(pattern, text, stop),
                6 => $run::<6, P, T>(pattern, text, stop),
                7 => $run::<7, P, T>(pattern, text, stop),
                8 => $run::<8, P, T>(pattern, text, stop),
                _ => unreachable!("the caller passes 65..=512 units"),
            }
        };
    }
    if P::as_bytes(pattern).is_some() {
        blocks!(latin1)
    } else {
        blocks!(any_width)
    }
}

/// A Latin-1 pattern: masks in a plain 256 × N array on the stack. Zeroing it
/// (2 KiB per block) costs less than a [`BlockTable`]'s symbol ids and heap
/// rows, and a text unit's masks are then one indexed load away.
fn latin1<const N: usize, P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    let mut table = [[0u64; N]; 256];
    for (i, &c) in pattern.iter().enumerate() {
        let c: u32 = c.into();
        table[c as usize & 255][i / 64] |= 1 << (i % 64);
    }
    run::<N, T>(pattern.len(), text, stop, |c| {
        if c < 256 { table[c as usize] } else { [0; N] }
    })
}

/// Any other pattern: masks from a [`BlockTable`].
fn any_width<const N: usize, P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    let table = BlockTable::new(pattern);
    debug_assert_eq!(table.blocks(), N);
    let mut scratch = [0u64; N];
    run::<N, T>(pattern.len(), text, stop, |c| {
        *<&[u64; N]>::try_from(table.row(c, &mut scratch)).expect("one word per block")
    })
}

/// The kernel for a pattern of `m` units in `N` blocks, whose masks for a text
/// unit `c` are `row(c)`. Rows past m in the last block match nothing and only
/// extend the matrix downwards, so the result is read at row m of the last block.
#[inline(always)]
fn run<const N: usize, T: Unit>(
    m: usize,
    text: &[T],
    stop: Stop<'_>,
    mut row: impl FnMut(u32) -> [u64; N],
) -> Option<usize> {
    let mut vp = [u64::MAX; N];
    let mut vn = [0u64; N];
    let last = (m - 1) % 64;
    let mut score = m;
    for chunk in text.chunks(STOP_CHECK_INTERVAL) {
        if text.len() > STOP_CHECK_INTERVAL && stop.raised() {
            return None;
        }
        for &c in chunk {
            let row = row(c.into());
            // Row 0 gains 1 per column: +1 enters the first block from above.
            let (mut hp_in, mut hn_in) = (1u64, 0u64);
            for b in 0..N {
                let (p, nv, eq) = (vp[b], vn[b], row[b]);
                let x = eq | nv;
                // A -1 carry from above acts as a match in the block's first row.
                let eq_in = eq | hn_in;
                let s = (eq_in & p).wrapping_add(p);
                let hp = nv | !(s | p | eq_in);
                let hn = p & (!s | eq_in);
                if b == N - 1 {
                    score += ((hp >> last) & 1) as usize;
                    score -= ((hn >> last) & 1) as usize;
                }
                let hp_s = (hp << 1) | hp_in;
                let hn_s = (hn << 1) | hn_in;
                vp[b] = hn_s | !(x | hp_s);
                vn[b] = hp_s & x;
                (hp_in, hn_in) = (hp >> 63, hn >> 63);
            }
        }
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn unit() -> impl Strategy<Value = u32> {
        prop_oneof![
            3 => 0u32..2,
            2 => 0u32..4,
            1 => 0u32..300,
            1 => 0x1_F600u32..0x1_F640,
        ]
    }

    fn length() -> impl Strategy<Value = usize> {
        prop_oneof![
            2 => 65usize..=512,
            1 => prop::sample::select(vec![65usize, 127, 128, 129, 191, 192, 193, 255, 256, 257, 447, 448, 449, 511, 512]),
        ]
    }

    #[test]
    fn a_raised_stop_flag_ends_a_long_run() {
        let p: Vec<u8> = (0..300u32).map(|i| (i % 7) as u8).collect();
        let t: Vec<u8> = (0..100_000u32).map(|i| (i % 5) as u8).collect();
        assert_eq!(
            distance(
                &p,
                &t,
                Stop::Flag(&std::sync::atomic::AtomicBool::new(true))
            ),
            None
        );
        assert_eq!(
            distance(&p, &t[..200], Stop::Never),
            Some(naive(&p, &t[..200]))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn matches_reference(p in length().prop_flat_map(|m| vec(unit(), m)), t in vec(unit(), 0..700)) {
            prop_assert_eq!(distance(&p, &t, Stop::Never), Some(naive(&p, &t)));
            let p8: Vec<u8> = p.iter().map(|&c| c as u8).collect();
            let t16: Vec<u16> = t.iter().map(|&c| c as u16).collect();
            prop_assert_eq!(distance(&p8, &t16, Stop::Never), Some(naive(&p8, &t16)));
            prop_assert_eq!(distance(&p8, &t, Stop::Never), Some(naive(&p8, &t)));
            let t8: Vec<u8> = t.iter().map(|&c| c as u8).collect();
            prop_assert_eq!(distance(&p8, &t8, Stop::Never), Some(naive(&p8, &t8)));
            let p16: Vec<u16> = p.iter().map(|&c| c as u16).collect();
            prop_assert_eq!(distance(&p16, &t, Stop::Never), Some(naive(&p16, &t)));
        }

        /// Texts that are edited copies of the pattern: small distances, long runs of matches.
        #[test]
        fn edited_copies_match_reference(
            p in length().prop_flat_map(|m| vec(unit(), m)),
            edits in vec((any::<prop::sample::Index>(), unit(), 0u8..3), 0..20),
        ) {
            let t = crate::kernels::reference::edited(&p, edits);
            prop_assert_eq!(distance(&p, &t, Stop::Never), Some(naive(&p, &t)));
        }
    }
}
