//! Parallel batches on rayon thread pools: the thread-count policy, fork safety,
//! and cancellation.
//!
//! Policy: `None` runs on a default pool sized as rayon sizes its global pool
//! (`RAYON_NUM_THREADS`, else the number of CPUs), so a Dask or Spark worker can
//! cap it from the environment. An explicit count gets a pool of that size, cached
//! so repeated calls reuse it; only the [`CACHED_POOLS`] most recently used
//! explicit pools are kept, so callers sweeping many counts do not pile up threads.
//! rayon's own global pool is not used because it cannot be rebuilt after `fork()`:
//! every pool here is tied to the process id that built it, and a child process
//! builds fresh ones (the parent's threads do not exist in the child).

use crate::distance::{Options, code_points, with_stop};
use crate::error::Error;
use crate::graphemes::{all_simple, with_cluster_ids_of};
use crate::hyyro2003_pairs::{self, MAX_LEN, Pushed, Queue};
use crate::stop::{Asker, Stop};
use crate::units::Units;
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The largest accepted thread count.
pub const MAX_THREADS: usize = 1024;
/// Explicit-count pools kept alive at once.
pub const CACHED_POOLS: usize = 4;
/// How often the calling thread runs its poll callback (e.g. to look for Ctrl-C).
pub const POLL_INTERVAL: Duration = Duration::from_millis(20);

struct Pools {
    pid: u32,
    default: Option<Arc<ThreadPool>>,
    /// Most recently used last.
    explicit: Vec<(usize, Arc<ThreadPool>)>,
}

static POOLS: Mutex<Option<Pools>> = Mutex::new(None);

fn lock_pools() -> MutexGuard<'static, Option<Pools>> {
    // A panic while holding the lock leaves the cache consistent (it only holds
    // finished pools), so a poisoned lock is safe to reuse.
    POOLS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn build(threads: Option<usize>) -> Result<Arc<ThreadPool>, Error> {
    let size = threads.unwrap_or_else(default_threads);
    let mut builder = ThreadPoolBuilder::new()
        .thread_name(|i| format!("pyo3-levenshtein-{i}"))
        .num_threads(size);
    #[cfg(target_os = "linux")]
    {
        builder = builder.start_handler(move |i| affinity::spread(i, size));
    }
    builder
        .build()
        .map(Arc::new)
        .map_err(|e| Error::ThreadPool(e.to_string()))
}

/// The default pool's size, chosen as rayon sizes its global pool (which is not
/// built here: asking rayon would start it).
fn default_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// Thread placement for pools that span every CPU the process may use.
///
/// Why: Linux wakes a sleeping worker on the CPU of the thread that woke it, and
/// only a later load-balancing pass moves it. A batch wakes its workers in a
/// chain, so on a small machine they often start stacked on one CPU and a batch
/// of a few milliseconds ends before they spread (measured on 2 vCPUs: W3 took
/// 3.6 µs per pair on two threads against 3.4 on one, and 1.76 once each worker
/// had its own CPU). Only a pool exactly as large as the allowed CPU set is
/// pinned, one thread per CPU: a smaller pool (a Dask or Spark worker limited to
/// one or two threads) is left to the scheduler, since several such processes
/// pinned to the same first CPUs would share them. Setting
/// `PYO3_LEVENSHTEIN_PIN_THREADS=0` turns pinning off.
#[cfg(target_os = "linux")]
mod affinity {
    /// Pins pool thread `index` of `size` to the `index`-th allowed CPU, if the
    /// pool spans them all.
    pub(super) fn spread(index: usize, size: usize) {
        if size < 2 || std::env::var_os("PYO3_LEVENSHTEIN_PIN_THREADS").is_some_and(|v| v == "0") {
            return;
        }
        // SAFETY: cpu_set_t is plain data (all zeros is the empty set); the calls
        // read and write only this thread's mask through pointers to the locals.
        unsafe {
            let mut allowed: libc::cpu_set_t = std::mem::zeroed();
            let bytes = size_of::<libc::cpu_set_t>();
            if libc::sched_getaffinity(0, bytes, &raw mut allowed) != 0 {
                return;
            }
            let cpus: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
                .filter(|&c| libc::CPU_ISSET(c, &allowed))
                .collect();
            if cpus.len() != size {
                return;
            }
            let mut one: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpus[index], &mut one);
            // A refusal (a container forbidding it) leaves the thread unpinned.
            let _ = libc::sched_setaffinity(0, bytes, &raw const one);
        }
    }

    /// This thread's allowed CPUs.
    #[cfg(test)]
    pub(super) fn allowed() -> Vec<usize> {
        // SAFETY: as in `spread`.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            assert_eq!(
                libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &raw mut set),
                0
            );
            (0..libc::CPU_SETSIZE as usize)
                .filter(|&c| libc::CPU_ISSET(c, &set))
                .collect()
        }
    }
}

