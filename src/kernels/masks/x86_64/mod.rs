//! Pattern masks by SIMD compares on x86-64: the pattern (at most 64 units) sits
//! in vector registers and each text unit is broadcast and compared with it.
//! AVX2 is detected at run time; SSE2 is the x86-64 baseline.
//!
//! - `bytes`: Latin-1 patterns (one byte per unit).
//! - `wide`: UCS-2 and UCS-4 patterns (two or four bytes per unit).

pub(crate) mod bytes;
pub(crate) mod wide;
