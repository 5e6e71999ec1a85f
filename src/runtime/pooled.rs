//! Owned slices for the items of the binding's `Editops` and `Opcodes`
//! results, in storage that a freed result hands back to a per-thread pool instead of to `malloc`.
//!
//! A loop of short `editops` calls keeps its results in a list and then drops
//! them all: `free` of the 2**14 item slices of W1 was a sixth of such a loop
//! (`perf record`), most of it merging each chunk with its neighbours, whose
//! headers are cold by then. Python's small-object allocator was tried before
//! and given up: a list of results that dies empties whole arenas, which go
//! back to the system and fault in again on the next batch. Here a freed
//! slice's address goes on a stack of its size class (64 bytes to 2 KiB, the
//! results of pairs up to about 170 operations), so freeing touches neither
//! the slice nor `malloc`'s lists, and the next result of that class pops it.
//! Each thread keeps at most [`KEPT_BYTES`] of freed slices (the 2**14
//! results of W1 take about 6 MiB); beyond that, and for larger slices, the
//! global allocator is used as a `Box` would.

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::cell::RefCell;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// Size classes: 64 << c bytes for c in 0..CLASSES.
const CLASSES: usize = 6;

/// Smallest class, in bytes.
const MIN_CLASS: usize = 64;

/// Bytes of freed slices a thread keeps, all classes together.
const KEPT_BYTES: usize = 32 << 20;

/// Alignment of every pooled slice (enough for the items, which hold `u32`s
/// and `u8`s).
const ALIGN: usize = 8;

thread_local! {
    static POOL: RefCell<Pool> = const {
        RefCell::new(Pool { free: [const { Vec::new() }; CLASSES], kept: 0 })
    };
}

/// Freed slices by class.
struct Pool {
    free: [Vec<NonNull<u8>>; CLASSES],
    /// Bytes of the blocks in `free`.
    kept: usize,
}

impl Drop for Pool {
    fn drop(&mut self) {
        for (class, blocks) in self.free.iter().enumerate() {
            for &block in blocks {
                // SAFETY: every block in class c came from `alloc` with `class_layout(c)`.
                unsafe { dealloc(block.as_ptr(), class_layout(class)) };
            }
        }
    }
}

fn class_layout(class: usize) -> Layout {
    // The size is a power of two from 64 and the alignment 8: always valid.
    Layout::from_size_align(MIN_CLASS << class, ALIGN).expect("a valid class layout")
}

/// The class of a slice of `bytes` (> 0), or `None` past the largest.
fn class_of(bytes: usize) -> Option<usize> {
    let class = bytes.max(MIN_CLASS).next_power_of_two().trailing_zeros() as usize
        - MIN_CLASS.trailing_zeros() as usize;
    (class < CLASSES).then_some(class)
}

/// A slice of `T`, owned like a `Box<[T]>`: filled when made, then read.
pub(crate) struct Pooled<T: Copy> {
    ptr: NonNull<T>,
    len: usize,
    _owns: PhantomData<T>,
}

// SAFETY: it owns its items as a Box<[T]> does, and lends them only as
// `&[T]` or, through `&mut self`, `&mut [T]`.
unsafe impl<T: Copy + Send> Send for Pooled<T> {}
// SAFETY: as above.
unsafe impl<T: Copy + Sync> Sync for Pooled<T> {}

impl<T: Copy> Pooled<T> {
    /// The layout a slice of `len` items outside the classes is allocated with.
    fn exact_layout(len: usize) -> Layout {
        Layout::array::<T>(len)
            .and_then(|l| l.align_to(ALIGN))
            .expect("a slice that fits in memory")
    }

    fn bytes(len: usize) -> usize {
        len * size_of::<T>()
    }
}

impl<T: Copy> Pooled<T> {
    /// `len` items, each `value`.
    pub(crate) fn filled(len: usize, value: T) -> Self {
        let pooled = Self::uninit(len);
        // SAFETY: the block holds room for `len` items, none read before this.
        unsafe { std::slice::from_raw_parts_mut(pooled.ptr.as_ptr(), len).fill(value) };
        pooled
    }

    /// A block for `len` items, from this thread's stack of its size class
    /// when one is there. The caller writes every item before anyone reads one.
    fn uninit(len: usize) -> Self {
        const { assert!(align_of::<T>() <= ALIGN && size_of::<T>() > 0) };
        if len == 0 {
            return Pooled {
                ptr: NonNull::dangling(),
                len,
                _owns: PhantomData,
            };
        }
        let block = match class_of(Self::bytes(len)) {
            Some(class) => POOL
                .try_with(|pool| {
                    let mut pool = pool.try_borrow_mut().ok()?;
                    let block = pool.free[class].pop()?;
                    pool.kept -= MIN_CLASS << class;
                    Some(block)
                })
                .ok()
                .flatten()
                .unwrap_or_else(|| allocate(class_layout(class))),
            None => allocate(Self::exact_layout(len)),
        };
        Pooled {
            ptr: block.cast::<T>(),
            len,
            _owns: PhantomData,
        }
    }
}

