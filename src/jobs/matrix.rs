//! All-pairs distances: a `queries x choices` matrix.
//!
//! Queries of 1..=64 units are sorted by length and packed into SIMD lanes
//! ([`crate::kernels::lanes::hyyro2003_lanes`]), as narrow as the longest query of a group allows;
//! each choice is then the text of every group, one table row per text unit. The
//! symbols of all queries get small ids once, and each choice is translated to
//! those ids once, so a group's table is a dense array and the inner loop does one
//! load per text unit. Empty queries and queries over 64 units go through the
//! pairwise dispatcher ([`crate::levenshtein_with_stop`], or across the pool for a very long pair: [`crate::jobs::long_pairs`]).
//!
//! Cost: O(n) vector steps per (group, choice of n units): for W1-like strings
//! about `queries / lanes` groups times the total length of the choices.
//!
//! Each cell is written through a function of the distance and the two lengths,
//! so [`normalized_matrix`] runs the same tasks and divides as it writes.

use super::Parallel;
use super::long_pairs;
use crate::error::Error;
use crate::kernels::Options;
use crate::kernels::lanes::hyyro2003_lanes::{self, Kernel, LaneJob, Lanes, Width, Word};
use crate::kernels::scores::normalize;
use crate::runtime::pool::{pool, run_interruptible};
use crate::text::strings::{INLINE_STEPS, Prepared, SharedOut, Strings, prepare, total_len};
use crate::text::units::Units;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Choices per task: enough work to amortise a group's table, few enough that
/// every thread gets many tasks.
const CHOICES_PER_TASK: usize = 2048;

/// Symbol -> id (1..) for the symbols of the queries; 0 for any other symbol.
struct SymbolIds {
    low: [u32; 256],
    high: HashMap<u32, u32>,
    count: u32,
}

impl SymbolIds {
    fn new() -> Self {
        SymbolIds {
            low: [0; 256],
            high: HashMap::new(),
            count: 0,
        }
    }

    fn intern(&mut self, c: u32) -> u32 {
        let next = self.count + 1;
        let id = if c < 256 {
            let slot = &mut self.low[c as usize];
            if *slot == 0 {
                *slot = next;
            }
            *slot
        } else {
            *self.high.entry(c).or_insert(next)
        };
        self.count = self.count.max(id);
        id
    }

    #[inline]
    fn get(&self, c: u32) -> u32 {
        if c < 256 {
            self.low[c as usize]
        } else {
            self.high.get(&c).copied().unwrap_or(0)
        }
    }
}

/// Queries packed into lanes of one width.
struct Group {
    width: Width,
    /// Query indices, at most one vector's lanes.
    queries: Vec<usize>,
}

/// Sorted by length, the lane-able queries cut into groups: each group takes as
/// many queries as its first query's width holds lanes, fewer at the end of a
/// width class.
fn groups(lens: &[usize], kernel: Kernel) -> Vec<Group> {
    let mut order: Vec<usize> = (0..lens.len())
        .filter(|&i| (1..=64).contains(&lens[i]))
        .collect();
    order.sort_by_key(|&i| lens[i]);
    let mut out = Vec::new();
    let mut rest = &order[..];
    while let Some(&first) = rest.first() {
        let width = Width::for_len(lens[first]);
        let lanes = kernel.lanes(width);
        let take = rest
            .iter()
            .take(lanes)
            .take_while(|&&i| lens[i] <= width.bits())
            .count();
        out.push(Group {
            width,
            queries: rest[..take].to_vec(),
        });
        rest = &rest[take..];
    }
    out
}

/// A range of choices as query-symbol ids, all in one buffer.
struct Texts {
    ids: Vec<u32>,
    /// Choice `first + j` is `ids[starts[j]..starts[j + 1]]`.
    starts: Vec<usize>,
    first: usize,
}

impl Texts {
    #[inline]
    fn get(&self, j: usize) -> &[u32] {
        let j = j - self.first;
        &self.ids[self.starts[j]..self.starts[j + 1]]
    }
}

