//! Alignments in linear memory: Hirschberg's divide and conquer over
//! bit-parallel score columns, down to pieces small enough to walk back whole.
//!
//! D. S. Hirschberg, "A linear space algorithm for computing maximal common
//! subsequences", CACM 18(6), 1975. A problem (after stripping its common prefix
//! and suffix) is split at the middle text unit `mid = ⌊n/2⌋`: the forward column
//! `L[i] = D(a[..i], b[..mid])` and the reverse column `R[i] = D(a[i..], b[mid..])`
//! are computed with Myers' blocks, and `a` is split at the smallest `i` with the
//! least `L[i] + R[i]`; both halves are then solved the same way, each knowing its
//! distance. A piece is walked back whole
//! ([`crate::kernels::hyyro2003_traceback`], [`crate::kernels::myers1999_traceback`])
//! when its pattern `a` has fewer than 65
//! units, its text `b` fewer than 10, or when `2·min(|a|, 2k + 1)·|b|/8` (the bytes
//! of its recorded band, with k its distance bound) is under 1 MiB.
//!
//! Those are rapidfuzz-cpp's rules (`levenshtein_align_hirschberg`, with the
//! boundary split `i = 0` allowed as in its later versions), with the bound k the
//! larger length at the top and each piece's exact distance below, so the
//! alignment is rapidfuzz's wherever both compute exact columns: a split point is
//! chosen among cells on optimal paths, which every band here keeps exact.
//!
//! A walked piece whose pattern has more than 64 units and fits one strip of
//! the wavefront's lanes (8 blocks with AVX2, 16 with AVX-512), and whose
//! recording would not be banded, is recorded by the wavefront kernel, which
//! keeps each step's lanes ([`myers1999_wavefront::keep`]), and walked back in
//! that skewed layout: the same deltas as the scalar blocks, at a few times
//! fewer instructions per block (W3, 1,000 unrelated pairs of 100 to 500
//! units: from 83,000 to 52,000 instructions per pair, the walk included).
//!
//! Where the band of a split is not thin and the pattern has at least
//! [`WAVEFRONT_ROWS`] units, its score columns come whole from the wavefront
//! kernel ([`crate::kernels::myers1999_wavefront::last_column`]), several times
//! faster per cell; that changes no choice (see `Column::whole`).
//!
//! Memory: the pattern table and two score columns of the piece being split
//! (O(m)), and a walked piece's band (at most about 1 MiB, or O(m + n) for the
//! thin pieces); the recursion is O(log n) deep. Time: about twice the distance's
//! work for the splits, plus the walked pieces.

use super::hyyro2003_traceback;
use super::masks::table::{BlockTable, LATIN1_ROWS_MAX};
use super::myers1999_traceback::{self, Band, run_blocks, value_at};
use super::myers1999_wavefront::{self, Keep, Plan};
use super::traceback::{Along, Empty, Sink, Skewed, transpose, walk, with_columns};
use crate::runtime::stop::Stop;
use crate::text::units::{Unit, Units, common_affixes};
use crate::with_slices;

/// Below this many bytes of recorded band a piece is walked back whole.
const LEAF_BYTES: usize = 1 << 20;

/// Pieces whose pattern has at least this many units take their score columns
/// from the wavefront kernel where it runs (below, its lanes are mostly idle).
const WAVEFRONT_ROWS: usize = 129;

/// rapidfuzz's test for a piece walked back whole: `m` pattern and `n` text units
/// whose distance is at most `k`.
fn is_leaf(m: usize, n: usize, k: usize) -> bool {
    let band = m.min(k.saturating_mul(2).saturating_add(1));
    m < 65 || n < 10 || band.saturating_mul(2).saturating_mul(n) / 8 < LEAF_BYTES
}

