//! The LCS step of [`super`] for a Latin-1 pattern of 6..=8 blocks, the blocks
//! side by side in the eight 64-bit lanes of one AVX-512 register and skewed
//! along the anti-diagonal, as in [`crate::kernels::myers1999_wavefront`]
//! (after A. Wozniak, "Using video-oriented instructions to speed up sequence
//! comparison", CABIOS 13(2), 1997).
//!
//! Down a column the scalar blocks form a chain of one-bit carries, and every
//! block costs five instructions, so a column of N blocks costs about 5N.
//! Block b of column j needs only block b of column j - 1 and the carry that
//! left block b - 1 in column j; lane b of the register therefore runs column
//! t - b at time t, and takes the carry lane b - 1 produced one step earlier.
//! A step is a dozen instructions for all eight lanes, whatever N is.
//!
//! Lane b at time t reads the mask of text unit t - b in block b. Each text
//! unit's row (its masks of the eight blocks, one 64-byte row) is loaded once,
//! when the unit enters lane 0, and a blend tree assembles the diagonal
//! (lanes 2k + 1 from the previous unit's row, lanes 4k + 2, 4k + 3 from the
//! first blend two units back, lanes 4..8 from the second blend four units
//! back). Columns outside the text read an all-zero row, which matches
//! nothing: a lane with no match and no carry in keeps its word and sends no
//! carry, so lanes before their first column and after their last stay as they
//! are. Lanes past the pattern's last block read other rows' words, but they
//! only pass carries upwards, to lanes that are never counted either.
//!
//! The rows come from the per-thread Latin-1 table the Myers wavefront uses
//! ([`with_latin1_rows`]), which sets and afterwards clears only the words of
//! the pattern: a table zeroed per call with 64-byte stores and then filled bit
//! by bit cost most of a W3 pair's time (a wide store cannot forward to the
//! narrow loads that set the bits, so each one waited).
//!
//! Cost: n + N - 1 steps for a text of n units, each about 12 instructions
//! and a latency of about 6 cycles (the carry: shift across lanes, one
//! addition, the carry's logic, a shift), against about 5N instructions per
//! column for the scalar blocks: the wavefront is used from [`MIN_BLOCKS`]
//! blocks on. On Intel cores, which run 512-bit operations on two ports, the
//! dozen vector operations take about as long as the chain: a skew that moved
//! most carries inside 128-bit quarters of the register (one cycle instead of
//! three) shortened the chain but added blends and lost. Memory: the
//! per-thread table (16.5 KiB).

use crate::kernels::masks::table::{LATIN1_ROWS_MAX, ROW_PADDING, with_latin1_rows};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;
use std::arch::x86_64::{
    __m512i, _mm512_add_epi64, _mm512_alignr_epi64, _mm512_and_si512, _mm512_loadu_si512,
    _mm512_mask_blend_epi64, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_srli_epi64,
    _mm512_storeu_si512, _mm512_ternarylogic_epi64,
};

/// Text units stepped between two looks at the stop flag.
const STOP_CHECK_STEPS: usize = 1 << 16;

/// Blocks per register.
const LANES: usize = 8;

/// Fewest blocks the wavefront takes. On Zen 4, which splits a 512-bit
/// operation in two, a step costs about 7 cycles, the scalar blocks about 1.2
/// per block: measured on W3's pairs, the wavefront won from 6 blocks on and
/// lost below 5.
pub(super) const MIN_BLOCKS: usize = 6;

const _: () = assert!(
    LANES <= ROW_PADDING,
    "a row load reads 8 words from the last row"
);

/// Whether this CPU runs the kernel (`is_x86_feature_detected!` caches its answer).
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

