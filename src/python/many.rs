//! `nearest` and `levenshtein_matrix`: one query against many strings, and all pairs.
//!
//! Collections of str (or Arrow strings) are read in place as before. When the
//! query or any item is another sequence (a list of words ...), every sequence of
//! the call is interned into one id space (see `tokens`), with the GIL held, and
//! the jobs read the ids.

use super::args::{self, type_name};
use super::arrow::{self, ArrowStrings};
use super::errors;
use super::strings::{str_units, units};
use super::tokens::{self, IdStrings, Ids, Interning, Seq, Side};
use crate::{Kernel, Options, Parallel, Strings, Units};
use pyo3::buffer::{Element, PyBuffer};
use pyo3::exceptions::{PyImportError, PyMemoryError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyList, PyString, PyTuple};
use std::marker::PhantomData;

/// A collection read once into a tuple, which keeps every item alive (and
/// unchanged) while the GIL is released, whatever the caller does to its list.
pub(super) enum Items<'py> {
    /// Every item is a str, of these lengths (see [`str_len`]).
    Strs(Bound<'py, PyTuple>, Vec<u32>),
    /// Some item is not a str (each is checked when interned).
    Mixed(Bound<'py, PyTuple>),
}

fn str_tuple<'py>(name: &str, obj: &Bound<'py, PyAny>) -> PyResult<Items<'py>> {
    let not_iterable = || {
        PyTypeError::new_err(format!(
            "{name} must be a list or iterable of str or sequences, not {}",
            type_name(obj)
        ))
    };
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(not_iterable());
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return list_to_tuple(list);
    }
    let tuple = if let Ok(tuple) = obj.cast::<PyTuple>() {
        tuple.clone()
    } else {
        let iter = obj.try_iter().map_err(|_| not_iterable())?;
        let items = iter.collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(obj.py(), items)?
    };
    let mut lens = Vec::with_capacity(tuple.len());
    for item in tuple.iter_borrowed() {
        // SAFETY: the item is a valid object, borrowed from the tuple.
        match unsafe { str_len(&item)? } {
            Some(len) => lens.push(len),
            None => return Ok(Items::Mixed(tuple)),
        }
    }
    Ok(Items::Strs(tuple, lens))
}

/// How many strings ahead [`list_to_tuple`] asks for the next str object.
const PREFETCH_AHEAD: usize = 16;

/// A list's strings copied into a new tuple and checked in one pass: each str
/// object is visited once, for its reference count and its length together.
/// (`list.to_tuple()` and then a checking pass visited each twice, and with
/// 20,000 choices every visit is a cache miss: a tenth of a `nearest` call.)
fn list_to_tuple<'py>(list: &Bound<'py, PyList>) -> PyResult<Items<'py>> {
    let py = list.py();
    let n = list.len();
    // SAFETY: PyTuple_New returns a new tuple of `n` NULL items, or NULL with an
    // exception set. A tuple dropped part-filled (on an error below) skips its
    // NULL items.
    let tuple = unsafe {
        Bound::from_owned_ptr_or_err(py, ffi::PyTuple_New(n as ffi::Py_ssize_t))?
            .cast_into_unchecked::<PyTuple>()
    };
    let mut lens = Vec::with_capacity(n);
    for i in 0..n {
        #[cfg(target_arch = "x86_64")]
        if i + PREFETCH_AHEAD < n {
            // SAFETY: in bounds, as below; a prefetch never faults.
            unsafe {
                let ahead =
                    ffi::PyList_GET_ITEM(list.as_ptr(), (i + PREFETCH_AHEAD) as ffi::Py_ssize_t);
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(ahead.cast());
            }
        }
        // SAFETY: the GIL is held and nothing in this loop runs Python code, so
        // the list keeps its length and items; `i < n`.
        let item = unsafe { ffi::PyList_GET_ITEM(list.as_ptr(), i as ffi::Py_ssize_t) };
        // SAFETY: `item` is a valid object borrowed from the list.
        let item = unsafe { Borrowed::from_ptr(py, item) };
        // SAFETY: as above.
        match unsafe { str_len(&item)? } {
            Some(len) => lens.push(len),
            // Not a str: the list, unchanged since no Python code ran, copied
            // whole (the part-filled tuple is dropped).
            None => return Ok(Items::Mixed(list.to_tuple())),
        }
        // SAFETY: slot `i` of our new tuple is empty; it takes the new reference.
        unsafe {
            ffi::PyTuple_SET_ITEM(
                tuple.as_ptr(),
                i as ffi::Py_ssize_t,
                item.to_owned().into_ptr(),
            );
        }
    }
    Ok(Items::Strs(tuple, lens))
}

