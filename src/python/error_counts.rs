//! `error_counts`: corpus WER / CER as jiwer computes them, and its result
//! classes (`ErrorCounts`, and `PairCounts`, the per-pair columns, which export
//! the Arrow PyCapsule interface and convert to NumPy).

use super::alignment::untracked;
use super::args;
use super::errors;
use super::many::texts;
use crate::Tokens;
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchIterator, StructArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyIndexError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyString, PyTuple};
use std::sync::Arc;

/// The names of the per-pair columns, in order.
const COLUMNS: [&str; 4] = ["hits", "substitutions", "deletions", "insertions"];

fn tokens(unit: &str) -> PyResult<Tokens> {
    match unit {
        "word" => Ok(Tokens::Word),
        "char" => Ok(Tokens::Char),
        "grapheme" => Ok(Tokens::Grapheme),
        other => Err(PyValueError::new_err(format!(
            "unit must be \"word\", \"char\" or \"grapheme\", got {other:?}"
        ))),
    }
}

/// Corpus error counts and rates (WER, CER) of hypotheses against references.
///
/// references and hypotheses are one str each, or equal-length sequences of
/// str, or Arrow string columns without nulls (objects exporting the Arrow
/// PyCapsule interface). unit "word" splits each string on whitespace as
/// str.split() does; "char" counts the code points of each string with its
/// leading and trailing whitespace removed (str.strip()), as jiwer's cer does
/// by default; "grapheme" counts extended grapheme clusters of the stripped
/// strings. Each pair is aligned as opcodes aligns it, which is the alignment
/// jiwer's process_words and process_characters count, so hits, substitutions,
/// deletions and insertions, and the rates, equal jiwer's. Pairs are aligned in
/// parallel with the GIL released (num_threads as in levenshtein_batch), and
/// Ctrl-C interrupts. Raises ValueError for collections of different lengths
/// or an unknown unit.
#[pyfunction]
#[pyo3(signature = (references, hypotheses, *, unit = "word", num_threads = None))]
pub(super) fn error_counts<'py>(
    py: Python<'py>,
    references: &Bound<'py, PyAny>,
    hypotheses: &Bound<'py, PyAny>,
    unit: &str,
    num_threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, ErrorCounts>> {
    let tokens = tokens(unit)?;
    let threads = args::num_threads(num_threads)?;
    let (one_r, one_h) = (one(references)?, one(hypotheses)?);
    let (mut held_r, mut held_h) = (None, None);
    let refs = texts(
        "references",
        one_r.as_ref().unwrap_or(references),
        &mut held_r,
    )?;
    let hyps = texts(
        "hypotheses",
        one_h.as_ref().unwrap_or(hypotheses),
        &mut held_h,
    )?;
    let mut interrupt = None;
    let result = py.detach(|| {
        crate::error_counts(&refs, &hyps, tokens, threads, || {
            errors::poll_signals(&mut interrupt)
        })
    });
    let counts = ErrorCounts {
        inner: errors::finish(result, interrupt)?,
    };
    untracked(py, counts)
}

/// Corpus error counts: hits, substitutions, deletions and insertions, the
/// rates made from them (error_rate, mer, wil, wip, as jiwer defines them),
/// and the same counts per pair in pairs.
#[pyclass(frozen, module = "pyo3_levenshtein")]
pub(super) struct ErrorCounts {
    inner: crate::ErrorCounts,
}

#[pymethods]
impl ErrorCounts {
    /// Reference units matched unchanged.
    #[getter]
    fn hits(&self) -> u64 {
        self.inner.hits
    }

    /// Reference units replaced by a hypothesis unit.
    #[getter]
    fn substitutions(&self) -> u64 {
        self.inner.substitutions
    }

    /// Reference units missing from the hypotheses.
    #[getter]
    fn deletions(&self) -> u64 {
        self.inner.deletions
    }

    /// Hypothesis units not in the references.
    #[getter]
    fn insertions(&self) -> u64 {
        self.inner.insertions
    }

    /// (S + D + I) / (H + S + D): the WER (unit "word") or CER; with no
    /// reference unit at all, the number of insertions (as jiwer).
    #[getter]
    fn error_rate(&self) -> f64 {
        self.inner.error_rate()
    }

    /// Match error rate: (S + D + I) / (H + S + D + I).
    #[getter]
    fn mer(&self) -> f64 {
        self.inner.mer()
    }

    /// Word information lost: 1 - wip.
    #[getter]
    fn wil(&self) -> f64 {
        self.inner.wil()
    }

    /// Word information preserved: (H / reference units) * (H / hypothesis units).
    #[getter]
    fn wip(&self) -> f64 {
        self.inner.wip()
    }

    /// Units in the references: hits + substitutions + deletions.
    #[getter]
    fn reference_length(&self) -> u64 {
        self.inner.reference_len()
    }

