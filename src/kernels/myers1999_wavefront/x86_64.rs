//! The wavefront's vector registers on x86-64: AVX2 (4 lanes) and AVX-512
//! (8 lanes, with VBMI2's double shift), and the target-feature functions that
//! run the schedule of [`super::band`] on one or two of them.

use super::band::{BandState, Reg, run, run_keeping};
use super::{Job, Width};
use crate::runtime::stop::Stop;
use std::arch::x86_64::{
    __m256i, __m512i, _mm_storeu_si128, _mm256_add_epi64, _mm256_and_si256, _mm256_andnot_si256,
    _mm256_blend_epi32, _mm256_extracti128_si256, _mm256_loadu_si256, _mm256_or_si256,
    _mm256_permute4x64_epi64, _mm256_set1_epi64x, _mm256_setr_epi64x, _mm256_slli_epi64,
    _mm256_srli_epi64, _mm256_storeu_si256, _mm256_unpackhi_epi64, _mm512_add_epi64,
    _mm512_alignr_epi64, _mm512_and_si512, _mm512_andnot_si512, _mm512_extracti32x4_epi32,
    _mm512_loadu_si512, _mm512_mask_blend_epi64, _mm512_or_si512, _mm512_set1_epi64,
    _mm512_setr_epi64, _mm512_slli_epi64, _mm512_srli_epi64, _mm512_storeu_si512,
    _mm512_unpackhi_epi64,
};
use std::ops::Range;

/// The kernel on `R` AVX2 registers.
///
/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn avx2<const R: usize>(job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
    run::<Avx2, R>(job, stop)
}

/// The kernel on `R` AVX-512 registers; VBMI2's double shift (vpshldq)
/// takes the carry into row 1 in one instruction instead of three.
///
/// # Safety
/// The CPU must have AVX-512F, AVX-512 VBMI2 and AVX2.
#[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
pub(super) unsafe fn avx512<const R: usize>(job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
    run::<Avx512, R>(job, stop)
}

/// [`run_keeping`] on `R` AVX2 registers.
///
/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn avx2_keeping<const R: usize, const KEEP: u8>(
    job: &Job<'_>,
    kept: &mut [u64],
    stop: Stop<'_>,
) -> Option<usize> {
    run_keeping::<Avx2, R, KEEP>(job, kept, stop)
}

/// [`run_keeping`] on `R` AVX-512 registers.
///
/// # Safety
/// As for [`avx512`].
#[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
pub(super) unsafe fn avx512_keeping<const R: usize, const KEEP: u8>(
    job: &Job<'_>,
    kept: &mut [u64],
    stop: Stop<'_>,
) -> Option<usize> {
    run_keeping::<Avx512, R, KEEP>(job, kept, stop)
}

/// A band of a [`super::Pipeline`] on one of the vector widths.
pub(super) struct AnyBand(Band);

enum Band {
    Avx2(BandState<Avx2, 1>),
    Avx2x2(BandState<Avx2, 2>),
    Avx512(BandState<Avx512, 1>),
    Avx512x2(BandState<Avx512, 2>),
}

impl AnyBand {
    /// A fresh band of `strips` on `width`, which this CPU runs.
    pub(super) fn new(width: Width, job: &Job<'_>, strips: Range<usize>) -> Self {
        debug_assert!(width.available());
        // SAFETY: bands are only made for the width of a Plan, which this CPU runs.
        unsafe {
            AnyBand(match width {
                Width::Avx2 => Band::Avx2(new_avx2(job, strips)),
                Width::Avx2x2 => Band::Avx2x2(new_avx2(job, strips)),
                Width::Avx512 => Band::Avx512(new_avx512(job, strips)),
                Width::Avx512x2 => Band::Avx512x2(new_avx512(job, strips)),
            })
        }
    }

    /// [`BandState::advance`].
    pub(super) fn advance(
        &mut self,
        job: &Job<'_>,
        c: usize,
        incoming: Option<&[[u64; 2]]>,
        outgoing: Option<&mut [[u64; 2]]>,
    ) {
        // SAFETY: as in `new`, the band's width runs on this CPU.
        unsafe {
            match &mut self.0 {
                Band::Avx2(b) => advance_avx2(b, job, c, incoming, outgoing),
                Band::Avx2x2(b) => advance_avx2(b, job, c, incoming, outgoing),
                Band::Avx512(b) => advance_avx512(b, job, c, incoming, outgoing),
                Band::Avx512x2(b) => advance_avx512(b, job, c, incoming, outgoing),
            }
        }
    }