/// The length of `item`, made ready for [`StrTuple`] to read without the GIL;
/// `None` if it is not a str. Lengths of `u32::MAX` and more are kept as
/// `u32::MAX` (looked up again when asked for).
///
/// # Safety
/// The GIL is held.
#[inline(always)]
unsafe fn str_len(item: &Borrowed<'_, '_, PyAny>) -> PyResult<Option<u32>> {
    let Ok(s) = item.cast::<PyString>() else {
        return Ok(None);
    };
    // SAFETY: s is a str; before 3.12 a legacy (not yet ready) str is made
    // ready here, which needs the GIL; since 3.12 this is a no-op.
    if unsafe { ffi::PyUnicode_READY(s.as_ptr()) } != 0 {
        return Err(PyErr::fetch(item.py()));
    }
    // SAFETY: a ready str.
    let len = unsafe { ffi::PyUnicode_GET_LENGTH(s.as_ptr()) };
    Ok(Some(u32::try_from(len).unwrap_or(u32::MAX)))
}

/// A tuple of str (checked, and made ready, by [`str_tuple`]) read without the
/// GIL: no `Vec` of 20,000 borrowed slices to build per call, which measured a
/// third of the cost of a `nearest` call over W1-like choices.
pub(super) struct StrTuple<'a> {
    tuple: *mut ffi::PyObject,
    len: usize,
    /// Each string's length, read while checking it: one sequential array
    /// instead of a pointer chase into each string for every length test.
    lens: &'a [u32],
    _held: PhantomData<&'a ()>,
}

// SAFETY: a tuple cannot change its items, the caller's reference keeps it (and
// so its strings) alive for 'a, and a ready str never changes: reading the tuple's
// item pointers and the strings' length, kind and data from any thread is a read
// of memory nobody writes.
unsafe impl Sync for StrTuple<'_> {}

impl<'a> StrTuple<'a> {
    /// The length of a string of `u32::MAX` units or more.
    #[cold]
    #[inline(never)]
    fn long_len(&self, i: usize) -> usize {
        self.get(i).len()
    }

    fn new(tuple: &'a Bound<'_, PyTuple>, lens: &'a [u32]) -> Self {
        StrTuple {
            tuple: tuple.as_ptr(),
            len: tuple.len(),
            lens,
            _held: PhantomData,
        }
    }
}

