//! Blockwise bit-parallel Levenshtein distance with a bound, for patterns longer
//! than 64 units.
//!
//! G. Myers, "A fast bit-vector algorithm for approximate string matching based on
//! dynamic programming", JACM 46(3), 1999, §4 (the block-based extension), with
//! the boundary condition of Hyyrö 2003 for the distance between whole strings,
//! and E. Ukkonen, "Algorithms for approximate string matching", Information and
//! Control 64, 1985, for the cut-off.
//!
//! The column of the DP matrix is split into ⌈m/64⌉ words; each advances like the
//! one-word kernel and passes its horizontal delta (+1, 0, -1) at its last row down
//! to the next word as a carry. With a bound k, a cell (i, j) can lie on a path of
//! cost <= k only if |i - j| + |(n - j) - (m - i)| <= k, which confines column j to
//! about k + 1 rows: only the blocks holding them are computed. Cells never
//! computed are taken to be at least their true value (a +1 carry into the first
//! block, +1 per row below the last), which never lowers a cell on such a path,
//! so every cell of value <= k on a path to (m, n) is exact. The run stops early
//! once every computed cell of a column exceeds k.
//!
//! Cost: O(min(k, m)/64 · n) word operations (O(⌈m/64⌉·n) without a useful bound);
//! memory: the pattern table (at most 8 bytes per pattern unit, see
//! [`crate::pattern_match::BlockTable`]) plus 24 bytes per block.

use crate::pattern_match::BlockTable;
use crate::units::Unit;
use std::sync::atomic::{AtomicBool, Ordering};

/// Cells (pattern units × text units) processed between two looks at the stop flag.
const STOP_CHECK_CELLS: usize = 1 << 22;

/// `min(distance, k + 1)` for a pattern of 1..=n units and a text of n units, or
/// `None` if `stop` was raised.
pub(crate) fn distance<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    k: usize,
    stop: &AtomicBool,
) -> Option<usize> {
    let (m, n) = (pattern.len(), text.len());
    debug_assert!(0 < m && m <= n);
    if n - m > k {
        return Some(k + 1);
    }
    let k = k.min(n);
    // Rows of column j that may lie on a path of cost <= k: lo(j) ..= hi(j).
    let below = (k - (n - m)) / 2;
    let above = k.midpoint(n - m);
    let row_hi = |j: usize| (j + below).min(m);
    let row_lo = |j: usize| j.saturating_sub(above).max(1);
    let block_of = |row: usize| (row - 1) / 64;

    let table = BlockTable::new(pattern);
    let blocks = table.blocks();
    let last_block = blocks - 1;
    let last_bit = (m - 1) % 64;
    let height = |b: usize| if b == last_block { last_bit + 1 } else { 64 };
    let mut vp = vec![u64::MAX; blocks];
    let mut vn = vec![0u64; blocks];
    // scores[b]: the value at the last row of block b in the current column.
    let mut scores = vec![0usize; blocks];
    let mut scratch = vec![0u64; blocks];

    // Column 0 is D[i][0] = i.
    let mut active_hi = 0;
    scores[0] = height(0);
    if row_hi(0) >= 1 {
        while active_hi < block_of(row_hi(0)) {
            active_hi += 1;
            scores[active_hi] = scores[active_hi - 1] + height(active_hi);
        }
    }
    let columns_per_check = (STOP_CHECK_CELLS / (k + 64)).max(2);

    // One block of one column; returns the horizontal delta leaving its last row.
    let step = |b: usize,
                eq: u64,
                carry: (u64, u64),
                vp: &mut [u64],
                vn: &mut [u64],
                scores: &mut [usize]| {
        let (hp_in, hn_in) = carry;
        let (p, nv) = (vp[b], vn[b]);
        let x = eq | nv;
        // A -1 carry from above acts as a match in the block's first row.
        let eq_in = eq | hn_in;
        let d0 = ((eq_in & p).wrapping_add(p) ^ p) | eq_in | nv;
        let hp = nv | !(d0 | p);
        let hn = p & d0;
        let bit = if b == last_block { last_bit } else { 63 };
        scores[b] = scores[b] + ((hp >> bit) & 1) as usize - ((hn >> bit) & 1) as usize;
        let hp_s = (hp << 1) | hp_in;
        let hn_s = (hn << 1) | hn_in;
        vp[b] = hn_s | !(x | hp_s);
        vn[b] = hp_s & x;
        (hp >> 63, hn >> 63)
    };
    // A block entering the band at the bottom starts from +1 per row below the
    // block above it in the previous column (an over-estimate, see module docs).
    let activate = |b: usize, vp: &mut [u64], vn: &mut [u64], scores: &mut [usize]| {
        vp[b] = u64::MAX;
        vn[b] = 0;
        scores[b] = scores[b - 1] + height(b);
    };
    let bands = |j: usize| (block_of(row_lo(j)), block_of(row_hi(j)));
    let mut scratch2 = vec![0u64; blocks];

    // Columns go two at a time, the second one block behind the first, so that
    // the two vertical carry chains (the serial part of a column) overlap.
    let mut j = 1;
    while j <= n {
        if j % columns_per_check < 2 && stop.load(Ordering::Relaxed) {
            return None;
        }
        let (lo1, hi1) = bands(j);
        while active_hi < hi1 {
            active_hi += 1;
            activate(active_hi, &mut vp, &mut vn, &mut scores);
        }
        let eqs1 = table.row(text[j - 1].into(), &mut scratch);
        if j == n {
            let mut carry = (1u64, 0u64);
            for (b, &eq) in eqs1.iter().enumerate().take(hi1 + 1).skip(lo1) {
                carry = step(b, eq, carry, &mut vp, &mut vn, &mut scores);
            }
            break;
        }
        let (lo2, hi2) = bands(j + 1);
        let eqs2 = table.row(text[j].into(), &mut scratch2);
        let mut carry1 = (1u64, 0u64);
        let mut carry2 = (1u64, 0u64);
        for b in lo1..=hi1 {
            carry1 = step(b, eqs1[b], carry1, &mut vp, &mut vn, &mut scores);
            if b > lo2 {
                carry2 = step(b - 1, eqs2[b - 1], carry2, &mut vp, &mut vn, &mut scores);
            }
        }
        // The block entering with column j + 1 starts from column j's values, so
        // it is set up before column j + 1 updates the block above it.
        if hi2 > active_hi {
            active_hi = hi2;
            activate(hi2, &mut vp, &mut vn, &mut scores);
        }
        for (b, &eq) in eqs2.iter().enumerate().take(hi2 + 1).skip(lo2.max(hi1)) {
            carry2 = step(b, eq, carry2, &mut vp, &mut vn, &mut scores);
        }
        // Every cell of a block is within 63 of its last row.
        if scores[lo2..=hi2].iter().all(|&s| s > k + 63) {
            return Some(k + 1);
        }
        j += 2;
    }
    Some(scores[last_block].min(k + 1))
}
