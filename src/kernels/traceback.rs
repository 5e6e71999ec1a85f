//! Walking back a recorded bit-parallel matrix: rapidfuzz's choice among equally
//! short alignments.
//!
//! The recording kernels ([`crate::kernels::hyyro2003_traceback`],
//! [`crate::kernels::myers1999_traceback`]) keep, for each text column `j` of the
//! DP matrix `D` of pattern `a` (rows) and text `b` (columns), the vertical deltas
//! `D[i][j] - D[i - 1][j]`: a VP bit for +1, a VN bit for -1, bit `i - 1` for row
//! `i`. The walk starts at `(m, n)` and takes, at each cell `(i, j)` with
//! `i, j > 0`:
//!
//! 1. a deletion of `a[i - 1]` if `D[i][j] = D[i - 1][j] + 1` (VP of column j);
//! 2. else an insertion of `b[j - 1]` if `D[i][j - 1] = D[i - 1][j - 1] - 1` (VN of
//!    column j - 1), which makes the insertion optimal (the diagonal may be too);
//! 3. else the diagonal, a substitution unless `a[i - 1] = b[j - 1]`, which is
//!    then optimal;
//!
//! then deletions up column 0 and insertions along row 0. This is
//! rapidfuzz-cpp's `recover_alignment`, behind rapidfuzz's `Levenshtein.editops`,
//! so both choose the same alignment; note that a match is passed over for an
//! insertion when both are optimal. Each test reads only cells that lie on an
//! optimal path when it succeeds, so a recording that is exact on optimal paths
//! and over-estimates elsewhere (a diagonal band) gives the same walk: a VP bit
//! of an exact cell against an over-estimated neighbour reads 0, as it should,
//! and a VN bit of a column outside the recorded band reads 0, as the exact one
//! would.
//!
//! Cost: one step per operation or match, O(m + n).

use crate::text::units::Unit;
use std::cell::RefCell;

/// Columns' words kept on a thread between calls (256 KiB): short pairs then
/// allocate nothing, and a long one does not leave its buffer behind.
const KEPT_COLUMNS: usize = 1 << 14;

thread_local! {
    static COLUMNS: RefCell<Vec<[u64; 2]>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's buffer of recorded (VP, VN) words.
pub(crate) fn with_columns<R>(f: impl FnOnce(&mut Vec<[u64; 2]>) -> R) -> R {
    COLUMNS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut columns) => {
            let r = f(&mut columns);
            if columns.capacity() > KEPT_COLUMNS {
                *columns = Vec::new();
            }
            r
        }
        // Re-entrant use on one thread cannot happen today; stay correct if it ever does.
        Err(_) => f(&mut Vec::new()),
    })
}

/// What an edit operation does to the source string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EditKind {
    /// `src[src_start..src_end]` equals `dest[dest_start..dest_end]` (opcodes only).
    Equal,
    /// `src[src_pos]` becomes `dest[dest_pos]`.
    Replace,
    /// `dest[dest_pos]` is inserted before `src[src_pos]`.
    Insert,
    /// `src[src_pos]` is removed.
    Delete,
}

/// Where a walk puts its operations. They come last first; `index` is the
/// operation's place in the whole alignment.
pub(crate) trait Sink {
    /// Called once, before any `put`, with the number of operations of an
    /// alignment whose distance was not known beforehand.
    fn reserve(&mut self, count: usize);
    /// Operation `index` of the alignment.
    fn put(&mut self, index: usize, kind: EditKind, src: usize, dest: usize);
}

/// A recorded matrix: the deltas `D[i][j] - D[i - 1][j]` along `a`, at
/// `1 <= i <= m`, `1 <= j <= n`.
///
/// A kernel that ran `a` as the pattern over the text `b` kept them as the
/// vertical deltas (VP, VN) of column j at row i; one that ran `b` over `a`
/// (cheaper when `b` is the shorter side) as the horizontal deltas (HP, HN) of
/// its column i at row j, before they are shifted into the next column.
pub(crate) trait Deltas {
    /// `D[i][j] = D[i - 1][j] + 1`.
    fn vp(&self, i: usize, j: usize) -> bool;
    /// `D[i][j] = D[i - 1][j] - 1`.
    fn vn(&self, i: usize, j: usize) -> bool;
}

