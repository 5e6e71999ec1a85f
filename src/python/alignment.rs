//! `editops` and `opcodes`, and the `Editops` and `Opcodes` sequences they return:
//! the core's compact items (12 and 20 bytes) behind a sequence interface whose
//! items become tuples only when asked for.
//!
//! Short pairs take a `METH_FASTCALL` entry (as `levenshtein` does, see
//! [`super::fastcall`]) and align into a per-thread buffer; a result keeps
//! its items in a [`Pooled`] slice of their exact number (see [`Editops`]).

use super::args::type_name;
use super::fastcall::{self, GRAPHEME_SEGMENTATION};
use super::strings::{str_units, units};
use super::{DETACH_CELLS, INTERRUPTIBLE_CELLS, errors, sequence_pair};
use crate::runtime::pooled::Pooled;
use crate::{EditKind, EditOp, Opcode, Units};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyList, PySlice, PyString, PyTuple};
use std::cell::RefCell;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// `value` as a new Python object that the cycle collector does not track: it
/// holds no reference to a Python object, so it cannot be part of a cycle, and
/// tracking it made the collections of a loop of short calls cost about a
/// fifth of the loop.
pub(super) fn untracked<T>(py: Python<'_>, value: T) -> PyResult<Bound<'_, T>>
where
    T: pyo3::PyClass,
    PyClassInitializer<T>: From<T>,
{
    let object = Bound::new(py, value)?;
    // SAFETY: a live object of a GC type (every pyclass is one); untracking is
    // allowed for objects that reference no other, and PyO3's dealloc untracks
    // only what is tracked.
    unsafe { ffi::PyObject_GC_UnTrack(object.as_ptr().cast()) };
    Ok(object)
}

thread_local! {
    /// The operations of short pairs, aligned here and then copied out.
    static BUFFER: RefCell<Vec<EditOp>> = const { RefCell::new(Vec::new()) };
}

/// The buffer keeps at most this many operations between calls.
const KEPT_OPS: usize = 1 << 12;

/// Aligns a short pair (no GIL release) and makes its result with `make` from
/// the operations and the lengths in units.
fn with_short<R>(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
    make: impl FnOnce(&[EditOp], (usize, usize)) -> PyResult<R>,
) -> PyResult<R> {
    let run = |buffer: &mut Vec<EditOp>| {
        let lengths = crate::editops_into(a, b, grapheme_segmentation, buffer);
        let lengths = errors::finish(lengths, None)?;
        let r = make(buffer, lengths);
        if buffer.capacity() > KEPT_OPS {
            *buffer = Vec::new();
        }
        r
    };
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => run(&mut buffer),
        Err(_) => run(&mut Vec::new()),
    })
}

/// The alignment as `make` builds it: short pairs with the GIL held, longer
/// ones with it released, long ones interruptible by Ctrl-C.
fn compute<R>(
    py: Python<'_>,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    grapheme_segmentation: bool,
    make: impl FnOnce(&[EditOp], (usize, usize)) -> PyResult<R>,
) -> PyResult<R> {
    let (Ok(a), Ok(b)) = (s1.cast::<PyString>(), s2.cast::<PyString>()) else {
        // Sequences of hashables: their elements interned to ids, aligned as units.
        return sequence_pair(py, (s1, s2), grapheme_segmentation, |a, b| {
            compute_units(py, a, b, false, make)
        });
    };
    compute_units(py, units(a)?, units(b)?, grapheme_segmentation, make)
}

/// [`compute`] on the units of the two sides.
fn compute_units<R>(
    py: Python<'_>,
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
    make: impl FnOnce(&[EditOp], (usize, usize)) -> PyResult<R>,
) -> PyResult<R> {
    let cells = a.len().saturating_mul(b.len());
    if cells < DETACH_CELLS {
        return with_short(a, b, grapheme_segmentation, make);
    }
    let result = if cells < INTERRUPTIBLE_CELLS {
        let result = py.detach(|| crate::editops(a, b, grapheme_segmentation));
        errors::finish(result, None)?
    } else {
        let mut interrupt = None;
        let result = py.detach(|| {
            crate::editops_interruptible(a, b, grapheme_segmentation, || {
                errors::poll_signals(&mut interrupt)
            })
        });
        errors::finish(result, interrupt)?
    };
    make(&result.ops, (result.src_len, result.dest_len))
}

