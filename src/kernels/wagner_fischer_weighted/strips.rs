//! The weighted DP eight rows at a time, by anti-diagonals in the i16 lanes of an
//! SSE2 register.
//!
//! A. Wozniak, "Using video-oriented instructions to speed up sequence
//! comparison", CABIOS 13(2), 1997: the cells of an anti-diagonal depend only on
//! the two anti-diagonals before it, so they can be computed side by side. Here
//! the anti-diagonals run inside a strip of 8 rows: lane r holds row i0 + 1 + r,
//! and at step t it computes column t - r. Its left neighbour is its own lane one
//! step earlier, its upper neighbour lane r - 1 one step earlier (the previous
//! vector shifted up one lane), and its diagonal neighbour the upper neighbours
//! of the step before. So a step is two one-lane shifts (the other brings in the
//! next unit of the text), three additions and two minimums on the whole vector:
//! eight cells for a serial chain of five instructions, where the row kernel
//! spends two per cell. Lane 0 reads the row above the strip from the row
//! buffer, and lane 7 writes the strip's last row back into it.
//!
//! Cells are i16, as SSE2 (the x86-64 baseline, so no run-time detection) has a
//! 16-bit minimum but no 32-bit one: [`fits`] admits pairs whose sums stay below
//! i16::MAX and whose units fit 16 bits. When fewer than 8 rows remain, the rest
//! of the last strip are padding rows with free deletions and no matches; each
//! then copies the row above it, so lane 7 ends with the last real row.
//!
//! Cost: ⌈m/8⌉ · (w + 7) vector steps of about 15 instructions, w the widest row
//! of the band (n without a bound); memory O(n), kept per thread.

use super::{Band, STOP_CHECK_CELLS};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;
use std::arch::x86_64::{
    __m128i, _mm_add_epi16, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi16, _mm_cmpgt_epi16,
    _mm_cvtsi32_si128, _mm_extract_epi16, _mm_min_epi16, _mm_or_si128, _mm_set1_epi16,
    _mm_setr_epi16, _mm_setzero_si128, _mm_slli_si128,
};
use std::cell::RefCell;

/// Rows per strip: the i16 lanes of a 128-bit register.
const LANES: usize = 8;

/// Whether the kernel takes rows `a` and columns `b` with these weights: every
/// value inside the band is at most (m + n) · max_w and the cap one weight more,
/// so their sums stay below i16::MAX; and every unit fits 16 bits.
pub(super) fn fits<A: Unit, B: Unit>(a: &[A], b: &[B], [ins, del, sub]: [usize; 3]) -> bool {
    let max_w = ins.max(del).max(sub) as u128;
    let (m, n) = (a.len() as u128, b.len() as u128);
    (m + n + 2) * max_w <= i16::MAX as u128 && narrow(a) && narrow(b)
}

fn narrow<U: Unit>(s: &[U]) -> bool {
    size_of::<U>() <= 2 || s.iter().all(|&c| c.into() <= 0xFFFF)
}

/// A unit (at most 16 bits, see [`fits`]) as the bits of an i16 lane.
#[inline(always)]
fn lane_unit<U: Unit>(c: U) -> i16 {
    c.into() as u16 as i16
}

thread_local! {
    /// The row buffer and the text's units as i16, kept between calls.
    static BUFFERS: RefCell<(Vec<i16>, Vec<i16>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Rows longer than this get buffers of their own, so that a thread does not
/// keep a long pair's buffers for its life.
const CACHED_ROW: usize = 1 << 16;

/// `min(distance, k + 1)` for rows `a` (m <= n units) and columns `b` that
/// [`fit`](fits), weights `[insert, delete, substitute]`.
pub(super) fn distance<A: Unit, B: Unit>(
    a: &[A],
    b: &[B],
    [ins, del, sub]: [usize; 3],
    band: Band,
    k: usize,
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (a.len() as u128, b.len() as u128);
    let max_w = ins.max(del).max(sub) as u128;
    // As in the rows: a cap above every value inside the band when unbounded.
    let cap = (k as u128 + 1).min((m + n + 1) * max_w) as i16;
    let w = [ins as i16, del as i16, sub as i16];
    let run = |row: &mut Vec<i16>, units: &mut Vec<i16>| {
        row.resize(b.len() + 1 + LANES, 0);
        units.clear();
        units.extend(b.iter().map(|&c| lane_unit(c)));
        units.resize(b.len() + LANES, 0);
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe { strips(a, units, row, w, cap, band, stop) }
    };
    let d = if b.len() > CACHED_ROW {
        run(&mut Vec::new(), &mut Vec::new())
    } else {
        BUFFERS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buffers) => {
                let (row, units) = &mut *buffers;
                run(row, units)
            }
            Err(_) => run(&mut Vec::new(), &mut Vec::new()),
        })
    }?;
    Some((d as u16 as usize).min(k.saturating_add(1)))
}

/// `v` moved up one lane, with `x` entering lane 0.
#[target_feature(enable = "sse2")]
#[inline]
fn shift_in(v: __m128i, x: i16) -> __m128i {
    _mm_or_si128(
        _mm_slli_si128::<2>(v),
        _mm_cvtsi32_si128(i32::from(x as u16)),
    )
}

