//! Alignments of a pattern longer than a word: every column of Myers' blocks
//! kept (inside a diagonal band when the distance is known), then walked back;
//! and the banded block runs that Hirschberg's splits read their columns from.
//!
//! G. Myers, "A fast bit-vector algorithm for approximate string matching based on
//! dynamic programming", JACM 46(3), 1999, §4, with Hyyrö 2003's boundary for
//! whole strings (as [`crate::kernels::myers1999`]). Without a known distance
//! every block of every column is computed (unrolled for up to 8 blocks, as in
//! [`crate::kernels::myers1999_fixed`]). With a known distance d only the rows
//! that a path of cost d can cross are computed (E. Ukkonen, "Algorithms for
//! approximate string matching", Information and Control 64, 1985): a block
//! entering the band starts at +1 per row below the block above it, and the row
//! above the band grows by 1 per column; both over-estimate, so every cell on an
//! optimal path is exact, which is all the walk
//! ([`crate::kernels::traceback`]) and the splits need.
//!
//! Cost: O(⌈m/64⌉·n) word operations, O(⌈(d + 1)/64 + 1⌉·n) in a band, and
//! 16 bytes per block of each column kept.

use super::masks::table::BlockTable;
use super::traceback::{Along, Kept, Sink, walk, with_columns};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;
use std::cell::{Cell, RefCell};

/// Text units between two looks at the stop flag.
const STOP_CHECK_COLUMNS: usize = 1 << 12;

/// One 64-row block of a column (`repr(C)`: [`two_lanes`] loads and stores
/// it as one 128-bit vector, `vp` in the low half).
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Block {
    pub(crate) vp: u64,
    pub(crate) vn: u64,
}

impl Block {
    /// A block entering the band: +1 per row below the block above it.
    const FRESH: Block = Block {
        vp: u64::MAX,
        vn: 0,
    };

    /// Advances to the next column given its match mask and the horizontal
    /// delta entering the first row (+1, -1 as bits); returns the step's
    /// horizontal deltas (HP, HN) at the block's rows, unshifted: their top bits
    /// leave the last row (see [`carry`]).
    #[inline(always)]
    fn advance(&mut self, eq: u64, (hp_in, hn_in): (u64, u64)) -> [u64; 2] {
        let (vp, vn) = (self.vp, self.vn);
        let x = eq | vn;
        // A -1 entering from above acts as a match in the first row; Xh | VP
        // expanded through s = (Eq & VP) + VP (as in `myers1999`).
        let eq_in = eq | hn_in;
        let s = (eq_in & vp).wrapping_add(vp);
        let hp = vn | !(s | vp | eq_in);
        let hn = vp & (!s | eq_in);
        let hp_s = (hp << 1) | hp_in;
        let hn_s = (hn << 1) | hn_in;
        self.vp = hn_s | !(x | hp_s);
        self.vn = hp_s & x;
        [hp, hn]
    }

    #[inline(always)]
    fn words(self) -> [u64; 2] {
        [self.vp, self.vn]
    }
}

/// The horizontal delta leaving a block's last row.
#[inline(always)]
fn carry([hp, hn]: [u64; 2]) -> (u64, u64) {
    (hp >> 63, hn >> 63)
}

/// The rows (1-based) of each column that a path of cost at most k from
/// `(0, 0)` to `(m, n)` can cross: those with `|i - j| + |(m - i) - (n - j)| <= k`,
/// i.e. the diagonals `i - j` from `low` to `high`.
#[derive(Clone, Copy)]
pub(crate) struct Band {
    m: usize,
    low: isize,
    high: isize,
}

impl Band {
    /// The band for a distance of at most `k` (at least `|m - n|`); `None`
    /// covers the whole matrix.
    pub(crate) fn new(m: usize, n: usize, k: Option<usize>) -> Self {
        let skew = m as isize - n as isize;
        match k {
            Some(k) => {
                let slack = (k.saturating_sub(skew.unsigned_abs()) / 2) as isize;
                Band {
                    m,
                    low: skew.min(0) - slack,
                    high: skew.max(0) + slack,
                }
            }
            None => Band {
                m,
                low: -(n as isize),
                high: m as isize,
            },
        }
    }

