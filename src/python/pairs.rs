//! `levenshtein_batch`'s input, read so that the serial part under the GIL is a
//! few loads per pair and everything else runs on the workers.
//!
//! The pairs are first copied into a list of our own (one pointer per pair,
//! `list(pairs)` at C speed). Nobody else can reach that list, and it holds a
//! reference to every pair, so while the GIL is released the caller may empty or
//! change its own list without touching ours. Every item of our list is then made
//! an (exact or subclassed) tuple of two `str`: both are immutable, so the workers
//! may read the tuple's items and each string's PEP 393 buffer without the GIL.
//! A pair given as a list, which another thread could change, is replaced in our
//! copy by a new tuple of its two strings.
//!
//! A pair with a side that is not a str (a list of words, bytes ...) is checked
//! here and interned once all pairs are read, into ids of its own (see
//! `tokens::pairs`: each pair is one group, so its ids stay small); the workers
//! read those ids, and the pair's item in our list is never read.

use super::args::type_name;
use super::strings::str_units;
use super::tokens::{PendingPairs, TokenPairs};
use crate::Units;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use std::marker::PhantomData;

/// Our private list of pairs; every item that is not a pair of sequences is a
/// tuple of two ready `str`.
pub(super) struct Pairs<'py> {
    list: Bound<'py, PyList>,
    /// The pairs of sequences, if any.
    tokens: Option<TokenPairs>,
}

impl<'py> Pairs<'py> {
    /// Copies and checks `pairs`, naming the index of the first malformed pair,
    /// and interns the pairs of sequences (refused in grapheme mode), on the
    /// pool of `threads` when they are many; an unhashable element is reported
    /// after every pair has passed the other checks.
    pub(super) fn read(
        pairs: &Bound<'py, PyAny>,
        grapheme_segmentation: bool,
        threads: Option<usize>,
    ) -> PyResult<Self> {
        let py = pairs.py();
        let not_iterable = || {
            PyTypeError::new_err(format!(
                "pairs must be an iterable of (str, str) pairs, not {}",
                type_name(pairs)
            ))
        };
        if pairs.is_instance_of::<PyString>() || pairs.is_instance_of::<PyBytes>() {
            return Err(not_iterable());
        }
        // A list or tuple is copied in one C call; anything else is first asked for
        // an iterator, so that "not iterable" gets our message while an exception
        // raised by the iterator itself propagates unchanged.
        let source = if pairs.is_instance_of::<PyList>() || pairs.is_instance_of::<PyTuple>() {
            pairs.clone()
        } else {
            pairs.try_iter().map_err(|_| not_iterable())?.into_any()
        };
        // SAFETY: `source` is a valid object; PySequence_List returns a new
        // reference or NULL with an exception set.
        let list =
            unsafe { Bound::from_owned_ptr_or_err(py, ffi::PySequence_List(source.as_ptr()))? };
        // SAFETY: PySequence_List returns an exact list.
        let list = unsafe { list.cast_into_unchecked::<PyList>() };
        let mut pending: Option<PendingPairs<'py>> = None;
        for i in 0..list.len() {
            // SAFETY: `i` is in bounds of our own list, which nothing else changes
            // (no Python code can reach it); the item is borrowed from it.
            let mut item = unsafe { ffi::PyList_GET_ITEM(list.as_ptr(), i as ffi::Py_ssize_t) };
            // SAFETY: `item` is a valid object borrowed from the list.
            if unsafe { !is_str_pair(item) } {
                let (first, second) = elements(i, &list.get_item(i)?)?;
                if !(first.is_instance_of::<PyString>() && second.is_instance_of::<PyString>()) {
                    pending
                        .get_or_insert_with(|| PendingPairs::new(list.len()))
                        .push(i, &first, &second, grapheme_segmentation)?;
                    continue;
                }
                let pair = PyTuple::new(py, [first, second])?;
                item = pair.as_ptr();
                list.set_item(i, pair)?;
            }
            // SAFETY: `item` is a tuple of two str, kept alive by our list.
            unsafe { ready(py, item)? };
        }
        let tokens = match pending {
            Some(pending) => Some(pending.intern(py, threads)?),
            None => None,
        };
        Ok(Pairs { list, tokens })
    }

