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
//! [`crate::kernels::masks::table::BlockTable`]) plus 24 bytes per block.

use crate::kernels::masks::table::BlockTable;
use crate::runtime::stop::Stop;
use crate::text::units::Unit;

/// Cells (pattern units × text units) processed between two looks at the stop flag.
const STOP_CHECK_CELLS: usize = 1 << 22;

/// `min(distance, k + 1)` for a pattern of 1..=n units and a text of n units, or
/// `None` if `stop` was raised. `full_table` is the pattern's table when the
/// caller runs several bands over one pair; without it the kernel builds its own,
/// at first only over the rows a small band reaches soon.
pub(crate) fn distance<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    k: usize,
    full_table: Option<&BlockTable>,
    stop: Stop<'_>,
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

    // With a bound much smaller than the pattern, a run often stops early (as soon
    // as a whole column exceeds the bound), so the table first covers only the rows
    // the band reaches soon, and is built whole when the band gets there.
    let blocks = m.div_ceil(64);
    let mut tables = Tables::new(pattern, full_table, k);
    let last_block = blocks - 1;
    // Rows past m in the last block act as pattern units that match nothing: they
    // extend the matrix downwards without changing the rows above, so every block
    // can be read at its 64th row; row m is read off the last block at the end.
    let last_bit = (m - 1) % 64;
    // Column 0 is D[i][0] = i: every vertical delta +1.
    let mut state = vec![
        Block {
            vp: u64::MAX,
            vn: 0
        };
        blocks
    ];
    // Only the value at the 64th row of the lowest computed block is tracked: it is
    // what a block entering below starts from, and the last block's gives the
    // result. Values of other blocks are recovered from their deltas when needed.
    let mut active_hi = block_of(row_hi(0).max(1));
    let mut bottom = 64 * (active_hi + 1);
    let mut scratch = vec![0u64; blocks];
    let mut scratch2 = vec![0u64; blocks];
    // Column pairs between two looks at the stop flag (a countdown: a division per
    // pair would cost as much as the pair on short patterns).
    let pairs_per_check = (STOP_CHECK_CELLS / (2 * (k.min(m) + 64))).max(1);
    let mut until_check = pairs_per_check;
    // Without a useful bound no column can exceed it, so the early exit is skipped.
    let can_exit_early = k < n;
    let bands = |j: usize| (block_of(row_lo(j)), block_of(row_hi(j)));
    // A block entering the band at the bottom starts from +1 per row below the
    // block above it in the previous column (an over-estimate, see module docs).
    let enter = |state: &mut [Block], active_hi: &mut usize, bottom: &mut usize, hi: usize| {
        while *active_hi < hi {
            *active_hi += 1;
            state[*active_hi] = Block {
                vp: u64::MAX,
                vn: 0,
            };
            *bottom += 64;
        }
    };

    // Columns go two at a time, the second one block behind the first, so that
    // the two vertical carry chains (the serial part of a column) overlap.
    let mut j = 1;
    while j <= n {
        until_check -= 1;
        if until_check == 0 {
            if stop.raised() {
                return None;
            }
            until_check = pairs_per_check;
        }
        let table = tables.covering(block_of(row_hi((j + 1).min(n))));
        let (lo1, hi1) = bands(j);
        enter(&mut state, &mut active_hi, &mut bottom, hi1);
        let eqs1 = table.row(text[j - 1].into(), &mut scratch);
        if j == n {
            let mut carry = (1u64, 0u64);
            for (block, &eq) in state[lo1..=hi1].iter_mut().zip(&eqs1[lo1..=hi1]) {
                carry = block.advance(eq, carry);
            }
            bottom = bottom + carry.0 as usize - carry.1 as usize;
            break;
        }
        let (lo2, hi2) = bands(j + 1);
        let eqs2 = table.row(text[j].into(), &mut scratch2);
        let (st, e1, e2) = (&mut state[lo1..=hi1], &eqs1[lo1..=hi1], &eqs2[lo1..=hi1]);
        let (carry1, mut carry2) = if hi1 - lo1 < WIDE_BLOCKS {
            two_columns(st, e1, e2, lo2 - lo1)
        } else {
            two_wide_columns(st, e1, e2, lo2 - lo1)
        };
        // Column j's carry out of its lowest block moves that block's 64th row.
        bottom = bottom + carry1.0 as usize - carry1.1 as usize;
        // The block entering with column j + 1 starts from column j's values, so
        // it is set up before column j + 1 updates the block above it.
        enter(&mut state, &mut active_hi, &mut bottom, hi2);
        let from = lo2.max(hi1);
        for (block, &eq) in state[from..=hi2].iter_mut().zip(&eqs2[from..=hi2]) {
            carry2 = block.advance(eq, carry2);
        }
        bottom = bottom + carry2.0 as usize - carry2.1 as usize;
        if can_exit_early
            && j % 16 == 1
            && column_exceeds(&state[lo2..=hi2], lo2, bottom, k, m, n - (j + 1))
        {
            return Some(k + 1);
        }
        j += 2;
    }
    Some(state[last_block].value_at(bottom, last_bit).min(k + 1))
}

