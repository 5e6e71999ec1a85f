//! Hyyrö 2003 on several pairs at once, one pair per 64-bit lane of a vector:
//! four with AVX2, eight with AVX-512.
//!
//! The one-word kernel ([`crate::kernels::hyyro2003`], after H. Hyyrö, "A bit-vector
//! algorithm for computing Levenshtein and Damerau edit distances", Nordic Journal
//! of Computing 10(1), 2003) spends about seven dependent word operations per text
//! unit, so on short strings it waits on its own chain far more than it computes.
//! Unrelated pairs have independent chains: stepping four or eight of them in the
//! lanes of one vector costs about what one pair costs alone. This is the batch
//! path; a single call has only one pair.
//!
//! Each pair's pattern masks are first written into a column-major buffer (one
//! mask per lane and text position, one vector load per step); lanes whose text
//! is shorter than the longest of the group keep stepping on stale masks, but
//! their score is copied out at their own last column. The queue sorts its pairs
//! by text length so that the lanes of a group end close together.
//!
//! Cost per pair: O(n) mask work plus n vector steps shared by the group, for a
//! pattern and a text of 1..=64 units (n the shorter). The vector width is chosen
//! at run time; CPUs without AVX2 take the one-word kernel pair by pair.

use crate::kernels::hyyro2003;
use crate::runtime::stop::Stop;
use crate::text::units::Units;
use crate::with_slices;

/// Longest pattern or text a lane takes: one 64-bit word.
pub(crate) const MAX_LEN: usize = 64;
/// Pairs queued before they are sorted and run; the batch runner flushes at the
/// end of each chunk too.
pub(crate) const QUEUE: usize = 64;

/// Whether short pairs with bound `max_distance` belong in the lanes: bounds up
/// to 2 take mbleven pair by pair, which beats the lanes there.
pub(crate) fn lanes_for(max_distance: Option<usize>) -> bool {
    max_distance.is_none_or(|k| k > 2)
}

/// The vector the lanes live in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Width {
    /// No lanes: the one-word kernel, pair by pair.
    Scalar,
    /// Four lanes of an AVX2 register.
    Avx2,
    /// Eight lanes of an AVX-512 register (AVX-512F and BW).
    Avx512,
}

impl Width {
    /// The widest this CPU runs.
    fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                return Width::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Width::Avx2;
            }
        }
        Width::Scalar
    }

    fn lanes(self) -> usize {
        match self {
            Width::Scalar => 1,
            Width::Avx2 => 4,
            Width::Avx512 => 8,
        }
    }
}

/// One queued pair: where its distance goes, its pattern (the longer side) and text.
#[derive(Clone, Copy)]
struct Entry<'a> {
    slot: usize,
    pattern: Units<'a>,
    text: Units<'a>,
}

/// Pairs waiting for a group of lanes.
pub(crate) struct Queue<'a> {
    entries: Vec<Entry<'a>>,
    width: Width,
}

impl<'a> Queue<'a> {
    /// An empty queue, for the widest vectors this CPU has.
    pub(crate) fn new() -> Self {
        Self::with_width(Width::detect())
    }

    fn with_width(width: Width) -> Self {
        Queue {
            entries: Vec::with_capacity(QUEUE),
            width,
        }
    }

    /// Queues pair (`a`, `b`) if both sides, once their common prefix and suffix
    /// are stripped, fit a word and neither is empty; returns its distance at once
    /// when stripping settled it, and gives the pair back when it does not fit.
    pub(crate) fn push(&mut self, slot: usize, a: Units<'a>, b: Units<'a>) -> Pushed {
        let (prefix, suffix) = with_slices!(a, b, |x, y| crate::text::units::common_affixes(x, y));
        let a = a.slice(prefix, a.len() - suffix);
        let b = b.slice(prefix, b.len() - suffix);
        if a.is_empty() || b.is_empty() {
            return Pushed::Done(a.len().max(b.len()));
        }
        if a.len() > MAX_LEN || b.len() > MAX_LEN {
            return Pushed::No;
        }
        // As in the one-word dispatch, the longer side is the pattern: fewer steps.
        let (pattern, text) = if a.len() >= b.len() { (a, b) } else { (b, a) };
        self.entries.push(Entry {
            slot,
            pattern,
            text,
        });
        Pushed::Queued
    }

    /// Whether the queue holds [`QUEUE`] pairs and must be flushed before the next push.
    pub(crate) fn is_full(&self) -> bool {
        self.entries.len() >= QUEUE
    }

