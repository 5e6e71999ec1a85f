//! Exact Levenshtein distance on Unicode code points or grapheme clusters.
//!
//! Strings are taken as CPython stores them (one, two or four bytes per code
//! point, see [`Units`]), so every Python `str` — lone surrogates, NUL and astral
//! characters included — has an exact distance. The kernels are bit-parallel
//! (Hyyrö 2003 for patterns up to 64 units, Myers 1999 blocks beyond); batches run
//! on rayon pools and can be cancelled. Weighted costs ([`levenshtein_weighted`])
//! reduce to the unit-cost kernels, to a bit-parallel LCS (Hyyrö 2004) when a
//! substitution costs at least a deletion plus an insertion, and otherwise to a
//! banded Wagner-Fischer in SSE2 lanes. The Python binding lives behind the
//! `python` feature; without it this crate has no Python dependency.
//!
//! The modules form layers, and each uses only those below it:
//!
//! | layer | holds |
//! |---|---|
//! | `python` | the binding (feature `python`): converts, releases the GIL, maps errors |
//! | `jobs` | batch, columns, matrix, nearest, index, join: many distances at once |
//! | `kernels` | the dispatch (which kernel for which pair) and one file per algorithm |
//! | `runtime` | thread pools and stop flags |
//! | `text` | text units, grapheme clusters, collections of strings |
//! | `error` | the one error type |

mod error;
mod jobs;
mod kernels;
mod runtime;
mod text;

pub use error::Error;
pub use jobs::alignment::{
    EditKind, EditOp, Editops, Opcode, Opcodes, editops, editops_interruptible, editops_into,
    editops_matching_blocks, opcode_blocks, opcode_units, opcodes_matching_blocks,
};
pub use jobs::batch::{
    levenshtein_batch, levenshtein_batch_by, levenshtein_batch_map_by, levenshtein_interruptible,
};
pub use jobs::error_counts::{ErrorCounts, PairCounts, Tokens, error_counts};
pub use jobs::index::{Index, MAX_STRINGS};
pub use jobs::join::{JoinPairs, levenshtein_join, levenshtein_self_join};
pub use jobs::matrix::{available_memory, levenshtein_matrix, normalized_matrix};
pub use jobs::nearest::nearest;
pub use jobs::{Parallel, batch, columns};
pub use kernels::lanes::Kernel;
pub use kernels::{
    Options, Weights, levenshtein, levenshtein_weighted, levenshtein_weighted_with_stop,
    levenshtein_with_stop, reference, scores,
};
pub use runtime::pool::MAX_THREADS;
pub use text::graphemes::{UNICODE_VERSION, cluster_bounds, cluster_bounds_unoptimised};
pub use text::strings::Strings;
pub use text::units::{Unit, Units, code_points};
pub use text::words::{Words, is_space, strip};

#[cfg(feature = "python")]
mod python;

// The Rust examples of the documentation site run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/how-it-works.md")]
struct HowItWorksExamples;
