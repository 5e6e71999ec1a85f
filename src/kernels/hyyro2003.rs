//! Bit-parallel Levenshtein distance for a pattern of at most 64 units.
//!
//! H. Hyyrö, "A bit-vector algorithm for computing Levenshtein and Damerau edit
//! distances", Nordic Journal of Computing 10(1), 2003 — Myers' 1999 bit-vector
//! algorithm recast for edit distance between two whole strings. One column of the
//! DP matrix is held as two words of vertical deltas (+1 / -1 bits), and each text
//! unit advances the whole column with a handful of word operations.
//!
//! The step is written as in Myers (VP, VN, Xv) but on the complement of HP, with
//! `Xh | VP` and `Xh & VP` expanded through s = (Eq & VP) + VP; this shortens the
//! loop-carried dependency chain from about 11 to 7 word operations per text unit,
//! which is what bounds the speed on short strings.
//!
//! Cost: O(n) word operations for a text of n units; memory O(1) beyond the
//! per-thread pattern table.

use super::masks::PeqSink;
use super::masks::table::WordTable;
use crate::runtime::stop::Stop;
use crate::text::units::Unit;

/// Text units processed between two looks at the stop flag.
const STOP_CHECK_INTERVAL: usize = 1 << 16;

/// Texts longer than this amortise a [`WordTable`]'s set-up (see [`distance`]).
#[cfg(target_arch = "x86_64")]
const LONG_TEXT: usize = 256;

/// Distance between `pattern` (1..=64 units) and `text`, or `None` if `stop` was raised.
#[inline]
pub(crate) fn distance<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    debug_assert!(!pattern.is_empty() && pattern.len() <= 64);
    // On x86-64 every width compares the pattern in vector lanes (no table to
    // fill and clear); elsewhere the per-thread table serves all widths. The
    // exception: past 32 units a UCS-2/UCS-4 pattern takes two compare groups
    // per text unit, which on a long text costs 5-15% more than table look-ups,
    // while the table's set-up is then negligible.
    #[cfg(target_arch = "x86_64")]
    {
        let steps = Steps { text, stop };
        if let Some(bytes) = P::as_bytes(pattern) {
            return super::masks::x86_64::bytes::with_peq(bytes, steps);
        }
        if pattern.len() <= 32 || text.len() <= LONG_TEXT {
            if let Some(units) = P::as_u16(pattern) {
                return super::masks::x86_64::wide::with_peq_u16(units, steps);
            }
            if let Some(units) = P::as_u32(pattern) {
                return super::masks::x86_64::wide::with_peq_u32(units, steps);
            }
        }
    }
    with_table(pattern, text, stop)
}

/// The kernel with pattern masks from the per-thread [`WordTable`].
pub(crate) fn with_table<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    WordTable::with(pattern, |table| {
        run(pattern.len(), text, stop, |c| table.get(c))
    })
}

/// The kernel as a [`PeqSink`]: steps `text` through the pattern.
pub(crate) struct Steps<'t, 's, T> {
    pub(crate) text: &'t [T],
    pub(crate) stop: Stop<'s>,
}

impl<T: Unit> PeqSink for Steps<'_, '_, T> {
    type Out = Option<usize>;
    #[inline(always)]
    fn consume(self, m: usize, peq: impl Fn(u32) -> u64) -> Option<usize> {
        run(m, self.text, self.stop, peq)
    }
}

/// The kernel proper, for a pattern of `m` (1..=64) units whose mask for a text
/// unit `c` is `peq(c)`; bits of the mask above `m` may hold anything, since
/// carries and shifts only move information towards higher bits.
#[inline(always)]
pub(crate) fn run<T: Unit>(
    m: usize,
    text: &[T],
    stop: Stop<'_>,
    peq: impl Fn(u32) -> u64,
) -> Option<usize> {
    let mut column = Column::new(m);
    for chunk in text.chunks(STOP_CHECK_INTERVAL) {
        if text.len() > STOP_CHECK_INTERVAL && stop.raised() {
            return None;
        }
        for &c in chunk {
            column.step(peq(c.into()));
        }
    }
    Some(column.score(text.len()))
}

/// The matrix column the kernel carries from one text unit to the next, for
/// callers that find each unit's mask their own way (short token lists look
/// their elements up as they go).
///
/// The distance is read off the last column once, not tracked at every step:
/// row 0 of column n is n, and each row below adds its vertical delta, so the
/// last row holds n + |VP| - |VN| over the pattern's rows. That takes the two
/// bit tests and their carries out of every step (a fifth of its instructions,
/// and registers the step's own values then keep).
#[derive(Clone, Copy)]
pub(crate) struct Column {
    vp: u64,
    vn: u64,
    /// The pattern's rows: the low m bits.
    rows: u64,
}

impl Column {
    /// The column before any text, for a pattern of `m` (1..=64) units.
    #[inline(always)]
    pub(crate) fn new(m: usize) -> Self {
        debug_assert!((1..=64).contains(&m));
        Column {
            vp: u64::MAX,
            vn: 0,
            rows: u64::MAX >> (64 - m),
        }
    }

    /// Advances over a text unit whose pattern mask is `eq`.
    #[inline(always)]
    pub(crate) fn step(&mut self, eq: u64) {
        let (vp, vn) = (self.vp, self.vn);
        // Myers' step with its complements folded in (see the module docs):
        // s = (Eq & VP) + VP; Xh | VP = s | Eq | VP; Mh = VP & (~s | Eq).
        let x = eq | vn;
        let s = (eq & vp).wrapping_add(vp);
        let not_hp = (s | eq | vp) & !vn;
        let hn = vp & (!s | eq);
        // Row 0 of the matrix is 0, 1, 2, ...: every step right adds 1 there,
        // so a 1 enters HP from below, i.e. a 0 enters its complement.
        let not_hp = not_hp << 1;
        self.vp = (hn << 1) | (not_hp & !x);
        self.vn = !not_hp & x;
    }

    /// The distance between the pattern and the `n` text units stepped.
    #[inline(always)]
    pub(crate) fn score(&self, n: usize) -> usize {
        n + (self.vp & self.rows).count_ones() as usize
            - (self.vn & self.rows).count_ones() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn unit() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..4,
            0x4E00u32..0x4E04,
            0x1_F600u32..0x1_F604,
            0x11_0000u32..0x11_0002
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Both sides of the switch between lane compares and the table (long
        /// texts against patterns over 32 units), for every pattern width.
        #[test]
        fn dispatch_matches_reference(p in vec(unit(), 1..=64), t in vec(unit(), 0..600)) {
            let want = Some(naive(&p, &t));
            prop_assert_eq!(distance(&p, &t, Stop::Never), want);
            let p16: Vec<u16> = p.iter().map(|&c| c as u16).collect();
            prop_assert_eq!(distance(&p16, &t, Stop::Never), Some(naive(&p16, &t)));
            let p8: Vec<u8> = p.iter().map(|&c| c as u8).collect();
            prop_assert_eq!(distance(&p8, &t, Stop::Never), Some(naive(&p8, &t)));
        }
    }
}