    /// The pattern's length.
    pub(crate) fn rows(&self) -> usize {
        self.m
    }

    /// The diagonals it covers (more than the matrix has when it covers all).
    pub(crate) fn diagonals(&self) -> usize {
        (self.high - self.low + 1) as usize
    }

    /// The first and last block of column `j` (never empty for `1 <= j <= n`).
    #[inline]
    fn blocks(&self, j: usize) -> (usize, usize) {
        let lo = (j as isize + self.low).max(1) as usize;
        let hi = (j as isize + self.high).clamp(1, self.m as isize) as usize;
        ((lo.min(hi) - 1) / 64, (hi - 1) / 64)
    }
}

/// The last column of a banded run: its blocks `first..` and the value at the
/// 64th row of the last of them.
pub(crate) struct Last {
    pub(crate) first: usize,
    pub(crate) blocks: Vec<Block>,
    pub(crate) bottom: usize,
}

/// Runs the pattern of `table` over the `n` units of `text` inside `band`,
/// calling `emit(j, b, block, h)` with each block `b` of each column `j` as it
/// is computed, and the step's horizontal deltas `h` there; returns the last
/// column, or `None` if `stop` was raised.
///
/// Columns go two at a time, the second one block behind the first (as in
/// [`crate::kernels::myers1999`]), so that their carry chains, the serial part
/// of a column, overlap.
///
/// With `EMIT` false, `emit` is never called, and on x86-64 the two columns
/// then go through the two lanes of SSE2 registers (see [`two_lanes`]).
pub(crate) fn run_blocks<T: Unit, const EMIT: bool>(
    table: &BlockTable,
    mut text: impl Iterator<Item = T>,
    n: usize,
    band: Band,
    stop: Stop<'_>,
    mut emit: impl FnMut(usize, usize, Block, [u64; 2]),
) -> Option<Last> {
    let mut state = vec![Block::FRESH; table.blocks()];
    let (mut scratch1, mut scratch2) = (vec![0u64; table.blocks()], vec![0u64; table.blocks()]);
    let (mut lo, mut hi) = band.blocks(1);
    // Column 0 is D[i][0] = i, rows past m included.
    let mut bottom = 64 * (hi + 1);
    // A block entering the band at the bottom starts from the block above it in
    // the previous column, +1 per row.
    let enter = |state: &mut [Block], hi: &mut usize, bottom: &mut usize, to: usize| {
        while *hi < to {
            *hi += 1;
            state[*hi] = Block::FRESH;
            *bottom += 64;
        }
    };
    let mut j = 1;
    while j <= n {
        if j % STOP_CHECK_COLUMNS < 2 && j > 2 && stop.raised() {
            return None;
        }
        let (lo1, hi1) = band.blocks(j);
        enter(&mut state, &mut hi, &mut bottom, hi1);
        lo = lo1;
        let eq1 = table.row(text.next()?.into(), &mut scratch1);
        // The row above the band grows by 1 per column (exactly so for row 0).
        let mut carry1 = (1u64, 0u64);
        if j == n {
            for b in lo1..=hi1 {
                let h = state[b].advance(eq1[b], carry1);
                carry1 = carry(h);
                emit(j, b, state[b], h);
            }
            bottom = bottom + carry1.0 as usize - carry1.1 as usize;
            break;
        }
        let (lo2, hi2) = band.blocks(j + 1);
        let eq2 = table.row(text.next()?.into(), &mut scratch2);
        let mut carry2 = (1u64, 0u64);
        // Block b of column j, then block b - 1 of column j + 1, read back from
        // where column j just left it; equal lengths up front, so that the loops
        // need no bounds checks.
        let st = &mut state[lo1..=hi1];
        let len = st.len();
        let (e1, e2) = (&eq1[lo1..lo1 + len], &eq2[lo1..lo1 + len]);
        let h = st[0].advance(e1[0], carry1);
        carry1 = carry(h);
        emit(j, lo1, st[0], h);
        // Blocks up to lo2: column j alone; then both.
        let both = (lo2 - lo1 + 1).min(len);
        for i in 1..both {
            let h = st[i].advance(e1[i], carry1);
            carry1 = carry(h);
            emit(j, lo1 + i, st[i], h);
        }
        // Column j's block i - 1 stays in registers until column j + 1 has
        // advanced it: a load and a store fewer per block and column pair
        // (cells, so that the loop reads and writes two neighbours safely).
        #[cfg(target_arch = "x86_64")]
        if !EMIT && both < len {
            // SAFETY: SSE2 is part of the x86-64 baseline.
            (carry1, carry2) = unsafe { two_lanes(st, e1, e2, both, carry1, carry2) };
        }
        if (EMIT || cfg!(not(target_arch = "x86_64"))) && both < len {
            let cells = Cell::from_mut(st).as_slice_of_cells();
            let mut behind = cells[both - 1].get();
            let pairs = cells[both - 1..]
                .windows(2)
                .zip(&e1[both..])
                .zip(&e2[both - 1..]);
            for (k, ((pair, &eq1), &eq2)) in pairs.enumerate() {
                let b = lo1 + both + k;
                let mut ahead = pair[1].get();
                let h = ahead.advance(eq1, carry1);
                carry1 = carry(h);
                emit(j, b, ahead, h);
                let h = behind.advance(eq2, carry2);
                carry2 = carry(h);
                emit(j + 1, b - 1, behind, h);
                pair[0].set(behind);
                behind = ahead;
            }
            cells[len - 1].set(behind);
        }
        bottom = bottom + carry1.0 as usize - carry1.1 as usize;
        // A block entering with column j + 1 starts from column j's values.
        enter(&mut state, &mut hi, &mut bottom, hi2);
        for b in lo2.max(hi1)..=hi2 {
            let h = state[b].advance(eq2[b], carry2);
            carry2 = carry(h);
            emit(j + 1, b, state[b], h);
        }
        bottom = bottom + carry2.0 as usize - carry2.1 as usize;
        lo = lo2;
        j += 2;
    }
    Some(Last {
        first: lo,
        blocks: state[lo..=hi].to_vec(),
        bottom,
    })
}

