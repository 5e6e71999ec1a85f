//! `LevenshteinIndex`, `levenshtein_join` and its `JoinResult`: converts the
//! arguments, releases the GIL, calls the core (`crate::Index`,
//! `crate::levenshtein_join`), and hands the pairs over as Arrow columns.

use super::args::{self, type_name};
use super::errors;
use super::many::{Texts, k_arg, texts};
use super::strings::units;
use crate::{Index, JoinPairs, Kernel, Parallel, Strings, Units};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator, UInt32Array};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{DataType, Field, Schema};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyCapsule, PyInt, PyList, PyString, PyTuple};
use std::sync::Arc;

/// `max_distance` of a join: an int (not a bool) >= 0; values beyond `usize`
/// bound nothing.
fn join_bound(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "max_distance must be an int >= 0, not {}",
            type_name(value)
        )));
    }
    if value.lt(0)? {
        return Err(PyValueError::new_err(format!(
            "max_distance must be >= 0, got {value}"
        )));
    }
    Ok(value.extract::<usize>().unwrap_or(usize::MAX))
}

/// A str built from code units (lone surrogates kept, as they came in).
fn to_str<'py>(py: Python<'py>, s: Units<'_>) -> PyResult<Bound<'py, PyString>> {
    let (kind, data, len) = match s {
        Units::U8(s) => (pyo3::ffi::PyUnicode_1BYTE_KIND, s.as_ptr().cast(), s.len()),
        Units::U16(s) => (pyo3::ffi::PyUnicode_2BYTE_KIND, s.as_ptr().cast(), s.len()),
        Units::U32(s) => (pyo3::ffi::PyUnicode_4BYTE_KIND, s.as_ptr().cast(), s.len()),
    };
    // SAFETY: `data` points to `len` units of `kind`, borrowed for the call;
    // CPython copies them into a new str (NULL with an exception on failure).
    unsafe {
        let ptr =
            pyo3::ffi::PyUnicode_FromKindAndData(kind as _, data, len as pyo3::ffi::Py_ssize_t);
        Ok(Bound::from_owned_ptr_or_err(py, ptr)?.cast_into_unchecked())
    }
}

/// An index over a fixed list of strings for repeated nearest-neighbour searches.
///
/// choices is a list or iterable of str, or an Arrow string column without
/// nulls; it is copied, so later changes to it do not reach the index.
/// grapheme_segmentation compares extended grapheme clusters instead of code
/// points. search and search_batch return exactly what nearest returns for the
/// same choices, but look only at candidates found by filters (deletion
/// neighbourhoods for short strings and small bounds, Pass-Join segments for
/// long ones), each built the first time a bound needs it. len(index) is the
/// number of choices; an index pickles (as its choices) for other processes.
#[pyclass(frozen, module = "pyo3_levenshtein")]
pub(super) struct LevenshteinIndex {
    index: Index,
}

