//! The pairs of sequences of a `levenshtein_batch`, each pair its own group.
//!
//! Checked one by one as the batch is read (Python code may run there: a
//! sequence's `__iter__`), then interned in two steps:
//!
//! 1. the plain pairs on the batch's pool, while this thread holds the GIL and
//!    waits, running no Python code: in a GIL build nothing else can then change
//!    a list or free an element, and the workers only read (str buffers, item
//!    arrays, ints); where the GIL is disabled, lists were copied into tuples
//!    when they were checked (see `seq`). Workers take the hash CPython caches
//!    in a str; a pair with a str that has none yet (fresh from `str.split`) is
//!    hashed by the characters instead, as workers may not call CPython;
//! 2. the other pairs one by one, with Python's `hash()` and `==`.
//!
//! The ids of all pairs live in one arena, which the batch's workers read with
//! the GIL released. Interning a pair of word lists cost a few times as much as
//! its distance (callgrind: about 3,500 against 800 instructions), so on one
//! thread it decided the time of a batch of word lists; a pair of lists with a
//! side of at most 64 elements now takes `small::pair_ids` (about 1,000).

use super::plain::{self, Elements};
use super::small;
use super::{Ids, Interning, Seq, Stop, graphemes_need_str, seq, too_many};
use crate::Units;
use crate::python::errors;
use crate::runtime::pool::pool;
use pyo3::prelude::*;
use rayon::prelude::*;

/// Batches with fewer elements in their pairs of sequences are interned on the
/// calling thread: handing them to the pool costs more.
const PARALLEL_ELEMENTS: usize = 1 << 14;

/// The pairs of sequences of a batch, checked, waiting to be interned.
pub(in crate::python) struct PendingPairs<'py> {
    /// The pair's index in the batch, and its sides.
    pairs: Vec<(usize, Seq<'py>, Seq<'py>)>,
    /// The number of pairs in the batch.
    len: usize,
}

impl<'py> PendingPairs<'py> {
    pub(in crate::python) fn new(len: usize) -> Self {
        PendingPairs {
            pairs: Vec::new(),
            len,
        }
    }

    /// Checks `pairs[i]`, whose sides are `first` and `second`, not both str.
    pub(in crate::python) fn push(
        &mut self,
        i: usize,
        first: &Bound<'py, PyAny>,
        second: &Bound<'py, PyAny>,
        grapheme_segmentation: bool,
    ) -> PyResult<()> {
        let a = seq(first, || format!("pairs[{i}][0]"))?;
        let b = seq(second, || format!("pairs[{i}][1]"))?;
        if grapheme_segmentation {
            let (j, obj) = if a.is_str() { (1, second) } else { (0, first) };
            return Err(graphemes_need_str(&format!("pairs[{i}][{j}]"), obj));
        }
        self.pairs.push((i, a, b));
        Ok(())
    }

    /// Interns every pair (see the module docs), on the pool of `threads`.
    ///
    /// # Errors
    /// As [`Interning::push_group`], naming `pairs[i][j]`; a pool that cannot start.
    pub(in crate::python) fn intern(
        self,
        py: Python<'py>,
        threads: Option<usize>,
    ) -> PyResult<TokenPairs> {
        let sides = self
            .pairs
            .iter()
            .map(|(_, a, b)| Ok([a.side()?, b.side()?]))
            .collect::<PyResult<Vec<_>>>()?;
        // From here until the plain pairs are interned no Python code runs, so
        // the lengths and items read now hold.
        let mut entries = Vec::with_capacity(sides.len());
        let mut total = 0;
        for [a, b] in &sides {
            entries.push([total, a.len(), b.len()]);
            total += a.len() + b.len();
        }
        let mut arena = vec![0; total];
        let status = {
            let mut rest = &mut arena[..];
            let mut work = Vec::with_capacity(sides.len());
            for ([a, b], &[_, la, lb]) in sides.iter().zip(&entries) {
                let (out, tail) = std::mem::take(&mut rest).split_at_mut(la + lb);
                rest = tail;
                // SAFETY: the GIL is held, and no Python code runs until `work`
                // is dropped at the end of this block.
                work.push((Shared(unsafe { [a.elements(), b.elements()] }), out));
            }
            plain_pairs(threads, total, &mut work)?
        };
        let mut scratch = (Interning::new(), Ids::new());
        for (k, status) in status.into_iter().enumerate() {
            match status {
                Status::Done => {}
                Status::Full => return Err(too_many()),
                Status::NotPlain => {
                    let (interning, ids) = &mut scratch;
                    ids.clear();
                    let i = self.pairs[k].0;
                    let [_, la, lb] = entries[k];
                    interning.objects_group(py, ids, la + lb, &sides[k], &|j| {
                        format!("pairs[{i}][{j}]")
                    })?;
                    entries[k] = [arena.len(), ids.len_of(0), ids.len_of(1)];
                    arena.extend_from_slice(&ids.ids);
                }
            }
        }
        let mut group = vec![0; self.len];
        for (k, (i, ..)) in self.pairs.iter().enumerate() {
            group[*i] = k + 1;
        }
        Ok(TokenPairs {
            arena,
            entries,
            group,
        })
    }
}

