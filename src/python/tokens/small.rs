//! One pair of plain sequences where one side fits a machine word (64
//! elements), the common case of `levenshtein(words_a, words_b)`, without
//! interning both sides into ids first.
//!
//! The pattern side's distinct elements go into a fixed 256-slot table, each
//! with its match mask (bit i set where the pattern's element i is that
//! element); the text side's elements are then only looked up, each straight
//! into a step of Hyyrö's kernel (an element the pattern lacks matches nothing).
//! Against the general path this writes no id arrays, grows no table, builds no
//! masks by vector compares afterwards, and inserts none of the text's elements:
//! a call on two word lists of about 22 words each (`benchmarks/sequences.py`)
//! went from about 4,600 to 3,000 instructions in the extension (callgrind).
//! A batch's pairs take the same table, for ids only (`pair_ids`).
//!
//! Tried and dropped: a second table by object address, so that the second
//! side's elements that are the first side's very objects are not read. They
//! are in cache by then (the first side just read them), and the extra probe
//! made calls slower.
//!
//! Elements compare exactly as in a plain group (`plain`): same hash, then the
//! same code point, int or str.

use super::Stop;
use super::plain::{CPYTHON, PREFETCH_AHEAD, Plain, plain_key, prefetch};
use crate::kernels::hyyro2003::Column;
use pyo3::ffi;
use std::mem::MaybeUninit;

/// Slots of the table: four times the most distinct elements a pattern can
/// have, so that probes stay short (with 128, word-list calls were about 8%
/// slower, alternating the builds).
const SLOTS: usize = 256;

/// The pattern's distinct elements and their masks.
struct PatternTable<'a> {
    /// `id + 1` of the element in each slot (by the element's hash), 0 for an
    /// empty slot.
    slots: [u8; SLOTS],
    /// Each id's element and hash, written as ids are handed out: the table
    /// lives on the stack, and zeroing its 2 KiB took half the call's
    /// instructions. (Borrowed from separate arrays: in one struct literal with
    /// `slots`, LLVM zeroed them all with one memset.)
    keys: &'a mut [MaybeUninit<(Plain, u64)>; 64],
    /// Each id's match mask, likewise.
    masks: &'a mut [MaybeUninit<u64>; 64],
    /// Ids handed out.
    count: usize,
}

impl<'a> PatternTable<'a> {
    /// An empty table over the given arrays.
    #[inline(always)]
    fn new(
        keys: &'a mut [MaybeUninit<(Plain, u64)>; 64],
        masks: &'a mut [MaybeUninit<u64>; 64],
    ) -> Self {
        PatternTable {
            slots: [0; SLOTS],
            keys,
            masks,
            count: 0,
        }
    }

    #[inline(always)]
    fn slot(hash: u64) -> usize {
        // Fibonacci hashing: the top 8 bits of the product.
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
    }

    /// The slot holding the element `key` of `hash`, or the empty slot where it
    /// would go.
    #[inline(always)]
    fn find(&self, key: &Plain, hash: u64) -> usize {
        let mut i = Self::slot(hash);
        loop {
            let s = self.slots[i];
            if s == 0 {
                return i;
            }
            // SAFETY: a nonzero slot holds `id + 1` of an id whose key is written.
            let (other, other_hash) = unsafe { self.keys[usize::from(s - 1)].assume_init_ref() };
            if *other_hash == hash && other.same(key) {
                return i;
            }
            i = (i + 1) % SLOTS;
        }
    }

    /// The id of `key`, added (with an empty mask) if new.
    #[inline(always)]
    fn add(&mut self, (key, hash): (Plain, u64)) -> usize {
        let i = self.find(&key, hash);
        match self.slots[i] {
            0 => {
                // At most 64 elements are added, so `count < 64` here and the
                // table never fills past a quarter.
                let id = self.count;
                self.count += 1;
                self.slots[i] = id as u8 + 1;
                self.keys[id].write((key, hash));
                self.masks[id].write(0);
                id
            }
            s => usize::from(s - 1),
        }
    }

    /// The id of `key`, if the pattern has it.
    #[inline(always)]
    fn id(&self, (key, hash): (Plain, u64)) -> Option<usize> {
        match self.slots[self.find(&key, hash)] {
            0 => None,
            s => Some(usize::from(s - 1)),
        }
    }

    /// Sets bit `bit` in the mask of `id`.
    #[inline(always)]
    fn set_bit(&mut self, id: usize, bit: usize) {
        // SAFETY: written when `id` was handed out.
        unsafe { *self.masks[id].assume_init_mut() |= 1 << bit };
    }

    /// The match mask of `id`.
    #[inline(always)]
    fn mask(&self, id: usize) -> u64 {
        // SAFETY: as in `set_bit`.
        unsafe { self.masks[id].assume_init() }
    }
}