fn new_editops(ops: &[EditOp], (src_len, dest_len): (usize, usize), graphemes: bool) -> Editops {
    Editops {
        ops: Pooled::from(ops),
        src_len,
        dest_len,
        graphemes,
    }
}

thread_local! {
    /// Blocks of short pairs, built here and then copied out.
    static BLOCKS: RefCell<Vec<Opcode>> = const { RefCell::new(Vec::new()) };
}

fn new_opcodes(ops: &[EditOp], lengths: (usize, usize), graphemes: bool) -> Opcodes {
    let run = |blocks: &mut Vec<Opcode>| {
        blocks.clear();
        // At most one block per operation and one "equal" block before each,
        // and one at the end.
        blocks.reserve(2 * ops.len() + 1);
        crate::opcode_blocks(ops, lengths, |op| blocks.push(op));
        let items = Pooled::from(blocks.as_slice());
        if blocks.capacity() > KEPT_OPS {
            *blocks = Vec::new();
        }
        items
    };
    let ops = BLOCKS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut blocks) => run(&mut blocks),
        Err(_) => run(&mut Vec::new()),
    });
    Opcodes {
        ops,
        src_len: lengths.0,
        dest_len: lengths.1,
        graphemes,
    }
}

/// The edit operations that turn s1 into s2, as an Editops sequence.
///
/// Each item is a tuple (tag, src_pos, dest_pos): tag "replace" (s1[src_pos]
/// becomes s2[dest_pos]), "insert" (s2[dest_pos] goes before s1[src_pos]) or
/// "delete" (s1[src_pos] goes). There are exactly levenshtein(s1, s2) of them,
/// and among the equally short alignments the one rapidfuzz's
/// Levenshtein.editops returns is chosen. Positions count code points, or
/// extended grapheme clusters if grapheme_segmentation is true. Memory stays
/// linear in the lengths (Hirschberg's method); the GIL is released for long
/// strings and Ctrl-C interrupts them.
#[pyfunction]
#[pyo3(signature = (s1, s2, *, grapheme_segmentation = false))]
pub(super) fn editops<'py>(
    py: Python<'py>,
    s1: &Bound<'py, PyAny>,
    s2: &Bound<'py, PyAny>,
    grapheme_segmentation: bool,
) -> PyResult<Bound<'py, Editops>> {
    compute(py, s1, s2, grapheme_segmentation, |ops, lengths| {
        untracked(py, new_editops(ops, lengths, grapheme_segmentation))
    })
}

/// The alignment of s1 and s2 as blocks, an Opcodes sequence.
///
/// Each item is a tuple (tag, i1, i2, j1, j2) saying that s1[i1:i2] is
/// "equal" to s2[j1:j2], or is "replace"d by it, or that s2[j1:j2] is
/// "insert"ed (i1 == i2) or s1[i1:i2] "delete"d (j1 == j2). The blocks cover
/// both strings from start to end, as difflib's get_opcodes does, and are
/// those of rapidfuzz's Levenshtein.opcodes. Arguments as for editops.
#[pyfunction]
#[pyo3(signature = (s1, s2, *, grapheme_segmentation = false))]
pub(super) fn opcodes<'py>(
    py: Python<'py>,
    s1: &Bound<'py, PyAny>,
    s2: &Bound<'py, PyAny>,
    grapheme_segmentation: bool,
) -> PyResult<Bound<'py, Opcodes>> {
    compute(py, s1, s2, grapheme_segmentation, |ops, lengths| {
        untracked(py, new_opcodes(ops, lengths, grapheme_segmentation))
    })
}

fn tag(py: Python<'_>, kind: EditKind) -> &Bound<'_, PyString> {
    match kind {
        EditKind::Equal => pyo3::intern!(py, "equal"),
        EditKind::Replace => pyo3::intern!(py, "replace"),
        EditKind::Insert => pyo3::intern!(py, "insert"),
        EditKind::Delete => pyo3::intern!(py, "delete"),
    }
}

fn editop_tuple(py: Python<'_>, op: EditOp) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(
        py,
        [
            tag(py, op.kind).clone().into_any(),
            op.src.into_pyobject(py)?.into_any(),
            op.dest.into_pyobject(py)?.into_any(),
        ],
    )
}

