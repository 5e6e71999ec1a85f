//! The distance kernels, one file per algorithm, and the dispatch that picks one
//! for each pair.
//!
//! Uses [`crate::text`] (the units a kernel reads) and [`crate::runtime::stop`]
//! (the flag long kernels look at); the jobs above call [`distance`] (and
//! [`scores`]) for single pairs and [`lanes`] for many short ones.
//!
//! | file | algorithm | used for |
//! |---|---|---|
//! | [`scores`] | similarity and normalized scores (rapidfuzz's definitions and cut-offs) | scores |
//! | [`distance`] | the entry for one pair under `Options`: graphemes, then unit or other weights | every pair |
//! | [`weighted`] | which kernel runs for which weights (unit weights: the dispatch) | weighted costs |
//! | [`dispatch`] | the table of which kernel runs for which lengths and bound | every pair |
//! | [`reference`] | Wagner-Fischer (unit and weighted costs) and the LCS table, full matrix | the tests' oracles |
//! | [`hyyro2003`] | Hyyrö 2003, one 64-bit word | patterns up to 64 units |
//! | [`hyyro2003_band`] | Hyyrö 2003 on a diagonal band (AVX2, x86-64) | bounded long pairs |
//! | [`myers1999`] | Myers 1999 blocks, banded | long patterns |
//! | [`myers1999_fixed`] | Myers 1999, 2..=8 blocks unrolled | patterns of 65..=128 units, or without AVX2 up to 512 |
//! | [`myers1999_wavefront`] | Myers 1999 blocks of one pair in vector lanes along the anti-diagonal (AVX2, AVX-512); its `Pipeline` splits the rows into bands for several threads | long patterns without a useful bound |
//! | [`mbleven2018`] | mbleven's edit models | bounds up to 3 |
//! | [`lcs_hyyro2004`] | Hyyrö 2004 bit-parallel LCS length: one word, 2..=8 blocks unrolled (6..=8 in AVX-512 lanes along the anti-diagonal), or blocks on a band | InDel weights |
//! | [`wagner_fischer_weighted`] | Wagner-Fischer banded by the bound: 8 rows per SSE2 step (Wozniak 1997), or row by row | other weights |
//! | [`hirschberg`] | Hirschberg 1975 over bit-parallel score columns | alignments of any length, in linear memory |
//! | [`hyyro2003_traceback`] | Hyyrö 2003, every column kept | alignments of pieces with a pattern of up to 64 units |
//! | [`myers1999_traceback`] | Myers 1999 blocks, every column (or its band) kept | alignments of longer pieces; Hirschberg's score columns |
//! | [`traceback`] | the walk back through a recorded matrix (rapidfuzz's rule) | the two above |
//! | [`masks`] | pattern-match masks: tables, and SIMD compares on x86-64 | the kernels above |
//! | [`lanes`] | many pairs or patterns side by side in vector lanes | batches, matrices, nearest |
//!
//! Within this folder the arrows point one way: `scores` -> `distance` ->
//! `weighted` -> `dispatch` -> the algorithm files -> `masks`; `lanes` ->
//! `hyyro2003` -> `masks`; `hirschberg` -> `hyyro2003_traceback`,
//! `myers1999_traceback`, `myers1999_wavefront` -> `masks`, `traceback`.

pub(crate) mod dispatch;
pub(crate) mod distance;
pub(crate) mod hirschberg;
pub(crate) mod hyyro2003;
#[cfg(target_arch = "x86_64")]
pub(crate) mod hyyro2003_band;
pub(crate) mod hyyro2003_traceback;
pub(crate) mod lanes;
pub(crate) mod lcs_hyyro2004;
pub(crate) mod masks;
pub(crate) mod mbleven2018;
pub(crate) mod myers1999;
pub(crate) mod myers1999_fixed;
pub(crate) mod myers1999_traceback;
pub(crate) mod myers1999_wavefront;
pub mod reference;
pub mod scores;
pub(crate) mod traceback;
pub(crate) mod wagner_fischer_weighted;
pub(crate) mod weighted;

pub(crate) use dispatch::{Split, code_points_split};
pub use distance::{Options, levenshtein, levenshtein_with_stop};
pub(crate) use distance::{units, with_stop};
pub use weighted::{Weights, levenshtein_weighted, levenshtein_weighted_with_stop};
