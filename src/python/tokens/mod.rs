//! Sequences of hashable Python objects (lists, tuples, bytes, any
//! `collections.abc.Sequence`) turned into `u32` ids, which the unchanged core
//! compares like code points ([`Units::U32`]).
//!
//! The rule is a dict's: two elements are the same when their hashes are equal
//! and they are the same object or `==` says so. So `1`, `1.0` and `True` are one
//! element, `-1` and `-2` two (whatever their hashes), and a NaN equals only
//! itself (the same object). A `str` is the sequence of its code points, each
//! the one-character str it would be as an element.
//!
//! Ids are given per *group*, the sequences compared with one another in one
//! call (the two sides of a pair; every query and choice of `nearest` and
//! `levenshtein_matrix`), in order of first appearance, so a pair of word lists
//! gets ids below 256 and the kernels' direct tables. A group is interned in one
//! of two ways:
//!
//! - `plain`, when every element is an exact `str`, an exact `int` that fits
//!   `i64`, a code point of a `str` argument or a byte of a `bytes` one. How these
//!   compare is known without Python (a str equals a str of the same code points,
//!   an int an int of the same value, never each other), so they are compared in
//!   Rust and no Python code runs: a list cannot change while it is read.
//! - `objects`, as soon as any other element turns up (the group starts over):
//!   `hash()` and `==` (after the identity test) against one representative per
//!   id, exactly a dict lookup. Python code may run here, so lists are copied
//!   into tuples first and the representatives are held.
//!
//! `pairs` interns the pairs of a batch, the plain ones on every worker.
//!
//! A list is read in place only while the GIL protects it; where the GIL is
//! disabled (free-threaded CPython), every list is first copied into a tuple.

mod objects;
mod pairs;
mod plain;
mod small;

pub(super) use pairs::{PendingPairs, TokenPairs};

use super::args::type_name;
use super::strings::units;
use super::{DETACH_CELLS, work};
use crate::text::tokens::{Interner, TooManyTokens};
use crate::{Options, Units};
use plain::{Elements, Plain};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple, PyType};
use std::cell::RefCell;

/// A sequence argument, checked (see [`seq`]).
pub(super) enum Seq<'py> {
    /// A str (or subclass): its code points.
    Str(Bound<'py, PyString>),
    /// bytes (or a copy of a bytearray): its elements are the ints 0..=255.
    Bytes(Bound<'py, PyBytes>),
    /// An exact list (only while the GIL is enabled) or tuple, or a tuple copy of
    /// any other sequence.
    Items(Bound<'py, PyAny>),
}

static SEQUENCE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `obj` as a sequence; a `TypeError` saying that `name()` must be one for
/// anything that is not a `collections.abc.Sequence` (an int, None, a set, a
/// dict, an iterator). A sequence other than str, bytes, list and tuple is read
/// once into a tuple here.
pub(super) fn seq<'py>(
    obj: &Bound<'py, PyAny>,
    name: impl FnOnce() -> String,
) -> PyResult<Seq<'py>> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Seq::Str(s.clone()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Seq::Bytes(b.clone()));
    }
    if obj.is_exact_instance_of::<PyTuple>()
        || (obj.is_exact_instance_of::<PyList>() && !gil_disabled(py))
    {
        return Ok(Seq::Items(obj.clone()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Seq::Bytes(PyBytes::new(py, &b.to_vec())));
    }
    if obj.is_exact_instance_of::<PyList>()
        || obj.is_instance(SEQUENCE.import(py, "collections.abc", "Sequence")?)?
    {
        // SAFETY: a valid object; a new reference or NULL with an exception set.
        let tuple =
            unsafe { Bound::from_owned_ptr_or_err(py, ffi::PySequence_Tuple(obj.as_ptr()))? };
        return Ok(Seq::Items(tuple));
    }
    Err(PyTypeError::new_err(format!(
        "{} must be str or a sequence, not {}",
        name(),
        type_name(obj)
    )))
}

/// Whether the GIL is disabled (free-threaded CPython without it): then another
/// thread may change a list while it is read, and lists are copied first.
/// Asked once: the GIL can be enabled while running, never disabled again, so a
/// stale "disabled" only costs copies.
fn gil_disabled(py: Python<'_>) -> bool {
    static DISABLED: PyOnceLock<bool> = PyOnceLock::new();
    *DISABLED.get_or_init(py, || {
        py.import("sys")
            .and_then(|sys| sys.getattr("_is_gil_enabled"))
            .and_then(|f| f.call0())
            .and_then(|enabled| enabled.is_truthy())
            .is_ok_and(|enabled| !enabled)
    })
}