    /// [`BandState::last_blocks`].
    pub(super) fn last_blocks(&self, job: &Job<'_>, out: &mut Vec<[u64; 2]>) {
        // SAFETY: as in `new`, the band's width runs on this CPU.
        unsafe {
            match &self.0 {
                Band::Avx2(b) => last_blocks_avx2(b, job, out),
                Band::Avx2x2(b) => last_blocks_avx2(b, job, out),
                Band::Avx512(b) => last_blocks_avx512(b, job, out),
                Band::Avx512x2(b) => last_blocks_avx512(b, job, out),
            }
        }
    }

    /// [`BandState::vertical_deltas`].
    pub(super) fn vertical_deltas(&self, job: &Job<'_>) -> isize {
        // SAFETY: as in `new`, the band's width runs on this CPU.
        unsafe {
            match &self.0 {
                Band::Avx2(b) => deltas_avx2(b, job),
                Band::Avx2x2(b) => deltas_avx2(b, job),
                Band::Avx512(b) => deltas_avx512(b, job),
                Band::Avx512x2(b) => deltas_avx512(b, job),
            }
        }
    }
}

/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
unsafe fn new_avx2<const R: usize>(job: &Job<'_>, strips: Range<usize>) -> BandState<Avx2, R> {
    BandState::new(job, strips)
}

/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
unsafe fn advance_avx2<const R: usize>(
    band: &mut BandState<Avx2, R>,
    job: &Job<'_>,
    c: usize,
    incoming: Option<&[[u64; 2]]>,
    outgoing: Option<&mut [[u64; 2]]>,
) {
    band.advance(job, c, incoming, outgoing);
}

/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
unsafe fn deltas_avx2<const R: usize>(band: &BandState<Avx2, R>, job: &Job<'_>) -> isize {
    band.vertical_deltas(job)
}

/// # Safety
/// As for [`avx512`].
#[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
unsafe fn new_avx512<const R: usize>(job: &Job<'_>, strips: Range<usize>) -> BandState<Avx512, R> {
    BandState::new(job, strips)
}

/// # Safety
/// As for [`avx512`].
#[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
unsafe fn advance_avx512<const R: usize>(
    band: &mut BandState<Avx512, R>,
    job: &Job<'_>,
    c: usize,
    incoming: Option<&[[u64; 2]]>,
    outgoing: Option<&mut [[u64; 2]]>,
) {
    band.advance(job, c, incoming, outgoing);
}

/// # Safety
/// As for [`avx512`].
#[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
unsafe fn deltas_avx512<const R: usize>(band: &BandState<Avx512, R>, job: &Job<'_>) -> isize {
    band.vertical_deltas(job)
}

/// # Safety
/// As for [`avx2`].
#[target_feature(enable = "avx2")]
unsafe fn last_blocks_avx2<const R: usize>(
    band: &BandState<Avx2, R>,
    job: &Job<'_>,
    out: &mut Vec<[u64; 2]>,
) {
    band.last_blocks(job, out);
}

/// # Safety
/// As for [`avx512`].
#[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
unsafe fn last_blocks_avx512<const R: usize>(
    band: &BandState<Avx512, R>,
    job: &Job<'_>,
    out: &mut Vec<[u64; 2]>,
) {
    band.last_blocks(job, out);
}

/// An AVX2 register. Values of this type exist only inside the
/// target-feature functions of this module, so every intrinsic below runs
/// on a CPU with AVX2.
#[derive(Clone, Copy)]
struct Avx2(__m256i);

