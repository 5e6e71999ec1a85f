//! Pattern-match masks by SIMD comparison in 16- or 32-bit lanes, for UCS-2 and
//! UCS-4 patterns of at most 64 units on x86-64.
//!
//! Why: for short strings, filling and clearing a per-call table (a dense array
//! for Latin-1 plus a hash map for wider code points) cost about twice the kernel
//! itself. Here the pattern is copied once into a zero-padded array and held in
//! vector registers; the mask of each text unit is the equality of all pattern
//! lanes with the broadcast unit, narrowed to one bit per lane with signed packs
//! (0 / -1 saturate to 0 / -1) and `movemask`. That is a handful of instructions
//! that do not depend on the previous column, so they overlap with the kernel's
//! serial chain; there is nothing to clear, and any `u32` (grapheme ids above
//! U+10FFFF included) compares exactly.
//!
//! AVX2 packs work within each 128-bit half, so a 256-bit register is loaded as
//! two halves taken 16 units apart: then the bytes of the final `movemask` come
//! out in pattern order without any shuffle. AVX2 is detected at run time; the
//! fallback is SSE2 (in the x86-64 baseline), whose packs are in order anyway.
//! Padding lanes hold 0 and may match a NUL text unit; that only sets mask bits
//! above the pattern, which the kernel ignores (see [`crate::kernels::hyyro2003::run`]).
//!
//! Cost: O(n) for a text of n units; set-up is zeroing a 128- or 256-byte array
//! and copying the pattern in. Per text unit AVX2 spends about 9 vector
//! instructions per 32 pattern units (UCS-4) or 4 (UCS-2), SSE2 about twice that;
//! a text unit's mask costs the same whatever the pattern's alphabet.

use crate::kernels::masks::PeqSink;
use std::arch::x86_64::{
    __m128i, __m256i, _mm_cmpeq_epi16, _mm_cmpeq_epi32, _mm_loadu_si128, _mm_movemask_epi8,
    _mm_packs_epi16, _mm_packs_epi32, _mm_set1_epi16, _mm_set1_epi32, _mm256_cmpeq_epi16,
    _mm256_cmpeq_epi32, _mm256_movemask_epi8, _mm256_packs_epi16, _mm256_packs_epi32,
    _mm256_set_m128i, _mm256_set1_epi16, _mm256_set1_epi32,
};

/// The pattern (1..=64 units) in order, zero-padded to 64 lanes.
///
/// A copy of the pattern's run-time length would call `memcpy` (a call, a
/// `vzeroupper`, and as many branches as this); instead the pattern is copied as
/// its first and last `N` lanes for the largest power of two `N` that fits, two
/// overlapping copies of a size known at compile time, i.e. a few vector moves.
#[inline(always)]
pub(crate) fn padded<W: Copy + Default>(pattern: &[W]) -> [W; 64] {
    let mut out = [W::default(); 64];
    match pattern.len() {
        32.. => copy_ends::<W, 32>(&mut out, pattern),
        16.. => copy_ends::<W, 16>(&mut out, pattern),
        8.. => copy_ends::<W, 8>(&mut out, pattern),
        4.. => copy_ends::<W, 4>(&mut out, pattern),
        2.. => copy_ends::<W, 2>(&mut out, pattern),
        _ => out[0] = pattern[0],
    }
    out
}

/// Copies the first and the last `N` units of `pattern` (`N..=2N` long) into place.
#[inline(always)]
fn copy_ends<W: Copy, const N: usize>(out: &mut [W; 64], pattern: &[W]) {
    let m = pattern.len();
    debug_assert!((N..=2 * N).contains(&m));
    let head: &[W; N] = pattern[..N].try_into().expect("N <= m");
    let tail: &[W; N] = pattern[m - N..].try_into().expect("N <= m");
    out[..N].copy_from_slice(head);
    out[m - N..m].copy_from_slice(tail);
}

/// Whether the AVX2 sources run here: AVX2, and POPCNT for the kernels'
/// closing population counts (see `bytes`).
fn avx2_available() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt")
}