fn opcode_tuple(py: Python<'_>, op: Opcode) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(
        py,
        [
            tag(py, op.kind).clone().into_any(),
            op.src_start.into_pyobject(py)?.into_any(),
            op.src_end.into_pyobject(py)?.into_any(),
            op.dest_start.into_pyobject(py)?.into_any(),
            op.dest_end.into_pyobject(py)?.into_any(),
        ],
    )
}

/// An index or a slice of a sequence of `len` items.
enum Key {
    Index(usize),
    Slice(Vec<usize>),
}

fn key(name: &str, len: usize, key: &Bound<'_, PyAny>) -> PyResult<Key> {
    if let Ok(slice) = key.cast::<PySlice>() {
        let ix = slice.indices(len as isize)?;
        if ix.step < 0 {
            return Err(PyValueError::new_err(format!(
                "{name} cannot be sliced with a negative step: the operations must stay in order"
            )));
        }
        let picked = (0..ix.slicelength).map(|k| (ix.start + k as isize * ix.step) as usize);
        return Ok(Key::Slice(picked.collect()));
    }
    let Ok(index) = key.extract::<isize>() else {
        return Err(PyTypeError::new_err(format!(
            "{name} indices must be integers or slices, not {}",
            type_name(key)
        )));
    };
    let resolved = if index < 0 {
        index + len as isize
    } else {
        index
    };
    if resolved < 0 || resolved as usize >= len {
        return Err(PyIndexError::new_err(format!("{name} index out of range")));
    }
    Ok(Key::Index(resolved as usize))
}

/// The units of `s1` or `s2` as `apply` reads them: str as code points or
/// clusters, any other sequence item by item.
enum Source<'a, 'py> {
    Text {
        units: Units<'a>,
        /// Cluster starts and the end in grapheme mode.
        bounds: Option<Vec<usize>>,
    },
    Items(&'a Bound<'py, PyAny>),
}

impl<'a, 'py> Source<'a, 'py> {
    fn new(value: &'a Bound<'py, PyAny>, graphemes: bool) -> PyResult<Self> {
        if let Ok(s) = value.cast::<PyString>() {
            let units = units(s)?;
            let bounds = graphemes.then(|| crate::cluster_bounds(units));
            return Ok(Source::Text { units, bounds });
        }
        Ok(Source::Items(value))
    }

    fn len(&self) -> PyResult<usize> {
        match self {
            Source::Text { units, bounds } => {
                Ok(bounds.as_ref().map_or(units.len(), |b| b.len() - 1))
            }
            Source::Items(seq) => seq.len(),
        }
    }

    /// Units `range` to `out` (code points) or to `list` (items).
    fn copy(
        &self,
        range: Range<usize>,
        out: &mut Vec<u32>,
        list: &Bound<'py, PyList>,
    ) -> PyResult<()> {
        match self {
            Source::Text { units, bounds } => {
                let (from, to) = match bounds {
                    Some(b) => (b[range.start], b[range.end]),
                    None => (range.start, range.end),
                };
                out.extend((from..to).map(|i| units.get(i)));
            }
            Source::Items(seq) => {
                for i in range {
                    list.append(seq.get_item(i)?)?;
                }
            }
        }
        Ok(())
    }
}

/// Rebuilds the destination from `pieces` of `s1` (`false`) and `s2` (`true`),
/// each a range of units; two str give a str, anything else a list.
fn rebuild<'py>(
    s1: &Bound<'py, PyAny>,
    s2: &Bound<'py, PyAny>,
    (src_len, dest_len): (usize, usize),
    graphemes: bool,
    pieces: impl Iterator<Item = (bool, Range<usize>)>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = s1.py();
    let (a, b) = (Source::new(s1, graphemes)?, Source::new(s2, graphemes)?);
    let unit = if graphemes {
        "grapheme clusters"
    } else {
        "units"
    };
    for (name, source, want) in [("s1", &a, src_len), ("s2", &b, dest_len)] {
        let got = source.len()?;
        if got != want {
            return Err(PyValueError::new_err(format!(
                "{name} has {got} {unit}, but the alignment is for {want}"
            )));
        }
    }
    let text = matches!((&a, &b), (Source::Text { .. }, Source::Text { .. }));
    let (mut out, list) = (Vec::new(), PyList::empty(py));
    for (from_dest, range) in pieces {
        if from_dest { &b } else { &a }.copy(range, &mut out, &list)?;
    }
    if !text {
        return Ok(list.into_any());
    }
    // SAFETY: `out` holds `out.len()` code points read from str objects (so
    // below 0x110000); CPython copies them into a new str or sets an exception.
    unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            ffi::PyUnicode_FromKindAndData(
                ffi::PyUnicode_4BYTE_KIND as std::ffi::c_int,
                out.as_ptr().cast(),
                out.len() as ffi::Py_ssize_t,
            ),
        )
    }
}

