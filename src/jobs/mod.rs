//! The jobs: many distances at once, each run on a pool and cancellable.
//!
//! Uses [`crate::kernels`] (the dispatch for single pairs, the lanes for many
//! short ones), [`crate::runtime`] (pools, stop flags) and [`crate::text`]; only
//! the binding above calls it.
//!
//! - `alignment`: the edit operations of one pair (rapidfuzz's choice), opcodes.
//! - `batch`: a list of pairs, distances in input order.
//! - `error_counts`: WER / CER counts of reference and hypothesis pairs (jiwer's).
//! - `columns`: two Arrow string columns (or a column and a scalar), row by row.
//! - `matrix`: every query against every choice.
//! - `nearest`: the k closest choices to one query.
//! - `index`: choices prepared once (filters: deletion neighbourhoods, Pass-Join
//!   segments) for repeated searches with `nearest`'s contract.
//! - `join`: every pair within k edits of two collections, or of one.
//! - `long_pairs`: a very long pair of any job split across the pool's threads.
//!
//! `nearest` borrows `matrix`'s helpers; `index` falls back on `nearest`; `join`
//! uses `index`'s filters; `error_counts` aligns with `alignment`. No job is used
//! by one it uses.

use crate::kernels::lanes::Kernel;

pub mod alignment;
pub mod batch;
pub mod columns;
pub mod error_counts;
pub(crate) mod index;
pub(crate) mod join;
pub(crate) mod long_pairs;
pub(crate) mod matrix;
pub(crate) mod nearest;

/// How the work is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parallel {
    /// Threads, as for [`crate::levenshtein_batch`].
    pub threads: Option<usize>,
    /// The lane kernel ([`Kernel::best`] unless testing another).
    pub kernel: Kernel,
}

impl Default for Parallel {
    fn default() -> Self {
        Parallel {
            threads: None,
            kernel: Kernel::best(),
        }
    }
}
