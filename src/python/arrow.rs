//! `levenshtein_arrow`: string columns in and a UInt32 column out through the
//! Arrow PyCapsule interface, so any Arrow-speaking library (pyarrow, Polars,
//! pandas, DuckDB, nanoarrow, arro3) hands its buffers over without a copy and
//! without pyarrow being needed here.
//!
//! The arrow-rs crates own the C structs and their release callbacks; the
//! buffers they expose are read by the core (`crate::columns`), which checks
//! every offset and every string's UTF-8 before using it.

use super::{args, errors};
use crate::Options;
use crate::columns::{self, Bitmap, Chunk, Column, ColumnError, Side, Strings};
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi_and_data_type};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_buffer::{ArrowNativeType, Buffer, NullBuffer};
use arrow_data::ArrayData;
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyString, PyTuple};
use std::ffi::{CStr, c_void};

/// The imported chunks of one argument; dropping them releases the producer's buffers.
struct Imported {
    chunks: Vec<ArrayData>,
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

fn capsule(obj: &Bound<'_, PyAny>, name: &CStr, arg: &str) -> PyResult<*mut c_void> {
    let capsule = obj.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{arg}: the Arrow PyCapsule interface returned {} instead of a capsule",
            type_name(obj)
        ))
    })?;
    Ok(capsule.pointer_checked(Some(name))?.as_ptr().cast())
}

fn is_string(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// Accepts a string column, or a table of exactly one string column (a struct of
/// one field, as a DuckDB relation or a one-column record batch exports itself).
fn check_string_type(data_type: &DataType, arg: &str) -> PyResult<()> {
    match data_type {
        t if is_string(t) => Ok(()),
        DataType::Struct(fields) if fields.len() == 1 && is_string(fields[0].data_type()) => Ok(()),
        other => Err(PyTypeError::new_err(format!(
            "{arg} must be a string column (utf8, large_utf8 or utf8_view), got Arrow type {other}"
        ))),
    }
}

/// The string column of `data`: itself, or the only child of a one-field struct,
/// sliced as the struct is (arrow-rs keeps a struct's offset out of its children).
fn string_column(data: ArrayData, arg: &str) -> PyResult<ArrayData> {
    if is_string(data.data_type()) {
        return Ok(data);
    }
    if data.null_count() > 0 {
        return Err(PyValueError::new_err(format!(
            "{arg}: a table with null rows is not a string column; pass the column itself"
        )));
    }
    let child = data.child_data().first().ok_or_else(|| {
        PyValueError::new_err(format!("{arg}: the Arrow struct has no child array"))
    })?;
    if child.len() < data.offset() + data.len() {
        return Err(PyValueError::new_err(format!(
            "{arg}: the Arrow struct's child is shorter than the struct"
        )));
    }
    Ok(child.slice(data.offset(), data.len()))
}

fn arrow_error(arg: &str, e: &impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("{arg}: could not import the Arrow data: {e}"))
}

/// Takes ownership of the array behind an `arrow_array` capsule.
///
/// # Safety
/// `ptr` points to a live `ArrowArray` struct (the capsule's contents).
unsafe fn take_array(ptr: *mut c_void, data_type: DataType, arg: &str) -> PyResult<ArrayData> {
    // SAFETY: the caller's promise; `from_raw` moves the struct out and marks the
    // original released, so the capsule's destructor does not release it twice.
    let array = unsafe { FFI_ArrowArray::from_raw(ptr.cast()) };
    if array.is_released() {
        return Err(PyValueError::new_err(format!(
            "{arg}: the Arrow array was already released"
        )));
    }
    // SAFETY: the producer promises a struct that follows the C Data Interface;
    // the contents of its buffers are checked by the core as they are read.
    unsafe { from_ffi_and_data_type(array, data_type) }.map_err(|e| arrow_error(arg, &e))
}

