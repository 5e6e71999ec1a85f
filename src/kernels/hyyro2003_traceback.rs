//! Alignments of a pattern of at most 64 units: every column of Hyyrö's
//! one-word kernel kept, then walked back.
//!
//! H. Hyyrö, "A bit-vector algorithm for computing Levenshtein and Damerau edit
//! distances", Nordic Journal of Computing 10(1), 2003: each text unit advances
//! the column of vertical deltas (VP, VN) with a handful of word operations. The
//! shorter side is the text when both fit in a word (a step per text unit), and
//! each step keeps two words: the new column's vertical deltas when `a` is the
//! pattern, the step's horizontal deltas when `b` is (see
//! [`crate::kernels::traceback::Deltas`]), which
//! [`crate::kernels::traceback::walk`] reads back.
//!
//! Cost: O(n) word operations and 16 bytes per text unit (in a per-thread
//! buffer, so short pairs allocate nothing), plus the walk, O(m + n).

use super::masks::PeqSink;
use super::masks::table::WordTable;
use super::traceback::{Along, Kept, Sink, walk, with_columns};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;

/// Text units between two looks at the stop flag.
const STOP_CHECK_COLUMNS: usize = 1 << 14;

/// Texts longer than this amortise a [`WordTable`]'s set-up (as in
/// [`crate::kernels::hyyro2003`]).
#[cfg(target_arch = "x86_64")]
const LONG_TEXT: usize = 256;

/// One word pair per text unit, kept by [`record`]: unit c's at `columns[c - 1]`.
struct Words<'c>(&'c [[u64; 2]]);

impl Kept for Words<'_> {
    #[inline(always)]
    fn words(&self, _row: usize, column: usize) -> Option<[u64; 2]> {
        debug_assert!((1..=self.0.len()).contains(&column));
        // SAFETY: the walk asks for columns 1..=n of the n recorded.
        Some(unsafe { *self.0.get_unchecked(column - 1) })
    }
}

/// The kernel as a [`PeqSink`]: steps `text` through the pattern, keeping each
/// column's vertical deltas in `columns` (the step's horizontal ones if
/// `HORIZONTAL`); gives `D[m][n]`.
struct Record<'t, 'c, 's, T, const HORIZONTAL: bool> {
    text: &'t [T],
    columns: &'c mut Vec<[u64; 2]>,
    stop: Stop<'s>,
}

impl<T: Unit, const HORIZONTAL: bool> PeqSink for Record<'_, '_, '_, T, HORIZONTAL> {
    type Out = Option<usize>;

    #[inline(always)]
    fn consume(self, m: usize, peq: impl Fn(u32) -> u64) -> Option<usize> {
        let (mut vp, mut vn) = (u64::MAX, 0u64);
        self.columns.clear();
        self.columns.reserve(self.text.len());
        for (k, chunk) in self.text.chunks(STOP_CHECK_COLUMNS).enumerate() {
            if k > 0 && self.stop.raised() {
                return None;
            }
            self.columns.extend(chunk.iter().map(|&c| {
                // Myers' step with Xv = Eq | VN, and Xh | VP expanded through
                // s = (Eq & VP) + VP (as in `hyyro2003::run`).
                let eq = peq(c.into());
                let x = eq | vn;
                let s = (eq & vp).wrapping_add(vp);
                let not_hp = (s | eq | vp) & !vn;
                let hn = vp & (!s | eq);
                let kept = [!not_hp, hn];
                // Row 0 grows by 1 per column: a +1 enters HP from above.
                let not_hp = not_hp << 1;
                vp = (hn << 1) | (not_hp & !x);
                vn = !not_hp & x;
                if HORIZONTAL { kept } else { [vp, vn] }
            }));
        }
        // D[m][n] = D[0][n] + the vertical deltas of the last column's m rows.
        let rows = u64::MAX >> (64 - m);
        let n = self.text.len();
        Some(n + (vp & rows).count_ones() as usize - (vn & rows).count_ones() as usize)
    }
}

