//! Hyyrö 2003 on many independent (pattern, text) pairs at once, one pair per
//! SIMD lane.
//!
//! H. Hyyrö, "A bit-vector algorithm for computing Levenshtein and Damerau edit
//! distances", Nordic Journal of Computing 10(1), 2003; the step is the one of
//! [`crate::kernels::hyyro2003::run`]. Lanes share nothing, so a vector of L lanes of w bits
//! advances L DP columns (patterns of at most w units) per text unit with the same
//! dozen instructions one column costs. The lane width follows the longest pattern
//! (8, 16, 32 or 64 bits), so short patterns fill more lanes; the vector width
//! follows the CPU, detected at run time: 16 bytes (portable code, which the
//! compiler turns into SSE2 or NEON), 32 (AVX2) or 64 (AVX-512BW).
//!
//! The caller supplies each step's match masks (one per lane), so the same loop
//! serves both uses: many patterns against one text (the matrix: one table row per
//! text unit) and one pattern against many texts (`nearest`: one look-up per lane).
//!
//! No score is kept while the text runs (a third fewer instructions per step):
//! the distance is read from the last column at the end, as n plus the sum of
//! its vertical deltas (two population counts).
//!
//! Cost: O(n) vector steps for L pairs whose texts are at most n units long.

use crate::kernels::masks::table::WordTable;
use crate::text::units::Units;
use std::ops::{BitAnd, BitOr, Not};

/// An unsigned lane: `u8`, `u16`, `u32` or `u64`.
pub(crate) trait Word:
    Copy
    + Default
    + Ord
    + Send
    + Sync
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
    + Not<Output = Self>
    + 'static
{
    /// Bits per lane: the longest pattern a lane holds.
    const BITS: usize;
    /// Truncates a 64-bit mask to the lane (the bits above the pattern do not matter).
    fn from_u64(x: u64) -> Self;
    /// The lane as `u64`.
    fn to_u64(self) -> u64;
    /// Wrapping addition.
    fn add(self, other: Self) -> Self;
    /// The number of one bits, in the lane's own width (it always fits).
    fn count(self) -> Self;
}

macro_rules! word {
    ($t:ty) => {
        impl Word for $t {
            const BITS: usize = <$t>::BITS as usize;
            #[inline(always)]
            fn from_u64(x: u64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_u64(self) -> u64 {
                u64::from(self)
            }
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                self.wrapping_add(other)
            }
            #[inline(always)]
            fn count(self) -> Self {
                self.count_ones() as $t
            }
        }
    };
}
word!(u8);
word!(u16);
word!(u32);
word!(u64);

/// The DP columns of L pairs, each as vertical deltas (VP, VN).
#[derive(Clone)]
pub(crate) struct Lanes<W: Word, const L: usize> {
    vp: [W; L],
    vn: [W; L],
    /// The pattern's bits in each lane.
    used: [W; L],
}

// Lane loops index several arrays by lane, the form the compiler turns into vectors.
#[allow(clippy::needless_range_loop)]
impl<W: Word, const L: usize> Lanes<W, L> {
    /// Columns for patterns of `lens[i]` (1..=W::BITS) units; lanes past `lens`
    /// get a one-unit pattern whose result nobody reads.
    #[inline(always)]
    pub(crate) fn new(lens: impl Iterator<Item = usize>) -> Self {
        let mut used = [W::from_u64(1); L];
        for (i, m) in lens.take(L).enumerate() {
            debug_assert!((1..=W::BITS).contains(&m));
            used[i] = W::from_u64(u64::MAX >> (64 - m));
        }
        Lanes {
            vp: [!W::default(); L],
            vn: [W::default(); L],
            used,
        }
    }

    /// Advances every lane by one text unit whose pattern masks are `eq`.
    /// No score is kept: the last column alone gives the distance (see [`Lanes::distance`]).
    #[inline(always)]
    pub(crate) fn step(&mut self, eq: &[W; L]) {
        for i in 0..L {
            let (vp, vn) = advance(eq[i], self.vp[i], self.vn[i]);
            self.vp[i] = vp;
            self.vn[i] = vn;
        }
    }