/// The alignment of `a` and `b` into `sink` (told the count first); returns the
/// distance, or `None` if `stop` was raised. `distance(x, y, k)` gives the
/// distance of two strings, or any value above `k` if it exceeds `k`; it is
/// asked once, for a problem too large to walk back whole, so that a small
/// distance narrows every band.
pub(crate) fn align<S: Sink>(
    a: Units<'_>,
    b: Units<'_>,
    distance: impl FnOnce(Units<'_>, Units<'_>, usize) -> Option<usize>,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<usize> {
    let (prefix, suffix) = with_slices!(a, b, |x, y| common_affixes(x, y));
    let (a, b) = (
        a.slice(prefix, a.len() - suffix),
        b.slice(prefix, b.len() - suffix),
    );
    let offsets = (prefix, prefix);
    if is_leaf(a.len(), b.len(), a.len().max(b.len())) {
        return with_slices!(a, b, |x, y| leaf(x, y, None, offsets, 0, sink, stop));
    }
    // A bound of an eighth of the longer length: similar strings get their
    // distance, and with it narrow bands; on unrelated ones the bounded kernels
    // give up after a few bands' worth of columns (a few percent of the work),
    // and the splits then run over whole columns.
    let probe = a.len().max(b.len()) / 8;
    let d = distance(a, b, probe)?;
    let known = (d <= probe).then_some(d);
    if let Some(d) = known {
        sink.reserve(d);
    }
    with_slices!(a, b, |x, y| split(x, y, known, offsets, 0, sink, stop))
}

/// Walks back a piece whole: `a` and `b` (distance `known` if given, else the
/// sink is told the count first) into operations from `first`.
fn leaf<A: Unit, B: Unit, S: Sink>(
    a: &[A],
    b: &[B],
    known: Option<usize>,
    offsets: (usize, usize),
    first: usize,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (a.len(), b.len());
    if m == 0 || n == 0 {
        if known.is_none() {
            sink.reserve(m + n);
        }
        return Some(walk(a, b, &Empty, offsets, first..first + m + n, sink));
    }
    // The shorter side as the pattern when that takes fewer word steps.
    let transposed = transpose(m, n);
    if (if transposed { n } else { m }) <= 64 {
        let known = known.is_some();
        return hyyro2003_traceback::align(a, b, transposed, known, offsets, first, sink, stop);
    }
    let piece = (a, b, offsets, first);
    let kept = if transposed {
        kept_on_lanes::<A, B, B, A, S, true>(piece, b, a, known, sink, stop)
    } else {
        kept_on_lanes::<A, B, A, B, S, false>(piece, a, b, known, sink, stop)
    };
    if let Some(d) = kept {
        return d;
    }
    myers1999_traceback::align(a, b, transposed, known, offsets, first, sink, stop)
}

/// A piece whose pattern (over 64 units) fits one strip of the wavefront's
/// lanes, where [`myers1999_traceback::align`] would record every block of
/// every column: the same columns from the wavefront kernel, which keeps each
/// step's lanes ([`myers1999_wavefront::keep`]; a few times fewer
/// instructions per block than the scalar blocks, two or four vector stores
/// per step), walked back in their skewed layout ([`Skewed`]). `pattern` is
/// `b` if `T`, else `a`. The sink is told the count first unless `known`.
/// `None` where this does not run (no such width, a banded piece, a table
/// without dense rows), `Some(None)` if `stop` was raised.
#[allow(clippy::option_option)] // does not run / ran but was stopped / ran
fn kept_on_lanes<A: Unit, B: Unit, P: Unit, X: Unit, S: Sink, const T: bool>(
    (a, b, offsets, first): (&[A], &[B], (usize, usize), usize),
    pattern: &[P],
    text: &[X],
    known: Option<usize>,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<Option<usize>> {
    let m = pattern.len();
    if myers1999_traceback::banded(m, known).is_some() {
        return None;
    }
    let width = myers1999_wavefront::one_strip_width(m.div_ceil(64))?;
    let what = if T { Keep::Horizontal } else { Keep::Vertical };
    with_columns(|kept| {
        let d = if let Some(bytes) = P::as_bytes(pattern)
            && m <= LATIN1_ROWS_MAX
        {
            myers1999_wavefront::keep_latin1(width, bytes, text, what, kept, stop)
        } else {
            let table = BlockTable::new(pattern);
            let plan = Plan::with_width(&table, width)?;
            myers1999_wavefront::keep(&plan, m, text, what, kept, stop)
        };
        let Some(d) = d else {
            return Some(None);
        };
        debug_assert!(known.is_none_or(|k| k == d));
        if known.is_none() {
            sink.reserve(d);
        }
        let lanes = width.lanes();
        let kept = Skewed::<T> {
            words: kept.as_flattened(),
            lanes,
        };
        walk(a, b, &Along::<_, T>(kept), offsets, first..first + d, sink);
        Some(Some(d))
    })
}

/// Aligns `a` and `b`, whose distance is `d`, into operations `first..first + d`.
fn solve<A: Unit, B: Unit, S: Sink>(
    a: &[A],
    b: &[B],
    d: usize,
    offsets: (usize, usize),
    first: usize,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<()> {
    let (prefix, suffix) = common_affixes(a, b);
    let (a, b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let offsets = (offsets.0 + prefix, offsets.1 + prefix);
    if is_leaf(a.len(), b.len(), d) {
        leaf(a, b, Some(d), offsets, first, sink, stop)?;
        return Some(());
    }
    split(a, b, Some(d), offsets, first, sink, stop).map(|_| ())
}

/// Splits a problem too large to walk back whole (at least 65 pattern and 10
/// text units) and solves both halves; returns the distance. With `known`, the
/// distance, the score columns cover only its band; without, they are whole
/// and the sink is told the count once the split gives it.
fn split<A: Unit, B: Unit, S: Sink>(
    a: &[A],
    b: &[B],
    known: Option<usize>,
    offsets: (usize, usize),
    first: usize,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (a.len(), b.len());
    let mid = n / 2;
    let band = Band::new(m, n, known);
    // The wavefront computes every cell, the band's run only its diagonals, but
    // the wavefront's steps are several times faster: it wins unless the band is
    // thin. Exact values outside the band change no choice (see `Column::whole`).
    let wavefront = m >= WAVEFRONT_ROWS
        && 4 * band.diagonals() >= m
        && myers1999_wavefront::width(m.div_ceil(64)).is_some();
    let forward = Column::new(&BlockTable::new(a), &b[..mid], band, wavefront, stop)?;
    let reversed: Vec<B> = b[mid..].iter().rev().copied().collect();
    let reverse = Column::new(&BlockTable::reversed(a), &reversed, band, wavefront, stop)?;
    // Rows i known on both sides (reverse row r is i = m - r).
    let lo = forward.first_row.max(m.saturating_sub(reverse.last_row()));
    let hi = forward.last_row().min(m - reverse.first_row);
    let best = (lo..=hi).min_by_key(|&i| {
        let left = forward.values[i - forward.first_row];
        let right = reverse.values[m - i - reverse.first_row];
        // The smallest i among the best: min_by_key keeps the first minimum.
        left + right
    });
    let Some(cut) = best else {
        // Every optimal path crosses column mid inside both bands, so this does
        // not happen; walking the piece back whole is still correct.
        return leaf(a, b, known, offsets, first, sink, stop);
    };
    let left = forward.values[cut - forward.first_row] as usize;
    let right = reverse.values[m - cut - reverse.first_row] as usize;
    match known {
        Some(d) => debug_assert_eq!(left + right, d),
        None => sink.reserve(left + right),
    }
    drop((forward, reverse));
    solve(&a[..cut], &b[..mid], left, offsets, first, sink, stop)?;
    solve(
        &a[cut..],
        &b[mid..],
        right,
        (offsets.0 + cut, offsets.1 + mid),
        first + left,
        sink,
        stop,
    )?;
    Some(left + right)
}

/// The values of the last column of a banded run, rows `first_row..` in order.
struct Column {
    first_row: usize,
    values: Vec<u32>,
}

impl Column {
    /// The last column of the pattern of `table` run over `text` inside `band`
    /// (see [`Column::of`]), or, with `wavefront`, the whole column
    /// ([`Column::whole`]) where this CPU and the table allow it.
    fn new<T: Unit>(
        table: &BlockTable,
        text: &[T],
        band: Band,
        wavefront: bool,
        stop: Stop<'_>,
    ) -> Option<Self> {
        if wavefront
            && !text.is_empty()
            && let Some(plan) = Plan::new(table)
        {
            return Column::whole(&plan, band.rows(), text, stop);
        }
        Column::of(table, text.iter().copied(), band, stop)
    }

    /// Every row of the last column, exact, from the wavefront kernel.
    ///
    /// A banded column leaves out rows outside its band and may over-estimate
    /// rows near its edges, but it is exact on every optimal path, and every
    /// optimal path lies inside it. So the rows where forward plus reverse is
    /// least, and the smallest of them that the split takes, are the same in
    /// both columns: the alignment does not change.
    fn whole<T: Unit>(plan: &Plan<'_>, m: usize, text: &[T], stop: Stop<'_>) -> Option<Self> {
        let blocks = myers1999_wavefront::last_column(plan, m, text, stop)?;
        // Row 0 of column n is n.
        Some(Column::from_deltas(0, m, text.len(), |i| blocks[i]))
    }

    /// Rows `first_row..=last_row` of a column whose row `first_row` holds
    /// `value`: each row below adds its vertical delta, bit `(row - 1) % 64` of
    /// `[vp, vn] = deltas((row - 1) / 64)`.
    fn from_deltas(
        first_row: usize,
        last_row: usize,
        mut value: usize,
        deltas: impl Fn(usize) -> [u64; 2],
    ) -> Self {
        let mut values = Vec::with_capacity(last_row + 1 - first_row);
        values.push(value as u32);
        for row in first_row + 1..=last_row {
            let [vp, vn] = deltas((row - 1) / 64);
            let bit = (row - 1) % 64;
            value += ((vp >> bit) & 1) as usize;
            value -= ((vn >> bit) & 1) as usize;
            values.push(value as u32);
        }
        Column { first_row, values }
    }

    /// Runs the pattern of `table` over `text` inside `band` and keeps the
    /// last column's rows that the band computed (row 0 when the band reaches
    /// it), rows past the pattern left out.
    fn of<T: Unit>(
        table: &BlockTable,
        text: impl ExactSizeIterator<Item = T>,
        band: Band,
        stop: Stop<'_>,
    ) -> Option<Self> {
        let n = text.len();
        let m = band.rows();
        if n == 0 {
            return Some(Column {
                first_row: 0,
                values: (0..=m as u32).collect(),
            });
        }
        let last = run_blocks::<_, false>(table, text, n, band, stop, |_, _, _, _| {})?;
        let first_row = if last.first == 0 {
            0
        } else {
            64 * last.first + 1
        };
        let last_row = m.min(64 * (last.first + last.blocks.len()));
        let value = value_at(&last.blocks, last.first, last.bottom, first_row);
        Some(Column::from_deltas(first_row, last_row, value, |i| {
            let block = &last.blocks[i - last.first];
            [block.vp, block.vn]
        }))
    }

    fn last_row(&self) -> usize {
        self.first_row + self.values.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::{edited, naive};
    use crate::kernels::traceback::EditKind;
    use crate::kernels::traceback::tests::Collect;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Applies the operations to `a`; checks they are ordered and in range.
    fn apply(a: &[u32], b: &[u32], ops: &[(EditKind, usize, usize)]) -> Vec<u32> {
        let mut out = Vec::new();
        let mut i = 0;
        for &(kind, src, dest) in ops {
            assert!(src >= i && src <= a.len() && dest <= b.len(), "{ops:?}");
            out.extend_from_slice(&a[i..src]);
            i = src;
            match kind {
                EditKind::Replace => {
                    out.push(b[dest]);
                    i += 1;
                }
                EditKind::Insert => out.push(b[dest]),
                EditKind::Delete => i += 1,
                EditKind::Equal => unreachable!("walks emit no Equal"),
            }
        }
        out.extend_from_slice(&a[i..]);
        out
    }

    fn run(a: &[u32], b: &[u32]) -> Vec<(EditKind, usize, usize)> {
        let mut sink = Collect(Vec::new());
        let d = align(
            Units::U32(a),
            Units::U32(b),
            |x, y, _| Some(with_slices!(x, y, |p, q| naive(p, q))),
            &mut sink,
            Stop::Never,
        );
        assert_eq!(d, Some(sink.0.len()));
        sink.0
    }

    fn symbol() -> impl Strategy<Value = u32> {
        prop_oneof![0u32..2, 0u32..4, 0u32..26]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

        /// Large enough to be split (over 2,048 units each side).
        #[test]
        fn split_alignments_are_optimal_and_rebuild_b(
            a in vec(symbol(), 2_100..2_600),
            edits in vec((any::<prop::sample::Index>(), symbol(), 0u8..3), 0..300),
            other in vec(symbol(), 2_100..2_400),
        ) {
            let b = edited(&a, edits);
            for (x, y) in [(&a, &b), (&b, &a), (&a, &other)] {
                let ops = run(x, y);
                prop_assert_eq!(ops.len(), naive(x, y));
                prop_assert_eq!(&apply(x, y, &ops), y);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

        /// The wavefront's whole column equals a run over the whole matrix, row
        /// for row, across block edges (127..=129, 191..=193 ...) and text lengths.
        #[test]
        fn whole_columns_from_the_wavefront_equal_the_blocks(
            m in prop_oneof![127usize..=129, 191usize..=193, 255usize..=257, 129usize..700],
            n in 1usize..400,
            alphabet in prop_oneof![Just(2u32), Just(4), Just(300)],
            seed in any::<u64>(),
        ) {
            let (a, b) = crate::kernels::reference::xorshift_pair(seed, alphabet, m, n);
            let band = Band::new(m, n, None);
            for table in [BlockTable::new(&a), BlockTable::reversed(&a)] {
                let Some(plan) = Plan::new(&table) else {
                    return Ok(()); // no AVX2 here: nothing to compare
                };
                let whole = Column::whole(&plan, m, &b, Stop::Never).unwrap();
                let blocks = Column::of(&table, b.iter().copied(), band, Stop::Never).unwrap();
                prop_assert_eq!(blocks.first_row, 0);
                prop_assert_eq!(&whole.values, &blocks.values);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Leaves with a pattern over 64 units: on the wavefront's kept lanes
        /// where a width holds them in one strip (up to 8 blocks here with
        /// AVX2, 16 with AVX-512), else the scalar blocks; either side the
        /// pattern, Latin-1 or not, the distance known or not: the walk of
        /// the full matrix.
        #[test]
        fn leaves_walk_as_the_full_matrix(
            a in vec(prop_oneof![0u32..2, 0u32..4, 0xFEu32..0x102], 65..1_100),
            b in vec(prop_oneof![0u32..2, 0u32..4, 0xFEu32..0x102], 1..400),
            latin1 in any::<bool>(),
            told in any::<bool>(),
        ) {
            let narrow = |s: &[u32]| -> Vec<u32> { s.iter().map(|&c| c & 0xFF).collect() };
            let (a, b) = if latin1 { (narrow(&a), narrow(&b)) } else { (a, b) };
            for (x, y) in [(&a, &b), (&b, &a)] {
                let want = crate::kernels::traceback::tests::reference_walk(x, y);
                let mut sink = Collect(Vec::new());
                let known = told.then_some(want.len());
                if let Some(d) = known {
                    sink.reserve(d);
                }
                let d = if latin1 {
                    let (x8, y8): (Vec<u8>, Vec<u8>) = (
                        x.iter().map(|&c| c as u8).collect(),
                        y.iter().map(|&c| c as u8).collect(),
                    );
                    leaf(&x8, &y8, known, (0, 0), 0, &mut sink, Stop::Never)
                } else {
                    leaf(x, y, known, (0, 0), 0, &mut sink, Stop::Never)
                };
                prop_assert_eq!(d, Some(want.len()));
                prop_assert_eq!(&sink.0, &want);
            }
        }
    }

    #[test]
    fn leaf_rule_is_rapidfuzz_s() {
        assert!(is_leaf(64, 1_000_000, usize::MAX));
        assert!(is_leaf(1_000_000, 9, usize::MAX));
        assert!(is_leaf(2_048, 2_047, 3_000));
        assert!(!is_leaf(2_048, 2_048, 3_000));
        // A small bound narrows the band: 2·(2·100 + 1)·20,000/8 < 1 MiB.
        assert!(is_leaf(20_000, 20_000, 100));
        assert!(!is_leaf(20_000, 20_000, 200));
    }
}
