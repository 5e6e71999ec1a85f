//! Plain groups: exact str, exact int, code points and bytes, compared in Rust.
//!
//! Nothing here runs Python code or changes an object, so a group's lists keep
//! their items while they are read, and the batch's workers may read them too
//! (see `pairs`).

use super::{Ids, Interning, Stop};
use crate::Units;
use crate::text::tokens::hash_bytes;
use pyo3::ffi;
use pyo3::prelude::*;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicIsize, Ordering};

/// One sequence of a plain group.
#[derive(Clone, Copy)]
pub(super) enum Elements<'a> {
    /// Code points (of a str, or of an Arrow string).
    Units(Units<'a>),
    /// The bytes of a `bytes`, each the int of its value.
    Bytes(&'a [u8]),
    /// The items of a list or tuple.
    Objects(&'a [*mut ffi::PyObject]),
}

impl Elements<'_> {
    pub(super) fn len(&self) -> usize {
        match self {
            Elements::Units(u) => u.len(),
            Elements::Bytes(b) => b.len(),
            Elements::Objects(o) => o.len(),
        }
    }
}

/// The item pointers of an exact list or tuple.
///
/// # Safety
/// `items` is an exact list or tuple, and until the slice is dropped nothing
/// changes it: a tuple never changes; a list is read with the GIL held by the
/// caller, who runs no Python code meanwhile.
pub(super) unsafe fn objects<'a>(items: &'a Bound<'_, PyAny>) -> &'a [*mut ffi::PyObject] {
    // SAFETY: as the function's contract says.
    unsafe { objects_of(items.as_ptr()) }
}

/// [`objects`] for a borrowed pointer.
///
/// # Safety
/// As for [`objects`], and `p` outlives 'a.
pub(super) unsafe fn objects_of<'a>(p: *mut ffi::PyObject) -> &'a [*mut ffi::PyObject] {
    // SAFETY: as the function's contract says; both arrays hold `size` valid
    // item pointers.
    unsafe {
        if ffi::PyList_CheckExact(p) != 0 {
            let n = ffi::PyList_GET_SIZE(p) as usize;
            if n == 0 {
                return &[];
            }
            std::slice::from_raw_parts((*p.cast::<ffi::PyListObject>()).ob_item, n)
        } else {
            let tuple = p.cast::<ffi::PyTupleObject>();
            let n = ffi::PyTuple_GET_SIZE(p) as usize;
            std::slice::from_raw_parts((&raw const (*tuple).ob_item).cast(), n)
        }
    }
}

/// How many elements ahead [`Interning::plain_group`] asks for the next element object.
pub(super) const PREFETCH_AHEAD: usize = 16;

impl Interning {
    /// Interns `count` sequences (`side(k)`) as one group into `out`, or stops
    /// at the first element that is not plain.
    ///
    /// `HASH` says how strs are hashed (one group is hashed one way throughout):
    /// [`CPYTHON`], [`CACHED`] or [`CONTENT`].
    ///
    /// Every object of an `Elements::Objects` is valid and unchanged until this
    /// returns; with [`CPYTHON`], the GIL is held.
    pub(super) fn plain_group<'a, const HASH: u8>(
        &mut self,
        out: &mut Ids,
        count: usize,
        side: impl Fn(usize) -> Elements<'a>,
    ) -> Result<(), Stop> {
        let total = (0..count).map(|k| side(k).len()).sum();
        self.interner.reset(total);
        self.plain.clear();
        self.plain.reserve(total);
        // The elements are objects scattered over the heap, and reading each
        // one's type waits on a cache miss: start loading the first ones of
        // every side at once, then keep PREFETCH_AHEAD elements ahead.
        for k in 0..count {
            if let Elements::Objects(items) = side(k) {
                items.iter().take(PREFETCH_AHEAD).for_each(|&e| prefetch(e));
            }
        }
        let mut ids = IdWriter::new(&mut out.ids, total);
        let result = (0..count).try_for_each(|k| {
            match side(k) {
                Elements::Units(u) => {
                    for i in 0..u.len() {
                        self.push_plain(&mut ids, Plain::char(u.get(i)))?;
                    }
                }
                Elements::Bytes(b) => {
                    for &x in b {
                        self.push_plain(&mut ids, Plain::int(i64::from(x)))?;
                    }
                }
                Elements::Objects(items) => {
                    for (i, &item) in items.iter().enumerate() {
                        if let Some(&ahead) = items.get(i + PREFETCH_AHEAD) {
                            prefetch(ahead);
                        }
                        // SAFETY: a valid object that does not change (see above).
                        let key = unsafe { plain_key::<HASH>(item) }?;
                        self.push_plain(&mut ids, key)?;
                    }
                }
            }
            out.starts.push(ids.len());
            Ok(())
        });
        // The representatives borrow the group's strs: none outlives it.
        self.plain.clear();
        result
    }

    #[inline(always)]
    fn push_plain(
        &mut self,
        ids: &mut IdWriter<'_>,
        (key, hash): (Plain, u64),
    ) -> Result<(), Stop> {
        let plain = &self.plain;
        let (id, new) = self
            .interner
            // SAFETY: `plain` holds one representative per id handed out.
            .intern(hash, |id| {
                Ok::<_, Stop>(unsafe { plain.get_unchecked(id as usize) }.same(&key))
            })?;
        if new {
            self.plain.push(key);
        }
        ids.push(id);
        Ok(())
    }
}

