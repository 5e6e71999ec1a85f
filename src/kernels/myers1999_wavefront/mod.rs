//! Myers 1999 blocks of one long pair stepped side by side in vector lanes,
//! skewed along the anti-diagonal.
//!
//! G. Myers, "A fast bit-vector algorithm for approximate string matching based on
//! dynamic programming", JACM 46(3), 1999, §4 (blocks), with the boundary
//! condition of H. Hyyrö 2003 for the distance between whole strings, as in
//! [`crate::kernels::myers1999`]; the schedule is the anti-diagonal one of
//! A. Wozniak, "Using video-oriented instructions to speed up sequence
//! comparison", CABIOS 13(2), 1997 (the cells of an anti-diagonal do not depend
//! on each other, so they fill the lanes of a vector), applied to whole 64-row
//! blocks instead of single cells.
//!
//! Block b of column j needs block b of column j - 1 (its vertical deltas) and
//! the horizontal delta (+1, 0, -1) leaving the last row of block b - 1 in column
//! j: down a column the blocks form a serial chain of one-bit carries, which is
//! what bounds the scalar kernel. Blocks b, b + 1, ..., b + W - 1 at columns j,
//! j - 1, ..., j - W + 1 depend on none of each other, so they make one vector
//! step of W 64-bit lanes (4 per AVX2 register, 8 per AVX-512 register, one or
//! two registers). Lane l holds block `first + l` of a strip of W blocks, and
//! each step moves the carries one lane up: lane l takes what lane l - 1 produced
//! in the previous step (the same column, one block up), and lane 0 takes the
//! carry that left the bottom block of the strip above at that column, or +1 for
//! the first strip (row 0 gains 1 per column).
//!
//! Lane l at time t reads the masks of text unit t - first - l. Rather than
//! gathering W words from W table rows per step (which on Zen 4 cost as much as
//! the rest of the step), each text unit's W masks are loaded once, as one
//! vector, when the unit enters lane 0, and a blend tree assembles the
//! diagonal: with V_s the vector of unit s, P1_s takes its odd lanes from
//! V_{s-1}, P2_s its lanes 2-3 mod 4 from P1_{s-2}, P3_s its upper four from
//! P2_{s-4}, so that P3_s holds lane l of V_{s-l}: three blends per step.
//!
//! Block b of column j runs at time j + b. Time advances in chunks; within a
//! chunk the strips run one after the other, each handing the carries of its
//! bottom block, one per time step, to the next through a buffer of the
//! chunk's length, and keeping its registers in a small record between chunks.
//! Only the first and last W - 1 steps of a strip have lanes outside columns
//! 1..=n; those lanes keep their state (a blend), and their carries are only
//! ever read by other lanes outside the matrix. The distance is read from the
//! last column: D[m][n] = n + the vertical deltas of rows 1..=m.
//!
//! For an alignment, a pattern of one strip can keep every time step's lanes
//! ([`keep`], [`keep_latin1`]): the vertical or the horizontal deltas of every
//! block of every column, in the skewed order the steps produce them, for
//! [`crate::kernels::hirschberg`] to walk back.
//!
//! A Latin-1 pattern of up to 512 units takes its masks from a per-thread table
//! indexed by the byte ([`with_latin1_rows`]), longer or wider ones from a
//! [`BlockTable`]. [`Pipeline`] splits the strips into bands for several threads:
//! band i runs chunk c at pipeline step c + i.
//!
//! Cost: ⌈m/64⌉·n / W vector steps, W - 1 more per strip. A step is about 28
//! instructions on one AVX-512 register (3.5 per block and column, 3.3 on two
//! registers) and 35 on one AVX2 register (8.6; 8.0 on two), against about 36
//! per block and column for the scalar blocks of [`crate::kernels::myers1999`]
//! (callgrind and the disassembly, 5,000 × 20,000 units). Memory: the pattern
//! table plus O(m/64 + chunk) words.
//!
//! - `band`: the schedule, generic over a vector register ([`band::Reg`]): a
//!   band of strips stepped through a chunk of time, the blend tree, the ramps.
//! - `x86_64`: the AVX2 and AVX-512 registers and the target-feature functions
//!   that run the schedule on them.