/// Hands `sink` the masks of a UCS-2 `pattern` (1..=64 units).
pub(crate) fn with_peq_u16<S: PeqSink>(pattern: &[u16], sink: S) -> S::Out {
    if avx2_available() {
        // SAFETY: the CPU supports AVX2 and POPCNT (checked just above).
        unsafe { avx2_u16(pattern, sink) }
    } else {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { sse2_u16(pattern, sink) }
    }
}

/// Hands `sink` the masks of a UCS-4 (or grapheme id) `pattern` (1..=64 units).
pub(crate) fn with_peq_u32<S: PeqSink>(pattern: &[u32], sink: S) -> S::Out {
    if avx2_available() {
        // SAFETY: the CPU supports AVX2 and POPCNT (checked just above).
        unsafe { avx2_u32(pattern, sink) }
    } else {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { sse2_u32(pattern, sink) }
    }
}

/// Loads 16 bytes at lane `at` of `lanes`.
#[inline(always)]
fn load<W>(lanes: &[W; 64], at: usize) -> __m128i {
    assert!((at + 16 / size_of::<W>()) <= 64);
    // SAFETY: the 16 bytes read lie inside `lanes` (asserted above).
    unsafe { _mm_loadu_si128(lanes.as_ptr().add(at).cast()) }
}

/// Register `r` of the 32-unit group `g`: its low half holds `L` lanes from
/// group offset `r * L`, its high half the `L` lanes 16 units further on, so
/// that in-half packs put the lanes of the whole group in order.
#[target_feature(enable = "avx2")]
fn avx2_reg<W, const L: usize>(lanes: &[W; 64], g: usize, r: usize) -> __m256i {
    let at = 32 * g + r * L;
    _mm256_set_m128i(load(lanes, at + 16), load(lanes, at))
}

/// UCS-4 pattern, AVX2: 8 lanes per compare, four compares per 32 units.
#[target_feature(enable = "avx2,popcnt")]
pub(crate) fn avx2_u32<S: PeqSink>(pattern: &[u32], sink: S) -> S::Out {
    let (lanes, m) = (&padded(pattern), pattern.len());
    let regs: [[__m256i; 4]; 2] =
        std::array::from_fn(|g| std::array::from_fn(|r| avx2_reg::<u32, 4>(lanes, g, r)));
    let group = |regs: &[__m256i; 4], b: __m256i| -> u64 {
        let ab = _mm256_packs_epi32(
            _mm256_cmpeq_epi32(regs[0], b),
            _mm256_cmpeq_epi32(regs[1], b),
        );
        let cd = _mm256_packs_epi32(
            _mm256_cmpeq_epi32(regs[2], b),
            _mm256_cmpeq_epi32(regs[3], b),
        );
        u64::from(_mm256_movemask_epi8(_mm256_packs_epi16(ab, cd)) as u32)
    };
    if m <= 32 {
        sink.consume(m, |c| group(&regs[0], _mm256_set1_epi32(c as i32)))
    } else {
        sink.consume(m, |c| {
            let b = _mm256_set1_epi32(c as i32);
            group(&regs[0], b) | (group(&regs[1], b) << 32)
        })
    }
}

/// UCS-2 pattern, AVX2: 16 lanes per compare, two compares per 32 units.
#[target_feature(enable = "avx2,popcnt")]
pub(crate) fn avx2_u16<S: PeqSink>(pattern: &[u16], sink: S) -> S::Out {
    let (lanes, m) = (&padded(pattern), pattern.len());
    let regs: [[__m256i; 2]; 2] =
        std::array::from_fn(|g| std::array::from_fn(|r| avx2_reg::<u16, 8>(lanes, g, r)));
    let group = |regs: &[__m256i; 2], b: __m256i| -> u64 {
        let eq = _mm256_packs_epi16(
            _mm256_cmpeq_epi16(regs[0], b),
            _mm256_cmpeq_epi16(regs[1], b),
        );
        u64::from(_mm256_movemask_epi8(eq) as u32)
    };
    if m <= 32 {
        sink.consume(m, |c| {
            group(&regs[0], _mm256_set1_epi16(c as i16)) & below_u16(c)
        })
    } else {
        sink.consume(m, |c| {
            let b = _mm256_set1_epi16(c as i16);
            (group(&regs[0], b) | (group(&regs[1], b) << 32)) & below_u16(c)
        })
    }
}