/// The staggered part of two columns: block `i` of column j (masks `e1`) and
/// block `i - 1` of column j + 1 (masks `e2`) for `i` in `both..`, carries in
/// and out as in [`run_blocks`]. The two blocks of a step are independent, so
/// they share the two 64-bit lanes of SSE2 registers (part of x86-64): every
/// operation of [`Block::advance`] is lane-wise, the halves trade places
/// between steps, and a pair of block steps takes about half the instructions
/// (and none of the register spills) of two scalar ones.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn two_lanes(
    st: &mut [Block],
    e1: &[u64],
    e2: &[u64],
    both: usize,
    (c1p, c1n): (u64, u64),
    (c2p, c2n): (u64, u64),
) -> ((u64, u64), (u64, u64)) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi64, _mm_and_si128, _mm_cvtsi128_si64, _mm_loadu_si128, _mm_or_si128,
        _mm_set_epi64x, _mm_set1_epi64x, _mm_shuffle_epi32, _mm_slli_epi64, _mm_srli_epi64,
        _mm_storeu_si128, _mm_unpackhi_epi64, _mm_unpacklo_epi64, _mm_xor_si128,
    };
    let lanes = |ahead: u64, behind: u64| _mm_set_epi64x(behind as i64, ahead as i64);
    let low = |v: __m128i| _mm_cvtsi128_si64(v) as u64;
    let high = |v: __m128i| _mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)) as u64;
    let ones = _mm_set1_epi64x(-1);
    let len = st.len();
    assert!(1 <= both && both < len && e1.len() >= len && e2.len() >= len);
    // Only the unaligned loadu/storeu read and write through it.
    #[allow(clippy::cast_ptr_alignment)]
    let blocks = st.as_mut_ptr().cast::<__m128i>();
    // Lane 0: column j at block i; lane 1: column j + 1 at block i - 1. A
    // step's results: lane 1 is final (stored), lane 0 moves to lane 1.
    // SAFETY: `blocks` points to `len` `repr(C)` Blocks of 16 bytes, and
    // `both - 1 < len` (asserted).
    let behind = unsafe { _mm_loadu_si128(blocks.add(both - 1)) };
    let mut new_vp = _mm_unpacklo_epi64(behind, behind);
    let mut new_vn = _mm_unpackhi_epi64(behind, behind);
    let (mut hp_in, mut hn_in) = (lanes(c1p, c2p), lanes(c1n, c2n));
    for i in both..len {
        // SAFETY: as above, `i < len`.
        let ahead = unsafe { _mm_loadu_si128(blocks.add(i)) };
        // [ahead.vp, the last step's lane 0 vp], and the same for vn.
        let vp = _mm_unpacklo_epi64(ahead, new_vp);
        let vn = _mm_unpacklo_epi64(_mm_shuffle_epi32::<0x4E>(ahead), new_vn);
        let eq = lanes(e1[i], e2[i - 1]);
        // Block::advance, lane by lane.
        let not = |v| _mm_xor_si128(v, ones);
        let x = _mm_or_si128(eq, vn);
        let eq_in = _mm_or_si128(eq, hn_in);
        let s = _mm_add_epi64(_mm_and_si128(eq_in, vp), vp);
        let hp = _mm_or_si128(vn, not(_mm_or_si128(_mm_or_si128(s, vp), eq_in)));
        let hn = _mm_and_si128(vp, _mm_or_si128(not(s), eq_in));
        let hp_s = _mm_or_si128(_mm_slli_epi64::<1>(hp), hp_in);
        let hn_s = _mm_or_si128(_mm_slli_epi64::<1>(hn), hn_in);
        new_vp = _mm_or_si128(hn_s, not(_mm_or_si128(x, hp_s)));
        new_vn = _mm_and_si128(hp_s, x);
        hp_in = _mm_srli_epi64::<63>(hp);
        hn_in = _mm_srli_epi64::<63>(hn);
        // Column j + 1 is done with block i - 1: [vp, vn] from the high lanes.
        // SAFETY: as above, `i - 1 < len`; nothing else borrows `st` meanwhile.
        unsafe { _mm_storeu_si128(blocks.add(i - 1), _mm_unpackhi_epi64(new_vp, new_vn)) };
    }
    st[len - 1] = Block {
        vp: low(new_vp),
        vn: low(new_vn),
    };
    ((low(hp_in), low(hn_in)), (high(hp_in), high(hn_in)))
}