    /// The pairs of sequences, `None` when every pair is two str.
    pub(super) fn tokens(&self) -> Option<&TokenPairs> {
        self.tokens.as_ref()
    }

    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// A view for the workers, valid for as long as `self` is borrowed.
    pub(super) fn view(&self) -> PairsView<'_> {
        // SAFETY: an exact list; `ob_item` points at `len` valid item pointers and
        // stays put because nothing resizes our list after `read`.
        let items = unsafe { (*self.list.as_ptr().cast::<ffi::PyListObject>()).ob_item };
        PairsView {
            items,
            len: self.len(),
            _list: PhantomData,
        }
    }
}

/// Whether `item` is a tuple of two `str`.
///
/// # Safety
/// The GIL is held and `item` is a valid object.
unsafe fn is_str_pair(item: *mut ffi::PyObject) -> bool {
    unsafe {
        ffi::PyTuple_Check(item) != 0
            && ffi::PyTuple_GET_SIZE(item) == 2
            && ffi::PyUnicode_Check(ffi::PyTuple_GET_ITEM(item, 0)) != 0
            && ffi::PyUnicode_Check(ffi::PyTuple_GET_ITEM(item, 1)) != 0
    }
}

/// Makes both strings of a pair ready: before Python 3.12 a legacy string may
/// still need its canonical buffer built, which needs the GIL (since 3.12 every
/// string is ready and this is a no-op).
///
/// # Safety
/// The GIL is held and `pair` is a tuple of two `str`.
unsafe fn ready(py: Python<'_>, pair: *mut ffi::PyObject) -> PyResult<()> {
    for j in 0..2 {
        // SAFETY: as the function's contract says.
        if unsafe { ffi::PyUnicode_READY(ffi::PyTuple_GET_ITEM(pair, j)) } != 0 {
            return Err(PyErr::fetch(py));
        }
    }
    Ok(())
}

/// The two items of `item` (a tuple or list of two), or the error that names
/// what is wrong with `pairs[i]`.
fn elements<'py>(
    i: usize,
    item: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    if let Ok(t) = item.cast::<PyTuple>() {
        check_len(i, t.len())?;
        Ok((t.get_item(0)?, t.get_item(1)?))
    } else if let Ok(l) = item.cast::<PyList>() {
        check_len(i, l.len())?;
        Ok((l.get_item(0)?, l.get_item(1)?))
    } else {
        Err(PyTypeError::new_err(format!(
            "pairs[{i}] must be a tuple or list of two str or sequences, not {}",
            type_name(item)
        )))
    }
}

fn check_len(i: usize, len: usize) -> PyResult<()> {
    if len == 2 {
        Ok(())
    } else {
        Err(PyValueError::new_err(format!(
            "pairs[{i}] must hold exactly two str or sequences, got {len} items"
        )))
    }
}

/// The pairs as the workers see them: raw item pointers of our private list.
#[derive(Clone, Copy)]
pub(super) struct PairsView<'a> {
    items: *const *mut ffi::PyObject,
    len: usize,
    _list: PhantomData<&'a Pairs<'a>>,
}

// SAFETY: the view only reads immutable objects (tuples of ready str) that our
// private list keeps alive for 'a; no reference count is touched.
unsafe impl Send for PairsView<'_> {}
// SAFETY: as for Send.
unsafe impl Sync for PairsView<'_> {}

impl<'a> PairsView<'a> {
    /// Both strings of pair `i`, read without the GIL.
    pub(super) fn get(&self, i: usize) -> (Units<'a>, Units<'a>) {
        assert!(i < self.len, "pair index out of range");
        // SAFETY: `i` is in bounds; the item is a tuple of two ready str (checked
        // in `Pairs::read`) that lives for 'a. Reading the tuple's items and the
        // strings' length, kind and data pointer only loads immutable fields.
        unsafe {
            let pair = *self.items.add(i);
            (
                str_units(ffi::PyTuple_GET_ITEM(pair, 0)),
                str_units(ffi::PyTuple_GET_ITEM(pair, 1)),
            )
        }
    }
}