impl Reg for Avx2 {
    const L: usize = 4;
    #[inline(always)]
    fn splat(x: u64) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_set1_epi64x(x as i64) })
    }
    #[inline(always)]
    fn from_fn(f: impl Fn(usize) -> u64) -> Self {
        let (a, b, c, d) = (f(0) as i64, f(1) as i64, f(2) as i64, f(3) as i64);
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_setr_epi64x(a, b, c, d) })
    }
    #[inline(always)]
    fn lane(self, l: usize) -> u64 {
        let mut out = [0u64; 4];
        // SAFETY: writes the four u64 of `out`.
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), self.0) };
        out[l]
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_and_si256(self.0, o.0) })
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_or_si256(self.0, o.0) })
    }
    #[inline(always)]
    fn andnot(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_andnot_si256(self.0, o.0) })
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_add_epi64(self.0, o.0) })
    }
    #[inline(always)]
    fn shl1(self) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_slli_epi64::<1>(self.0) })
    }
    #[inline(always)]
    fn shr63(self) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe { _mm256_srli_epi64::<63>(self.0) })
    }
    #[inline(always)]
    fn shift_up(self, prev: Self) -> Self {
        // Rotate both up a lane (lane 0 then holds the top lane), and take
        // lane 0 (dwords 0-1) from `prev`.
        const UP: i32 = 0b10_01_00_11;
        // SAFETY: see the type's docs.
        Avx2(unsafe {
            _mm256_blend_epi32::<0b0000_0011>(
                _mm256_permute4x64_epi64::<UP>(self.0),
                _mm256_permute4x64_epi64::<UP>(prev.0),
            )
        })
    }
    #[inline(always)]
    fn load(rows: &[u64], at: usize) -> Self {
        // SAFETY: the caller guarantees that rows[at..at + 4] exists.
        Avx2(unsafe { _mm256_loadu_si256(rows.as_ptr().add(at).cast()) })
    }
    #[inline(always)]
    fn blend(k: u32, new: Self, old: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx2(unsafe {
            match k {
                0 => _mm256_blend_epi32::<0b1100_1100>(new.0, old.0),
                _ => _mm256_blend_epi32::<0b1111_0000>(new.0, old.0),
            }
        })
    }
    #[inline(always)]
    fn top_pair(a: Self, b: Self) -> [u64; 2] {
        let mut out = [0u64; 2];
        // SAFETY: see the type's docs; writes the two u64 of `out`.
        unsafe {
            let pairs = _mm256_unpackhi_epi64(a.0, b.0);
            _mm_storeu_si128(
                out.as_mut_ptr().cast(),
                _mm256_extracti128_si256::<1>(pairs),
            );
        }
        out
    }
    #[inline(always)]
    fn store(self, out: &mut [u64], at: usize) {
        let out = &mut out[at..at + 4];
        // SAFETY: writes the four u64 of `out`.
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), self.0) };
    }
}

/// An AVX-512 register. Values of this type exist only inside the
/// AVX-512 target-feature functions of this module, so every intrinsic
/// below runs on a CPU with AVX-512F.
#[derive(Clone, Copy)]
struct Avx512(__m512i);

impl Reg for Avx512 {
    const L: usize = 8;
    #[inline(always)]
    fn splat(x: u64) -> Self {
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_set1_epi64(x as i64) })
    }
    #[inline(always)]
    fn from_fn(f: impl Fn(usize) -> u64) -> Self {
        let v: [i64; 8] = [0, 1, 2, 3, 4, 5, 6, 7].map(|l| f(l) as i64);
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_setr_epi64(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]) })
    }
    #[inline(always)]
    fn lane(self, l: usize) -> u64 {
        let mut out = [0u64; 8];
        // SAFETY: writes the eight u64 of `out`.
        unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), self.0) };
        out[l]
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_and_si512(self.0, o.0) })
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_or_si512(self.0, o.0) })
    }
    #[inline(always)]
    fn andnot(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_andnot_si512(self.0, o.0) })
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_add_epi64(self.0, o.0) })
    }
    #[inline(always)]
    fn shl1(self) -> Self {
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_slli_epi64::<1>(self.0) })
    }
    #[inline(always)]
    fn shr63(self) -> Self {
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_srli_epi64::<63>(self.0) })
    }
    #[inline(always)]
    fn shift_up(self, prev: Self) -> Self {
        // valignq over prev:self, seven lanes down: prev's top lane, then
        // self's lanes 0..7.
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_alignr_epi64::<7>(self.0, prev.0) })
    }
    #[inline(always)]
    fn load(rows: &[u64], at: usize) -> Self {
        // SAFETY: the caller guarantees that rows[at..at + 8] exists.
        Avx512(unsafe { _mm512_loadu_si512(rows.as_ptr().add(at).cast()) })
    }
    #[inline(always)]
    fn blend(k: u32, new: Self, old: Self) -> Self {
        let mask = [0xAA, 0xCC, 0xF0][k as usize];
        // SAFETY: see the type's docs.
        Avx512(unsafe { _mm512_mask_blend_epi64(mask, new.0, old.0) })
    }
    #[inline(always)]
    fn top_pair(a: Self, b: Self) -> [u64; 2] {
        let mut out = [0u64; 2];
        // SAFETY: see the type's docs; writes the two u64 of `out`.
        unsafe {
            let pairs = _mm512_unpackhi_epi64(a.0, b.0);
            _mm_storeu_si128(
                out.as_mut_ptr().cast(),
                _mm512_extracti32x4_epi32::<3>(pairs),
            );
        }
        out
    }
    #[inline(always)]
    fn store(self, out: &mut [u64], at: usize) {
        let out = &mut out[at..at + 8];
        // SAFETY: writes the eight u64 of `out`.
        unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), self.0) };
    }
}