    /// Like [`Lanes::step`], leaving the lanes whose `active[i]` is false as they are.
    #[inline(always)]
    fn step_masked(&mut self, eq: &[W; L], active: &[bool; L]) {
        for i in 0..L {
            let (vp, vn) = advance(eq[i], self.vp[i], self.vn[i]);
            if active[i] {
                self.vp[i] = vp;
                self.vn[i] = vn;
            }
        }
    }

    /// Runs `steps` text units whose masks are `eq[j * L..(j + 1) * L]`, lane i
    /// stopping (its column frozen) after `text_lens[i]` units.
    #[inline(always)]
    pub(crate) fn run_ragged(&mut self, eq: &[W], text_lens: &[usize; L]) {
        // Until the shortest text ends, every lane is active.
        let common = text_lens.iter().copied().min().unwrap_or(0);
        let mut rows = eq.chunks_exact(L);
        for row in rows.by_ref().take(common) {
            self.step(row.try_into().unwrap_or_else(|_| unreachable!()));
        }
        for (j, row) in rows.enumerate().map(|(j, row)| (j + common, row)) {
            let row: &[W; L] = row.try_into().unwrap_or_else(|_| unreachable!());
            let mut active = [false; L];
            for i in 0..L {
                active[i] = j < text_lens[i];
            }
            self.step_masked(row, &active);
        }
    }

    /// Bit i (i < 64) set if lane i's distance after a text of `n` units is
    /// at most `k`: the test of [`Lanes::distance`] on every lane at once, in
    /// vector code (population counts of lane width, one compare), where a
    /// loop over the lanes would cost more than the text's steps.
    #[inline(always)]
    pub(crate) fn within(&self, n: usize, k: usize) -> u64 {
        debug_assert!(L <= 64);
        // d = n + up - down <= k, with up and down at most W::BITS: only n - k
        // clamped to W::BITS + 1 either way matters. Taking the smaller of n
        // and k off both sides keeps the sums within the lane, so each lane is
        // one compare in its own width, which vectorises; widening every lane
        // to 16 bits first cost most of a short self-join's lane time.
        let cap = (W::BITS + 1) as u64;
        let m = n.min(k);
        let n = W::from_u64(((n - m) as u64).min(cap));
        let k = W::from_u64(((k - m) as u64).min(cap));
        // The verdicts go to bytes first and are packed after: shifting each
        // into a u64 as it comes made the compiler widen the lanes to 64 bits,
        // eight at a time, which cost more than the text's steps.
        let mut ok = [0u8; L];
        for i in 0..L {
            let up = (self.vp[i] & self.used[i]).count();
            let down = (self.vn[i] & self.used[i]).count();
            ok[i] = u8::from(up.add(n) <= down.add(k));
        }
        pack(&ok)
    }

    /// The distance in lane `i` after a text of `n` units: row 0 of the DP
    /// matrix ends at n, and the last column's vertical deltas sum to the rest.
    #[inline(always)]
    pub(crate) fn distance(&self, i: usize, n: usize) -> usize {
        let up = (self.vp[i] & self.used[i]).to_u64().count_ones() as usize;
        let down = (self.vn[i] & self.used[i]).to_u64().count_ones() as usize;
        n + up - down
    }
}

/// One pattern of `m` (1..=W::BITS) units, whose mask for a unit `c` is
/// `table.get(c)`, against up to `L` texts at once, one per lane, each lane
/// frozen at its own text's end (`nearest`'s scan, the join's verifier);
/// `steps` is the longest text's length.
/// Lanes past `texts` run the longest text on whatever `eq` holds: their
/// results are not to be read. `eq` is the caller's scratch, kept from batch to
/// batch: masks past a lane's own text are never used, so it is not cleared.
#[inline(always)]
pub(crate) fn one_pattern<'t, W: Word, const L: usize>(
    m: usize,
    table: &WordTable,
    texts: impl Iterator<Item = Units<'t>>,
    steps: usize,
    eq: &mut Vec<W>,
) -> Lanes<W, L> {
    if eq.len() < steps * L {
        eq.resize(steps * L, W::default());
    }
    let eq = &mut eq[..steps * L];
    let mut text_lens = [steps; L];
    for (lane, text) in texts.take(L).enumerate() {
        debug_assert!(text.len() <= steps);
        text_lens[lane] = text.len();
        let column = eq.iter_mut().skip(lane).step_by(L);
        let mask = |c: u32| W::from_u64(table.get(c));
        match text {
            Units::U8(t) => column.zip(t).for_each(|(e, &c)| *e = mask(c.into())),
            Units::U16(t) => column.zip(t).for_each(|(e, &c)| *e = mask(c.into())),
            Units::U32(t) => column.zip(t).for_each(|(e, &c)| *e = mask(c)),
        }
    }
    let mut lanes = Lanes::<W, L>::new(std::iter::repeat_n(m, L));
    lanes.run_ragged(eq, &text_lens);
    lanes
}

