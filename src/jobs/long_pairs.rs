//! Very long pairs in jobs that run on a pool: a pair of [`PIPELINE_CELLS`]
//! cells or more, which needs the wavefront's whole-matrix pass, runs that
//! pass as a pipeline of bands across the pool's threads
//! ([`crate::kernels::myers1999_wavefront::Pipeline`]), so that a batch, a
//! matrix or a nearest call dominated by a few long pairs uses every core.
//! Callers run on the pool already; the single-pair `levenshtein` does not
//! come here (it promises no threads).

use crate::kernels::myers1999_wavefront::{Pipeline, Work};
use crate::kernels::{Options, Split, Weights, code_points_split, units as distance};
use crate::text::units::Units;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Pairs of more cells than this (a quarter of a second or so at 1 Gcell/s, a
/// few milliseconds in the wavefront's lanes) run their whole-matrix pass, if
/// they need one, as a pipeline across the pool's threads.
pub(crate) const PIPELINE_CELLS: usize = 1 << 28;

/// The distance of one pair, capped at `k + 1`: a very long one on every
/// thread of the current pool (see [`pipeline`]), the others on this one.
pub(crate) fn units(
    a: Units<'_>,
    b: Units<'_>,
    w: Weights,
    k: usize,
    stop: &AtomicBool,
) -> Option<usize> {
    let threads = rayon::current_num_threads();
    // Only the unit-cost wavefront has a pipeline; weighted pairs run on this thread.
    if threads < 2 || w != Weights::default() || a.len().saturating_mul(b.len()) < PIPELINE_CELLS {
        return distance(a, b, w, k, stop.into());
    }
    let run = |p: &mut Pipeline<'_>| pipeline(p, stop);
    let split = Split {
        parts: threads,
        run: &run,
    };
    code_points_split(a, b, k, stop.into(), Some(split))
}

/// Runs `p` on every thread of the current pool: each worker takes chunks of
/// bands as they become ready (see [`Pipeline`]) and spins, then yields, while
/// none is; a worker the pool never starts is simply not needed.
fn pipeline(p: &mut Pipeline<'_>, stop: &AtomicBool) -> Option<()> {
    let shared = &*p;
    (0..rayon::current_num_threads())
        .into_par_iter()
        .for_each(|_| {
            let mut idle = 0u32;
            while !stop.load(Ordering::Relaxed) {
                match shared.work() {
                    Work::Ran => idle = 0,
                    Work::Done => return,
                    Work::Wait if idle < 64 => {
                        idle += 1;
                        std::hint::spin_loop();
                    }
                    Work::Wait => std::thread::yield_now(),
                }
            }
        });
    (!stop.load(Ordering::Relaxed)).then_some(())
}

/// [`units`] for a pair and its options as a job's pairwise path holds them
/// (units already clusters, if the job counts clusters): the distance,
/// capped at `max_distance + 1`.
pub(crate) fn with_options(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    stop: &AtomicBool,
) -> Option<usize> {
    debug_assert!(!options.grapheme_segmentation);
    let k = options.max_distance.unwrap_or(usize::MAX);
    units(a, b, options.weights, k, stop)
}
