//! `levenshtein` (and `_noop`, the benchmarks' call floor) as plain
//! `METH_FASTCALL` builtins in front of their PyO3 functions.
//!
//! A call with two `str` and nothing else, whose strings are short enough to
//! compute without releasing the GIL, is answered here; every other call (other
//! arguments, long strings, anything wrong) is handed unchanged to the PyO3
//! function, which parses, checks and raises as before. PyO3's generic argument
//! handling costs about 10 ns per call (a loop over W1 calling `_noop`: 30 ns per
//! call, `operator.is_`: 20 ns), a tenth of a short pair's whole time.

use super::DETACH_CELLS;
use super::strings::str_units;
use crate::{Options, Units};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use std::ffi::{CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The PyO3 functions that take the calls the fast paths leave.
static FULL_LEVENSHTEIN: PyOnceLock<Py<PyCFunction>> = PyOnceLock::new();
static FULL_NOOP: PyOnceLock<Py<PyCFunction>> = PyOnceLock::new();

/// Adds `levenshtein` and `_noop` to `m`.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let full = wrap_pyfunction!(super::levenshtein, m)?;
    add(m, "levenshtein", &full, entry::<Levenshtein>)?;
    FULL_LEVENSHTEIN.get_or_init(py, || full.unbind());
    let full = wrap_pyfunction!(super::_noop, m)?;
    add(m, "_noop", &full, entry::<Noop>)?;
    FULL_NOOP.get_or_init(py, || full.unbind());
    Ok(())
}

/// Adds builtin `name` running `fast`, with the signature and docstring of `full`.
fn add(
    m: &Bound<'_, PyModule>,
    name: &str,
    full: &Bound<'_, PyCFunction>,
    fast: ffi::PyCFunctionFastWithKeywords,
) -> PyResult<()> {
    let doc: String = full.getattr("__doc__")?.extract()?;
    let signature: String = full.getattr("__text_signature__")?.extract()?;
    let leak = |s: String| -> PyResult<*const c_char> {
        let s =
            CString::new(s).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        Ok(Box::leak(s.into_boxed_c_str()).as_ptr())
    };
    // CPython keeps a pointer to the definition for the function's lifetime,
    // which is the process's: it is leaked on purpose, once per import.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: leak(name.to_owned())?,
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFastWithKeywords: fast,
        },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: leak(format!("{name}{signature}\n--\n\n{doc}"))?,
    }));
    let module_name = m.name()?;
    // SAFETY: `def` lives forever; self is the module, as for PyO3's functions
    // (so pickling finds the function by name); the result is a new reference
    // or NULL with an exception set.
    let f = unsafe {
        Bound::from_owned_ptr_or_err(
            m.py(),
            ffi::PyCFunction_NewEx(def, m.as_ptr(), module_name.as_ptr()),
        )?
    };
    m.add(name, f)
}

/// Two `str` positional arguments and nothing else: their code units.
///
/// # Safety
/// The GIL is held and `args` holds `nargs` valid objects (CPython's contract).
unsafe fn two_strs<'a>(
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> Option<(Units<'a>, Units<'a>)> {
    if nargs != 2 || !kwnames.is_null() {
        return None;
    }
    // SAFETY: two arguments, borrowed for the call; a ready str is read in place
    // (a legacy one, possible before 3.12, takes the full path).
    unsafe {
        let (a, b) = (*args, *args.add(1));
        let ready = |s| ffi::PyUnicode_Check(s) != 0 && ffi::PyUnicode_IS_READY(s) != 0;
        (ready(a) && ready(b)).then(|| (str_units(a), str_units(b)))
    }
}

/// Hands the call to `full`.
///
/// # Safety
/// As for [`two_strs`].
unsafe fn forward(
    full: &PyOnceLock<Py<PyCFunction>>,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: the GIL is held, so a token may be made; the arguments are passed
    // on exactly as received (without PY_VECTORCALL_ARGUMENTS_OFFSET, which
    // CPython has already stripped from `nargs`).
    unsafe {
        let py = Python::assume_attached();
        match full.get(py) {
            Some(f) => ffi::PyObject_Vectorcall(f.as_ptr(), args, nargs as usize, kwnames),
            None => {
                pyo3::exceptions::PyRuntimeError::new_err("pyo3_levenshtein is not initialised")
                    .restore(py);
                std::ptr::null_mut()
            }
        }
    }
}

/// A builtin's fast path and the PyO3 function behind it.
trait Entry {
    /// Where [`register`] keeps the PyO3 function.
    fn full() -> &'static PyOnceLock<Py<PyCFunction>>;
    /// The answer for two `str`, or `None` to hand the call on.
    fn quick(a: Units<'_>, b: Units<'_>) -> Option<usize>;
}

struct Levenshtein;
impl Entry for Levenshtein {
    fn full() -> &'static PyOnceLock<Py<PyCFunction>> {
        &FULL_LEVENSHTEIN
    }
    fn quick(a: Units<'_>, b: Units<'_>) -> Option<usize> {
        if a.len().saturating_mul(b.len()) >= DETACH_CELLS {
            return None;
        }
        // A panic must not cross into C: the full path reports it properly.
        catch_unwind(AssertUnwindSafe(|| {
            crate::levenshtein(a, b, Options::default())
        }))
        .ok()
    }
}

struct Noop;
impl Entry for Noop {
    fn full() -> &'static PyOnceLock<Py<PyCFunction>> {
        &FULL_NOOP
    }
    fn quick(_: Units<'_>, _: Units<'_>) -> Option<usize> {
        Some(0)
    }
}

unsafe extern "C" fn entry<E: Entry>(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython's METH_FASTCALL contract; see the callees.
    unsafe {
        if let Some((a, b)) = two_strs(args, nargs, kwnames)
            && let Some(d) = E::quick(a, b)
        {
            return ffi::PyLong_FromSize_t(d);
        }
        forward(E::full(), args, nargs, kwnames)
    }
}