impl Strings for StrTuple<'_> {
    fn count(&self) -> usize {
        self.len
    }

    #[inline(always)]
    fn len_of(&self, i: usize) -> usize {
        match self.lens[i] {
            u32::MAX => self.long_len(i),
            n => n as usize,
        }
    }

    #[inline]
    fn prefetch(&self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        if i < self.len {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: i is in range (the tuple's item array is read, as in `get`);
            // a prefetch never faults, whatever the address.
            unsafe {
                let s = ffi::PyTuple_GET_ITEM(self.tuple, i as ffi::Py_ssize_t).cast::<i8>();
                // The header (length, kind) and the first units share these lines.
                _mm_prefetch::<_MM_HINT_T0>(s);
                _mm_prefetch::<_MM_HINT_T0>(s.wrapping_add(64));
            }
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Units<'_> {
        assert!(i < self.len, "string index out of range");
        // SAFETY: i is in range; item i is a ready str kept alive by the tuple
        // (see the `Sync` impl), so its buffer holds `length` units of its kind.
        unsafe { str_units(ffi::PyTuple_GET_ITEM(self.tuple, i as ffi::Py_ssize_t)) }
    }
}

/// The strings of a `nearest` or `levenshtein_matrix` argument: Python str
/// read in place, an Arrow string column decoded once, or interned sequences.
pub(super) enum Texts<'a> {
    Python(StrTuple<'a>),
    Arrow(&'a ArrowStrings),
    Ids(IdStrings<'a>),
}

impl Strings for Texts<'_> {
    fn count(&self) -> usize {
        match self {
            Texts::Python(t) => t.count(),
            Texts::Arrow(t) => t.count(),
            Texts::Ids(t) => t.count(),
        }
    }

    #[inline(always)]
    fn len_of(&self, i: usize) -> usize {
        match self {
            Texts::Python(t) => t.len_of(i),
            Texts::Arrow(t) => t.len_of(i),
            Texts::Ids(t) => t.len_of(i),
        }
    }

    #[inline]
    fn prefetch(&self, i: usize) {
        if let Texts::Python(t) = self {
            t.prefetch(i);
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Units<'_> {
        match self {
            Texts::Python(t) => t.get(i),
            Texts::Arrow(t) => t.get(i),
            Texts::Ids(t) => t.get(i),
        }
    }
}

/// A collection argument of `nearest` or `levenshtein_matrix`, read once.
pub(super) enum Many<'py> {
    Arrow(ArrowStrings),
    Items(Items<'py>),
}

impl<'py> Many<'py> {
    /// Reads argument `name`: an Arrow string column, else a list or iterable.
    fn read(name: &str, obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Some(arrow) = arrow::strings(obj, name)? {
            return Ok(Many::Arrow(arrow));
        }
        Ok(Many::Items(str_tuple(name, obj)?))
    }

    fn count(&self) -> usize {
        match self {
            Many::Arrow(a) => a.count(),
            Many::Items(Items::Strs(t, _) | Items::Mixed(t)) => t.len(),
        }
    }

    /// Its strings read in place, unless some item is not a str.
    fn texts(&self) -> Option<Texts<'_>> {
        match self {
            Many::Arrow(a) => Some(Texts::Arrow(a)),
            Many::Items(Items::Strs(t, lens)) => Some(Texts::Python(StrTuple::new(t, lens))),
            Many::Items(Items::Mixed(_)) => None,
        }
    }

    /// Each item as a sequence (none for an Arrow column, read by [`Many::sides`]).
    fn seqs(&self, name: &str) -> PyResult<Vec<Seq<'py>>> {
        match self {
            Many::Arrow(_) => Ok(Vec::new()),
            Many::Items(Items::Strs(t, _) | Items::Mixed(t)) => t
                .iter()
                .enumerate()
                .map(|(i, item)| tokens::seq(&item, || format!("{name}[{i}]")))
                .collect(),
        }
    }

    /// Each item as interning reads it; `seqs` is what [`Many::seqs`] returned.
    fn sides<'a>(&'a self, seqs: &'a [Seq<'py>]) -> PyResult<Vec<Side<'a, 'py>>> {
        match self {
            Many::Arrow(a) => Ok((0..a.count()).map(|i| Side::Units(a.get(i))).collect()),
            Many::Items(_) => seqs.iter().map(Seq::side).collect(),
        }
    }

    /// Grapheme mode's error for the first item that is not a str, if any.
    fn not_str(&self, name: &str) -> Option<PyErr> {
        let Many::Items(Items::Mixed(t)) = self else {
            return None;
        };
        t.iter()
            .enumerate()
            .find(|(_, item)| !item.is_instance_of::<PyString>())
            .map(|(i, item)| tokens::graphemes_need_str(&format!("{name}[{i}]"), &item))
    }
}