impl<T: Copy> From<&[T]> for Pooled<T> {
    fn from(items: &[T]) -> Self {
        let pooled = Self::uninit(items.len());
        // SAFETY: the block holds room for `len` items, and nothing else uses it.
        unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), pooled.ptr.as_ptr(), items.len()) };
        pooled
    }
}

fn allocate(layout: Layout) -> NonNull<u8> {
    // SAFETY: every layout here has a nonzero size.
    NonNull::new(unsafe { alloc(layout) }).unwrap_or_else(|| handle_alloc_error(layout))
}

impl<T: Copy> FromIterator<T> for Pooled<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Pooled::from(&iter.into_iter().collect::<Vec<T>>()[..])
    }
}

impl<T: Copy> Deref for Pooled<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` holds `len` initialised items (or is dangling for 0).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> DerefMut for Pooled<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as for `deref`, and `&mut self` makes the access unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy + PartialEq> PartialEq for Pooled<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Copy> Drop for Pooled<T> {
    fn drop(&mut self) {
        if self.len == 0 {
            return;
        }
        let block = self.ptr.cast::<u8>();
        let Some(class) = class_of(Self::bytes(self.len)) else {
            // SAFETY: allocated with this exact layout in `from`.
            unsafe { dealloc(block.as_ptr(), Self::exact_layout(self.len)) };
            return;
        };
        let kept = POOL
            .try_with(|pool| {
                let Ok(mut pool) = pool.try_borrow_mut() else {
                    return false;
                };
                let size = MIN_CLASS << class;
                let room = pool.kept + size <= KEPT_BYTES;
                if room {
                    pool.free[class].push(block);
                    pool.kept += size;
                }
                room
            })
            .unwrap_or(false);
        if !kept {
            // SAFETY: a block of this class, allocated with its layout.
            unsafe { dealloc(block.as_ptr(), class_layout(class)) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn classes_cover_their_sizes_and_stop_at_the_largest() {
        assert_eq!(class_of(1), Some(0));
        assert_eq!(class_of(64), Some(0));
        assert_eq!(class_of(65), Some(1));
        assert_eq!(class_of(2048), Some(5));
        assert_eq!(class_of(2049), None);
        for bytes in 1..=2048 {
            let class = class_of(bytes).unwrap();
            assert!(MIN_CLASS << class >= bytes);
            assert!(class == 0 || MIN_CLASS << (class - 1) < bytes);
        }
    }

    proptest! {
        /// Slices of every class and past them keep their items, while
        /// others are made and dropped around them (reusing freed blocks).
        #[test]
        fn pooled_slices_hold_their_items(
            lens in proptest::collection::vec(prop_oneof![0usize..200, 150usize..400], 1..40),
        ) {
            let make = |len: usize, seed: usize| -> Vec<(u8, u32, u32)> {
                (0..len).map(|i| ((i + seed) as u8, (i * 7 + seed) as u32, seed as u32)).collect()
            };
            let mut live = Vec::new();
            for (seed, &len) in lens.iter().enumerate() {
                let want = make(len, seed);
                // Every other slice is filled in place, as an alignment's sink does.
                let pooled = if seed % 2 == 0 {
                    Pooled::from(&want[..])
                } else {
                    let mut pooled = Pooled::filled(len, (0, 0, 0));
                    pooled.copy_from_slice(&want);
                    pooled
                };
                if seed % 3 == 0 {
                    drop(live.pop());
                }
                live.push((pooled, want));
            }
            for (pooled, want) in &live {
                prop_assert_eq!(&pooled[..], &want[..]);
            }
        }
    }

    #[test]
    fn a_thread_keeps_at_most_its_share() {
        std::thread::spawn(|| {
            let items = [(0u8, 0u32, 0u32); 4];
            let many: Vec<Pooled<_>> = (0..(KEPT_BYTES / MIN_CLASS) + 10)
                .map(|_| Pooled::from(&items[..]))
                .collect();
            drop(many);
            POOL.with(|pool| {
                let pool = pool.borrow();
                assert_eq!(pool.free[0].len(), KEPT_BYTES / MIN_CLASS);
                assert_eq!(pool.kept, KEPT_BYTES);
            });
            let again: Vec<Pooled<_>> = (0..10).map(|_| Pooled::from(&items[..])).collect();
            POOL.with(|pool| assert_eq!(pool.borrow().kept, KEPT_BYTES - 10 * MIN_CLASS));
            drop(again);
        })
        .join()
        .unwrap();
    }
}