mod band;
#[cfg(test)]
mod tests;
#[cfg(target_arch = "x86_64")]
mod x86_64;

use crate::kernels::masks::table::{BlockTable, LATIN1_ROWS_MAX, ROW_PADDING, with_latin1_rows};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;
use band::TOP;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
#[cfg(target_arch = "x86_64")]
use x86_64::AnyBand;

/// Without x86-64 there are no widths, so no plans and no bands.
#[cfg(not(target_arch = "x86_64"))]
enum AnyBand {}

#[cfg(not(target_arch = "x86_64"))]
impl AnyBand {
    fn new(_: Width, _: &Job<'_>, _: std::ops::Range<usize>) -> Self {
        unreachable!("widths only run on x86-64")
    }
    fn advance(
        &mut self,
        _: &Job<'_>,
        _: usize,
        _: Option<&[[u64; 2]]>,
        _: Option<&mut [[u64; 2]]>,
    ) {
        match *self {}
    }
    fn vertical_deltas(&self, _: &Job<'_>) -> isize {
        match *self {}
    }
    fn last_blocks(&self, _: &Job<'_>, _: &mut Vec<[u64; 2]>) {
        match *self {}
    }
}

/// Time steps per chunk: a strip's carry buffer (16 bytes a step) and the
/// strip's masks of the text units in the chunk stay in the L1 cache.
const CHUNK: usize = 256;

/// The vectors the lanes live in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Width {
    /// Four lanes: one AVX2 register.
    Avx2,
    /// Eight lanes: two AVX2 registers.
    Avx2x2,
    /// Eight lanes: one AVX-512 register.
    Avx512,
    /// Sixteen lanes: two AVX-512 registers.
    Avx512x2,
}

const _: () = assert!(16 <= ROW_PADDING, "a strip loads up to 16 words from a row");

impl Width {
    /// Lanes, i.e. blocks per strip.
    pub(crate) fn lanes(self) -> usize {
        match self {
            Width::Avx2 => 4,
            Width::Avx2x2 | Width::Avx512 => 8,
            Width::Avx512x2 => 16,
        }
    }