/// The value at row `row` (`64·first <= row <= 64·(first + blocks.len())`) of a
/// column whose blocks start at `first` and whose last block's 64th row holds
/// `bottom`.
pub(crate) fn value_at(blocks: &[Block], first: usize, bottom: usize, row: usize) -> usize {
    let (mut r, mut b) = (64 * (first + blocks.len()), blocks.len());
    debug_assert!(row >= 64 * first && row <= r);
    let mut value = bottom;
    // D[r - 1] = D[r] - VP(r) + VN(r), from the bottom up to `row` + 1.
    while r > row {
        b -= 1;
        let rows_here = (r - row).min(64);
        let mask = u64::MAX << (64 - rows_here);
        value = value + (blocks[b].vn & mask).count_ones() as usize
            - (blocks[b].vp & mask).count_ones() as usize;
        r -= rows_here;
    }
    value
}

/// Columns of `stride` blocks each, column `c` at `(c - 1)·stride`.
struct Stride<'c> {
    columns: &'c [[u64; 2]],
    stride: usize,
}

impl Kept for Stride<'_> {
    #[inline(always)]
    fn words(&self, row: usize, column: usize) -> Option<[u64; 2]> {
        Some(self.columns[(column - 1) * self.stride + (row - 1) / 64])
    }
}