/// Kept deltas looked up by the kernel's own coordinates: `(row, column)` of
/// its pattern and text; `TRANSPOSED` when the pattern was `b`.
pub(crate) trait Kept {
    /// The +1 and -1 bits of the kept word holding row `row` of column `column`.
    fn words(&self, row: usize, column: usize) -> Option<[u64; 2]>;
}

/// [`Deltas`] over a [`Kept`] recording, `TRANSPOSED` if `b` was the pattern.
pub(crate) struct Along<K, const TRANSPOSED: bool>(pub(crate) K);

impl<K: Kept, const TRANSPOSED: bool> Along<K, TRANSPOSED> {
    #[inline(always)]
    fn bit(&self, i: usize, j: usize, which: usize) -> bool {
        let (row, column) = if TRANSPOSED { (j, i) } else { (i, j) };
        self.0
            .words(row, column)
            .is_some_and(|w| (w[which] >> ((row - 1) % 64)) & 1 != 0)
    }
}

impl<K: Kept, const TRANSPOSED: bool> Deltas for Along<K, TRANSPOSED> {
    #[inline(always)]
    fn vp(&self, i: usize, j: usize) -> bool {
        self.bit(i, j, 0)
    }
    #[inline(always)]
    fn vn(&self, i: usize, j: usize) -> bool {
        self.bit(i, j, 1)
    }
}

/// The time steps of a one-strip wavefront run of `lanes` lanes
/// ([`crate::kernels::myers1999_wavefront::keep`]): block b of column c ran at
/// time c + b, its words at `words[2·lanes·(c + b - 1) + b]` and `lanes`
/// further on; the first word is inverted when `INVERTED` (the horizontal
/// deltas are kept as !HP).
pub(crate) struct Skewed<'c, const INVERTED: bool> {
    pub(crate) words: &'c [u64],
    pub(crate) lanes: usize,
}

impl<const INVERTED: bool> Kept for Skewed<'_, INVERTED> {
    #[inline(always)]
    fn words(&self, row: usize, column: usize) -> Option<[u64; 2]> {
        let block = (row - 1) / 64;
        let at = 2 * self.lanes * (column + block - 1) + block;
        let first = self.words[at];
        Some([
            if INVERTED { !first } else { first },
            self.words[at + self.lanes],
        ])
    }
}

/// Whether running `b` (`n` units) as the pattern over `a` (`m`) takes fewer
/// word steps than the other way round.
pub(crate) fn transpose(m: usize, n: usize) -> bool {
    n.div_ceil(64) * m < m.div_ceil(64) * n
}

/// A matrix with no cells (one side empty).
pub(crate) struct Empty;

impl Deltas for Empty {
    fn vp(&self, _: usize, _: usize) -> bool {
        false
    }
    fn vn(&self, _: usize, _: usize) -> bool {
        false
    }
}