    /// Whether this CPU runs it (`is_x86_feature_detected!` caches its answer).
    pub(crate) fn available(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            match self {
                Width::Avx2 | Width::Avx2x2 => std::arch::is_x86_feature_detected!("avx2"),
                Width::Avx512 | Width::Avx512x2 => {
                    std::arch::is_x86_feature_detected!("avx512f")
                        && std::arch::is_x86_feature_detected!("avx512vbmi2")
                        && std::arch::is_x86_feature_detected!("avx2")
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// The best width for a pattern of `blocks` blocks on this CPU, if any.
    fn best(blocks: usize) -> Option<Width> {
        let prefer: &[Width] = match blocks {
            0..=4 => &[Width::Avx2],
            5..=8 => &[Width::Avx512, Width::Avx2x2],
            _ => &[Width::Avx512x2, Width::Avx2x2],
        };
        prefer.iter().copied().find(|w| w.available())
    }
}

/// The best vector width for a pattern of `blocks` blocks on this CPU, if it
/// has any (AVX2 at least).
pub(crate) fn width(blocks: usize) -> Option<Width> {
    Width::best(blocks)
}

/// What the wavefront needs from a long pattern: its dense table and a vector width.
pub(crate) struct Plan<'t> {
    table: &'t BlockTable,
    rows: &'t [u64],
    width: Width,
}

impl<'t> Plan<'t> {
    /// The plan for `table` on this CPU, or `None` without AVX2 or for a table
    /// kept as position lists (large alphabets), which has no rows to load.
    pub(crate) fn new(table: &'t BlockTable) -> Option<Self> {
        Self::with_width(table, Width::best(table.blocks())?)
    }

    /// The plan with a given width, if this CPU runs it.
    pub(crate) fn with_width(table: &'t BlockTable, width: Width) -> Option<Self> {
        let rows = table.dense_rows()?;
        // Window entries are u32 row offsets.
        (width.available() && u32::try_from(rows.len()).is_ok()).then_some(Plan {
            table,
            rows,
            width,
        })
    }
}

/// Distance between the pattern of `m` units that `plan` was made for and
/// `text` (at least one unit), or `None` if `stop` was raised.
pub(crate) fn distance<T: Unit>(
    plan: &Plan<'_>,
    m: usize,
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    let blocks = plan.table.blocks();
    debug_assert!(m > 0 && blocks == m.div_ceil(64) && !text.is_empty());
    with_plan_job(plan, m, text, |job| run_width(plan.width, job, stop))
}

/// The single run's job for the pattern of `m` units `plan` was made for.
fn with_plan_job<T: Unit, R>(
    plan: &Plan<'_>,
    m: usize,
    text: &[T],
    f: impl FnOnce(&Job<'_>) -> R,
) -> R {
    let blocks = plan.table.blocks();
    let units = |from: usize, out: &mut [u32]| {
        let text = &text[from..from + out.len()];
        plan.table.row_offsets(text, blocks as u32, out);
    };
    f(&Job {
        m,
        n: text.len(),
        blocks,
        rows: plan.rows,
        units: UnitsFn::Borrowed(&units),
        chunk: CHUNK,
    })
}

/// Distance between a Latin-1 `pattern` of 1..=[`LATIN1_ROWS_MAX`] units and
/// `text` (at least one unit) on lanes of `width` (which this CPU runs), or
/// `None` if `stop` was raised. The masks come from a per-thread table indexed
/// by the byte itself ([`with_latin1_rows`]), which costs far less to set up
/// than a [`BlockTable`] on patterns this short.
pub(crate) fn distance_latin1<T: Unit>(
    width: Width,
    pattern: &[u8],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    debug_assert!(width.available());
    with_latin1_job(pattern, text, |job| run_width(width, job, stop))
}

/// The single run's job for a Latin-1 `pattern` of 1..=[`LATIN1_ROWS_MAX`]
/// units, its masks from [`with_latin1_rows`].
fn with_latin1_job<T: Unit, R>(pattern: &[u8], text: &[T], f: impl FnOnce(&Job<'_>) -> R) -> R {
    let (m, n) = (pattern.len(), text.len());
    debug_assert!(m > 0 && m <= LATIN1_ROWS_MAX && n > 0);
    let blocks = m.div_ceil(64);
    let scale = blocks as u32;
    let units = |from: usize, out: &mut [u32]| {
        let text = &text[from..from + out.len()];
        if let Some(bytes) = T::as_bytes(text) {
            for (o, &c) in out.iter_mut().zip(bytes) {
                *o = u32::from(c) * scale;
            }
        } else {
            // Units past Latin-1 match nothing: row 256 is empty.
            for (o, &c) in out.iter_mut().zip(text) {
                *o = Into::<u32>::into(c).min(256) * scale;
            }
        }
    };
    with_latin1_rows(pattern, |rows| {
        let job = Job {
            m,
            n,
            blocks,
            rows,
            units: UnitsFn::Borrowed(&units),
            chunk: CHUNK,
        };
        f(&job)
    })
}

/// A width whose lanes hold every block of a pattern of `blocks` blocks in
/// one strip, as [`keep_latin1`] and [`keep`] need, if this CPU runs one.
pub(crate) fn one_strip_width(blocks: usize) -> Option<Width> {
    Width::best(blocks).filter(|w| blocks <= w.lanes())
}

/// What [`keep`] records of each step: the vertical deltas `[vp, vn]` of the
/// new column, or the step's horizontal deltas `[!hp, hn]` (unshifted, bit r
/// for the block's row r + 1; note the first word is inverted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    Vertical,
    Horizontal,
}

/// The distance of a Latin-1 `pattern` (1..=[`LATIN1_ROWS_MAX`] units, one
/// strip of `width`: see [`one_strip_width`]) and `text` (at least one unit),
/// every block of every column kept in `kept` (see [`keep`]); `None` if `stop`
/// was raised.
pub(crate) fn keep_latin1<T: Unit>(
    width: Width,
    pattern: &[u8],
    text: &[T],
    what: Keep,
    kept: &mut Vec<[u64; 2]>,
    stop: Stop<'_>,
) -> Option<usize> {
    with_latin1_job(pattern, text, |job| {
        keep_width(width, job, what, kept, stop)
    })
}

/// The distance of the pattern of `m` units `plan` was made for (one strip of
/// the plan's width: see [`one_strip_width`]) and `text` (at least one unit);
/// `None` if `stop` was raised. Every block of every column is kept in `kept`
/// (resized, and read as flat words): block b of column j runs at time t = j + b, and its words are
/// `kept[2·W·(t - 1) + b]` and `kept[2·W·(t - 1) + W + b]`, W the width's
/// lanes. The two words are those `what` names. A recording thus costs
/// `2·W·(n + W - 1)` words, and two (or four) vector stores per step.
pub(crate) fn keep<T: Unit>(
    plan: &Plan<'_>,
    m: usize,
    text: &[T],
    what: Keep,
    kept: &mut Vec<[u64; 2]>,
    stop: Stop<'_>,
) -> Option<usize> {
    with_plan_job(plan, m, text, |job| {
        keep_width(plan.width, job, what, kept, stop)
    })
}

/// Runs `job` on `width` (one strip), keeping `what` in `kept`.
fn keep_width(
    width: Width,
    job: &Job<'_>,
    what: Keep,
    kept: &mut Vec<[u64; 2]>,
    stop: Stop<'_>,
) -> Option<usize> {
    use band::{KEEP_HORIZONTAL as H, KEEP_VERTICAL as V};
    let w = width.lanes();
    assert!(width.available() && job.strips(w) == 1);
    // Every word a reader may look at is written by the run: no need to
    // clear what an earlier run left (zeroing cost about a tenth of a run).
    let need = w * (w - 1 + job.n);
    if kept.len() < need {
        kept.resize(need, [0; 2]);
    }
    #[cfg(target_arch = "x86_64")]
    {
        let kept = kept.as_flattened_mut();
        // SAFETY: the width runs on this CPU (asserted).
        unsafe {
            match (width, what) {
                (Width::Avx2, Keep::Vertical) => x86_64::avx2_keeping::<1, V>(job, kept, stop),
                (Width::Avx2, Keep::Horizontal) => x86_64::avx2_keeping::<1, H>(job, kept, stop),
                (Width::Avx2x2, Keep::Vertical) => x86_64::avx2_keeping::<2, V>(job, kept, stop),
                (Width::Avx2x2, Keep::Horizontal) => x86_64::avx2_keeping::<2, H>(job, kept, stop),
                (Width::Avx512, Keep::Vertical) => x86_64::avx512_keeping::<1, V>(job, kept, stop),
                (Width::Avx512, Keep::Horizontal) => {
                    x86_64::avx512_keeping::<1, H>(job, kept, stop)
                }
                (Width::Avx512x2, Keep::Vertical) => {
                    x86_64::avx512_keeping::<2, V>(job, kept, stop)
                }
                (Width::Avx512x2, Keep::Horizontal) => {
                    x86_64::avx512_keeping::<2, H>(job, kept, stop)
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (what, stop);
        unreachable!("widths only run on x86-64")
    }
}

/// The vertical deltas `[vp, vn]` of every block of the last column, top
/// block first, for the pattern of `m` units that `plan` was made for and
/// `text` (at least one unit); `None` if `stop` was raised. Hirschberg's
/// split needs the whole score column, not only its bottom cell: this is
/// that column at the wavefront's speed, its state read once the single band
/// has run every chunk (the stop flag looked at between chunks).
pub(crate) fn last_column<T: Unit>(
    plan: &Plan<'_>,
    m: usize,
    text: &[T],
    stop: Stop<'_>,
) -> Option<Vec<[u64; 2]>> {
    debug_assert!(m > 0 && plan.table.blocks() == m.div_ceil(64) && !text.is_empty());
    let mut pipeline = Pipeline::with_chunk(plan, m, text, 1, CHUNK);
    loop {
        if stop.raised() {
            return None;
        }
        match pipeline.work() {
            Work::Ran => {}
            Work::Done => break,
            Work::Wait => unreachable!("a lone band is always ready until done"),
        }
    }
    let mut blocks = Vec::with_capacity(plan.table.blocks());
    for band in &mut pipeline.bands {
        band.get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .last_blocks(&pipeline.job, &mut blocks);
    }
    Some(blocks)
}

/// Time steps per chunk in a [`Pipeline`]: a chunk of a band is a unit of
/// work handed to a thread (a millisecond or so on a 100,000-unit pair split
/// in two), so the locks and counters around it cost nothing.
const PIPELINE_CHUNK: usize = 8 * CHUNK;

/// Carry buffers per link between two bands: band i may run up to this many
/// chunks ahead of band i + 1, which absorbs a thread's pauses.
const LINK_SLOTS: usize = 4;

/// One long pair's matrix split into bands of consecutive strips, run as a
/// pipeline on any number of threads: band i can run chunk c once band i - 1
/// has run it (its carries are the horizontal deltas entering band i's top
/// row, one per column) and band i + 1 has read the carries of chunk
/// c - [`LINK_SLOTS`] from the buffer chunk c reuses. Threads call
/// [`Pipeline::work`] until it says [`Work::Done`]; each call runs one chunk
/// of one band that is ready and that no other thread is running, so one
/// thread alone finishes the matrix too, and a thread that is descheduled
/// holds up no other for longer than a chunk. Memory: a single run's per band,
/// plus [`LINK_SLOTS`] carry buffers of a chunk's length between neighbours.
pub(crate) struct Pipeline<'a> {
    job: Job<'a>,
    bands: Vec<Mutex<AnyBand>>,
    /// Link i (between bands i and i + 1) at chunk c is `links[LINK_SLOTS · i + c % LINK_SLOTS]`.
    links: Vec<Mutex<Vec<[u64; 2]>>>,
    /// Chunks each band has run.
    done: Vec<AtomicUsize>,
    chunks: usize,
}

/// What [`Pipeline::work`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Work {
    /// Ran a chunk of a band.
    Ran,
    /// Found nothing ready: the other threads hold what is.
    Wait,
    /// Every band has run every chunk.
    Done,
}

impl<'a> Pipeline<'a> {
    /// The pipeline for the pattern of `m` units `plan` was made for and
    /// `text` (at least one unit), in up to `parts` bands.
    pub(crate) fn new<T: Unit>(plan: &Plan<'a>, m: usize, text: &'a [T], parts: usize) -> Self {
        Self::with_chunk(plan, m, text, parts, PIPELINE_CHUNK)
    }

    /// [`Pipeline::new`] with chunks of at most `chunk` steps.
    fn with_chunk<T: Unit>(
        plan: &Plan<'a>,
        m: usize,
        text: &'a [T],
        parts: usize,
        chunk: usize,
    ) -> Self {
        let (table, blocks) = (plan.table, plan.table.blocks());
        let units = move |from: usize, out: &mut [u32]| {
            let text = &text[from..from + out.len()];
            table.row_offsets(text, blocks as u32, out);
        };
        let job = Job {
            m,
            n: text.len(),
            blocks,
            rows: plan.rows,
            units: UnitsFn::Owned(Box::new(units)),
            chunk,
        };
        let w = plan.width.lanes();
        let strips = job.strips(w);
        let parts = parts.clamp(1, strips);
        let bands = (0..parts)
            .map(|i| {
                let strips = i * strips / parts..(i + 1) * strips / parts;
                Mutex::new(AnyBand::new(plan.width, &job, strips))
            })
            .collect();
        let link = job.chunk(w) + 1;
        Pipeline {
            links: (0..LINK_SLOTS * (parts - 1))
                .map(|_| Mutex::new(vec![TOP; link]))
                .collect(),
            done: (0..parts).map(|_| AtomicUsize::new(0)).collect(),
            chunks: job.chunks(w),
            bands,
            job,
        }
    }

    /// Runs the next chunk of one band that is ready and free, if any.
    pub(crate) fn work(&self) -> Work {
        let (last, chunks) = (self.bands.len() - 1, self.chunks);
        let done = |i: usize| self.done[i].load(Ordering::Acquire);
        if done(last) == chunks {
            return Work::Done;
        }
        // Bands further down first: they hold up the end of the pipeline.
        for i in (0..=last).rev() {
            let c = done(i);
            let ready = c < chunks
                && (i == 0 || done(i - 1) > c)
                && (i == last || done(i + 1) + LINK_SLOTS > c);
            if !ready {
                continue;
            }
            let Ok(mut band) = self.bands[i].try_lock() else {
                continue; // another thread runs it
            };
            if done(i) != c {
                continue; // and ran it while we looked
            }
            // A poisoned lock means a thread panicked mid-chunk; so does the
            // caller's `par_iter` then, and nothing reads this pipeline again.
            let slot = |link: usize| &self.links[LINK_SLOTS * link + c % LINK_SLOTS];
            let incoming =
                (i > 0).then(|| slot(i - 1).lock().unwrap_or_else(PoisonError::into_inner));
            let mut outgoing =
                (i < last).then(|| slot(i).lock().unwrap_or_else(PoisonError::into_inner));
            band.advance(
                &self.job,
                c,
                incoming.as_deref().map(|v| &v[..]),
                outgoing.as_deref_mut().map(|v| &mut v[..]),
            );
            self.done[i].store(c + 1, Ordering::Release);
            return Work::Ran;
        }
        Work::Wait
    }

    /// The distance, once [`Pipeline::work`] said [`Work::Done`].
    pub(crate) fn distance(&mut self) -> usize {
        let job = &self.job;
        let deltas: isize = self
            .bands
            .iter_mut()
            .map(|b| {
                b.get_mut()
                    .unwrap_or_else(PoisonError::into_inner)
                    .vertical_deltas(job)
            })
            .sum();
        (job.n as isize + deltas) as usize
    }
}

/// Runs `job` on lanes of `width`, which this CPU runs.
fn run_width(width: Width, job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        debug_assert!(width.available());
        // SAFETY: callers only pass widths this CPU runs (Plan, width()).
        unsafe {
            match width {
                Width::Avx2 => x86_64::avx2::<1>(job, stop),
                Width::Avx2x2 => x86_64::avx2::<2>(job, stop),
                Width::Avx512 => x86_64::avx512::<1>(job, stop),
                Width::Avx512x2 => x86_64::avx512::<2>(job, stop),
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (width, job, stop);
        unreachable!("widths only run on x86-64")
    }
}

/// One run's inputs.
struct Job<'a> {
    m: usize,
    /// Text units.
    n: usize,
    blocks: usize,
    /// The table's dense rows: `blocks` masks per symbol id, then [`ROW_PADDING`] zeros.
    rows: &'a [u64],
    /// `units(from, out)` sets `out[i]` to the row offset (id · blocks) of
    /// text unit `from + i`. Not generic over the unit type, so that the
    /// kernel is compiled once per vector width, not once per width and type.
    units: UnitsFn<'a>,
    /// Time steps per chunk, at most (small in tests, to cross many chunk edges).
    chunk: usize,
}

/// A [`Job`]'s text units: a single run borrows its caller's closure, a
/// [`Pipeline`] owns one.
enum UnitsFn<'a> {
    Borrowed(&'a RowOffsets<'a>),
    Owned(Box<RowOffsets<'a>>),
}

/// `f(from, out)` sets `out[i]` to the row offset of text unit `from + i`.
type RowOffsets<'a> = dyn Fn(usize, &mut [u32]) + Send + Sync + 'a;

impl UnitsFn<'_> {
    fn get(&self) -> &RowOffsets<'_> {
        match self {
            UnitsFn::Borrowed(f) => *f,
            UnitsFn::Owned(f) => f.as_ref(),
        }
    }
}

impl Job<'_> {
    /// Strips of `w` blocks.
    fn strips(&self, w: usize) -> usize {
        self.blocks.div_ceil(w)
    }

    /// Time steps per chunk with strips of `w` blocks.
    fn chunk(&self, w: usize) -> usize {
        self.chunk.min(self.strips(w) * w - 1 + self.n)
    }

    /// Chunks of time steps: block b of column j runs at time j + b, from 1 to
    /// the last block's n + (strips · w - 1).
    fn chunks(&self, w: usize) -> usize {
        (self.strips(w) * w - 1 + self.n).div_ceil(self.chunk(w))
    }
}

/// The timing harness: inline, as the layer check exempts only inline test
/// modules, and it times the scalar kernels of the same layer.
#[cfg(test)]
mod timing {
    use super::{BlockTable, Plan, Stop, Width, distance};