/// The LCS length of `pattern` (321..=512 Latin-1 units, or 129..=512 in the tests) and `text` (at
/// least one unit); `None` if `stop` was raised.
///
/// # Safety
/// The CPU supports AVX-512 F ([`available`]).
pub(super) unsafe fn length<T: Unit>(pattern: &[u8], text: &[T], stop: Stop<'_>) -> Option<usize> {
    debug_assert!(pattern.len() > 2 * 64 && pattern.len() <= LATIN1_ROWS_MAX && !text.is_empty());
    // SAFETY: the caller checked the CPU.
    with_latin1_rows(pattern, |rows| unsafe {
        run(rows, pattern.len(), text, stop)
    })
}

/// [`length`] given the pattern's rows (`rows[c · blocks + b]`: the mask of
/// byte c in block b, row 256 empty, padding after).
#[target_feature(enable = "avx512f")]
fn run<T: Unit>(rows: &[u64], m: usize, text: &[T], stop: Stop<'_>) -> Option<usize> {
    let blocks = m.div_ceil(64);
    assert!(rows.len() >= 256 * blocks + LANES);
    // A row load reads the unit's `blocks` words and then the next row's:
    // lanes past the pattern's last block see those, but a lane only ever
    // passes carries to the lanes above it, which are never counted.
    let row = |c: T| -> __m512i {
        let c: u32 = c.into();
        let at = c.min(256) as usize * blocks;
        // SAFETY: at + 8 <= 256 · blocks + 8 <= rows.len() (asserted above).
        unsafe { _mm512_loadu_si512(rows.as_ptr().add(at).cast()) }
    };
    let zero = _mm512_setzero_si512();
    let mut state = State {
        v: _mm512_set1_epi64(-1),
        carry: zero,
        h1: zero,
        h2: [zero; 2],
        h3: [zero; 4],
    };
    for (k, chunk) in text.chunks(STOP_CHECK_STEPS).enumerate() {
        if k > 0 && stop.raised() {
            return None;
        }
        // Chunks start at multiples of 4, so the blend histories' ring index
        // is known at compile time in the unrolled loop (and they stay in
        // registers).
        let mut quads = chunk.chunks_exact(4);
        for q in &mut quads {
            state.step::<0>(row(q[0]));
            state.step::<1>(row(q[1]));
            state.step::<2>(row(q[2]));
            state.step::<3>(row(q[3]));
        }
        for (t, &c) in quads.remainder().iter().enumerate() {
            state.step_at(t, row(c));
        }
    }
    // The lanes below lane 0 finish the last columns on rows of nothing.
    for t in text.len()..text.len() + blocks - 1 {
        state.step_at(t, zero);
    }
    let mut v = [0u64; LANES];
    // SAFETY: `v` is 64 bytes.
    unsafe { _mm512_storeu_si512(v.as_mut_ptr().cast(), state.v) };
    // Rows past m match nothing, so their bits stay 1 and are never counted.
    Some(v[..blocks].iter().map(|w| w.count_zeros() as usize).sum())
}

/// The register of blocks and the blend trees' histories.
struct State {
    /// Lane b: block b's column, 0 where the LCS value grows going down.
    v: __m512i,
    /// Lane b: the carry (0 or 1) that left block b in the last step.
    carry: __m512i,
    /// The row of the previous unit.
    h1: __m512i,
    /// The first blend of units t - 2 and t - 1, at index t % 2.
    h2: [__m512i; 2],
    /// The second blend of units t - 4 ..= t - 1, at index t % 4.
    h3: [__m512i; 4],
}

impl State {
    /// Time step `t`, with `row` the masks of text unit t (zero past the text).
    #[inline(always)]
    fn step_at(&mut self, t: usize, row: __m512i) {
        match t % 4 {
            0 => self.step::<0>(row),
            1 => self.step::<1>(row),
            2 => self.step::<2>(row),
            _ => self.step::<3>(row),
        }
    }