/// `Some(equal)` when `other` is of the same class or a list or tuple (compared
/// with the items as tuples), `None` otherwise.
fn equal_to<'py, T>(
    other: &Bound<'py, PyAny>,
    same: impl FnOnce(&T) -> bool,
    as_list: impl FnOnce() -> PyResult<Bound<'py, PyList>>,
) -> PyResult<Option<bool>>
where
    T: pyo3::PyClass<Frozen = pyo3::pyclass::boolean_struct::True> + Sync,
{
    if let Ok(other) = other.cast::<T>() {
        return Ok(Some(same(other.get())));
    }
    if other.is_instance_of::<PyList>() || other.is_instance_of::<PyTuple>() {
        return Ok(Some(as_list()?.eq(other)?));
    }
    Ok(None)
}

fn compared(py: Python<'_>, equal: Option<bool>, op: CompareOp) -> PyResult<Bound<'_, PyAny>> {
    match (equal, op) {
        (Some(e), CompareOp::Eq) => Ok(e.into_pyobject(py)?.to_owned().into_any()),
        (Some(e), CompareOp::Ne) => Ok((!e).into_pyobject(py)?.to_owned().into_any()),
        _ => Ok(py.NotImplemented().into_bound(py)),
    }
}

/// A sequence of edit operations (tag, src_pos, dest_pos), from editops.
///
/// Supports len, indexing, slicing (an Editops with the same src_len and
/// dest_len), iteration and == (with another Editops, or with a list of
/// tuples); items are tuples. as_opcodes converts to Opcodes,
/// as_matching_blocks to difflib's (a, b, size) triples, inverse describes the
/// way back, and apply(s1, s2) rebuilds s2 from s1.
#[pyclass(frozen, module = "pyo3_levenshtein", sequence, freelist = 256)]
pub(super) struct Editops {
    /// In a [`Pooled`] slice, not from Python's small-object allocator
    /// (tried): a caller that keeps many results and then drops them all
    /// empties whole pymalloc arenas, which go back to the system and fault in
    /// again on the next batch (about 1,300 page faults per 2**14 results of
    /// W1), while the pool keeps freed slices, and frees them faster than
    /// `malloc`.
    ops: Pooled<EditOp>,
    src_len: usize,
    dest_len: usize,
    graphemes: bool,
}

impl Editops {
    fn with_ops(&self, ops: Pooled<EditOp>) -> Editops {
        Editops {
            ops,
            src_len: self.src_len,
            dest_len: self.dest_len,
            graphemes: self.graphemes,
        }
    }
}

#[pymethods]
impl Editops {
    fn __len__(&self) -> usize {
        self.ops.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ops = &self.ops;
        match key("Editops", ops.len(), index)? {
            Key::Index(i) => Ok(editop_tuple(py, ops[i])?.into_any()),
            Key::Slice(picked) => {
                let sliced = self.with_ops(picked.into_iter().map(|i| ops[i]).collect());
                Ok(untracked(py, sliced)?.into_any())
            }
        }
    }

    fn __iter__(slf: Bound<'_, Self>) -> EditopsIter {
        EditopsIter {
            ops: slf.unbind(),
            next: 0,
        }
    }

    fn __richcmp__<'py>(
        &self,
        other: &Bound<'py, PyAny>,
        op: CompareOp,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = other.py();
        let equal = equal_to::<Editops>(
            other,
            |o| (o.src_len, o.dest_len) == (self.src_len, self.dest_len) && o.ops == self.ops,
            || self.as_list(py),
        )?;
        compared(py, equal, op)
    }

    /// The length of the source string s1, in units.
    #[getter]
    fn src_len(&self) -> usize {
        self.src_len
    }

    /// The length of the destination string s2, in units.
    #[getter]
    fn dest_len(&self) -> usize {
        self.dest_len
    }

    /// The operations as a list of (tag, src_pos, dest_pos) tuples.
    fn as_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self.ops.iter().map(|&op| editop_tuple(py, op));
        PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)
    }

    /// The same alignment as Opcodes, with "equal" blocks between the operations.
    fn as_opcodes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, Opcodes>> {
        let lengths = (self.src_len, self.dest_len);
        untracked(py, new_opcodes(&self.ops, lengths, self.graphemes))
    }

    /// Itself (for code that takes Editops or Opcodes).
    fn as_editops(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// The unchanged runs as (a, b, size) triples, ending with (src_len, dest_len, 0).
    fn as_matching_blocks(&self) -> Vec<(usize, usize, usize)> {
        crate::editops_matching_blocks(&self.ops, (self.src_len, self.dest_len))
    }

    /// The operations that turn s2 back into s1.
    fn inverse<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, Editops>> {
        let ops: Pooled<_> = self.ops.iter().map(|op| op.inverse()).collect();
        let inverse = Editops {
            ops,
            src_len: self.dest_len,
            dest_len: self.src_len,
            graphemes: self.graphemes,
        };
        untracked(py, inverse)
    }

    /// s1 with the operations applied: s2 when they are all of editops(s1, s2).
    ///
    /// s1 and s2 must have src_len and dest_len units (grapheme clusters if the
    /// alignment was made with grapheme_segmentation); two str give a str, other
    /// sequences a list.
    fn apply<'py>(
        &self,
        s1: &Bound<'py, PyAny>,
        s2: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ops = &self.ops;
        let mut pieces = Vec::with_capacity(2 * ops.len() + 1);
        let mut src = 0usize;
        for op in ops.iter() {
            let (at, dest) = (op.src as usize, op.dest as usize);
            if src < at {
                pieces.push((false, src..at));
                src = at;
            }
            match op.kind {
                EditKind::Replace => {
                    pieces.push((true, dest..dest + 1));
                    src += 1;
                }
                EditKind::Insert => pieces.push((true, dest..dest + 1)),
                EditKind::Delete => src += 1,
                EditKind::Equal => {}
            }
        }
        if src < self.src_len {
            pieces.push((false, src..self.src_len));
        }
        let lengths = (self.src_len, self.dest_len);
        rebuild(s1, s2, lengths, self.graphemes, pieces.into_iter())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Editops({}, src_len={}, dest_len={})",
            self.as_list(py)?.repr()?,
            self.src_len,
            self.dest_len
        ))
    }
}