/// Reads argument `name` for a job that compares strings only (the join and
/// the index): an Arrow string column, or a list or iterable of str, which
/// `held` keeps alive; any other item is a `TypeError` naming its index.
pub(super) fn texts<'a, 'py>(
    name: &str,
    obj: &Bound<'py, PyAny>,
    held: &'a mut Option<Many<'py>>,
) -> PyResult<Texts<'a>> {
    let many = held.insert(Many::read(name, obj)?);
    if let Many::Items(Items::Mixed(t)) = many {
        let (i, item) = t
            .iter()
            .enumerate()
            .find(|(_, item)| !item.is_instance_of::<PyString>())
            .expect("a mixed tuple holds an item that is not a str");
        return Err(PyTypeError::new_err(format!(
            "{name}[{i}] must be str, not {}",
            type_name(&item)
        )));
    }
    Ok(many.texts().expect("strings only"))
}

/// `k`: None, or an int (not a bool) >= 1; values beyond `usize` mean no limit.
pub(super) fn k_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(value) = value else { return Ok(None) };
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "k must be an int or None, not {}",
            type_name(value)
        )));
    }
    if value.lt(1)? {
        return Err(PyValueError::new_err(format!(
            "k must be >= 1, got {value}"
        )));
    }
    Ok(Some(value.extract::<usize>().unwrap_or(usize::MAX)))
}

/// The choices nearest to a query, best first.
///
/// Returns (index, distance) for the choices (a list or iterable of str, or an
/// Arrow string column without nulls) within max_distance of query, sorted by
/// distance, ties by index; at most k of them when k is given. At least one
/// of k and max_distance is required. The query is
/// prepared once and the choices are scanned in parallel with the GIL released,
/// skipping those whose length alone rules them out; num_threads and
/// grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
/// The query and the choices may also be sequences of hashable elements,
/// compared as in levenshtein (all of them interned together first).
#[pyfunction]
#[pyo3(signature = (query, choices, *, k = None, max_distance = None, grapheme_segmentation = false, num_threads = None, weights = None))]
#[allow(clippy::too_many_arguments)] // the Python signature
pub(super) fn nearest(
    py: Python<'_>,
    query: &Bound<'_, PyAny>,
    choices: &Bound<'_, PyAny>,
    k: Option<&Bound<'_, PyAny>>,
    max_distance: Option<&Bound<'_, PyAny>>,
    grapheme_segmentation: bool,
    num_threads: Option<&Bound<'_, PyAny>>,
    weights: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(usize, usize)>> {
    let query_seq = match query.cast::<PyString>() {
        Ok(_) => None,
        Err(_) => Some(tokens::seq(query, || "query".to_owned())?),
    };
    let k = k_arg(k)?;
    let options = Options {
        grapheme_segmentation,
        max_distance: args::max_distance(max_distance)?,
        weights: args::weights(weights)?,
    };
    if k.is_none() && max_distance.is_none() {
        return Err(PyValueError::new_err(
            "nearest needs k or max_distance (or both), got neither",
        ));
    }
    let parallel = Parallel {
        threads: args::num_threads(num_threads)?,
        kernel: Kernel::best(),
    };
    let choices = Many::read("choices", choices)?;
    if query_seq.is_none()
        && let Some(texts) = choices.texts()
    {
        return nearest_in(
            py,
            units(query.cast::<PyString>()?)?,
            &texts,
            k,
            options,
            parallel,
        );
    }
    // Sequences: the query and every choice interned together.
    let seqs = choices.seqs("choices")?;
    if grapheme_segmentation {
        return Err(match query_seq {
            Some(_) => tokens::graphemes_need_str("query", query),
            None => choices
                .not_str("choices")
                .unwrap_or_else(|| PyRuntimeError::new_err("nearest: no sequence found to intern")),
        });
    }
    let query_side = match &query_seq {
        Some(q) => q.side()?,
        None => Side::Units(units(query.cast::<PyString>()?)?),
    };
    let mut sides = vec![query_side];
    sides.extend(choices.sides(&seqs)?);
    let mut ids = Ids::new();
    Interning::new().push_group(py, &mut ids, &sides, &|k| match k {
        0 => "query".to_owned(),
        k => format!("choices[{}]", k - 1),
    })?;
    let texts = Texts::Ids(ids.strings(1, choices.count()));
    nearest_in(py, ids.get(0), &texts, k, options, parallel)
}

fn nearest_in(
    py: Python<'_>,
    query: Units<'_>,
    choices: &Texts<'_>,
    k: Option<usize>,
    options: Options,
    parallel: Parallel,
) -> PyResult<Vec<(usize, usize)>> {
    let mut interrupt = None;
    let result = py.detach(|| {
        crate::nearest(query, choices, k, options, parallel, || {
            errors::poll_signals(&mut interrupt)
        })
    });
    errors::finish(result, interrupt)
}

/// The dtypes a matrix may have, with the largest distance each holds.
const DTYPES: [(&str, u64); 6] = [
    ("uint8", u8::MAX as u64),
    ("uint16", u16::MAX as u64),
    ("uint32", u32::MAX as u64),
    ("uint64", u64::MAX),
    ("int32", i32::MAX as u64),
    ("int64", i64::MAX as u64),
];

/// The dtype of normalized matrices, the only one they may have.
const FLOAT64: &str = "float64";

/// The name of `dtype` (a str, or through `numpy.dtype` anything NumPy takes),
/// checked against the dtypes a matrix may have: [`DTYPES`], or only float64
/// when `normalized`.
fn dtype_name(
    numpy: Option<&Bound<'_, PyModule>>,
    dtype: &Bound<'_, PyAny>,
    normalized: bool,
) -> PyResult<String> {
    let name = if let Ok(s) = dtype.cast::<PyString>() {
        s.to_str()?.to_owned()
    } else if let Some(numpy) = numpy {
        numpy
            .getattr("dtype")?
            .call1((dtype,))
            .and_then(|d| d.getattr("name")?.extract::<String>())
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "dtype must be a str such as \"uint32\" or a NumPy dtype, not {}",
                    type_name(dtype)
                ))
            })?
    } else {
        return Err(PyTypeError::new_err(format!(
            "dtype must be a str such as \"uint32\", not {}",
            type_name(dtype)
        )));
    };
    if normalized {
        return if name == FLOAT64 {
            Ok(name)
        } else {
            Err(PyValueError::new_err(format!(
                "dtype must be None or float64 with normalized=True, got {name:?}"
            )))
        };
    }
    if DTYPES.iter().any(|(n, _)| *n == name) {
        Ok(name)
    } else {
        let names: Vec<&str> = DTYPES.iter().map(|(n, _)| *n).collect();
        Err(PyValueError::new_err(format!(
            "dtype must be one of {}, got {name:?}",
            names.join(", ")
        )))
    }
}