    /// Times every width against the scalar kernels:
    /// `cargo test --release --lib wavefront_timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing, not a test"]
    #[allow(
        clippy::cast_precision_loss,
        reason = "timings of sizes far below 2^52"
    )]
    fn wavefront_timing() {
        use std::fmt::Write;
        use std::time::Instant;
        let sizes: Vec<usize> = std::env::var("WAVE_SIZES").ok().map_or_else(
            || vec![128, 192, 256, 320, 384, 448, 512, 1000, 5000],
            |s| s.split(',').map(|x| x.parse().expect("a size")).collect(),
        );
        let alnum = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            alnum[(state % 62) as usize]
        };
        // The clock, from a chain of dependent adds (one cycle each): the best
        // of 300 samples of a millisecond or so, to miss the other tenants.
        #[cfg(target_arch = "x86_64")]
        let ghz = (0..300)
            .map(|_| {
                let (mut x, mut n) = (0u64, 1_000_000u64);
                let start = Instant::now();
                // SAFETY: register arithmetic only.
                unsafe {
                    std::arch::asm!(
                        "2:", "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                        "dec {n}", "jnz 2b", x = inout(reg) x, n = inout(reg) n,
                    );
                }
                std::hint::black_box((x, n));
                4e6 / start.elapsed().as_secs_f64() / 1e9
            })
            .fold(0f64, f64::max);
        #[cfg(not(target_arch = "x86_64"))]
        let ghz = f64::NAN;
        println!("clock ~{ghz:.2} GHz");
        for m in sizes {
            let p: Vec<u8> = (0..m).map(|_| next()).collect();
            let n: usize = std::env::var("WAVE_N").map_or(m, |v| v.parse().expect("a length"));
            let t: Vec<u8> = (0..n).map(|_| next()).collect();
            let reps = (20_000_000 / (m * n)).max(1);
            let time = |f: &dyn Fn() -> usize| {
                let mut best = f64::MAX;
                let mut d = 0;
                for _ in 0..7 {
                    let start = Instant::now();
                    for _ in 0..reps {
                        d = std::hint::black_box(f());
                    }
                    best = best.min(start.elapsed().as_secs_f64() / reps as f64);
                }
                (best, d)
            };
            let table = BlockTable::new(&p);
            let (scalar, want) = if m <= 512 {
                time(&|| {
                    crate::kernels::myers1999_fixed::distance(&p, &t, Stop::Never).unwrap_or(0)
                })
            } else {
                time(&|| {
                    crate::kernels::myers1999::distance(
                        &p,
                        &t,
                        usize::MAX,
                        Some(&table),
                        Stop::Never,
                    )
                    .unwrap_or(0)
                })
            };
            let cells = (m * n) as f64;
            let mut line = format!(
                "m={m:6} n={n:6} scalar {:8.2} us ({:.2} Gcells/s)",
                scalar * 1e6,
                cells / scalar / 1e9
            );
            let only = std::env::var("WAVE_WIDTH").ok();
            for width in [Width::Avx2, Width::Avx2x2, Width::Avx512, Width::Avx512x2] {
                if only.as_ref().is_some_and(|o| *o != format!("{width:?}")) {
                    continue;
                }
                let Some(plan) = Plan::with_width(&table, width) else {
                    continue;
                };
                let (secs, d) = time(&|| distance(&plan, m, &t, Stop::Never).unwrap_or(0));
                assert_eq!(d, want);
                let lanes = width.lanes();
                let steps = (m.div_ceil(64).div_ceil(lanes) * (n + lanes)) as f64;
                let (ratio, per_step) = (secs / scalar, secs / steps * 1e9);
                let cycles = per_step * ghz / (lanes as f64);
                write!(
                    line,
                    " | {width:?} {ratio:.2}x {per_step:.2}ns/step {cycles:.2}cyc/block"
                )
                .expect("a String");
            }
            println!("{line}");
        }
    }
}
