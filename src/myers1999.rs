//! Blockwise bit-parallel Levenshtein distance for patterns longer than 64 units.
//!
//! G. Myers, "A fast bit-vector algorithm for approximate string matching based on
//! dynamic programming", JACM 46(3), 1999, §4 (the block-based extension), with
//! the boundary condition of Hyyrö 2003 for the distance between whole strings.
//! The column of the DP matrix is split into ⌈m/64⌉ words; each word advances like
//! the one-word kernel and passes its horizontal delta (+1, 0, -1) at its last row
//! down to the next word as a carry.
//!
//! Cost: O(⌈m/64⌉·n) word operations for a pattern of m and a text of n units;
//! memory: the pattern table (at most 8 bytes per pattern unit, see
//! [`crate::pattern_match::BlockTable`]) plus 16 bytes per block.

use crate::pattern_match::BlockTable;
use crate::units::Unit;
use std::sync::atomic::{AtomicBool, Ordering};

/// Cells (pattern units × text units) processed between two looks at the stop flag.
const STOP_CHECK_CELLS: usize = 1 << 22;

/// Distance between `pattern` (any length >= 1) and `text`, or `None` if `stop` was raised.
pub(crate) fn distance<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: &AtomicBool,
) -> Option<usize> {
    let m = pattern.len();
    debug_assert!(m > 0);
    let table = BlockTable::new(pattern);
    let blocks = table.blocks();
    let mut vp = vec![u64::MAX; blocks];
    let mut vn = vec![0u64; blocks];
    let mut scratch = vec![0u64; blocks];
    let last = 1u64 << ((m - 1) % 64);
    let mut score = m;
    let columns_per_check = (STOP_CHECK_CELLS / m).max(1);

    for (j, &c) in text.iter().enumerate() {
        if j % columns_per_check == columns_per_check - 1 && stop.load(Ordering::Relaxed) {
            return None;
        }
        let eqs = table.row(c.into(), &mut scratch);
        // Horizontal delta entering the top of the block: row 0 grows by 1 per column.
        let mut hp_carry = 1u64;
        let mut hn_carry = 0u64;
        for b in 0..blocks {
            let (p, n, eq) = (vp[b], vn[b], eqs[b]);
            let x = eq | n;
            // A -1 carry from above acts as a match in the block's first row.
            let eq_in = eq | hn_carry;
            let d0 = ((eq_in & p).wrapping_add(p) ^ p) | eq_in | n;
            let hp = n | !(d0 | p);
            let hn = p & d0;
            if b == blocks - 1 {
                score += usize::from(hp & last != 0);
                score -= usize::from(hn & last != 0);
            }
            let hp_out = hp >> 63;
            let hn_out = hn >> 63;
            let hp = (hp << 1) | hp_carry;
            let hn = (hn << 1) | hn_carry;
            vp[b] = hn | !(x | hp);
            vn[b] = hp & x;
            hp_carry = hp_out;
            hn_carry = hn_out;
        }
    }
    Some(score)
}