#[target_feature(enable = "sse2")]
#[inline]
fn vector(v: [i16; LANES]) -> __m128i {
    _mm_setr_epi16(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
}

/// What stays fixed for the lanes of one strip.
struct Strip {
    units: __m128i,
    dels: __m128i,
    subs: __m128i,
    /// The substitution cost forced on padding rows (0 in real rows).
    pads: __m128i,
    ins: __m128i,
}

impl Strip {
    /// The cells of one anti-diagonal, given the two before it.
    #[target_feature(enable = "sse2")]
    #[inline]
    fn cells(&self, diag: __m128i, up: __m128i, left: __m128i, text: __m128i) -> __m128i {
        let mismatch = _mm_andnot_si128(_mm_cmpeq_epi16(text, self.units), self.subs);
        let s = _mm_or_si128(mismatch, self.pads);
        // The diagonal move is off the serial chain (left -> up -> cells).
        let best = _mm_min_epi16(_mm_add_epi16(diag, s), _mm_add_epi16(up, self.dels));
        _mm_min_epi16(best, _mm_add_epi16(left, self.ins))
    }
}

/// The DP over rows `a` and columns `units` (n units and `LANES` of padding),
/// with `row` (n + 1 + `LANES` cells) as the row buffer; returns the last cell,
/// or `cap` once a strip's last row is at least `cap` throughout.
#[target_feature(enable = "sse2")]
fn strips<A: Unit>(
    a: &[A],
    units: &[i16],
    row: &mut [i16],
    [ins, del, sub]: [i16; 3],
    cap: i16,
    band: Band,
    stop: Stop<'_>,
) -> Option<i16> {
    let n = units.len() - LANES;
    let m = a.len();
    // Row 0: D[0][j] = j · insert inside the band. Cells to its right (and the
    // padding past n) hold the cap: each strip reads them once its band does.
    let (_, hi0) = band.columns(0, n);
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = if j <= hi0 { j as i16 * ins } else { cap };
    }
    let lane_index = _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7);
    let mut since_check = 0;
    for i0 in (0..m).step_by(LANES) {
        let rows = (m - i0).min(LANES);
        // The strip computes the columns of all its rows' bands, a superset of
        // each row's (harmless, see the module above).
        let jlo = band.columns(i0 + 1, n).0.max(1);
        let jhi = band.columns(i0 + rows, n).1;
        let cells = LANES * (jhi - jlo + LANES);
        since_check += cells;
        if since_check >= STOP_CHECK_CELLS {
            if stop.raised() {
                return None;
            }
            since_check = 0;
        }
        // Each lane's unit and costs, and its value in column jlo - 1: exact in
        // column 0, else outside every lane's band, so the cap.
        let (mut unit, mut dels, mut subs, mut pads, mut first) =
            ([0; LANES], [0; LANES], [0; LANES], [0; LANES], [cap; LANES]);
        for r in 0..LANES {
            if r < rows {
                (unit[r], dels[r], subs[r]) = (lane_unit(a[i0 + r]), del, sub);
            } else {
                // Padding: D[i + 1][j] = min(D[i][j] + 0, D[i][j - 1] + insert,
                // D[i + 1][j - 1] + insert) = D[i][j], as no row ever exceeds its
                // left neighbour plus an insertion.
                (subs[r], pads[r]) = (ins, ins);
            }
            if jlo == 1 {
                first[r] = (i0 + 1 + r).min(m) as i16 * del;
            }
        }
        let strip = Strip {
            units: vector(unit),
            dels: vector(dels),
            subs: vector(subs),
            pads: vector(pads),
            ins: _mm_set1_epi16(ins),
        };
        let first = vector(first);
        let mut left = first;
        // Lane 0 of the first step's diagonal: D[i0][jlo - 1].
        let mut up = shift_in(first, row[jlo - 1]);
        let mut text = _mm_setzero_si128();
        // Steps 0..LANES - 1: lane r only starts at step r (column jlo), and
        // until then keeps its value in column jlo - 1.
        for (step, t) in (jlo..jlo + LANES - 1).enumerate() {
            let diag = up;
            up = shift_in(left, row[t]);
            text = shift_in(text, units[t - 1]);
            let cells = strip.cells(diag, up, left, text);
            let held = _mm_cmpgt_epi16(lane_index, _mm_set1_epi16(step as i16));
            left = _mm_or_si128(_mm_and_si128(held, first), _mm_andnot_si128(held, cells));
        }
        // Lanes past column jhi compute cells that no cell at or before it reads.
        for t in jlo + LANES - 1..jhi + LANES {
            let diag = up;
            up = shift_in(left, row[t]);
            text = shift_in(text, units[t - 1]);
            left = strip.cells(diag, up, left, text);
            row[t - (LANES - 1)] = _mm_extract_epi16::<7>(left) as i16;
        }
        // Lane 7 never computes column 0.
        row[0] = (i0 + rows) as i16 * del;
        let from = if jlo == 1 { 0 } else { jlo };
        if band.bounded && row[from..=jhi].iter().all(|&v| v >= cap) {
            return Some(cap);
        }
    }
    Some(row[n])
}
