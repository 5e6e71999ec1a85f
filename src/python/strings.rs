//! Borrowing a Python `str`'s code points in place.

use crate::Units;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;
use pyo3::types::string::PyStringData;

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

/// The code units of a ready `str`, straight from its PEP 393 buffer.
///
/// # Safety
/// `s` is a ready `str` that outlives 'a.
pub(super) unsafe fn str_units<'a>(s: *mut ffi::PyObject) -> Units<'a> {
    unsafe {
        let len = ffi::PyUnicode_GET_LENGTH(s) as usize;
        let data = ffi::PyUnicode_DATA(s);
        match ffi::PyUnicode_KIND(s) {
            ffi::PyUnicode_1BYTE_KIND => Units::U8(std::slice::from_raw_parts(data.cast(), len)),
            ffi::PyUnicode_2BYTE_KIND => Units::U16(std::slice::from_raw_parts(data.cast(), len)),
            _ => Units::U32(std::slice::from_raw_parts(data.cast(), len)),
        }
    }
}
