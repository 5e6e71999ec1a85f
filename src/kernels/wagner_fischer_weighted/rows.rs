//! The weighted DP one row at a time, for pairs the SSE2 strips do not take
//! (values past i16, units past 16 bits, or no x86-64).
//!
//! One array holds the row: u32 when every value fits, u64 with saturating sums
//! otherwise (weights near the top of the range). The insertion from the left is
//! the only serial dependency: an addition and a minimum per cell.
//!
//! Cost: O(m · min(n, w)) cell updates; memory one row, kept per thread.

use super::{Band, STOP_CHECK_CELLS};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;
use std::cell::RefCell;

/// Rows longer than this get a buffer of their own rather than growing the
/// per-thread one, which would otherwise keep its size for the thread's life.
const CACHED_ROW: usize = 1 << 16;

/// `min(distance, k + 1)`, saturating at `usize::MAX`, for rows `a` (m <= n
/// units) and columns `b`, weights `[insert, delete, substitute]`.
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
    let cap = k as u128 + 1;
    let d = if (m + n + 2) * max_w < u128::from(u32::MAX) {
        // Every cell reachable inside the band is at most (i + j) · max_w, so with
        // the cap at (m + n + 1) · max_w no sum reaches u32::MAX.
        let w = [ins as u32, del as u32, sub as u32];
        let cap = cap.min((m + n + 1) * max_w) as u32;
        u64::from(u32::with_row(b.len() + 1, |row| {
            rows(a, b, w, cap, band, stop, row)
        })?)
    } else {
        let w = [ins as u64, del as u64, sub as u64];
        let cap = cap.min(u128::from(u64::MAX)) as u64;
        u64::with_row(b.len() + 1, |row| rows(a, b, w, cap, band, stop, row))?
    };
    Some(
        usize::try_from(d)
            .unwrap_or(usize::MAX)
            .min(k.saturating_add(1)),
    )
}

/// A cell value: `u32` when no sum can overflow it, `u64` with saturating sums.
trait Cost: Copy + Ord + Default {
    fn plus(self, w: Self) -> Self;
    /// Runs `f` with a row of `len` cells (contents unspecified).
    fn with_row<R>(len: usize, f: impl FnOnce(&mut [Self]) -> R) -> R;
}

thread_local! {
    static ROW32: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static ROW64: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// The per-thread row in `cell`, or a fresh one for long rows or a re-entrant call.
fn cached_row<C: Cost, R>(
    cell: &'static std::thread::LocalKey<RefCell<Vec<C>>>,
    len: usize,
    f: impl FnOnce(&mut [C]) -> R,
) -> R {
    if len > CACHED_ROW {
        return f(&mut vec![C::default(); len]);
    }
    cell.with(|row| match row.try_borrow_mut() {
        Ok(mut row) => {
            if row.len() < len {
                row.resize(len, C::default());
            }
            f(&mut row[..len])
        }
        Err(_) => f(&mut vec![C::default(); len]),
    })
}

impl Cost for u32 {
    #[inline(always)]
    fn plus(self, w: Self) -> Self {
        // No overflow: the caller picks u32 only when every sum fits.
        self.wrapping_add(w)
    }
    fn with_row<R>(len: usize, f: impl FnOnce(&mut [Self]) -> R) -> R {
        cached_row(&ROW32, len, f)
    }
}

impl Cost for u64 {
    #[inline(always)]
    fn plus(self, w: Self) -> Self {
        self.saturating_add(w)
    }
    fn with_row<R>(len: usize, f: impl FnOnce(&mut [Self]) -> R) -> R {
        cached_row(&ROW64, len, f)
    }
}

/// The DP over rows `a` and columns `b`; returns the last cell, or `cap` once a
/// whole row is at least `cap` (k + 1, or more than any distance when unbounded).
fn rows<A: Unit, B: Unit, C: Cost>(
    a: &[A],
    b: &[B],
    [ins, del, sub]: [C; 3],
    cap: C,
    band: Band,
    stop: Stop<'_>,
    row: &mut [C],
) -> Option<C> {
    let n = b.len();
    // Row 0: D[0][j] = j · insert inside the band. Cells to its right hold the
    // cap, which each row reads once when its band first reaches them.
    let (_, hi0) = band.columns(0, n);
    let mut value = C::default();
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = if j <= hi0 { value } else { cap };
        value = value.plus(ins);
    }
    let rows_per_check = (STOP_CHECK_CELLS / band.width()).max(1);
    let mut until_check = rows_per_check;
    let mut column0 = C::default();
    for (i, &x) in a.iter().enumerate() {
        until_check -= 1;
        if until_check == 0 {
            if stop.raised() {
                return None;
            }
            until_check = rows_per_check;
        }
        let i = i + 1;
        let x: u32 = x.into();
        let (lo, hi) = band.columns(i, n);
        column0 = column0.plus(del);
        // `diag` is D[i-1][j-1] and `left` D[i][j-1] for the first column computed.
        let (mut left, mut diag, start) = if lo == 0 {
            let diag = row[0];
            row[0] = column0;
            (column0, diag, 1)
        } else {
            (cap, row[lo - 1], lo)
        };
        for (cell, &y) in row[start..=hi].iter_mut().zip(&b[start - 1..hi]) {
            let up = *cell;
            let s = if x == y.into() { C::default() } else { sub };
            // The vertical and diagonal moves do not depend on this row, so only
            // `left + ins` and its minimum are in the serial chain.
            let v = up.plus(del).min(diag.plus(s)).min(left.plus(ins));
            *cell = v;
            diag = up;
            left = v;
        }
        // Unbounded, no row can reach the cap: the scan is skipped.
        if band.bounded && row[lo..=hi].iter().all(|&v| v >= cap) {
            return Some(cap);
        }
    }
    Some(row[n])
}
