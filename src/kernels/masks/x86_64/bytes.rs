//! Pattern-match masks by SIMD byte comparison, for Latin-1 patterns of at most 64
//! units on x86-64.
//!
//! Instead of filling and clearing a 256-entry table per call (a third of the time
//! of a short pair), the pattern sits in one or two vector registers and the mask
//! of each text unit is `movemask(cmpeq(pattern, broadcast(unit)))`: a few
//! instructions that do not depend on the previous column, so they overlap with the
//! kernel's serial chain. AVX-512 BW (64 bytes per compare, straight into a mask
//! register) is used when the CPU has it, else AVX2 (32 bytes per compare), both
//! detected at run time; otherwise SSE2, which every x86-64 CPU has (16 bytes).
//! The AVX ones also enable POPCNT (every AVX2 CPU has it; checked too): the
//! kernels inlined into them end on population counts, which the baseline
//! target emulates in a dozen instructions each.
//! Padding bytes past the pattern compare equal to NUL, which only sets mask bits
//! above the pattern, which the kernel ignores (see [`crate::kernels::hyyro2003::run`]).
//!
//! Cost: O(1) per text unit, with no set-up; the masks go to a [`PeqSink`] (the
//! kernel, or the four-lane batch path's buffer).

use crate::kernels::masks::PeqSink;
use std::arch::x86_64::{
    __m128i, __m256i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set_m128i,
    _mm256_set1_epi8, _mm512_cmpeq_epi8_mask, _mm512_maskz_loadu_epi8, _mm512_set1_epi8,
};

/// Hands `sink` the masks of a Latin-1 `pattern` (1..=64 units), built with the
/// widest vectors this CPU has.
pub(crate) fn with_peq<S: PeqSink>(pattern: &[u8], sink: S) -> S::Out {
    let popcnt = std::arch::is_x86_feature_detected!("popcnt");
    if std::arch::is_x86_feature_detected!("avx512bw")
        && std::arch::is_x86_feature_detected!("avx512f")
        && popcnt
    {
        // SAFETY: the CPU supports AVX-512 F and BW and POPCNT (checked just above).
        return unsafe { avx512(pattern, sink) };
    }
    let has_avx2 = std::arch::is_x86_feature_detected!("avx2") && popcnt;
    if has_avx2 && pattern.len() >= 16 {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { avx2_in_place(pattern, sink) };
    }
    let padded = crate::kernels::masks::x86_64::wide::padded(pattern);
    if has_avx2 {
        // SAFETY: the CPU supports AVX2 (checked just above).
        unsafe { avx2(&padded, pattern.len(), sink) }
    } else {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { sse2(&padded, pattern.len(), sink) }
    }
}

/// A pattern of 1..=64 units in one AVX-512 register, read by a masked load
/// (which reads only the pattern's bytes, so needs no padded copy, and zeroes
/// the lanes past it), and each text unit's mask straight from one compare
/// into a mask register: three instructions per unit (broadcast, compare,
/// move), where AVX2 needs two compares, two moves and a merge for patterns
/// over 32 units.
#[target_feature(enable = "avx512f,avx512bw,popcnt")]
pub(crate) fn avx512<S: PeqSink>(pattern: &[u8], sink: S) -> S::Out {
    let m = pattern.len();
    debug_assert!((1..=64).contains(&m));
    // SAFETY: the mask selects the pattern's m bytes only; masked-off bytes
    // are neither read nor able to fault.
    let reg = unsafe { _mm512_maskz_loadu_epi8(u64::MAX >> (64 - m), pattern.as_ptr().cast()) };
    sink.consume(m, |c| {
        if c < 256 {
            _mm512_cmpeq_epi8_mask(reg, _mm512_set1_epi8(c as u8 as i8))
        } else {
            0
        }
    })
}

#[target_feature(enable = "avx2,popcnt")]
pub(crate) fn avx2<S: PeqSink>(padded: &[u8; 64], m: usize, sink: S) -> S::Out {
    // SAFETY: both loads read 32 bytes inside the 64-byte array.
    let (lo, hi): (__m256i, __m256i) = unsafe {
        (
            _mm256_loadu_si256(padded.as_ptr().cast()),
            _mm256_loadu_si256(padded.as_ptr().add(32).cast()),
        )
    };
    let mask = |reg: __m256i, c: u32| -> u64 {
        let b = _mm256_set1_epi8(c as u8 as i8);
        u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(reg, b)) as u32)
    };
    if m <= 32 {
        sink.consume(m, |c| if c < 256 { mask(lo, c) } else { 0 })
    } else {
        sink.consume(m, |c| {
            if c < 256 {
                mask(lo, c) | (mask(hi, c) << 32)
            } else {
                0
            }
        })
    }
}

