//! Collections of strings for the one-to-many and all-pairs jobs, and their
//! preparation for grapheme mode.

use crate::text::graphemes::shared_cluster_ids;
use crate::text::units::Units;

/// A random-access collection of strings (a slice of [`Units`], or any columnar
/// store that can lend one string at a time).
pub trait Strings: Sync {
    /// Number of strings.
    fn count(&self) -> usize;
    /// String `i` (`i < count()`).
    fn get(&self, i: usize) -> Units<'_>;
    /// The length of string `i`, for collections that know it without `get`.
    fn len_of(&self, i: usize) -> usize {
        self.get(i).len()
    }
    /// Asks the CPU to start loading string `i`, which is about to be read.
    /// Collections whose strings are scattered objects (Python's) implement it:
    /// a scan over more strings than the caches hold otherwise waits on a miss
    /// per string.
    #[inline]
    fn prefetch(&self, i: usize) {
        let _ = i;
    }
}

impl Strings for [Units<'_>] {
    fn count(&self) -> usize {
        self.len()
    }
    fn get(&self, i: usize) -> Units<'_> {
        self[i]
    }
}

/// Jobs of fewer steps than this (text units times pattern words, roughly) run
/// on the calling thread: handing them to a pool and back costs tens of
/// microseconds, more than the work.
pub(crate) const INLINE_STEPS: usize = 1 << 14;

/// The total length of `strings`.
pub(crate) fn total_len<S: Strings + ?Sized>(strings: &S) -> usize {
    (0..strings.count()).map(|i| strings.len_of(i)).sum()
}

/// Strings as the kernels compare them: each one itself, or in grapheme mode its
/// cluster ids, interned once for all the strings of a call (an id is an exact
/// code point for a one-code-point cluster, so both kinds compare correctly).
pub(crate) struct Prepared<'a, S: Strings + ?Sized> {
    source: &'a S,
    ids: Vec<Option<Vec<u32>>>,
}

impl<'a, S: Strings + ?Sized> Prepared<'a, S> {
    /// `source` unchanged.
    pub(crate) fn plain(source: &'a S) -> Self {
        Prepared {
            source,
            ids: Vec::new(),
        }
    }

    /// `source` with cluster ids from `ids` (one entry per string, see
    /// [`shared_cluster_ids`]).
    pub(crate) fn with_ids(source: &'a S, ids: Vec<Option<Vec<u32>>>) -> Self {
        debug_assert_eq!(ids.len(), source.count());
        Prepared { source, ids }
    }

    pub(crate) fn count(&self) -> usize {
        self.source.count()
    }

    #[inline]
    pub(crate) fn len_of(&self, i: usize) -> usize {
        match self.ids.get(i) {
            Some(Some(ids)) => ids.len(),
            _ => self.source.len_of(i),
        }
    }

    #[inline]
    pub(crate) fn prefetch(&self, i: usize) {
        if self.ids.is_empty() {
            self.source.prefetch(i);
        }
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> Units<'_> {
        match self.ids.get(i) {
            Some(Some(ids)) => Units::U32(ids),
            _ => self.source.get(i),
        }
    }
}

impl<S: Strings + ?Sized> Strings for Prepared<'_, S> {
    fn count(&self) -> usize {
        Prepared::count(self)
    }
    #[inline]
    fn len_of(&self, i: usize) -> usize {
        Prepared::len_of(self, i)
    }
    #[inline]
    fn get(&self, i: usize) -> Units<'_> {
        Prepared::get(self, i)
    }
    #[inline]
    fn prefetch(&self, i: usize) {
        Prepared::prefetch(self, i);
    }
}

/// Both collections prepared for `grapheme_segmentation`, sharing one interner.
pub(crate) fn prepare<'a, A: Strings + ?Sized, B: Strings + ?Sized>(
    a: &'a A,
    b: &'a B,
    grapheme_segmentation: bool,
) -> (Prepared<'a, A>, Prepared<'a, B>) {
    if !grapheme_segmentation {
        return (Prepared::plain(a), Prepared::plain(b));
    }
    let (na, nb) = (a.count(), b.count());
    let mut ids = shared_cluster_ids(na + nb, |i| if i < na { a.get(i) } else { b.get(i - na) });
    let ids_b = ids.split_off(na);
    (Prepared::with_ids(a, ids), Prepared::with_ids(b, ids_b))
}

/// A pointer to the output that workers write through, each cell by exactly one
/// task (the callers partition the cells).
pub(crate) struct SharedOut<T>(*mut T);

// Manual impls: a derive would require `T: Copy`, but only the pointer is copied.
impl<T> Clone for SharedOut<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for SharedOut<T> {}

// SAFETY: the tasks that share it write disjoint cells (see the type's docs), and
// the buffer outlives them (they run inside the call that borrows it).
unsafe impl<T: Send> Send for SharedOut<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for SharedOut<T> {}

impl<T> SharedOut<T> {
    pub(crate) fn new(out: &mut [T]) -> Self {
        SharedOut(out.as_mut_ptr())
    }

    /// Writes cell `i`.
    ///
    /// # Safety
    /// `i` is in bounds of the slice given to [`SharedOut::new`], which is still
    /// borrowed, and no other task reads or writes cell `i`.
    #[inline(always)]
    pub(crate) unsafe fn write(self, i: usize, value: T) {
        // SAFETY: guaranteed by the caller.
        unsafe { self.0.add(i).write(value) }
    }
}
