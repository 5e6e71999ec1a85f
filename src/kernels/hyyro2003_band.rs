//! Bounded Levenshtein distance in a diagonal band of one 64-bit word (k <= 63)
//! or two (a `u128`, k <= 127): the band has at most k + 1 diagonals (see below).
//!
//! H. Hyyrö, "A bit-vector algorithm for computing Levenshtein and Damerau edit
//! distances", Nordic Journal of Computing 10(1), 2003, §5 (the banded variant),
//! and H. Hyyrö, K. Fredriksson, G. Navarro, "Increased bit-parallelism for
//! approximate and multiple string matching", ACM JEA 10, 2005: instead of
//! fixed rows, bit b of the word holds the cell on diagonal b of a band that moves
//! down one row per text column, so the word is shifted right by one before each
//! column's step and the pattern mask is the window of the pattern that
//! the band covers in that column.
//!
//! With m <= n and d = n - m <= k, a cell (i, j) can lie on a path of cost <= k
//! only if -A <= i - j <= B with A = ⌊(k + d)/2⌋, B = ⌊(k - d)/2⌋ (Ukkonen 1985),
//! at most k + 1 diagonals. Bit b of column j is row j - A + b. Cells outside are
//! over-estimated (+1 entering the band's top row from above, +1 below its bottom
//! row), which never lowers a cell, so every cell of value <= k on a path to
//! (m, n) is exact (see [`crate::kernels::myers1999`]). Rows above row 0 are the virtual
//! rows D[i][j] = j - i (i <= 0) of a consistent extension of the matrix, whose
//! values do not depend on their masks; rows below m never feed rows above. So
//! mask bits outside the pattern may hold anything, and the window can be read
//! from padded copies of the pattern's ends without masking.
//!
//! The distance is followed along the diagonal of (m, n) (bit A - d), whose
//! values never decrease; as soon as it exceeds k, the result is k + 1: an exact
//! early exit, since a cell of that diagonal of true value <= k would be exact.
//!
//! Masks come from AVX2 compares of the pattern window against the broadcast
//! text unit (32, 64 or 128 lanes, after [`crate::kernels::masks::x86_64::bytes`] and
//! [`crate::kernels::masks::x86_64::wide`]): no table to build, so a run that exits after a few
//! columns costs only those columns.
//!
//! Cost: O(n) word operations (twice that for k >= 64) for a text of n units,
//! plus 1 to 16 vector compares per column for the mask; memory: two padded
//! copies of the pattern's ends on the stack (192 or 384 units each).

use crate::runtime::stop::Stop;
use crate::text::units::Unit;
use std::arch::x86_64::{
    __m256i, _mm256_cmpeq_epi8, _mm256_cmpeq_epi16, _mm256_cmpeq_epi32, _mm256_loadu_si256,
    _mm256_movemask_epi8, _mm256_packs_epi16, _mm256_packs_epi32, _mm256_permute4x64_epi64,
    _mm256_permutevar8x32_epi32, _mm256_set1_epi8, _mm256_set1_epi16, _mm256_set1_epi32,
    _mm256_setr_epi32,
};
use std::ops::{BitAnd, BitOr, BitXor, ControlFlow, Not, Shl, Shr};

/// Text units processed between two looks at the stop flag.
const STOP_CHECK_INTERVAL: usize = 1 << 16;

/// The band's bit vector: one word, or two (as `u128`) for bounds up to 127.
trait Word:
    Copy
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
    + BitXor<Output = Self>
    + Not<Output = Self>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
{
    const BITS: u32;
    const ZERO: Self;
    const ONE: Self;
    fn wrapping_add(self, other: Self) -> Self;
    /// Bit 0.
    fn low_bit(self) -> usize;
}

impl Word for u64 {
    const BITS: u32 = 64;
    const ZERO: Self = 0;
    const ONE: Self = 1;
    fn wrapping_add(self, other: Self) -> Self {
        u64::wrapping_add(self, other)
    }
    fn low_bit(self) -> usize {
        (self & 1) as usize
    }
}