fn translate<S: Strings + ?Sized>(
    choices: &Prepared<'_, S>,
    range: std::ops::Range<usize>,
    symbols: &SymbolIds,
) -> Texts {
    let mut starts = Vec::with_capacity(range.len() + 1);
    starts.push(0);
    let total: usize = range.clone().map(|j| choices.len_of(j)).sum();
    let mut ids = Vec::with_capacity(total);
    for j in range.clone() {
        match choices.get(j) {
            Units::U8(s) => ids.extend(s.iter().map(|&c| symbols.low[usize::from(c)])),
            Units::U16(s) => ids.extend(s.iter().map(|&c| symbols.get(u32::from(c)))),
            Units::U32(s) => ids.extend(s.iter().map(|&c| symbols.get(c))),
        }
        starts.push(ids.len());
    }
    Texts {
        ids,
        starts,
        first: range.start,
    }
}

/// One chunk of choices translated once for all the groups, and dropped when
/// the last group is done with it, so that the translations of only the chunks
/// in progress are in memory (4 bytes per unit), whatever the choices' total size.
struct Chunk {
    texts: Mutex<Option<Arc<Texts>>>,
    groups_left: AtomicUsize,
}

impl Chunk {
    fn texts(&self, make: impl FnOnce() -> Texts) -> Arc<Texts> {
        let mut guard = self.texts.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(guard.get_or_insert_with(|| Arc::new(make())))
    }

    fn done(&self) {
        if self.groups_left.fetch_sub(1, Ordering::AcqRel) == 1 {
            *self.texts.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }
}

/// One group against a range of choices.
struct GroupTask<'a, T, F> {
    group: &'a Group,
    /// Query symbol ids, per query (empty for queries outside the groups).
    query_ids: &'a [Vec<u32>],
    symbol_count: usize,
    texts: &'a Texts,
    columns: std::ops::Range<usize>,
    cap: usize,
    out: SharedOut<T>,
    row_len: usize,
    convert: &'a F,
    stop: &'a AtomicBool,
}

impl<T, F: Fn(usize, usize, usize) -> T> LaneJob for GroupTask<'_, T, F> {
    type Output = Option<()>;

    #[inline(always)]
    fn run<W: Word, const L: usize>(self) -> Option<()> {
        let queries = &self.group.queries;
        debug_assert!(queries.len() <= L);
        // Row s of the table: the masks of symbol s in every lane's query.
        let mut table = vec![[W::default(); L]; self.symbol_count + 1];
        for (lane, &q) in queries.iter().enumerate() {
            for (bit, &s) in self.query_ids[q].iter().enumerate() {
                let row = &mut table[s as usize][lane];
                *row = *row | W::from_u64(1u64 << bit);
            }
        }
        // Symbols absent from every query of the group share row 0.
        table[0] = [W::default(); L];
        let lens: Vec<usize> = queries.iter().map(|&q| self.query_ids[q].len()).collect();
        let fresh = Lanes::<W, L>::new(lens.iter().copied());
        let write = |j: usize, lanes: &Lanes<W, L>, n: usize| {
            for (lane, &q) in queries.iter().enumerate() {
                let d = lanes.distance(lane, n);
                let cell = (self.convert)(d.min(self.cap), lens[lane], n);
                // SAFETY: q < rows and j < row_len; this task alone owns the cells
                // of its group's queries in its columns.
                unsafe { self.out.write(q * self.row_len + j, cell) };
            }
        };
        // Two choices at a time: their columns are independent, so the two
        // dependency chains of the step overlap.
        let mut columns = self.columns.clone();
        while let Some(j) = columns.next() {
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
            let second = columns.next();
            let (a, b) = (
                self.texts.get(j),
                second.map_or(&[][..], |k| self.texts.get(k)),
            );
            let (mut la, mut lb) = (fresh.clone(), fresh.clone());
            let common = a.len().min(b.len());
            for (&x, &y) in a[..common].iter().zip(&b[..common]) {
                la.step(&table[x as usize]);
                lb.step(&table[y as usize]);
            }
            for &x in &a[common..] {
                la.step(&table[x as usize]);
            }
            for &y in &b[common..] {
                lb.step(&table[y as usize]);
            }
            write(j, &la, a.len());
            if let Some(k) = second {
                write(k, &lb, b.len());
            }
        }
        Some(())
    }
}