/// Records every column of `pattern` (1..=64 units) against `text` into
/// `columns` (see [`Record`]); returns `D[m][n]`.
fn record<P: Unit, T: Unit, const HORIZONTAL: bool>(
    pattern: &[P],
    text: &[T],
    columns: &mut Vec<[u64; 2]>,
    stop: Stop<'_>,
) -> Option<usize> {
    debug_assert!((1..=64).contains(&pattern.len()));
    // As in `hyyro2003::distance`: the pattern in vector registers on x86-64,
    // except wide patterns over 32 units against long texts.
    #[cfg(target_arch = "x86_64")]
    {
        let sink = Record::<T, HORIZONTAL> {
            text,
            columns: &mut *columns,
            stop,
        };
        if let Some(bytes) = P::as_bytes(pattern) {
            return super::masks::x86_64::bytes::with_peq(bytes, sink);
        }
        if pattern.len() <= 32 || text.len() <= LONG_TEXT {
            if let Some(units) = P::as_u16(pattern) {
                return super::masks::x86_64::wide::with_peq_u16(units, sink);
            }
            if let Some(units) = P::as_u32(pattern) {
                return super::masks::x86_64::wide::with_peq_u32(units, sink);
            }
        }
    }
    let sink = Record::<T, HORIZONTAL> {
        text,
        columns,
        stop,
    };
    WordTable::with(pattern, |table| {
        sink.consume(pattern.len(), |c| table.get(c))
    })
}

/// The alignment of `a` and `b` (one of them 1..=64 units, the pattern: `b` if
/// `transposed`) into `sink`, operations numbered from `first` and positions
/// shifted by `offsets`; the sink is told the count first unless the caller
/// `known` it. Returns the distance, or `None` if `stop` was raised.
#[allow(clippy::too_many_arguments)] // one piece of an alignment and where it goes
pub(crate) fn align<A: Unit, B: Unit, S: Sink>(
    a: &[A],
    b: &[B],
    transposed: bool,
    known: bool,
    offsets: (usize, usize),
    first: usize,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<usize> {
    with_columns(|columns| {
        let d = if transposed {
            record::<B, A, true>(b, a, columns, stop)?
        } else {
            record::<A, B, false>(a, b, columns, stop)?
        };
        if !known {
            sink.reserve(d);
        }
        let ops = first..first + d;
        if transposed {
            walk(a, b, &Along::<_, true>(Words(columns)), offsets, ops, sink);
        } else {
            walk(a, b, &Along::<_, false>(Words(columns)), offsets, ops, sink);
        }
        Some(d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::traceback::EditKind;
    use crate::kernels::traceback::tests::{Collect, reference_walk};
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn symbol() -> impl Strategy<Value = u32> {
        prop_oneof![0u32..2, 0u32..4, 0xFF_u32..0x102, 0x1_F600u32..0x1_F604]
    }

    fn run<A: Unit, B: Unit>(a: &[A], b: &[B]) -> Vec<(EditKind, usize, usize)> {
        let mut sink = Collect(Vec::new());
        let d = align(a, b, false, false, (0, 0), 0, &mut sink, Stop::Never);
        assert_eq!(d, Some(sink.0.len()));
        if (1..=64).contains(&b.len()) {
            let mut other = Collect(Vec::new());
            align(a, b, true, false, (0, 0), 0, &mut other, Stop::Never);
            assert_eq!(sink.0, other.0, "transposed");
        }
        sink.0
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Every pattern width, against short and long texts (both mask sources),
        /// and each side as the pattern.
        #[test]
        fn walk_matches_the_full_matrix(a in vec(symbol(), 1..=64), b in vec(symbol(), 1..400)) {
            let want = reference_walk(&a, &b);
            prop_assert_eq!(run(&a, &b), want.clone());
            let a16: Vec<u16> = a.iter().map(|&c| c as u16).collect();
            let b16: Vec<u16> = b.iter().map(|&c| c as u16).collect();
            let a32: Vec<u32> = a16.iter().map(|&c| u32::from(c)).collect();
            let b32: Vec<u32> = b16.iter().map(|&c| u32::from(c)).collect();
            prop_assert_eq!(run(&a16, &b16), reference_walk(&a32, &b32));
            let a8: Vec<u8> = a.iter().map(|&c| c as u8).collect();
            let a8w: Vec<u32> = a8.iter().map(|&c| u32::from(c)).collect();
            prop_assert_eq!(run(&a8, &b), reference_walk(&a8w, &b));
        }
    }

    #[test]
    fn a_raised_stop_flag_ends_a_long_run() {
        let a = [1u8; 10];
        let b = vec![2u8; 100_000];
        let flag = std::sync::atomic::AtomicBool::new(true);
        let mut sink = Collect(Vec::new());
        let stopped = align(
            &a,
            &b,
            false,
            false,
            (0, 0),
            0,
            &mut sink,
            Stop::Flag(&flag),
        );
        assert_eq!(stopped, None);
    }
}
