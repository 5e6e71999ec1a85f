//! Groups with any other element: Python's own `hash()` and `==`, as a dict.

use super::{Ids, Interning, Side};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use std::os::raw::c_int;

impl Interning {
    /// Interns `sides` (`total` elements) as one group into `out`, elements
    /// compared as dict keys: equal `hash()`, then identity or `==`, asked of
    /// the representative of each earlier id of that hash.
    pub(super) fn objects_group<'py>(
        &mut self,
        py: Python<'py>,
        out: &mut Ids,
        total: usize,
        sides: &[Side<'_, 'py>],
        name: &dyn Fn(usize) -> String,
    ) -> PyResult<()> {
        self.interner.reset(total);
        let mut reps: Vec<Bound<'py, PyAny>> = Vec::new();
        for (k, side) in sides.iter().enumerate() {
            match *side {
                Side::Units(u) => {
                    for i in 0..u.len() {
                        // SAFETY: a new reference or NULL with an exception set;
                        // any code point below 0x110000 (a unit of a str) is accepted.
                        let c = unsafe {
                            Bound::from_owned_ptr_or_err(
                                py,
                                ffi::PyUnicode_FromOrdinal(u.get(i) as c_int),
                            )?
                        };
                        self.push_object(out, &mut reps, &c, &|e| e)?;
                    }
                }
                Side::Bytes(b) => {
                    for &x in b {
                        let x = x.into_pyobject(py)?.into_any();
                        self.push_object(out, &mut reps, &x, &|e| e)?;
                    }
                }
                Side::Items(items) => {
                    // Python code may run from here on (hash, ==) and change a
                    // list: read a tuple of its items instead.
                    let tuple = match items.cast::<PyList>() {
                        Ok(list) => list.to_tuple(),
                        Err(_) => items.cast::<PyTuple>()?.clone(),
                    };
                    for (i, item) in tuple.iter().enumerate() {
                        self.push_object(out, &mut reps, &item, &|e| {
                            element_error(py, &name(k), i, e)
                        })?;
                    }
                }
            }
            out.starts.push(out.ids.len());
        }
        Ok(())
    }

    fn push_object<'py>(
        &mut self,
        out: &mut Ids,
        reps: &mut Vec<Bound<'py, PyAny>>,
        item: &Bound<'py, PyAny>,
        on_hash_error: &dyn Fn(PyErr) -> PyErr,
    ) -> PyResult<()> {
        let hash = item.hash().map_err(on_hash_error)?;
        let (id, new) = self.interner.intern(hash as u64, |id| {
            // As a dict compares a stored key with the one looked up (identity
            // first, so a NaN finds itself).
            // SAFETY: two valid objects; -1 means an exception is set.
            match unsafe {
                ffi::PyObject_RichCompareBool(reps[id as usize].as_ptr(), item.as_ptr(), ffi::Py_EQ)
            } {
                -1 => Err(PyErr::fetch(item.py())),
                r => Ok(r == 1),
            }
        })?;
        if new {
            reps.push(item.clone());
        }
        out.ids.push(id);
        Ok(())
    }
}

/// An unhashable element's `TypeError`, naming where it is: `s1[3]: unhashable
/// type: 'list'`. Other exceptions pass unchanged.
fn element_error(py: Python<'_>, name: &str, i: usize, e: PyErr) -> PyErr {
    if !e.is_instance_of::<PyTypeError>(py) {
        return e;
    }
    let err = PyTypeError::new_err(format!("{name}[{i}]: {}", e.value(py)));
    err.set_cause(py, Some(e));
    err
}