/// Fills the fresh C-ordered array `array` with the distances, the GIL released.
fn fill<T: Element + Send>(
    py: Python<'_>,
    array: &Bound<'_, PyAny>,
    queries: &Texts<'_>,
    choices: &Texts<'_>,
    options: Options,
    parallel: Parallel,
    convert: fn(usize) -> T,
) -> PyResult<()> {
    fill_with(py, array, queries.count() * choices.count(), |out, poll| {
        crate::levenshtein_matrix(queries, choices, options, parallel, out, convert, poll)
    })
}

/// Runs `job` on the cells of the fresh C-ordered array `array`, which must
/// hold `cells` items of T, with the GIL released and Ctrl-C polled.
fn fill_with<T: Element + Send>(
    py: Python<'_>,
    array: &Bound<'_, PyAny>,
    cells: usize,
    job: impl FnOnce(&mut [T], &mut dyn FnMut() -> bool) -> Result<(), crate::Error> + Send,
) -> PyResult<()> {
    let buffer = PyBuffer::<T>::get(array)?;
    if buffer.readonly() || !buffer.is_c_contiguous() || buffer.item_count() != cells {
        return Err(PyRuntimeError::new_err(
            "numpy.empty returned an unexpected array",
        ));
    }
    // SAFETY: the buffer is the C-contiguous, writable storage of `cells` items of
    // T of an array created just now and referenced only by this function, which
    // keeps it (and the buffer view) alive until the slice is dropped below.
    let out = unsafe { std::slice::from_raw_parts_mut(buffer.buf_ptr().cast::<T>(), cells) };
    let mut interrupt = None;
    let result = py.detach(|| job(out, &mut || errors::poll_signals(&mut interrupt)));
    errors::finish(result, interrupt)
}

