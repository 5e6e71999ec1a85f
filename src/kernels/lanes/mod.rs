//! Many distances side by side in the lanes of a vector register.
//!
//! Uses [`crate::kernels::hyyro2003`] (the one-word step and its fallback),
//! [`crate::kernels::masks`], [`crate::text`] and [`crate::runtime::stop`]; the
//! jobs call it directly for short pairs, where per-pair dispatch would cost more
//! than the distance.
//!
//! - `hyyro2003_lanes`: one text against many patterns (matrices, nearest), generic
//!   over the lane width.
//! - `hyyro2003_pairs`: many independent short pairs at once (batches, columns),
//!   AVX2 and AVX-512 detected at run time.

pub(crate) mod hyyro2003_lanes;
pub(crate) mod hyyro2003_pairs;

pub use hyyro2003_lanes::Kernel;