/// Bit i set where `flags[i]` is 1 (each flag 0 or 1; at most 64).
#[inline(always)]
fn pack<const L: usize>(flags: &[u8; L]) -> u64 {
    // SSE2's byte mask is in every x86-64 CPU, and the compiler folds it into
    // the compare's own mask where the vectors are wider.
    #[cfg(target_arch = "x86_64")]
    if L.is_multiple_of(16) {
        use std::arch::x86_64::{_mm_loadu_si128, _mm_movemask_epi8, _mm_slli_epi16};
        let mut bits = 0u64;
        for (c, chunk) in flags.chunks_exact(16).enumerate() {
            // SAFETY: the chunk holds the 16 bytes read, and SSE2 is part of
            // x86-64.
            let mask = unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().cast());
                _mm_movemask_epi8(_mm_slli_epi16::<7>(v)) as u32
            };
            bits |= u64::from(mask) << (16 * c);
        }
        return bits;
    }
    let mut bits = 0u64;
    for (c, chunk) in flags.chunks(8).enumerate() {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        // Byte i (0 or 1) times 2^(7 - i) in byte 7 - i lands on bit 56 + i,
        // with no two products on one bit and no carry.
        let gathered = u64::from_le_bytes(word).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        bits |= gathered << (8 * c);
    }
    bits
}

/// Myers' step on one column (see [`crate::kernels::hyyro2003::run`]): the new (VP, VN).
#[inline(always)]
fn advance<W: Word>(e: W, p: W, n: W) -> (W, W) {
    let x = e | n;
    let s = (e & p).add(p);
    let not_hp = (s | e | p) & !n;
    let hn = p & (!s | e);
    // A 1 enters HP from row 0, i.e. a 0 enters its complement.
    let not_hp = not_hp.add(not_hp);
    (hn.add(hn) | (not_hp & !x), !not_hp & x)
}

/// The lane width a group of patterns of at most `m` units needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Width {
    W8,
    W16,
    W32,
    W64,
}

impl Width {
    /// The narrowest width for patterns of up to `m` (1..=64) units.
    pub(crate) fn for_len(m: usize) -> Width {
        match m {
            0..=8 => Width::W8,
            9..=16 => Width::W16,
            17..=32 => Width::W32,
            _ => Width::W64,
        }
    }

    /// Bits per lane.
    pub(crate) fn bits(self) -> usize {
        match self {
            Width::W8 => 8,
            Width::W16 => 16,
            Width::W32 => 32,
            Width::W64 => 64,
        }
    }
}

/// Which instruction set runs the lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// 16-byte vectors in portable code (SSE2 on x86-64, NEON on AArch64, or
    /// plain words): the fallback every CPU runs.
    Portable,
    /// 32-byte vectors (x86-64 with AVX2).
    Avx2,
    /// 64-byte vectors (x86-64 with AVX-512F and AVX-512BW).
    Avx512,
}

impl Kernel {
    /// Every kernel, narrowest first.
    pub const ALL: [Kernel; 3] = [Kernel::Portable, Kernel::Avx2, Kernel::Avx512];

