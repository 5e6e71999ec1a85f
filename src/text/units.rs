//! Text as the sequence of code points CPython stores it in.
//!
//! CPython keeps every `str` in the narrowest fixed width that holds its largest
//! code point (PEP 393): one, two or four bytes per code point. Each stored unit
//! *is* a code point, lone surrogates included, so comparing units compares code
//! points exactly. The core therefore never goes through `&str` (which cannot hold
//! a lone surrogate) and never decodes UTF-8 or UTF-16.

/// One stored code point: `u8` (Latin-1), `u16` (BMP, surrogates allowed) or `u32`.
pub trait Unit: Copy + Eq + Into<u32> + Send + Sync + 'static {
    /// The slice as bytes when the unit is `u8` (for byte-wise SIMD comparison).
    #[must_use]
    fn as_bytes(s: &[Self]) -> Option<&[u8]> {
        let _ = s;
        None
    }
    /// The slice as 16-bit units when the unit is `u16` (for 16-bit lane SIMD comparison).
    #[must_use]
    fn as_u16(s: &[Self]) -> Option<&[u16]> {
        let _ = s;
        None
    }
    /// The slice as 32-bit units when the unit is `u32` (for 32-bit lane SIMD comparison).
    #[must_use]
    fn as_u32(s: &[Self]) -> Option<&[u32]> {
        let _ = s;
        None
    }
}
impl Unit for u8 {
    fn as_bytes(s: &[Self]) -> Option<&[u8]> {
        Some(s)
    }
}
impl Unit for u16 {
    fn as_u16(s: &[Self]) -> Option<&[u16]> {
        Some(s)
    }
}
impl Unit for u32 {
    fn as_u32(s: &[Self]) -> Option<&[u32]> {
        Some(s)
    }
}

/// A borrowed string in one of the three widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units<'a> {
    /// Every code point is below 256.
    U8(&'a [u8]),
    /// Every code point is below 65,536 (lone surrogates allowed).
    U16(&'a [u16]),
    /// Any code point up to U+10FFFF, and for grapheme ids anything in `u32`.
    U32(&'a [u32]),
}

impl<'a> Units<'a> {
    /// Number of code points.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Units::U8(s) => s.len(),
            Units::U16(s) => s.len(),
            Units::U32(s) => s.len(),
        }
    }

    /// True for the empty string.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code point at `i` (panics if out of range, like slice indexing).
    #[must_use]
    pub fn get(&self, i: usize) -> u32 {
        match self {
            Units::U8(s) => u32::from(s[i]),
            Units::U16(s) => u32::from(s[i]),
            Units::U32(s) => s[i],
        }
    }

    /// The code points in `start..end` (panics if out of range, like slicing).
    #[must_use]
    pub fn slice(&self, start: usize, end: usize) -> Units<'a> {
        match self {
            Units::U8(s) => Units::U8(&s[start..end]),
            Units::U16(s) => Units::U16(&s[start..end]),
            Units::U32(s) => Units::U32(&s[start..end]),
        }
    }

    /// Copies the code points into `out` (cleared first) as `u32`.
    pub fn widen_into(&self, out: &mut Vec<u32>) {
        out.clear();
        match self {
            Units::U8(s) => out.extend(s.iter().map(|&c| u32::from(c))),
            Units::U16(s) => out.extend(s.iter().map(|&c| u32::from(c))),
            Units::U32(s) => out.extend_from_slice(s),
        }
    }
}

impl<'a> From<&'a [u8]> for Units<'a> {
    fn from(s: &'a [u8]) -> Self {
        Units::U8(s)
    }
}
impl<'a> From<&'a [u16]> for Units<'a> {
    fn from(s: &'a [u16]) -> Self {
        Units::U16(s)
    }
}
impl<'a> From<&'a [u32]> for Units<'a> {
    fn from(s: &'a [u32]) -> Self {
        Units::U32(s)
    }
}

/// Calls `$body` with `$a` and `$b` bound to the typed slices of two [`Units`],
/// instantiating the body for each of the nine width combinations, so kernels are
/// monomorphised and never widen a string to compare it with another.
#[macro_export]
#[doc(hidden)]
macro_rules! with_slices {
    ($x:expr, $y:expr, |$a:ident, $b:ident| $body:expr) => {{
        use $crate::Units::{U8, U16, U32};
        match ($x, $y) {
            (U8($a), U8($b)) => $body,
            (U8($a), U16($b)) => $body,
            (U8($a), U32($b)) => $body,
            (U16($a), U8($b)) => $body,
            (U16($a), U16($b)) => $body,
            (U16($a), U32($b)) => $body,
            (U32($a), U8($b)) => $body,
            (U32($a), U16($b)) => $body,
            (U32($a), U32($b)) => $body,
        }
    }};
}

/// The lengths of the longest common prefix and, of what is left, the longest
/// common suffix of `a` and `b`, comparing units as code points.
pub(crate) fn common_affixes<A: Unit, B: Unit>(a: &[A], b: &[B]) -> (usize, usize) {
    let prefix = a
        .iter()
        .zip(b)
        .take_while(|&(&x, &y)| x.into() == y.into())
        .count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|&(&x, &y)| x.into() == y.into())
        .count();
    (prefix, suffix)
}

/// Decodes a Rust string into code points (for tests, examples and the CLI-free Rust API).
#[must_use]
pub fn code_points(s: &str) -> Vec<u32> {
    s.chars().map(u32::from).collect()
}
