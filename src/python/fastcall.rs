//! `levenshtein` (and `_noop`, the benchmarks' call floor) as plain
//! `METH_FASTCALL` builtins in front of their PyO3 functions.
//!
//! A call with two `str` and its options in their plainest form (see
//! [`fast_call`]), whose strings are short enough to compute without releasing
//! the GIL, is answered here; so is `levenshtein(a, b)` on two lists or tuples
//! of exact str and int (a plain group, see `tokens::quick`), tried only once
//! the str path has declined, so that it costs the str path nothing. Every other
//! call (other spellings, long strings, other elements, anything wrong) is handed
//! unchanged to the PyO3 function, which parses, checks and raises as before. PyO3's generic argument handling cost about 10 ns per
//! call (a loop over W1 calling a PyO3 `_noop`: 30 ns per call, `operator.is_`:
//! 20 ns), a tenth of a short pair's whole time.

use super::strings::str_units;
use super::tokens;
use super::{DETACH_CELLS, work};
use crate::{Options, Units};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyString};
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
    MAX_DISTANCE.get_or_init(py, || PyString::intern(py, "max_distance").unbind());
    GRAPHEME_SEGMENTATION.get_or_init(py, || {
        PyString::intern(py, "grapheme_segmentation").unbind()
    });
    WEIGHTS.get_or_init(py, || PyString::intern(py, "weights").unbind());
    Ok(())
}

/// Adds builtin `name` running `fast`, with the signature and docstring of `full`.
pub(super) fn add(
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

/// A call the fast entry answers: two `str` (positional), and the options
/// given in their plainest form.
struct Call<'a> {
    a: Units<'a>,
    b: Units<'a>,
    options: Options,
}

/// The keywords the fast entry reads, as CPython interns them: a call from
/// Python code names its keywords with these very objects, and any other
/// spelling simply takes the full path.
static MAX_DISTANCE: PyOnceLock<Py<PyString>> = PyOnceLock::new();
pub(super) static GRAPHEME_SEGMENTATION: PyOnceLock<Py<PyString>> = PyOnceLock::new();
static WEIGHTS: PyOnceLock<Py<PyString>> = PyOnceLock::new();

/// `grapheme_segmentation` given as `True` or `False` exactly.
///
/// # Safety
/// `value` is a valid object.
pub(super) unsafe fn flag(value: *mut ffi::PyObject) -> Option<bool> {
    // SAFETY: comparing pointers only.
    unsafe {
        if value == ffi::Py_True() {
            Some(true)
        } else if value == ffi::Py_False() {
            Some(false)
        } else {
            None
        }
    }
}

/// Reads `max_distance` into `bound` if it is `None` or an exact int from 0 to
/// `isize::MAX`; `None` otherwise.
///
/// # Safety
/// The GIL is held and `value` is a valid object.
unsafe fn read_bound(value: *mut ffi::PyObject, bound: &mut Option<usize>) -> Option<()> {
    // SAFETY: as the function's contract says; an overflow's exception is cleared.
    unsafe {
        if value == ffi::Py_None() {
            *bound = None;
            return Some(());
        }
        if ffi::PyLong_CheckExact(value) == 0 {
            return None;
        }
        let k = ffi::PyLong_AsSsize_t(value);
        if k == -1 && !ffi::PyErr_Occurred().is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        *bound = Some(usize::try_from(k).ok()?);
        Some(())
    }
}

/// Reads `weights` if it is `None` or an exact tuple of three exact ints from 0
/// to `isize::MAX`; `None` otherwise (the full path checks and reports the rest).
///
/// # Safety
/// The GIL is held and `value` is a valid object.
unsafe fn read_weights(value: *mut ffi::PyObject, weights: &mut crate::Weights) -> Option<()> {
    // SAFETY: as the function's contract says; the tuple's items are borrowed.
    unsafe {
        if value == ffi::Py_None() {
            *weights = crate::Weights::default();
            return Some(());
        }
        if ffi::PyTuple_CheckExact(value) == 0 || ffi::PyTuple_GET_SIZE(value) != 3 {
            return None;
        }
        // A loop calling with a literal `weights=(1, 1, 2)` passes the same
        // tuple object every time: its three conversions (a third of the
        // binding's work on a short pair) are done once. The cache holds a
        // reference to the tuple, so the address cannot be reused by another
        // object while it is cached, and a tuple of exact ints cannot change.
        // SAFETY: the GIL is held (see the static's contract).
        let last = &mut *LAST_WEIGHTS.0.get();
        if let Some((tuple, cached)) = *last
            && tuple == value
        {
            *weights = cached;
            return Some(());
        }
        let mut w = [None; 3];
        for (i, slot) in w.iter_mut().enumerate() {
            read_bound(ffi::PyTuple_GET_ITEM(value, i as ffi::Py_ssize_t), slot)?;
            slot.as_ref()?;
        }
        let [Some(insert), Some(delete), Some(substitute)] = w else {
            return None;
        };
        *weights = crate::Weights {
            insert,
            delete,
            substitute,
        };
        ffi::Py_INCREF(value);
        if let Some((old, _)) = last.replace((value, *weights)) {
            ffi::Py_DECREF(old);
        }
        Some(())
    }
}