impl Word for u128 {
    const BITS: u32 = 128;
    const ZERO: Self = 0;
    const ONE: Self = 1;
    fn wrapping_add(self, other: Self) -> Self {
        u128::wrapping_add(self, other)
    }
    fn low_bit(self) -> usize {
        (self & 1) as usize
    }
}

/// Whether the kernel can run here (it needs AVX2).
pub(crate) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// Whether the band for bound `k` and length difference `d` (<= k) fits in
/// two words (k <= 127); up to 64 diagonals (k <= 63) it takes one.
pub(crate) fn fits(k: usize, d: usize) -> bool {
    rows(k, d) <= 128
}

/// Diagonals above the main one that the band covers: A = ⌊(k + d)/2⌋.
fn above(k: usize, d: usize) -> usize {
    k.midpoint(d)
}

/// Diagonals of the band: A + B + 1.
fn rows(k: usize, d: usize) -> usize {
    above(k, d) + (k - d) / 2 + 1
}

/// `min(distance, k + 1)` for a pattern of 1..=n units and a text of n units, or
/// `None` if `stop` was raised. Needs [`available`] and [`fits`]`(k, n - m)`.
pub(crate) fn distance<P: Unit, T: Unit>(
    pattern: &[P],
    text: &[T],
    k: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (pattern.len(), text.len());
    debug_assert!(0 < m && m <= n && n - m <= k && fits(k, n - m) && available());
    // SAFETY (each call): the CPU supports AVX2, which the caller checked through `available`.
    if let Some(p) = P::as_bytes(pattern) {
        unsafe { avx2_u8(p, text, k, stop) }
    } else if let Some(p) = P::as_u16(pattern) {
        unsafe { avx2_u16(p, text, k, stop) }
    } else if let Some(p) = P::as_u32(pattern) {
        unsafe { avx2_u32(p, text, k, stop) }
    } else {
        unreachable!("every Unit is u8, u16 or u32")
    }
}

/// The state between two columns.
struct Kernel<W> {
    /// Vertical deltas +1 / -1 of the band's rows in the last column.
    vp: W,
    vn: W,
    /// The value on the diagonal of (m, n), at bit `diag`.
    score: usize,
    diag: u32,
    k: usize,
}

impl<W: Word> Kernel<W> {
    /// Column 0 for a band whose bit 0 is row -`above`: rows up to 0 are the
    /// virtual rows D[i][0] = -i (vertical delta -1), rows below D[i][0] = i (+1).
    fn new(m: usize, n: usize, k: usize) -> Self {
        let above = above(k, n - m);
        let vn = if above + 1 >= W::BITS as usize {
            !W::ZERO
        } else {
            !(!W::ZERO << (above as u32 + 1))
        };
        Kernel {
            vp: !vn,
            vn,
            // Row m - n <= 0 of column 0, a virtual row: n - m.
            score: n - m,
            diag: (above - (n - m)) as u32,
            k,
        }
    }

    /// Advances over the columns of `text`, the mask of the i-th being `eq(i, unit)`.
    /// Breaks with k + 1 as soon as the diagonal of (m, n) exceeds k.
    #[inline(always)]
    fn columns<T: Unit>(
        &mut self,
        text: &[T],
        stop: Stop<'_>,
        eq: impl Fn(usize, u32) -> W,
    ) -> ControlFlow<Option<usize>> {
        let (mut vp, mut vn, mut score) = (self.vp, self.vn, self.score);
        let (diag, k) = (self.diag, self.k);
        for (chunk_no, chunk) in text.chunks(STOP_CHECK_INTERVAL).enumerate() {
            if text.len() > STOP_CHECK_INTERVAL && stop.raised() {
                return ControlFlow::Break(None);
            }
            let base = chunk_no * STOP_CHECK_INTERVAL;
            for (i, &c) in chunk.iter().enumerate() {
                let eq = eq(base + i, c.into());
                // Move the band down a row: bit b now holds this column's row of
                // bit b + 1; the new bottom row enters at +1 (an over-estimate).
                let p = (vp >> 1) | (W::ONE << (W::BITS - 1));
                let nv = vn >> 1;
                // Hyyrö's step as in crate::kernels::hyyro2003::run, s = (Eq & VP) + VP.
                let x = eq | nv;
                let s = (eq & p).wrapping_add(p);
                let hp = nv | !(s | eq | p);
                let hn = p & (!s | eq);
                // D[i][j] - D[i-1][j-1] = v(i, j-1) + h(i, j), which is 0 or 1: it
                // is 1 exactly when one of them is +1 and neither is -1.
                score += (((p ^ hp) & !(nv | hn)) >> diag).low_bit();
                if score > k {
                    return ControlFlow::Break(Some(k + 1));
                }
                // The row above the band gains +1 per column (an over-estimate
                // inside the matrix, exact on the virtual rows).
                let hp_s = (hp << 1) | W::ONE;
                let hn_s = hn << 1;
                vp = hn_s | !(x | hp_s);
                vn = hp_s & x;
            }
        }
        (self.vp, self.vn, self.score) = (vp, vn, score);
        ControlFlow::Continue(())
    }
}