/// How a pair came out of the plain step.
#[derive(Clone, Copy)]
enum Status {
    Done,
    NotPlain,
    Full,
}

/// A pair's elements, handed to the workers.
struct Shared<'a>([Elements<'a>; 2]);

// SAFETY: the workers only read: str and bytes buffers (immutable), ints
// (immutable), and list or tuple items: a tuple never changes, and a list is read
// only while the thread that made `Shared` holds the GIL and runs no Python code
// (where the GIL is disabled, lists were copied into tuples), so no other thread
// can change it or free its items. No reference count is touched.
unsafe impl Send for Shared<'_> {}
// SAFETY: as for Send.
unsafe impl Sync for Shared<'_> {}

/// Interns each pair of `work` (`total` elements together) the plain way into
/// its slice of the arena, on the pool of `threads` when there are enough.
fn plain_pairs(
    threads: Option<usize>,
    total: usize,
    work: &mut [(Shared<'_>, &mut [u32])],
) -> PyResult<Vec<Status>> {
    let one = |(interning, ids): &mut (Interning, Ids),
               (pair, out): &mut (Shared<'_>, &mut [u32])| {
        if let [Elements::Objects(a), Elements::Objects(b)] = pair.0 {
            // SAFETY: the workers only read (see `Shared`); CACHED and CONTENT
            // call nothing that needs the GIL.
            let mut small = unsafe { small::pair_ids::<{ plain::CACHED }>(a, b, out) };
            if let Err(Stop::Uncached) = small {
                // SAFETY: as above.
                small = unsafe { small::pair_ids::<{ plain::CONTENT }>(a, b, out) };
            }
            match small {
                Ok(true) => return Status::Done,
                Ok(false) => {}
                Err(Stop::NotPlain | Stop::Uncached) => return Status::NotPlain,
                Err(Stop::Full) => return Status::Full,
            }
        }
        ids.clear();
        let mut result = interning.plain_group::<{ plain::CACHED }>(ids, 2, |k| pair.0[k]);
        if let Err(Stop::Uncached) = result {
            ids.clear();
            result = interning.plain_group::<{ plain::CONTENT }>(ids, 2, |k| pair.0[k]);
        }
        match result {
            Ok(()) => {
                out.copy_from_slice(&ids.ids);
                Status::Done
            }
            Err(Stop::NotPlain | Stop::Uncached) => Status::NotPlain,
            Err(Stop::Full) => Status::Full,
        }
    };
    if total >= PARALLEL_ELEMENTS {
        let pool = pool(threads).map_err(|e| errors::to_py(&e))?;
        if pool.current_num_threads() > 1 {
            // This thread waits in `install`, holding the GIL (see `Shared`).
            return Ok(pool.install(|| {
                work.par_iter_mut()
                    .map_init(|| (Interning::new(), Ids::new()), one)
                    .collect()
            }));
        }
    }
    let mut scratch = (Interning::new(), Ids::new());
    Ok(work.iter_mut().map(|w| one(&mut scratch, w)).collect())
}

/// The pairs of sequences of a batch, interned: the ids of all of them in one
/// arena, which the workers read with the GIL released.
pub(in crate::python) struct TokenPairs {
    arena: Vec<u32>,
    /// Per pair of sequences: where its ids start, and the lengths of its sides.
    entries: Vec<[usize; 3]>,
    /// For each pair of the batch, 1 + its entry, or 0 for a pair of two str.
    group: Vec<usize>,
}

impl TokenPairs {
    /// Both sides of pair `i` as ids, if it is a pair of sequences.
    #[inline]
    pub(in crate::python) fn get(&self, i: usize) -> Option<(Units<'_>, Units<'_>)> {
        match self.group[i] {
            0 => None,
            g => {
                let [start, la, lb] = self.entries[g - 1];
                Some((
                    Units::U32(&self.arena[start..start + la]),
                    Units::U32(&self.arena[start + la..start + la + lb]),
                ))
            }
        }
    }
}