/// The last `weights` tuple [`read_weights`] read and its value, with a
/// reference owned by the cache (released when the entry is replaced; the last
/// one stays alive with the module). Only touched with the GIL held, which
/// serialises every access: the module does not declare itself free-threaded,
/// so a free-threaded interpreter turns the GIL on when importing it. (A
/// thread-local costs a `__tls_get_addr` call per use in a shared library.)
struct LastWeights(std::cell::UnsafeCell<Option<(*mut ffi::PyObject, crate::Weights)>>);
// SAFETY: see above: every access holds the GIL.
unsafe impl Sync for LastWeights {}
static LAST_WEIGHTS: LastWeights = LastWeights(std::cell::UnsafeCell::new(None));

/// The call, if it is one for the fast entry: `s1` and `s2` positional and ready
/// `str`, `grapheme_segmentation` positional or by keyword, `max_distance` (and
/// `weights`, where the entry takes it) by keyword, each in its plainest form.
/// Anything else (including every error) is for the full path.
///
/// # Safety
/// The GIL is held and `args` holds `nargs` positional arguments followed by one
/// value per name in `kwnames` (CPython's contract).
unsafe fn fast_call<'a>(
    py: Python<'_>,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    takes_weights: bool,
) -> Option<Call<'a>> {
    // SAFETY: see the contract; every object is borrowed for the call, and a
    // ready str is read in place (a legacy one, possible before 3.12, takes the
    // full path).
    unsafe {
        let mut options = Options::default();
        match nargs {
            2 => {}
            3 => options.grapheme_segmentation = flag(*args.add(2))?,
            _ => return None,
        }
        if !kwnames.is_null() {
            let max_distance = MAX_DISTANCE.get(py)?.as_ptr();
            let grapheme = GRAPHEME_SEGMENTATION.get(py)?.as_ptr();
            let weights = WEIGHTS.get(py)?.as_ptr();
            for i in 0..ffi::PyTuple_GET_SIZE(kwnames) {
                let name = ffi::PyTuple_GET_ITEM(kwnames, i);
                let value = *args.offset(nargs + i);
                if name == max_distance {
                    read_bound(value, &mut options.max_distance)?;
                } else if name == weights && takes_weights {
                    read_weights(value, &mut options.weights)?;
                } else if name == grapheme && nargs == 2 {
                    options.grapheme_segmentation = flag(value)?;
                } else {
                    return None;
                }
            }
        }
        let (a, b) = (*args, *args.add(1));
        let ready = |s| ffi::PyUnicode_Check(s) != 0 && ffi::PyUnicode_IS_READY(s) != 0;
        (ready(a) && ready(b)).then(|| Call {
            a: str_units(a),
            b: str_units(b),
            options,
        })
    }
}

/// Hands the call to `full`.
///
/// # Safety
/// As for [`fast_call`].
pub(super) unsafe fn forward(
    py: Python<'_>,
    full: &PyOnceLock<Py<PyCFunction>>,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: the arguments are passed on exactly as received (without
    // PY_VECTORCALL_ARGUMENTS_OFFSET, which CPython has already stripped from
    // `nargs`).
    unsafe {
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
    /// Whether the function has a `weights` parameter.
    const WEIGHTS: bool;
    /// Where [`register`] keeps the PyO3 function.
    fn full() -> &'static PyOnceLock<Py<PyCFunction>>;
    /// The answer for two `str`, or `None` to hand the call on.
    fn quick(call: &Call<'_>) -> Option<usize>;
    /// The answer for a call of two positional arguments and no keywords that
    /// `quick` did not answer, or `None` to hand it on.
    ///
    /// # Safety
    /// The GIL is held and `a` and `b` are valid objects.
    unsafe fn objects(
        py: Python<'_>,
        a: *mut ffi::PyObject,
        b: *mut ffi::PyObject,
    ) -> Option<usize> {
        let _ = (py, a, b);
        None
    }
}

struct Levenshtein;
impl Entry for Levenshtein {
    const WEIGHTS: bool = true;
    fn full() -> &'static PyOnceLock<Py<PyCFunction>> {
        &FULL_LEVENSHTEIN
    }
    fn quick(call: &Call<'_>) -> Option<usize> {
        let &Call { a, b, options } = call;
        if work(a.len(), b.len(), options) >= DETACH_CELLS {
            return None;
        }
        // A panic must not cross into C: the full path reports it properly.
        catch_unwind(AssertUnwindSafe(|| crate::levenshtein(a, b, options))).ok()
    }
    unsafe fn objects(
        py: Python<'_>,
        a: *mut ffi::PyObject,
        b: *mut ffi::PyObject,
    ) -> Option<usize> {
        // SAFETY: as the trait's contract says.
        let quick = || unsafe { tokens::quick(py, a, b, Options::default()) };
        catch_unwind(AssertUnwindSafe(quick)).ok().flatten()
    }
}

struct Noop;
impl Entry for Noop {
    const WEIGHTS: bool = false;
    fn full() -> &'static PyOnceLock<Py<PyCFunction>> {
        &FULL_NOOP
    }
    fn quick(_: &Call<'_>) -> Option<usize> {
        Some(0)
    }
}

unsafe extern "C" fn entry<E: Entry>(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython's METH_FASTCALL contract (the GIL is held, so a token may
    // be made); see the callees.
    unsafe {
        let py = Python::assume_attached();
        if let Some(call) = fast_call(py, args, nargs, kwnames, E::WEIGHTS)
            && let Some(d) = E::quick(&call)
        {
            return ffi::PyLong_FromSize_t(d);
        }
        if nargs == 2
            && kwnames.is_null()
            && let Some(d) = E::objects(py, *args, *args.add(1))
        {
            return ffi::PyLong_FromSize_t(d);
        }
        forward(py, E::full(), args, nargs, kwnames)
    }
}