/// The arrays a [`PatternTable`] borrows, uninitialised.
type Arrays = ([MaybeUninit<(Plain, u64)>; 64], [MaybeUninit<u64>; 64]);

#[inline(always)]
fn arrays() -> Arrays {
    ([MaybeUninit::uninit(); 64], [MaybeUninit::uninit(); 64])
}

/// The elements are objects scattered over the heap, and reading each one's
/// type waits on a cache miss: start loading the first ones of both sides...
#[inline(always)]
fn prefetch_start(first: &[*mut ffi::PyObject], second: &[*mut ffi::PyObject]) {
    for side in [first, second] {
        side.iter().take(PREFETCH_AHEAD).for_each(|&e| prefetch(e));
    }
}

/// ... then keep [`PREFETCH_AHEAD`] elements ahead of element `i` of `side`.
#[inline(always)]
fn prefetch_ahead(side: &[*mut ffi::PyObject], i: usize) {
    if let Some(&ahead) = side.get(i + PREFETCH_AHEAD) {
        prefetch(ahead);
    }
}

/// The unit-cost distance of two sequences of plain elements of which one has
/// 1..=64 elements; `None` if neither does or an element is not plain (the
/// general path then takes the pair; nothing here runs Python code).
///
/// # Safety
/// The GIL is held, and every object of `a` and `b` is valid and unchanged
/// until this returns.
pub(super) unsafe fn distance(a: &[*mut ffi::PyObject], b: &[*mut ffi::PyObject]) -> Option<usize> {
    // The kernel's cost is one step per text element: the longer side is the
    // pattern when it fits the word.
    let (pattern, text) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let (pattern, text) = match pattern.len() {
        1..=64 => (pattern, text),
        _ if (1..=64).contains(&text.len()) => (text, pattern),
        _ => return None,
    };
    let mut arrays = arrays();
    let mut table = PatternTable::new(&mut arrays.0, &mut arrays.1);
    prefetch_start(pattern, text);
    for (bit, &item) in pattern.iter().enumerate() {
        prefetch_ahead(pattern, bit);
        // SAFETY: as the function's contract says.
        let id = table.add(unsafe { plain_key::<CPYTHON>(item) }.ok()?);
        table.set_bit(id, bit);
    }
    let mut column = Column::new(pattern.len());
    for (i, &item) in text.iter().enumerate() {
        prefetch_ahead(text, i);
        // SAFETY: as above.
        let id = table.id(unsafe { plain_key::<CPYTHON>(item) }.ok()?);
        column.step(id.map_or(0, |id| table.mask(id)));
    }
    Some(column.score(text.len()))
}

/// The id that [`pair_ids`] gives every element of the long side that the short
/// side lacks.
const ABSENT: u32 = 64;

/// A pair's ids for comparing its two sides with each other only (a batch's
/// distances), written to `out` (`a`'s, then `b`'s), when one side has at most
/// 64 elements: that side's distinct elements get ids from 0 in order, and each
/// element of the other side the id of its equal there, or [`ABSENT`]. Elements
/// of the other side that the short side lacks then share an id, equal or not,
/// which no distance between the two sides can tell: it only ever compares an
/// element of one side with one of the other. Against interning both sides,
/// nothing of the long side is inserted and no table grows.
///
/// `Ok(false)` if neither side fits (the caller interns the pair); otherwise as
/// [`Interning::plain_group`](super::Interning::plain_group), whose `HASH`
/// rules apply.
///
/// # Safety
/// As for `plain_group`: every object is valid and unchanged until this
/// returns; with [`CPYTHON`], the GIL is held.
pub(super) unsafe fn pair_ids<const HASH: u8>(
    a: &[*mut ffi::PyObject],
    b: &[*mut ffi::PyObject],
    out: &mut [u32],
) -> Result<bool, Stop> {
    debug_assert_eq!(out.len(), a.len() + b.len());
    let (out_a, out_b) = out.split_at_mut(a.len());
    let ((short, short_out), (long, long_out)) = if a.len() <= 64 {
        ((a, out_a), (b, out_b))
    } else if b.len() <= 64 {
        ((b, out_b), (a, out_a))
    } else {
        return Ok(false);
    };
    let mut arrays = arrays();
    let mut table = PatternTable::new(&mut arrays.0, &mut arrays.1);
    prefetch_start(short, long);
    for (i, (&item, id)) in short.iter().zip(short_out).enumerate() {
        prefetch_ahead(short, i);
        // SAFETY: as the function's contract says.
        *id = table.add(unsafe { plain_key::<HASH>(item) }?) as u32;
    }
    for (i, (&item, id)) in long.iter().zip(long_out).enumerate() {
        prefetch_ahead(long, i);
        // SAFETY: as above.
        let found = table.id(unsafe { plain_key::<HASH>(item) }?);
        *id = found.map_or(ABSENT, |id| id as u32);
    }
    Ok(true)
}