/// Checks a requested thread count against `1..=MAX_THREADS`.
///
/// # Errors
/// [`Error::InvalidThreadCount`] outside that range.
pub fn check_threads(threads: Option<usize>) -> Result<(), Error> {
    match threads {
        Some(n) if n == 0 || n > MAX_THREADS => Err(Error::InvalidThreadCount(n)),
        _ => Ok(()),
    }
}

/// This process's pools, forgetting those a forked parent left behind.
fn this_process(guard: &mut Option<Pools>) -> &mut Pools {
    let pid = std::process::id();
    if guard.as_ref().is_some_and(|p| p.pid != pid) {
        // Forked child: the pools' threads stayed in the parent. Dropping a pool
        // would try to wake threads that do not exist here, so let them leak.
        std::mem::forget(guard.take());
    }
    guard.get_or_insert_with(|| Pools {
        pid,
        default: None,
        explicit: Vec::new(),
    })
}

/// The pool for `threads` (see the module docs for the policy).
///
/// # Errors
/// An invalid count, or the OS refusing threads.
pub fn pool(threads: Option<usize>) -> Result<Arc<ThreadPool>, Error> {
    check_threads(threads)?;
    let mut guard = lock_pools();
    let pools = this_process(&mut guard);
    match threads {
        None => {
            if let Some(p) = &pools.default {
                return Ok(Arc::clone(p));
            }
            let p = build(None)?;
            pools.default = Some(Arc::clone(&p));
            Ok(p)
        }
        Some(n) => {
            if let Some(i) = pools.explicit.iter().position(|(k, _)| *k == n) {
                let entry = pools.explicit.remove(i);
                let p = Arc::clone(&entry.1);
                pools.explicit.push(entry);
                return Ok(p);
            }
            let p = build(Some(n))?;
            if pools.explicit.len() == CACHED_POOLS {
                // Dropping the last Arc lets the pool's threads exit once idle;
                // a batch still running on it keeps its own Arc.
                pools.explicit.remove(0);
            }
            pools.explicit.push((n, Arc::clone(&p)));
            Ok(p)
        }
    }
}