/// The `ValueError` for grapheme mode with a sequence that is not a str.
pub(super) fn graphemes_need_str(name: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    PyValueError::new_err(format!(
        "grapheme_segmentation=True needs str, but {name} is {}",
        type_name(obj)
    ))
}

impl<'py> Seq<'py> {
    /// The sequence as [`Interning::push_group`] reads it.
    pub(super) fn side(&self) -> PyResult<Side<'_, 'py>> {
        Ok(match self {
            Seq::Str(s) => Side::Units(units(s)?),
            Seq::Bytes(b) => Side::Bytes(b.as_bytes()),
            Seq::Items(items) => Side::Items(items),
        })
    }

    pub(super) fn is_str(&self) -> bool {
        matches!(self, Seq::Str(_))
    }
}

/// One sequence of a group.
#[derive(Clone, Copy)]
pub(super) enum Side<'a, 'py> {
    /// Code points (of a str, or of an Arrow string).
    Units(Units<'a>),
    /// The bytes of a `bytes`, each the int of its value.
    Bytes(&'a [u8]),
    /// An exact list or tuple (a list only while the GIL is enabled).
    Items(&'a Bound<'py, PyAny>),
}

impl<'a> Side<'a, '_> {
    fn len(&self) -> usize {
        match self {
            Side::Units(u) => u.len(),
            Side::Bytes(b) => b.len(),
            Side::Items(items) => items.len().unwrap_or(0),
        }
    }

    /// The side as plain interning reads it.
    ///
    /// # Safety
    /// The GIL is held, and no Python code runs until the result is dropped
    /// (which could change a list).
    unsafe fn elements(&self) -> Elements<'a> {
        match *self {
            Side::Units(u) => Elements::Units(u),
            Side::Bytes(b) => Elements::Bytes(b),
            // SAFETY: as the function's contract says.
            Side::Items(items) => Elements::Objects(unsafe { plain::objects(items) }),
        }
    }
}

/// Interned sequences, one after another: sequence `k` is
/// `ids[starts[k]..starts[k + 1]]`, and sequences of one group share ids.
pub(super) struct Ids {
    ids: Vec<u32>,
    starts: Vec<usize>,
}

impl Ids {
    pub(super) fn new() -> Self {
        Ids {
            ids: Vec::new(),
            starts: vec![0],
        }
    }

    fn clear(&mut self) {
        self.ids.clear();
        self.starts.truncate(1);
    }

    /// The number of sequences.
    pub(super) fn count(&self) -> usize {
        self.starts.len() - 1
    }

    /// The ids of sequence `k`.
    pub(super) fn get(&self, k: usize) -> Units<'_> {
        Units::U32(&self.ids[self.starts[k]..self.starts[k + 1]])
    }

    pub(super) fn len_of(&self, k: usize) -> usize {
        self.starts[k + 1] - self.starts[k]
    }

    /// Sequences `first..first + count` as a collection for the jobs.
    pub(super) fn strings(&self, first: usize, count: usize) -> IdStrings<'_> {
        IdStrings {
            ids: self,
            first,
            count,
        }
    }
}

/// Runs `f` with this thread's interning tables and an empty [`Ids`], kept from
/// call to call so that a call on two short lists allocates nothing (fresh ones
/// when they are in use: an element's `__eq__` calling back into this module).
pub(super) fn with_scratch<R>(f: impl FnOnce(&mut Interning, &mut Ids) -> R) -> R {
    thread_local! {
        static SCRATCH: RefCell<Option<(Interning, Ids)>> = const { RefCell::new(None) };
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            let (interning, ids) = slot.get_or_insert_with(|| (Interning::new(), Ids::new()));
            ids.clear();
            let result = f(interning, ids);
            // Buffers grown by a long call are not kept.
            if ids.ids.capacity() > SCRATCH_KEEP {
                *slot = None;
            }
            result
        }
        Err(_) => f(&mut Interning::new(), &mut Ids::new()),
    })
}

/// The most ids [`with_scratch`] keeps room for between calls (256 KiB).
const SCRATCH_KEEP: usize = 1 << 16;