/// Levenshtein distances between every query and every choice, as a NumPy array.
///
/// Returns an array of shape (len(queries), len(choices)) whose [i, j] is the
/// distance between queries[i] and choices[j] (each a list or iterable of str,
/// or an Arrow string column without nulls), with distances above
/// max_distance given as max_distance + 1. dtype is one of
/// "uint8", "uint16", "uint32" (the default), "uint64", "int32" and "int64"; a
/// dtype too narrow for the possible distances is a ValueError, and a matrix
/// larger than the available memory a MemoryError, raised before allocating.
/// With normalized=True the array is float64 and holds normalized distances,
/// as normalized_distance computes them (dtype must then be None or float64,
/// and max_distance is not allowed). weights are as in levenshtein.
/// Needs NumPy. Computed in parallel with the GIL released; num_threads and
/// grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
/// Queries and choices may also be sequences of hashable elements, compared
/// as in levenshtein (all of them interned together first).
#[pyfunction]
#[pyo3(
    signature = (queries, choices, *, max_distance = None, grapheme_segmentation = false, num_threads = None, dtype = None, weights = None, normalized = false)
)]
#[allow(clippy::needless_pass_by_value, clippy::too_many_arguments)] // pyo3 passes the optional dtype by value; the Python signature
pub(super) fn levenshtein_matrix<'py>(
    py: Python<'py>,
    queries: &Bound<'py, PyAny>,
    choices: &Bound<'py, PyAny>,
    max_distance: Option<&Bound<'py, PyAny>>,
    grapheme_segmentation: bool,
    num_threads: Option<&Bound<'py, PyAny>>,
    dtype: Option<Bound<'py, PyAny>>,
    weights: Option<&Bound<'py, PyAny>>,
    normalized: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let options = Options {
        grapheme_segmentation,
        max_distance: args::max_distance(max_distance)?,
        weights: args::weights(weights)?,
    };
    args::normalized_without_max_distance(normalized, options)?;
    let parallel = Parallel {
        threads: args::num_threads(num_threads)?,
        kernel: Kernel::best(),
    };
    let default = if normalized { FLOAT64 } else { "uint32" };
    let dtype = dtype.unwrap_or_else(|| PyString::new(py, default).into_any());
    if dtype.is_instance_of::<PyString>() {
        dtype_name(None, &dtype, normalized)?;
    }
    let (queries, choices) = (
        Many::read("queries", queries)?,
        Many::read("choices", choices)?,
    );
    let mut ids = Ids::new();
    let (queries, choices) = match (queries.texts(), choices.texts()) {
        (Some(q), Some(c)) => (q, c),
        _ => {
            intern_all(py, &mut ids, &queries, &choices, grapheme_segmentation)?;
            let rows = queries.count();
            (
                Texts::Ids(ids.strings(0, rows)),
                Texts::Ids(ids.strings(rows, choices.count())),
            )
        }
    };
    let numpy = py.import("numpy").map_err(|e| {
        let err = PyImportError::new_err(
            "levenshtein_matrix needs NumPy, which is not installed: pip install numpy \
             (or pyo3-levenshtein[numpy])",
        );
        err.set_cause(py, Some(e));
        err
    })?;
    let dtype = dtype_name(Some(&numpy), &dtype, normalized)?;
    if !normalized {
        check_fits(&dtype, &queries, &choices, options)?;
    }
    let (rows, cols) = (queries.count(), choices.count());
    check_memory(&dtype, rows, cols)?;
    let array = numpy
        .getattr("empty")?
        .call1(((rows, cols), dtype.as_str()))?;
    let (q, c) = (&queries, &choices);
    match dtype.as_str() {
        FLOAT64 => fill_with(py, &array, rows * cols, |out: &mut [f64], poll| {
            crate::normalized_matrix(q, c, options, parallel, out, poll)
        })?,
        "uint8" => fill(py, &array, q, c, options, parallel, |d| d as u8)?,
        "uint16" => fill(py, &array, q, c, options, parallel, |d| d as u16)?,
        "uint32" => fill(py, &array, q, c, options, parallel, |d| d as u32)?,
        "uint64" => fill(py, &array, q, c, options, parallel, |d| d as u64)?,
        "int32" => fill(py, &array, q, c, options, parallel, |d| d as i32)?,
        _ => fill(py, &array, q, c, options, parallel, |d| d as i64)?,
    }
    Ok(array)
}