/// Runs `work` on `pool` while the calling thread calls `poll` every
/// [`POLL_INTERVAL`]; when `poll` returns true, `stop` is raised, the work is
/// expected to wind down, and the result is [`Error::Cancelled`].
///
/// # Errors
/// [`Error::Cancelled`] when `poll` asked to stop or `work` returned `None`.
pub fn run_interruptible<T: Send>(
    pool: &ThreadPool,
    stop: &AtomicBool,
    work: impl FnOnce() -> Option<T> + Send,
    mut poll: impl FnMut() -> bool,
) -> Result<T, Error> {
    let (tx, rx) = channel();
    let outcome = pool.in_place_scope(|scope| {
        scope.spawn(move |_| {
            // If the receiver is gone the result is simply unwanted.
            let _ = tx.send(work());
        });
        loop {
            match rx.recv_timeout(POLL_INTERVAL) {
                Ok(result) => break result,
                Err(RecvTimeoutError::Timeout) => {
                    if !stop.load(Ordering::Relaxed) && poll() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                // The job panicked; the scope re-raises the panic when it ends.
                Err(RecvTimeoutError::Disconnected) => break None,
            }
        }
    });
    match outcome {
        Some(v) if !stop.load(Ordering::Relaxed) => Ok(v),
        _ => Err(Error::Cancelled),
    }
}

/// Distances of many pairs, in input order, computed on `threads` threads.
/// `poll` is called on the calling thread while it waits (see [`run_interruptible`]).
///
/// ```
/// use pyo3_levenshtein::{levenshtein_batch, Options, Units};
/// let pairs = [(Units::U8(b"kitten"), Units::U8(b"sitting")), (Units::U8(b""), Units::U8(b"ab"))];
/// assert_eq!(levenshtein_batch(&pairs, Options::default(), Some(2), || false), Ok(vec![3, 2]));
/// ```
///
/// # Errors
/// An invalid thread count, a pool that could not start, or cancellation by `poll`.
pub fn levenshtein_batch(
    pairs: &[(Units<'_>, Units<'_>)],
    options: Options,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<Vec<usize>, Error> {
    levenshtein_batch_by(pairs.len(), |i| pairs[i], options, threads, poll)
}

/// Pairs handed to a worker at a time: enough that the per-chunk bookkeeping
/// vanishes next to ~50 ns pairs and the four-lane path has pairs to sort, few
/// enough that rayon can still balance batches whose pairs differ a thousandfold
/// in length.
const CHUNK: usize = hyyro2003_pairs::QUEUE;

/// The chunk size for `len` pairs on `threads` threads: [`CHUNK`], or less for
/// small batches, so that every thread gets several chunks to steal (a batch of
/// eight long pairs must not land on one thread).
fn chunk_size(len: usize, threads: usize) -> usize {
    (len / (8 * threads)).clamp(1, CHUNK)
}

/// [`levenshtein_batch`] over pairs `0..len` produced by `pair(i)` on the
/// workers, so that a caller need not build a slice of all pairs first (the
/// Python binding reads each pair from its snapshot of the caller's list).
///
/// # Errors
/// As [`levenshtein_batch`].
pub fn levenshtein_batch_by<'a>(
    len: usize,
    pair: impl Fn(usize) -> (Units<'a>, Units<'a>) + Sync,
    options: Options,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<Vec<usize>, Error> {
    let pool = pool(threads)?;
    if len == 0 {
        return Ok(Vec::new());
    }
    let stop = AtomicBool::new(false);
    let mut out = vec![0; len];
    run_interruptible(
        &pool,
        &stop,
        || {
            let size = chunk_size(len, pool.current_num_threads());
            out.par_chunks_mut(size)
                .enumerate()
                .try_for_each(|(c, chunk)| fill_chunk(chunk, c * size, &pair, options, &stop))
        },
        poll,
    )?;
    Ok(out)
}

/// Whether pairs under `options` go to the lanes of [`crate::hyyro2003_pairs`]:
/// bounds up to 2 take mbleven pair by pair, which beats the lanes there.
pub(crate) fn lanes_for(options: Options) -> bool {
    options.max_distance.is_none_or(|k| k > 2)
}

/// The distances of pairs `first..first + chunk.len()` into `chunk`.
fn fill_chunk<'a>(
    chunk: &mut [usize],
    first: usize,
    pair: &impl Fn(usize) -> (Units<'a>, Units<'a>),
    options: Options,
    stop: &AtomicBool,
) -> Option<()> {
    let lanes = lanes_for(options);
    if options.grapheme_segmentation && lanes {
        // Grapheme mode interns each pair's clusters into per-thread buffers that
        // the next pair reuses; pairs short enough for the lanes keep a copy in
        // this thread's arena until the chunk is done.
        return ARENA.with(|cell| match cell.try_borrow_mut() {
            Ok(mut arena) => {
                arena.resize(CHUNK * 2 * MAX_LEN, 0);
                fill_chunk_in(chunk, first, pair, options, stop, &mut arena)
            }
            Err(_) => fill_chunk_in(
                chunk,
                first,
                pair,
                options,
                stop,
                &mut vec![0; chunk.len() * 2 * MAX_LEN],
            ),
        });
    }
    fill_chunk_in(chunk, first, pair, options, stop, &mut [])
}

thread_local! {
    /// Room for the cluster ids of a chunk of pairs (see [`fill_chunk`]).
    static ARENA: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// [`fill_chunk`] with `arena` (at least 2 · [`MAX_LEN`] units per pair in
/// grapheme mode) to keep cluster ids in.
fn fill_chunk_in<'a>(
    chunk: &mut [usize],
    first: usize,
    pair: &impl Fn(usize) -> (Units<'a>, Units<'a>),
    options: Options,
    stop: &AtomicBool,
    arena: &mut [u32],
) -> Option<()> {
    let k = options.max_distance.unwrap_or(usize::MAX);
    let cap = k.saturating_add(1);
    let lanes = lanes_for(options);
    let mut free = arena;
    let mut queue = Queue::new();
    for (j, slot) in chunk.iter_mut().enumerate() {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let (a, b) = pair(first + j);
        if !options.grapheme_segmentation {
            // Short pairs go several at a time (see hyyro2003_pairs), the rest one by one.
            if lanes {
                match queue.push(j, a, b) {
                    Pushed::Done(d) => *slot = d.min(cap),
                    Pushed::Queued => {}
                    Pushed::No => *slot = code_points(a, b, k, stop.into())?,
                }
            } else {
                *slot = code_points(a, b, k, stop.into())?;
            }
            continue;
        }
        let simple = (all_simple(a), all_simple(b));
        let d = with_cluster_ids_of(a, b, simple, |ia, ib| {
            if !lanes || ia.len() > MAX_LEN || ib.len() > MAX_LEN {
                return code_points(ia, ib, k, stop.into());
            }
            // A simple string is its own id sequence: keep the original.
            let ia = if simple.0 {
                a
            } else {
                Units::U32(keep(&mut free, ia))
            };
            let ib = if simple.1 {
                b
            } else {
                Units::U32(keep(&mut free, ib))
            };
            match queue.push(j, ia, ib) {
                Pushed::Done(d) => Some(d),
                Pushed::Queued => Some(QUEUED),
                Pushed::No => unreachable!("both sides fit a lane"),
            }
        })?;
        if d != QUEUED {
            *slot = d.min(cap);
        }
    }
    queue.flush(chunk, cap);
    Some(())
}

/// Stands for "computed at the next flush" (no distance comes near it).
const QUEUED: usize = usize::MAX;

/// Copies `ids` (at most [`MAX_LEN`]) to the front of `free` and returns the copy.
#[allow(clippy::mut_mut)] // the caller's rest of the arena moves on past the copy
fn keep<'x>(free: &mut &'x mut [u32], ids: Units<'_>) -> &'x [u32] {
    let (head, rest) = std::mem::take(free).split_at_mut(ids.len());
    match ids {
        // Cluster ids always come as u32: one copy.
        Units::U32(ids) => head.copy_from_slice(ids),
        _ => head
            .iter_mut()
            .enumerate()
            .for_each(|(i, slot)| *slot = ids.get(i)),
    }
    *free = rest;
    head
}

/// One distance computed on the calling thread, which calls `poll` about every
/// [`POLL_INTERVAL`] from the kernel's own stop checks, for single pairs long
/// enough that the caller should stay responsive (see [`crate::stop`] for why no
/// worker thread).
///
/// # Errors
/// Cancellation by `poll`.
pub fn levenshtein_interruptible(
    a: Units<'_>,
    b: Units<'_>,
    options: Options,
    mut poll: impl FnMut() -> bool,
) -> Result<usize, Error> {
    let asker = Asker::new(&mut poll);
    match with_stop(a, b, options, Stop::Ask(&asker)) {
        Some(d) if !asker.said_yes() => Ok(d),
        _ => Err(Error::Cancelled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_pool_of_every_cpu_has_one_thread_per_cpu_and_smaller_pools_float() {
        let cpus = affinity::allowed();
        if cpus.len() < 2 {
            return;
        }
        let on = |n: usize| {
            let p = build(Some(n)).expect("a pool");
            let mut seen = p.broadcast(|_| affinity::allowed());
            seen.sort();
            seen
        };
        let full = on(cpus.len());
        let mut want: Vec<Vec<usize>> = cpus.iter().map(|&c| vec![c]).collect();
        want.sort();
        assert_eq!(full, want, "one thread per allowed CPU");
        assert!(
            on(1).iter().all(|mask| *mask == cpus),
            "a one-thread pool is not pinned"
        );
    }

    #[test]
    fn small_batches_are_split_for_every_thread() {
        assert_eq!(chunk_size(8, 2), 1, "eight long pairs, one per chunk");
        assert_eq!(chunk_size(0, 4), 1);
        assert!(chunk_size(200, 2) * 2 * 4 <= 200);
        assert_eq!(chunk_size(1 << 14, 2), CHUNK);
        assert_eq!(chunk_size(1 << 20, MAX_THREADS), CHUNK);
    }

    #[test]
    fn thread_counts_outside_range_are_rejected() {
        assert_eq!(check_threads(Some(0)), Err(Error::InvalidThreadCount(0)));
        assert_eq!(
            check_threads(Some(MAX_THREADS + 1)),
            Err(Error::InvalidThreadCount(MAX_THREADS + 1))
        );
        assert_eq!(check_threads(Some(MAX_THREADS)), Ok(()));
        assert_eq!(check_threads(None), Ok(()));
    }

    #[test]
    fn explicit_pools_are_reused_and_only_a_few_are_kept() {
        let first = pool(Some(3)).expect("pool");
        assert!(Arc::ptr_eq(&first, &pool(Some(3)).expect("pool")));
        for n in 10..10 + CACHED_POOLS {
            pool(Some(n)).expect("pool");
        }
        let guard = lock_pools();
        let kept: Vec<usize> = guard
            .as_ref()
            .expect("pools")
            .explicit
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(kept.len(), CACHED_POOLS);
        assert!(
            !kept.contains(&3),
            "least recently used pool was not evicted: {kept:?}"
        );
    }

    #[test]
    fn polling_true_cancels_and_stops_the_work() {
        let pool = pool(Some(2)).expect("pool");
        let stop = AtomicBool::new(false);
        let result = run_interruptible(
            &pool,
            &stop,
            || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::yield_now();
                }
                Some(1)
            },
            || true,
        );
        assert_eq!(result, Err(Error::Cancelled));
    }

    #[test]
    fn a_cancelled_long_pair_returns_promptly() {
        let a: Vec<u32> = (0..200_000).map(|i| i % 7).collect();
        let b: Vec<u32> = (0..200_000).map(|i| i % 5).collect();
        let started = std::time::Instant::now();
        let mut polls = 0;
        let result =
            levenshtein_interruptible(Units::U32(&a), Units::U32(&b), Options::default(), || {
                polls += 1;
                polls > 2
            });
        assert_eq!(result, Err(Error::Cancelled));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
}