/// Where column j's window (pattern units s = j - A - 1 .. s + L, L the band's
/// bits, PAD = 3L) is read from: while s < 0 from a copy of the pattern's head
/// after L padding units, while the window lies inside the pattern from the
/// pattern itself, and at the end from a copy of its last L units followed by
/// padding (made only when a run gets there: most runs with a small bound stop
/// long before).
fn head<P: Unit + Default, const PAD: usize>(pattern: &[P]) -> [P; PAD] {
    let l = PAD / 3;
    let mut head = [P::default(); PAD];
    if pattern.len() >= l {
        // A copy of known size is a few vector moves, not a call to memcpy.
        head[l..2 * l].copy_from_slice(&pattern[..l]);
    } else {
        head[l..l + pattern.len()].copy_from_slice(pattern);
    }
    head
}

/// See [`head`]: the pattern's last L units (or all of a shorter one) end at L.
fn tail<P: Unit + Default, const PAD: usize>(pattern: &[P]) -> [P; PAD] {
    let (l, m) = (PAD / 3, pattern.len());
    let mut tail = [P::default(); PAD];
    if m >= l {
        tail[..l].copy_from_slice(&pattern[m - l..]);
    } else {
        tail[l - m..l].copy_from_slice(pattern);
    }
    tail
}

/// Runs the band (a `W` of L = PAD / 3 bits) over `text` with masks `mask(ptr, c)`
/// of the `lanes` (32, 64 or 128, at most L) pattern units at `ptr` against the
/// text unit `c`.
#[inline(always)]
fn run<W: Word, const PAD: usize, P: Unit + Default, T: Unit>(
    pattern: &[P],
    text: &[T],
    k: usize,
    lanes: usize,
    stop: Stop<'_>,
    mask: impl Fn(*const P, u32) -> W,
) -> Option<usize> {
    let (m, n) = (pattern.len(), text.len());
    let l = PAD / 3;
    debug_assert!(l == W::BITS as usize && lanes <= l);
    let mut kernel = Kernel::<W>::new(m, n, k);
    let above = above(k, n - m);
    let head_copy = head::<P, PAD>(pattern);
    // Column j (1-based) reads pattern units from s = j - A - 1; text[i] is column i + 1.
    let head_end = if m < lanes { n } else { above.min(n) };
    let head = head_copy.as_ptr();
    // The i-th column reads from s = i - A, i.e. head[L + i - A] (>= 1 since A < L).
    let flow = kernel.columns(&text[..head_end], stop, |i, c| {
        mask(head.wrapping_add(l + i).wrapping_sub(above), c)
    });
    if let ControlFlow::Break(r) = flow {
        return r;
    }
    if head_end == n {
        return Some(kernel.score.min(k + 1));
    }
    // Columns A + 1 ..= m - lanes + A + 1: s = 0 ..= m - lanes, inside the pattern.
    let mid_end = (m - lanes + above + 1).min(n);
    let direct = pattern.as_ptr();
    let flow = kernel.columns(&text[head_end..mid_end], stop, |i, c| {
        mask(direct.wrapping_add(i), c)
    });
    if let ControlFlow::Break(r) = flow {
        return r;
    }
    // The rest: s > m - lanes, read from tail[s - (m - L)].
    let tail_copy = tail::<P, PAD>(pattern);
    let tail = tail_copy.as_ptr();
    let first_s = mid_end - above; // s of text[mid_end] is mid_end + 1 - A - 1.
    let flow = kernel.columns(&text[mid_end..], stop, |i, c| {
        mask(tail.wrapping_add(first_s + i + l).wrapping_sub(m), c)
    });
    if let ControlFlow::Break(r) = flow {
        return r;
    }
    Some(kernel.score.min(k + 1))
}