/// UCS-4 pattern, SSE2: four compares per 16 units, only for the groups in use.
#[target_feature(enable = "sse2")]
pub(crate) fn sse2_u32<S: PeqSink>(pattern: &[u32], sink: S) -> S::Out {
    let (lanes, m) = (&padded(pattern), pattern.len());
    let regs: [__m128i; 16] = std::array::from_fn(|i| load(lanes, 4 * i));
    let groups = m.div_ceil(16);
    sink.consume(m, |c| {
        let b = _mm_set1_epi32(c as i32);
        let mut eq = 0;
        for (k, r) in regs.chunks_exact(4).take(groups).enumerate() {
            let ab = _mm_packs_epi32(_mm_cmpeq_epi32(r[0], b), _mm_cmpeq_epi32(r[1], b));
            let cd = _mm_packs_epi32(_mm_cmpeq_epi32(r[2], b), _mm_cmpeq_epi32(r[3], b));
            let bits = _mm_movemask_epi8(_mm_packs_epi16(ab, cd)) as u32;
            eq |= u64::from(bits) << (16 * k);
        }
        eq
    })
}

/// All ones if `c` fits in 16 bits, else zero: a unit above U+FFFF matches no
/// UCS-2 pattern unit, though its truncation to 16 bits may. A mask rather than a
/// branch, since such units (emoji, grapheme ids) come unpredictably in a text.
#[inline(always)]
fn below_u16(c: u32) -> u64 {
    u64::from(c <= 0xFFFF).wrapping_neg()
}