/// Banded columns: column `c`'s blocks `first[c - 1]..` at
/// `start[c - 1]..start[c]`; rows outside read as no delta.
struct Banded<'c> {
    columns: &'c [[u64; 2]],
    first: &'c [u32],
    start: &'c [u32],
}

impl Kept for Banded<'_> {
    #[inline(always)]
    fn words(&self, row: usize, column: usize) -> Option<[u64; 2]> {
        let block = (row - 1) / 64;
        let first = self.first[column - 1] as usize;
        let (from, to) = (self.start[column - 1] as usize, self.start[column] as usize);
        (block >= first && block - first < to - from).then(|| self.columns[from + block - first])
    }
}

thread_local! {
    /// A Latin-1 pattern's masks for up to 8 blocks, kept zeroed between uses:
    /// clearing the entries a pattern set is cheaper than zeroing 2 KiB per block.
    static LATIN1: RefCell<[[u64; 8]; 256]> = const { RefCell::new([[0; 8]; 256]) };
}

/// Every block of every column for a pattern of `N` blocks (unrolled), into
/// `columns`: the vertical deltas, or the horizontal ones if `HORIZONTAL`;
/// returns `D[m][n]`.
fn record_unrolled<const N: usize, P: Unit, T: Unit, const HORIZONTAL: bool>(
    pattern: &[P],
    text: &[T],
    columns: &mut Vec<[u64; 2]>,
    stop: Stop<'_>,
) -> Option<usize> {
    let m = pattern.len();
    if let Some(bytes) = P::as_bytes(pattern) {
        let mut run = |table: &mut [[u64; 8]; 256]| {
            for (i, &c) in bytes.iter().enumerate() {
                table[usize::from(c)][i / 64] |= 1 << (i % 64);
            }
            let d = run_unrolled::<N, T, HORIZONTAL>(m, text, columns, stop, |c| {
                let mut row = [0u64; N];
                if c < 256 {
                    row.copy_from_slice(&table[c as usize][..N]);
                }
                row
            });
            for &c in bytes {
                table[usize::from(c)] = [0; 8];
            }
            d
        };
        return LATIN1.with(|cell| match cell.try_borrow_mut() {
            Ok(mut table) => run(&mut table),
            Err(_) => run(&mut Box::new([[0; 8]; 256])),
        });
    }
    let table = BlockTable::new(pattern);
    let mut scratch = [0u64; N];
    run_unrolled::<N, T, HORIZONTAL>(m, text, columns, stop, |c| {
        let mut row = [0u64; N];
        row.copy_from_slice(table.row(c, &mut scratch));
        row
    })
}

#[inline(always)]
fn run_unrolled<const N: usize, T: Unit, const HORIZONTAL: bool>(
    m: usize,
    text: &[T],
    columns: &mut Vec<[u64; 2]>,
    stop: Stop<'_>,
    mut row: impl FnMut(u32) -> [u64; N],
) -> Option<usize> {
    let mut blocks = [Block::FRESH; N];
    // The value at row 64·N: column 0 is D[i][0] = i, rows past m included.
    let mut bottom = 64 * N;
    columns.clear();
    columns.reserve(N * text.len());
    for (k, chunk) in text.chunks(STOP_CHECK_COLUMNS).enumerate() {
        if k > 0 && stop.raised() {
            return None;
        }
        for &c in chunk {
            let eqs = row(c.into());
            // Row 0 grows by 1 per column: +1 enters the first block from above.
            let mut carry_in = (1u64, 0u64);
            let mut kept = [[0u64; 2]; N];
            for ((block, &eq), kept) in blocks.iter_mut().zip(&eqs).zip(&mut kept) {
                let h = block.advance(eq, carry_in);
                carry_in = carry(h);
                *kept = if HORIZONTAL { h } else { block.words() };
            }
            bottom = bottom + carry_in.0 as usize - carry_in.1 as usize;
            columns.extend_from_slice(&kept);
        }
    }
    Some(value_at(&blocks, 0, bottom, m))
}