    /// Computes every queued pair into `out[slot]`, capped at `cap`, and
    /// empties the queue.
    pub(crate) fn flush(&mut self, out: &mut [usize], cap: usize) {
        self.flush_with(|slot, d| out[slot] = d.min(cap));
    }

    /// Computes every queued pair, hands `emit(slot, distance)` each result, and
    /// empties the queue.
    pub(crate) fn flush_with(&mut self, mut emit: impl FnMut(usize, usize)) {
        let order = self.by_text_length();
        let order = &order[..self.entries.len()];
        let mut groups = order.chunks_exact(self.width.lanes());
        match self.width {
            Width::Scalar => {
                for group in &mut groups {
                    let e = &self.entries[usize::from(group[0])];
                    emit(e.slot, one(e));
                }
            }
            #[cfg(target_arch = "x86_64")]
            Width::Avx2 => {
                let mut masks = lanes::Masks::default();
                for group in &mut groups {
                    let group = std::array::from_fn(|i| &self.entries[usize::from(group[i])]);
                    // SAFETY: the width is only Avx2 when the CPU has AVX2.
                    let d = unsafe { lanes::avx2::four(&group, &mut masks) };
                    for (e, d) in group.iter().zip(d) {
                        emit(e.slot, d);
                    }
                }
            }
            #[cfg(target_arch = "x86_64")]
            Width::Avx512 => {
                let mut masks = lanes::Masks::default();
                for group in &mut groups {
                    let group = std::array::from_fn(|i| &self.entries[usize::from(group[i])]);
                    // SAFETY: the width is only Avx512 when the CPU has AVX-512F and BW.
                    let d = unsafe { lanes::avx512::eight(&group, &mut masks) };
                    for (e, d) in group.iter().zip(d) {
                        emit(e.slot, d);
                    }
                }
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => unreachable!("vector widths are only detected on x86-64"),
        }
        for &i in groups.remainder() {
            let e = &self.entries[usize::from(i)];
            emit(e.slot, one(e));
        }
        self.entries.clear();
    }

    /// Indices of the queued pairs by text length, by a counting sort (the
    /// lengths are 1..=64): sorting the entries themselves cost a tenth of the batch.
    fn by_text_length(&self) -> [u8; QUEUE] {
        let mut starts = [0u8; MAX_LEN + 2];
        for e in &self.entries {
            starts[e.text.len() + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut order = [0u8; QUEUE];
        for (i, e) in self.entries.iter().enumerate() {
            let at = &mut starts[e.text.len()];
            order[usize::from(*at)] = i as u8;
            *at += 1;
        }
        order
    }
}

/// What [`Queue::push`] did with a pair.
pub(crate) enum Pushed {
    /// Settled by stripping: this is the distance.
    Done(usize),
    /// Queued; its distance arrives with the next flush.
    Queued,
    /// Too long for a lane: compute it another way.
    No,
}

fn one(e: &Entry<'_>) -> usize {
    with_slices!(e.pattern, e.text, |p, t| hyyro2003::distance(
        p,
        t,
        Stop::Never
    ))
    .expect("Stop::Never is never raised")
}

#[cfg(target_arch = "x86_64")]
mod lanes {
    use super::{Entry, MAX_LEN};
    use crate::kernels::masks::PeqSink;
    use crate::kernels::masks::x86_64::{bytes, wide};
    use crate::text::units::Unit;

    /// masks[j][lane]: the pattern mask of the lane's text unit j. Rows past a
    /// lane's text keep whatever an earlier group left there (see the module docs).
    pub(super) struct Masks<const N: usize>(pub(super) [[u64; N]; MAX_LEN]);

    impl<const N: usize> Default for Masks<N> {
        fn default() -> Self {
            Masks([[0; N]; MAX_LEN])
        }
    }

    /// Writes a pattern's masks of one lane's text into its column of [`Masks`].
    struct Fill<'b, T, const N: usize> {
        text: &'b [T],
        masks: &'b mut Masks<N>,
        lane: usize,
    }

    impl<T: Unit, const N: usize> PeqSink for Fill<'_, T, N> {
        type Out = ();
        #[inline(always)]
        fn consume(self, _m: usize, peq: impl Fn(u32) -> u64) {
            for (row, &c) in self.masks.0.iter_mut().zip(self.text) {
                row[self.lane] = peq(c.into());
            }
        }
    }

    /// Fills lane `lane` of `masks` for `pattern` against `text` with the
    /// vector compares of the one-word kernel (no table to fill and clear, which
    /// cost three times as much on these lengths).
    pub(super) fn fill<P: Unit, T: Unit, const N: usize>(
        pattern: &[P],
        text: &[T],
        masks: &mut Masks<N>,
        lane: usize,
    ) {
        let sink = Fill { text, masks, lane };
        if let Some(bytes) = P::as_bytes(pattern) {
            bytes::with_peq(bytes, sink);
        } else if let Some(units) = P::as_u16(pattern) {
            wide::with_peq_u16(units, sink);
        } else if let Some(units) = P::as_u32(pattern) {
            wide::with_peq_u32(units, sink);
        }
    }

    /// Per-lane constants of a group, in lane order.
    pub(super) fn per_lane<const N: usize>(
        group: &[&Entry<'_>; N],
        f: impl Fn(&Entry<'_>) -> u64,
    ) -> [u64; N] {
        group.map(f)
    }

    pub(super) mod avx2 {
        use super::{Masks, fill, per_lane};
        use crate::kernels::lanes::hyyro2003_pairs::Entry;
        use crate::with_slices;
        use std::arch::x86_64::{
            __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_andnot_si256, _mm256_blendv_epi8,
            _mm256_cmpeq_epi64, _mm256_loadu_si256, _mm256_or_si256, _mm256_set1_epi64x,
            _mm256_setzero_si256, _mm256_slli_epi64, _mm256_storeu_si256, _mm256_sub_epi64,
        };

        const LANES: usize = 4;

        /// The distances of four queued pairs, stepped together.
        #[target_feature(enable = "avx2")]
        pub(in crate::kernels::lanes::hyyro2003_pairs) fn four(
            group: &[&Entry<'_>; LANES],
            masks: &mut Masks<LANES>,
        ) -> [usize; LANES] {
            for (lane, e) in group.iter().enumerate() {
                with_slices!(e.pattern, e.text, |p, t| fill(p, t, masks, lane));
            }
            let load = |v: [u64; LANES]| -> __m256i {
                // SAFETY: reads the four u64 of `v`.
                unsafe { _mm256_loadu_si256(v.as_ptr().cast()) }
            };
            let last = load(per_lane(group, |e| 1u64 << (e.pattern.len() - 1)));
            let final_column = load(per_lane(group, |e| e.text.len() as u64 - 1));
            let columns = group.iter().map(|e| e.text.len()).max().unwrap_or(0);

            let mut score = load(per_lane(group, |e| e.pattern.len() as u64));
            let mut result = score;
            let mut vp = _mm256_set1_epi64x(-1);
            let mut vn = _mm256_setzero_si256();
            let mut column = _mm256_setzero_si256();
            let one = _mm256_set1_epi64x(1);
            for row in &masks.0[..columns] {
                // SAFETY: reads the four u64 of `row`.
                let eq = unsafe { _mm256_loadu_si256(row.as_ptr().cast()) };
                // The one-word step of crate::kernels::hyyro2003::run, lane by lane:
                // x = eq | vn; s = (eq & vp) + vp; not_hp = (s | eq | vp) & !vn;
                // hn = vp & (!s | eq) = vp & !(s & !eq).
                let x = _mm256_or_si256(eq, vn);
                let s = _mm256_add_epi64(_mm256_and_si256(eq, vp), vp);
                let not_hp = _mm256_andnot_si256(vn, _mm256_or_si256(_mm256_or_si256(s, eq), vp));
                let hn = _mm256_andnot_si256(_mm256_andnot_si256(eq, s), vp);
                // score += HP's last bit - HN's last bit; a true compare is -1 in its lane.
                let zero = _mm256_setzero_si256();
                let hp_last = _mm256_cmpeq_epi64(_mm256_and_si256(not_hp, last), zero);
                let hn_last = _mm256_cmpeq_epi64(_mm256_and_si256(hn, last), last);
                score = _mm256_add_epi64(_mm256_sub_epi64(score, hp_last), hn_last);
                let ends = _mm256_cmpeq_epi64(column, final_column);
                result = _mm256_blendv_epi8(result, score, ends);
                column = _mm256_add_epi64(column, one);
                let not_hp = _mm256_slli_epi64::<1>(not_hp);
                vp = _mm256_or_si256(_mm256_slli_epi64::<1>(hn), _mm256_andnot_si256(x, not_hp));
                vn = _mm256_andnot_si256(not_hp, x);
            }
            let mut out = [0u64; LANES];
            // SAFETY: writes the four u64 of `out`.
            unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), result) };
            out.map(|d| d as usize)
        }
    }

    pub(super) mod avx512 {
        use super::{Masks, fill, per_lane};
        use crate::kernels::lanes::hyyro2003_pairs::Entry;
        use crate::text::units::Unit;
        use crate::with_slices;
        use std::arch::x86_64::{
            __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_andnot_si512,
            _mm512_cmpeq_epi8_mask, _mm512_cmpeq_epi64_mask, _mm512_loadu_si512,
            _mm512_mask_add_epi64, _mm512_mask_mov_epi64, _mm512_mask_sub_epi64,
            _mm512_maskz_loadu_epi8, _mm512_or_si512, _mm512_set1_epi8, _mm512_set1_epi64,
            _mm512_setzero_si512, _mm512_slli_epi64, _mm512_storeu_si512,
            _mm512_ternarylogic_epi64, _mm512_test_epi64_mask, _mm512_testn_epi64_mask,
        };

        const LANES: usize = 8;

        /// Masks of a Latin-1 pattern: one masked load holds the whole pattern
        /// (zeros past it, which only set mask bits above it, ignored by the
        /// kernel), and one byte compare into a mask register gives each text
        /// unit's 64-bit mask directly.
        #[target_feature(enable = "avx512f,avx512bw")]
        fn fill_latin1<T: Unit>(pattern: &[u8], text: &[T], masks: &mut Masks<LANES>, lane: usize) {
            let m = pattern.len();
            debug_assert!((1..=64).contains(&m));
            // SAFETY: the load mask covers exactly the pattern's m bytes; masked-off
            // bytes are neither read nor able to fault.
            let reg =
                unsafe { _mm512_maskz_loadu_epi8(u64::MAX >> (64 - m), pattern.as_ptr().cast()) };
            for (row, &c) in masks.0.iter_mut().zip(text) {
                let c: u32 = c.into();
                row[lane] = if c < 256 {
                    _mm512_cmpeq_epi8_mask(reg, _mm512_set1_epi8(c as u8 as i8))
                } else {
                    0
                };
            }
        }

        /// The distances of eight queued pairs, stepped together.
        #[target_feature(enable = "avx512f,avx512bw")]
        pub(in crate::kernels::lanes::hyyro2003_pairs) fn eight(
            group: &[&Entry<'_>; LANES],
            masks: &mut Masks<LANES>,
        ) -> [usize; LANES] {
            for (lane, e) in group.iter().enumerate() {
                with_slices!(e.pattern, e.text, |p, t| match Unit::as_bytes(p) {
                    Some(bytes) => fill_latin1(bytes, t, masks, lane),
                    None => fill(p, t, masks, lane),
                });
            }
            let load = |v: [u64; LANES]| -> __m512i {
                // SAFETY: reads the eight u64 of `v`.
                unsafe { _mm512_loadu_si512(v.as_ptr().cast()) }
            };
            let last = load(per_lane(group, |e| 1u64 << (e.pattern.len() - 1)));
            let final_column = load(per_lane(group, |e| e.text.len() as u64 - 1));
            let columns = group.iter().map(|e| e.text.len()).max().unwrap_or(0);

            let mut score = load(per_lane(group, |e| e.pattern.len() as u64));
            let mut result = score;
            let mut vp = _mm512_set1_epi64(-1);
            let mut vn = _mm512_setzero_si512();
            let mut column = _mm512_setzero_si512();
            let one = _mm512_set1_epi64(1);
            for row in &masks.0[..columns] {
                // SAFETY: reads the eight u64 of `row`.
                let eq = unsafe { _mm512_loadu_si512(row.as_ptr().cast()) };
                // The step of the AVX2 version, with three-input logic where it
                // saves an instruction (the constant is the truth table of
                // f(a, b, c), indexed by a·4 + b·2 + c).
                let x = _mm512_or_si512(eq, vn);
                let s = _mm512_add_epi64(_mm512_and_si512(eq, vp), vp);
                // s | eq | vp
                let any = _mm512_ternarylogic_epi64::<0xFE>(s, eq, vp);
                let not_hp = _mm512_andnot_si512(vn, any);
                // vp & !(s & !eq)
                let hn = _mm512_ternarylogic_epi64::<0xB0>(vp, s, eq);
                let hp_last = _mm512_testn_epi64_mask(not_hp, last);
                let hn_last = _mm512_test_epi64_mask(hn, last);
                score = _mm512_mask_add_epi64(score, hp_last, score, one);
                score = _mm512_mask_sub_epi64(score, hn_last, score, one);
                let ends = _mm512_cmpeq_epi64_mask(column, final_column);
                result = _mm512_mask_mov_epi64(result, ends, score);
                column = _mm512_add_epi64(column, one);
                let not_hp = _mm512_slli_epi64::<1>(not_hp);
                // (hn << 1) | (not_hp & !x)
                vp = _mm512_ternarylogic_epi64::<0xF4>(_mm512_slli_epi64::<1>(hn), not_hp, x);
                vn = _mm512_andnot_si512(not_hp, x);
            }
            let mut out = [0u64; LANES];
            // SAFETY: writes the eight u64 of `out`.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), result) };
            out.map(|d| d as usize)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn side() -> impl Strategy<Value = Vec<u32>> {
        prop_oneof![
            vec(0u32..2, 0..=70),
            vec(
                prop_oneof![
                    0u32..4,
                    250u32..260,
                    0xD800u32..0xD802,
                    0x1_F600u32..0x1_F602
                ],
                0..=70
            ),
            vec(0u32..128, 60..=66),
        ]
    }

    fn narrow(s: &[u32]) -> Units<'static> {
        // Leaked: a test's strings, kept in their narrowest width like CPython's.
        if s.iter().all(|&c| c < 256) {
            Units::U8(Box::leak(s.iter().map(|&c| c as u8).collect()))
        } else if s.iter().all(|&c| c < 65_536) {
            Units::U16(Box::leak(s.iter().map(|&c| c as u16).collect()))
        } else {
            Units::U32(Box::leak(s.to_vec().into_boxed_slice()))
        }
    }

    /// Every width this CPU runs, the scalar path included.
    fn widths() -> Vec<Width> {
        let best = Width::detect();
        [Width::Scalar, Width::Avx2, Width::Avx512]
            .into_iter()
            .filter(|&w| w.lanes() <= best.lanes())
            .collect()
    }

    #[test]
    fn the_vector_widths_of_this_cpu_are_all_tested() {
        let best = Width::detect();
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            assert!(best.lanes() >= 4);
        }
        assert_eq!(widths().last(), Some(&best));
    }

    /// UCS-2 and UCS-4 patterns of every length around the mask sources' vector
    /// sizes (16 or 32 units), against texts of every width.
    #[test]
    fn wide_patterns_across_register_boundaries_match_reference() {
        let mut pairs = Vec::new();
        for m in [1u32, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64] {
            for base in [0u32, 0x4E00, 0x1_F600] {
                let p: Vec<u32> = (0..m)
                    .map(|i| 0x4E00.max(base) + i * 7 % 5 + u32::from(i == 0))
                    .collect();
                // Latin-1, UCS-2 or UCS-4 texts sharing some units with the pattern.
                let t: Vec<u32> = (0..m + 2)
                    .map(|i| if i % 9 == 0 { 0x4E00 } else { base + i * 3 % 5 })
                    .collect();
                pairs.push((p.clone(), t));
                let t: Vec<u32> = p.iter().rev().map(|&c| c ^ 1).collect();
                pairs.push((p, t));
            }
        }
        let want: Vec<usize> = pairs.iter().map(|(a, b)| naive(a, b)).collect();
        for width in widths() {
            assert_eq!(through_queue(width, &pairs), want, "{width:?}");
        }
    }

    /// The distances of `pairs` pushed through a queue of `width` (flushed
    /// whenever full, and at the end); pairs it declines go to the reference.
    fn through_queue(width: Width, pairs: &[(Vec<u32>, Vec<u32>)]) -> Vec<usize> {
        let mut queue = Queue::with_width(width);
        let mut out = vec![usize::MAX; pairs.len()];
        for (i, (a, b)) in pairs.iter().enumerate() {
            match queue.push(i, narrow(a), narrow(b)) {
                Pushed::Done(d) => out[i] = d,
                Pushed::Queued => {}
                Pushed::No => out[i] = naive(a, b),
            }
            if queue.is_full() {
                queue.flush(&mut out, usize::MAX);
            }
        }
        queue.flush(&mut out, usize::MAX);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Any number of pairs (so full groups and a remainder), of any widths and
        /// lengths around one word, through the queue, equal the reference.
        #[test]
        fn queue_matches_reference(pairs in vec((side(), side()), 0..=QUEUE)) {
            let want: Vec<usize> = pairs.iter().map(|(a, b)| naive(a, b)).collect();
            for width in widths() {
                prop_assert_eq!(&through_queue(width, &pairs), &want);
            }
        }
    }
}