/// All ones if `c` fits in `bits` bits, else zero: a wider text unit matches no
/// pattern unit, though its truncation may (a mask, not a branch: such units
/// come unpredictably in a text).
#[inline(always)]
fn fits_in(c: u32, bits: u32) -> u64 {
    u64::from(c >> bits == 0).wrapping_neg()
}

#[target_feature(enable = "avx2")]
fn avx2_u8<T: Unit>(pattern: &[u8], text: &[T], k: usize, stop: Stop<'_>) -> Option<usize> {
    let one = |p: *const u8, b: __m256i| -> u64 {
        // SAFETY: `run` only passes window starts whose `lanes` units lie in the
        // pattern or in a padded copy (see `head`).
        let eq = _mm256_cmpeq_epi8(unsafe { _mm256_loadu_si256(p.cast()) }, b);
        u64::from(_mm256_movemask_epi8(eq) as u32)
    };
    let sixty_four = |p: *const u8, b: __m256i| one(p, b) | (one(p.wrapping_add(32), b) << 32);
    match rows(k, text.len() - pattern.len()) {
        0..=32 => run::<u64, 192, _, _>(pattern, text, k, 32, stop, |p, c| {
            one(p, _mm256_set1_epi8(c as u8 as i8)) & fits_in(c, 8)
        }),
        33..=64 => run::<u64, 192, _, _>(pattern, text, k, 64, stop, |p, c| {
            sixty_four(p, _mm256_set1_epi8(c as u8 as i8)) & fits_in(c, 8)
        }),
        _ => run::<u128, 384, _, _>(pattern, text, k, 128, stop, |p, c| {
            let b = _mm256_set1_epi8(c as u8 as i8);
            let (lo, hi) = (sixty_four(p, b), sixty_four(p.wrapping_add(64), b));
            let wide = fits_in(c, 8);
            u128::from(lo & wide) | (u128::from(hi & wide) << 64)
        }),
    }
}

#[target_feature(enable = "avx2")]
fn avx2_u16<T: Unit>(pattern: &[u16], text: &[T], k: usize, stop: Stop<'_>) -> Option<usize> {
    // 32 units: two compares, packed to bytes within each 128-bit half, which
    // leaves the 8-unit groups in the order 0, 2, 1, 3; one permute restores it.
    let group = |p: *const u16, b: __m256i| -> u64 {
        // SAFETY: as in avx2_u8, the 32 units at `p` are readable.
        let (lo, hi) = unsafe {
            (
                _mm256_loadu_si256(p.cast()),
                _mm256_loadu_si256(p.wrapping_add(16).cast()),
            )
        };
        let packed = _mm256_packs_epi16(_mm256_cmpeq_epi16(lo, b), _mm256_cmpeq_epi16(hi, b));
        let ordered = _mm256_permute4x64_epi64::<0b11_01_10_00>(packed);
        u64::from(_mm256_movemask_epi8(ordered) as u32)
    };
    let sixty_four = |p: *const u16, b: __m256i| group(p, b) | (group(p.wrapping_add(32), b) << 32);
    match rows(k, text.len() - pattern.len()) {
        0..=32 => run::<u64, 192, _, _>(pattern, text, k, 32, stop, |p, c| {
            group(p, _mm256_set1_epi16(c as u16 as i16)) & fits_in(c, 16)
        }),
        33..=64 => run::<u64, 192, _, _>(pattern, text, k, 64, stop, |p, c| {
            sixty_four(p, _mm256_set1_epi16(c as u16 as i16)) & fits_in(c, 16)
        }),
        _ => run::<u128, 384, _, _>(pattern, text, k, 128, stop, |p, c| {
            let b = _mm256_set1_epi16(c as u16 as i16);
            let (lo, hi) = (sixty_four(p, b), sixty_four(p.wrapping_add(64), b));
            let wide = fits_in(c, 16);
            u128::from(lo & wide) | (u128::from(hi & wide) << 64)
        }),
    }
}

