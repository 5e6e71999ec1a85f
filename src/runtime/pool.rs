//! Thread pools: the thread-count policy, the thread budget of cached pools,
//! placement on CPUs, fork safety, and running work while the caller polls.
//!
//! Policy: `None` runs on a default pool sized as rayon sizes its global pool
//! (`RAYON_NUM_THREADS`, else the number of CPUs), so a Dask or Spark worker can
//! cap it from the environment. An explicit count gets a pool of that size, cached
//! so repeated calls reuse it.
//!
//! Thread budget: the cached explicit pools other than the one just asked for hold
//! at most [`thread_budget`] threads together, `max(4 × CPUs, 64)`; the least
//! recently used go first. A caller sweeping `num_threads` from 1 to 100 thus ends
//! with the last pool and a few small ones (about 100 threads on 2 CPUs, where
//! four cached pools of 97-100 threads used to stay alive), while a program
//! alternating between a few sizes keeps them all.
//!
//! rayon's own global pool is not used because it cannot be rebuilt after `fork()`:
//! every pool here is tied to the process id that built it, and a child process
//! builds fresh ones (the parent's threads do not exist in the child).

use super::stop::POLL_INTERVAL;
use crate::error::Error;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, MutexGuard};

/// The largest accepted thread count.
pub const MAX_THREADS: usize = 1024;

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
        Some(n) if n == 0 || n > MAX_THREADS => Err(Error::InvalidThreadCount {
            requested: n,
            max: MAX_THREADS,
        }),
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
            pools.explicit.push((n, Arc::clone(&p)));
            evict(&mut pools.explicit, thread_budget());
            Ok(p)
        }
    }
}

/// Threads that the cached explicit pools other than the newest may hold
/// together: `max(4 × CPUs, 64)`, so that a few pools of any size up to four
/// times the machine stay cached, while a sweep over many sizes does not keep
/// hundreds of idle threads.
#[must_use]
pub fn thread_budget() -> usize {
    (4 * std::thread::available_parallelism().map_or(1, std::num::NonZero::get)).max(64)
}

/// Drops the least recently used pools (the front of `explicit`) until those
/// before the newest (the back) hold at most `budget` threads.
fn evict(explicit: &mut Vec<(usize, Arc<ThreadPool>)>, budget: usize) {
    let Some(((_, _), older)) = explicit.split_last() else {
        return;
    };
    let mut held: usize = older.iter().map(|(n, _)| n).sum();
    let mut drop = 0;
    while held > budget {
        held -= explicit[drop].0;
        drop += 1;
    }
    // Dropping the last Arc lets a pool's threads exit once idle; a batch still
    // running on it keeps its own Arc.
    explicit.drain(..drop);
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
    fn thread_counts_outside_range_are_rejected() {
        let bad = |n| {
            Err(Error::InvalidThreadCount {
                requested: n,
                max: MAX_THREADS,
            })
        };
        assert_eq!(check_threads(Some(0)), bad(0));
        assert_eq!(check_threads(Some(MAX_THREADS + 1)), bad(MAX_THREADS + 1));
        assert_eq!(check_threads(Some(MAX_THREADS)), Ok(()));
        assert_eq!(check_threads(None), Ok(()));
    }

    fn cached() -> Vec<usize> {
        let guard = lock_pools();
        guard
            .as_ref()
            .expect("pools")
            .explicit
            .iter()
            .map(|(n, _)| *n)
            .collect()
    }

    #[test]
    fn explicit_pools_are_reused_and_a_sweep_stays_within_the_budget() {
        let first = pool(Some(3)).expect("pool");
        assert!(Arc::ptr_eq(&first, &pool(Some(3)).expect("pool")));
        let budget = thread_budget();
        assert!(budget >= 64);
        for n in 1..=budget + 8 {
            pool(Some(n)).expect("pool");
        }
        // Other tests may have asked for pools meanwhile: whichever came last
        // is the newest, and the rest hold no more than the budget.
        let kept = cached();
        let held: usize = kept.iter().sum::<usize>() - kept.last().expect("a pool");
        assert!(
            held <= budget,
            "{held} threads cached beyond the budget: {kept:?}"
        );
        assert!(
            !cached().contains(&3),
            "least recently used pool was not evicted"
        );
    }

    #[test]
    fn eviction_drops_the_least_recently_used_first() {
        let pools: Vec<(usize, Arc<ThreadPool>)> = [2, 30, 40, 1, 50]
            .into_iter()
            .map(|n| (n, build(Some(n)).expect("pool")))
            .collect();
        let sizes = |v: &[(usize, Arc<ThreadPool>)]| v.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        let mut within = pools.clone();
        evict(&mut within, 73);
        assert_eq!(
            sizes(&within),
            [2, 30, 40, 1, 50],
            "73 threads fit the budget"
        );
        let mut over = pools.clone();
        evict(&mut over, 72);
        assert_eq!(sizes(&over), [30, 40, 1, 50]);
        let mut tight = pools;
        evict(&mut tight, 0);
        assert_eq!(
            sizes(&tight),
            [50],
            "the newest pool stays whatever its size"
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
}