/// Like [`avx2`], but loading a pattern of 16..=64 units straight from its slice:
/// two loads, the second ending at the pattern's last unit, whose masks are
/// merged by a shift (the units both loads cover give equal bits). Copying a
/// short pattern into a padded array and reading it back as one wide load stalls
/// store-to-load forwarding, which costs as much as the kernel on short strings.
#[target_feature(enable = "avx2,popcnt")]
pub(crate) fn avx2_in_place<S: PeqSink>(pattern: &[u8], sink: S) -> S::Out {
    let m = pattern.len();
    debug_assert!((16..=64).contains(&m));
    let p = pattern.as_ptr();
    let mask = |reg: __m256i, c: u32| -> u64 {
        let b = _mm256_set1_epi8(c as u8 as i8);
        u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(reg, b)) as u32)
    };
    if m >= 32 {
        // SAFETY: m >= 32, so both 32-byte loads lie inside the pattern.
        let (lo, hi) = unsafe {
            (
                _mm256_loadu_si256(p.cast()),
                _mm256_loadu_si256(p.add(m - 32).cast()),
            )
        };
        let shift = m - 32;
        sink.consume(m, |c| {
            if c < 256 {
                mask(lo, c) | (mask(hi, c) << shift)
            } else {
                0
            }
        })
    } else {
        // SAFETY: 16 <= m < 32, so both 16-byte loads lie inside the pattern.
        let reg = unsafe {
            _mm256_set_m128i(
                _mm_loadu_si128(p.add(m - 16).cast()),
                _mm_loadu_si128(p.cast()),
            )
        };
        // Lane 16 + i of the register holds unit m - 16 + i.
        let shift = 32 - m;
        sink.consume(m, |c| {
            if c < 256 {
                let both = mask(reg, c);
                (both & 0xFFFF) | ((both & 0xFFFF_0000) >> shift)
            } else {
                0
            }
        })
    }
}

#[target_feature(enable = "sse2")]
pub(crate) fn sse2<S: PeqSink>(padded: &[u8; 64], m: usize, sink: S) -> S::Out {
    // SAFETY: each load reads 16 bytes inside the 64-byte array.
    let regs: [__m128i; 4] =
        std::array::from_fn(|i| unsafe { _mm_loadu_si128(padded.as_ptr().add(16 * i).cast()) });
    let mask = |reg: __m128i, b: __m128i| -> u64 {
        u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(reg, b)) as u32 as u16)
    };
    let peq = |c: u32| -> u64 {
        if c >= 256 {
            return 0;
        }
        let b = _mm_set1_epi8(c as u8 as i8);
        let mut eq = mask(regs[0], b);
        for (k, &reg) in regs.iter().enumerate().take(m.div_ceil(16)).skip(1) {
            eq |= mask(reg, b) << (16 * k);
        }
        eq
    };
    sink.consume(m, peq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::hyyro2003::{Steps, with_table};
    use crate::kernels::reference::naive;
    use crate::runtime::stop::Stop;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn padded(p: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..p.len()].copy_from_slice(p);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

        #[test]
        fn every_mask_source_matches_reference(
            p in vec(prop_oneof![0u8..3, any::<u8>()], 1..=64),
            t in vec(prop_oneof![0u32..3, 0u32..300], 0..100),
        ) {
            let want = naive(&p, &t);
            let pad = padded(&p);
            // SAFETY: SSE2 is part of the x86-64 baseline.
            prop_assert_eq!(unsafe { sse2(&pad, p.len(), Steps { text: &t, stop: Stop::Never }) }, Some(want));
            prop_assert_eq!(with_table(&p, &t, Stop::Never), Some(want));
            let popcnt = std::arch::is_x86_feature_detected!("popcnt");
            if std::arch::is_x86_feature_detected!("avx512bw") && std::arch::is_x86_feature_detected!("avx512f") && popcnt {
                // SAFETY: AVX-512 F and BW and POPCNT checked above.
                prop_assert_eq!(unsafe { avx512(&p, Steps { text: &t, stop: Stop::Never }) }, Some(want));
            }
            if std::arch::is_x86_feature_detected!("avx2") && popcnt {
                // SAFETY: AVX2 and POPCNT checked above.
                prop_assert_eq!(unsafe { avx2(&pad, p.len(), Steps { text: &t, stop: Stop::Never }) }, Some(want));
                if p.len() >= 16 {
                    // SAFETY: AVX2 and POPCNT checked above.
                    prop_assert_eq!(unsafe { avx2_in_place(&p, Steps { text: &t, stop: Stop::Never }) }, Some(want));
                }
            }
        }
    }
}
