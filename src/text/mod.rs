//! Text as the kernels read it: code units as CPython stores them, grapheme
//! clusters interned to ids, and collections of strings.
//!
//! The bottom layer: it uses nothing else in the crate.
//!
//! - `units`: [`Unit`](units::Unit) (`u8`, `u16`, `u32`), [`Units`](units::Units) and
//!   the common prefix and suffix that every dispatch strips first.
//! - `graphemes`: UAX #29 extended grapheme clusters turned into integer ids.
//! - `strings`: the [`Strings`](strings::Strings) trait over a collection of strings
//!   (a Python list, an Arrow column) and its once-per-job preparation.
//! - `tokens`: elements of arbitrary sequences (words, Python objects) interned
//!   to `u32` ids, which the kernels compare like code points.
//! - `arena`: owned copies of many strings, for structures that outlive a call.
//! - `words`: whitespace as Python sees it, and the words of two strings as ids.

pub(crate) mod arena;
pub(crate) mod graphemes;
pub(crate) mod strings;
// Used by the binding only (sequences of Python objects); tested on its own.
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) mod tokens;
pub(crate) mod units;
pub(crate) mod words;