/// Appends ids to a `Vec` with room for all of them, without a capacity check
/// per id (a tenth of the instructions of a plain group went to `Vec::push`).
struct IdWriter<'v> {
    ids: &'v mut Vec<u32>,
    /// Ids the `Vec` still has room for.
    room: usize,
}

impl<'v> IdWriter<'v> {
    /// A writer of at most `count` ids.
    fn new(ids: &'v mut Vec<u32>, count: usize) -> Self {
        ids.reserve(count);
        IdWriter { ids, room: count }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    #[inline(always)]
    fn push(&mut self, id: u32) {
        assert!(self.room > 0, "more ids than elements");
        self.room -= 1;
        let len = self.ids.len();
        // SAFETY: `new` reserved room for `count` ids and fewer than that were
        // written (`room` counts them down).
        unsafe {
            self.ids.as_mut_ptr().add(len).write(id);
            self.ids.set_len(len + 1);
        }
    }
}

/// Asks the CPU to start loading the object `item`: its header, and the next
/// line, where a short str's characters are.
#[inline(always)]
pub(super) fn prefetch(item: *mut ffi::PyObject) {
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

/// An element of a plain group: a code point (or a str of one), an exact int,
/// or an exact str of any other length, compared by value. Made with its hash:
/// the code point, the int's bits (salted), or a hash of the str: CPython's,
/// which it caches in the object (one load, where hashing the characters
/// mispredicts a branch on every word length), or [`hash_bytes`].
#[derive(Clone, Copy)]
pub(super) struct Plain {
    tag: Tag,
    /// The code point, the int's bits, or the str object's address.
    word: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Char,
    Int,
    Str,
}

impl Plain {
    #[inline(always)]
    fn char(c: u32) -> (Self, u64) {
        let word = u64::from(c);
        (
            Plain {
                tag: Tag::Char,
                word,
            },
            word,
        )
    }

    #[inline(always)]
    fn int(v: i64) -> (Self, u64) {
        // The interner's multiplication spreads consecutive values; the constant
        // only keeps the ints off the code points' hashes.
        let word = v as u64;
        (
            Plain {
                tag: Tag::Int,
                word,
            },
            word ^ 0x5555_5555_5555_5555,
        )
    }

    /// Whether two elements are equal: the same code point or int, or the same
    /// str object or two strs of the same code points.
    #[inline(always)]
    pub(super) fn same(&self, other: &Plain) -> bool {
        self.tag == other.tag
            && (self.word == other.word
                // SAFETY: two ready exact strs borrowed for the group.
                || (self.tag == Tag::Str && unsafe { str_eq(self.word, other.word) }))
    }
}

/// The code units of a ready str as bytes.
///
/// # Safety
/// `s` is a valid, ready str that outlives 'a.
#[inline(always)]
unsafe fn str_bytes<'a>(s: *mut ffi::PyObject) -> &'a [u8] {
    // SAFETY: as the function's contract says.
    unsafe {
        let len = ffi::PyUnicode_GET_LENGTH(s) as usize * ffi::PyUnicode_KIND(s) as usize;
        std::slice::from_raw_parts(ffi::PyUnicode_DATA(s).cast::<u8>(), len)
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
        ffi::PyUnicode_KIND(a) == ffi::PyUnicode_KIND(b)
            && ffi::PyUnicode_GET_LENGTH(a) == ffi::PyUnicode_GET_LENGTH(b)
            && str_bytes(a) == str_bytes(b)
    }
}

/// Strs hashed by CPython: the hash it caches in the str, or computed (and
/// cached) now, which needs the GIL.
pub(super) const CPYTHON: u8 = 0;
/// Strs hashed by CPython, but only where it has cached the hash: a str without
/// one stops the group ([`Stop::Uncached`]). For the batch's workers, which may
/// not call CPython: strs taken from a vocabulary (or used as dict keys) have
/// their hash, and reading it costs one load.
pub(super) const CACHED: u8 = 1;
/// Strs hashed by their characters here ([`hash_bytes`]): for the batch's
/// workers, on groups with strs that have no cached hash (fresh from
/// `str.split`).
pub(super) const CONTENT: u8 = 2;

/// `item` as a plain element with its hash (see [`CPYTHON`] and the others), or
/// [`Stop::NotPlain`] if it is anything but a ready exact str or an exact int
/// that fits `i64`.
///
/// # Safety
/// `item` is a valid object that nothing changes meanwhile. With [`CPYTHON`],
/// the GIL is held (an uncached str hash is computed by CPython); otherwise the
/// only CPython function called is `PyLong_AsLongLongAndOverflow` on an exact
/// int, which reads the int and neither raises nor allocates.
#[inline(always)]
pub(super) unsafe fn plain_key<const HASH: u8>(
    item: *mut ffi::PyObject,
) -> Result<(Plain, u64), Stop> {
    // SAFETY: as the function's contract says; a str's fields are read only
    // once it is known to be a ready str.
    unsafe {
        let ty = ffi::Py_TYPE(item);
        if ty == &raw mut ffi::PyUnicode_Type {
            if ffi::PyUnicode_IS_READY(item) == 0 {
                return Err(Stop::NotPlain);
            }
            if ffi::PyUnicode_GET_LENGTH(item) == 1 {
                // The buffer is aligned for its kind.
                let data = ffi::PyUnicode_DATA(item);
                return Ok(Plain::char(match ffi::PyUnicode_KIND(item) {
                    ffi::PyUnicode_1BYTE_KIND => u32::from(*data.cast::<u8>()),
                    ffi::PyUnicode_2BYTE_KIND => u32::from(*data.cast::<u16>()),
                    _ => *data.cast::<u32>(),
                }));
            }
            let hash = match HASH {
                CONTENT => hash_bytes(str_bytes(item)) ^ u64::from(ffi::PyUnicode_KIND(item)),
                CACHED => match cached_hash(item) {
                    -1 => return Err(Stop::Uncached),
                    hash => hash as u64,
                },
                _ => str_hash(item).ok_or(Stop::NotPlain)?,
            };
            let key = Plain {
                tag: Tag::Str,
                word: item as u64,
            };
            return Ok((key, hash));
        }
        if ty == &raw mut ffi::PyLong_Type {
            let mut overflow: c_int = 0;
            let v = ffi::PyLong_AsLongLongAndOverflow(item, &raw mut overflow);
            // -1 with an exception cannot happen for an exact int; it would be
            // -1 itself, which is no error.
            return if overflow == 0 {
                Ok(Plain::int(v))
            } else {
                Err(Stop::NotPlain)
            };
        }
        Err(Stop::NotPlain)
    }
}

/// The hash CPython caches in the str `s`, -1 if none yet (read as CPython reads
/// it, relaxed: where the GIL is disabled, another thread may be setting it).
///
/// # Safety
/// `s` is a valid exact str.
#[inline(always)]
unsafe fn cached_hash(s: *mut ffi::PyObject) -> ffi::Py_hash_t {
    // SAFETY: as the function's contract says.
    unsafe {
        AtomicIsize::from_ptr(&raw mut (*s.cast::<ffi::PyASCIIObject>()).hash)
            .load(Ordering::Relaxed)
    }
}

/// CPython's hash of the exact str `s`: the one cached in the object, or
/// computed and cached now (no Python code runs for a str).
///
/// # Safety
/// The GIL is held and `s` is a valid exact str.
#[inline(always)]
unsafe fn str_hash(s: *mut ffi::PyObject) -> Option<u64> {
    // SAFETY: as the function's contract says.
    unsafe {
        let cached = cached_hash(s);
        let hash = if cached == -1 {
            ffi::PyObject_Hash(s)
        } else {
            cached
        };
        if hash == -1 {
            ffi::PyErr_Clear();
            return None;
        }
        Some(hash as u64)
    }
}