    /// Whether this CPU can run the kernel.
    #[must_use]
    pub fn is_available(self) -> bool {
        match self {
            Kernel::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("popcnt")
            }
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("popcnt")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The widest kernel this CPU runs.
    #[must_use]
    pub fn best() -> Kernel {
        *Kernel::ALL
            .iter()
            .rev()
            .find(|k| k.is_available())
            .unwrap_or(&Kernel::Portable)
    }

    /// Bytes per vector.
    pub(crate) fn vector_bytes(self) -> usize {
        match self {
            Kernel::Portable => 16,
            Kernel::Avx2 => 32,
            Kernel::Avx512 => 64,
        }
    }

    /// Lanes per vector at `width`.
    pub(crate) fn lanes(self, width: Width) -> usize {
        self.vector_bytes() * 8 / width.bits()
    }
}

/// Work written once, generic over the lane type and count; [`run`] instantiates
/// it for the kernel and width chosen at run time.
pub(crate) trait LaneJob {
    type Output;
    /// Must be `#[inline(always)]`, so that it is compiled with the kernel's
    /// target features.
    fn run<W: Word, const L: usize>(self) -> Self::Output;
}

/// Runs `job` with lanes of `width` on `kernel`, which must be available (a
/// kernel this CPU lacks runs as [`Kernel::Portable`]).
pub(crate) fn run<J: LaneJob>(kernel: Kernel, width: Width, job: J) -> J::Output {
    #[cfg(target_arch = "x86_64")]
    {
        if kernel == Kernel::Avx512 && kernel.is_available() {
            // SAFETY: the CPU has AVX-512F and AVX-512BW (checked just above).
            return unsafe { avx512(width, job) };
        }
        if kernel == Kernel::Avx2 && kernel.is_available() {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { avx2(width, job) };
        }
    }
    let _ = kernel;
    match width {
        Width::W8 => job.run::<u8, 16>(),
        Width::W16 => job.run::<u16, 8>(),
        Width::W32 => job.run::<u32, 4>(),
        Width::W64 => job.run::<u64, 2>(),
    }
}

// Both kernels enable `popcnt`, which every AVX2 CPU has (and `is_available`
// checks): a lane's distance is two population counts, which the baseline
// target emulates in a dozen instructions each; with the instruction the
// matrix of short words runs about a quarter faster.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn avx2<J: LaneJob>(width: Width, job: J) -> J::Output {
    match width {
        Width::W8 => job.run::<u8, 32>(),
        Width::W16 => job.run::<u16, 16>(),
        Width::W32 => job.run::<u32, 8>(),
        Width::W64 => job.run::<u64, 4>(),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2,popcnt")]
unsafe fn avx512<J: LaneJob>(width: Width, job: J) -> J::Output {
    match width {
        Width::W8 => job.run::<u8, 64>(),
        Width::W16 => job.run::<u16, 32>(),
        Width::W32 => job.run::<u32, 16>(),
        Width::W64 => job.run::<u64, 8>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Each pattern against its own text through the lanes, with masks from a
    /// naive per-lane scan.
    struct Pairs<'a> {
        pairs: &'a [(Vec<u32>, Vec<u32>)],
    }

    impl LaneJob for Pairs<'_> {
        type Output = Vec<usize>;
        #[inline(always)]
        fn run<W: Word, const L: usize>(self) -> Vec<usize> {
            let mut out = Vec::new();
            for group in self.pairs.chunks(L) {
                let steps = group.iter().map(|(_, t)| t.len()).max().unwrap_or(0);
                let mut eq = vec![W::default(); steps * L];
                let mut text_lens = [0usize; L];
                for (i, (p, t)) in group.iter().enumerate() {
                    text_lens[i] = t.len();
                    for (j, &c) in t.iter().enumerate() {
                        let mask = p
                            .iter()
                            .enumerate()
                            .filter(|&(_, &x)| x == c)
                            .fold(0u64, |m, (b, _)| m | 1 << b);
                        eq[j * L + i] = W::from_u64(mask);
                    }
                }
                let mut lanes = Lanes::<W, L>::new(group.iter().map(|(p, _)| p.len()));
                lanes.run_ragged(&eq, &text_lens);
                for (i, (_, t)) in group.iter().enumerate() {
                    out.push(lanes.distance(i, t.len()));
                }
            }
            out
        }
    }

    /// Patterns (at most one vector's lanes) against one text; per bound of
    /// `ks`, the lanes [`Lanes::within`] finds within it.
    struct Within<'a> {
        patterns: &'a [Vec<u32>],
        text: &'a [u32],
        ks: &'a [usize],
    }