/// Interns every query and choice into `ids` (queries first), for a matrix with
/// some sequence that is not a str.
fn intern_all(
    py: Python<'_>,
    ids: &mut Ids,
    queries: &Many<'_>,
    choices: &Many<'_>,
    grapheme_segmentation: bool,
) -> PyResult<()> {
    let (query_seqs, choice_seqs) = (queries.seqs("queries")?, choices.seqs("choices")?);
    if grapheme_segmentation {
        return Err(queries
            .not_str("queries")
            .or_else(|| choices.not_str("choices"))
            .unwrap_or_else(|| {
                PyRuntimeError::new_err("levenshtein_matrix: no sequence found to intern")
            }));
    }
    let mut sides = queries.sides(&query_seqs)?;
    sides.extend(choices.sides(&choice_seqs)?);
    let rows = queries.count();
    Interning::new().push_group(py, ids, &sides, &|k| {
        if k < rows {
            format!("queries[{k}]")
        } else {
            format!("choices[{}]", k - rows)
        }
    })
}

/// The largest value the matrix can hold must fit the dtype (a unit-cost
/// distance is at most the longer string's length, in code points or clusters
/// alike; a weighted one at most every query unit deleted and every choice unit
/// inserted).
fn check_fits(
    dtype: &str,
    queries: &Texts<'_>,
    choices: &Texts<'_>,
    options: Options,
) -> PyResult<()> {
    let longest = |s: &Texts<'_>| (0..s.count()).map(|i| s.len_of(i)).max().unwrap_or(0);
    let (lq, lc) = (longest(queries), longest(choices));
    let mut largest = if options.unit_weights() {
        lq.max(lc) as u64
    } else {
        let w = options.weights;
        let all = lq as u128 * w.delete as u128 + lc as u128 * w.insert as u128;
        u64::try_from(all).unwrap_or(u64::MAX)
    };
    if let Some(k) = options.max_distance {
        largest = largest.min(k as u64 + 1);
    }
    let limit = DTYPES.iter().find(|(n, _)| *n == dtype).map_or(0, |d| d.1);
    if largest > limit {
        return Err(PyValueError::new_err(format!(
            "dtype {dtype} holds values up to {limit}, but these strings can be up to \
             {largest} apart: pass a wider dtype, or max_distance < {limit}"
        )));
    }
    Ok(())
}

/// Matrices up to this size are allocated without asking the system first.
const SMALL_MATRIX_BYTES: usize = 1 << 26;

/// Refuses, before allocating, a matrix that cannot exist or cannot fit in the
/// memory available (allocating it would succeed on Linux and then get the
/// process killed while the cells are written).
fn check_memory(dtype: &str, rows: usize, cols: usize) -> PyResult<()> {
    let item: usize = match dtype {
        "uint8" => 1,
        "uint16" => 2,
        "uint32" | "int32" => 4,
        _ => 8,
    };
    let bytes = rows
        .checked_mul(cols)
        .and_then(|c| c.checked_mul(item))
        .filter(|&b| isize::try_from(b).is_ok());
    let Some(bytes) = bytes else {
        return Err(PyValueError::new_err(format!(
            "a {rows} x {cols} matrix of {dtype} is larger than any array can be"
        )));
    };
    // Reading /proc/meminfo costs ~10 us: not worth it for small matrices.
    if bytes > SMALL_MATRIX_BYTES
        && let Some(available) = crate::available_memory()
        && bytes as u64 > available
    {
        return Err(PyMemoryError::new_err(format!(
            "a {rows} x {cols} matrix of {dtype} needs {bytes} bytes, more than the \
             {available} bytes of memory available"
        )));
    }
    Ok(())
}