/// Reads a search's `k` and `max_distance`; one of them is required.
fn search_args(
    k: Option<&Bound<'_, PyAny>>,
    max_distance: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<(Option<usize>, Option<usize>)> {
    let k_value = k_arg(k)?;
    let bound = args::max_distance(max_distance)?;
    if k.is_none() && max_distance.is_none() {
        return Err(PyValueError::new_err(format!(
            "{what} needs k or max_distance (or both), got neither"
        )));
    }
    Ok((k_value, bound))
}

#[pymethods]
impl LevenshteinIndex {
    #[new]
    #[pyo3(signature = (choices, *, grapheme_segmentation = false))]
    fn new(
        py: Python<'_>,
        choices: &Bound<'_, PyAny>,
        grapheme_segmentation: bool,
    ) -> PyResult<Self> {
        let mut held = None;
        let choices = texts("choices", choices, &mut held)?;
        let index = py.detach(|| Index::new(&choices, grapheme_segmentation));
        Ok(LevenshteinIndex {
            index: errors::finish(index, None)?,
        })
    }

    /// The choices nearest to query, best first, as nearest(query, choices, ...) returns them.
    ///
    /// Returns (index, distance) for the choices within max_distance of query,
    /// sorted by distance, ties by index; at most k of them when k is given. At
    /// least one of k and max_distance is required.
    #[pyo3(signature = (query, *, k = None, max_distance = None))]
    fn search(
        &self,
        py: Python<'_>,
        query: &Bound<'_, PyAny>,
        k: Option<&Bound<'_, PyAny>>,
        max_distance: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<(usize, usize)>> {
        let query = args::str_arg("query", query)?;
        let (k, max_distance) = search_args(k, max_distance, "search")?;
        let query = units(query)?;
        let parallel = Parallel {
            threads: None,
            kernel: Kernel::best(),
        };
        let mut interrupt = None;
        let result = py.detach(|| {
            self.index.search(query, k, max_distance, parallel, || {
                errors::poll_signals(&mut interrupt)
            })
        });
        errors::finish(result, interrupt)
    }

    /// search for each query, in parallel with the GIL released; results in query order.
    ///
    /// queries is a list or iterable of str, or an Arrow string column without
    /// nulls; k and max_distance are as in search, num_threads as in
    /// levenshtein_batch. Ctrl-C interrupts it.
    #[pyo3(signature = (queries, *, k = None, max_distance = None, num_threads = None))]
    fn search_batch(
        &self,
        py: Python<'_>,
        queries: &Bound<'_, PyAny>,
        k: Option<&Bound<'_, PyAny>>,
        max_distance: Option<&Bound<'_, PyAny>>,
        num_threads: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Vec<(usize, usize)>>> {
        let threads = args::num_threads(num_threads)?;
        let (k, max_distance) = search_args(k, max_distance, "search_batch")?;
        let mut held = None;
        let queries = texts("queries", queries, &mut held)?;
        let mut interrupt = None;
        let result = py.detach(|| {
            self.index
                .search_batch(&queries, k, max_distance, threads, || {
                    errors::poll_signals(&mut interrupt)
                })
        });
        errors::finish(result, interrupt)
    }

    fn __len__(&self) -> usize {
        self.index.len()
    }

    /// Whether distances count extended grapheme clusters.
    #[getter]
    fn grapheme_segmentation(&self) -> bool {
        self.index.grapheme_segmentation()
    }

    fn __repr__(&self) -> String {
        format!(
            "LevenshteinIndex(len={}, grapheme_segmentation={})",
            self.index.len(),
            if self.index.grapheme_segmentation() {
                "True"
            } else {
                "False"
            }
        )
    }

    /// Pickles as the class and its choices: unpickling builds the index anew.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let index = &slf.get().index;
        let choices = (0..index.len())
            .map(|i| to_str(py, index.choice(i)))
            .collect::<PyResult<Vec<_>>>()?;
        let restore = slf.get_type().getattr("_restore")?;
        let arguments = (PyList::new(py, choices)?, index.grapheme_segmentation());
        PyTuple::new(py, [restore, arguments.into_pyobject(py)?.into_any()])
    }

    /// Rebuilds a pickled index (see __reduce__).
    #[classmethod]
    fn _restore(
        _cls: &Bound<'_, pyo3::types::PyType>,
        py: Python<'_>,
        choices: &Bound<'_, PyAny>,
        grapheme_segmentation: bool,
    ) -> PyResult<Self> {
        LevenshteinIndex::new(py, choices, grapheme_segmentation)
    }
}

/// The pairs of a join as three UInt32 columns: left, right and distance.
///
/// len(r) is the number of pairs; iterating gives (left, right, distance)
/// tuples in (left, right) order, and r[i] the i-th. It exports the Arrow
/// PyCapsule stream interface (__arrow_c_stream__), so pyarrow.table(r) and
/// polars.DataFrame(r) take the columns without a copy.
#[pyclass(frozen, module = "pyo3_levenshtein")]
pub(super) struct JoinResult {
    left: ScalarBuffer<u32>,
    right: ScalarBuffer<u32>,
    distance: ScalarBuffer<u32>,
}

impl JoinResult {
    fn new(pairs: JoinPairs) -> Self {
        JoinResult {
            left: ScalarBuffer::from(pairs.left),
            right: ScalarBuffer::from(pairs.right),
            distance: ScalarBuffer::from(pairs.distance),
        }
    }

    fn row(&self, i: usize) -> (u32, u32, u32) {
        (self.left[i], self.right[i], self.distance[i])
    }
}

#[pymethods]
impl JoinResult {
    fn __len__(&self) -> usize {
        self.left.len()
    }

    fn __getitem__(&self, i: isize) -> PyResult<(u32, u32, u32)> {
        let len = self.left.len() as isize;
        let at = if i < 0 { i + len } else { i };
        if !(0..len).contains(&at) {
            return Err(PyIndexError::new_err("JoinResult index out of range"));
        }
        Ok(self.row(at as usize))
    }

    fn __iter__(slf: &Bound<'_, Self>) -> JoinIter {
        JoinIter {
            result: slf.clone().unbind(),
            next: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn __repr__(&self) -> String {
        format!("JoinResult(len={})", self.left.len())
    }

    /// The pairs as an Arrow stream of one record batch (Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // A consumer may ask for another schema; the interface lets us ignore it.
        let _ = requested_schema;
        let field = |name: &str| Field::new(name, DataType::UInt32, false);
        let schema = Arc::new(Schema::new(vec![
            field("left"),
            field("right"),
            field("distance"),
        ]));
        let column =
            |b: &ScalarBuffer<u32>| -> ArrayRef { Arc::new(UInt32Array::new(b.clone(), None)) };
        let batch = RecordBatch::try_new(
            Arc::clone(&schema),
            vec![
                column(&self.left),
                column(&self.right),
                column(&self.distance),
            ],
        )
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let reader = RecordBatchIterator::new([Ok(batch)], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}

/// Iterates over a [`JoinResult`]'s pairs as tuples.
#[pyclass(frozen, module = "pyo3_levenshtein")]
pub(super) struct JoinIter {
    result: Py<JoinResult>,
    next: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl JoinIter {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self) -> Option<(u32, u32, u32)> {
        let result = self.result.get();
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (i < result.left.len()).then(|| result.row(i))
    }
}

/// Every pair of strings within max_distance of each other, without comparing every pair.
///
/// Returns a JoinResult of (i, j, distance) for every left[i] and right[j]
/// whose distance is at most max_distance, sorted by (i, j); with right None,
/// the pairs of left with itself, each unordered pair once, with i < j. left
/// and right are lists or iterables of str, or Arrow string columns without
/// nulls. Exact for every max_distance: filters (deletion neighbourhoods for
/// short strings, Pass-Join segments for long ones) propose candidates and each
/// is verified. Runs in parallel with the GIL released; num_threads and
/// grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts
/// it. progress, if given, is called on the calling thread about every 20 ms
/// with (left rows done, left rows in all).
#[pyfunction]
#[pyo3(signature = (left, right = None, *, max_distance, grapheme_segmentation = false, num_threads = None, progress = None))]
pub(super) fn levenshtein_join(
    py: Python<'_>,
    left: &Bound<'_, PyAny>,
    right: Option<&Bound<'_, PyAny>>,
    max_distance: &Bound<'_, PyAny>,
    grapheme_segmentation: bool,
    num_threads: Option<&Bound<'_, PyAny>>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<JoinResult> {
    let bound = join_bound(max_distance)?;
    let threads = args::num_threads(num_threads)?;
    if let Some(p) = progress
        && !p.is_callable()
    {
        return Err(PyTypeError::new_err(format!(
            "progress must be callable or None, not {}",
            type_name(p)
        )));
    }
    let progress = progress.map(|p| p.clone().unbind());
    let (mut held_left, mut held_right) = (None, None);
    let left = texts("left", left, &mut held_left)?;
    let right: Option<Texts<'_>> = right
        .map(|r| texts("right", r, &mut held_right))
        .transpose()?;
    let total = left.count();
    let mut interrupt = None;
    let mut poll = |done: usize| {
        if let Some(p) = &progress {
            let failed = Python::attach(|py| p.call1(py, (done, total)).err());
            if let Some(e) = failed {
                interrupt = Some(e);
                return true;
            }
        }
        errors::poll_signals(&mut interrupt)
    };
    let result = py.detach(|| match &right {
        Some(right) => crate::levenshtein_join(
            &left,
            right,
            bound,
            grapheme_segmentation,
            threads,
            &mut poll,
        ),
        None => {
            crate::levenshtein_self_join(&left, bound, grapheme_segmentation, threads, &mut poll)
        }
    });
    let pairs = errors::finish(result, interrupt)?;
    if let Some(p) = &progress {
        p.call1(py, (total, total))?;
    }
    Ok(JoinResult::new(pairs))
}

/// Adds the index, the join and their classes to the module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<LevenshteinIndex>()?;
    m.add_class::<JoinResult>()?;
    m.add_function(wrap_pyfunction!(levenshtein_join, m)?)
}