/// Every block of every column of `pattern` (`table`), any number of blocks.
fn record_all<T: Unit, const HORIZONTAL: bool>(
    table: &BlockTable,
    m: usize,
    text: &[T],
    columns: &mut Vec<[u64; 2]>,
    stop: Stop<'_>,
) -> Option<usize> {
    let (n, stride) = (text.len(), table.blocks());
    columns.clear();
    columns.resize(stride * n, [0; 2]);
    let band = Band::new(m, n, None);
    let last = run_blocks::<_, true>(
        table,
        text.iter().copied(),
        n,
        band,
        stop,
        |j, b, block, h| {
            columns[(j - 1) * stride + b] = if HORIZONTAL { h } else { block.words() };
        },
    )?;
    Some(value_at(&last.blocks, last.first, last.bottom, m))
}

/// The columns of `table`'s pattern inside the band of distance `d`.
struct BandColumns {
    columns: Vec<[u64; 2]>,
    first: Vec<u32>,
    start: Vec<u32>,
}

fn record_band<T: Unit, const HORIZONTAL: bool>(
    table: &BlockTable,
    m: usize,
    text: &[T],
    d: usize,
    stop: Stop<'_>,
) -> Option<BandColumns> {
    let n = text.len();
    let band = Band::new(m, n, Some(d));
    // Where each column's blocks go, worked out from the band beforehand.
    let (mut first, mut start) = (Vec::with_capacity(n), Vec::with_capacity(n + 1));
    start.push(0u32);
    let mut total = 0usize;
    for j in 1..=n {
        let (lo, hi) = band.blocks(j);
        first.push(lo as u32);
        total += hi - lo + 1;
        start.push(total as u32);
    }
    let mut columns = vec![[0u64; 2]; total];
    run_blocks::<_, true>(
        table,
        text.iter().copied(),
        n,
        band,
        stop,
        |j, b, block, h| {
            columns[start[j - 1] as usize + b - first[j - 1] as usize] =
                if HORIZONTAL { h } else { block.words() };
        },
    )?;
    Some(BandColumns {
        columns,
        first,
        start,
    })
}

/// The distance to band by, where [`align`] records only a band for a pattern
/// of `m` units: when the distance is `known` and its band saves blocks.
pub(crate) fn banded(m: usize, known: Option<usize>) -> Option<usize> {
    known.filter(|&d| (d + 1).div_ceil(64) + 1 < m.div_ceil(64))
}