/// From this many blocks per column on, [`two_wide_columns`] is called rather than
/// inlined: a call per column is then nothing, and the loop gets the registers
/// to itself. Inlined into this large function, its carries and pointers were
/// spilled to the stack in some builds and not in others, depending on
/// inlining elsewhere in the crate: W5's unrelated pair varied from 205 to 245 ms.
const WIDE_BLOCKS: usize = 16;

/// [`two_columns`] as a function of its own (see [`WIDE_BLOCKS`]).
#[inline(never)]
fn two_wide_columns(
    st: &mut [Block],
    e1: &[u64],
    e2: &[u64],
    first2: usize,
) -> ((u64, u64), (u64, u64)) {
    two_columns(st, e1, e2, first2)
}

/// Advances blocks `st` by column j (masks `e1`) and, one block behind, by column
/// j + 1 (masks `e2`, from block `first2` on): block i of column j, then block i - 1
/// of column j + 1, read back from where column j just left it, so the two
/// vertical carry chains overlap. Returns column j's carry out of its last block
/// and column j + 1's carry into the last block (which the caller advances).
#[inline(always)]
fn two_columns(
    st: &mut [Block],
    e1: &[u64],
    e2: &[u64],
    first2: usize,
) -> ((u64, u64), (u64, u64)) {
    let n = st.len();
    // Equal lengths up front, so that the loops below need no bounds checks.
    let (e1, e2) = (&e1[..n], &e2[..n]);
    let mut carry1 = st[0].advance(e1[0], (1, 0));
    let mut carry2 = (1u64, 0u64);
    // Blocks up to first2: column j alone; then both, block i - 1 of column
    // j + 1 read back from where column j just left it (two loops rather than a
    // test per block, and no block held in registers: this loop is the whole
    // cost of an unbanded run, and spilled registers cost it 10-20%).
    let split = (first2 + 1).min(n);
    for i in 1..split {
        carry1 = st[i].advance(e1[i], carry1);
    }
    for i in split..n {
        carry1 = st[i].advance(e1[i], carry1);
        carry2 = st[i - 1].advance(e2[i - 1], carry2);
    }
    (carry1, carry2)
}