    /// A time step t with t % 4 == U, with `row` the masks of text unit t.
    #[inline(always)]
    fn step<const U: usize>(&mut self, row: __m512i) {
        // SAFETY (for the whole body): only ever inlined into `length`, which
        // has AVX-512 F.
        unsafe {
            let p1 = _mm512_mask_blend_epi64(0b1010_1010, row, self.h1);
            let p2 = _mm512_mask_blend_epi64(0b1100_1100, p1, self.h2[U % 2]);
            let eq = _mm512_mask_blend_epi64(0b1111_0000, p2, self.h3[U]);
            self.h1 = row;
            self.h2[U % 2] = p1;
            self.h3[U] = p2;
            // Lane b takes the carry of lane b - 1; lane 0 the top row's, 0.
            let carry_in = _mm512_alignr_epi64::<7>(self.carry, _mm512_setzero_si512());
            let v = self.v;
            let u = _mm512_and_si512(v, eq);
            // V + U does not wait for the carry, which then costs one addition
            // on the chain from step to step; left to LLVM, some steps added
            // the carry first and had two additions on it.
            let sum = _mm512_add_epi64(early(_mm512_add_epi64(v, u)), carry_in);
            // U is a subset of V, so the top bit carries out exactly when it
            // is set in U, or set in V and cleared in the sum: U | (V & !sum)
            // (ternary-logic table 0xF4 for A | (B & !C)).
            let out = _mm512_ternarylogic_epi64::<0xF4>(u, v, sum);
            self.carry = _mm512_srli_epi64::<63>(out);
            // V' = sum | (V & !Eq), the same table.
            self.v = _mm512_ternarylogic_epi64::<0xF4>(sum, v, eq);
        }
    }
}

/// `x`, computed (as far as LLVM knows) by an instruction it cannot see into,
/// so that it does not reassociate a sum through it. An empty `asm!` emits no
/// instruction (the operand is named in a comment only).
#[inline]
#[target_feature(enable = "avx512f")]
fn early(mut x: __m512i) -> __m512i {
    // SAFETY: an empty template: no instruction, no memory, no flags.
    unsafe {
        std::arch::asm!("/* {0} */", inout(zmm_reg) x, options(pure, nomem, nostack, preserves_flags));
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive_lcs;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use std::sync::atomic::AtomicBool;

    /// Text units: the pattern's small alphabet, other Latin-1 units, and
    /// units past Latin-1 (which match nothing).
    fn text_unit() -> impl Strategy<Value = u32> {
        prop_oneof![4 => 0u32..4, 1 => 250u32..262, 1 => 0x1_F600u32..0x1_F602]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Every block count (3..=8), the last block full or not, texts shorter
        /// and longer than the pattern, against the LCS table.
        #[test]
        fn matches_naive_lcs(
            pattern in (129usize..=512).prop_flat_map(|m| vec(prop_oneof![4 => 0u8..4, 1 => 250u8..=255], m)),
            text in (1usize..700).prop_flat_map(|n| vec(text_unit(), n)),
        ) {
            prop_assume!(available());
            let want = naive_lcs(&pattern, &text);
            // SAFETY: AVX-512 F checked above.
            prop_assert_eq!(unsafe { length(&pattern, &text, Stop::Never) }, Some(want));
            let narrow: Vec<u8> = text.iter().map(|&c| c as u8).collect();
            let want = naive_lcs(&pattern, &narrow);
            // SAFETY: as above.
            prop_assert_eq!(unsafe { length(&pattern, &narrow, Stop::Never) }, Some(want));
        }
    }

    #[test]
    fn long_texts_cross_the_stop_checks_and_a_raised_stop_gives_up() {
        if !available() {
            return;
        }
        let pattern: Vec<u8> = (0..500u32).map(|i| (i * 7 % 5) as u8).collect();
        let text: Vec<u16> = (0..70_003u32).map(|i| (i * 13 % 6) as u16).collect();
        // SAFETY: AVX-512 F checked above.
        let got = unsafe { length(&pattern, &text, Stop::Never) };
        assert_eq!(got, Some(naive_lcs(&pattern, &text)));
        let raised = AtomicBool::new(true);
        // SAFETY: as above.
        assert_eq!(
            unsafe { length(&pattern, &text, Stop::Flag(&raised)) },
            None
        );
    }
}
