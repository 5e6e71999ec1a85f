//! Short strings against short strings, all pairs, in vector lanes.
//!
//! A string of at most k + 2 units has deletion variants of at most two
//! units, which a large share of the other short strings also have: the
//! filters would propose most short pairs anyway, at the price of a table
//! look-up, a duplicate check and a verification each. Here short rows are
//! the patterns of the lanes of [`crate::kernels::lanes::hyyro2003_lanes`]
//! (one row per lane: 64 rows of at most 8 units in a 512-bit vector),
//! and every short string of the other side is the text of all lanes at once,
//! one table row of masks per text unit, as in the matrix job.
//!
//! Cost: (short rows / lanes) x (units of the short strings) vector steps.

use crate::kernels::lanes::hyyro2003_lanes::{self, Kernel, LaneJob, Lanes, Width, Word};
use crate::text::arena::Arena;
use crate::text::strings::Strings;
use crate::text::units::Units;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Texts between two looks at the stop flag.
const STOP_EVERY: usize = 4096;

/// The lane width for short strings of at most `split` (1..=64) units.
pub(super) fn width(split: usize) -> Width {
    Width::for_len(split)
}

/// The lanes at `width` on the best kernel of this CPU.
pub(super) fn lanes(width: Width) -> usize {
    Kernel::best().lanes(width)
}

/// Short rows of the left side against the short strings of the right.
pub(super) struct ShortRows<'a> {
    /// The lane width: every row fits it.
    pub(super) width: Width,
    /// Row ids (at most one vector's lanes), each of 1..=width units.
    pub(super) rows: &'a [u32],
    /// Per row, the smallest right id it pairs with.
    pub(super) firsts: &'a [u32],
    pub(super) left: &'a Arena,
    pub(super) right: &'a Arena,
    /// The short right strings' ids, ascending.
    pub(super) texts: &'a [u32],
    pub(super) k: usize,
    /// Per row, its pairs `(right id, distance)` are appended here.
    pub(super) out: &'a mut [Vec<(u32, u32)>],
    pub(super) stop: &'a AtomicBool,
}

impl ShortRows<'_> {
    /// Runs the rows on the best kernel; `None` if stopped.
    pub(super) fn run(self) -> Option<()> {
        hyyro2003_lanes::run(Kernel::best(), self.width, self)
    }
}

impl LaneJob for ShortRows<'_> {
    type Output = Option<()>;

    #[inline(always)]
    fn run<W: Word, const L: usize>(self) -> Option<()> {
        debug_assert!(self.rows.len() <= L);
        // Row c of the table: the masks of symbol c in every lane's pattern.
        let mut low = [[W::default(); L]; 256];
        let mut high: HashMap<u32, [W; L]> = HashMap::new();
        for (lane, &r) in self.rows.iter().enumerate() {
            let p = self.left.get(r as usize);
            debug_assert!((1..=W::BITS).contains(&p.len()));
            for bit in 0..p.len() {
                let c = p.get(bit);
                let row = if c < 256 {
                    &mut low[c as usize]
                } else {
                    high.entry(c).or_insert([W::default(); L])
                };
                row[lane] = row[lane] | W::from_u64(1 << bit);
            }
        }
        let none = [W::default(); L];
        let lens: Vec<usize> = self
            .rows
            .iter()
            .map(|&r| self.left.len_of(r as usize))
            .collect();
        let fresh = Lanes::<W, L>::new(lens.iter().copied());
        let (shortest, longest) = (
            lens.iter().copied().min().unwrap_or(0),
            lens.iter().copied().max().unwrap_or(0),
        );
        let used = u64::MAX >> (64 - self.rows.len().max(1));
        let from = self.firsts.iter().copied().min().unwrap_or(0);
        let start = self.texts.partition_point(|&j| j < from);
        for (t, &j) in self.texts[start..].iter().enumerate() {
            if t % STOP_EVERY == 0 && self.stop.load(Ordering::Relaxed) {
                return None;
            }
            let text = self.right.get(j as usize);
            let n = text.len();
            // No lane's pattern is within k of this length.
            if n.saturating_add(self.k) < shortest || n > longest.saturating_add(self.k) {
                continue;
            }
            let mut lanes = fresh.clone();
            match text {
                Units::U8(s) => s.iter().for_each(|&c| lanes.step(&low[usize::from(c)])),
                _ => {
                    for i in 0..n {
                        let c = text.get(i);
                        let row = if c < 256 {
                            &low[c as usize]
                        } else {
                            high.get(&c).unwrap_or(&none)
                        };
                        lanes.step(row);
                    }
                }
            }
            let mut hits = lanes.within(n, self.k) & used;
            while hits != 0 {
                let lane = hits.trailing_zeros() as usize;
                hits &= hits - 1;
                if j >= self.firsts[lane] {
                    let d = lanes.distance(lane, n);
                    self.out[lane].push((j, d as u32));
                }
            }
        }
        Some(())
    }
}
