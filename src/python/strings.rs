//! Borrowing a Python `str`'s code points in place.

use crate::Units;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyString, PyTuple};

/// The code points of `s`, borrowed from CPython's own buffer (no copy, no UTF-8
/// round trip, so lone surrogates survive).
///
/// The slice lives as long as the borrow of `s`; a `str` never changes after
/// creation, so it may be read from other threads while the GIL is released, as
/// long as the caller keeps its reference.
pub(super) fn units<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Units<'a>> {
    // SAFETY: PyO3 asks users of `data()` to test it on their targets: it decodes
    // the PEP 393 kind bits (checked by the test suite on every build, whose
    // golden cases hold strings of all three kinds). The returned slices borrow `s`.
    let data = unsafe { s.data()? };
    Ok(match data {
        PyStringData::Ucs1(b) => Units::U8(b),
        PyStringData::Ucs2(w) => Units::U16(w),
        PyStringData::Ucs4(d) => Units::U32(d),
    })
}

/// The code units of a string borrowed from a tuple, for as long as the tuple
/// reference `_holder` is borrowed.
pub(super) fn tuple_item_units<'a>(
    _holder: &'a Bound<'_, PyTuple>,
    s: &Bound<'_, PyString>,
) -> PyResult<Units<'a>> {
    // SAFETY: `s` is an item of the tuple behind `_holder`. A tuple never changes
    // its items, so `s` (and the buffer `units` points into) lives at least as long
    // as the tuple, which the borrow of `_holder` keeps alive for 'a.
    Ok(match units(s)? {
        Units::U8(b) => Units::U8(unsafe { std::slice::from_raw_parts(b.as_ptr(), b.len()) }),
        Units::U16(w) => Units::U16(unsafe { std::slice::from_raw_parts(w.as_ptr(), w.len()) }),
        Units::U32(d) => Units::U32(unsafe { std::slice::from_raw_parts(d.as_ptr(), d.len()) }),
    })
}