/// Distances between every query and every choice, written row by row into
/// `out` (`queries.count() * choices.count()` cells) through `convert`; distances
/// above `options.max_distance` are written as `max_distance + 1`. `poll` runs
/// on the calling thread while it waits (see [`crate::jobs::batch::run_interruptible`]).
///
/// ```
/// use pyo3_levenshtein::{levenshtein_matrix, Options, Parallel, Units};
/// let queries = [Units::U8(b"kitten"), Units::U8(b"")];
/// let choices = [Units::U8(b"sitting"), Units::U8(b"kit")];
/// let mut out = vec![0u32; 4];
/// levenshtein_matrix(&queries[..], &choices[..], Options::default(), Parallel::default(),
///     &mut out, |d| d as u32, || false).unwrap();
/// assert_eq!(out, [3, 3, 7, 3]);
/// ```
///
/// # Errors
/// An invalid thread count, a pool that could not start, or cancellation by `poll`.
///
/// # Panics
/// If `out` does not have one cell per pair.
pub fn levenshtein_matrix<Q, C, T>(
    queries: &Q,
    choices: &C,
    options: Options,
    parallel: Parallel,
    out: &mut [T],
    convert: fn(usize) -> T,
    poll: impl FnMut() -> bool,
) -> Result<(), Error>
where
    Q: Strings + ?Sized,
    C: Strings + ?Sized,
    T: Send,
{
    let cell = move |d: usize, _: usize, _: usize| convert(d);
    matrix_cells(queries, choices, options, parallel, out, &cell, poll)
}

/// Normalized distances (as [`crate::scores::normalized_distance`] computes
/// them, `options.max_distance` ignored) between every query and every choice,
/// written row by row into `out`; the work and `poll` as in [`levenshtein_matrix`]:
/// each distance is divided by the largest one the two lengths (in the units
/// compared: clusters in grapheme mode) allow as it is written.
///
/// ```
/// use pyo3_levenshtein::{normalized_matrix, Options, Parallel, Units};
/// let queries = [Units::U8(b"kitten"), Units::U8(b"")];
/// let choices = [Units::U8(b"sitting"), Units::U8(b"")];
/// let mut out = vec![0.0; 4];
/// normalized_matrix(&queries[..], &choices[..], Options::default(), Parallel::default(),
///     &mut out, || false).unwrap();
/// assert_eq!(out, [3.0 / 7.0, 1.0, 1.0, 0.0]);
/// ```
///
/// # Errors
/// As [`levenshtein_matrix`].
///
/// # Panics
/// If `out` does not have one cell per pair.
pub fn normalized_matrix<Q, C>(
    queries: &Q,
    choices: &C,
    options: Options,
    parallel: Parallel,
    out: &mut [f64],
    poll: impl FnMut() -> bool,
) -> Result<(), Error>
where
    Q: Strings + ?Sized,
    C: Strings + ?Sized,
{
    let options = Options {
        max_distance: None,
        ..options
    };
    let w = options.weights;
    let cell = move |d: usize, m: usize, n: usize| normalize(d, w.maximum(m, n));
    matrix_cells(queries, choices, options, parallel, out, &cell, poll)
}