    /// Units in the hypotheses: hits + substitutions + insertions.
    #[getter]
    fn hypothesis_length(&self) -> u64 {
        self.inner.hypothesis_len()
    }

    /// The counts of each pair, in input order, as PairCounts columns.
    #[getter]
    fn pairs(&self) -> PairCounts {
        PairCounts {
            columns: COLUMNS.map(|_| Vec::new()),
            rows: self.inner.pairs.len(),
        }
        .filled(&self.inner.pairs)
    }

    fn __repr__(&self) -> String {
        let c = &self.inner;
        format!(
            "ErrorCounts(error_rate={}, hits={}, substitutions={}, deletions={}, insertions={}, pairs={})",
            c.error_rate(),
            c.hits,
            c.substitutions,
            c.deletions,
            c.insertions,
            c.pairs.len()
        )
    }
}

/// A str as a collection of one (as jiwer takes it), `None` for anything else.
fn one<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    obj.is_instance_of::<PyString>()
        .then(|| PyTuple::new(obj.py(), [obj]).map(Bound::into_any))
        .transpose()
}

/// Per-pair counts as four UInt32 columns: hits, substitutions, deletions,
/// insertions.
///
/// Exports the Arrow PyCapsule interface as a struct array (and as a stream
/// of one record batch), so pyarrow.table(p), pyarrow.array(p) and
/// polars.DataFrame(p) take it; to_numpy() gives a dict of NumPy arrays and
/// to_pydict() one of lists. p[i] is pair i's (hits, substitutions,
/// deletions, insertions).
#[pyclass(frozen, module = "pyo3_levenshtein")]
pub(super) struct PairCounts {
    columns: [Vec<u32>; 4],
    rows: usize,
}

impl PairCounts {
    fn filled(mut self, pairs: &[crate::PairCounts]) -> Self {
        for (column, pick) in self.columns.iter_mut().zip([
            (|p: &crate::PairCounts| p.hits) as fn(&crate::PairCounts) -> u32,
            |p| p.substitutions,
            |p| p.deletions,
            |p| p.insertions,
        ]) {
            *column = pairs.iter().map(pick).collect();
        }
        self
    }

    fn batch(&self) -> PyResult<RecordBatch> {
        let fields: Vec<Field> = COLUMNS
            .iter()
            .map(|name| Field::new(*name, DataType::UInt32, false))
            .collect();
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter()
            .map(|c| Arc::new(UInt32Array::from(c.clone())) as ArrayRef)
            .collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

#[pymethods]
impl PairCounts {
    fn __len__(&self) -> usize {
        self.rows
    }

    fn __getitem__(&self, index: isize) -> PyResult<(u32, u32, u32, u32)> {
        let i = if index < 0 {
            index + self.rows as isize
        } else {
            index
        };
        if i < 0 || i as usize >= self.rows {
            return Err(PyIndexError::new_err("PairCounts index out of range"));
        }
        let c = |k: usize| self.columns[k][i as usize];
        Ok((c(0), c(1), c(2), c(3)))
    }

    /// The columns as a struct array: (schema, array) PyCapsules (Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // A consumer may ask for another type; the interface lets us ignore it.
        let _ = requested_schema;
        let data = StructArray::from(self.batch()?).into_data();
        let schema = FFI_ArrowSchema::try_from(data.data_type())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let array = FFI_ArrowArray::new(&data);
        PyTuple::new(
            py,
            [
                PyCapsule::new_with_value(py, schema, c"arrow_schema")?,
                PyCapsule::new_with_value(py, array, c"arrow_array")?,
            ],
        )
    }

    /// The columns as a stream of one record batch (Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batch = self.batch()?;
        let schema = batch.schema();
        let reader = RecordBatchIterator::new([Ok(batch)], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The columns as a dict of lists of int.
    fn to_pydict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, column) in COLUMNS.iter().zip(&self.columns) {
            dict.set_item(*name, column)?;
        }
        Ok(dict)
    }

    /// The columns as a dict of NumPy uint32 arrays (needs NumPy).
    fn to_numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let numpy = py.import("numpy")?;
        let dict = PyDict::new(py);
        for (name, column) in COLUMNS.iter().zip(&self.columns) {
            let array = numpy.call_method1("empty", (column.len(), "uint32"))?;
            let buffer = PyBuffer::<u32>::get(&array)?;
            if buffer.readonly() || !buffer.is_c_contiguous() || buffer.item_count() != column.len()
            {
                return Err(PyRuntimeError::new_err(
                    "numpy.empty returned an unexpected array",
                ));
            }
            buffer.copy_from_slice(py, column)?;
            dict.set_item(*name, array)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!("PairCounts(rows={})", self.rows)
    }
}

/// Adds `error_counts` and its classes to the module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(error_counts, m)?)?;
    m.add_class::<ErrorCounts>()?;
    m.add_class::<PairCounts>()
}
