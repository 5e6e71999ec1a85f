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
//! - plain, when every element is an exact `str`, an exact `int` that fits
//!   `i64`, a code point of a `str` argument or a byte of a `bytes` one. How these
//!   compare is known without Python (a str equals a str of the same code points,
//!   an int an int of the same value, never each other), so they are compared in
//!   Rust (strs hashed by CPython, which caches a str's hash in the object), and
//!   no Python code runs: a list cannot change while it is read.
//! - Python, as soon as any other element turns up (the group starts over):
//!   `hash()` and `==` (after the identity test) against one representative per
//!   id, exactly a dict lookup. Python code may run here, so lists are copied
//!   into tuples first and the representatives are held.

use super::args::type_name;
use super::strings::units;
use crate::Units;
use crate::text::tokens::{Interner, TooManyTokens};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple, PyType};
use std::cell::RefCell;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicIsize, Ordering};

/// A sequence argument, checked (see [`seq`]).
pub(super) enum Seq<'py> {
    /// A str (or subclass): its code points.
    Str(Bound<'py, PyString>),
    /// bytes (or a copy of a bytearray): its elements are the ints 0..=255.
    Bytes(Bound<'py, PyBytes>),
    /// An exact list or tuple, or a tuple copy of any other sequence.
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
    if obj.is_exact_instance_of::<PyList>() || obj.is_exact_instance_of::<PyTuple>() {
        return Ok(Seq::Items(obj.clone()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Seq::Bytes(PyBytes::new(py, &b.to_vec())));
    }
    if obj.is_instance(SEQUENCE.import(py, "collections.abc", "Sequence")?)? {
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

/// The `ValueError` for grapheme mode with a sequence that is not a str.
pub(super) fn graphemes_need_str(name: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    PyValueError::new_err(format!(
        "grapheme_segmentation=True needs str, but {name} is {}",
        type_name(obj)
    ))
}

impl<'py> Seq<'py> {
    /// The sequence as [`Ids::push_group`] reads it.
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
    /// An exact list or tuple.
    Items(&'a Bound<'py, PyAny>),
}

impl Side<'_, '_> {
    fn len(&self) -> usize {
        match self {
            Side::Units(u) => u.len(),
            Side::Bytes(b) => b.len(),
            Side::Items(items) => items.len().unwrap_or(0),
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
            ids.ids.clear();
            ids.starts.truncate(1);
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
        self.interner.reset(total);
        self.plain.clear();
        out.ids.reserve(total);
        let plain = self.plain_group(out, sides);
        self.plain.clear();
        match plain {
            Ok(()) => return Ok(()),
            Err(Stop::Full) => return Err(too_many()),
            Err(Stop::NotPlain) => {}
        }
        out.ids.truncate(len);
        out.starts.truncate(count + 1);
        self.interner.reset(total);
        self.python_group(py, out, sides, name)
    }

    fn plain_group(&mut self, out: &mut Ids, sides: &[Side<'_, '_>]) -> Result<(), Stop> {
        // The elements are objects scattered over the heap, and reading each
        // one's type waits on a cache miss: start loading the first ones of
        // every side at once, then keep PREFETCH_AHEAD elements ahead.
        for side in sides {
            if let Side::Items(items) = side {
                // SAFETY: see `elements`; only the prefetch reads the items.
                let items = unsafe { elements(items) };
                items.iter().take(PREFETCH_AHEAD).for_each(|&e| prefetch(e));
            }
        }
        for side in sides {
            match *side {
                Side::Units(u) => {
                    for i in 0..u.len() {
                        self.push_plain(out, Plain::char(u.get(i)))?;
                    }
                }
                Side::Bytes(b) => {
                    for &x in b {
                        self.push_plain(out, Plain::int(i64::from(x)))?;
                    }
                }
                Side::Items(items) => {
                    // SAFETY: reading exact str and int runs no Python code, so
                    // the list keeps its items (and its item array) until the
                    // group is done, and each item stays alive.
                    let items = unsafe { elements(items) };
                    for (i, &item) in items.iter().enumerate() {
                        if let Some(&ahead) = items.get(i + PREFETCH_AHEAD) {
                            prefetch(ahead);
                        }
                        // SAFETY: a valid object, borrowed from the sequence.
                        let key = unsafe { plain_key(item) }.ok_or(Stop::NotPlain)?;
                        self.push_plain(out, key)?;
                    }
                }
            }
            out.starts.push(out.ids.len());
        }
        Ok(())
    }

    #[inline(always)]
    fn push_plain(&mut self, out: &mut Ids, key: Plain) -> Result<(), Stop> {
        let plain = &self.plain;
        let (id, new) = self
            .interner
            // SAFETY: `plain` holds one representative per id handed out.
            .intern(key.hash, |id| {
                Ok::<_, Stop>(unsafe { plain.get_unchecked(id as usize) }.same(&key))
            })?;
        if new {
            self.plain.push(key);
        }
        out.ids.push(id);
        Ok(())
    }

    fn python_group<'py>(
        &mut self,
        py: Python<'py>,
        out: &mut Ids,
        sides: &[Side<'_, 'py>],
        name: &dyn Fn(usize) -> String,
    ) -> PyResult<()> {
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

/// How many elements ahead [`Interning::plain_group`] asks for the next element object.
const PREFETCH_AHEAD: usize = 16;

/// The item pointers of an exact list or tuple.
///
/// # Safety
/// The GIL is held, `items` is an exact list or tuple, and until the slice is
/// dropped no Python code runs (which could resize or change the list).
unsafe fn elements<'a>(items: &'a Bound<'_, PyAny>) -> &'a [*mut ffi::PyObject] {
    let p = items.as_ptr();
    // SAFETY: as the function's contract says; both arrays hold `size` valid
    // item pointers.
    unsafe {
        if ffi::PyList_CheckExact(p) != 0 {
            let list = p.cast::<ffi::PyListObject>();
            let n = ffi::PyList_GET_SIZE(p) as usize;
            if n == 0 {
                return &[];
            }
            std::slice::from_raw_parts((*list).ob_item, n)
        } else {
            let tuple = p.cast::<ffi::PyTupleObject>();
            let n = ffi::PyTuple_GET_SIZE(p) as usize;
            std::slice::from_raw_parts((&raw const (*tuple).ob_item).cast(), n)
        }
    }
}

/// Asks the CPU to start loading the object `item`: its header, and the next
/// line, where a short str's characters are.
#[inline(always)]
fn prefetch(item: *mut ffi::PyObject) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(item.cast::<i8>());
        _mm_prefetch::<_MM_HINT_T0>(item.cast::<i8>().wrapping_add(64));
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Why a group is not interned the plain way.
enum Stop {
    NotPlain,
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

/// An element of a plain group: a code point (or a str of one), an exact int,
/// or an exact str of any other length, compared by value.
#[derive(Clone, Copy)]
struct Plain {
    tag: Tag,
    /// The code point, the int's bits, or the str object's address.
    word: u64,
    /// The code point, the int's bits (mixed), or CPython's hash of the str,
    /// which CPython caches in the object: one load where hashing the
    /// characters here mispredicted a branch on every word length.
    hash: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Char,
    Int,
    Str,
}

impl Plain {
    #[inline(always)]
    fn char(c: u32) -> Self {
        Plain {
            tag: Tag::Char,
            word: u64::from(c),
            hash: u64::from(c),
        }
    }

    #[inline(always)]
    fn int(v: i64) -> Self {
        // The interner's multiplication spreads consecutive values; the constant
        // only keeps the ints off the code points' hashes.
        Plain {
            tag: Tag::Int,
            word: v as u64,
            hash: v as u64 ^ 0x5555_5555_5555_5555,
        }
    }

    /// Whether two elements are equal: the same code point or int, or the same
    /// str object or two strs of the same code points.
    #[inline(always)]
    fn same(&self, other: &Plain) -> bool {
        self.tag == other.tag
            && (self.word == other.word
                // SAFETY: two ready exact strs borrowed for the group.
                || (self.tag == Tag::Str && unsafe { str_eq(self.word, other.word) }))
    }
}

/// Whether two ready strs (given by address) hold the same code points.
///
/// # Safety
/// Both are valid, ready str objects.
#[cold]
unsafe fn str_eq(a: u64, b: u64) -> bool {
    let (a, b) = (a as *mut ffi::PyObject, b as *mut ffi::PyObject);
    // SAFETY: as the function's contract says. CPython keeps every str in the
    // narrowest kind that holds it, so equal strs have equal kinds and buffers.
    unsafe {
        let len = ffi::PyUnicode_GET_LENGTH(a) as usize;
        let kind = ffi::PyUnicode_KIND(a);
        len == ffi::PyUnicode_GET_LENGTH(b) as usize
            && kind == ffi::PyUnicode_KIND(b)
            && std::slice::from_raw_parts(ffi::PyUnicode_DATA(a).cast::<u8>(), len * kind as usize)
                == std::slice::from_raw_parts(
                    ffi::PyUnicode_DATA(b).cast::<u8>(),
                    len * kind as usize,
                )
    }
}

/// `item` as a plain element, or `None` if it is anything but a ready exact str
/// or an exact int that fits `i64`.
///
/// # Safety
/// The GIL is held and `item` is a valid object.
#[inline(always)]
unsafe fn plain_key(item: *mut ffi::PyObject) -> Option<Plain> {
    // SAFETY: as the function's contract says; a str's fields are read only
    // once it is known to be a ready str.
    unsafe {
        let ty = ffi::Py_TYPE(item);
        if ty == &raw mut ffi::PyUnicode_Type {
            if ffi::PyUnicode_IS_READY(item) == 0 {
                return None;
            }
            if ffi::PyUnicode_GET_LENGTH(item) == 1 {
                // The buffer is aligned for its kind.
                let data = ffi::PyUnicode_DATA(item);
                return Some(Plain::char(match ffi::PyUnicode_KIND(item) {
                    ffi::PyUnicode_1BYTE_KIND => u32::from(*data.cast::<u8>()),
                    ffi::PyUnicode_2BYTE_KIND => u32::from(*data.cast::<u16>()),
                    _ => *data.cast::<u32>(),
                }));
            }
            // The hash CPython caches in the str (read as CPython does, relaxed:
            // a free-threaded build may be setting it), or computed and cached
            // now (no Python code runs for a str).
            let cached = AtomicIsize::from_ptr(&raw mut (*item.cast::<ffi::PyASCIIObject>()).hash)
                .load(Ordering::Relaxed);
            let hash = if cached == -1 {
                ffi::PyObject_Hash(item)
            } else {
                cached
            };
            if hash == -1 {
                ffi::PyErr_Clear();
                return None;
            }
            return Some(Plain {
                tag: Tag::Str,
                word: item as u64,
                hash: hash as u64,
            });
        }
        if ty == &raw mut ffi::PyLong_Type {
            let mut overflow: c_int = 0;
            let v = ffi::PyLong_AsLongLongAndOverflow(item, &raw mut overflow);
            if overflow != 0 {
                return None;
            }
            if v == -1 && !ffi::PyErr_Occurred().is_null() {
                ffi::PyErr_Clear();
                return None;
            }
            return Some(Plain::int(v));
        }
        None
    }
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