/// The machinery of both matrices: `convert(distance, query length, choice
/// length)` gives each cell, the lengths in the units compared.
fn matrix_cells<Q, C, T, F>(
    queries: &Q,
    choices: &C,
    options: Options,
    parallel: Parallel,
    out: &mut [T],
    convert: &F,
    poll: impl FnMut() -> bool,
) -> Result<(), Error>
where
    Q: Strings + ?Sized,
    C: Strings + ?Sized,
    T: Send,
    F: Fn(usize, usize, usize) -> T + Sync,
{
    let (rows, cols) = (queries.count(), choices.count());
    assert_eq!(
        Some(out.len()),
        rows.checked_mul(cols),
        "out must hold one cell per pair"
    );
    let pool = pool(parallel.threads)?;
    if out.is_empty() {
        return Ok(());
    }
    let stop = AtomicBool::new(false);
    let kernel = if parallel.kernel.is_available() {
        parallel.kernel
    } else {
        Kernel::Portable
    };
    let cap = options
        .max_distance
        .map_or(usize::MAX, |k| k.saturating_add(1));
    let shared = SharedOut::new(out);
    let inline = (total_len(queries).div_ceil(64) + rows).saturating_mul(total_len(choices) + cols)
        <= INLINE_STEPS;
    let work = || {
        let (queries, choices) = prepare(queries, choices, options.grapheme_segmentation);
        // The lanes compute unit costs: with other weights every query goes
        // pairwise (a length of 0 keeps it out of the lanes).
        let unit = options.unit_weights();
        let lens: Vec<usize> = (0..rows)
            .map(|i| if unit { queries.get(i).len() } else { 0 })
            .collect();
        let groups = groups(&lens, kernel);
        let mut symbols = SymbolIds::new();
        let mut query_ids = vec![Vec::new(); rows];
        for group in &groups {
            for &q in &group.queries {
                let s = queries.get(q);
                query_ids[q] = (0..s.len()).map(|i| symbols.intern(s.get(i))).collect();
            }
        }
        let chunks = cols.div_ceil(CHOICES_PER_TASK);
        let lane_tasks = groups.len() * chunks;
        let chunk_texts: Vec<Chunk> = (0..chunks)
            .map(|_| Chunk {
                texts: Mutex::new(None),
                groups_left: AtomicUsize::new(groups.len()),
            })
            .collect();
        let others: Vec<usize> = (0..rows)
            .filter(|&i| !(1..=64).contains(&lens[i]))
            .collect();
        let pairwise = Options {
            grapheme_segmentation: false,
            ..options
        };
        let task = |t: usize| {
            let chunk_of = |c: usize| c * CHOICES_PER_TASK..((c + 1) * CHOICES_PER_TASK).min(cols);
            if t < lane_tasks {
                // Chunk-major, so that the groups of a chunk run close together.
                let (c, group) = (t / groups.len(), &groups[t % groups.len()]);
                let columns = chunk_of(c);
                let texts = chunk_texts[c].texts(|| translate(&choices, columns.clone(), &symbols));
                let task = GroupTask {
                    group,
                    query_ids: &query_ids,
                    symbol_count: symbols.count as usize,
                    texts: &texts,
                    columns,
                    cap,
                    out: shared,
                    row_len: cols,
                    convert,
                    stop: &stop,
                };
                let result = hyyro2003_lanes::run(kernel, group.width, task);
                chunk_texts[c].done();
                return result;
            }
            let columns = chunk_of((t - lane_tasks) % chunks);
            let q = others[(t - lane_tasks) / chunks];
            let a = queries.get(q);
            for j in columns {
                // Lengths settle most cells of a bounded matrix without a visit
                // to the choice (a cache miss each: 2-5 x the time, measured).
                let n = choices.len_of(j);
                let d = if cap != usize::MAX && pairwise.weights.least(a.len(), n) >= cap {
                    cap
                } else {
                    long_pairs::with_options(a, choices.get(j), pairwise, &stop)?
                };
                let cell = convert(d.min(cap), a.len(), n);
                // SAFETY: in bounds; this task alone owns row q in these columns.
                unsafe { shared.write(q * cols + j, cell) };
            }
            Some(())
        };
        let tasks = 0..lane_tasks + others.len() * chunks;
        if inline {
            tasks.map(task).collect::<Option<()>>()
        } else {
            tasks.into_par_iter().map(task).collect::<Option<()>>()
        }
    };
    if inline {
        return work().ok_or(Error::Cancelled);
    }
    run_interruptible(&pool, &stop, work, poll)
}

/// Bytes of memory the system can give without swapping (Linux `MemAvailable`),
/// or `None` where that is not known.
#[must_use]
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}
