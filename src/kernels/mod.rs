//! The distance kernels, one file per algorithm, and the dispatch that picks one
//! for each pair.
//!
//! Uses [`crate::text`] (the units a kernel reads) and [`crate::runtime::stop`]
//! (the flag long kernels look at); the jobs above call [`dispatch`] for single
//! pairs and [`lanes`] for many short ones.
//!
//! | file | algorithm | used for |
//! |---|---|---|
//! | [`dispatch`] | the table of which kernel runs for which lengths and bound | every pair |
//! | [`reference`] | Wagner-Fischer, full matrix | the tests' oracle |
//! | [`hyyro2003`] | Hyyrö 2003, one 64-bit word | patterns up to 64 units |
//! | [`hyyro2003_band`] | Hyyrö 2003 on a diagonal band (AVX2, x86-64) | bounded long pairs |
//! | [`myers1999`] | Myers 1999 blocks, banded | long patterns |
//! | [`myers1999_fixed`] | Myers 1999, 2..=8 blocks unrolled | patterns of 65..=128 units, or without AVX2 up to 512 |
//! | [`myers1999_wavefront`] | Myers 1999 blocks of one pair in vector lanes along the anti-diagonal (AVX2, AVX-512); its `Pipeline` splits the rows into bands for several threads | long patterns without a useful bound |
//! | [`mbleven2018`] | mbleven's edit models | bounds up to 3 |
//! | [`masks`] | pattern-match masks: tables, and SIMD compares on x86-64 | the kernels above |
//! | [`lanes`] | many pairs or patterns side by side in vector lanes | batches, matrices, nearest |
//!
//! Within this folder the arrows point one way: `dispatch` -> the algorithm files
//! -> `masks`; `lanes` -> `hyyro2003` -> `masks`.

pub(crate) mod dispatch;
pub(crate) mod hyyro2003;
#[cfg(target_arch = "x86_64")]
pub(crate) mod hyyro2003_band;
pub(crate) mod lanes;
pub(crate) mod masks;
pub(crate) mod mbleven2018;
pub(crate) mod myers1999;
pub(crate) mod myers1999_fixed;
pub(crate) mod myers1999_wavefront;
pub mod reference;

pub use dispatch::{Options, levenshtein, levenshtein_with_stop};
pub(crate) use dispatch::{Split, code_points, code_points_split, with_stop};