#[pyclass(module = "pyo3_levenshtein")]
pub(super) struct EditopsIter {
    ops: Py<Editops>,
    next: usize,
}

#[pymethods]
impl EditopsIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(
        mut slf: PyRefMut<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let Some(&op) = slf.ops.get().ops.get(slf.next) else {
            return Ok(None);
        };
        slf.next += 1;
        editop_tuple(py, op).map(Some)
    }
}

/// A sequence of blocks (tag, i1, i2, j1, j2) covering both strings, from opcodes.
///
/// Supports len, indexing, slicing (an Opcodes with the same src_len and
/// dest_len), iteration and == (with another Opcodes, or with a list of
/// tuples); items are tuples, as difflib's get_opcodes gives them. as_editops
/// converts to Editops, as_matching_blocks to (a, b, size) triples, inverse
/// describes the way back, and apply(s1, s2) rebuilds s2 from s1.
#[pyclass(frozen, module = "pyo3_levenshtein", sequence, freelist = 256)]
pub(super) struct Opcodes {
    /// As for [`Editops`].
    ops: Pooled<Opcode>,
    src_len: usize,
    dest_len: usize,
    graphemes: bool,
}

#[pymethods]
impl Opcodes {
    fn __len__(&self) -> usize {
        self.ops.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ops = &self.ops;
        match key("Opcodes", ops.len(), index)? {
            Key::Index(i) => Ok(opcode_tuple(py, ops[i])?.into_any()),
            Key::Slice(picked) => {
                let sliced = Opcodes {
                    ops: picked.into_iter().map(|i| ops[i]).collect(),
                    src_len: self.src_len,
                    dest_len: self.dest_len,
                    graphemes: self.graphemes,
                };
                Ok(untracked(py, sliced)?.into_any())
            }
        }
    }