#[target_feature(enable = "avx2")]
fn avx2_u32<T: Unit>(pattern: &[u32], text: &[T], k: usize, stop: Stop<'_>) -> Option<usize> {
    // 32 units: four compares of 8, packed to bytes within each 128-bit half,
    // which leaves the 4-unit groups in the order 0, 2, 4, 6, 1, 3, 5, 7.
    let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    let group = |p: *const u32, b: __m256i| -> u64 {
        // SAFETY: as in avx2_u8, the 32 units at `p` are readable.
        let r: [__m256i; 4] =
            std::array::from_fn(|i| unsafe { _mm256_loadu_si256(p.wrapping_add(8 * i).cast()) });
        let ab = _mm256_packs_epi32(_mm256_cmpeq_epi32(r[0], b), _mm256_cmpeq_epi32(r[1], b));
        let cd = _mm256_packs_epi32(_mm256_cmpeq_epi32(r[2], b), _mm256_cmpeq_epi32(r[3], b));
        let ordered = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(ab, cd), order);
        u64::from(_mm256_movemask_epi8(ordered) as u32)
    };
    let sixty_four = |p: *const u32, b: __m256i| group(p, b) | (group(p.wrapping_add(32), b) << 32);
    match rows(k, text.len() - pattern.len()) {
        0..=32 => run::<u64, 192, _, _>(pattern, text, k, 32, stop, |p, c| {
            group(p, _mm256_set1_epi32(c as i32))
        }),
        33..=64 => run::<u64, 192, _, _>(pattern, text, k, 64, stop, |p, c| {
            sixty_four(p, _mm256_set1_epi32(c as i32))
        }),
        _ => run::<u128, 384, _, _>(pattern, text, k, 128, stop, |p, c| {
            let b = _mm256_set1_epi32(c as i32);
            let (lo, hi) = (sixty_four(p, b), sixty_four(p.wrapping_add(64), b));
            u128::from(lo) | (u128::from(hi) << 64)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Tiny alphabets, Latin-1 units whose truncation collides with wider ones,
    /// surrogates, astral code points and grapheme ids above U+10FFFF.
    fn unit() -> impl Strategy<Value = u32> {
        prop_oneof![
            3 => 0u32..2,
            2 => 0u32..4,
            1 => prop::sample::select(vec![0x41, 0x141, 0x1_0041, 0xD800, 0xDC00, 0x11_0041]),
            1 => 0u32..300,
            1 => any::<u32>(),
        ]
    }

    fn length() -> impl Strategy<Value = usize> {
        prop_oneof![
            1 => 1usize..300,
            1 => prop::sample::select(vec![
                1usize, 2, 31, 32, 33, 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257,
            ]),
        ]
    }

    /// A pattern and a text made from it by a few edits (or an unrelated one).
    fn pair() -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
        (
            length().prop_flat_map(|n| vec(unit(), n)),
            vec((0u8..3, any::<prop::sample::Index>(), unit()), 0..40),
            vec(unit(), 0..400),
            0u8..4,
        )
            .prop_map(|(a, edits, other, kind)| {
                if kind == 0 {
                    return (a, other);
                }
                let mut b = a.clone();
                for (op, at, c) in edits {
                    match op {
                        0 if !b.is_empty() => {
                            let i = at.index(b.len());
                            b[i] = c;
                        }
                        1 => b.insert(at.index(b.len() + 1), c),
                        _ if b.len() > 1 => {
                            b.remove(at.index(b.len()));
                        }
                        _ => {}
                    }
                }
                (a, b)
            })
    }

    fn narrow<W: TryFrom<u32>>(s: &[u32]) -> Option<Vec<W>> {
        s.iter().map(|&c| W::try_from(c).ok()).collect()
    }

    fn truncate<W: TryFrom<u32>>(s: &[u32]) -> Vec<W> {
        s.iter()
            .filter_map(|&c| W::try_from(c & 0xFF).ok())
            .collect()
    }

    /// The kernel for every k whose band fits, in every width the pair fits in.
    fn check(p: &[u32], t: &[u32]) -> Result<(), TestCaseError> {
        let (p, t) = if p.len() <= t.len() { (p, t) } else { (t, p) };
        if p.is_empty() {
            return Ok(());
        }
        let d = naive(p, t);
        let p8: Vec<u8> = truncate(p);
        let d8 = naive(&p8, t);
        let diff = t.len() - p.len();
        let ks = (0..=6).chain([
            d.saturating_sub(1),
            d,
            d + 1,
            30,
            31,
            32,
            33,
            62,
            63,
            64,
            65,
            66,
            100,
            125,
            126,
            127,
            128,
            129,
        ]);
        for k in ks.filter(|&k| k >= diff && fits(k, diff)) {
            prop_assert_eq!(
                distance(p, t, k, Stop::Never),
                Some(d.min(k + 1)),
                "u32 k {}",
                k
            );
            if let Some(p16) = narrow::<u16>(p) {
                prop_assert_eq!(
                    distance(&p16, t, k, Stop::Never),
                    Some(d.min(k + 1)),
                    "u16 k {}",
                    k
                );
                if let Some(t16) = narrow::<u16>(t) {
                    prop_assert_eq!(distance(&p16, &t16, k, Stop::Never), Some(d.min(k + 1)));
                }
            }
            prop_assert_eq!(
                distance(&p8, t, k, Stop::Never),
                Some(d8.min(k + 1)),
                "u8 k {}",
                k
            );
            if let Some(t8) = narrow::<u8>(t) {
                prop_assert_eq!(
                    distance(&p8, &t8, k, Stop::Never),
                    Some(naive(&p8, &t8).min(k + 1))
                );
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

        #[test]
        fn matches_reference_for_every_fitting_bound((a, b) in pair()) {
            if available() {
                check(&a, &b)?;
            }
        }
    }

    #[test]
    fn a_raised_stop_flag_ends_a_long_run() {
        if !available() {
            return;
        }
        let flag = std::sync::atomic::AtomicBool::new(true);
        let stop = Stop::Flag(&flag);
        // Equal strings never exceed the bound, so only the flag can end the run.
        let p: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
        for k in [10, 100] {
            assert_eq!(distance(&p, &p, k, stop), None);
            assert_eq!(distance(&p, &p, k, Stop::Never), Some(0));
        }
    }

    #[test]
    fn band_edges_and_distance_at_the_bound() {
        if !available() {
            return;
        }
        // Every pattern length around the window sizes, texts longer by 0..=k,
        // with the distance exactly k or k + 1.
        for m in [
            1usize, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 255, 256, 257, 400,
        ] {
            let p: Vec<u32> = (0..m as u32)
                .map(|i| i.wrapping_mul(2_654_435_761) >> 30)
                .collect();
            for k in [0usize, 1, 2, 5, 31, 32, 62, 63, 64, 65, 100, 126, 127, 128] {
                for extra in [0, k / 2, k] {
                    let mut t = vec![7u32; extra];
                    t.extend(&p);
                    for (i, c) in t.iter_mut().enumerate().skip(extra).step_by(11) {
                        if i % 2 == 0 {
                            *c = 9;
                        }
                    }
                    let d = naive(&p, &t);
                    if fits(k, extra) {
                        assert_eq!(
                            distance(&p, &t, k, Stop::Never),
                            Some(d.min(k + 1)),
                            "m {m} k {k} extra {extra}"
                        );
                    }
                }
            }
        }
    }
}
