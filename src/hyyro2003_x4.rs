//! Hyyrö 2003 on four pairs at once, one pair per 64-bit lane of an AVX2 register.
//!
//! The one-word kernel ([`crate::hyyro2003`], after H. Hyyrö, "A bit-vector
//! algorithm for computing Levenshtein and Damerau edit distances", Nordic Journal
//! of Computing 10(1), 2003) spends about seven dependent word operations per text
//! unit, so on short strings it waits on its own chain far more than it computes.
//! Four unrelated pairs have four independent chains: stepping them together in the
//! lanes of one vector costs about what one pair costs alone. This is the batch
//! path; a single call has only one pair.
//!
//! Each pair's pattern masks are first looked up into a column-major buffer (four
//! masks per text position, one 32-byte load per step); lanes whose text is shorter
//! than the longest of the four keep stepping on stale masks, but their score is
//! copied out at their own last column. The queue sorts its pairs by text length
//! so that the four lanes of a group end close together.
//!
//! Cost per pair: O(m + n) table work plus n vector steps shared by four pairs,
//! for pattern and text of 1..=64 units. CPUs without AVX2 (detected at run time)
//! take the one-word kernel pair by pair.

use crate::hyyro2003;
use crate::units::Units;
use crate::with_slices;
use std::sync::atomic::AtomicBool;

/// Pairs stepped together.
const LANES: usize = 4;
/// Longest pattern or text a lane takes: one 64-bit word.
pub(crate) const MAX_LEN: usize = 64;
/// Pairs queued before they are sorted and run; the batch runner flushes at the
/// end of each chunk too.
pub(crate) const QUEUE: usize = 64;

static NEVER: AtomicBool = AtomicBool::new(false);

/// One queued pair: where its distance goes, its pattern (the longer side) and text.
#[derive(Clone, Copy)]
struct Entry<'a> {
    slot: usize,
    pattern: Units<'a>,
    text: Units<'a>,
}

/// Pairs waiting for a free group of lanes.
pub(crate) struct Queue<'a> {
    entries: Vec<Entry<'a>>,
    avx2: bool,
}

impl<'a> Queue<'a> {
    /// An empty queue that steps four pairs at a time if the CPU can.
    pub(crate) fn new() -> Self {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        Self::with_lanes(avx2)
    }

    /// An empty queue; without `avx2` every pair takes the one-word kernel.
    fn with_lanes(avx2: bool) -> Self {
        Queue {
            entries: Vec::with_capacity(QUEUE),
            avx2,
        }
    }