/// UCS-2 pattern, SSE2: two compares per 16 units, only for the groups in use.
#[target_feature(enable = "sse2")]
pub(crate) fn sse2_u16<S: PeqSink>(pattern: &[u16], sink: S) -> S::Out {
    let (lanes, m) = (&padded(pattern), pattern.len());
    let regs: [__m128i; 8] = std::array::from_fn(|i| load(lanes, 8 * i));
    let groups = m.div_ceil(16);
    sink.consume(m, |c| {
        let b = _mm_set1_epi16(c as i16);
        let mut eq = 0;
        for (k, r) in regs.chunks_exact(2).take(groups).enumerate() {
            let bits = _mm_movemask_epi8(_mm_packs_epi16(
                _mm_cmpeq_epi16(r[0], b),
                _mm_cmpeq_epi16(r[1], b),
            )) as u32;
            eq |= u64::from(bits) << (16 * k);
        }
        eq & below_u16(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::hyyro2003::{Steps, with_table};
    use crate::kernels::reference::naive;
    use crate::runtime::stop::Stop;
    use crate::text::units::Unit;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Code points chosen to collide after truncation (0x41, 0x1_0041, 0x11_0041
    /// share their low 16 bits), to hit the padding (0), surrogates, and
    /// grapheme ids above U+10FFFF.
    fn tricky() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..3,
            Just(0x41),
            Just(0x1_0041),
            Just(0x11_0041),
            Just(0xFFFF_0041),
            0xD800u32..0xD803,
            0xDC00u32..0xDC02,
            0x11_0000u32..0x11_0004,
            Just(u32::MAX),
        ]
    }

    /// Units for a u32 pattern: tiny, tricky or wide alphabets.
    fn u32_unit() -> impl Strategy<Value = u32> {
        prop_oneof![tricky(), 0u32..300, 0x4E00u32..0x4E40, any::<u32>()]
    }

    /// Units for a u16 pattern: tiny, surrogate or wide alphabets.
    fn u16_unit() -> impl Strategy<Value = u16> {
        prop_oneof![
            0u16..3,
            Just(0x41),
            0xD800u16..0xD803,
            0u16..300,
            any::<u16>()
        ]
    }

    /// Every mask source for a u32 pattern against a text of unit type `T`.
    fn check_u32<T: Unit>(p: &[u32], t: &[T]) -> Result<(), TestCaseError> {
        let want = Some(naive(p, t));
        // SAFETY: SSE2 is part of the x86-64 baseline.
        prop_assert_eq!(
            unsafe {
                sse2_u32(
                    p,
                    Steps {
                        text: t,
                        stop: Stop::Never,
                    },
                )
            },
            want
        );
        prop_assert_eq!(with_table(p, t, Stop::Never), want);
        if avx2_available() {
            // SAFETY: AVX2 and POPCNT checked above.
            prop_assert_eq!(
                unsafe {
                    avx2_u32(
                        p,
                        Steps {
                            text: t,
                            stop: Stop::Never,
                        },
                    )
                },
                want
            );
        }
        prop_assert_eq!(
            with_peq_u32(
                p,
                Steps {
                    text: t,
                    stop: Stop::Never
                }
            ),
            want
        );
        Ok(())
    }

    /// Every mask source for a u16 pattern against a text of unit type `T`.
    fn check_u16<T: Unit>(p: &[u16], t: &[T]) -> Result<(), TestCaseError> {
        let want = Some(naive(p, t));
        // SAFETY: SSE2 is part of the x86-64 baseline.
        prop_assert_eq!(
            unsafe {
                sse2_u16(
                    p,
                    Steps {
                        text: t,
                        stop: Stop::Never,
                    },
                )
            },
            want
        );
        prop_assert_eq!(with_table(p, t, Stop::Never), want);
        if avx2_available() {
            // SAFETY: AVX2 and POPCNT checked above.
            prop_assert_eq!(
                unsafe {
                    avx2_u16(
                        p,
                        Steps {
                            text: t,
                            stop: Stop::Never,
                        },
                    )
                },
                want
            );
        }
        prop_assert_eq!(
            with_peq_u16(
                p,
                Steps {
                    text: t,
                    stop: Stop::Never
                }
            ),
            want
        );
        Ok(())
    }

    fn narrow<W: TryFrom<u32>>(t: &[u32]) -> Vec<W> {
        t.iter().filter_map(|&c| W::try_from(c).ok()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        #[test]
        fn u32_patterns_match_reference(
            p in vec(u32_unit(), 1..=64),
            t in vec(u32_unit(), 0..200),
        ) {
            check_u32(&p, &t)?;
            check_u32(&p, &narrow::<u16>(&t))?;
            check_u32(&p, &narrow::<u8>(&t))?;
        }

        #[test]
        fn u16_patterns_match_reference(
            p in vec(u16_unit(), 1..=64),
            t in vec(prop_oneof![u32_unit(), u16_unit().prop_map(u32::from)], 0..200),
        ) {
            check_u16(&p, &t)?;
            check_u16(&p, &narrow::<u16>(&t))?;
            check_u16(&p, &narrow::<u8>(&t))?;
        }

        /// Texts built from the pattern itself, so that masks are dense and
        /// distances small: the case a wrong lane order would break.
        #[test]
        fn edited_copies_match_reference(
            p in vec(u32_unit(), 1..=64),
            edits in vec((any::<prop::sample::Index>(), u32_unit(), 0u8..3), 0..8),
        ) {
            let t = crate::kernels::reference::edited(&p, edits);
            check_u32(&p, &t)?;
            let p16: Vec<u16> = p.iter().map(|&c| c as u16).collect();
            check_u16(&p16, &t)?;
        }
    }

    #[test]
    fn padded_copies_every_length_exactly() {
        for m in 1..=64usize {
            let p: Vec<u32> = (1..=m as u32).collect();
            let want: Vec<u32> = (1..=64)
                .map(|i| if i <= m as u32 { i } else { 0 })
                .collect();
            assert_eq!(padded(&p).to_vec(), want, "u32, length {m}");
            let p8: Vec<u8> = p.iter().map(|&c| c as u8).collect();
            let want8: Vec<u8> = want.iter().map(|&c| c as u8).collect();
            assert_eq!(padded(&p8).to_vec(), want8, "u8, length {m}");
        }
    }

    #[test]
    fn every_pattern_length_and_position() {
        // One distinct unit per position: the mask of each must be exactly its bit,
        // which checks the lane order of every register half at every length.
        for m in 1..=64u32 {
            let p: Vec<u32> = (0..m).map(|i| 0x1_F600 + i).collect();
            let p16: Vec<u16> = (0..m).map(|i| 0xD800 + i as u16).collect();
            for i in 0..m as usize {
                let t32 = [p[i]];
                check_u32(&p, &t32).unwrap();
                let t16 = [p16[i]];
                check_u16(&p16, &t16).unwrap();
            }
        }
    }
}
