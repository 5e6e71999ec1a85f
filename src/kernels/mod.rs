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
//! | [`myers1999_fixed`] | Myers 1999, 2..=8 blocks unrolled | patterns of 65..=512 units |
//! | [`mbleven2018`] | mbleven's edit models | bounds up to 3 |
//! | [`hirschberg`] | Hirschberg 1975 over bit-parallel score columns | alignments of any length, in linear memory |
//! | [`hyyro2003_traceback`] | Hyyrö 2003, every column kept | alignments of pieces with a pattern of up to 64 units |
//! | [`myers1999_traceback`] | Myers 1999 blocks, every column (or its band) kept | alignments of longer pieces; Hirschberg's score columns |
//! | [`traceback`] | the walk back through a recorded matrix (rapidfuzz's rule) | the two above |
//! | [`masks`] | pattern-match masks: tables, and SIMD compares on x86-64 | the kernels above |
//! | [`lanes`] | many pairs or patterns side by side in vector lanes | batches, matrices, nearest |
//!
//! Within this folder the arrows point one way: `dispatch` -> the algorithm files
//! -> `masks`; `lanes` -> `hyyro2003` -> `masks`; `hirschberg` ->
//! `hyyro2003_traceback`, `myers1999_traceback` -> `masks`, `traceback`.

pub(crate) mod dispatch;
pub(crate) mod hirschberg;
pub(crate) mod hyyro2003;
#[cfg(target_arch = "x86_64")]
pub(crate) mod hyyro2003_band;
pub(crate) mod hyyro2003_traceback;
pub(crate) mod lanes;
pub(crate) mod masks;
pub(crate) mod mbleven2018;
pub(crate) mod myers1999;
pub(crate) mod myers1999_fixed;
pub(crate) mod myers1999_traceback;
pub mod reference;
pub(crate) mod traceback;

pub use dispatch::{Options, levenshtein, levenshtein_with_stop};
pub(crate) use dispatch::{code_points, with_stop};
