//! Exact Levenshtein distance on Unicode code points or grapheme clusters.
//!
//! Strings are taken as CPython stores them (one, two or four bytes per code
//! point, see [`Units`]), so every Python `str` — lone surrogates, NUL and astral
//! characters included — has an exact distance. The kernels are bit-parallel
//! (Hyyrö 2003 for patterns up to 64 units, Myers 1999 blocks beyond); batches run
//! on rayon pools and can be cancelled. The Python binding lives behind the
//! `python` feature; without it this crate has no Python dependency.

mod distance;
mod error;
mod graphemes;
mod hyyro2003;
#[cfg(target_arch = "x86_64")]
mod hyyro2003_band;
mod hyyro2003_lanes;
mod hyyro2003_pairs;
mod matrix;
mod mbleven2018;
mod myers1999;
mod myers1999_fixed;
mod nearest;
mod pattern_match;
#[cfg(target_arch = "x86_64")]
mod simd_match;
mod stop;
mod strings;
mod units;
#[cfg(target_arch = "x86_64")]
mod wide_match;

pub mod batch;
pub mod columns;
pub mod reference;

pub use batch::{MAX_THREADS, levenshtein_batch, levenshtein_batch_by, levenshtein_interruptible};
pub use distance::{Options, levenshtein, levenshtein_with_stop};
pub use error::Error;
pub use graphemes::{UNICODE_VERSION, cluster_bounds, cluster_bounds_unoptimised};
pub use hyyro2003_lanes::Kernel;
pub use matrix::{Parallel, available_memory, levenshtein_matrix};
pub use nearest::nearest;
pub use strings::Strings;
pub use units::{Unit, Units, code_points};

#[cfg(feature = "python")]
mod python;