    fn __iter__(slf: Bound<'_, Self>) -> OpcodesIter {
        OpcodesIter {
            ops: slf.unbind(),
            next: 0,
        }
    }

    fn __richcmp__<'py>(
        &self,
        other: &Bound<'py, PyAny>,
        op: CompareOp,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = other.py();
        let equal = equal_to::<Opcodes>(
            other,
            |o| (o.src_len, o.dest_len) == (self.src_len, self.dest_len) && o.ops == self.ops,
            || self.as_list(py),
        )?;
        compared(py, equal, op)
    }

    /// The length of the source string s1, in units.
    #[getter]
    fn src_len(&self) -> usize {
        self.src_len
    }

    /// The length of the destination string s2, in units.
    #[getter]
    fn dest_len(&self) -> usize {
        self.dest_len
    }

    /// The blocks as a list of (tag, i1, i2, j1, j2) tuples.
    fn as_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self.ops.iter().map(|&op| opcode_tuple(py, op));
        PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)
    }

    /// The same alignment as Editops, one operation per unit of each block but "equal".
    fn as_editops<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, Editops>> {
        let mut ops = Vec::new();
        crate::opcode_units(&self.ops, |op| ops.push(op));
        let editops = Editops {
            ops: Pooled::from(&ops[..]),
            src_len: self.src_len,
            dest_len: self.dest_len,
            graphemes: self.graphemes,
        };
        untracked(py, editops)
    }

    /// Itself (for code that takes Editops or Opcodes).
    fn as_opcodes(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// The "equal" blocks as (a, b, size) triples, ending with (src_len, dest_len, 0).
    fn as_matching_blocks(&self) -> Vec<(usize, usize, usize)> {
        crate::opcodes_matching_blocks(&self.ops, (self.src_len, self.dest_len))
    }

    /// The blocks that turn s2 back into s1.
    fn inverse<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, Opcodes>> {
        let ops: Pooled<_> = self.ops.iter().map(|op| op.inverse()).collect();
        let inverse = Opcodes {
            ops,
            src_len: self.dest_len,
            dest_len: self.src_len,
            graphemes: self.graphemes,
        };
        untracked(py, inverse)
    }

    /// The "equal" blocks of s1 and the "replace" and "insert" blocks of s2, in
    /// order: s2 when the blocks are all of opcodes(s1, s2).
    ///
    /// s1 and s2 must have src_len and dest_len units (grapheme clusters if the
    /// alignment was made with grapheme_segmentation); two str give a str, other
    /// sequences a list.
    fn apply<'py>(
        &self,
        s1: &Bound<'py, PyAny>,
        s2: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pieces = self.ops.iter().filter_map(|op| {
            let (src, dest) = (
                op.src_start as usize..op.src_end as usize,
                op.dest_start as usize..op.dest_end as usize,
            );
            match op.kind {
                EditKind::Equal => Some((false, src)),
                EditKind::Replace | EditKind::Insert => Some((true, dest)),
                EditKind::Delete => None,
            }
        });
        let lengths = (self.src_len, self.dest_len);
        rebuild(s1, s2, lengths, self.graphemes, pieces)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Opcodes({}, src_len={}, dest_len={})",
            self.as_list(py)?.repr()?,
            self.src_len,
            self.dest_len
        ))
    }
}

#[pyclass(module = "pyo3_levenshtein")]
pub(super) struct OpcodesIter {
    ops: Py<Opcodes>,
    next: usize,
}

#[pymethods]
impl OpcodesIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(
        mut slf: PyRefMut<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let Some(&op) = slf.ops.get().ops.get(slf.next) else {
            return Ok(None);
        };
        slf.next += 1;
        opcode_tuple(py, op).map(Some)
    }
}

/// The PyO3 functions behind the fast entries.
static FULL_EDITOPS: PyOnceLock<Py<PyCFunction>> = PyOnceLock::new();
static FULL_OPCODES: PyOnceLock<Py<PyCFunction>> = PyOnceLock::new();