/// `levenshtein(a, b)` for the fast entry (`fastcall`): two exact lists or
/// tuples (lists only while the GIL is enabled) whose elements make a plain
/// group, short enough to compute with the GIL held. `None` for anything else,
/// which the full path then takes; plain interning runs no Python code, so
/// nothing runs twice.
///
/// # Safety
/// The GIL is held and `a` and `b` are valid objects.
pub(super) unsafe fn quick(
    py: Python<'_>,
    a: *mut ffi::PyObject,
    b: *mut ffi::PyObject,
    options: Options,
) -> Option<usize> {
    // SAFETY: as the function's contract says.
    unsafe {
        let items = |o| {
            ffi::PyTuple_CheckExact(o) != 0 || (ffi::PyList_CheckExact(o) != 0 && !gil_disabled(py))
        };
        if options.grapheme_segmentation || !(items(a) && items(b)) {
            return None;
        }
        // The GIL is held and plain interning runs no Python code.
        let (a, b) = (plain::objects_of(a), plain::objects_of(b));
        if options.unit_weights()
            && options.max_distance.is_none()
            && work(a.len(), b.len(), options) < DETACH_CELLS
            && let Some(d) = small::distance(a, b)
        {
            return Some(d);
        }
        let sides = [Elements::Objects(a), Elements::Objects(b)];
        with_scratch(|interning, ids| {
            interning
                .plain_group::<{ plain::CPYTHON }>(ids, 2, |k| sides[k])
                .ok()?;
            let (x, y) = (ids.get(0), ids.get(1));
            (work(x.len(), y.len(), options) < DETACH_CELLS)
                .then(|| crate::levenshtein(x, y, options))
        })
    }
}

/// What interns the groups, kept between groups so that the tables of a batch
/// are allocated once.
pub(super) struct Interning {
    interner: Interner,
    /// The representative of each id of the current plain group.
    plain: Vec<Plain>,
}

impl Interning {
    pub(super) fn new() -> Self {
        Interning {
            interner: Interner::new(),
            plain: Vec::new(),
        }
    }

    /// Appends `sides` to `out` as one group. `name(k)` names side `k` in errors.
    ///
    /// # Errors
    /// A `TypeError` naming the side and the index of an unhashable element; an
    /// exception raised by an element's `__hash__` or `__eq__`; a `ValueError` for
    /// more than 2**32 - 1 distinct elements.
    pub(super) fn push_group(
        &mut self,
        py: Python<'_>,
        out: &mut Ids,
        sides: &[Side<'_, '_>],
        name: &dyn Fn(usize) -> String,
    ) -> PyResult<()> {
        let (count, len) = (out.count(), out.ids.len());
        let total = sides.iter().map(Side::len).sum();
        // SAFETY: the GIL is held, and plain interning runs no Python code.
        let plain = self.plain_group::<{ plain::CPYTHON }>(out, sides.len(), |k| unsafe {
            sides[k].elements()
        });
        match plain {
            Ok(()) => return Ok(()),
            Err(Stop::Full) => return Err(too_many()),
            Err(Stop::NotPlain | Stop::Uncached) => {}
        }
        out.ids.truncate(len);
        out.starts.truncate(count + 1);
        self.objects_group(py, out, total, sides, name)
    }
}

/// Why a group is not interned the plain way.
enum Stop {
    /// An element that is not plain.
    NotPlain,
    /// A str without a cached hash (see `plain::CACHED`).
    Uncached,
    /// More than 2**32 - 1 distinct elements.
    Full,
}

impl From<TooManyTokens> for Stop {
    fn from(_: TooManyTokens) -> Self {
        Stop::Full
    }
}

impl From<TooManyTokens> for PyErr {
    fn from(_: TooManyTokens) -> Self {
        too_many()
    }
}

fn too_many() -> PyErr {
    PyValueError::new_err(format!(
        "more than {} distinct elements in the sequences of one comparison",
        u32::MAX
    ))
}

/// Sequences of an [`Ids`] as a collection for `nearest` and the matrix.
pub(super) struct IdStrings<'a> {
    ids: &'a Ids,
    first: usize,
    count: usize,
}

impl crate::Strings for IdStrings<'_> {
    fn count(&self) -> usize {
        self.count
    }

    #[inline]
    fn len_of(&self, i: usize) -> usize {
        self.ids.len_of(self.first + i)
    }

    #[inline]
    fn get(&self, i: usize) -> Units<'_> {
        assert!(i < self.count, "string index out of range");
        self.ids.get(self.first + i)
    }
}