/// Walks `deltas` back from `(a.len(), b.len())` (see the module docs), putting
/// operations `ops.end - 1` down to `ops.start` into `sink`, their positions
/// shifted by `offsets`; `ops.len()` is the distance. Returns it.
///
/// The walk stops once no operation is left (the rest of the path is then
/// matches). Branches on the deltas are mispredicted often on unrelated
/// pairs, but a branch-free step (tried) was slower: it puts the load of the
/// next word on a serial chain through `i` and `j`, which a predicted
/// branch leaves out.
#[inline(always)]
pub(crate) fn walk<A: Unit, B: Unit, S: Sink>(
    a: &[A],
    b: &[B],
    deltas: &impl Deltas,
    (off_a, off_b): (usize, usize),
    ops: std::ops::Range<usize>,
    sink: &mut S,
) -> usize {
    let (mut i, mut j) = (a.len(), b.len());
    let mut index = ops.end;
    while index > ops.start && i > 0 && j > 0 {
        if deltas.vp(i, j) {
            i -= 1;
            index -= 1;
            sink.put(index, EditKind::Delete, off_a + i, off_b + j);
        } else if j > 1 && deltas.vn(i, j - 1) {
            j -= 1;
            index -= 1;
            sink.put(index, EditKind::Insert, off_a + i, off_b + j);
        } else {
            i -= 1;
            j -= 1;
            // SAFETY: i < a.len() and j < b.len(): both start at the lengths
            // and only go down, and were positive before this step. (The
            // bounds checks were a tenth of a W1 walk's instructions.)
            let (x, y) = unsafe { (*a.get_unchecked(i), *b.get_unchecked(j)) };
            if x.into() != y.into() {
                index -= 1;
                sink.put(index, EditKind::Replace, off_a + i, off_b + j);
            }
        }
    }
    // Along row 0 or column 0 (if the operations ran out first, i = j and
    // the rest are matches).
    if j == 0 {
        for i in (0..i).rev() {
            index -= 1;
            sink.put(index, EditKind::Delete, off_a + i, off_b);
        }
    } else if i == 0 {
        for j in (0..j).rev() {
            index -= 1;
            sink.put(index, EditKind::Insert, off_a, off_b + j);
        }
    }
    debug_assert_eq!(index, ops.start);
    ops.len()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Collects the operations in order.
    pub(crate) struct Collect(pub(crate) Vec<(EditKind, usize, usize)>);

    impl Sink for Collect {
        fn reserve(&mut self, count: usize) {
            self.0 = vec![(EditKind::Equal, usize::MAX, usize::MAX); count];
        }
        fn put(&mut self, index: usize, kind: EditKind, src: usize, dest: usize) {
            self.0[index] = (kind, src, dest);
        }
    }

    /// The full Wagner-Fischer matrix of `a` (rows) and `b` (columns).
    pub(crate) fn full_matrix(a: &[u32], b: &[u32]) -> Vec<Vec<usize>> {
        let (m, n) = (a.len(), b.len());
        let mut d = vec![vec![0usize; n + 1]; m + 1];
        for i in 0..=m {
            for j in 0..=n {
                d[i][j] = match (i, j) {
                    (0, _) => j,
                    (_, 0) => i,
                    _ => (d[i - 1][j] + 1)
                        .min(d[i][j - 1] + 1)
                        .min(d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1])),
                };
            }
        }
        d
    }

    /// The walk of the module docs over the full Wagner-Fischer matrix.
    pub(crate) fn reference_walk(a: &[u32], b: &[u32]) -> Vec<(EditKind, usize, usize)> {
        let (m, n) = (a.len(), b.len());
        let d = full_matrix(a, b);
        let mut ops = Vec::new();
        let (mut i, mut j) = (m, n);
        while i > 0 && j > 0 {
            if d[i][j] == d[i - 1][j] + 1 {
                i -= 1;
                ops.push((EditKind::Delete, i, j));
            } else if d[i][j - 1] + 1 == d[i - 1][j - 1] {
                j -= 1;
                ops.push((EditKind::Insert, i, j));
            } else {
                i -= 1;
                j -= 1;
                if a[i] != b[j] {
                    ops.push((EditKind::Replace, i, j));
                }
            }
        }
        ops.extend((0..i).rev().map(|i| (EditKind::Delete, i, 0)));
        ops.extend((0..j).rev().map(|j| (EditKind::Insert, 0, j)));
        ops.reverse();
        ops
    }

    #[test]
    fn empty_sides_are_all_insertions_or_deletions() {
        let mut sink = Collect(vec![]);
        sink.reserve(3);
        assert_eq!(
            walk(&[1u8, 2, 3], &[] as &[u8], &Empty, (5, 7), 0..3, &mut sink),
            3
        );
        let want = [
            (EditKind::Delete, 5, 7),
            (EditKind::Delete, 6, 7),
            (EditKind::Delete, 7, 7),
        ];
        assert_eq!(sink.0, want);
        sink.reserve(2);
        walk(&[] as &[u32], &[1u16, 2], &Empty, (0, 0), 0..2, &mut sink);
        assert_eq!(sink.0, [(EditKind::Insert, 0, 0), (EditKind::Insert, 0, 1)]);
        assert_eq!(reference_walk(&[], &[1, 2]), sink.0);
    }
}
