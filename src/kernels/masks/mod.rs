//! Where a kernel gets the mask of pattern positions that hold a text unit.
//!
//! Uses only [`crate::text::units`]; the kernels in the folder above use it.
//!
//! - `table`: per-thread lookup tables ([`table::WordTable`] for one word,
//!   [`table::BlockTable`] for Myers' blocks), portable.
//! - `x86_64`: the pattern kept in vector registers and compared with each text
//!   unit (SSE2 / AVX2, detected at run time), one file per code-unit width.
//!
//! A mask source does not call the kernel: it hands a `peq` closure, compiled
//! inside its target-feature function, to a [`PeqSink`], which the kernel (or
//! the batch lanes' mask buffer) implements.

pub(crate) mod table;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

/// What consumes a pattern's masks: the kernel (`hyyro2003::Steps`) or the
/// four-lane batch path's mask buffer. The mask sources build a `peq` closure
/// inside their target-feature functions and hand it to `consume`, which is
/// inlined there, so the closure's vector code is compiled with the features the
/// source checked for.
pub(crate) trait PeqSink {
    type Out;
    /// Runs with `peq(c)`, the mask of the pattern (`m` units) positions holding `c`;
    /// bits above `m` may hold anything.
    fn consume(self, m: usize, peq: impl Fn(u32) -> u64) -> Self::Out;
}