/// Whether no computed cell (i, j) of the column can lie on a path of cost <= k,
/// i.e. D[i][j] + |(n - j) - (m - i)| > k for all of them. Values are walked up
/// from the 64th row of the last block through the vertical deltas; rows past m
/// are skipped (their values only bound the rows above, which are checked), and
/// the row above the first block is checked too.
fn column_exceeds(
    blocks: &[Block],
    first_block: usize,
    bottom: usize,
    k: usize,
    m: usize,
    text_left: usize,
) -> bool {
    let viable = |row: usize, value: isize| {
        row <= m && value + (m - row).abs_diff(text_left) as isize <= k as isize
    };
    // Cheap pass first: each block's 64th row, from the deltas' popcounts. Near
    // the diagonal of similar strings one of them is usually viable.
    let mut value = bottom as isize;
    for (b, block) in blocks.iter().enumerate().rev() {
        if viable(64 * (first_block + b + 1), value) {
            return false;
        }
        value += block.vn.count_ones() as isize - block.vp.count_ones() as isize;
    }
    let mut value = bottom as isize;
    for (b, block) in blocks.iter().enumerate().rev() {
        let top_row = 64 * (first_block + b) + 1;
        for bit in (0..64).rev() {
            let row = top_row + bit;
            if row <= m {
                let remaining = (m - row).abs_diff(text_left);
                if value + remaining as isize <= k as isize {
                    return false;
                }
            }
            // D[row - 1] = D[row] - (vertical delta at row).
            value -= ((block.vp >> bit) & 1) as isize;
            value += ((block.vn >> bit) & 1) as isize;
        }
    }
    // The row above the first block: row 0 (exact) when the band reaches the top,
    // an over-estimate otherwise; a path may run along it (leading insertions).
    let row = 64 * first_block;
    row > m || value + (m - row).abs_diff(text_left) as isize > k as isize
}

/// The pattern table: the caller's, or one built here. With a bound far below the
/// pattern length a run often stops early (as soon as a whole column exceeds the
/// bound), so an own table first covers only the rows the band reaches soon, and
/// is built whole when the band gets there.
struct Tables<'a, P> {
    pattern: &'a [P],
    given: Option<&'a BlockTable>,
    own: Option<BlockTable>,
}

impl<'a, P: Unit> Tables<'a, P> {
    fn new(pattern: &'a [P], given: Option<&'a BlockTable>, k: usize) -> Self {
        let m = pattern.len();
        let own = given.is_none().then(|| {
            let rows = if k < m / 8 {
                (8 * (k + 64)).next_multiple_of(64).min(m)
            } else {
                m
            };
            BlockTable::new(&pattern[..rows])
        });
        Tables {
            pattern,
            given,
            own,
        }
    }

    /// A table holding at least blocks `0..=block`.
    fn covering(&mut self, block: usize) -> &BlockTable {
        if let Some(t) = self.given {
            return t;
        }
        let own = self
            .own
            .get_or_insert_with(|| BlockTable::new(self.pattern));
        if block >= own.blocks() {
            *own = BlockTable::new(self.pattern);
        }
        own
    }
}

/// One 64-row block of the current column.
#[derive(Clone, Copy)]
struct Block {
    /// Rows whose vertical delta is +1 / -1.
    vp: u64,
    vn: u64,
}

impl Block {
    /// The value at row `bit`, given the value at the block's 64th row.
    fn value_at(&self, value_64: usize, bit: usize) -> usize {
        let below = if bit == 63 { 0 } else { u64::MAX << (bit + 1) };
        value_64 + (self.vn & below).count_ones() as usize - (self.vp & below).count_ones() as usize
    }

    /// Advances to the next column given its match mask and the horizontal delta
    /// (+1, -1 bits) entering the first row; returns the delta leaving the last row.
    #[inline(always)]
    fn advance(&mut self, eq: u64, (hp_in, hn_in): (u64, u64)) -> (u64, u64) {
        let (p, nv) = (self.vp, self.vn);
        let x = eq | nv;
        // A -1 carry from above acts as a match in the block's first row.
        let eq_in = eq | hn_in;
        // Myers' Xh, HP and HN with Xh expanded through s = (Eq & VP) + VP.
        let s = (eq_in & p).wrapping_add(p);
        let hp = nv | !(s | p | eq_in);
        let hn = p & (!s | eq_in);
        let hp_s = (hp << 1) | hp_in;
        let hn_s = (hn << 1) | hn_in;
        self.vp = hn_s | !(x | hp_s);
        self.vn = hp_s & x;
        (hp >> 63, hn >> 63)
    }
}