/// The alignment of `a` and `b` (the pattern, over 64 units: `b` if
/// `transposed`, else `a`) into `sink`, operations numbered from `first` and
/// positions shifted by `offsets`. With `known`, their distance, only its band
/// is recorded where that saves blocks; without, the sink is told the count
/// first. Returns the distance, or `None` if `stop` was raised.
#[allow(clippy::too_many_arguments)] // one piece of an alignment and where it goes
pub(crate) fn align<A: Unit, B: Unit, S: Sink>(
    a: &[A],
    b: &[B],
    transposed: bool,
    known: Option<usize>,
    offsets: (usize, usize),
    first: usize,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<usize> {
    if transposed {
        align_as::<A, B, B, A, S, true>(a, b, b, a, known, offsets, first, sink, stop)
    } else {
        align_as::<A, B, A, B, S, false>(a, b, a, b, known, offsets, first, sink, stop)
    }
}

/// [`align`] with the kernel's `pattern` and `text` (`b` and `a` if `T`).
#[allow(clippy::too_many_arguments)]
fn align_as<A: Unit, B: Unit, P: Unit, X: Unit, S: Sink, const T: bool>(
    a: &[A],
    b: &[B],
    pattern: &[P],
    text: &[X],
    known: Option<usize>,
    offsets: (usize, usize),
    first: usize,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<usize> {
    let m = pattern.len();
    debug_assert!(m > 64 && !text.is_empty());
    let blocks = m.div_ceil(64);
    if let Some(d) = banded(m, known) {
        let table = BlockTable::new(pattern);
        let band = record_band::<X, T>(&table, m, text, d, stop)?;
        drop(table);
        let kept = Banded {
            columns: &band.columns,
            first: &band.first,
            start: &band.start,
        };
        walk(a, b, &Along::<_, T>(kept), offsets, first..first + d, sink);
        return Some(d);
    }
    with_columns(|columns| {
        macro_rules! unrolled {
            ($($n:literal)*) => {
                match blocks {
                    $($n => record_unrolled::<$n, P, X, T>(pattern, text, columns, stop),)*
                    _ => record_all::<X, T>(&BlockTable::new(pattern), m, text, columns, stop),
                }
            };
        }
        let d = unrolled!(2 3 4 5 6 7 8)?;
        debug_assert!(known.is_none_or(|k| k == d));
        if known.is_none() {
            sink.reserve(d);
        }
        let kept = Stride {
            columns,
            stride: blocks,
        };
        walk(a, b, &Along::<_, T>(kept), offsets, first..first + d, sink);
        Some(d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::{edited, naive};
    use crate::kernels::traceback::EditKind;
    use crate::kernels::traceback::tests::{Collect, reference_walk};
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn run(a: &[u32], b: &[u32], known: Option<usize>) -> Vec<(EditKind, usize, usize)> {
        let mut sink = Collect(Vec::new());
        if let Some(k) = known {
            sink.reserve(k);
        }
        let d = align(a, b, false, known, (0, 0), 0, &mut sink, Stop::Never);
        assert_eq!(d, Some(sink.0.len()));
        if b.len() > 64 {
            let mut other = Collect(Vec::new());
            if let Some(k) = known {
                other.reserve(k);
            }
            align(a, b, true, known, (0, 0), 0, &mut other, Stop::Never);
            assert_eq!(sink.0, other.0, "transposed");
        }
        sink.0
    }

    fn symbol() -> impl Strategy<Value = u32> {
        prop_oneof![0u32..2, 0u32..4, 0xFEu32..0x102, 0x4E00u32..0x4E08]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Unrolled (up to 512 units) and general (beyond), Latin-1 or not.
        #[test]
        fn unbanded_walk_matches_the_full_matrix(
            a in vec(symbol(), 65..700),
            b in vec(symbol(), 1..600),
        ) {
            prop_assert_eq!(run(&a, &b, None), reference_walk(&a, &b));
            let a8: Vec<u32> = a.iter().map(|&c| c & 0xFF).collect();
            prop_assert_eq!(run(&a8, &b, None), reference_walk(&a8, &b));
        }

        #[test]
        fn banded_walk_matches_the_full_matrix(
            a in vec(symbol(), 65..900),
            edits in vec((any::<prop::sample::Index>(), symbol(), 0u8..3), 0..40),
        ) {
            let b = edited(&a, edits);
            prop_assume!(b.len() > 64);
            let d = naive(&a, &b);
            prop_assert_eq!(run(&a, &b, Some(d)), reference_walk(&a, &b));
            prop_assert_eq!(run(&b, &a, Some(d)), reference_walk(&b, &a));
        }
    }

    #[test]
    fn value_at_walks_up_from_the_bottom() {
        let blocks = [
            Block {
                vp: 0b1011,
                vn: 1 << 63,
            },
            Block {
                vp: u64::MAX,
                vn: 0,
            },
        ];
        // Blocks 3 and 4: rows 193..=320. Row 320 holds 100; the second block
        // adds 1 per row, the first has +1 at rows 193, 194 and 196, -1 at 256.
        assert_eq!(value_at(&blocks, 3, 100, 320), 100);
        assert_eq!(value_at(&blocks, 3, 100, 319), 99);
        assert_eq!(value_at(&blocks, 3, 100, 256), 36);
        assert_eq!(value_at(&blocks, 3, 100, 255), 37);
        assert_eq!(value_at(&blocks, 3, 100, 196), 37);
        assert_eq!(value_at(&blocks, 3, 100, 195), 36);
        assert_eq!(value_at(&blocks, 3, 100, 192), 34);
    }
}