fn import(obj: &Bound<'_, PyAny>, arg: &str) -> PyResult<Imported> {
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>().map_err(|_| {
            PyTypeError::new_err(format!("{arg}.__arrow_c_array__() must return a tuple"))
        })?;
        if pair.len() != 2 {
            return Err(PyTypeError::new_err(format!(
                "{arg}.__arrow_c_array__() must return (schema, array) capsules"
            )));
        }
        let schema = capsule(&pair.get_item(0)?, c"arrow_schema", arg)?;
        let array = capsule(&pair.get_item(1)?, c"arrow_array", arg)?;
        // SAFETY: a live schema struct owned by its capsule, only borrowed here.
        let schema = unsafe { &*schema.cast::<FFI_ArrowSchema>() };
        let data_type = DataType::try_from(schema).map_err(|e| arrow_error(arg, &e))?;
        check_string_type(&data_type, arg)?;
        // SAFETY: the capsule named arrow_array holds an ArrowArray struct.
        let data = unsafe { take_array(array, data_type, arg)? };
        return Ok(Imported {
            chunks: vec![string_column(data, arg)?],
        });
    }
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule_obj = obj.call_method0("__arrow_c_stream__")?;
        let ptr = capsule(&capsule_obj, c"arrow_array_stream", arg)?;
        // SAFETY: the capsule holds a live ArrowArrayStream; `from_raw` moves it
        // out and marks the original released.
        let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.cast()) };
        let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
            return Err(PyValueError::new_err(format!(
                "{arg}: the Arrow stream was already released"
            )));
        };
        let mut schema = FFI_ArrowSchema::empty();
        // SAFETY: callbacks of a live stream, called as the C Stream Interface says.
        if unsafe { get_schema(&raw mut stream, &raw mut schema) } != 0 {
            return Err(stream_error(&mut stream, arg));
        }
        let data_type = DataType::try_from(&schema).map_err(|e| arrow_error(arg, &e))?;
        check_string_type(&data_type, arg)?;
        let mut chunks = Vec::new();
        loop {
            let mut array = FFI_ArrowArray::empty();
            // SAFETY: as above; the array struct is ours once get_next returns.
            if unsafe { get_next(&raw mut stream, &raw mut array) } != 0 {
                return Err(stream_error(&mut stream, arg));
            }
            if array.is_released() {
                break;
            }
            let ptr: *mut FFI_ArrowArray = &raw mut array;
            // SAFETY: `array` is a live struct; take_array moves it out.
            let data = unsafe { take_array(ptr.cast(), data_type.clone(), arg)? };
            chunks.push(string_column(data, arg)?);
        }
        return Ok(Imported { chunks });
    }
    Err(PyTypeError::new_err(format!(
        "{arg} must export the Arrow PyCapsule interface (__arrow_c_array__ or \
         __arrow_c_stream__), like a pyarrow Array or a Polars Series; got {}",
        type_name(obj)
    )))
}

fn stream_error(stream: &mut FFI_ArrowArrayStream, arg: &str) -> PyErr {
    let message = stream
        .get_last_error
        // SAFETY: a live stream's callback; the string lives until the next call.
        .map(|f| unsafe { f(std::ptr::from_mut(stream)) })
        .filter(|p| !p.is_null())
        // SAFETY: a non-null error is a NUL-terminated string.
        .map(|p| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned());
    PyValueError::new_err(format!(
        "{arg}: the Arrow stream failed: {}",
        message.as_deref().unwrap_or("no message")
    ))
}

/// The core's view of one imported array: its buffers as byte slices, from the
/// array's offset on (`get` keeps a lying producer from making us slice out of range).
fn chunk<'a>(data: &'a ArrayData, arg: &str) -> PyResult<Chunk<'a>> {
    let short =
        || PyValueError::new_err(format!("{arg}: an Arrow buffer is shorter than the array"));
    let bytes = |i: usize| {
        data.buffers()
            .get(i)
            .map(Buffer::as_slice)
            .ok_or_else(short)
    };
    let from = |i: usize, width: usize| -> PyResult<&'a [u8]> {
        bytes(i)?.get(data.offset() * width..).ok_or_else(short)
    };
    // arrow-rs sizes the data buffer of (large) utf8 by the last offset, taken as
    // unsigned: a negative one would make a slice larger than any allocation, so it
    // is checked before the data buffer is looked at.
    let last_offset = |width: usize| -> PyResult<()> {
        let offsets = from(0, width)?;
        let at = data.len() * width;
        let last = offsets.get(at..at + width).ok_or_else(short)?;
        let negative = match *last {
            [a, b, c, d] => i32::from_ne_bytes([a, b, c, d]) < 0,
            [a, b, c, d, e, f, g, h] => i64::from_ne_bytes([a, b, c, d, e, f, g, h]) < 0,
            _ => true,
        };
        if negative && !data.is_empty() {
            return Err(PyValueError::new_err(format!(
                "{arg}: the last Arrow offset is negative"
            )));
        }
        Ok(())
    };
    let strings = match data.data_type() {
        DataType::Utf8 => {
            last_offset(4)?;
            Strings::Utf8 {
                offsets: from(0, 4)?,
                values: bytes(1)?,
            }
        }
        DataType::LargeUtf8 => {
            last_offset(8)?;
            Strings::LargeUtf8 {
                offsets: from(0, 8)?,
                values: bytes(1)?,
            }
        }
        _ => Strings::Utf8View {
            views: from(0, 16)?,
            buffers: data.buffers()[1..].iter().map(Buffer::as_slice).collect(),
        },
    };
    let validity = data.nulls().map(|n: &NullBuffer| Bitmap {
        bits: n.inner().values(),
        offset: n.offset(),
    });
    Chunk::new(strings, validity, data.len())
        .map_err(|e| PyValueError::new_err(format!("{arg}: {e}")))
}