    /// Queues pair (`a`, `b`) if both sides, once their common prefix and suffix
    /// are stripped, fit a word and neither is empty; returns its distance at once
    /// when stripping settled it, and gives the pair back when it does not fit.
    pub(crate) fn push(&mut self, slot: usize, a: Units<'a>, b: Units<'a>) -> Pushed {
        let (prefix, suffix) = with_slices!(a, b, |x, y| crate::units::common_affixes(x, y));
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

    /// Computes every queued pair into `out[slot]`, capped at `cap`, and
    /// empties the queue.
    pub(crate) fn flush(&mut self, out: &mut [usize], cap: usize) {
        let order = self.by_text_length();
        let order = &order[..self.entries.len()];
        #[cfg(target_arch = "x86_64")]
        let mut masks = avx2::Masks::default();
        let mut groups = order.chunks_exact(LANES);
        for group in &mut groups {
            let group: [&Entry<'_>; LANES] =
                std::array::from_fn(|lane| &self.entries[usize::from(group[lane])]);
            #[cfg(target_arch = "x86_64")]
            let d = if self.avx2 {
                // SAFETY: `avx2` is only set when the CPU has AVX2.
                unsafe { avx2::four(&group, &mut masks) }
            } else {
                group.map(one)
            };
            #[cfg(not(target_arch = "x86_64"))]
            let d = group.map(one);
            for (e, d) in group.iter().zip(d) {
                out[e.slot] = d.min(cap);
            }
        }
        for &i in groups.remainder() {
            let e = &self.entries[usize::from(i)];
            out[e.slot] = one(e).min(cap);
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

#[allow(clippy::trivially_copy_pass_by_ref)] // called through array map over references
fn one(e: &Entry<'_>) -> usize {
    with_slices!(e.pattern, e.text, |p, t| hyyro2003::distance(p, t, &NEVER))
        .expect("NEVER is never raised")
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{Entry, LANES, MAX_LEN};
    use crate::hyyro2003::PeqSink;
    use crate::units::Unit;
    use crate::{simd_match, wide_match, with_slices};
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_andnot_si256, _mm256_blendv_epi8,
        _mm256_cmpeq_epi64, _mm256_loadu_si256, _mm256_or_si256, _mm256_set1_epi64x,
        _mm256_setzero_si256, _mm256_slli_epi64, _mm256_storeu_si256, _mm256_sub_epi64,
    };

    /// masks[j][lane]: the pattern mask of the lane's text unit j. Rows past a
    /// lane's text keep whatever an earlier group left there (see the module docs).
    pub(super) struct Masks([[u64; LANES]; MAX_LEN]);

    impl Default for Masks {
        fn default() -> Self {
            Masks([[0; LANES]; MAX_LEN])
        }
    }

    /// The distances of four queued pairs, stepped together.
    /// Writes a pattern's masks of one lane's text into its column of [`Masks`].
    struct Fill<'b, T> {
        text: &'b [T],
        masks: &'b mut Masks,
        lane: usize,
    }

    impl<T: Unit> PeqSink for Fill<'_, T> {
        type Out = ();
        #[inline(always)]
        fn consume(self, _m: usize, peq: impl Fn(u32) -> u64) {
            for (row, &c) in self.masks.0.iter_mut().zip(self.text) {
                row[self.lane] = peq(c.into());
            }
        }
    }

    /// Fills lane `lane` of `masks` for `pattern` against `text`, with the
    /// vector compares of the one-word kernel (no table to fill and clear, which
    /// cost three times as much on these lengths).
    fn fill<P: Unit, T: Unit>(pattern: &[P], text: &[T], masks: &mut Masks, lane: usize) {
        let sink = Fill { text, masks, lane };
        if let Some(bytes) = P::as_bytes(pattern) {
            simd_match::with_peq(bytes, sink);
        } else if let Some(units) = P::as_u16(pattern) {
            wide_match::with_peq_u16(units, sink);
        } else if let Some(units) = P::as_u32(pattern) {
            wide_match::with_peq_u32(units, sink);
        }
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn four(group: &[&Entry<'_>; LANES], masks: &mut Masks) -> [usize; LANES] {
        for (lane, e) in group.iter().enumerate() {
            with_slices!(e.pattern, e.text, |p, t| fill(p, t, masks, lane));
        }
        let lanes = |f: &dyn Fn(&Entry<'_>) -> u64| -> __m256i {
            let v = group.map(f);
            // SAFETY: reads the four u64 of `v`.
            unsafe { _mm256_loadu_si256(v.as_ptr().cast()) }
        };
        let last = lanes(&|e| 1u64 << (e.pattern.len() - 1));
        let final_column = lanes(&|e| e.text.len() as u64 - 1);
        let columns = group.iter().map(|e| e.text.len()).max().unwrap_or(0);

        let mut score = lanes(&|e| e.pattern.len() as u64);
        let mut result = score;
        let mut vp = _mm256_set1_epi64x(-1);
        let mut vn = _mm256_setzero_si256();
        let mut column = _mm256_setzero_si256();
        let one = _mm256_set1_epi64x(1);
        for row in &masks.0[..columns] {
            // SAFETY: reads the four u64 of `row`.
            let eq = unsafe { _mm256_loadu_si256(row.as_ptr().cast()) };
            // The one-word step of crate::hyyro2003::run, lane by lane:
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::naive;
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

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Any number of pairs (so groups of four and a remainder), of any widths and
        /// lengths around one word, through the queue, equal the reference.
        #[test]
        fn queue_matches_reference(pairs in vec((side(), side()), 0..=QUEUE)) {
            let want: Vec<usize> = pairs.iter().map(|(a, b)| naive(a, b)).collect();
            for lanes in [false, Queue::new().avx2] {
                let mut queue = Queue::with_lanes(lanes);
                let mut out = vec![usize::MAX; pairs.len()];
                for (i, (a, b)) in pairs.iter().enumerate() {
                    match queue.push(i, narrow(a), narrow(b)) {
                        Pushed::Done(d) => out[i] = d,
                        Pushed::Queued => {}
                        Pushed::No => out[i] = naive(a, b),
                    }
                }
                queue.flush(&mut out, usize::MAX);
                prop_assert_eq!(&out, &want);
            }
        }
    }
}