    impl LaneJob for Within<'_> {
        type Output = Vec<u64>;
        #[inline(always)]
        fn run<W: Word, const L: usize>(self) -> Vec<u64> {
            let patterns = &self.patterns[..self.patterns.len().min(L)];
            let mut lanes = Lanes::<W, L>::new(patterns.iter().map(Vec::len));
            for &c in self.text {
                let mut eq = [W::default(); L];
                for (i, p) in patterns.iter().enumerate() {
                    let mask = p
                        .iter()
                        .enumerate()
                        .filter(|&(_, &x)| x == c)
                        .fold(0u64, |m, (b, _)| m | 1 << b);
                    eq[i] = W::from_u64(mask);
                }
                lanes.step(&eq);
            }
            let used = u64::MAX >> (64 - patterns.len());
            let n = self.text.len();
            self.ks.iter().map(|&k| lanes.within(n, k) & used).collect()
        }
    }

    fn unit() -> impl Strategy<Value = u32> {
        prop_oneof![0u32..3, 0x4E00u32..0x4E02, Just(0x1_F600)]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Every kernel at every width, ragged texts, texts longer than a lane.
        #[test]
        fn lanes_match_reference(
            pairs in vec((vec(unit(), 1..=64), vec(unit(), 0..700)), 1..40),
        ) {
            let want: Vec<usize> = pairs.iter().map(|(p, t)| naive(p, t)).collect();
            for kernel in Kernel::ALL.into_iter().filter(|k| k.is_available()) {
                for width in [Width::W8, Width::W16, Width::W32, Width::W64] {
                    let fit: Vec<(Vec<u32>, Vec<u32>)> = pairs
                        .iter()
                        .map(|(p, t)| (p[..p.len().min(width.bits())].to_vec(), t.clone()))
                        .collect();
                    let want_fit: Vec<usize> = fit.iter().map(|(p, t)| naive(p, t)).collect();
                    let got = run(kernel, width, Pairs { pairs: &fit });
                    prop_assert_eq!(&got, &want_fit, "{:?} {:?}", kernel, width);
                }
            }
            prop_assert_eq!(want.len(), pairs.len());
        }

        /// Packing sets exactly the flagged bits, at every lane count.
        #[test]
        fn pack_sets_the_flagged_bits(flags in vec(0u8..2, 64)) {
            let want = |n: usize| (0..n).fold(0u64, |b, i| b | u64::from(flags[i]) << i);
            let f: [u8; 64] = flags.clone().try_into().unwrap();
            prop_assert_eq!(pack(&f), want(64));
            let f: [u8; 20] = flags[..20].try_into().unwrap();
            prop_assert_eq!(pack(&f), want(20));
            let f: [u8; 2] = flags[..2].try_into().unwrap();
            prop_assert_eq!(pack(&f), want(2));
        }

        /// `within` agrees with the distance for bounds below, at and far
        /// from the length difference, at every width.
        #[test]
        fn within_matches_the_distance(
            patterns in vec(vec(unit(), 1..=64), 1..=64),
            text in vec(unit(), 0..90),
        ) {
            let ks = [0, 1, 2, 3, 5, 8, 9, 17, 33, 65, 200];
            for kernel in Kernel::ALL.into_iter().filter(|k| k.is_available()) {
                for width in [Width::W8, Width::W16, Width::W32, Width::W64] {
                    let fit: Vec<Vec<u32>> = patterns
                        .iter()
                        .take(kernel.lanes(width))
                        .map(|p| p[..p.len().min(width.bits())].to_vec())
                        .collect();
                    let got = run(kernel, width, Within { patterns: &fit, text: &text, ks: &ks });
                    for (&k, &bits) in ks.iter().zip(&got) {
                        let want = fit
                            .iter()
                            .enumerate()
                            .filter(|(_, p)| naive(p, &text) <= k)
                            .fold(0u64, |m, (i, _)| m | 1 << i);
                        prop_assert_eq!(bits, want, "{:?} {:?} k={}", kernel, width, k);
                    }
                }
            }
        }
    }
}