fn column<'a>(imported: &'a Imported, arg: &str) -> PyResult<Column<'a>> {
    let chunks = imported
        .chunks
        .iter()
        .map(|data| chunk(data, arg))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Column::new(chunks))
}

/// The strings of an Arrow string column, decoded once for the one-to-many
/// functions, which visit them in any order and many times: Latin-1 text as
/// bytes, the rest as code points.
pub(super) struct ArrowStrings {
    latin1: Vec<u8>,
    wide: Vec<u32>,
    /// Per string: whether it is wide, and its range in `latin1` or `wide`.
    items: Vec<(bool, usize, usize)>,
}

impl crate::Strings for ArrowStrings {
    fn count(&self) -> usize {
        self.items.len()
    }

    fn get(&self, i: usize) -> crate::Units<'_> {
        match self.items[i] {
            (false, start, end) => crate::Units::U8(&self.latin1[start..end]),
            (true, start, end) => crate::Units::U32(&self.wide[start..end]),
        }
    }
}

/// `obj` as [`ArrowStrings`] if it exports the Arrow PyCapsule interface,
/// `None` if it does not; `arg` names it in errors (a null is one: these
/// functions need a string in every position).
pub(super) fn strings(obj: &Bound<'_, PyAny>, arg: &str) -> PyResult<Option<ArrowStrings>> {
    if !(obj.hasattr("__arrow_c_array__")? || obj.hasattr("__arrow_c_stream__")?) {
        return Ok(None);
    }
    let imported = import(obj, arg)?;
    let column = column(&imported, arg)?;
    let mut out = ArrowStrings {
        latin1: Vec::new(),
        wide: Vec::new(),
        items: Vec::with_capacity(column.len()),
    };
    for i in 0..column.len() {
        let text = match column.text(i) {
            Ok(Some(text)) => text,
            Ok(None) => {
                return Err(PyValueError::new_err(format!(
                    "{arg}[{i}] is null; every element must be a string"
                )));
            }
            Err(why) => return Err(PyValueError::new_err(format!("{arg}[{i}] {why}"))),
        };
        if text.chars().all(|c| u32::from(c) < 256) {
            let start = out.latin1.len();
            out.latin1.extend(text.chars().map(|c| u32::from(c) as u8));
            out.items.push((false, start, out.latin1.len()));
        } else {
            let start = out.wide.len();
            out.wide.extend(text.chars().map(u32::from));
            out.items.push((true, start, out.wide.len()));
        }
    }
    Ok(Some(out))
}

/// An Arrow array of distances (UInt32, or Float64 for normalized distances),
/// null where either input was null.
///
/// Exports the Arrow PyCapsule interface, so pyarrow.array(r) and
/// polars.Series(r) take it without a copy; to_pylist() needs neither.
#[pyclass(frozen, module = "pyo3_levenshtein")]
pub(super) struct DistanceArray {
    data: ArrayData,
}

#[pymethods]
impl DistanceArray {
    /// The array as (schema, array) PyCapsules (Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // A consumer may ask for another type; the interface lets us ignore it.
        let _ = requested_schema;
        let schema = FFI_ArrowSchema::try_from(self.data.data_type())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let array = FFI_ArrowArray::new(&self.data);
        PyTuple::new(
            py,
            [
                PyCapsule::new_with_value(py, schema, c"arrow_schema")?,
                PyCapsule::new_with_value(py, array, c"arrow_array")?,
            ],
        )
    }

    fn __len__(&self) -> usize {
        self.data.len()
    }

    /// The number of null distances.
    #[getter]
    fn null_count(&self) -> usize {
        self.data.null_count()
    }

    /// The distances as a list of int, or of float when normalized (None where null).
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.data.data_type() {
            DataType::Float64 => self.values::<f64>().into_pyobject(py),
            _ => self.values::<u32>().into_pyobject(py),
        }
        .map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!(
            "DistanceArray(len={}, null_count={})",
            self.data.len(),
            self.data.null_count()
        )
    }
}