/// The strings and the mode of a call the fast entries take: `s1` and `s2`
/// positional, ready `str`, short enough to align with the GIL held, and
/// `grapheme_segmentation` absent or `True`/`False` by keyword.
///
/// # Safety
/// The GIL is held and `args` holds `nargs` positional arguments followed by
/// one value per name in `kwnames` (CPython's contract).
unsafe fn short_call<'a>(
    py: Python<'_>,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> Option<(Units<'a>, Units<'a>, bool)> {
    // SAFETY: see the contract; objects are borrowed for the call.
    unsafe {
        if nargs != 2 {
            return None;
        }
        let mut graphemes = false;
        if !kwnames.is_null() {
            if ffi::PyTuple_GET_SIZE(kwnames) != 1
                || ffi::PyTuple_GET_ITEM(kwnames, 0) != GRAPHEME_SEGMENTATION.get(py)?.as_ptr()
            {
                return None;
            }
            graphemes = fastcall::flag(*args.add(2))?;
        }
        let (a, b) = (*args, *args.add(1));
        let ready = |s| ffi::PyUnicode_Check(s) != 0 && ffi::PyUnicode_IS_READY(s) != 0;
        if !(ready(a) && ready(b)) {
            return None;
        }
        let (a, b) = (str_units(a), str_units(b));
        (a.len().saturating_mul(b.len()) < DETACH_CELLS).then_some((a, b, graphemes))
    }
}

/// Answers a short pair (the GIL held) with a result object.
type Short<T> = fn(Units<'_>, Units<'_>, bool) -> PyResult<T>;

/// An Editops straight from the walk: its pooled slice is filled in place,
/// with no buffer to copy out of.
fn short_editops(a: Units<'_>, b: Units<'_>, graphemes: bool) -> PyResult<Editops> {
    let pooled = crate::jobs::alignment::editops_pooled(a, b, graphemes);
    let (ops, (src_len, dest_len)) = errors::finish(pooled, None)?;
    Ok(Editops {
        ops,
        src_len,
        dest_len,
        graphemes,
    })
}

/// Opcodes of a short pair, merged into blocks as the walk puts them.
fn short_opcodes(a: Units<'_>, b: Units<'_>, graphemes: bool) -> PyResult<Opcodes> {
    let pooled = crate::jobs::alignment::opcodes_pooled(a, b, graphemes);
    let (ops, (src_len, dest_len)) = errors::finish(pooled, None)?;
    Ok(Opcodes {
        ops,
        src_len,
        dest_len,
        graphemes,
    })
}

/// A fast entry: `short` answers a short call, anything else goes to `full`.
///
/// # Safety
/// CPython's METH_FASTCALL contract.
unsafe fn entry<T: pyo3::PyClass>(
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    full: &PyOnceLock<Py<PyCFunction>>,
    short: Short<T>,
) -> *mut ffi::PyObject
where
    PyClassInitializer<T>: From<T>,
{
    // SAFETY: CPython's contract (the GIL is held); see the callees.
    unsafe {
        let py = Python::assume_attached();
        if let Some((a, b, graphemes)) = short_call(py, args, nargs, kwnames) {
            // A panic must not cross into C, and any error is raised by the
            // full path, which computes again.
            let quick = catch_unwind(AssertUnwindSafe(|| untracked(py, short(a, b, graphemes)?)));
            if let Ok(Ok(object)) = quick {
                return object.into_ptr();
            }
        }
        fastcall::forward(py, full, args, nargs, kwnames)
    }
}

unsafe extern "C" fn editops_entry(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython's METH_FASTCALL contract.
    unsafe { entry(args, nargs, kwnames, &FULL_EDITOPS, short_editops) }
}

unsafe extern "C" fn opcodes_entry(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython's METH_FASTCALL contract.
    unsafe { entry(args, nargs, kwnames, &FULL_OPCODES, short_opcodes) }
}

/// Adds the functions (fast entries in front of the PyO3 ones) and classes.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let full = wrap_pyfunction!(editops, m)?;
    fastcall::add(m, "editops", &full, editops_entry)?;
    FULL_EDITOPS.get_or_init(py, || full.unbind());
    let full = wrap_pyfunction!(opcodes, m)?;
    fastcall::add(m, "opcodes", &full, opcodes_entry)?;
    FULL_OPCODES.get_or_init(py, || full.unbind());
    m.add_class::<Editops>()?;
    m.add_class::<Opcodes>()
}