impl DistanceArray {
    /// The values as `T`, which must be the native type of the array's data type.
    fn values<T: ArrowNativeType>(&self) -> Vec<Option<T>> {
        let values = self.data.buffer::<T>(0);
        (0..self.data.len())
            .map(|i| self.data.is_valid(i).then(|| values[i]))
            .collect()
    }
}

/// The results as an Arrow array of `data_type`, whose native type is `T`.
fn distance_array<T: ArrowNativeType>(
    d: columns::Distances<T>,
    data_type: DataType,
) -> PyResult<DistanceArray> {
    let len = d.values.len();
    let nulls = d.validity.map(Buffer::from_vec);
    let data = ArrayData::builder(data_type)
        .len(len)
        .add_buffer(Buffer::from_vec(d.values))
        .null_bit_buffer(nulls)
        .null_count(d.null_count)
        .build()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(DistanceArray { data })
}

/// Levenshtein distances between two Arrow string columns, element by element.
///
/// a and b are objects exporting the Arrow PyCapsule interface
/// (__arrow_c_array__ or __arrow_c_stream__): pyarrow Array or ChunkedArray,
/// Polars Series, pandas Series with Arrow strings, a column of a DuckDB result,
/// or a table of one string column (a one-column DuckDB relation). b may also
/// be a str, compared with every element of a. The utf8, large_utf8
/// and utf8_view layouts are read in place; a null on either side gives null.
/// Returns a DistanceArray (Arrow UInt32) of len(a) distances, computed in
/// parallel with the GIL released (num_threads, max_distance and weights as in
/// levenshtein_batch; a weighted distance beyond the UInt32 range is a
/// ValueError). With normalized=True the DistanceArray is Arrow Float64 and
/// holds normalized distances, as normalized_distance computes them
/// (max_distance is then not allowed). Raises ValueError for columns of
/// different lengths or malformed Arrow data (bad offsets, invalid UTF-8),
/// TypeError for anything but a string column.
#[pyfunction]
#[pyo3(signature = (a, b, *, grapheme_segmentation = false, max_distance = None, num_threads = None, weights = None, normalized = false))]
#[allow(clippy::too_many_arguments)] // the Python signature
pub(super) fn levenshtein_arrow(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    grapheme_segmentation: bool,
    max_distance: Option<&Bound<'_, PyAny>>,
    num_threads: Option<&Bound<'_, PyAny>>,
    weights: Option<&Bound<'_, PyAny>>,
    normalized: bool,
) -> PyResult<DistanceArray> {
    let threads = args::num_threads(num_threads)?;
    let options = Options {
        grapheme_segmentation,
        max_distance: args::max_distance(max_distance)?,
        weights: args::weights(weights)?,
    };
    args::normalized_without_max_distance(normalized, options)?;
    if a.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "a must be a string column, not str (only b may be a single str)",
        ));
    }
    let imported_a = import(a, "a")?;
    let column_a = column(&imported_a, "a")?;
    let scalar = b.cast::<PyString>().ok();
    let imported_b = match scalar {
        Some(_) => None,
        None => Some(import(b, "b")?),
    };
    let column_b = imported_b.as_ref().map(|i| column(i, "b")).transpose()?;
    let side_b = match (scalar, &column_b) {
        (Some(s), _) => Side::Scalar(super::strings::units(s)?),
        (None, Some(c)) => Side::Column(c),
        (None, None) => unreachable!("b is either a str or imported"),
    };
    let side_a = Side::Column(&column_a);
    if normalized {
        let result = detach_columns(py, |poll| {
            columns::normalized_columns(side_a, side_b, options, threads, poll)
        });
        return distance_array(result?, DataType::Float64);
    }
    let result = detach_columns(py, |poll| {
        columns::levenshtein_columns(side_a, side_b, options, threads, poll)
    });
    distance_array(result?, DataType::UInt32)
}

/// Runs a columns job with the GIL released, Ctrl-C polled, and its errors
/// mapped: the core's (threads, cancellation) as everywhere, data errors
/// (lengths, malformed buffers, overflow) as ValueError.
fn detach_columns<T: Send>(
    py: Python<'_>,
    job: impl FnOnce(&mut dyn FnMut() -> bool) -> Result<T, ColumnError> + Send,
) -> PyResult<T> {
    let mut interrupt = None;
    let result = py.detach(|| job(&mut || errors::poll_signals(&mut interrupt)));
    match result {
        Ok(d) => Ok(d),
        Err(ColumnError::Core(e)) => errors::finish(Err(e), interrupt),
        Err(e) => Err(PyValueError::new_err(e.to_string())),
    }
}

/// Adds `levenshtein_arrow` and `DistanceArray` to the module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(levenshtein_arrow, m)?)?;
    m.add_class::<DistanceArray>()
}
